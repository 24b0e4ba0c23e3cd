//! License issuance history (`GET /api/v1/license/statistics`).
//!
//! Issued licenses are not recorded here by the emulator; tests seed the history with
//! [`NcpEmulator::record_license`](super::NcpEmulator::record_license).

use serde_json::{Value, json};

use super::errors::ServiceError;
use super::query::{Query, TimeWindow};

/// Outcome of one license request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicenseStatus {
    /// The license was issued (`SUCCESS`).
    Success,
    /// The request was refused (`FAIL`).
    Fail,
}

impl LicenseStatus {
    /// The wire spelling in responses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "SUCCESS",
            Self::Fail => "FAIL",
        }
    }
}

/// One license issuance record, as seeded by a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseRecord {
    /// The site that issued (or refused) the license.
    pub site_id: String,
    /// The service's user id.
    pub user_id: String,
    /// The content id (the packaging CID).
    pub content_id: String,
    /// DRM type as the service reports it, e.g. `Widevine`.
    pub drm_type: String,
    /// Device id.
    pub device_id: String,
    /// Device model.
    pub device_model: String,
    /// Success or failure.
    pub status: LicenseStatus,
    /// When the license was requested, epoch milliseconds.
    pub time_ms: i64,
}

impl LicenseRecord {
    /// The record object of responses.
    pub(crate) fn render(&self) -> Value {
        json!({
            "siteId": self.site_id,
            "userId": self.user_id,
            "contentId": self.content_id,
            "drmType": self.drm_type,
            "deviceId": self.device_id,
            "deviceModel": self.device_model,
            "licenseStatus": self.status.as_str(),
            "createdTime": self.time_ms,
        })
    }
}

const SEARCH_CONDITIONS: &[&str] = &["contentId", "drmType", "userId", "deviceId", "deviceModel"];

/// The filters of a history query (besides `siteId` and the page).
#[derive(Debug)]
pub(crate) struct LicenseFilter {
    condition: Option<&'static str>,
    keyword: Option<String>,
    window: TimeWindow,
    status: Option<LicenseStatus>,
}

impl LicenseFilter {
    pub(crate) fn parse(query: &Query) -> Result<Self, ServiceError> {
        let condition = query.one_of("searchCondition", SEARCH_CONDITIONS)?;
        let keyword = query.get("searchKeyword").map(str::to_lowercase);
        if keyword.is_some() && condition.is_none() {
            return Err(ServiceError::invalid(
                "searchCondition",
                "is required with searchKeyword",
            ));
        }
        let status = query.one_of("status", &["success", "fail"])?.map(|status| {
            if status == "success" {
                LicenseStatus::Success
            } else {
                LicenseStatus::Fail
            }
        });
        Ok(Self {
            condition,
            keyword,
            window: query.time_window()?,
            status,
        })
    }

    /// Whether a record passes: keyword is a case-insensitive substring of the chosen field.
    pub(crate) fn matches(&self, record: &LicenseRecord) -> bool {
        let keyword_ok = match (self.condition, &self.keyword) {
            (Some(condition), Some(keyword)) => {
                let field = match condition {
                    "contentId" => &record.content_id,
                    "drmType" => &record.drm_type,
                    "userId" => &record.user_id,
                    "deviceId" => &record.device_id,
                    _ => &record.device_model,
                };
                field.to_lowercase().contains(keyword.as_str())
            }
            _ => true,
        };
        keyword_ok
            && self.window.contains(record.time_ms)
            && self.status.is_none_or(|status| status == record.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(drm: &str, status: LicenseStatus, time_ms: i64) -> LicenseRecord {
        LicenseRecord {
            site_id: "drm-1".to_owned(),
            user_id: "user-1".to_owned(),
            content_id: "movie-1".to_owned(),
            drm_type: drm.to_owned(),
            device_id: "dev".to_owned(),
            device_model: "Pixel".to_owned(),
            status,
            time_ms,
        }
    }

    fn filter(query: &str) -> LicenseFilter {
        LicenseFilter::parse(&Query::parse(Some(query))).expect("valid filter")
    }

    #[test]
    fn keyword_on_chosen_field() {
        let widevine = record("Widevine", LicenseStatus::Success, 5);
        assert!(filter("searchCondition=drmType&searchKeyword=widevine").matches(&widevine));
        assert!(!filter("searchCondition=drmType&searchKeyword=FairPlay").matches(&widevine));
        assert!(filter("searchCondition=deviceModel&searchKeyword=pix").matches(&widevine));
    }

    #[test]
    fn status_and_time() {
        let failed = record("PlayReady", LicenseStatus::Fail, 50);
        assert!(filter("status=fail&startTime=10&endTime=50").matches(&failed));
        assert!(!filter("status=success").matches(&failed));
        assert!(!filter("endTime=49").matches(&failed));
    }

    #[test]
    fn bad_filters() {
        for query in [
            "searchCondition=title",
            "status=SUCCESS",
            "searchKeyword=x",
            "startTime=abc",
        ] {
            assert!(
                LicenseFilter::parse(&Query::parse(Some(query))).is_err(),
                "{query}"
            );
        }
    }

    #[test]
    fn rendering() {
        let rendered = record("Widevine", LicenseStatus::Fail, 7).render();
        assert_eq!(rendered["licenseStatus"], "FAIL");
        assert_eq!(rendered["createdTime"], 7);
    }
}

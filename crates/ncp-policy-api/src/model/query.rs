//! Query parameters of the list operations: pages, log filters, license-history filters.

use std::fmt;
use std::str::FromStr;

use super::site::SiteId;
use super::validate::{Problem, ValidationError, check_range};

/// Page size used when none is given.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// Largest page size the API accepts.
pub const MAX_PAGE_SIZE: u32 = 100;

/// One page of a list: 1-based `pageNo` and `pageSize` (1..=100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Page {
    number: u32,
    size: u32,
}

impl Page {
    /// A page.
    ///
    /// # Errors
    /// When `number` is 0 or `size` is outside 1..=100.
    pub fn new(number: u32, size: u32) -> Result<Self, ValidationError> {
        check_range("pageNo", i64::from(number), 1, i64::from(u32::MAX))?;
        check_range("pageSize", i64::from(size), 1, i64::from(MAX_PAGE_SIZE))?;
        Ok(Self { number, size })
    }

    /// The first page with this size (clamped to 1..=100).
    pub fn first(size: u32) -> Self {
        Self {
            number: 1,
            size: size.clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// The page number (1-based).
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The page size.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// The following page, if the number does not overflow.
    pub fn next(&self) -> Option<Self> {
        self.number.checked_add(1).map(|number| Self {
            number,
            size: self.size,
        })
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::first(DEFAULT_PAGE_SIZE)
    }
}

/// A time window in epoch milliseconds (`startTime`, `endTime`), each end optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TimeRange {
    /// `startTime`, epoch milliseconds.
    pub start_ms: Option<i64>,
    /// `endTime`, epoch milliseconds.
    pub end_ms: Option<i64>,
}

impl TimeRange {
    pub(crate) fn validate(&self) -> Result<(), ValidationError> {
        if let Some(start) = self.start_ms {
            check_range("startTime", start, 0, i64::MAX)?;
        }
        if let Some(end) = self.end_ms {
            check_range("endTime", end, 0, i64::MAX)?;
        }
        if let (Some(start), Some(end)) = (self.start_ms, self.end_ms) {
            if start > end {
                return Err(ValidationError::new(
                    "startTime",
                    Problem::Rule("must not be after endTime"),
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn push(&self, pairs: &mut Vec<(&'static str, String)>) {
        if let Some(start) = self.start_ms {
            pairs.push(("startTime", start.to_string()));
        }
        if let Some(end) = self.end_ms {
            pairs.push(("endTime", end.to_string()));
        }
    }
}

/// Filters of the policy event log. `policyId` is required by the current docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PolicyLogQuery {
    /// The policy whose events are listed.
    pub policy_id: i64,
    /// Optional time window.
    pub time: TimeRange,
}

impl PolicyLogQuery {
    /// Every event of one policy.
    pub fn new(policy_id: i64) -> Self {
        Self {
            policy_id,
            time: TimeRange::default(),
        }
    }
}

/// Filters of the site event log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SiteLogQuery {
    /// Only events of this site.
    pub site_id: Option<SiteId>,
    /// Optional time window.
    pub time: TimeRange,
}

/// Field searched by `searchKeyword` in the license history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SearchCondition {
    /// `contentId`.
    ContentId,
    /// `drmType`.
    DrmType,
    /// `userId`.
    UserId,
    /// `deviceId`.
    DeviceId,
    /// `deviceModel`.
    DeviceModel,
}

impl SearchCondition {
    /// Every value.
    pub const ALL: [Self; 5] = [
        Self::ContentId,
        Self::DrmType,
        Self::UserId,
        Self::DeviceId,
        Self::DeviceModel,
    ];
    const NAMES: &'static [&'static str] =
        &["contentId", "drmType", "userId", "deviceId", "deviceModel"];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ContentId => "contentId",
            Self::DrmType => "drmType",
            Self::UserId => "userId",
            Self::DeviceId => "deviceId",
            Self::DeviceModel => "deviceModel",
        }
    }
}

impl fmt::Display for SearchCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SearchCondition {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                ValidationError::new(
                    "searchCondition",
                    Problem::UnknownValue {
                        allowed: Self::NAMES,
                        actual: s.to_owned(),
                    },
                )
            })
    }
}

/// The `status` filter of the license history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusFilter {
    /// `success`.
    Success,
    /// `fail`.
    Fail,
}

impl StatusFilter {
    const NAMES: &'static [&'static str] = &["success", "fail"];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Fail => "fail",
        }
    }
}

impl fmt::Display for StatusFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatusFilter {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "success" => Ok(Self::Success),
            "fail" | "failure" => Ok(Self::Fail),
            _ => Err(ValidationError::new(
                "status",
                Problem::UnknownValue {
                    allowed: Self::NAMES,
                    actual: s.to_owned(),
                },
            )),
        }
    }
}

/// Filters of the license history. `siteId` is required.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LicenseHistoryQuery {
    /// The site whose history is listed.
    pub site_id: SiteId,
    /// Field to search and the keyword to look for.
    pub search: Option<(SearchCondition, String)>,
    /// Optional time window.
    pub time: TimeRange,
    /// Only successes or only failures.
    pub status: Option<StatusFilter>,
}

impl LicenseHistoryQuery {
    /// The whole history of a site.
    pub fn new(site_id: SiteId) -> Self {
        Self {
            site_id,
            search: None,
            time: TimeRange::default(),
            status: None,
        }
    }
}

//! License issuance history (`GET /api/v1/license/statistics`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use super::open_enum::open_enum;
use super::time::ApiTime;

open_enum!(
    /// Outcome of a license request, as reported in history records.
    LicenseStatus {
        /// Issued.
        Success => "SUCCESS",
        /// Refused.
        Fail => "FAIL",
    }
);

/// One license request in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseRecord {
    /// Site that handled the request.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub site_id: Option<String>,
    /// User id.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<String>,
    /// Content id.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_id: Option<String>,
    /// DRM type as reported by the service.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub drm_type: Option<String>,
    /// Device id.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_id: Option<String>,
    /// Device model.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_model: Option<String>,
    /// Success or failure.
    #[serde(default, alias = "status", skip_serializing_if = "Option::is_none")]
    pub license_status: Option<LicenseStatus>,
    /// When the license was requested.
    #[serde(
        default,
        alias = "timestamp",
        alias = "requestTime",
        alias = "issuedTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<ApiTime>,
    /// Fields this crate does not model, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

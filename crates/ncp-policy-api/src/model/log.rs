//! Event logs of policies and sites.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use super::time::ApiTime;

/// One entry of `GET /api/v1/policy/policyLog`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyLogEntry {
    /// Policy the event is about.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_id: Option<i64>,
    /// What happened.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// When (epoch milliseconds).
    #[serde(
        default,
        alias = "time",
        alias = "createdTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<ApiTime>,
    /// Fields this crate does not model, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of `GET /api/v1/sites/siteLog`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteLogEntry {
    /// Site the event is about.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub site_id: Option<String>,
    /// What happened.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<String>,
    /// When (epoch milliseconds).
    #[serde(
        default,
        alias = "time",
        alias = "createdTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub timestamp: Option<ApiTime>,
    /// Fields this crate does not model, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

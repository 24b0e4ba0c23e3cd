//! The `response_format: json` license answer (spec `license.md` §3.2). Field types vary
//! between sources (ints or strings, `is_chrome_cdm` or `is_chromecdm`), so every field is read
//! leniently and is optional; a value of an unusable type is left out rather than failing the
//! license.

use serde::Serialize;
use serde_json::{Map, Value};

/// `device_info` of a JSON license answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    /// Device identifier (what per-user device limits count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Device model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_model: Option<String>,
    /// OS version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// Session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Whether the CDM is a browser (Chrome) CDM: `is_chrome_cdm`, or `is_chromecdm`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_chrome_cdm: Option<bool>,
}

/// Everything of a JSON license answer except the license itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LicenseDetails {
    /// `device_info`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_info: Option<DeviceInfo>,
    /// `persistent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent: Option<bool>,
    /// `license_duration`, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_duration: Option<u64>,
    /// `rental_duration`, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rental_duration: Option<u64>,
    /// `playback_duration`, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub playback_duration: Option<u64>,
    /// `renewal` (CSL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal: Option<bool>,
    /// `renewal_duration`, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renewal_duration: Option<u64>,
    /// `expire_date`, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire_date: Option<String>,
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn seconds(map: &Map<String, Value>, key: &str) -> Option<u64> {
    match map.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => {
            let t = s.trim();
            if t.is_empty() || t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                t.parse().ok()
            }
        }
        _ => None,
    }
}

fn flag(map: &Map<String, Value>, key: &str) -> Option<bool> {
    match map.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        _ => None,
    }
}

impl DeviceInfo {
    pub(crate) fn from_map(map: &Map<String, Value>) -> Self {
        Self {
            device_id: text(map, "device_id"),
            device_model: text(map, "device_model"),
            os_version: text(map, "os_version"),
            session_id: text(map, "session_id"),
            is_chrome_cdm: flag(map, "is_chrome_cdm").or_else(|| flag(map, "is_chromecdm")),
        }
    }
}

impl LicenseDetails {
    pub(crate) fn from_map(map: &Map<String, Value>) -> Self {
        Self {
            device_info: match map.get("device_info") {
                Some(Value::Object(d)) => Some(DeviceInfo::from_map(d)),
                _ => None,
            },
            persistent: flag(map, "persistent"),
            license_duration: seconds(map, "license_duration"),
            rental_duration: seconds(map, "rental_duration"),
            playback_duration: seconds(map, "playback_duration"),
            renewal: flag(map, "renewal"),
            renewal_duration: seconds(map, "renewal_duration"),
            expire_date: text(map, "expire_date"),
        }
    }
}

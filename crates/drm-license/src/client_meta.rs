//! The `pallycon-client-meta` request header (spec `license.md` §2.4): standard base64 of a
//! UTF-8 JSON object `{"device_info":{…}}`. A proxy forwards the player's value unchanged; a
//! client builds one from [`DeviceMeta`].

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use crate::token::is_header_value;

/// The header name the DoveRunner SDKs send.
pub const CLIENT_META_HEADER: &str = "pallycon-client-meta";

/// Largest header value accepted.
pub const MAX_CLIENT_META_LEN: usize = 8 * 1024;

/// Why a client meta value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientMetaError {
    /// Empty, longer than [`MAX_CLIENT_META_LEN`], or with characters a header cannot carry.
    #[error(
        "pallycon-client-meta must be 1..={MAX_CLIENT_META_LEN} bytes of visible ASCII (it is standard base64)"
    )]
    HeaderValue,
    /// The JSON given to [`ClientMeta::from_json`] is not a JSON object.
    #[error(
        "client meta must be a JSON object (`{{\"device_info\":{{…}}}}` or the device fields): {reason}"
    )]
    Json {
        /// What the JSON parser said.
        reason: String,
    },
}

/// The device fields a client reports. Empty fields are left out, except `device_id`, which
/// the iOS SDK sends as `""`: set it to `Some(String::new())` to do the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeviceMeta {
    /// Device id (`None`: not sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Device model, e.g. `Pixel 7` (Android: `Build.MODEL`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_model: Option<String>,
    /// OS version, e.g. `14(34)` (Android: `RELEASE(SDK_INT)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
}

#[derive(Serialize)]
struct Wrapper<'a> {
    device_info: &'a DeviceMeta,
}

/// A `pallycon-client-meta` header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMeta(String);

impl ClientMeta {
    /// Builds the value: standard base64 (padded, no line breaks) of the compact JSON
    /// `{"device_info":{"device_id":…,"device_model":…,"os_version":…}}` (fields in that order,
    /// absent ones left out).
    pub fn from_device(device: &DeviceMeta) -> Self {
        // Serializing strings into a Vec cannot fail.
        let json = serde_json::to_vec(&Wrapper {
            device_info: device,
        })
        .unwrap_or_default();
        Self(STANDARD.encode(json))
    }

    /// Builds the value from JSON text: either the whole object (`{"device_info":{…}}`, kept as
    /// given but written compactly) or just the device fields (`{"device_model":…}`, wrapped in
    /// `device_info`).
    ///
    /// # Errors
    /// [`ClientMetaError::Json`] when the text is not a JSON object.
    pub fn from_json(text: &str) -> Result<Self, ClientMetaError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ClientMetaError::Json {
                reason: e.to_string(),
            })?;
        let serde_json::Value::Object(map) = value else {
            return Err(ClientMetaError::Json {
                reason: "not an object".to_owned(),
            });
        };
        let whole = if map.contains_key("device_info") {
            serde_json::Value::Object(map)
        } else {
            serde_json::json!({ "device_info": map })
        };
        Ok(Self(STANDARD.encode(whole.to_string())))
    }

    /// Takes a value received from a player, to forward it unchanged.
    ///
    /// # Errors
    /// [`ClientMetaError::HeaderValue`] when it cannot be sent as a header value.
    pub fn from_header_value(value: &str) -> Result<Self, ClientMetaError> {
        if !is_header_value(value, MAX_CLIENT_META_LEN) {
            return Err(ClientMetaError::HeaderValue);
        }
        Ok(Self(value.to_owned()))
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The decoded JSON, when the value is base64 of a JSON object (for logs of device
    /// models, or the business logic of a proxy); `None` otherwise.
    pub fn decode(&self) -> Option<serde_json::Value> {
        let raw = STANDARD.decode(self.0.trim()).ok()?;
        serde_json::from_slice::<serde_json::Value>(&raw)
            .ok()
            .filter(serde_json::Value::is_object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_header_breaking_values() {
        assert_eq!(
            ClientMeta::from_header_value("a\r\nb"),
            Err(ClientMetaError::HeaderValue)
        );
        assert_eq!(
            ClientMeta::from_header_value(""),
            Err(ClientMetaError::HeaderValue)
        );
        assert!(ClientMeta::from_json("[1]").is_err());
        assert!(ClientMeta::from_json("{").is_err());
    }

    #[test]
    fn device_fields_are_wrapped() {
        let meta = ClientMeta::from_json(r#"{"device_model":"X"}"#).expect("object");
        assert_eq!(
            meta.decode(),
            Some(serde_json::json!({"device_info":{"device_model":"X"}}))
        );
    }
}

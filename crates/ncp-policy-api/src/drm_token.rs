//! The `x-drm-token` header of license calls: standard base64 of a compact JSON object
//! `{siteId, contentId, drmType, responseFormat, userId}` (all strings, in that order).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

/// Largest encoded token [`DrmToken::decode`] accepts.
pub const MAX_DRM_TOKEN_LEN: usize = 8 * 1024;

/// The content of an `x-drm-token` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DrmToken {
    /// Site id, e.g. `drm-20250903141775-AbCdE`.
    pub site_id: String,
    /// Content id.
    pub content_id: String,
    /// `WIDEVINE`, `PLAYREADY` or `FAIRPLAY`.
    pub drm_type: String,
    /// `ORIGINAL` (binary license) or `JSON`.
    pub response_format: String,
    /// User id.
    pub user_id: String,
}

/// Why an `x-drm-token` could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DrmTokenError {
    /// Longer than [`MAX_DRM_TOKEN_LEN`].
    #[error("x-drm-token is {len} bytes, more than the {max} accepted")]
    TooLong {
        /// Length received.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// Not standard base64.
    #[error("x-drm-token is not valid base64")]
    Base64,
    /// Not the expected JSON object.
    #[error("x-drm-token JSON is invalid: {0}")]
    Json(String),
}

impl DrmToken {
    /// The compact JSON text (no spaces, documented field order).
    pub fn to_json(&self) -> String {
        // Serializing plain strings into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The header value: standard base64 (padded) of [`DrmToken::to_json`].
    pub fn encode(&self) -> String {
        STANDARD.encode(self.to_json())
    }

    /// Reads a header value back.
    ///
    /// # Errors
    /// When the value is too long, not base64, or not the JSON object described above.
    pub fn decode(value: &str) -> Result<Self, DrmTokenError> {
        if value.len() > MAX_DRM_TOKEN_LEN {
            return Err(DrmTokenError::TooLong {
                len: value.len(),
                max: MAX_DRM_TOKEN_LEN,
            });
        }
        let raw = STANDARD
            .decode(value.trim())
            .map_err(|_| DrmTokenError::Base64)?;
        serde_json::from_slice(&raw).map_err(|e| DrmTokenError::Json(e.to_string()))
    }
}

//! Errors of token minting, with the official error code where one exists.

use drm_policy::{ErrorCode, PolicyError, codes};

/// Why a token could not be minted. Never carries a secret (keys are described by their length
/// only).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// A required field is missing or empty (1000 user_id, 1001 cid, 1002 site_id,
    /// 1003 access_key, 1004 site_key, 1005 policy).
    #[error("{field} is required")]
    Missing {
        /// The official code.
        code: ErrorCode,
        /// The field name, e.g. `user_id`.
        field: &'static str,
    },
    /// The site key is not exactly 32 bytes (AES-256). Code 1004.
    #[error("site_key must be exactly 32 bytes (AES-256), got {len} bytes")]
    SiteKeyLength {
        /// The length given, in bytes.
        len: usize,
    },
    /// A text field is too long or holds a character the token cannot carry.
    #[error("{field} is invalid: {reason}")]
    InvalidField {
        /// The official code of the field (1000 user_id, 1001 cid, 1002 site_id, 1003 access_key).
        code: ErrorCode,
        /// The field name.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// `response_format` is not `original`, `custom` or `json`. Code 1048.
    #[error("response_format {value:?} is not one of: original, custom, json")]
    ResponseFormat {
        /// The rejected value (clipped).
        value: String,
    },
    /// `key_rotation` is not a boolean. Code 1055.
    #[error("key_rotation should be a boolean")]
    KeyRotation,
    /// `drm_type` is not one of the five DRM names (the license server answers 7018).
    #[error(
        "drm_type {value:?} is not one of: PlayReady, Widevine, FairPlay, NCG, Wiseplay (or lower case)"
    )]
    DrmType {
        /// The rejected value (clipped).
        value: String,
    },
    /// The timestamp is not `yyyy-MM-ddTHH:mm:ssZ` naming a real instant in years 1970–9999.
    #[error("timestamp {value:?} is not a UTC time as yyyy-MM-ddTHH:mm:ssZ")]
    Timestamp {
        /// The rejected value (clipped).
        value: String,
    },
    /// The policy breaks one or more rules.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The prepared policy was encrypted with another site key than the credentials hold.
    #[error("the prepared policy was encrypted with a different site key")]
    PreparedForOtherKey,
    /// A batch request line is not a JSON object of the token request fields (code 2001).
    #[error("{reason}")]
    Request {
        /// What is wrong (no secret).
        reason: String,
    },
    /// The policy JSON is larger than [`drm_policy::read::MAX_POLICY_BYTES`].
    #[error("the policy is {len} bytes; the limit is {limit}")]
    PolicyTooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
}

impl TokenError {
    /// The official error code, when there is one (for a policy: its first violation's code).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            TokenError::Missing { code, .. } | TokenError::InvalidField { code, .. } => Some(*code),
            TokenError::SiteKeyLength { .. } => Some(codes::SITE_KEY_REQUIRED),
            TokenError::ResponseFormat { .. } => Some(codes::RESPONSE_FORMAT),
            TokenError::KeyRotation => Some(codes::KEY_ROTATION),
            TokenError::DrmType { .. } => Some(codes::SERVER_INVALID_DRM_TYPE),
            TokenError::Policy(e) => e.first_code(),
            TokenError::PolicyTooLarge { .. } | TokenError::Request { .. } => {
                Some(codes::JSON_PARSE)
            }
            TokenError::Timestamp { .. } => Some(codes::SERVER_TOKEN_EXPIRED),
            TokenError::PreparedForOtherKey => None,
        }
    }

    pub(crate) fn missing(code: ErrorCode, field: &'static str) -> Self {
        TokenError::Missing { code, field }
    }
}

/// The license server's code for an unknown `drm_type` ("invalid DRM type"); the official
/// samples make the value unrepresentable, so no client-side code exists.
pub const DRM_TYPE_SERVER_CODE: u16 = codes::SERVER_INVALID_DRM_TYPE.get();

/// The license server's code for a token it cannot date or that is outside its window ("Token
/// is expired"), reported for a malformed timestamp.
pub const TIMESTAMP_SERVER_CODE: u16 = codes::SERVER_TOKEN_EXPIRED.get();

/// At most 64 characters of a rejected (non-secret) value, for messages.
pub(crate) fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}

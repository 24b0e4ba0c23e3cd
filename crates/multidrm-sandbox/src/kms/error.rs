//! The KMS's error replies: a JSON body instead of CPIX XML.
//!
//! DoveRunner does not publish the KMS error schema; the official clients only detect "the body
//! is JSON". The emulator uses the license server's `{"errorCode": …, "message": …}` shape with
//! its own codes (listed in the crate README).

use serde_json::json;

/// Why the emulator refuses a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KmsError {
    /// The token in the path is missing or unknown.
    InvalidToken,
    /// The body is not well-formed CPIX XML.
    MalformedXml(String),
    /// The XML is well-formed but not a request the KMS can serve.
    InvalidRequest(String),
    /// A DRM system id the KMS does not know.
    UnsupportedDrm(String),
    /// NCG or clear-key HLS requested with more than one key.
    SingleKeyOnly(String),
    /// The body is larger than the limit.
    TooLarge(usize),
    /// Not a POST.
    MethodNotAllowed,
    /// A fault switched on by a test.
    Injected,
}

impl KmsError {
    /// The HTTP status the emulator uses (unless settings ask for 200 on errors).
    pub(crate) fn status(&self) -> u16 {
        match self {
            KmsError::InvalidToken => 401,
            KmsError::MalformedXml(_)
            | KmsError::InvalidRequest(_)
            | KmsError::UnsupportedDrm(_)
            | KmsError::SingleKeyOnly(_) => 400,
            KmsError::TooLarge(_) => 413,
            KmsError::MethodNotAllowed => 405,
            KmsError::Injected => 500,
        }
    }

    /// The `errorCode` value.
    pub(crate) fn code(&self) -> &'static str {
        match self {
            KmsError::InvalidToken => "INVALID_KMS_TOKEN",
            KmsError::MalformedXml(_) => "MALFORMED_CPIX",
            KmsError::InvalidRequest(_) => "INVALID_CPIX_REQUEST",
            KmsError::UnsupportedDrm(_) => "UNSUPPORTED_DRM_SYSTEM",
            KmsError::SingleKeyOnly(_) => "SINGLE_KEY_ONLY_DRM",
            KmsError::TooLarge(_) => "REQUEST_TOO_LARGE",
            KmsError::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            KmsError::Injected => "INTERNAL_ERROR",
        }
    }

    /// The human-readable `message` (never contains the token).
    pub(crate) fn message(&self) -> String {
        match self {
            KmsError::InvalidToken => "the KMS token is missing or not valid".to_owned(),
            KmsError::MalformedXml(why) => {
                format!("the request body is not well-formed CPIX XML: {why}")
            }
            KmsError::InvalidRequest(why) => format!("invalid CPIX request: {why}"),
            KmsError::UnsupportedDrm(id) => format!("unsupported DRM system id {id}"),
            KmsError::SingleKeyOnly(drm) => {
                format!("{drm} is supported for single-key (one ContentKey) requests only")
            }
            KmsError::TooLarge(max) => format!("the request body exceeds {max} bytes"),
            KmsError::MethodNotAllowed => "use POST with a CPIX document".to_owned(),
            KmsError::Injected => "injected fault (sandbox)".to_owned(),
        }
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> String {
        json!({"errorCode": self.code(), "message": self.message()}).to_string()
    }
}

//! The two error shapes of the API: the gateway's and the DRM service's.
//!
//! The API Gateway answers requests it refuses itself (signature, clock, headers, unknown
//! resource) with `{"error":{"errorCode":"…","message":"…","details":"…"}}` and the NCP gateway
//! statuses. The One Click Multi DRM service answers with `{"error":{"code","name","message"}}`.

use axum::http::StatusCode;
use serde_json::{Value, json};

/// Why the emulated API Gateway refused a request before it reached the DRM service.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GatewayRejection {
    /// A required authentication header is absent or empty (401, code `200`).
    MissingAuthHeader {
        /// The header's name.
        header: &'static str,
    },
    /// The access key is not one the emulator knows (401, code `200`).
    UnknownAccessKey,
    /// `x-ncp-apigw-timestamp` is not a decimal count of milliseconds (401, code `200`).
    MalformedTimestamp,
    /// The timestamp is more than the allowed skew away from the emulator's clock (401, code `200`).
    TimestampOutOfWindow {
        /// Request timestamp minus emulator clock, in milliseconds.
        skew_ms: i64,
    },
    /// The signature does not match the request (401, code `200`).
    SignatureMismatch,
    /// A required non-authentication header is absent or wrong (400, code `100`).
    BadHeader {
        /// The header's name.
        header: &'static str,
    },
    /// The body exceeds the size limit (400, code `100`).
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The request target is not valid UTF-8 or the body could not be read (400, code `100`).
    BadRequest,
    /// No API resource matches this method and path (404, code `300`).
    NotFound,
}

impl GatewayRejection {
    /// The HTTP status the gateway answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingAuthHeader { .. }
            | Self::UnknownAccessKey
            | Self::MalformedTimestamp
            | Self::TimestampOutOfWindow { .. }
            | Self::SignatureMismatch => StatusCode::UNAUTHORIZED,
            Self::BadHeader { .. } | Self::BodyTooLarge { .. } | Self::BadRequest => {
                StatusCode::BAD_REQUEST
            }
            Self::NotFound => StatusCode::NOT_FOUND,
        }
    }

    /// The gateway `errorCode` (a string, as on the wire).
    pub fn error_code(&self) -> &'static str {
        match self.status() {
            StatusCode::UNAUTHORIZED => "200",
            StatusCode::NOT_FOUND => "300",
            _ => "100",
        }
    }

    /// The gateway `message`.
    pub fn message(&self) -> &'static str {
        match self.status() {
            StatusCode::UNAUTHORIZED => "Authentication Failed",
            StatusCode::NOT_FOUND => "Not Found Exception",
            _ => "Bad Request Exception",
        }
    }

    /// The `details` line: says which check failed, never echoes a credential.
    pub fn details(&self) -> String {
        match self {
            Self::MissingAuthHeader { header } => format!("missing required header {header}"),
            Self::UnknownAccessKey => "unknown access key".to_owned(),
            Self::MalformedTimestamp => {
                "x-ncp-apigw-timestamp must be milliseconds since the epoch".to_owned()
            }
            Self::TimestampOutOfWindow { skew_ms } => format!(
                "timestamp is {} ms {} the server clock; the limit is 5 minutes",
                skew_ms.unsigned_abs(),
                if *skew_ms < 0 { "behind" } else { "ahead of" }
            ),
            Self::SignatureMismatch => "signature does not match the request".to_owned(),
            Self::BadHeader { header } => format!("missing or invalid header {header}"),
            Self::BodyTooLarge { limit } => format!("request body larger than {limit} bytes"),
            Self::BadRequest => "malformed request".to_owned(),
            Self::NotFound => "no API resource matches this method and path".to_owned(),
        }
    }

    /// The response body in the gateway's shape.
    pub fn body(&self) -> Value {
        json!({
            "error": {
                "errorCode": self.error_code(),
                "message": self.message(),
                "details": self.details(),
            }
        })
    }
}

/// The service error codes the emulator emits.
///
/// `code` and `name` of the documented variants come from NAVER's published list; that list was
/// incomplete (its POLICY_* rows could not be retrieved), so the variants marked
/// "emulator-defined" use codes of the emulator's own in the unused `289xxx` range. HTTP
/// statuses of service errors are not documented at all: the emulator's choices are listed per
/// variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorCode {
    /// `280000 EXCEPTION` (500): an unexpected failure.
    Exception,
    /// `280001 JSON_PARSE_FAILED_EXCEPTION` (400): the body is not JSON (or not an object).
    JsonParseFailed,
    /// `280003 WEB_INVALID_PARAMETER_TYPE_TWO_PARAM` (400): a parameter or body field is
    /// missing, of the wrong type or out of range; the message names it.
    InvalidParameter,
    /// `281003 SITE_NOT_FOUND` (404).
    SiteNotFound,
    /// `281005 SITE_STATUS_NOT_ON` (409): turning off a site that is not on.
    SiteStatusNotOn,
    /// `281006 SITE_STATUS_NOT_OFF` (409): turning on a site that is already on.
    SiteStatusNotOff,
    /// `289001 POLICY_NOT_FOUND` (404, emulator-defined).
    PolicyNotFound,
    /// `289002 POLICY_NAME_DUPLICATED` (409, emulator-defined).
    PolicyNameDuplicated,
    /// `289003 POLICY_NOT_MODIFIABLE` (400, emulator-defined): the built-in policy 0 "Basic"
    /// cannot be updated or deleted.
    PolicyNotModifiable,
    /// `289004 POLICY_IN_USE` (409, emulator-defined): a site still uses the policy.
    PolicyInUse,
    /// `289005 SITE_NAME_DUPLICATED` (409, emulator-defined).
    SiteNameDuplicated,
}

impl ServiceErrorCode {
    /// Every code, for documentation and tests.
    pub const ALL: [Self; 11] = [
        Self::Exception,
        Self::JsonParseFailed,
        Self::InvalidParameter,
        Self::SiteNotFound,
        Self::SiteStatusNotOn,
        Self::SiteStatusNotOff,
        Self::PolicyNotFound,
        Self::PolicyNameDuplicated,
        Self::PolicyNotModifiable,
        Self::PolicyInUse,
        Self::SiteNameDuplicated,
    ];

    /// The `code` field (a numeric-looking string).
    pub fn code(self) -> &'static str {
        match self {
            Self::Exception => "280000",
            Self::JsonParseFailed => "280001",
            Self::InvalidParameter => "280003",
            Self::SiteNotFound => "281003",
            Self::SiteStatusNotOn => "281005",
            Self::SiteStatusNotOff => "281006",
            Self::PolicyNotFound => "289001",
            Self::PolicyNameDuplicated => "289002",
            Self::PolicyNotModifiable => "289003",
            Self::PolicyInUse => "289004",
            Self::SiteNameDuplicated => "289005",
        }
    }

    /// The `name` field.
    pub fn name(self) -> &'static str {
        match self {
            Self::Exception => "EXCEPTION",
            Self::JsonParseFailed => "JSON_PARSE_FAILED_EXCEPTION",
            Self::InvalidParameter => "WEB_INVALID_PARAMETER_TYPE_TWO_PARAM",
            Self::SiteNotFound => "SITE_NOT_FOUND",
            Self::SiteStatusNotOn => "SITE_STATUS_NOT_ON",
            Self::SiteStatusNotOff => "SITE_STATUS_NOT_OFF",
            Self::PolicyNotFound => "POLICY_NOT_FOUND",
            Self::PolicyNameDuplicated => "POLICY_NAME_DUPLICATED",
            Self::PolicyNotModifiable => "POLICY_NOT_MODIFIABLE",
            Self::PolicyInUse => "POLICY_IN_USE",
            Self::SiteNameDuplicated => "SITE_NAME_DUPLICATED",
        }
    }

    /// The HTTP status the emulator answers with.
    pub fn status(self) -> StatusCode {
        match self {
            Self::Exception => StatusCode::INTERNAL_SERVER_ERROR,
            Self::JsonParseFailed | Self::InvalidParameter | Self::PolicyNotModifiable => {
                StatusCode::BAD_REQUEST
            }
            Self::SiteNotFound | Self::PolicyNotFound => StatusCode::NOT_FOUND,
            Self::SiteStatusNotOn
            | Self::SiteStatusNotOff
            | Self::PolicyNameDuplicated
            | Self::PolicyInUse
            | Self::SiteNameDuplicated => StatusCode::CONFLICT,
        }
    }

    /// Whether the code/name pair appears in NAVER's published error list.
    pub fn is_documented(self) -> bool {
        !matches!(
            self,
            Self::PolicyNotFound
                | Self::PolicyNameDuplicated
                | Self::PolicyNotModifiable
                | Self::PolicyInUse
                | Self::SiteNameDuplicated
        )
    }
}

/// A service error: a code and a message naming the offending field or resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceError {
    pub(crate) code: ServiceErrorCode,
    pub(crate) message: String,
}

impl ServiceError {
    pub(crate) fn new(code: ServiceErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// An invalid (missing, mistyped, out-of-range) parameter or field.
    pub(crate) fn invalid(field: &str, problem: &str) -> Self {
        Self::new(
            ServiceErrorCode::InvalidParameter,
            format!("{field}: {problem}"),
        )
    }

    pub(crate) fn body(&self) -> Value {
        json!({
            "error": {
                "code": self.code.code(),
                "name": self.code.name(),
                "message": self.message,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_authentication_failure_shape() {
        let body = GatewayRejection::SignatureMismatch.body();
        assert_eq!(body["error"]["errorCode"], "200");
        assert_eq!(body["error"]["message"], "Authentication Failed");
        assert_eq!(
            GatewayRejection::SignatureMismatch.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    #[test]
    fn gateway_codes_follow_statuses() {
        assert_eq!(GatewayRejection::NotFound.error_code(), "300");
        assert_eq!(
            GatewayRejection::BadHeader {
                header: "x-ncp-region_code"
            }
            .error_code(),
            "100"
        );
        assert_eq!(
            GatewayRejection::TimestampOutOfWindow { skew_ms: -400_000 }.error_code(),
            "200"
        );
    }

    #[test]
    fn skew_details_say_direction() {
        let behind = GatewayRejection::TimestampOutOfWindow { skew_ms: -400_000 }.details();
        assert!(behind.contains("400000 ms behind"), "{behind}");
        let ahead = GatewayRejection::TimestampOutOfWindow { skew_ms: 400_000 }.details();
        assert!(ahead.contains("ahead of"), "{ahead}");
    }

    #[test]
    fn service_error_shape() {
        let err = ServiceError::invalid("policyName", "must be 3 to 20 characters");
        let body = err.body();
        assert_eq!(body["error"]["code"], "280003");
        assert_eq!(
            body["error"]["name"],
            "WEB_INVALID_PARAMETER_TYPE_TWO_PARAM"
        );
        assert_eq!(
            body["error"]["message"],
            "policyName: must be 3 to 20 characters"
        );
    }

    #[test]
    fn service_codes_are_unique() {
        let mut codes: Vec<_> = ServiceErrorCode::ALL.iter().map(|c| c.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ServiceErrorCode::ALL.len());
    }
}

//! License issuance through One Click Multi DRM (spec `license.md` §5), as plain values: the
//! signed `POST /api/v1/license` carrying a challenge and an `x-drm-token`, and the FairPlay
//! certificate calls `GET /api/v1/license/fairPlay` (base64) and `…/fairPlayBinary` (binary).
//!
//! Nothing here does I/O. A request is signed for one timestamp: build it again for every
//! attempt (the gateway refuses timestamps more than 5 minutes off, and a prepared header set is
//! replayable with any `x-drm-token` within that window — sign per request, server-side).

use std::fmt;

use crate::drm_token::DrmToken;
use crate::request::Method;
use crate::secret::{AccessKey, SecretKey};
use crate::signature::{HEADER_DRM_TOKEN, HEADER_REGION_CODE, signed_headers};

/// `POST` target of license issuance (Widevine, PlayReady and FairPlay).
pub const LICENSE_TARGET: &str = "/api/v1/license";
/// `GET` target of the FairPlay certificate as base64 text.
pub const FAIRPLAY_CERT_TARGET: &str = "/api/v1/license/fairPlay";
/// `GET` target of the FairPlay certificate as binary.
pub const FAIRPLAY_CERT_BINARY_TARGET: &str = "/api/v1/license/fairPlayBinary";
/// The region code of license calls.
pub const LICENSE_REGION_CODE: &str = "KR";

/// Why an `x-drm-token` would be refused (all five fields are required, spec §5.3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LicenseTokenError {
    /// A required field is empty.
    #[error("x-drm-token field {field} is required")]
    Missing {
        /// The JSON field name.
        field: &'static str,
    },
    /// `contentId` is not 3–100 letters, digits, `-` or `_`.
    #[error("x-drm-token contentId must be 3-100 letters, digits, '-' or '_'")]
    ContentId,
    /// `drmType` is not `WIDEVINE`, `PLAYREADY` or `FAIRPLAY`.
    #[error("x-drm-token drmType must be WIDEVINE, PLAYREADY or FAIRPLAY")]
    DrmType,
    /// `responseFormat` is not `ORIGINAL` or `JSON`.
    #[error("x-drm-token responseFormat must be ORIGINAL or JSON")]
    ResponseFormat,
}

/// Checks an `x-drm-token` against the documented rules before it is sent.
///
/// # Errors
/// [`LicenseTokenError`] naming the field.
pub fn validate_license_token(token: &DrmToken) -> Result<(), LicenseTokenError> {
    for (field, value) in [
        ("siteId", &token.site_id),
        ("contentId", &token.content_id),
        ("drmType", &token.drm_type),
        ("responseFormat", &token.response_format),
        ("userId", &token.user_id),
    ] {
        if value.is_empty() {
            return Err(LicenseTokenError::Missing { field });
        }
    }
    let cid = token.content_id.as_bytes();
    if !(3..=100).contains(&cid.len())
        || !cid
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
    {
        return Err(LicenseTokenError::ContentId);
    }
    if !matches!(
        token.drm_type.as_str(),
        "WIDEVINE" | "PLAYREADY" | "FAIRPLAY"
    ) {
        return Err(LicenseTokenError::DrmType);
    }
    if !matches!(token.response_format.as_str(), "ORIGINAL" | "JSON") {
        return Err(LicenseTokenError::ResponseFormat);
    }
    Ok(())
}

/// One signed license-issuance call.
#[derive(Clone, PartialEq, Eq)]
pub struct LicenseIssueRequest {
    /// Method.
    pub method: Method,
    /// Request target (path only: the exact bytes that were signed).
    pub target: &'static str,
    /// Headers in sending order: the gateway's signed set (timestamp, access key, signature,
    /// `Content-Type: application/json`, `x-ncp-region_code: KR`), then `x-drm-token` (and
    /// `accept: application/json` on certificate calls, as NAVER's helper sends).
    pub headers: Vec<(&'static str, String)>,
    /// Body: the challenge, unchanged (empty for GET).
    pub body: Vec<u8>,
}

impl LicenseIssueRequest {
    /// The value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The full URL under `endpoint` (e.g. [`PUBLIC_ENDPOINT`](crate::PUBLIC_ENDPOINT)).
    pub fn url(&self, endpoint: &str) -> String {
        format!("{}{}", endpoint.trim_end_matches('/'), self.target)
    }

    /// Whether a header value is a credential (the access key) and must not be logged.
    pub fn is_sensitive(name: &str) -> bool {
        name.eq_ignore_ascii_case(crate::signature::HEADER_ACCESS_KEY)
    }
}

impl fmt::Debug for LicenseIssueRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    *n,
                    if Self::is_sensitive(n) {
                        "[redacted]"
                    } else {
                        v
                    },
                )
            })
            .collect();
        f.debug_struct("LicenseIssueRequest")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

fn signed(
    method: Method,
    target: &'static str,
    token: &DrmToken,
    timestamp_ms: u64,
    access_key: &AccessKey,
    secret_key: &SecretKey,
) -> LicenseIssueRequest {
    let signed = signed_headers(
        method.as_str(),
        target,
        timestamp_ms,
        access_key,
        secret_key,
        LICENSE_REGION_CODE,
    );
    let mut headers: Vec<(&'static str, String)> = signed.to_vec();
    debug_assert!(headers.iter().any(|(n, _)| *n == HEADER_REGION_CODE));
    headers.push((HEADER_DRM_TOKEN, token.encode()));
    LicenseIssueRequest {
        method,
        target,
        headers,
        body: Vec::new(),
    }
}

/// `POST /api/v1/license` with `challenge` as the body (Widevine / PlayReady challenge bytes,
/// FairPlay SPC as the player produced it), signed for `timestamp_ms`.
///
/// # Errors
/// [`LicenseTokenError`] when the token breaks a documented rule.
pub fn license_issue_request(
    token: &DrmToken,
    challenge: &[u8],
    timestamp_ms: u64,
    access_key: &AccessKey,
    secret_key: &SecretKey,
) -> Result<LicenseIssueRequest, LicenseTokenError> {
    validate_license_token(token)?;
    let mut request = signed(
        Method::Post,
        LICENSE_TARGET,
        token,
        timestamp_ms,
        access_key,
        secret_key,
    );
    request.body = challenge.to_vec();
    Ok(request)
}

/// `GET /api/v1/license/fairPlay` (base64 text) or, with `binary`, `…/fairPlayBinary`, with an
/// `x-drm-token` whose `drmType` is `FAIRPLAY`, signed for `timestamp_ms`.
///
/// # Errors
/// [`LicenseTokenError`] when the token breaks a documented rule or is not a FairPlay token.
pub fn fairplay_certificate_request(
    token: &DrmToken,
    binary: bool,
    timestamp_ms: u64,
    access_key: &AccessKey,
    secret_key: &SecretKey,
) -> Result<LicenseIssueRequest, LicenseTokenError> {
    validate_license_token(token)?;
    if token.drm_type != "FAIRPLAY" {
        return Err(LicenseTokenError::DrmType);
    }
    let target = if binary {
        FAIRPLAY_CERT_BINARY_TARGET
    } else {
        FAIRPLAY_CERT_TARGET
    };
    let mut request = signed(
        Method::Get,
        target,
        token,
        timestamp_ms,
        access_key,
        secret_key,
    );
    request
        .headers
        .push(("accept", "application/json".to_owned()));
    Ok(request)
}

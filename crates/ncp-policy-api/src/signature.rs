//! NCP API Gateway request signature ("signature v2"), as pure functions.
//!
//! ```text
//! string_to_sign = METHOD " " REQUEST_TARGET "\n" TIMESTAMP_MS "\n" ACCESS_KEY
//! signature      = base64(HMAC-SHA256(key = SECRET_KEY, message = string_to_sign))
//! ```
//!
//! * `METHOD` is upper-cased here, whatever case the caller used.
//! * `REQUEST_TARGET` is the path plus `?query` only when the query is non-empty; no scheme or
//!   host. It must be exactly the bytes that go on the wire: build it once with
//!   [`request_target`] and use the same string for the URL and for the signature.
//! * `TIMESTAMP_MS` is decimal milliseconds since the Unix epoch, the same text as in the
//!   `x-ncp-apigw-timestamp` header. The gateway refuses timestamps more than
//!   [`MAX_CLOCK_SKEW_MS`] away from its own clock, so a retried request must be signed again.
//! * The body is never signed.
//!
//! Nothing here reads a clock: the timestamp is always a parameter.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::secret::{AccessKey, SecretKey};

/// Header carrying the timestamp in epoch milliseconds.
pub const HEADER_TIMESTAMP: &str = "x-ncp-apigw-timestamp";
/// Header carrying the access key id.
pub const HEADER_ACCESS_KEY: &str = "x-ncp-iam-access-key";
/// Header carrying the base64 signature v2.
pub const HEADER_SIGNATURE: &str = "x-ncp-apigw-signature-v2";
/// The content-type header (the DRM API lists it as required on every call, GET included).
pub const HEADER_CONTENT_TYPE: &str = "Content-Type";
/// Header carrying the region code. Note the underscore.
pub const HEADER_REGION_CODE: &str = "x-ncp-region_code";
/// Header carrying the base64 DRM token on license calls (not part of [`SignedHeaders`]).
pub const HEADER_DRM_TOKEN: &str = "x-drm-token";
/// The content type sent on every call.
pub const CONTENT_TYPE_JSON: &str = "application/json";
/// The region code sent by default.
pub const DEFAULT_REGION_CODE: &str = "KR";
/// The largest clock difference (5 minutes) the gateway accepts, in milliseconds.
pub const MAX_CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

type HmacSha256 = Hmac<Sha256>;

/// Percent-encodes one query name or value (or path segment): every byte of its UTF-8 form that
/// is not an RFC 3986 unreserved character (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case
/// hex; a space is `%20`, never `+`.
pub fn encode_component(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// Every byte except the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Builds a query string from `(name, value)` pairs in the caller's order (never sorted), each
/// name and value encoded with [`encode_component`], joined as `name=value` with `&`.
pub fn encode_query(query: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in query.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode_component(name));
        out.push('=');
        out.push_str(&encode_component(value));
    }
    out
}

/// The request target that is both sent and signed: `path`, then `?` and the encoded query
/// ([`encode_query`]) only when `query` is non-empty.
///
/// `path` is used verbatim: it must already be in wire form (start with `/`, no scheme or host;
/// encode dynamic segments with [`encode_component`]).
///
/// ```
/// use ncp_policy_api::signature::request_target;
/// assert_eq!(request_target("/api/v1/policy", &[]), "/api/v1/policy");
/// assert_eq!(
///     request_target("/api/v1/license/statistics", &[("searchKeyword", "a b@c")]),
///     "/api/v1/license/statistics?searchKeyword=a%20b%40c"
/// );
/// ```
pub fn request_target(path: &str, query: &[(&str, &str)]) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        let mut target = String::with_capacity(path.len() + 32);
        target.push_str(path);
        target.push('?');
        target.push_str(&encode_query(query));
        target
    }
}

/// The request target for a query string that is already in wire form (used verbatim, e.g. the
/// guide's `query1=&query2`). A leading `?` on `raw_query` is dropped; an empty query adds no `?`.
pub fn request_target_raw(path: &str, raw_query: &str) -> String {
    let query = raw_query.strip_prefix('?').unwrap_or(raw_query);
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The string to sign: `METHOD " " target "\n" timestamp "\n" access_key` (method upper-cased,
/// no trailing newline).
///
/// The result contains the access key, so treat it with the same care as the key.
pub fn string_to_sign(
    method: &str,
    request_target: &str,
    timestamp_ms: u64,
    access_key: &AccessKey,
) -> String {
    let ts = timestamp_ms.to_string();
    let ak = access_key.expose_secret();
    let mut out =
        String::with_capacity(method.len() + request_target.len() + ts.len() + ak.len() + 3);
    out.extend(method.chars().map(|c| c.to_ascii_uppercase()));
    out.push(' ');
    out.push_str(request_target);
    out.push('\n');
    out.push_str(&ts);
    out.push('\n');
    out.push_str(ak);
    out
}

fn mac_for(
    method: &str,
    request_target: &str,
    timestamp_ms: u64,
    access_key: &AccessKey,
    secret_key: &SecretKey,
) -> HmacSha256 {
    // HMAC's own key schedule, done here so that key setup is infallible: a key longer than the
    // SHA-256 block is replaced by its digest, then zero-padded to the 64-byte block.
    let key = secret_key.expose_secret().as_bytes();
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut mac = <HmacSha256 as KeyInit>::new(&block.into());
    block.zeroize();
    let mut message = string_to_sign(method, request_target, timestamp_ms, access_key);
    mac.update(message.as_bytes());
    message.zeroize();
    mac
}

/// The signature v2: standard base64 (with padding) of HMAC-SHA256 keyed with the secret key
/// over [`string_to_sign`].
pub fn sign(
    method: &str,
    request_target: &str,
    timestamp_ms: u64,
    access_key: &AccessKey,
    secret_key: &SecretKey,
) -> String {
    let mac = mac_for(method, request_target, timestamp_ms, access_key, secret_key);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks a received signature in constant time (what a gateway or an emulator does). The
/// clock window is a separate check: see [`within_clock_window`].
pub fn verify(
    method: &str,
    request_target: &str,
    timestamp_ms: u64,
    access_key: &AccessKey,
    secret_key: &SecretKey,
    signature: &str,
) -> bool {
    let Ok(received) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    mac_for(method, request_target, timestamp_ms, access_key, secret_key)
        .verify_slice(&received)
        .is_ok()
}

/// Whether `timestamp_ms` lies within `max_skew_ms` of `now_ms`, in either direction.
pub fn within_clock_window(timestamp_ms: u64, now_ms: u64, max_skew_ms: u64) -> bool {
    timestamp_ms.abs_diff(now_ms) <= max_skew_ms
}

/// The full header set of a signed One Click Multi DRM call.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    timestamp: String,
    access_key: String,
    signature: String,
    region_code: String,
}

impl SignedHeaders {
    /// The `x-ncp-apigw-timestamp` value.
    pub fn timestamp(&self) -> &str {
        &self.timestamp
    }

    /// The `x-ncp-apigw-signature-v2` value.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The `x-ncp-region_code` value.
    pub fn region_code(&self) -> &str {
        &self.region_code
    }

    /// The headers as `(name, value)` pairs, in this order: timestamp, access key, signature,
    /// content type, region code. The access key is among the values: do not log them.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            (HEADER_TIMESTAMP, self.timestamp.as_str()),
            (HEADER_ACCESS_KEY, self.access_key.as_str()),
            (HEADER_SIGNATURE, self.signature.as_str()),
            (HEADER_CONTENT_TYPE, CONTENT_TYPE_JSON),
            (HEADER_REGION_CODE, self.region_code.as_str()),
        ]
        .into_iter()
    }

    /// The headers as owned `(name, value)` pairs (same order as [`SignedHeaders::iter`]).
    pub fn to_vec(&self) -> Vec<(&'static str, String)> {
        self.iter().map(|(n, v)| (n, v.to_owned())).collect()
    }
}

impl std::fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("timestamp", &self.timestamp)
            .field("access_key", &"[redacted]")
            .field("signature", &self.signature)
            .field("region_code", &self.region_code)
            .finish()
    }
}

impl Drop for SignedHeaders {
    fn drop(&mut self) {
        self.access_key.zeroize();
    }
}

/// Signs a request and returns every header the gateway requires: `x-ncp-apigw-timestamp`,
/// `x-ncp-iam-access-key`, `x-ncp-apigw-signature-v2`, `Content-Type: application/json` and
/// `x-ncp-region_code` (pass [`DEFAULT_REGION_CODE`] unless told otherwise).
pub fn signed_headers(
    method: &str,
    request_target: &str,
    timestamp_ms: u64,
    access_key: &AccessKey,
    secret_key: &SecretKey,
    region_code: &str,
) -> SignedHeaders {
    SignedHeaders {
        timestamp: timestamp_ms.to_string(),
        access_key: access_key.expose_secret().to_owned(),
        signature: sign(method, request_target, timestamp_ms, access_key, secret_key),
        region_code: region_code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc3986() {
        assert_eq!(encode_component("aZ09-._~"), "aZ09-._~");
        assert_eq!(encode_component("a b+c@é/"), "a%20b%2Bc%40%C3%A9%2F");
    }

    #[test]
    fn raw_query_strips_question_mark() {
        assert_eq!(request_target_raw("/p", "?a=1"), "/p?a=1");
        assert_eq!(request_target_raw("/p", ""), "/p");
        assert_eq!(request_target_raw("/p", "?"), "/p");
    }

    #[test]
    fn lower_case_method_is_upper_cased() {
        let ak = AccessKey::new("ak");
        assert_eq!(string_to_sign("get", "/x", 1, &ak), "GET /x\n1\nak");
    }

    #[test]
    fn verify_round_trip() {
        let ak = AccessKey::new("ak");
        let sk = SecretKey::new("sk");
        let sig = sign("GET", "/x", 5, &ak, &sk);
        assert!(verify("GET", "/x", 5, &ak, &sk, &sig));
        assert!(!verify("GET", "/x", 6, &ak, &sk, &sig));
        assert!(!verify("GET", "/x", 5, &ak, &SecretKey::new("other"), &sig));
        assert!(!verify("GET", "/x", 5, &ak, &sk, "not base64!"));
    }

    #[test]
    fn clock_window() {
        assert!(within_clock_window(
            1_000,
            1_000 + MAX_CLOCK_SKEW_MS,
            MAX_CLOCK_SKEW_MS
        ));
        assert!(!within_clock_window(
            1_000,
            1_001 + MAX_CLOCK_SKEW_MS,
            MAX_CLOCK_SKEW_MS
        ));
        assert!(!within_clock_window(
            2_001 + MAX_CLOCK_SKEW_MS,
            1_000,
            MAX_CLOCK_SKEW_MS
        ));
    }
}

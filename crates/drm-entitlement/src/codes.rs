//! Numeric codes: the `ResponseCode` values this crate's back end sends in a "ko", and the
//! provider-side error codes a player reports to DIVA.
//!
//! | code | sent when |
//! |---|---|
//! | 0 | "ok" |
//! | 1000 | the body is not a JSON object (malformed JSON, duplicate key, empty body) |
//! | 1001 | a field has a wrong type or format (`Type`, `AssetState`, `VideoKind`, `Challenge`, URLs…) |
//! | 1002 | the `Signature` is missing (when required), malformed or does not match |
//! | 1003 | the user is not entitled to the video |
//! | 1004 | the `Challenge` was already used (replayed request) |
//! | 1005 | the body exceeds the size limit |
//! | 1006 | the service cannot answer now (replay store full or unreachable, token minting failed, timeout) |
//!
//! The web player pads the code to two digits and shows it; the iOS player reads it as an
//! integer, so codes are always sent as JSON integers.

use std::fmt;

/// A `ResponseCode`: one of the named constants of this module, or a deployment's own code
/// (an [`crate::Entitler`] may refuse with any code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResponseCode(u32);

impl ResponseCode {
    /// A code by number (for a deployment's own codes; prefer the named constants).
    pub const fn new(code: u32) -> Self {
        Self(code)
    }

    /// The number sent on the wire.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<u32> for ResponseCode {
    fn from(code: u32) -> Self {
        Self(code)
    }
}

impl From<ResponseCode> for u32 {
    fn from(code: ResponseCode) -> Self {
        code.0
    }
}

impl From<ResponseCode> for i64 {
    fn from(code: ResponseCode) -> Self {
        i64::from(code.0)
    }
}

impl PartialEq<u32> for ResponseCode {
    fn eq(&self, other: &u32) -> bool {
        self.0 == *other
    }
}

impl PartialEq<ResponseCode> for i64 {
    fn eq(&self, other: &ResponseCode) -> bool {
        *self == i64::from(other.0)
    }
}

/// "ok".
pub const OK: ResponseCode = ResponseCode(0);
/// The body is not a JSON object.
pub const MALFORMED_BODY: ResponseCode = ResponseCode(1000);
/// A field has a wrong type or format.
pub const INVALID_FIELD: ResponseCode = ResponseCode(1001);
/// The signature is missing, malformed or wrong.
pub const BAD_SIGNATURE: ResponseCode = ResponseCode(1002);
/// The user is not entitled to the video.
pub const NOT_ENTITLED: ResponseCode = ResponseCode(1003);
/// The `Challenge` was seen before.
pub const REPLAYED_CHALLENGE: ResponseCode = ResponseCode(1004);
/// The body is too large.
pub const BODY_TOO_LARGE: ResponseCode = ResponseCode(1005);
/// A dependency of the service failed or the replay store is full; the player may retry.
pub const SERVICE_UNAVAILABLE: ResponseCode = ResponseCode(1006);

/// Provider-side: the response signature did not verify.
pub const PROVIDER_SIGNATURE: ResponseCode = ResponseCode(21);
/// Provider-side: the call failed (network, HTTP status ≥ 400).
pub const PROVIDER_NETWORK: ResponseCode = ResponseCode(22);
/// Provider-side: the response could not be parsed.
pub const PROVIDER_PARSING: ResponseCode = ResponseCode(42);

//! Numeric codes: the `ResponseCode` values this crate's back end sends in a "ko", and the
//! provider-side error codes a player reports to DIVA.
//!
//! | code | sent when |
//! |---|---|
//! | 0 | "ok" |
//! | 1000 | the body is not a JSON object (malformed JSON, duplicate key, empty body) |
//! | 1001 | a field has a wrong type or format (`Type`, `AssetState`, `Challenge`, URLs…) |
//! | 1002 | the `Signature` is missing (when required), malformed or does not match |
//! | 1003 | the user is not entitled to the video |
//! | 1004 | the `Challenge` was already used (replayed request) |
//! | 1005 | the body exceeds the size limit |
//! | 1006 | the service cannot answer now (replay store or token minting failed, timeout) |
//!
//! The web player pads the code to two digits and shows it; the iOS player reads it as an
//! integer, so codes are always sent as JSON integers.

/// "ok".
pub const OK: u32 = 0;
/// The body is not a JSON object.
pub const MALFORMED_BODY: u32 = 1000;
/// A field has a wrong type or format.
pub const INVALID_FIELD: u32 = 1001;
/// The signature is missing, malformed or wrong.
pub const BAD_SIGNATURE: u32 = 1002;
/// The user is not entitled to the video.
pub const NOT_ENTITLED: u32 = 1003;
/// The `Challenge` was seen before.
pub const REPLAYED_CHALLENGE: u32 = 1004;
/// The body is too large.
pub const BODY_TOO_LARGE: u32 = 1005;
/// A dependency of the service failed; the player may retry.
pub const SERVICE_UNAVAILABLE: u32 = 1006;

/// Provider-side: the response signature did not verify.
pub const PROVIDER_SIGNATURE: u32 = 21;
/// Provider-side: the call failed (network, HTTP status ≥ 400).
pub const PROVIDER_NETWORK: u32 = 22;
/// Provider-side: the response could not be parsed.
pub const PROVIDER_PARSING: u32 = 42;

#![doc = include_str!("../README.md")]

mod b64;
pub mod batch;
mod credentials;
mod drm_type;
pub mod envelope;
mod error;
pub mod inspect;
mod mint;
mod prepared;
mod timestamp;

pub use credentials::{AccessKey, MAX_ID_BYTES, SiteCredentials, SiteId, SiteKey};
pub use drm_policy::{ErrorCode, JsonStyle, Policy, codes};
pub use drm_secret::SecretString;
pub use drm_type::{DrmType, ResponseFormat};
pub use error::{DRM_TYPE_SERVER_CODE, TIMESTAMP_SERVER_CODE, TokenError};
pub use inspect::{InspectError, InspectOptions, Inspection, inspect};
pub use mint::{TokenMinter, TokenRequest};
pub use prepared::PreparedPolicy;
pub use timestamp::Timestamp;

/// The HTTP header (or URL parameter) that carries the token on a license request, as in the
/// DoveRunner/PallyCon docs.
pub const PALLYCON_CUSTOMDATA_HEADER: &str = "pallycon-customdata-v2";

/// The same header under the DoveRunner name. It appeared only in interim commits of the 2025
/// proxy samples (2025-06-23/24), reverted two weeks later; every released sample and SDK since
/// sends [`PALLYCON_CUSTOMDATA_HEADER`], and no source shows the server accepting this name.
pub const DOVERUNNER_CUSTOMDATA_HEADER: &str = "doverunner-customdata-v2";

/// How long the license server accepts a token after its timestamp, by default (a per-site
/// setting in the DoveRunner Console).
pub const DEFAULT_VALIDITY_SECS: i64 = 600;

#![doc = include_str!("../README.md")]

// DRM signalling codecs and system ids.
pub mod fairplay;
pub mod playready;
pub mod pssh;
pub mod system;
pub mod widevine;

// Requests, responses, exports and the KMS client.
mod b64;
#[cfg(feature = "client")]
pub mod client;
pub mod content_id;
pub mod error;
pub mod export;
pub mod ns;
pub mod request;
pub mod response;
pub mod secret;
pub mod warning;

pub use content_id::ContentId;
/// The shared ids, re-exported so drm-cpix alone is enough to name tracks and key ids.
pub use drm_policy::{KeyId, TrackType};
pub use error::{ExportError, ParseError, RequestError};
pub use request::{CpixRequest, EncryptionScheme, TrackSelection};
pub use response::{CpixResponse, KeyInfo};
pub use system::DrmSystem;
pub use warning::CpixWarning;

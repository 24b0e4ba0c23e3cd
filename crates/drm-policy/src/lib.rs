#![doc = include_str!("../README.md")]
// NOTE for the engineer on drm-token (issue 2): the lead has written this crate (model, JSON
// reader with official codes, validation, compact/python JSON writers with `ObjectWriter` for
// the token JSON, tests). Build drm-token and the CLI on this API; fix or extend it where
// needed, do not rewrite it.

pub mod codes;
mod enums;
pub mod hex;
pub mod ids;
pub mod json_string;
pub mod json_style;
mod json_value;
mod model;
pub mod read;
pub mod schema;
pub mod server_code;
pub mod validate;
mod violation;
mod write;

pub use codes::ErrorCode;
pub use enums::*;
pub use ids::{InvalidKeyId, InvalidTrackType, KeyId, TrackType, UnknownValue};
pub use json_style::JsonStyle;
pub use model::*;
pub use server_code::ServerCode;
pub use violation::{PolicyError, Violation};

#![doc = include_str!("../README.md")]

pub mod drm_token;
pub mod secret;
pub mod signature;

pub use drm_token::{DrmToken, DrmTokenError};
pub use secret::{AccessKey, SecretKey};
pub use signature::{SignedHeaders, sign, signed_headers, string_to_sign};

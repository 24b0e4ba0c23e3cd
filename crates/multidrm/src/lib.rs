#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "cpix")]
pub use drm_cpix;
#[cfg(feature = "entitlement")]
pub use drm_entitlement;
#[cfg(feature = "license")]
pub use drm_license;
#[cfg(any(feature = "token", feature = "cpix"))]
pub use drm_policy;
#[cfg(feature = "token")]
pub use drm_token;
#[cfg(feature = "server")]
pub use multidrm_server;
#[cfg(feature = "ncp")]
pub use ncp_policy_api;

mod error;
pub mod prelude;

pub use error::{Error, Result};

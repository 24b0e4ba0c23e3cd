//! The types most programs need, for a glob import: `use multidrm::prelude::*;`.
//!
//! Each group follows its feature. Names that two crates share get a prefix here (the NAVER
//! Cloud client's `Client`, `AccessKey`, `SecretKey` and `Policy` become `NcpClient`,
//! `NcpAccessKey`, `NcpSecretKey` and `NcpPolicy`), so the prelude stays conflict-free
//! with every feature on. Everything else is reachable through the re-exported crates.

pub use crate::{Error, Result};

// License policies (also needed by CPIX for track types and key ids).
#[cfg(feature = "token")]
pub use drm_policy::{JsonStyle, PlaybackPolicy, Policy, SecurityPolicy};
#[cfg(any(feature = "token", feature = "cpix"))]
pub use drm_policy::{KeyId, TrackType};

// License tokens.
#[cfg(feature = "token")]
pub use drm_token::{
    DrmType, InspectOptions, PreparedPolicy, ResponseFormat, SiteCredentials, Timestamp,
    TokenMinter, TokenRequest,
};

// CPIX key exchange.
#[cfg(feature = "cpix")]
pub use drm_cpix::{
    ContentId, CpixRequest, CpixResponse, DrmSystem, EncryptionScheme, TrackSelection,
    client::{KmsClient, KmsToken},
    export::ShakaOptions,
};

// NAVER Cloud One Click Multi DRM.
#[cfg(feature = "ncp")]
pub use ncp_policy_api::{
    AccessKey as NcpAccessKey, Client as NcpClient, Page, Policy as NcpPolicy, PolicyName,
    PolicyRequest, SecretKey as NcpSecretKey,
};

// DIVA entitlement.
#[cfg(feature = "entitlement")]
pub use drm_entitlement::{
    Decision, DecisionFuture, EntitlementQuery, EntitlementRequest, Entitler, SharedSecret,
    Verifier, client::EntitlementClient,
};

// The HTTP server.
#[cfg(feature = "server")]
pub use multidrm_server::{Server, ServerConfig};

// License requests and the license client.
#[cfg(all(feature = "license", feature = "ncp"))]
pub use drm_license::NcpLicenseClient;
#[cfg(feature = "license")]
pub use drm_license::{Drm, LicenseClient, LicenseServer, LicenseToken};

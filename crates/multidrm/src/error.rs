//! One error type over every capability crate, so `?` works across them.
//!
//! Each variant wraps one crate's own error unchanged (`Display` and `source()` are the inner
//! error's), so matching on the inner type keeps every detail: official error codes, field
//! paths, HTTP statuses, raw bodies. Like the inner errors, none of them carries a secret.

/// Any error of the multidrm crates enabled by the build's features.
///
/// Variants exist only with their feature (`token`, `cpix`, `ncp`, `entitlement`, `server`,
/// `license`); more may be
/// added, so a `match` needs a `_` arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A license policy breaks one or more rules (every violation, with path and official code).
    #[cfg(any(feature = "token", feature = "cpix"))]
    #[error(transparent)]
    Policy(#[from] drm_policy::PolicyError),
    /// A license token could not be minted (credentials, fields, policy).
    #[cfg(feature = "token")]
    #[error(transparent)]
    Token(#[from] drm_token::TokenError),
    /// A text could not be decoded as a license token.
    #[cfg(feature = "token")]
    #[error(transparent)]
    TokenInspect(#[from] drm_token::InspectError),

    /// A CPIX request could not be built.
    #[cfg(feature = "cpix")]
    #[error(transparent)]
    CpixRequest(#[from] drm_cpix::RequestError),
    /// A CPIX response could not be read.
    #[cfg(feature = "cpix")]
    #[error(transparent)]
    CpixResponse(#[from] drm_cpix::ParseError),
    /// CPIX keys could not be exported for a packager.
    #[cfg(feature = "cpix")]
    #[error(transparent)]
    CpixExport(#[from] drm_cpix::ExportError),
    /// A text is not a valid content id.
    #[cfg(feature = "cpix")]
    #[error(transparent)]
    ContentId(#[from] drm_cpix::content_id::InvalidContentId),
    /// A text is not a valid KMS token.
    #[cfg(feature = "cpix")]
    #[error(transparent)]
    KmsToken(#[from] drm_cpix::client::InvalidKmsToken),
    /// Fetching keys from the KMS failed.
    #[cfg(feature = "cpix")]
    #[error(transparent)]
    Kms(#[from] drm_cpix::client::ClientError),

    /// A NAVER Cloud One Click Multi DRM call failed or was refused before sending
    /// (`ncp_policy_api::ValidationError` converts into this variant too).
    #[cfg(feature = "ncp")]
    #[error(transparent)]
    Ncp(#[from] ncp_policy_api::Error),
    /// An NCP `x-drm-token` could not be built.
    #[cfg(feature = "ncp")]
    #[error(transparent)]
    NcpDrmToken(#[from] ncp_policy_api::DrmTokenError),

    /// An entitlement message could not be signed.
    #[cfg(feature = "entitlement")]
    #[error(transparent)]
    EntitlementSign(#[from] drm_entitlement::SignError),
    /// An entitlement signature did not verify.
    #[cfg(feature = "entitlement")]
    #[error(transparent)]
    EntitlementVerify(#[from] drm_entitlement::VerifyError),
    /// An entitlement message field is missing or malformed.
    #[cfg(feature = "entitlement")]
    #[error(transparent)]
    EntitlementField(#[from] drm_entitlement::FieldError),
    /// An entitlement body is not a usable JSON object.
    #[cfg(feature = "entitlement")]
    #[error(transparent)]
    EntitlementJson(#[from] drm_entitlement::JsonError),
    /// The verifier refused an entitlement request.
    #[cfg(feature = "entitlement")]
    #[error(transparent)]
    EntitlementRejected(#[from] drm_entitlement::Rejection),
    /// The replay store could not answer.
    #[cfg(feature = "entitlement")]
    #[error(transparent)]
    ReplayStore(#[from] drm_entitlement::replay::ReplayError),
    /// A player-side entitlement call failed.
    #[cfg(feature = "entitlement")]
    #[error(transparent)]
    EntitlementClient(#[from] drm_entitlement::client::ClientError),
    /// The server could not be configured or bound.
    #[cfg(feature = "server")]
    #[error(transparent)]
    EntitlementConfig(#[from] multidrm_server::ConfigError),

    /// A license call failed (transport, or the license server's answer).
    #[cfg(feature = "license")]
    #[error(transparent)]
    License(#[from] drm_license::ClientError),

    /// An I/O error of the caller's own code (binding a listener, reading a file…).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(feature = "ncp")]
impl From<ncp_policy_api::ValidationError> for Error {
    fn from(error: ncp_policy_api::ValidationError) -> Self {
        Error::Ncp(error.into())
    }
}

impl Error {
    /// True when a network call timed out (KMS, NCP, entitlement or license client).
    pub fn is_timeout(&self) -> bool {
        match self {
            #[cfg(feature = "cpix")]
            Error::Kms(e) => e.is_timeout(),
            #[cfg(feature = "ncp")]
            Error::Ncp(ncp_policy_api::Error::Transport(t)) => t.is_timeout(),
            #[cfg(feature = "entitlement")]
            Error::EntitlementClient(e) => e.is_timeout(),
            #[cfg(feature = "license")]
            Error::License(drm_license::ClientError::Transport(t)) => t.is_timeout(),
            Error::Io(e) => e.kind() == std::io::ErrorKind::TimedOut,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// True when a network peer could not be reached (KMS, NCP, entitlement or license client).
    pub fn is_connect(&self) -> bool {
        match self {
            #[cfg(feature = "cpix")]
            Error::Kms(e) => e.is_connect(),
            #[cfg(feature = "ncp")]
            Error::Ncp(ncp_policy_api::Error::Transport(t)) => t.is_connect(),
            #[cfg(feature = "entitlement")]
            Error::EntitlementClient(e) => e.is_connect(),
            #[cfg(feature = "license")]
            Error::License(drm_license::ClientError::Transport(t)) => t.is_connect(),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}

//! Errors of the client and of the response decoder.
//!
//! Shaped after oauth2-rs: a rejection by the DRM service ([`Error::Api`]), a rejection by the
//! API Gateway in front of it ([`Error::Gateway`], or [`Error::ClockSkew`] when the timestamp was
//! the reason), an opaque transport failure (`TransportError`, from the shared HTTP core `drm-http`, feature `client`), and a body that could not be
//! decoded ([`Error::Decode`]). Bodies are kept (bounded) for diagnosis but never printed by
//! `Display`; no variant ever holds a credential.

#[cfg(feature = "client")]
pub use drm_http::{TransportError, TransportKind};

use crate::model::codes::{GatewayCode, ServiceCode};
use crate::model::validate::ValidationError;

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request was refused before sending: a field breaks a documented rule.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The DRM service refused the request (`{"error":{"code","name","message"}}`).
    #[error("NCP API error {code}{} (HTTP {status}): {message}", name.as_deref().map(|n| format!(" {n}")).unwrap_or_default())]
    Api {
        /// HTTP status.
        status: u16,
        /// Service error code (`281003`…; unknown codes kept as received).
        code: ServiceCode,
        /// Symbolic name such as `SITE_NOT_FOUND`, when sent.
        name: Option<String>,
        /// Human-readable message.
        message: String,
        /// The raw response body (bounded).
        body: String,
    },
    /// The API Gateway refused the request (`{"error":{"errorCode","message",…}}`): bad
    /// credentials or signature, permission, quota, unknown resource.
    #[error("NCP API Gateway error {error_code} (HTTP {status}): {message}{}", details.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Gateway {
        /// HTTP status.
        status: u16,
        /// Gateway code: `100` bad request, `200` authentication failed, `210` permission
        /// denied, `230` forbidden, `300` not found, `400` quota exceeded…
        error_code: GatewayCode,
        /// Message.
        message: String,
        /// `details`, when sent.
        details: Option<String>,
        /// The raw response body (bounded).
        body: String,
    },
    /// The gateway refused the request's timestamp: the local clock is probably more than five
    /// minutes off. Fix the clock (NTP); retrying does not help.
    #[error("NCP API Gateway rejected the request timestamp (HTTP {status}, errorCode {error_code}): probable clock skew{}; check this machine's clock", skew_ms.map(|s| format!(" of about {} s", s / 1000)).unwrap_or_default())]
    ClockSkew {
        /// HTTP status.
        status: u16,
        /// Gateway code (usually `200`).
        error_code: GatewayCode,
        /// Gateway message.
        message: String,
        /// `details`, when sent.
        details: Option<String>,
        /// Local clock minus the server's `Date`, in milliseconds, when the server sent one.
        skew_ms: Option<i64>,
        /// The raw response body (bounded).
        body: String,
    },
    /// An unsuccessful HTTP status whose body is neither error shape (e.g. an HTML 502 page).
    #[error("NCP API answered HTTP {status} without a recognisable error body")]
    Http {
        /// HTTP status.
        status: u16,
        /// The raw response body (bounded).
        body: String,
    },
    /// The request could not be sent or the response not received, or the call outlived its
    /// deadline (feature `client`).
    #[cfg(feature = "client")]
    #[error(transparent)]
    Transport(TransportError),
    /// A successful response whose body does not decode.
    #[error("cannot decode the NCP API response (HTTP {status}): {message}")]
    Decode {
        /// HTTP status.
        status: u16,
        /// What did not decode.
        message: String,
        /// The raw response body (bounded).
        body: String,
    },
    /// The response body is larger than the client accepts.
    #[error("NCP API response larger than {limit} bytes")]
    ResponseTooLarge {
        /// Limit in bytes.
        limit: usize,
    },
    /// The client is misconfigured (endpoint URL, TLS back-end…).
    #[error("NCP client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. }
            | Self::Gateway { status, .. }
            | Self::ClockSkew { status, .. }
            | Self::Http { status, .. }
            | Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The raw response body, when there was one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Self::Api { body, .. }
            | Self::Gateway { body, .. }
            | Self::ClockSkew { body, .. }
            | Self::Http { body, .. }
            | Self::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The service `code` or gateway `errorCode`, when there was one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code.as_str()),
            Self::Gateway { error_code, .. } | Self::ClockSkew { error_code, .. } => {
                Some(error_code.as_str())
            }
            _ => None,
        }
    }

    /// Whether an idempotent call may be retried after this error: transport failures, HTTP
    /// 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            #[cfg(feature = "client")]
            Self::Transport(_) => true,
            Self::ClockSkew { .. } | Self::Validation(_) | Self::Config { .. } => false,
            other => other
                .status()
                .is_some_and(|s| s == 429 || (500..=599).contains(&s)),
        }
    }

    /// Whether the failure is the remote side's or the network's (as opposed to a refusal of
    /// the request's content). Command-line tools map this to their "remote failure" status.
    pub fn is_remote_failure(&self) -> bool {
        match self {
            #[cfg(feature = "client")]
            Self::Transport(_) => true,
            Self::Http { .. }
            | Self::Decode { .. }
            | Self::ResponseTooLarge { .. }
            | Self::ClockSkew { .. } => true,
            Self::Gateway { status, .. } => *status == 401 || *status == 403 || *status >= 429,
            Self::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

#[cfg(feature = "client")]
impl From<TransportError> for Error {
    /// A body over the limit is [`Error::ResponseTooLarge`]; any other failure is
    /// [`Error::Transport`].
    fn from(error: TransportError) -> Self {
        match error.body_limit() {
            Some(limit) if error.is_body_too_large() => Error::ResponseTooLarge { limit },
            _ => Error::Transport(error),
        }
    }
}

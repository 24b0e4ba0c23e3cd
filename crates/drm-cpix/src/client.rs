//! The KMS client (feature `client`): one call from a [`CpixRequest`] to a parsed, paired
//! [`CpixResponse`].
//!
//! * `POST {base_url}{kms_token}` (`?key-rotation=true` when the period index is above 0), body =
//!   the request XML, `Content-Type: application/xml`.
//! * The KMS token is a secret path segment: it is never logged, never part of an error message
//!   (transport errors lose their URL; bodies echoing it are scrubbed).
//! * Connect and read timeouts; transport failures are retried a bounded number of times with
//!   exponential back-off; HTTP status errors are not retried.
//! * A JSON body (on any status) is the KMS's error report: [`ClientError::Kms`] with the parsed
//!   code and message and the raw body. Another non-2xx status is [`ClientError::Http`] with the
//!   body.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use drm_cpix::client::{KmsClient, KmsToken};
//! use drm_cpix::{CpixRequest, DrmSystem};
//!
//! let token: KmsToken = std::env::var("DOVERUNNER_KMS_TOKEN")?.parse()?;
//! let client = KmsClient::builder().build(token)?;
//! let request = CpixRequest::builder("my-title".parse()?)
//!     .drm_systems([DrmSystem::Widevine, DrmSystem::PlayReady])
//!     .build()?;
//! let keys = client.get_keys(&request).await?;
//! println!("{}", keys.to_official_json()?);
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::ParseError;
use crate::request::CpixRequest;
use crate::response::CpixResponse;
use crate::response::dom::MAX_DOCUMENT_LEN;

/// The KMS CPIX endpoint (the token follows as the last path segment).
pub const DEFAULT_KMS_URL: &str = "https://drm-kms.doverunner.com/v2/cpix/doverunner/getKey/";

/// Largest accepted response body: 4 MiB.
pub const MAX_RESPONSE_LEN: usize = MAX_DOCUMENT_LEN;

/// Longest accepted KMS token: 4096 characters.
pub const MAX_TOKEN_LEN: usize = 4096;

/// The DoveRunner KMS token ("enc-token", from the console's DRM settings).
///
/// Appended verbatim to the endpoint URL, as the official clients do. `Debug` prints
/// `[redacted]`; wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct KmsToken(String);

/// Why a text cannot be a KMS token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidKmsToken {
    /// The token is empty.
    #[error("the KMS token is empty")]
    Empty,
    /// The token is longer than [`MAX_TOKEN_LEN`].
    #[error("the KMS token is longer than {max} characters")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// A character that cannot be put verbatim into a URL path (the token is not echoed).
    #[error(
        "the KMS token has a character that cannot go into a URL path (whitespace, control, \
         non-ASCII, or one of ?#%\"<>\\^`{{|}}) at position {position}"
    )]
    Character {
        /// Its position (from 0).
        position: usize,
    },
}

impl KmsToken {
    /// Validates a token.
    ///
    /// # Errors
    /// [`InvalidKmsToken`].
    pub fn new(text: &str) -> Result<Self, InvalidKmsToken> {
        let text = text.trim();
        if text.is_empty() {
            return Err(InvalidKmsToken::Empty);
        }
        if text.len() > MAX_TOKEN_LEN {
            return Err(InvalidKmsToken::TooLong { max: MAX_TOKEN_LEN });
        }
        if let Some(position) = text.chars().position(|c| {
            !c.is_ascii_graphic()
                || matches!(
                    c,
                    '?' | '#' | '%' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
                )
        }) {
            return Err(InvalidKmsToken::Character { position });
        }
        Ok(Self(text.to_owned()))
    }

    /// The token text.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for KmsToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KmsToken([redacted])")
    }
}

impl FromStr for KmsToken {
    type Err = InvalidKmsToken;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for KmsToken {
    type Error = InvalidKmsToken;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

/// What kind of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// Connecting failed (refused, DNS, TLS handshake…).
    Connect,
    /// A connect or read timeout.
    Timeout,
    /// Another failure while sending or receiving.
    Other,
}

/// A network failure, without the URL (which holds the token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (after {attempts} attempt(s))")]
pub struct TransportError {
    kind: TransportKind,
    message: String,
    attempts: u32,
}

impl TransportError {
    /// The kind of failure.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// True for a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    /// True for a connection failure.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }

    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// Why fetching keys failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The configured base URL is not an http(s) URL without query or fragment.
    #[error("invalid KMS base URL: {reason}")]
    InvalidBaseUrl {
        /// What is wrong.
        reason: &'static str,
    },
    /// The HTTP client could not be set up (e.g. no TLS backend compiled in).
    #[error("cannot set up the HTTP client: {message}")]
    Setup {
        /// The reason.
        message: String,
    },
    /// The KMS answered with a JSON error report (on any status).
    #[error(
        "the KMS rejected the request (HTTP {status}): {}{}",
        error_code.as_deref().map(|c| format!("[{c}] ")).unwrap_or_default(),
        message.as_deref().unwrap_or("no message")
    )]
    Kms {
        /// The HTTP status.
        status: u16,
        /// `errorCode` (or `error_code`, `code`) of the JSON body.
        error_code: Option<String>,
        /// `message` (or `errorMessage`, `msg`) of the JSON body.
        message: Option<String>,
        /// The body as received (token occurrences replaced by `[redacted]`).
        raw_body: String,
    },
    /// A non-2xx status without a JSON body.
    #[error("the KMS answered HTTP {status}")]
    Http {
        /// The HTTP status.
        status: u16,
        /// The body (token occurrences replaced by `[redacted]`).
        body: String,
    },
    /// The network failed (after the retries).
    #[error("cannot reach the KMS: {0}")]
    Transport(TransportError),
    /// The response body is larger than [`MAX_RESPONSE_LEN`].
    #[error("the KMS response exceeds {max} bytes")]
    BodyTooLarge {
        /// The limit.
        max: usize,
    },
    /// A 2xx response that is not a usable CPIX document.
    #[error("cannot read the KMS response: {source}")]
    Response {
        /// The parse error.
        source: ParseError,
        /// The body (token occurrences replaced by `[redacted]`).
        raw_body: String,
    },
}

impl ClientError {
    /// True for a transport timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, ClientError::Transport(t) if t.is_timeout())
    }

    /// True for a connection failure.
    pub fn is_connect(&self) -> bool {
        matches!(self, ClientError::Transport(t) if t.is_connect())
    }
}

/// Builder of a [`KmsClient`].
#[derive(Debug, Clone)]
pub struct KmsClientBuilder {
    base_url: String,
    connect_timeout: Duration,
    read_timeout: Duration,
    total_timeout: Duration,
    max_retries: u32,
    retry_backoff: Duration,
}

impl Default for KmsClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_KMS_URL.to_owned(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(60),
            max_retries: 2,
            retry_backoff: Duration::from_millis(250),
        }
    }
}

impl KmsClientBuilder {
    /// The endpoint the token is appended to (default [`DEFAULT_KMS_URL`]); a missing trailing
    /// `/` is added.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Read timeout: the longest wait for the next bytes of the response (default 30 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Limit of one whole attempt (default 60 s).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// Retries after a transport failure (default 2, i.e. up to 3 attempts; at most 10).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries.min(10);
        self
    }

    /// Wait before the first retry, doubled for each further retry (default 250 ms).
    pub fn retry_backoff(mut self, backoff: Duration) -> Self {
        self.retry_backoff = backoff;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`ClientError::InvalidBaseUrl`], [`ClientError::Setup`].
    pub fn build(self, token: KmsToken) -> Result<KmsClient, ClientError> {
        let mut base = self.base_url.trim().to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        let url = reqwest::Url::parse(&base).map_err(|_| ClientError::InvalidBaseUrl {
            reason: "not a URL",
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ClientError::InvalidBaseUrl {
                reason: "the scheme must be http or https",
            });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ClientError::InvalidBaseUrl {
                reason: "the base URL must not have a query or fragment",
            });
        }
        if url.host_str().is_none() {
            return Err(ClientError::InvalidBaseUrl {
                reason: "the base URL has no host",
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .timeout(self.total_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("drm-cpix/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Setup {
                message: e.without_url().to_string(),
            })?;
        Ok(KmsClient {
            http,
            base_url: base,
            token,
            max_retries: self.max_retries,
            retry_backoff: self.retry_backoff,
        })
    }
}

/// A client of the DoveRunner KMS CPIX API.
#[derive(Clone)]
pub struct KmsClient {
    http: reqwest::Client,
    base_url: String,
    token: KmsToken,
    max_retries: u32,
    retry_backoff: Duration,
}

impl fmt::Debug for KmsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KmsClient")
            .field("endpoint", &self.endpoint_redacted())
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// The outcome of one HTTP exchange.
struct Exchange {
    status: u16,
    body: Vec<u8>,
}

impl KmsClient {
    /// A builder with the defaults (DoveRunner's endpoint, 10 s connect / 30 s read timeouts,
    /// 2 retries on transport failures).
    pub fn builder() -> KmsClientBuilder {
        KmsClientBuilder::default()
    }

    /// The endpoint with the token replaced by `[redacted]`, for logs.
    pub fn endpoint_redacted(&self) -> String {
        format!("{}[redacted]", self.base_url)
    }

    /// Sends `request` and returns the parsed response, paired with the request
    /// ([`CpixResponse::parse_for_request`]).
    ///
    /// # Errors
    /// [`ClientError::Kms`], [`ClientError::Http`], [`ClientError::Transport`],
    /// [`ClientError::BodyTooLarge`], [`ClientError::Response`].
    pub async fn get_keys(&self, request: &CpixRequest) -> Result<CpixResponse, ClientError> {
        let body = self
            .post_xml(request.to_xml(), request.key_rotation())
            .await?;
        CpixResponse::parse_for_request(request, &body).map_err(|source| ClientError::Response {
            source,
            raw_body: self.scrub(&body),
        })
    }

    /// Posts a request document and returns the CPIX body of a 2xx response (a JSON body or a
    /// non-2xx status is an error). `key_rotation` adds `?key-rotation=true`.
    ///
    /// # Errors
    /// As [`KmsClient::get_keys`], except [`ClientError::Response`].
    pub async fn post_xml(&self, xml: String, key_rotation: bool) -> Result<Vec<u8>, ClientError> {
        let mut url =
            zeroize::Zeroizing::new(format!("{}{}", self.base_url, self.token.expose_secret()));
        if key_rotation {
            url.push_str("?key-rotation=true");
        }
        let mut attempt = 0u32;
        let exchange = loop {
            attempt += 1;
            tracing::debug!(
                endpoint = %self.endpoint_redacted(),
                key_rotation,
                attempt,
                "POST CPIX request"
            );
            match self.exchange(url.as_str(), &xml).await {
                Ok(e) => break e,
                Err(Attempt::Fatal(e)) => return Err(e),
                Err(Attempt::Transport(kind, message)) => {
                    if attempt > self.max_retries {
                        return Err(ClientError::Transport(TransportError {
                            kind,
                            message,
                            attempts: attempt,
                        }));
                    }
                    let wait = self
                        .retry_backoff
                        .saturating_mul(1u32 << (attempt - 1).min(16));
                    tracing::warn!(
                        endpoint = %self.endpoint_redacted(),
                        attempt,
                        error = %message,
                        "KMS transport failure, retrying in {wait:?}"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        };
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(trim_bom(&exchange.body)) {
            let field = |names: &[&str]| {
                names.iter().find_map(|n| match json.get(n) {
                    Some(serde_json::Value::String(s)) => Some(self.scrub(s.as_bytes())),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
            };
            return Err(ClientError::Kms {
                status: exchange.status,
                error_code: field(&["errorCode", "error_code", "code", "errorcode"]),
                message: field(&["message", "errorMessage", "error_message", "msg", "error"]),
                raw_body: self.scrub(&exchange.body),
            });
        }
        if !(200..300).contains(&exchange.status) {
            return Err(ClientError::Http {
                status: exchange.status,
                body: self.scrub(&exchange.body),
            });
        }
        Ok(exchange.body)
    }

    async fn exchange(&self, url: &str, xml: &str) -> Result<Exchange, Attempt> {
        let mut response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/xml")
            .header(reqwest::header::ACCEPT, "application/xml, application/json")
            .body(xml.to_owned())
            .send()
            .await
            .map_err(Attempt::transport)?;
        let status = response.status().as_u16();
        if response
            .content_length()
            .is_some_and(|l| l > MAX_RESPONSE_LEN as u64)
        {
            return Err(Attempt::Fatal(ClientError::BodyTooLarge {
                max: MAX_RESPONSE_LEN,
            }));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(Attempt::transport)? {
            if body.len() + chunk.len() > MAX_RESPONSE_LEN {
                return Err(Attempt::Fatal(ClientError::BodyTooLarge {
                    max: MAX_RESPONSE_LEN,
                }));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Exchange { status, body })
    }

    /// The body as text with every occurrence of the token replaced.
    fn scrub(&self, body: &[u8]) -> String {
        String::from_utf8_lossy(body).replace(self.token.expose_secret(), "[redacted]")
    }
}

enum Attempt {
    Transport(TransportKind, String),
    Fatal(ClientError),
}

impl Attempt {
    fn transport(e: reqwest::Error) -> Self {
        let kind = if e.is_timeout() {
            TransportKind::Timeout
        } else if e.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Other
        };
        let e = e.without_url();
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        Attempt::Transport(kind, message)
    }
}

fn trim_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn token_is_redacted_and_validated() {
        let t: KmsToken = "eyJhY2Nlc3Nfa2V5IjoiYSJ9+/=".parse().unwrap();
        assert_eq!(format!("{t:?}"), "KmsToken([redacted])");
        assert!(matches!(KmsToken::new(" "), Err(InvalidKmsToken::Empty)));
        assert!(matches!(
            KmsToken::new("a?b"),
            Err(InvalidKmsToken::Character { position: 1 })
        ));
        assert!(KmsToken::new("a b").is_err());
        assert!(KmsToken::new(&"a".repeat(4097)).is_err());
    }

    #[test]
    fn base_url_is_checked() {
        let t: KmsToken = "tok".parse().unwrap();
        for bad in ["ftp://x/", "not a url", "http://x/?a=b"] {
            assert!(matches!(
                KmsClient::builder().base_url(bad).build(t.clone()),
                Err(ClientError::InvalidBaseUrl { .. })
            ));
        }
        let c = KmsClient::builder()
            .base_url("http://127.0.0.1:1/v2/cpix/doverunner/getKey")
            .build(t)
            .unwrap();
        assert_eq!(
            c.endpoint_redacted(),
            "http://127.0.0.1:1/v2/cpix/doverunner/getKey/[redacted]"
        );
        assert!(!format!("{c:?}").contains("tok"));
    }
}

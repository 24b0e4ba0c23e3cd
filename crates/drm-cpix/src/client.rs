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

use drm_http::{Attempt, BaseUrl, HttpClient, Request, Response, RetryPolicy};

use crate::error::ParseError;
use crate::request::CpixRequest;
use crate::response::CpixResponse;
use crate::response::dom::MAX_DOCUMENT_LEN;

mod scrub;

/// The KMS CPIX endpoint (the token follows as the last path segment).
pub const DEFAULT_KMS_URL: &str = "https://drm-kms.doverunner.com/v2/cpix/doverunner/getKey/";

/// Largest accepted response body: 4 MiB.
pub const MAX_RESPONSE_LEN: usize = MAX_DOCUMENT_LEN;

/// Longest accepted KMS token: 4096 characters.
pub const MAX_TOKEN_LEN: usize = 4096;

drm_secret::secret_newtype!(
    /// The DoveRunner KMS token ("enc-token", from the console's DRM settings).
    ///
    /// Appended verbatim to the endpoint URL, as the official clients do. `Debug` prints
    /// `KmsToken([redacted])`; wiped on drop; compared in constant time.
    pub KmsToken; checked
);

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
        Ok(Self::from_secret_string(drm_secret::SecretString::new(
            text,
        )))
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

pub use drm_http::{TransportError, TransportKind};

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
    #[error("cannot read the KMS response")]
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
    http: drm_http::ClientBuilder,
    max_retries: u32,
    retry_backoff: Duration,
}

impl Default for KmsClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_KMS_URL.to_owned(),
            http: HttpClient::builder()
                .connect_timeout(Duration::from_secs(10))
                .read_timeout(Duration::from_secs(30))
                .deadline(Duration::from_secs(60))
                .body_limit(MAX_RESPONSE_LEN)
                .user_agent(concat!("drm-cpix/", env!("CARGO_PKG_VERSION"))),
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
        self.http = self.http.connect_timeout(timeout);
        self
    }

    /// Read timeout: the longest wait for the next bytes of the response (default 30 s).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.read_timeout(timeout);
        self
    }

    /// Deadline of a whole call, retries and back-off included (default 60 s): a server
    /// drip-feeding its answer cannot keep a call alive past it.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.deadline(timeout);
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
        let base = BaseUrl::parse(&self.base_url)
            .map_err(|e| ClientError::InvalidBaseUrl { reason: e.reason() })?;
        let http = self.http.build().map_err(|e| ClientError::Setup {
            message: e.message().to_owned(),
        })?;
        Ok(KmsClient {
            http,
            base_url: format!("{}/", base.as_string()),
            token,
            retry: RetryPolicy {
                max_retries: self.max_retries,
                initial_backoff: self.retry_backoff,
                max_backoff: self.retry_backoff.saturating_mul(1 << 10),
            },
        })
    }
}

/// A client of the DoveRunner KMS CPIX API.
#[derive(Clone)]
pub struct KmsClient {
    http: HttpClient,
    base_url: String,
    token: KmsToken,
    retry: RetryPolicy,
}

impl fmt::Debug for KmsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KmsClient")
            .field("endpoint", &self.endpoint_redacted())
            .field("max_retries", &self.retry.max_retries)
            .finish_non_exhaustive()
    }
}

impl From<TransportError> for ClientError {
    /// A body over the limit is [`ClientError::BodyTooLarge`]; any other failure is
    /// [`ClientError::Transport`].
    fn from(error: TransportError) -> Self {
        match error.body_limit() {
            Some(max) if error.is_body_too_large() => ClientError::BodyTooLarge { max },
            _ => ClientError::Transport(error),
        }
    }
}

impl KmsClient {
    /// A builder with the defaults (DoveRunner's endpoint, 10 s connect / 30 s read timeouts,
    /// a 60 s deadline per call, 2 retries on transport failures).
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
    /// non-2xx status is an error). `key_rotation` adds `?key-rotation=true`. Transport
    /// failures (other than an oversized body) are retried; the whole call, retries included,
    /// is held to the deadline.
    ///
    /// # Errors
    /// As [`KmsClient::get_keys`], except [`ClientError::Response`].
    pub async fn post_xml(&self, xml: String, key_rotation: bool) -> Result<Vec<u8>, ClientError> {
        let mut url =
            zeroize::Zeroizing::new(format!("{}{}", self.base_url, self.token.expose_secret()));
        if key_rotation {
            url.push_str("?key-rotation=true");
        }
        let (url, xml) = (url.as_str(), xml.as_str());
        let call = self.retry.run(|attempt| async move {
            tracing::debug!(
                endpoint = %self.endpoint_redacted(),
                key_rotation,
                attempt,
                "POST CPIX request"
            );
            let request = Request::post(url)
                .header("content-type", "application/xml")
                .header("accept", "application/xml, application/json")
                .body(xml.as_bytes());
            match self.http.send(request).await {
                Ok(response) => Attempt::Done(Ok(response)),
                Err(e) if e.is_body_too_large() => Attempt::Done(Err(e)),
                Err(e) => {
                    tracing::warn!(
                        endpoint = %self.endpoint_redacted(),
                        attempt,
                        error = %e,
                        "KMS transport failure"
                    );
                    Attempt::retry(e.with_attempts(attempt))
                }
            }
        });
        let response = self.http.within_deadline(call).await?;
        self.judge(response)
    }

    /// A JSON body (any status) is the KMS's error report; another non-2xx status is an HTTP
    /// error; anything else is the CPIX body.
    fn judge(&self, response: Response) -> Result<Vec<u8>, ClientError> {
        let status = response.status();
        let body = response.into_body();
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(trim_bom(&body)) {
            let field = |names: &[&str]| {
                names.iter().find_map(|n| match json.get(n) {
                    Some(serde_json::Value::String(s)) => Some(self.scrub(s.as_bytes())),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
            };
            return Err(ClientError::Kms {
                status,
                error_code: field(&["errorCode", "error_code", "code", "errorcode"]),
                message: field(&["message", "errorMessage", "error_message", "msg", "error"]),
                raw_body: self.scrub(&body),
            });
        }
        if !(200..300).contains(&status) {
            return Err(ClientError::Http {
                status,
                body: self.scrub(&body),
            });
        }
        Ok(body)
    }

    /// The body as text with every echo of the token replaced by `[redacted]`: verbatim,
    /// JSON-escaped (`\/`, `\u002F`) or percent-encoded (any mix, either hex case).
    fn scrub(&self, body: &[u8]) -> String {
        scrub::redact_echoes(&String::from_utf8_lossy(body), self.token.expose_secret())
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

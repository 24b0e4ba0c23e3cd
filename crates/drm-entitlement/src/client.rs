//! A player-side client (feature `client`): what a DIVA `EntitlementProvider` does, so tests and
//! tools can act as a player.
//!
//! Every call (tokenize and each heartbeat) gets a fresh v4 `Challenge`, the request is signed,
//! and the answer is verified with the same `Challenge`. Failures carry the provider error codes
//! DIVA displays: 21 (response signature), 22 (network, HTTP status ≥ 400), 42 (unparsable
//! response), or the `ResponseCode` of a "ko".

use std::fmt;
use std::time::Duration;

use drm_http::{HttpClient, Request, TransportError};

use crate::codes;
use crate::error::{FieldError, JsonError, SignError, VerifyError};
use crate::render::Rendering;
use crate::request::{Challenge, EntitlementRequest, RequestBuilder, RequestType};
use crate::response::{EntitlementResponse, ResponseStatus};
use crate::secret::SharedSecret;
use crate::signature;

/// Largest response body read (1 MiB).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// A failed entitlement call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The response signature did not verify (provider code 21).
    #[error("response signature rejected")]
    Signature(#[source] VerifyError),
    /// The call failed: connection, timeout, or an HTTP status ≥ 400 (provider code 22).
    #[error("{}", describe_network(*.status, *.timeout, *.connect))]
    Network {
        /// The HTTP status, when one was received.
        status: Option<u16>,
        /// Whether the call timed out.
        timeout: bool,
        /// Whether the connection could not be established.
        connect: bool,
    },
    /// The response is not a well-formed entitlement answer (provider code 42).
    #[error("cannot parse the response: {reason}")]
    Parsing {
        /// What is wrong.
        reason: String,
        /// The response body (truncated to 1 KiB), for diagnosis.
        body: String,
    },
    /// The back end answered "ko" (provider code = its `ResponseCode`).
    #[error("entitlement refused (ResponseCode {code}): {message}")]
    Ko {
        /// `ResponseCode`.
        code: i64,
        /// `Message`.
        message: String,
    },
    /// The request could not be built or signed.
    #[error("cannot sign the request")]
    Request(#[source] SignError),
    /// An endpoint URL is not an absolute http(s) URL.
    #[error("invalid endpoint URL")]
    InvalidUrl,
}

fn describe_network(status: Option<u16>, timeout: bool, connect: bool) -> String {
    match (status, timeout, connect) {
        (Some(s), _, _) => format!("entitlement call failed with HTTP status {s}"),
        (None, true, _) => "entitlement call timed out".into(),
        (None, _, true) => "cannot connect to the entitlement service".into(),
        _ => "entitlement call failed".into(),
    }
}

impl ClientError {
    /// The code a DIVA provider reports: 21, 22, 42, or the "ko" `ResponseCode`. Local errors
    /// (request building, bad URL) report 42 as the samples do for serialization failures.
    pub fn provider_code(&self) -> i64 {
        match self {
            ClientError::Signature(_) => i64::from(codes::PROVIDER_SIGNATURE),
            ClientError::Network { .. } => i64::from(codes::PROVIDER_NETWORK),
            ClientError::Ko { code, .. } => *code,
            ClientError::Parsing { .. } | ClientError::Request(_) | ClientError::InvalidUrl => {
                i64::from(codes::PROVIDER_PARSING)
            }
        }
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, ClientError::Network { timeout: true, .. })
    }

    /// Whether the connection failed.
    pub fn is_connect(&self) -> bool {
        matches!(self, ClientError::Network { connect: true, .. })
    }

    fn parsing(reason: impl fmt::Display, body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(&body[..body.len().min(1024)]).into_owned();
        ClientError::Parsing {
            reason: reason.to_string(),
            body: text,
        }
    }
}

impl From<TransportError> for ClientError {
    /// A network failure (provider code 22); an oversized body is a parsing failure (42).
    fn from(e: TransportError) -> Self {
        if e.is_body_too_large() {
            return ClientError::parsing("response body too large", &[]);
        }
        ClientError::Network {
            status: None,
            timeout: e.is_timeout(),
            connect: e.is_connect(),
        }
    }
}

drm_secret::secret_newtype!(
    /// A DRM license token received in `AuthToken`: `Debug` prints `AuthToken([redacted])`,
    /// wiped on drop, compared in constant time. It grants a license: never log it.
    pub AuthToken
);

/// A successful, verified tokenize answer (DIVA's `EntitlementSuccessResponse`).
#[derive(Clone)]
#[non_exhaustive]
pub struct Entitlement {
    /// `ContentUrl`: the manifest to play.
    pub content_url: String,
    /// `LicenseURL`.
    pub license_url: String,
    /// `AuthToken`: the DRM license token.
    pub auth_token: AuthToken,
    /// `HeartBeatTime` (`None` when 0 or absent: no heartbeat).
    pub heartbeat: Option<Duration>,
    /// The `Challenge` the call used.
    pub challenge: String,
    /// The verified response as received.
    pub response: EntitlementResponse,
}

impl fmt::Debug for Entitlement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entitlement")
            .field("content_url", &self.content_url)
            .field("license_url", &self.license_url)
            .field("auth_token", &self.auth_token)
            .field("heartbeat", &self.heartbeat)
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

/// A successful, verified heartbeat answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HeartbeatAnswer {
    /// The next interval from `HeartBeatTime` (`None`: stop sending heartbeats).
    pub next: Option<Duration>,
    /// The `Challenge` the call used.
    pub challenge: String,
}

/// The next heartbeat interval after an "ok" answer: its `HeartBeatTime` when present (0 stops),
/// the current interval otherwise.
pub fn next_interval(current: Duration, response: &EntitlementResponse) -> Option<Duration> {
    match response.heartbeat_seconds() {
        Ok(Some(0)) => None,
        Ok(Some(s)) => Some(Duration::from_secs(s)),
        _ => Some(current),
    }
}

/// A signing, verifying entitlement client.
#[derive(Debug, Clone)]
pub struct EntitlementClient {
    http: HttpClient,
    tokenize_url: url::Url,
    heartbeat_url: url::Url,
    secret: SharedSecret,
    renderings: Vec<Rendering>,
}

fn http_url(text: &str) -> Result<url::Url, ClientError> {
    let u = url::Url::parse(text).map_err(|_| ClientError::InvalidUrl)?;
    if matches!(u.scheme(), "http" | "https") {
        Ok(u)
    } else {
        Err(ClientError::InvalidUrl)
    }
}

impl EntitlementClient {
    /// A client calling `tokenize_url` (Type 1) and `heartbeat_url` (Type 2), signing with
    /// `secret`. Requests time out after 30 s (the iOS sample's value); redirects are not
    /// followed.
    pub fn new(
        tokenize_url: &str,
        heartbeat_url: &str,
        secret: SharedSecret,
    ) -> Result<Self, ClientError> {
        Self::with_timeout(tokenize_url, heartbeat_url, secret, Duration::from_secs(30))
    }

    /// [`EntitlementClient::new`] with another timeout: the deadline of each whole call
    /// (connect, send, the whole answer).
    pub fn with_timeout(
        tokenize_url: &str,
        heartbeat_url: &str,
        secret: SharedSecret,
        timeout: Duration,
    ) -> Result<Self, ClientError> {
        let http = HttpClient::builder()
            .connect_timeout(timeout.min(drm_http::DEFAULT_CONNECT_TIMEOUT))
            .read_timeout(timeout)
            .deadline(timeout)
            .body_limit(MAX_RESPONSE_BYTES)
            .build()?;
        Ok(Self {
            http,
            tokenize_url: http_url(tokenize_url)?,
            heartbeat_url: http_url(heartbeat_url)?,
            secret,
            renderings: Vec::new(),
        })
    }

    /// Verifies responses with these renderings instead of lexical (null skipped or literal).
    #[must_use]
    pub fn with_renderings(mut self, renderings: Vec<Rendering>) -> Self {
        self.renderings = renderings;
        self
    }

    /// Sends a tokenize request built from `request` (its `Type` is set to 1 and a fresh
    /// `Challenge` replaces any given one) and returns the verified entitlement.
    pub async fn tokenize(&self, request: RequestBuilder) -> Result<Entitlement, ClientError> {
        let challenge = Challenge::new_v4();
        let request = request
            .request_type(RequestType::Tokenize)
            .challenge(challenge.as_str())
            .build();
        let response = self.call(&self.tokenize_url, request).await?;
        let heartbeat = match response.heartbeat_seconds() {
            Ok(Some(0) | None) => None,
            Ok(Some(s)) => Some(Duration::from_secs(s)),
            Err(e) => return Err(parse_field(&e, &response)),
        };
        let text = |r: Result<&str, FieldError>| {
            r.map(str::to_owned).map_err(|e| parse_field(&e, &response))
        };
        Ok(Entitlement {
            content_url: text(response.content_url())?,
            license_url: text(response.license_url())?,
            auth_token: AuthToken::new(text(response.auth_token())?),
            heartbeat,
            challenge: challenge.as_str().to_owned(),
            response,
        })
    }

    /// Sends one heartbeat built from `request` (`Type` 2, fresh `Challenge`).
    pub async fn heartbeat(
        &self,
        request: RequestBuilder,
        current: Duration,
    ) -> Result<HeartbeatAnswer, ClientError> {
        let challenge = Challenge::new_v4();
        let request = request
            .request_type(RequestType::Heartbeat)
            .challenge(challenge.as_str())
            .build();
        let response = self.call(&self.heartbeat_url, request).await?;
        Ok(HeartbeatAnswer {
            next: next_interval(current, &response),
            challenge: challenge.as_str().to_owned(),
        })
    }

    /// A heartbeat loop starting at `interval` (usually [`Entitlement::heartbeat`]); see
    /// [`HeartbeatLoop::next`].
    pub fn heartbeats(&self, template: RequestBuilder, interval: Duration) -> HeartbeatLoop<'_> {
        HeartbeatLoop {
            client: self,
            template,
            interval: (!interval.is_zero()).then_some(interval),
        }
    }

    /// Signs `request` (which must carry a `Challenge`), posts it to `url`, and verifies the
    /// answer: an "ok" must be signed with the request's `Challenge`; a "ko" may also be
    /// signed with the empty one (the server could not read the request).
    async fn call(
        &self,
        url: &url::Url,
        mut request: EntitlementRequest,
    ) -> Result<EntitlementResponse, ClientError> {
        request
            .sign(&self.secret, &Rendering::lexical())
            .map_err(ClientError::Request)?;
        let challenge = request
            .raw_challenge()
            .ok_or(ClientError::Request(SignError::MissingChallenge))?
            .to_owned();
        let (_, body) = self
            .post_raw(url.as_str(), request.to_json_string().into_bytes())
            .await?;
        let response = EntitlementResponse::from_slice(&body)
            .map_err(|e: JsonError| ClientError::parsing(e, &body))?;
        let status = response
            .status()
            .map_err(|e| ClientError::parsing(e, &body))?;
        let verified =
            signature::verify_response(response.body(), &challenge, &self.secret, &self.renderings);
        match status {
            ResponseStatus::Ok => {
                verified.map_err(ClientError::Signature)?;
                Ok(response)
            }
            ResponseStatus::Ko => {
                if verified.is_err() {
                    signature::verify_response(response.body(), "", &self.secret, &self.renderings)
                        .map_err(ClientError::Signature)?;
                }
                let code = response
                    .response_code()
                    .map_err(|e| ClientError::parsing(e, &body))?;
                let message = response.message().unwrap_or_default().to_owned();
                Err(ClientError::Ko { code, message })
            }
        }
    }

    /// Posts `body` as JSON to `url` and returns the status and body of a success (< 400);
    /// a status ≥ 400 is a network error, as in the DIVA samples. For tests that need to send
    /// hand-made bodies (replays, tampering).
    pub async fn post_raw(&self, url: &str, body: Vec<u8>) -> Result<(u16, Vec<u8>), ClientError> {
        let request = Request::post(url)
            .header("content-type", "application/json")
            .body(body);
        let response = self.http.send(request).await?;
        let status = response.status();
        if status >= 400 {
            return Err(ClientError::Network {
                status: Some(status),
                timeout: false,
                connect: false,
            });
        }
        Ok((status, response.into_body()))
    }

    /// The tokenize endpoint.
    pub fn tokenize_url(&self) -> &str {
        self.tokenize_url.as_str()
    }

    /// The heartbeat endpoint.
    pub fn heartbeat_url(&self) -> &str {
        self.heartbeat_url.as_str()
    }
}

fn parse_field(e: &FieldError, response: &EntitlementResponse) -> ClientError {
    ClientError::parsing(e, response.to_json_string().as_bytes())
}

/// Heartbeats at the interval the back end asks for.
#[derive(Debug)]
pub struct HeartbeatLoop<'a> {
    client: &'a EntitlementClient,
    template: RequestBuilder,
    interval: Option<Duration>,
}

impl HeartbeatLoop<'_> {
    /// The interval before the next heartbeat (`None`: stopped).
    pub fn interval(&self) -> Option<Duration> {
        self.interval
    }

    /// Waits for the current interval, sends a heartbeat with a fresh `Challenge`, and adopts
    /// the answer's `HeartBeatTime` (0 stops the loop). Returns `None` once stopped; after an
    /// error (which DIVA would display) the loop stops too.
    pub async fn next(&mut self) -> Option<Result<HeartbeatAnswer, ClientError>> {
        let interval = self.interval?;
        tokio::time::sleep(interval).await;
        let result = self.client.heartbeat(self.template.clone(), interval).await;
        self.interval = match &result {
            Ok(answer) => answer.next,
            Err(_) => None,
        };
        Some(result)
    }
}

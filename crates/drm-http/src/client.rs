//! The client builder and the one `send` every client uses.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use crate::body::read_bounded;
use crate::error::{TransportError, TransportKind, from_reqwest};
use crate::message::{Headers, Request, Response};

/// Default connect timeout: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout (the longest wait for the response head or the next body bytes): 30 s.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default overall deadline of one call: 60 s.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
/// Default response-body limit: 4 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Builds an [`HttpClient`]. Redirects are never followed.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    connect_timeout: Duration,
    read_timeout: Duration,
    deadline: Duration,
    body_limit: usize,
    user_agent: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            body_limit: DEFAULT_BODY_LIMIT,
            user_agent: None,
        }
    }
}

impl ClientBuilder {
    /// Connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`]).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Read timeout: the longest wait for the response head or for the next piece of the body
    /// (default [`DEFAULT_READ_TIMEOUT`]). A server sending one byte just inside it keeps a
    /// call alive only until the [deadline](Self::deadline).
    #[must_use]
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Overall deadline of one [`HttpClient::send`]: connecting, sending and reading the whole
    /// body (default [`DEFAULT_DEADLINE`]).
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Largest response body accepted (default [`DEFAULT_BODY_LIMIT`]).
    #[must_use]
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// The `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// A [`TransportKind::Setup`] error when the HTTP stack cannot be initialised.
    pub fn build(self) -> Result<HttpClient, TransportError> {
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout);
        if let Some(agent) = &self.user_agent {
            http = http.user_agent(agent.as_str());
        }
        let http = http
            .build()
            .map_err(|e| TransportError::new(TransportKind::Setup, e.without_url().to_string()))?;
        Ok(HttpClient {
            http,
            deadline: self.deadline,
            body_limit: self.body_limit,
        })
    }
}

/// An HTTP client: connection pool, timeouts, deadline and body limit. Cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    http: reqwest::Client,
    deadline: Duration,
    body_limit: usize,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("deadline", &self.deadline)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// A builder with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The overall deadline of one call.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The response-body limit.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// Sends one request and reads its whole response within the deadline and the body limit.
    /// Any status (3xx included: redirects are not followed) is a [`Response`].
    ///
    /// # Errors
    /// [`TransportError`]: connection, timeout or deadline, oversized body, malformed HTTP.
    pub async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let deadline = request.deadline.unwrap_or(self.deadline);
        match tokio::time::timeout(deadline, self.exchange(request)).await {
            Ok(result) => result,
            Err(_) => Err(TransportError::deadline_exceeded(deadline)),
        }
    }

    /// Runs `call` (typically a retry loop around [`HttpClient::send`]) under the client's
    /// deadline as a whole: when it elapses, `call` is dropped and a timeout is returned.
    ///
    /// # Errors
    /// `call`'s own errors, or the deadline as a [`TransportError`] converted into `E`.
    pub async fn within_deadline<T, E, F>(&self, call: F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
        E: From<TransportError>,
    {
        match tokio::time::timeout(self.deadline, call).await {
            Ok(result) => result,
            Err(_) => Err(TransportError::deadline_exceeded(self.deadline).into()),
        }
    }

    async fn exchange(&self, request: Request) -> Result<Response, TransportError> {
        let url = request.url.as_str();
        let mut builder = self.http.request(request.method.to_reqwest(), url);
        for (name, value, sensitive) in &request.headers {
            let mut value = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
                TransportError::new(
                    TransportKind::Setup,
                    format!("the value of header {name} is not valid header text"),
                )
            })?;
            value.set_sensitive(*sensitive);
            builder = builder.header(name.as_str(), value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = builder.send().await.map_err(|e| from_reqwest(e, url))?;
        let status = response.status().as_u16();
        let headers = Headers::from_reqwest(response.headers());
        let limit = request.body_limit.unwrap_or(self.body_limit);
        let body = read_bounded(&mut response, limit, url).await?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

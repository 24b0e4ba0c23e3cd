//! The client builder: endpoint, region, timeouts, retries, clock, body limit.

use std::sync::Arc;
use std::time::Duration;

use drm_http::{BaseUrl, HttpClient, RetryPolicy};

use crate::clock::{Clock, SystemClock};
use crate::error::Error;
use crate::request::{GOV_ENDPOINT, PUBLIC_ENDPOINT};
use crate::secret::{AccessKey, SecretKey};
use crate::signature::DEFAULT_REGION_CODE;

use super::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_READ_TIMEOUT,
    DEFAULT_TIMEOUT, Inner,
};

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    endpoint: String,
    access_key: AccessKey,
    secret_key: SecretKey,
    region: String,
    http: drm_http::ClientBuilder,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

impl ClientBuilder {
    /// A builder for the public zone ([`PUBLIC_ENDPOINT`]), region `KR`, default timeouts and
    /// retries, the system clock.
    pub fn new(access_key: AccessKey, secret_key: SecretKey) -> Self {
        Self {
            endpoint: PUBLIC_ENDPOINT.to_owned(),
            access_key,
            secret_key,
            region: DEFAULT_REGION_CODE.to_owned(),
            http: HttpClient::builder()
                .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
                .read_timeout(DEFAULT_READ_TIMEOUT)
                .deadline(DEFAULT_TIMEOUT)
                .body_limit(DEFAULT_MAX_RESPONSE_BYTES)
                .user_agent(concat!("ncp-policy-api/", env!("CARGO_PKG_VERSION"))),
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// Any base URL (`http` or `https`, optionally with a path prefix), e.g. an emulator's.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into();
        self
    }

    /// The public-sector (gov) zone, [`GOV_ENDPOINT`].
    pub fn gov_zone(self) -> Self {
        self.endpoint(GOV_ENDPOINT)
    }

    /// The `x-ncp-region_code` header value (default `KR`).
    pub fn region(mut self, code: impl Into<String>) -> Self {
        self.region = code.into();
        self
    }

    /// Connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.connect_timeout(timeout);
        self
    }

    /// Read timeout: the longest wait for the response head or for any piece of the body.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.read_timeout(timeout);
        self
    }

    /// Deadline of a whole call, retries and back-off included (default [`DEFAULT_TIMEOUT`]).
    /// A server drip-feeding its answer cannot keep a call alive past it; each page of a
    /// [`super::Paginator`] is one call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http = self.http.deadline(timeout);
        self
    }

    /// Retry policy of idempotent calls.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The time source used for signing (tests use a skewed or fixed clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.http = self.http.user_agent(user_agent);
        self
    }

    /// Largest response body accepted (default 8 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.http = self.http.body_limit(limit);
        self
    }

    /// Builds the client. Redirects are never followed.
    ///
    /// # Errors
    /// [`Error::Config`] for an endpoint that is not an absolute http(s) URL with a host and
    /// no query, fragment or user info, or when the HTTP stack cannot be initialised.
    pub fn build(self) -> Result<Client, Error> {
        // The endpoint text itself is left out of errors: it may carry user info (a password).
        let base = BaseUrl::parse(&self.endpoint).map_err(|e| Error::Config {
            message: format!("the endpoint: {e}"),
        })?;
        let http = self.http.build().map_err(|e| Error::Config {
            message: format!("cannot initialise the HTTP client: {e}"),
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                access_key: self.access_key,
                secret_key: self.secret_key,
                region: self.region,
                retry: self.retry,
                clock: self.clock,
            }),
        })
    }
}

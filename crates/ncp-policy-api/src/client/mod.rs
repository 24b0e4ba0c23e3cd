//! The HTTP client (feature `client`): signs every attempt, retries what is safe to retry,
//! decodes both error shapes, and tells clock skew apart.

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::clock::{Clock, SystemClock};
use crate::error::{Error, TransportError, TransportKind};
use crate::model::envelope::{Envelope, ListPage, decode};
use crate::model::license::LicenseRecord;
use crate::model::log::{PolicyLogEntry, SiteLogEntry};
use crate::model::policy::{Policy, PolicyRequest};
use crate::model::query::{LicenseHistoryQuery, Page, PolicyLogQuery, SiteLogQuery};
use crate::model::site::{Site, SiteId, SiteRequest};
use crate::request::{ApiRequest, GOV_ENDPOINT, Method, PUBLIC_ENDPOINT};
use crate::secret::{AccessKey, SecretKey};
use crate::signature::{DEFAULT_REGION_CODE, MAX_CLOCK_SKEW_MS};

mod http_date;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout (per read, including the wait for the response head).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Most pages a [`Paginator`] fetches before giving up (guards against a server that never
/// ends a list).
pub const MAX_PAGES: u32 = 10_000;

/// How failed idempotent calls are retried: transport errors, HTTP 429 and 5xx, up to
/// `max_retries` more attempts with exponential back-off (a `Retry-After` in seconds is honoured
/// up to `max_backoff`). Every attempt is signed again with a fresh timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first one (0 disables retries).
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub initial_backoff: Duration,
    /// Cap of any single delay.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub const NONE: Self = Self {
        max_retries: 0,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    };

    /// The delay before retry number `retry` (0-based), given the server's `Retry-After`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(16)));
        retry_after
            .unwrap_or(exponential)
            .max(exponential)
            .min(self.max_backoff)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    endpoint: String,
    access_key: AccessKey,
    secret_key: SecretKey,
    region: String,
    connect_timeout: Duration,
    read_timeout: Duration,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    user_agent: String,
    max_response_bytes: usize,
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
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            timeout: None,
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            user_agent: concat!("ncp-policy-api/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
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
        self.connect_timeout = timeout;
        self
    }

    /// Read timeout: the longest wait for the response head or for any piece of the body.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    /// Total timeout of one attempt (none by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
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
        self.user_agent = user_agent.into();
        self
    }

    /// Largest response body accepted (default 8 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds the client. Redirects are never followed.
    ///
    /// # Errors
    /// [`Error::Config`] for an endpoint that is not an absolute http(s) URL without query,
    /// or when the HTTP stack cannot be initialised.
    pub fn build(self) -> Result<Client, Error> {
        let endpoint = self.endpoint.trim().trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&endpoint).map_err(|e| Error::Config {
            // The endpoint text itself is left out: it may carry user info (a password).
            message: format!("the endpoint is not a URL: {e}"),
        })?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(Error::Config {
                message: "the endpoint must be an http(s) URL with a host and no query, fragment or user info"
                    .to_owned(),
            });
        }
        let path_prefix = url.path().trim_end_matches('/').to_owned();
        let origin = url.origin().ascii_serialization();
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .user_agent(self.user_agent);
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        let http = http.build().map_err(|e| Error::Config {
            message: format!("cannot initialise the HTTP client: {e}"),
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                origin,
                path_prefix,
                access_key: self.access_key,
                secret_key: self.secret_key,
                region: self.region,
                retry: self.retry,
                clock: self.clock,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

/// The One Click Multi DRM client. Cheap to clone (shared connection pool).
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    origin: String,
    path_prefix: String,
    access_key: AccessKey,
    secret_key: SecretKey,
    region: String,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
    max_response_bytes: usize,
}

impl Client {
    /// A builder (see [`ClientBuilder::new`]).
    pub fn builder(access_key: AccessKey, secret_key: SecretKey) -> ClientBuilder {
        ClientBuilder::new(access_key, secret_key)
    }

    /// The base URL requests go to.
    pub fn endpoint(&self) -> String {
        format!("{}{}", self.inner.origin, self.inner.path_prefix)
    }

    /// Sends any prepared request and decodes its `content` as `T`, retrying idempotent
    /// methods per the [`RetryPolicy`].
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn send<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
    ) -> Result<Envelope<T>, Error> {
        let retry = self.inner.retry;
        let mut attempt: u32 = 0;
        loop {
            let (result, retry_after) = self.attempt::<T>(request, attempt).await;
            match result {
                Err(error)
                    if request.method.is_idempotent()
                        && error.is_retryable()
                        && attempt < retry.max_retries =>
                {
                    let delay = retry.delay(attempt, retry_after);
                    tracing::debug!(
                        method = request.method.as_str(),
                        path = request.path(),
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error = %error,
                        "retrying NCP API call"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// One signed attempt. Also returns the server's `Retry-After`, if any.
    async fn attempt<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
        attempt: u32,
    ) -> (Result<Envelope<T>, Error>, Option<Duration>) {
        let inner = &*self.inner;
        let target = format!("{}{}", inner.path_prefix, request.target);
        let timestamp = inner.clock.now_ms();
        let headers = crate::signature::signed_headers(
            request.method.as_str(),
            &target,
            timestamp,
            &inner.access_key,
            &inner.secret_key,
            &inner.region,
        );
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = inner
            .http
            .request(method, format!("{}{target}", inner.origin));
        for (name, value) in headers.iter() {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(e) => return (Err(transport(e)), None),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let server_ms = response
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(http_date::parse_ms);
        tracing::debug!(
            method = request.method.as_str(),
            target = %target,
            attempt,
            status,
            "NCP API response"
        );
        if (300..400).contains(&status) {
            return (
                Err(Error::Transport(TransportError::new(
                    TransportKind::Redirect,
                    format!("HTTP {status} redirect not followed"),
                    None,
                ))),
                None,
            );
        }
        let body = match read_bounded(&mut response, inner.max_response_bytes).await {
            Ok(body) => body,
            Err(e) => return (Err(e), retry_after),
        };
        let result =
            decode::<T>(status, &body).map_err(|e| classify_clock_skew(e, timestamp, server_ms));
        (result, retry_after)
    }

    async fn call<T: DeserializeOwned>(&self, request: &ApiRequest) -> Result<T, Error> {
        self.send::<T>(request).await.map(|e| e.content)
    }

    async fn list<T: DeserializeOwned>(&self, request: &ApiRequest) -> Result<ListPage<T>, Error> {
        let envelope = self.send::<Option<Vec<T>>>(request).await?;
        Ok(ListPage {
            items: envelope.content.unwrap_or_default(),
            total: envelope.total,
        })
    }

    /// One page of policies.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn list_policies(&self, page: Page) -> Result<ListPage<Policy>, Error> {
        self.list(&ApiRequest::list_policies(page)).await
    }

    /// Every policy, page after page.
    pub fn policies(&self, page_size: u32) -> Paginator<'_, Policy> {
        Paginator::new(self, page_size, |page| Ok(ApiRequest::list_policies(page)))
    }

    /// One policy.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn get_policy(&self, policy_id: i64) -> Result<Policy, Error> {
        self.call(&ApiRequest::get_policy(policy_id)).await
    }

    /// Creates a policy (validated first; never retried).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn create_policy(&self, policy: &PolicyRequest) -> Result<Policy, Error> {
        self.call(&ApiRequest::create_policy(policy)?).await
    }

    /// Replaces a policy's settings (validated first).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn update_policy(
        &self,
        policy_id: i64,
        policy: &PolicyRequest,
    ) -> Result<Policy, Error> {
        self.call(&ApiRequest::update_policy(policy_id, policy)?)
            .await
    }

    /// Deletes a policy. Returns the deleted policy when the server sends it.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn delete_policy(&self, policy_id: i64) -> Result<Option<Policy>, Error> {
        self.call(&ApiRequest::delete_policy(policy_id)).await
    }

    /// Copies a policy (`Copy_<name>`, new id; public zone only; never retried).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn copy_policy(&self, policy_id: i64) -> Result<Policy, Error> {
        self.call(&ApiRequest::copy_policy(policy_id)).await
    }

    /// One page of a policy's event log.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn policy_log(
        &self,
        query: &PolicyLogQuery,
        page: Page,
    ) -> Result<ListPage<PolicyLogEntry>, Error> {
        self.list(&ApiRequest::policy_log(query, page)?).await
    }

    /// A policy's whole event log, page after page.
    pub fn policy_log_pages(
        &self,
        query: PolicyLogQuery,
        page_size: u32,
    ) -> Paginator<'_, PolicyLogEntry> {
        Paginator::new(self, page_size, move |page| {
            ApiRequest::policy_log(&query, page)
        })
    }

    /// One page of sites.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn list_sites(&self, page: Page) -> Result<ListPage<Site>, Error> {
        self.list(&ApiRequest::list_sites(page)).await
    }

    /// Every site, page after page.
    pub fn sites(&self, page_size: u32) -> Paginator<'_, Site> {
        Paginator::new(self, page_size, |page| Ok(ApiRequest::list_sites(page)))
    }

    /// One site.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn get_site(&self, site_id: &SiteId) -> Result<Site, Error> {
        self.call(&ApiRequest::get_site(site_id)).await
    }

    /// Creates a site (validated first; never retried).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn create_site(&self, site: &SiteRequest) -> Result<Site, Error> {
        self.call(&ApiRequest::create_site(site)?).await
    }

    /// Updates a site (validated first).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn update_site(&self, site_id: &SiteId, site: &SiteRequest) -> Result<Site, Error> {
        self.call(&ApiRequest::update_site(site_id, site)?).await
    }

    /// Turns a site ON (it issues licenses).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn site_on(&self, site_id: &SiteId) -> Result<Site, Error> {
        self.call(&ApiRequest::site_on(site_id)).await
    }

    /// Turns a site OFF.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn site_off(&self, site_id: &SiteId) -> Result<Site, Error> {
        self.call(&ApiRequest::site_off(site_id)).await
    }

    /// One page of the site event log.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn site_log(
        &self,
        query: &SiteLogQuery,
        page: Page,
    ) -> Result<ListPage<SiteLogEntry>, Error> {
        self.list(&ApiRequest::site_log(query, page)?).await
    }

    /// The whole site event log, page after page.
    pub fn site_log_pages(
        &self,
        query: SiteLogQuery,
        page_size: u32,
    ) -> Paginator<'_, SiteLogEntry> {
        Paginator::new(self, page_size, move |page| {
            ApiRequest::site_log(&query, page)
        })
    }

    /// One page of a site's license history ("statistics").
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn license_history(
        &self,
        query: &LicenseHistoryQuery,
        page: Page,
    ) -> Result<ListPage<LicenseRecord>, Error> {
        self.list(&ApiRequest::license_history(query, page)?).await
    }

    /// A site's whole license history, page after page.
    pub fn license_history_pages(
        &self,
        query: LicenseHistoryQuery,
        page_size: u32,
    ) -> Paginator<'_, LicenseRecord> {
        Paginator::new(self, page_size, move |page| {
            ApiRequest::license_history(&query, page)
        })
    }
}

type PageRequest<'c> = Box<dyn Fn(Page) -> Result<ApiRequest, Error> + Send + Sync + 'c>;

/// Walks a list operation page by page (1-based pages; stops at an empty or short page, when
/// `total` items were seen, or after [`MAX_PAGES`]).
pub struct Paginator<'c, T> {
    client: &'c Client,
    build: PageRequest<'c>,
    next: Option<Page>,
    seen: u64,
    fetched: u32,
    total: Option<u64>,
    _items: std::marker::PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Paginator<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("next", &self.next)
            .field("seen", &self.seen)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl<'c, T: DeserializeOwned> Paginator<'c, T> {
    fn new(
        client: &'c Client,
        page_size: u32,
        build: impl Fn(Page) -> Result<ApiRequest, Error> + Send + Sync + 'c,
    ) -> Self {
        Self {
            client,
            build: Box::new(build),
            next: Some(Page::first(page_size)),
            seen: 0,
            fetched: 0,
            total: None,
            _items: std::marker::PhantomData,
        }
    }

    /// The `total` reported by the last page fetched.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The next page, or `None` after the last one.
    ///
    /// # Errors
    /// See [`Error`]; the paginator can be polled again after an error (same page).
    pub async fn next_page(&mut self) -> Result<Option<ListPage<T>>, Error> {
        let Some(page) = self.next else {
            return Ok(None);
        };
        if self.fetched >= MAX_PAGES {
            self.next = None;
            return Ok(None);
        }
        let request = (self.build)(page)?;
        let result: ListPage<T> = self.client.list(&request).await?;
        self.fetched += 1;
        self.seen += u64::try_from(result.items.len()).unwrap_or(u64::MAX);
        if result.total.is_some() {
            self.total = result.total;
        }
        let short = result.items.len() < usize::try_from(page.size()).unwrap_or(usize::MAX);
        let all_seen = self.total.is_some_and(|total| self.seen >= total);
        self.next = if result.items.is_empty() || short || all_seen {
            None
        } else {
            page.next()
        };
        if result.items.is_empty() {
            return Ok(None);
        }
        Ok(Some(result))
    }

    /// Every remaining item.
    ///
    /// # Errors
    /// The first error met.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await? {
            items.extend(page.items);
        }
        Ok(items)
    }
}

fn transport(error: reqwest::Error) -> Error {
    let kind = if error.is_timeout() {
        TransportKind::Timeout
    } else if error.is_connect() {
        TransportKind::Connect
    } else if error.is_redirect() {
        TransportKind::Redirect
    } else {
        TransportKind::Other
    };
    let message = error.to_string();
    Error::Transport(TransportError::new(kind, message, Some(Box::new(error))))
}

async fn read_bounded(response: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>, Error> {
    if response
        .content_length()
        .is_some_and(|len| len > u64::try_from(limit).unwrap_or(u64::MAX))
    {
        return Err(Error::ResponseTooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > limit {
            return Err(Error::ResponseTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Words of a gateway message that point at the timestamp rather than the credentials.
const SKEW_WORDS: &[&str] = &["timestamp", "expired", "clock", "skew"];

/// Turns a gateway authentication refusal into [`Error::ClockSkew`] when its text names the
/// timestamp, or when the server's `Date` is more than five minutes from the signing clock.
fn classify_clock_skew(error: Error, timestamp_ms: u64, server_ms: Option<u64>) -> Error {
    let Error::Gateway {
        status,
        error_code,
        message,
        details,
        body,
    } = error
    else {
        return error;
    };
    let skew_ms = server_ms.map(|server| {
        i64::try_from(i128::from(timestamp_ms) - i128::from(server)).unwrap_or(i64::MAX)
    });
    let text = format!("{message} {}", details.as_deref().unwrap_or_default()).to_ascii_lowercase();
    let words = SKEW_WORDS.iter().any(|w| text.contains(w));
    let date_far = skew_ms.is_some_and(|s| s.unsigned_abs() > MAX_CLOCK_SKEW_MS);
    if (status == 401 || status == 403) && (words || date_far) {
        Error::ClockSkew {
            status,
            error_code,
            message,
            details,
            skew_ms,
            body,
        }
    } else {
        Error::Gateway {
            status,
            error_code,
            message,
            details,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
        };
        assert_eq!(policy.delay(0, None), Duration::from_millis(100));
        assert_eq!(policy.delay(1, None), Duration::from_millis(200));
        assert_eq!(policy.delay(3, None), Duration::from_millis(500));
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(60))),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn gateway_timestamp_rejection_is_clock_skew() {
        let gateway = |details: &str| Error::Gateway {
            status: 401,
            error_code: "200".to_owned(),
            message: "Authentication Failed".to_owned(),
            details: Some(details.to_owned()),
            body: String::new(),
        };
        let skew = classify_clock_skew(gateway("timestamp is too old"), 1_000, None);
        assert!(matches!(skew, Error::ClockSkew { .. }), "{skew:?}");
        let by_date = classify_clock_skew(gateway("nope"), 10_000_000, Some(1_000));
        assert!(
            matches!(
                by_date,
                Error::ClockSkew {
                    skew_ms: Some(9_999_000),
                    ..
                }
            ),
            "{by_date:?}"
        );
        let signature = classify_clock_skew(gateway("signature mismatch"), 1_000, Some(1_000));
        assert!(matches!(signature, Error::Gateway { .. }), "{signature:?}");
    }

    #[test]
    fn endpoint_validation() {
        let builder = || ClientBuilder::new(AccessKey::new("a"), SecretKey::new("s"));
        assert!(builder().endpoint("ftp://x").build().is_err());
        assert!(builder().endpoint("http://x/?q=1").build().is_err());
        assert!(builder().endpoint("not a url").build().is_err());
        let client = builder()
            .endpoint("http://127.0.0.1:9/prefix/")
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(client.endpoint(), "http://127.0.0.1:9/prefix");
        let gov = builder()
            .gov_zone()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gov.endpoint(), GOV_ENDPOINT);
    }
}

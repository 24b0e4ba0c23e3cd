//! The HTTP client (feature `client`), on the shared core `drm-http`: signs every attempt,
//! retries what is safe to retry, holds every call to a deadline, streams lists page by page,
//! decodes both error shapes, and tells clock skew apart.
//!
//! * `builder`: [`ClientBuilder`] (endpoint, timeouts, retries, clock);
//! * `retry`: one call = signed attempts under the retry policy and the deadline;
//! * `paginator`: [`Paginator`], one page in memory at a time;
//! * `endpoints`: one method per API operation;
//! * `skew`: clock-skew classification; `http_date`: the `Date` header.

use std::sync::Arc;
use std::time::Duration;

pub use drm_http::RetryPolicy;
use drm_http::{BaseUrl, HttpClient};

use crate::clock::Clock;
use crate::secret::{AccessKey, SecretKey};

mod builder;
mod endpoints;
mod http_date;
mod paginator;
mod retry;
mod skew;

pub use builder::ClientBuilder;
pub use paginator::Paginator;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout (per read, including the wait for the response head).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default deadline of a whole call (retries included).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default limit on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Most pages a [`Paginator`] fetches before giving up (guards against a server that never
/// ends a list).
pub const MAX_PAGES: u32 = 10_000;

/// The One Click Multi DRM client. Cheap to clone (shared connection pool).
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: HttpClient,
    base: BaseUrl,
    access_key: AccessKey,
    secret_key: SecretKey,
    region: String,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

impl Client {
    /// A builder (see [`ClientBuilder::new`]).
    pub fn builder(access_key: AccessKey, secret_key: SecretKey) -> ClientBuilder {
        ClientBuilder::new(access_key, secret_key)
    }

    /// The base URL requests go to.
    pub fn endpoint(&self) -> String {
        self.inner.base.as_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::GOV_ENDPOINT;

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

//! Keys from an identity provider's JWKS URL: RS256 and ES256, cached by `kid`, downloaded
//! again on an unknown `kid` at most once per interval.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use drm_http::{HttpClient, Request};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::config::ConfigError;
use crate::metrics::Metrics;

/// Largest JWKS document read.
const MAX_JWKS_BYTES: usize = 1 << 20;
/// Deadline of one download.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

type KeyMap = HashMap<String, (DecodingKey, Algorithm)>;

/// The cached key set.
pub(crate) struct Jwks {
    url: String,
    interval: Duration,
    http: HttpClient,
    keys: RwLock<Arc<KeyMap>>,
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// The algorithm a key is used with: its `alg`, or the one its type implies.
fn algorithm_of(jwk: &jsonwebtoken::jwk::Jwk) -> Option<Algorithm> {
    let implied = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        _ => return None,
    };
    match jwk.common.key_algorithm {
        None => Some(implied),
        Some(KeyAlgorithm::RS256) if implied == Algorithm::RS256 => Some(implied),
        Some(KeyAlgorithm::ES256) if implied == Algorithm::ES256 => Some(implied),
        Some(_) => None,
    }
}

/// The usable keys of a JWKS document (others are skipped).
fn parse(body: &[u8]) -> Option<KeyMap> {
    let set: JwkSet = serde_json::from_slice(body).ok()?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let (Some(kid), Some(alg)) = (jwk.common.key_id.clone(), algorithm_of(jwk)) else {
            continue;
        };
        if let Ok(key) = DecodingKey::from_jwk(jwk) {
            keys.insert(kid, (key, alg));
        }
    }
    Some(keys)
}

impl Jwks {
    /// The key set of `url` on the shared HTTP core (deadline, bounded body, no redirects).
    pub(crate) fn new(
        url: String,
        interval: Duration,
        metrics: Arc<Metrics>,
    ) -> Result<Self, ConfigError> {
        let http = HttpClient::builder()
            .connect_timeout(FETCH_TIMEOUT)
            .deadline(FETCH_TIMEOUT)
            .body_limit(MAX_JWKS_BYTES)
            .build()
            .map_err(|e| ConfigError::Invalid {
                key: "token_endpoint.jwks_url",
                reason: e.to_string(),
            })?;
        Ok(Self {
            url,
            interval,
            http,
            keys: RwLock::new(Arc::new(HashMap::new())),
            last_fetch: tokio::sync::Mutex::new(None),
            metrics,
        })
    }

    fn cached(&self, kid: &str) -> Option<(DecodingKey, Algorithm)> {
        let keys = self
            .keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        keys.get(kid).cloned()
    }

    /// The key for `kid`: from the cache, or after one download when the last one is older
    /// than the interval.
    pub(crate) async fn key(&self, kid: &str) -> Option<(DecodingKey, Algorithm)> {
        if let Some(k) = self.cached(kid) {
            return Some(k);
        }
        let mut last = self.last_fetch.lock().await;
        // Another request may have downloaded the set while this one waited.
        if let Some(k) = self.cached(kid) {
            return Some(k);
        }
        if last.is_some_and(|t| t.elapsed() < self.interval) {
            return None;
        }
        *last = Some(Instant::now());
        match self.fetch().await {
            Some(keys) => {
                *self
                    .keys
                    .write()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(keys);
            }
            None => {
                self.metrics.upstream_error("jwks");
                tracing::warn!(
                    "cannot download the JWKS (unreachable, not 200, too large or not a key set)"
                );
            }
        }
        self.cached(kid)
    }

    async fn fetch(&self) -> Option<KeyMap> {
        // Unreachable, past the deadline or over `MAX_JWKS_BYTES`: no key set.
        let resp = self.http.send(Request::get(&self.url)).await.ok()?;
        if !resp.is_success() {
            return None;
        }
        parse(resp.body())
    }
}

//! The ready-to-run entitlement service (feature `server`): axum, `POST /tokenize`,
//! `POST /heartbeat` and the optional `GET /api/drm/token`.
//!
//! Start it from a [`ServiceConfig`] with [`EntitlementService::from_config`], optionally swap the
//! [`Entitler`] or the [`ReplayGuard`], then either [`EntitlementService::bind`] it (which returns
//! the bound address, so port 0 works) or mount [`EntitlementService::router`] into your own
//! axum application.

mod config;
mod diva;
mod issuer;
mod token_endpoint;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use drm_token::DrmType;

pub use config::{
    ConfigError, DoveRunnerConfig, ResponseRenderingConfig, ServiceConfig, TokenEndpointConfig,
};
pub use issuer::{DEFAULT_POLICY_JSON, parse_drm_type};

use crate::entitler::{Entitler, RuleSet};
use crate::render::Rendering;
use crate::replay::{MemoryReplayGuard, ReplayGuard};
use crate::verifier::Verifier;

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct Shared {
    verifier: Verifier,
    guard: Arc<dyn ReplayGuard>,
    entitler: Arc<dyn Entitler>,
    issuer: Arc<issuer::Issuer>,
    jwt: Option<token_endpoint::JwtAuth>,
    content_url_template: String,
    license_url: String,
    heartbeat_seconds: u32,
    default_drm_type: DrmType,
    anonymous_user_id: String,
    timeout: Duration,
    renderings: Arc<BTreeMap<String, Rendering>>,
}

impl Shared {
    /// The `ContentUrl` for a video: the template with `{video_id}` percent-encoded.
    fn content_url(&self, video_id: &str, drm_type: DrmType) -> String {
        self.content_url_template
            .replace("{video_id}", &percent_encode(video_id))
            .replace("{drm_type}", drm_type.lower_name())
    }

    /// How answers to `player_type` are signed (lexical unless configured).
    fn rendering_for(&self, player_type: &str) -> Rendering {
        self.renderings
            .get(player_type)
            .cloned()
            .unwrap_or_default()
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so an id cannot change the
/// structure of the URL (`../`, `?`, `#`).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The entitlement service, configured but not yet listening.
pub struct EntitlementService {
    shared: Shared,
    bind: String,
    cors: Option<tower_http::cors::CorsLayer>,
}

impl std::fmt::Debug for EntitlementService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntitlementService")
            .field("bind", &self.bind)
            .field("token_endpoint", &self.shared.jwt.is_some())
            .finish_non_exhaustive()
    }
}

impl EntitlementService {
    /// Builds the service: checks the credentials, reads and prepares (encrypts) the license
    /// policy once, reads the JWT key, and sets up the replay store (Redis when `redis_url` is
    /// set and the `redis` feature is on; in memory otherwise).
    pub fn from_config(config: &ServiceConfig) -> Result<Self, ConfigError> {
        let issuer = issuer::Issuer::from_config(config)?;
        let default_drm_type = issuer::parse_drm_type(&config.default_drm_type, DrmType::Widevine)
            .ok_or_else(|| ConfigError::Invalid {
                key: "default_drm_type",
                reason: "must be widevine, playready, fairplay, ncg or wiseplay".into(),
            })?;
        let (jwt, cors) = match &config.token_endpoint {
            Some(endpoint) => (
                Some(token_endpoint::JwtAuth::from_config(config, endpoint)?),
                token_endpoint::cors_layer(endpoint)?,
            ),
            None => (None, None),
        };
        let window = Duration::from_secs(config.replay_window_seconds);
        let guard: Arc<dyn ReplayGuard> = match &config.redis_url {
            #[cfg(feature = "redis")]
            Some(url) => Arc::new(
                crate::replay::RedisReplayGuard::new(url.expose_secret(), window).map_err(|e| {
                    ConfigError::Invalid {
                        key: "redis_url",
                        reason: e.to_string(),
                    }
                })?,
            ),
            #[cfg(not(feature = "redis"))]
            Some(_) => {
                return Err(ConfigError::Invalid {
                    key: "redis_url",
                    reason: "this build has no Redis support (feature `redis`)".into(),
                });
            }
            None => Arc::new(MemoryReplayGuard::new(window, config.replay_capacity)),
        };
        let mut renderings = BTreeMap::new();
        for (player_type, r) in &config.response_rendering {
            renderings.insert(player_type.clone(), r.rendering()?);
        }
        let verifier = Verifier::new(config.secret.clone())
            .require_signature(config.require_signature)
            .max_body_bytes(config.max_body_bytes);
        Ok(Self {
            shared: Shared {
                verifier,
                guard,
                entitler: Arc::new(RuleSet::new(config.rules.clone())),
                issuer: Arc::new(issuer),
                jwt,
                content_url_template: config.content_url_template.clone(),
                license_url: config.license_url.clone(),
                heartbeat_seconds: config.heartbeat_seconds,
                default_drm_type,
                anonymous_user_id: config.anonymous_user_id.clone(),
                timeout: Duration::from_secs(config.request_timeout_seconds),
                renderings: Arc::new(renderings),
            },
            bind: config.bind.clone(),
            cors,
        })
    }

    /// Replaces the configured rules with a custom decision.
    #[must_use]
    pub fn with_entitler(mut self, entitler: impl Entitler + 'static) -> Self {
        self.shared.entitler = Arc::new(entitler);
        self
    }

    /// Replaces the replay store.
    #[must_use]
    pub fn with_replay_guard(mut self, guard: impl ReplayGuard + 'static) -> Self {
        self.shared.guard = Arc::new(guard);
        self
    }

    /// The routes, ready to be served or merged into another axum application.
    pub fn router(&self) -> Router {
        let state = Arc::new(self.shared.clone());
        let mut router = Router::new()
            .route("/tokenize", post(diva::handle))
            .route("/heartbeat", post(diva::handle));
        if self.shared.jwt.is_some() {
            let mut token = Router::new().route("/api/drm/token", get(token_endpoint::handle));
            if let Some(cors) = &self.cors {
                token = token.layer(cors.clone());
            }
            router = router.merge(token);
        }
        router.with_state(state)
    }

    /// Binds the configured address and starts serving in the background. The returned handle
    /// knows the bound address (useful with port 0) and shuts the server down gracefully.
    pub async fn bind(self) -> Result<RunningService, ConfigError> {
        let listener = tokio::net::TcpListener::bind(&self.bind)
            .await
            .map_err(|source| ConfigError::Bind {
                addr: self.bind.clone(),
                source,
            })?;
        self.serve_on(listener)
    }

    /// Starts serving on an already bound listener.
    pub fn serve_on(
        self,
        listener: tokio::net::TcpListener,
    ) -> Result<RunningService, ConfigError> {
        let addr = listener.local_addr().map_err(|source| ConfigError::Bind {
            addr: self.bind.clone(),
            source,
        })?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = self.router();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        });
        tracing::info!(%addr, "entitlement service listening");
        Ok(RunningService {
            addr,
            shutdown: Some(tx),
            task,
        })
    }
}

/// A running service.
#[derive(Debug)]
pub struct RunningService {
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningService {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits for the server.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.join().await
    }

    /// Serves until `signal` completes (e.g. Ctrl-C), then shuts down gracefully.
    pub async fn shutdown_on(
        self,
        signal: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        signal.await;
        self.shutdown().await
    }

    async fn join(&mut self) -> std::io::Result<()> {
        match (&mut self.task).await {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn ids_cannot_change_the_url_structure() {
        assert_eq!(percent_encode("movie-1_a.b~"), "movie-1_a.b~");
        assert_eq!(percent_encode("../x?y#z é"), "..%2Fx%3Fy%23z%20%C3%A9");
    }
}

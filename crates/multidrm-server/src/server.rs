//! [`Server`]: built from a [`ServerConfig`], served on a socket ([`Server::bind`],
//! [`Server::serve_on`]) or handed to another HTTP stack as a `tower::Service`
//! ([`Server::into_service`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use drm_entitlement::replay::{MemoryReplayGuard, ReplayGuard};
use drm_entitlement::{Entitler, RuleSet, Verifier};
use drm_token::DrmType;
use tokio::sync::watch;

use crate::app::{App, AppParts};
use crate::auth::ViewerAuth;
use crate::config::{ConfigError, ServerConfig};
use crate::license_proxy::{self, LicenseProxy};
use crate::listener::{self, Limits, Phase};
use crate::metrics::Metrics;
use crate::service::HttpService;
use crate::{diva, formats, issuer, ops, token_endpoint};

/// The server, configured but not yet listening.
pub struct Server {
    parts: AppParts,
    bind: String,
    cors: Option<tower_http::cors::CorsLayer>,
    limits: Limits,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("bind", &self.bind)
            .field("token_endpoint", &self.parts.viewer_auth.is_some())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

fn replay_guard(config: &ServerConfig) -> Result<Arc<dyn ReplayGuard>, ConfigError> {
    let window = Duration::from_secs(config.replay_window_seconds);
    match &config.redis_url {
        #[cfg(feature = "redis")]
        Some(url) => {
            let guard = drm_entitlement::replay::RedisReplayGuard::new(url.expose_secret(), window)
                .map_err(|e| ConfigError::Invalid {
                    key: "redis_url",
                    reason: e.to_string(),
                })?
                .with_timeout(Duration::from_millis(config.redis_timeout_ms));
            Ok(Arc::new(guard))
        }
        #[cfg(not(feature = "redis"))]
        Some(_) => Err(ConfigError::Invalid {
            key: "redis_url",
            reason: "this build has no Redis support (feature `redis`)".into(),
        }),
        None => Ok(Arc::new(MemoryReplayGuard::new(
            window,
            config.replay_capacity,
        ))),
    }
}

fn default_drm_type(config: &ServerConfig) -> Result<DrmType, ConfigError> {
    issuer::parse_drm_type(&config.default_drm_type, DrmType::Widevine).ok_or_else(|| {
        ConfigError::Invalid {
            key: "default_drm_type",
            reason: "must be widevine, playready, fairplay, ncg or wiseplay".into(),
        }
    })
}

impl Server {
    /// Builds the server: checks the credentials, reads and prepares (encrypts) the license
    /// policy once, reads the JWT key, and sets up the replay store (Redis when `redis_url` is
    /// set; in memory otherwise). Nothing is contacted yet.
    pub fn from_config(config: &ServerConfig) -> Result<Self, ConfigError> {
        let metrics = Arc::new(Metrics::new());
        let (viewer_auth, cors) = match &config.token_endpoint {
            Some(endpoint) => (
                Some(ViewerAuth::from_config(config, endpoint, metrics.clone())?),
                token_endpoint::cors_layer(endpoint)?,
            ),
            None => (None, None),
        };
        let mut renderings = BTreeMap::new();
        for (player_type, r) in &config.response_rendering {
            renderings.insert(player_type.clone(), r.rendering()?);
        }
        let verifier = Verifier::new(config.secret.clone())
            .require_signature(config.require_signature)
            .max_body_bytes(config.max_body_bytes)
            .field_formats(formats::field_formats(config)?);
        let issuer = issuer::Issuer::from_config(config)?;
        let license_proxy = match &config.license_proxy {
            Some(proxy) => Some(LicenseProxy::from_config(config, proxy, &issuer)?),
            None => None,
        };
        let parts = AppParts {
            verifier,
            guard: replay_guard(config)?,
            entitler: Arc::new(RuleSet::new(config.rules.clone())),
            issuer,
            viewer_auth,
            content_url_template: config.content_url_template.clone(),
            license_url: config.license_url.clone(),
            heartbeat_seconds: config.heartbeat_seconds,
            default_drm_type: default_drm_type(config)?,
            anonymous_user_id: config.anonymous_user_id.clone(),
            timeout: Duration::from_secs(config.request_timeout_seconds),
            renderings,
            metrics,
            shared_replay_store: config.redis_url.is_some(),
            license_proxy,
        };
        Ok(Self {
            parts,
            bind: config.bind.clone(),
            cors,
            limits: Limits {
                header_timeout: Duration::from_secs(config.header_timeout_seconds),
                idle_timeout: Duration::from_secs(config.idle_timeout_seconds),
                max_connections: config.max_connections,
                drain_timeout: Duration::from_secs(config.drain_timeout_seconds),
            },
        })
    }

    /// Replaces the configured rules with a custom decision.
    #[must_use]
    pub fn with_entitler(mut self, entitler: impl Entitler + 'static) -> Self {
        self.parts.entitler = Arc::new(entitler);
        self
    }

    /// Replaces the replay store.
    #[must_use]
    pub fn with_replay_guard(mut self, guard: impl ReplayGuard + 'static) -> Self {
        self.parts.guard = Arc::new(guard);
        self
    }

    /// The routes.
    fn router(self) -> (Router, Arc<Metrics>) {
        let metrics = self.parts.metrics.clone();
        let app = Arc::new(App::from(self.parts));
        let mut router = Router::new()
            .route("/tokenize", post(diva::handle))
            .route("/heartbeat", post(diva::handle))
            .route("/healthz", get(ops::healthz))
            .route("/readyz", get(ops::readyz))
            .route("/metrics", get(ops::metrics));
        if app.viewer_auth.is_some() {
            let mut token = Router::new().route("/api/drm/token", get(token_endpoint::handle));
            if let Some(cors) = &self.cors {
                token = token.layer(cors.clone());
            }
            router = router.merge(token);
        }
        if let Some(proxy) = license_proxy::routes(&app) {
            router = router.merge(proxy);
        }
        (router.with_state(app), metrics)
    }

    /// The server as a `tower::Service` for another HTTP stack (no connection limits: those
    /// belong to the stack that accepts the connections).
    pub fn into_service(self) -> HttpService {
        HttpService::new(self.router().0)
    }

    /// Binds the configured address and starts serving in the background. The returned handle
    /// knows the bound address (useful with port 0) and shuts the server down gracefully.
    pub async fn bind(self) -> Result<RunningServer, ConfigError> {
        let listener = tokio::net::TcpListener::bind(&self.bind)
            .await
            .map_err(|source| ConfigError::Bind {
                addr: self.bind.clone(),
                source,
            })?;
        self.serve_on(listener)
    }

    /// Starts serving on an already bound listener.
    pub fn serve_on(self, listener: tokio::net::TcpListener) -> Result<RunningServer, ConfigError> {
        let addr = listener::addr_of(&listener).map_err(|source| ConfigError::Bind {
            addr: self.bind.clone(),
            source,
        })?;
        let limits = self.limits;
        let (router, metrics) = self.router();
        let (phase, _) = watch::channel(Phase::Serve);
        let sender = phase.clone();
        let task = tokio::spawn(listener::run(listener, router, limits, sender, metrics));
        tracing::info!(addr = ?addr.to_string(), "server listening");
        Ok(RunningServer { addr, phase, task })
    }
}

/// A running server.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    phase: watch::Sender<Phase>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, lets in-flight requests finish (within
    /// `drain_timeout_seconds`), closes the rest, and waits for the server.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.phase.send_replace(Phase::Drain);
        match self.task.await {
            Ok(result) => result,
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }

    /// Serves until `signal` completes (e.g. SIGTERM), then shuts down gracefully.
    pub async fn shutdown_on(
        self,
        signal: impl std::future::Future<Output = ()>,
    ) -> std::io::Result<()> {
        signal.await;
        self.shutdown().await
    }
}

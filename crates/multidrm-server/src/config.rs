//! The server's TOML configuration: every key of the former `multidrm entitlement serve`
//! keeps its meaning; the connection limits, the field formats and the JWKS keys are new.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use drm_entitlement::{NumberType, RenderProfile, Rendering, Rule, SecretString, SharedSecret};

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The TOML is invalid or has unknown keys.
    #[error("invalid configuration: {0}")]
    Toml(String),
    /// A value is not acceptable.
    #[error("invalid configuration value {key}: {reason}")]
    Invalid {
        /// The key (dotted path).
        key: &'static str,
        /// Why (never the secret value).
        reason: String,
    },
    /// The listening socket could not be bound.
    #[error("cannot bind {addr}")]
    Bind {
        /// The address.
        addr: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn default_bind() -> String {
    "127.0.0.1:8080".into()
}
fn default_true() -> bool {
    true
}
fn default_heartbeat() -> u32 {
    30
}
fn default_max_body() -> usize {
    drm_entitlement::DEFAULT_MAX_BODY_BYTES
}
fn default_timeout() -> u64 {
    10
}
fn default_replay_window() -> u64 {
    drm_entitlement::replay::DEFAULT_REPLAY_WINDOW.as_secs()
}
fn default_replay_capacity() -> usize {
    drm_entitlement::replay::DEFAULT_REPLAY_CAPACITY
}
fn default_drm_type() -> String {
    "widevine".into()
}
fn default_anonymous_user() -> String {
    "LICENSETOKEN".into()
}
fn default_leeway() -> u64 {
    30
}
fn default_header_timeout() -> u64 {
    10
}
fn default_idle_timeout() -> u64 {
    60
}
fn default_max_connections() -> usize {
    DEFAULT_MAX_CONNECTIONS
}
fn default_drain_timeout() -> u64 {
    10
}
fn default_redis_timeout_ms() -> u64 {
    2000
}
fn default_video_id_pattern() -> String {
    DEFAULT_VIDEO_ID_PATTERN.into()
}
fn default_jwks_refresh() -> u64 {
    60
}

/// Default `max_connections`: concurrent connections beyond it wait in the listen backlog.
pub const DEFAULT_MAX_CONNECTIONS: usize = 4096;
/// Default `video_id_pattern` (the whole id must match).
pub const DEFAULT_VIDEO_ID_PATTERN: &str = "[A-Za-z0-9._-]{1,128}";

/// The configuration of `multidrm serve` / `multidrm entitlement serve` (see the crate README).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ServerConfig {
    /// `host:port` to listen on (port 0 picks a free port). Default `127.0.0.1:8080`.
    #[serde(default = "default_bind")]
    pub bind: String,
    /// The DIVA shared secret.
    pub secret: SharedSecret,
    /// Refuse unsigned requests (default `true`).
    #[serde(default = "default_true")]
    pub require_signature: bool,
    /// `HeartBeatTime` sent to players, in seconds (0: no heartbeat). Default 30.
    #[serde(default = "default_heartbeat")]
    pub heartbeat_seconds: u32,
    /// The `ContentUrl` returned by tokenize: `{video_id}` (percent-encoded) and `{drm_type}`
    /// are replaced.
    pub content_url_template: String,
    /// The `LicenseURL` returned by tokenize and the token endpoint.
    pub license_url: String,
    /// The license policy JSON for minted tokens, relative to the configuration file;
    /// `{"policy_version": 2}` when absent.
    #[serde(default)]
    pub policy_file: Option<PathBuf>,
    /// DoveRunner site credentials.
    pub doverunner: DoveRunnerConfig,
    /// Entitlement rules; a request is entitled when a rule matches its user and video.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// The plain token endpoint; absent = off.
    #[serde(default)]
    pub token_endpoint: Option<TokenEndpointConfig>,
    /// The token proxy (`POST /drm/{drm}`); absent = off.
    #[serde(default)]
    pub license_proxy: Option<crate::license_proxy::LicenseProxyConfig>,
    /// Largest request body in bytes (default 65536).
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// Time allowed to read a request and answer it, in seconds (default 10).
    #[serde(default = "default_timeout")]
    pub request_timeout_seconds: u64,
    /// How long a `Challenge` is remembered, in seconds (default 3600).
    #[serde(default = "default_replay_window")]
    pub replay_window_seconds: u64,
    /// Capacity of the in-memory replay store (default 100000).
    #[serde(default = "default_replay_capacity")]
    pub replay_capacity: usize,
    /// `redis://…` or `rediss://…` (TLS) URL of a shared replay store (instead of the
    /// in-memory one).
    #[serde(default)]
    pub redis_url: Option<SecretString>,
    /// Deadline of each Redis command and connection attempt, in milliseconds (default 2000).
    #[serde(default = "default_redis_timeout_ms")]
    pub redis_timeout_ms: u64,
    /// Time a client has to send a request's headers, in seconds (default 10).
    #[serde(default = "default_header_timeout")]
    pub header_timeout_seconds: u64,
    /// A connection without a request in flight is closed after this many seconds (default 60).
    #[serde(default = "default_idle_timeout")]
    pub idle_timeout_seconds: u64,
    /// Most connections served at once (default 4096); more wait in the listen backlog.
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// On SIGTERM, how long in-flight requests may take to finish, in seconds (default 10).
    #[serde(default = "default_drain_timeout")]
    pub drain_timeout_seconds: u64,
    /// Regular expression a DIVA `VideoId` must match as a whole (default
    /// `[A-Za-z0-9._-]{1,128}`), checked before the signature.
    #[serde(default = "default_video_id_pattern")]
    pub video_id_pattern: String,
    /// Accepted values of DIVA's closed-set fields (defaults in `drm_entitlement::formats`).
    #[serde(default)]
    pub diva_fields: DivaFieldsConfig,
    /// DRM type used when a DIVA request has an empty `DRMType` (default `widevine`).
    #[serde(default = "default_drm_type")]
    pub default_drm_type: String,
    /// License-token `user_id` for requests with an empty `User` (AuthType Open); default
    /// `LICENSETOKEN`, the DoveRunner docs' placeholder.
    #[serde(default = "default_anonymous_user")]
    pub anonymous_user_id: String,
    /// How to sign answers for a given `PlayerType` whose provider does not render lexically
    /// (e.g. `Android = { profile = "kotlin_gson_map" }`); other players get `lexical`.
    #[serde(default)]
    pub response_rendering: BTreeMap<String, ResponseRenderingConfig>,
    /// Directory that relative paths are resolved against (the configuration file's).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// Accepted values of DIVA's closed-set fields, compared case-insensitively; an empty field is
/// always accepted. An absent key keeps the default list.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DivaFieldsConfig {
    /// `VideoKind` values.
    #[serde(default)]
    pub video_kinds: Option<Vec<String>>,
    /// `PlayerType` values.
    #[serde(default)]
    pub player_types: Option<Vec<String>>,
    /// `VideoSourceFormat` values.
    #[serde(default)]
    pub video_source_formats: Option<Vec<String>>,
    /// `AuthType` values.
    #[serde(default)]
    pub auth_types: Option<Vec<String>>,
}

/// The rendering of one player platform's response check.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ResponseRenderingConfig {
    /// `lexical`, `js`, `swift_typed`, `swift_anyobject`, `kotlin_typed`, `kotlin_gson_map`,
    /// `python_str`.
    pub profile: String,
    /// Fields the platform's model declares as `Double` (e.g. `["HeartBeatTime"]`).
    #[serde(default)]
    pub double_fields: Vec<String>,
}

impl ResponseRenderingConfig {
    /// The rendering described.
    pub fn rendering(&self) -> Result<Rendering, ConfigError> {
        let profile: RenderProfile =
            self.profile
                .parse()
                .map_err(|e: drm_entitlement::ParseNameError| ConfigError::Invalid {
                    key: "response_rendering",
                    reason: e.to_string(),
                })?;
        let mut r = Rendering::new(profile);
        for f in &self.double_fields {
            r = r.declare(f.clone(), NumberType::Double);
        }
        Ok(r)
    }
}

/// DoveRunner site credentials (DoveRunner Console → Multi-DRM settings).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DoveRunnerConfig {
    /// Site id (4 characters).
    pub site_id: String,
    /// Site key (32 characters).
    pub site_key: SecretString,
    /// Access key.
    pub access_key: SecretString,
}

/// The plain token endpoint (`GET /api/drm/token`) and the viewer authentication every
/// viewer-facing route shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TokenEndpointConfig {
    /// HS256 secret of the viewers' bearer JWTs (exactly one of this, the RS256 key file and
    /// `jwks_url`).
    #[serde(default)]
    pub jwt_hs256_secret: Option<SecretString>,
    /// PEM file with the RSA public key of RS256 bearer JWTs (relative to the configuration).
    #[serde(default)]
    pub jwt_rs256_public_key_file: Option<PathBuf>,
    /// URL of the identity provider's JWKS (RS256 and ES256 keys, chosen by `kid`).
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Shortest time between two JWKS downloads triggered by an unknown `kid`, in seconds
    /// (default 60).
    #[serde(default = "default_jwks_refresh")]
    pub jwks_refresh_seconds: u64,
    /// Origins allowed by CORS (browser players); empty = no CORS headers.
    #[serde(default)]
    pub cors_origins: Vec<String>,
    /// Clock leeway for `exp` and `nbf`, in seconds (default 30).
    #[serde(default = "default_leeway")]
    pub leeway_seconds: u64,
    /// Required `aud` claim: a token without it, with `null` or another type is refused.
    #[serde(default)]
    pub audience: Option<String>,
    /// Required `iss` claim: a token without it, with `null` or another type is refused.
    #[serde(default)]
    pub issuer: Option<String>,
}

impl ServerConfig {
    /// Parses a TOML document; relative paths resolve against `base_dir`.
    pub fn from_toml(text: &str, base_dir: impl Into<PathBuf>) -> Result<Self, ConfigError> {
        let mut config: ServerConfig =
            toml::from_str(text).map_err(|e| ConfigError::Toml(e.message().to_owned()))?;
        config.base_dir = base_dir.into();
        config.check()?;
        Ok(config)
    }

    /// Reads and parses a TOML file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::from_toml(&text, base)
    }

    /// `path` resolved against the configuration's directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_owned()
        } else {
            self.base_dir.join(path)
        }
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.secret.is_empty() {
            return Err(ConfigError::Invalid {
                key: "secret",
                reason: "must not be empty".into(),
            });
        }
        for (key, value) in [
            ("license_url", self.license_url.as_str()),
            (
                "content_url_template",
                &self
                    .content_url_template
                    .replace("{video_id}", "v")
                    .replace("{drm_type}", "widevine"),
            ),
        ] {
            let parsed = url::Url::parse(value).map_err(|e| ConfigError::Invalid {
                key,
                reason: format!("not a URL ({e})"),
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ConfigError::Invalid {
                    key,
                    reason: "must be an http or https URL".into(),
                });
            }
        }
        if self.max_body_bytes < 256 {
            return Err(ConfigError::Invalid {
                key: "max_body_bytes",
                reason: "must be at least 256".into(),
            });
        }
        if self.request_timeout_seconds == 0 {
            return Err(ConfigError::Invalid {
                key: "request_timeout_seconds",
                reason: "must be at least 1".into(),
            });
        }
        if self.anonymous_user_id.is_empty() {
            return Err(ConfigError::Invalid {
                key: "anonymous_user_id",
                reason: "must not be empty".into(),
            });
        }
        for r in self.response_rendering.values() {
            r.rendering()?;
        }
        self.check_limits()?;
        if let Some(t) = &self.token_endpoint {
            t.check()?;
        }
        Ok(())
    }
}

fn at_least_one(key: &'static str, value: u64) -> Result<(), ConfigError> {
    if value == 0 {
        return Err(ConfigError::Invalid {
            key,
            reason: "must be at least 1".into(),
        });
    }
    Ok(())
}

impl ServerConfig {
    fn check_limits(&self) -> Result<(), ConfigError> {
        if self.replay_window_seconds == 0 {
            return Err(ConfigError::Invalid {
                key: "replay_window_seconds",
                reason: "must be at least 1 (0 would turn replay protection off)".into(),
            });
        }
        at_least_one("replay_capacity", self.replay_capacity as u64)?;
        at_least_one("redis_timeout_ms", self.redis_timeout_ms)?;
        at_least_one("header_timeout_seconds", self.header_timeout_seconds)?;
        at_least_one("idle_timeout_seconds", self.idle_timeout_seconds)?;
        at_least_one("max_connections", self.max_connections as u64)?;
        at_least_one("drain_timeout_seconds", self.drain_timeout_seconds)?;
        if self.max_connections > u32::MAX as usize >> 4 {
            return Err(ConfigError::Invalid {
                key: "max_connections",
                reason: "is unreasonably large".into(),
            });
        }
        crate::formats::video_id_regex(&self.video_id_pattern)?;
        Ok(())
    }
}

impl TokenEndpointConfig {
    fn check(&self) -> Result<(), ConfigError> {
        let sources = [
            self.jwt_hs256_secret.is_some(),
            self.jwt_rs256_public_key_file.is_some(),
            self.jwks_url.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() != 1 {
            return Err(ConfigError::Invalid {
                key: "token_endpoint",
                reason:
                    "set exactly one of jwt_hs256_secret, jwt_rs256_public_key_file and jwks_url"
                        .into(),
            });
        }
        if let Some(s) = &self.jwt_hs256_secret {
            if s.expose_secret().len() < 16 {
                return Err(ConfigError::Invalid {
                    key: "token_endpoint.jwt_hs256_secret",
                    reason: "must be at least 16 bytes".into(),
                });
            }
        }
        if let Some(url) = &self.jwks_url {
            let parsed = url::Url::parse(url).map_err(|e| ConfigError::Invalid {
                key: "token_endpoint.jwks_url",
                reason: format!("not a URL ({e})"),
            })?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(ConfigError::Invalid {
                    key: "token_endpoint.jwks_url",
                    reason: "must be an http or https URL".into(),
                });
            }
        }
        at_least_one(
            "token_endpoint.jwks_refresh_seconds",
            self.jwks_refresh_seconds,
        )
    }
}

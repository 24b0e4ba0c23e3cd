//! The token proxy (`[license_proxy]`, spec `license.md` §7.2): a player posts its CDM's
//! challenge to `POST /drm/{drm}?content_id=C` with its own credentials (`Authorization: Bearer
//! <JWT>`, the server's shared viewer authentication); the proxy decides `user_id` and `cid`
//! itself (JWT `sub` + entitlement rules), mints a fresh license token for that one request,
//! forwards the challenge byte for byte and hands the license back — or a JSON error with a
//! status the player can act on.
//!
//! Routes: `POST /drm/{widevine|playready|fairplay|ncg|wiseplay|clearkey}?content_id=C`,
//! `GET /drm/ncg?mode=getserverinfo`, `GET /drm/fairplay/cert` (base64 text),
//! `GET /drm/fairplay/cert.der` (DER), `GET /drm/widevine/cert`, and the official samples'
//! `GET|POST /fpsKeyManager`, `GET|POST /fpsCert`.

mod answer;
mod config;
mod upstream;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use axum::routing::{get, post};
use drm_entitlement::{Channel, EntitlementQuery};
use drm_license::{ClientMeta, Drm, LicenseToken, ResponseFormat};
use drm_token::{PreparedPolicy, TokenRequest};
use serde::Deserialize;

pub use config::{FormatConfig, LicenseProxyConfig, NcpUpstreamConfig, UpstreamKind};

use crate::app::App;
use crate::config::{ConfigError, ServerConfig};
use crate::http::error;
use crate::issuer::Issuer;
use crate::viewer::{self, Step, authenticate, refuse};
use upstream::{Certificate, Failure, LicenseCall, Upstream};

/// Longest `content_id`.
const MAX_CONTENT_ID_CHARS: usize = drm_entitlement::MAX_VIDEO_ID_CHARS;

/// The proxy's part of the server state.
#[derive(Debug)]
pub(crate) struct LicenseProxy {
    upstream: Upstream,
    upstream_format: ResponseFormat,
    json_player: bool,
    max_challenge: usize,
    policy: Option<PreparedPolicy>,
    content_policies: HashMap<String, PreparedPolicy>,
    cors: Option<tower_http::cors::CorsLayer>,
}

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

fn read_policy(
    config: &ServerConfig,
    issuer: &Issuer,
    path: &std::path::Path,
) -> Result<PreparedPolicy, ConfigError> {
    let path = config.resolve(path);
    let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
        path: path.clone(),
        source,
    })?;
    issuer
        .prepare(&text)
        .map_err(|e| invalid("license_proxy.policy_file", e.to_string()))
}

impl LicenseProxy {
    /// The proxy of `config.license_proxy` (checked; policies prepared once).
    pub(crate) fn from_config(
        config: &ServerConfig,
        proxy: &LicenseProxyConfig,
        issuer: &Issuer,
    ) -> Result<Self, ConfigError> {
        if config.token_endpoint.is_none() {
            return Err(invalid(
                "license_proxy",
                "the proxy authenticates viewers with the [token_endpoint] JWT settings; add them",
            ));
        }
        let json_player = proxy.player_response_format == FormatConfig::Json;
        if json_player && proxy.upstream_response_format != FormatConfig::Json {
            return Err(invalid(
                "license_proxy.player_response_format",
                "\"json\" needs upstream_response_format = \"json\"",
            ));
        }
        if json_player && proxy.upstream == UpstreamKind::Ncp {
            return Err(invalid(
                "license_proxy.player_response_format",
                "\"json\" is not supported with upstream = \"ncp\"",
            ));
        }
        let policy = match &proxy.policy_file {
            Some(path) => Some(read_policy(config, issuer, path)?),
            None => None,
        };
        let mut content_policies = HashMap::new();
        for (cid, path) in &proxy.content_policy_files {
            content_policies.insert(cid.clone(), read_policy(config, issuer, path)?);
        }
        let cors_origins = proxy.cors_origins.clone().unwrap_or_else(|| {
            config
                .token_endpoint
                .as_ref()
                .map(|t| t.cors_origins.clone())
                .unwrap_or_default()
        });
        Ok(Self {
            upstream: Upstream::from_config(proxy)?,
            upstream_format: match proxy.upstream_response_format {
                FormatConfig::Original => ResponseFormat::Original,
                FormatConfig::Json => ResponseFormat::Json,
            },
            json_player,
            max_challenge: proxy.max_challenge_bytes,
            policy,
            content_policies,
            cors: cors_layer(&cors_origins)?,
        })
    }
}

/// The CORS layer of the proxy's routes: the configured origins, `POST, GET, OPTIONS`, and every
/// header a player sends (`Authorization`, `Content-Type`, `pallycon-client-meta`).
fn cors_layer(origins: &[String]) -> Result<Option<tower_http::cors::CorsLayer>, ConfigError> {
    if origins.is_empty() {
        return Ok(None);
    }
    let mut allowed = Vec::with_capacity(origins.len());
    for origin in origins {
        allowed.push(HeaderValue::from_str(origin).map_err(|_| {
            invalid(
                "license_proxy.cors_origins",
                format!("{origin:?} is not a valid origin"),
            )
        })?);
    }
    Ok(Some(
        tower_http::cors::CorsLayer::new()
            .allow_origin(allowed)
            .allow_methods([Method::POST, Method::GET, Method::OPTIONS])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::HeaderName::from_static(drm_license::CLIENT_META_HEADER),
            ])
            .max_age(std::time::Duration::from_secs(600)),
    ))
}

/// The proxy's routes (none when `[license_proxy]` is absent).
pub(crate) fn routes(app: &App) -> Option<Router<Arc<App>>> {
    let proxy = app.license_proxy.as_ref()?;
    let mut router = Router::new()
        .route("/drm/ncg", get(ncg_server_info).post(ncg_license))
        .route("/drm/{drm}", post(license))
        .route("/drm/fairplay/cert", get(fairplay_base64))
        .route("/drm/fairplay/cert.der", get(fairplay_der))
        .route("/drm/widevine/cert", get(widevine_cert))
        .route("/fpsKeyManager", get(fairplay_base64).post(fairplay_base64))
        .route("/fpsCert", get(fairplay_der).post(fairplay_der));
    if let Some(cors) = &proxy.cors {
        router = router.layer(cors.clone());
    }
    Some(router)
}

/// Query parameters of the proxy's routes.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProxyQuery {
    content_id: Option<String>,
    mode: Option<String>,
}

/// Counts and logs one answer.
fn finish(app: &App, drm: Drm, started: Instant, response: Response, server_code: u32) -> Response {
    let status = response.status().as_u16();
    let seconds = started.elapsed().as_secs_f64();
    app.metrics
        .license_answered(drm.as_str(), status, server_code, seconds);
    tracing::info!(
        drm = drm.as_str(),
        status,
        server_code,
        "license proxy answered"
    );
    response
}

fn proxy_of(app: &App) -> Step<&LicenseProxy> {
    app.license_proxy
        .as_ref()
        .ok_or_else(|| refuse(404, "not_found", "the license proxy is off"))
}

async fn license(
    State(app): State<Arc<App>>,
    Path(drm): Path<String>,
    query: Result<Query<ProxyQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let Ok(drm) = drm.parse::<Drm>() else {
        return error(
            404,
            "unknown_drm",
            "expected /drm/widevine, playready, fairplay, ncg, wiseplay or clearkey",
        );
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let (response, code) = match serve_license(&app, drm, &query, &headers, body).await {
        Ok(r) => (r, 0),
        Err((r, code)) => (r, code),
    };
    finish(&app, drm, started, response, code)
}

async fn ncg_license(
    State(app): State<Arc<App>>,
    query: Result<Query<ProxyQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let query = query.map(|Query(q)| q).unwrap_or_default();
    if query.mode.is_some() {
        // The official Java proxy: getserverinfo is a GET; POST with a mode is refused.
        let r = error(
            405,
            "method_not_allowed",
            "mode=getserverinfo is a GET request",
        );
        return finish(&app, Drm::Ncg, started, r, 0);
    }
    let (response, code) = match serve_license(&app, Drm::Ncg, &query, &headers, body).await {
        Ok(r) => (r, 0),
        Err((r, code)) => (r, code),
    };
    finish(&app, Drm::Ncg, started, response, code)
}

/// A failed step and the license-server code behind it (0 when none).
type Refusal = (Response, u32);

async fn serve_license(
    app: &App,
    drm: Drm,
    query: &ProxyQuery,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, Refusal> {
    let no_code = |r: Box<Response>| (*r, 0);
    let proxy = proxy_of(app).map_err(no_code)?;
    let user = authenticate(app, headers).await.map_err(no_code)?;
    let content_id = content_id(query).map_err(no_code)?;
    let user = entitle(app, user, &content_id, drm, None)
        .await
        .map_err(no_code)?;
    let challenge = read_challenge(proxy, drm, body).await.map_err(no_code)?;
    let meta = client_meta(headers).map_err(no_code)?;
    let upstream_started = Instant::now();
    let outcome = if drm == Drm::ClearKey {
        proxy
            .upstream
            .clearkey(app.issuer.site_id(), &content_id)
            .await
    } else {
        let call = LicenseCall {
            drm,
            challenge: &challenge,
            client_meta: meta.as_ref(),
            format: proxy.upstream_format,
            user_id: &user,
            content_id: &content_id,
        };
        let token = mint(app, proxy, drm, &user, &content_id).map_err(no_code)?;
        proxy.upstream.license(call, token.as_ref()).await
    };
    app.metrics
        .license_upstream(drm.as_str(), upstream_started.elapsed().as_secs_f64());
    let answer = outcome.map_err(|f| refused(app, drm, &f))?;
    if let Some(device_id) = answer
        .license
        .details()
        .and_then(|d| d.device_info.as_ref())
        .and_then(|d| d.device_id.clone())
    {
        entitle(app, user, &content_id, drm, Some(device_id))
            .await
            .map_err(no_code)?;
    }
    Ok(answer::license(drm, answer, proxy.json_player))
}

/// The answer to an upstream failure, logged (without bodies) and counted.
fn refused(app: &App, drm: Drm, failure: &Failure) -> Refusal {
    let code = answer::server_code_label(failure);
    match failure {
        Failure::Transport(e) => {
            app.metrics.upstream_error("license_server");
            tracing::warn!(
                drm = drm.as_str(),
                attempts = e.attempts(),
                error = ?e.to_string(),
                "license server unreachable"
            );
        }
        Failure::Response(e) => {
            tracing::info!(drm = drm.as_str(), error = ?e.to_string(), "license server refused");
        }
        _ => {}
    }
    (answer::failure(failure), code)
}

fn content_id(query: &ProxyQuery) -> Step<String> {
    let id = query.content_id.clone().unwrap_or_default();
    if id.is_empty()
        || id.chars().count() > MAX_CONTENT_ID_CHARS
        || id.chars().any(char::is_control)
    {
        return Err(refuse(
            400,
            "invalid_request",
            "content_id is required (at most 512 characters, no control characters)",
        ));
    }
    Ok(id)
}

/// The license user the entitler allows (`device_id` set on the second look, after a `json`
/// answer carried `device_info`), or 403/503.
async fn entitle(
    app: &App,
    user: String,
    content_id: &str,
    drm: Drm,
    device_id: Option<String>,
) -> Step<String> {
    let channel = if device_id.is_some() {
        Channel::LicenseDevice
    } else {
        Channel::LicenseProxy
    };
    let mut query = EntitlementQuery::new(user, content_id, drm.as_str(), channel);
    query.device_id = device_id;
    viewer::entitle(app, &query).await
}

/// The challenge, read up to the limit (plus one byte) within the request deadline.
async fn read_challenge(proxy: &LicenseProxy, drm: Drm, body: Body) -> Step<Vec<u8>> {
    let bytes = axum::body::to_bytes(body, proxy.max_challenge)
        .await
        .map_err(|_| {
            refuse(
                413,
                "challenge_too_large",
                &format!("the challenge exceeds {} bytes", proxy.max_challenge),
            )
        })?;
    if bytes.is_empty() && drm != Drm::ClearKey {
        return Err(refuse(
            400,
            "invalid_request",
            "the request body (the CDM challenge) is empty",
        ));
    }
    Ok(bytes.to_vec())
}

/// The player's `pallycon-client-meta`, forwarded unchanged when it is well formed.
fn client_meta(headers: &HeaderMap) -> Step<Option<ClientMeta>> {
    let Some(value) = headers.get(drm_license::CLIENT_META_HEADER) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| refuse(400, "invalid_request", "pallycon-client-meta is not text"))?;
    ClientMeta::from_header_value(text).map(Some).map_err(|e| {
        refuse(
            400,
            "invalid_request",
            &format!("pallycon-client-meta: {e}"),
        )
    })
}

/// A fresh license token for this one request (DoveRunner upstream only).
fn mint(
    app: &App,
    proxy: &LicenseProxy,
    drm: Drm,
    user: &str,
    content_id: &str,
) -> Step<Option<LicenseToken>> {
    let (true, Some(drm_type)) = (proxy.upstream.wants_token(), drm.token_type()) else {
        return Ok(None);
    };
    let policy = proxy
        .content_policies
        .get(content_id)
        .or(proxy.policy.as_ref());
    let request =
        TokenRequest::new(drm_type, user, content_id).response_format(proxy.upstream_format);
    match app.issuer.mint_request(request, policy) {
        Ok(minted) => Ok(Some(LicenseToken::new(minted.token.as_str()))),
        Err(e) => {
            tracing::warn!(error = ?e.to_string(), "cannot mint a license token");
            Err(refuse(
                400,
                "invalid_request",
                "cannot issue a license token for this user and content",
            ))
        }
    }
}

async fn ncg_server_info(
    State(app): State<Arc<App>>,
    query: Result<Query<ProxyQuery>, QueryRejection>,
) -> Response {
    let started = Instant::now();
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let response = match (proxy_of(&app), query.mode.as_deref()) {
        (Err(r), _) => *r,
        (Ok(proxy), Some("getserverinfo")) => match proxy.upstream.ncg_server_info().await {
            Ok(body) => answer::bytes_response("application/octet-stream", body),
            Err(f) => refused(&app, Drm::Ncg, &f).0,
        },
        (Ok(_), _) => error(
            405,
            "method_not_allowed",
            "GET /drm/ncg takes mode=getserverinfo; licenses are POSTed",
        ),
    };
    finish(&app, Drm::Ncg, started, response, 0)
}

async fn certificate(app: &App, drm: Drm, which: Certificate) -> Response {
    let started = Instant::now();
    let response = match proxy_of(app) {
        Err(r) => *r,
        Ok(proxy) => match proxy
            .upstream
            .certificate(which, app.issuer.site_id())
            .await
        {
            Ok(bytes) => certificate_response(which, bytes),
            Err(f) => refused(app, drm, &f).0,
        },
    };
    finish(app, drm, started, response, 0)
}

fn certificate_response(which: Certificate, bytes: Vec<u8>) -> Response {
    match which {
        Certificate::FairPlayBase64 => answer::bytes_response("text/plain; charset=utf-8", bytes),
        Certificate::Widevine => answer::bytes_response("application/octet-stream", bytes),
        Certificate::FairPlayDer => {
            let mut r = answer::bytes_response("application/x-x509-ca-cert", bytes);
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=cert_license_fps_com.der"),
            );
            r
        }
    }
}

async fn fairplay_base64(State(app): State<Arc<App>>) -> Response {
    certificate(&app, Drm::FairPlay, Certificate::FairPlayBase64).await
}

async fn fairplay_der(State(app): State<Arc<App>>) -> Response {
    certificate(&app, Drm::FairPlay, Certificate::FairPlayDer).await
}

async fn widevine_cert(State(app): State<Arc<App>>) -> Response {
    certificate(&app, Drm::Widevine, Certificate::Widevine).await
}

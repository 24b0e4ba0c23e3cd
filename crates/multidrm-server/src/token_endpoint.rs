//! `GET /api/drm/token?content_id=…&drm_type=…`: the plain token endpoint of the "recommended
//! backend pattern" for players that are not DIVA (Shaka Player, video.js, native SDKs).
//!
//! The viewer authenticates through the shared viewer authentication ([`crate::auth`]); `sub`
//! is the user id. The same entitlement rules decide; the answer is
//! `{"token", "license_url", "header_name", "expires_at"}`. Errors are JSON:
//! `{"error": "<code>", "message": "…"}` with 400, 401 (plus `WWW-Authenticate: Bearer`),
//! 403 or 503.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Query, State, rejection::QueryRejection};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::Response;
use drm_entitlement::{Channel, EntitlementQuery};
use drm_token::DrmType;
use serde::Deserialize;

use crate::app::App;
use crate::config::{ConfigError, TokenEndpointConfig};
use crate::http::json_response;
use crate::issuer::{expires_at, parse_drm_type};
use crate::viewer::{Step, authenticate, entitle, refuse};

/// Longest `content_id`.
const MAX_CONTENT_ID_CHARS: usize = drm_entitlement::MAX_VIDEO_ID_CHARS;

/// The CORS layer for the configured origins (`None` when the list is empty).
pub(crate) fn cors_layer(
    endpoint: &TokenEndpointConfig,
) -> Result<Option<tower_http::cors::CorsLayer>, ConfigError> {
    if endpoint.cors_origins.is_empty() {
        return Ok(None);
    }
    let mut origins = Vec::with_capacity(endpoint.cors_origins.len());
    for origin in &endpoint.cors_origins {
        origins.push(
            HeaderValue::from_str(origin).map_err(|_| ConfigError::Invalid {
                key: "token_endpoint.cors_origins",
                reason: format!("{origin:?} is not a valid origin"),
            })?,
        );
    }
    Ok(Some(
        tower_http::cors::CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET])
            .allow_headers([header::AUTHORIZATION])
            .max_age(std::time::Duration::from_secs(600)),
    ))
}

/// Query parameters.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    content_id: Option<String>,
    drm_type: Option<String>,
}

/// The handler.
pub(crate) async fn handle(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Response {
    let started = Instant::now();
    let response = match answer(&app, &headers, query).await {
        Ok(r) => r,
        Err(r) => *r,
    };
    let status = response.status().as_u16();
    app.metrics
        .answered("token", u32::from(status), started.elapsed().as_secs_f64());
    tracing::info!(status, "token endpoint answered");
    response
}

async fn answer(
    app: &App,
    headers: &HeaderMap,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Step<Response> {
    let user = authenticate(app, headers).await?;
    let (content_id, drm_type) = parse_query(app, query)?;
    let query = EntitlementQuery::new(
        user,
        content_id.as_str(),
        drm_type.lower_name(),
        Channel::TokenEndpoint,
    );
    let license_user = entitle(app, &query).await?;
    mint(app, drm_type, &license_user, &content_id)
}

/// `content_id` and `drm_type`, or 400.
fn parse_query(
    app: &App,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Step<(String, DrmType)> {
    let Ok(Query(q)) = query else {
        return Err(refuse(400, "invalid_request", "invalid query string"));
    };
    let content_id = q.content_id.unwrap_or_default();
    if content_id.is_empty()
        || content_id.chars().count() > MAX_CONTENT_ID_CHARS
        || content_id.chars().any(char::is_control)
    {
        return Err(refuse(
            400,
            "invalid_request",
            "content_id is required (at most 512 characters, no control characters)",
        ));
    }
    let drm_text = q.drm_type.unwrap_or_default();
    let Some(drm_type) = parse_drm_type(&drm_text, app.default_drm_type) else {
        return Err(refuse(
            400,
            "invalid_request",
            "drm_type must be widevine, playready, fairplay, ncg or wiseplay",
        ));
    };
    Ok((content_id, drm_type))
}

/// The minted token as the JSON answer, or 400/503.
fn mint(app: &App, drm_type: DrmType, user: &str, content_id: &str) -> Step<Response> {
    match app.issuer.mint(drm_type, user, content_id) {
        Ok(minted) => {
            let body = serde_json::json!({
                "token": minted.token.as_str(),
                "license_url": app.license_url,
                "header_name": drm_token::PALLYCON_CUSTOMDATA_HEADER,
                "expires_at": expires_at(minted.timestamp),
            })
            .to_string();
            Ok(json_response(200, body))
        }
        Err(e) if e.code().is_some() => {
            tracing::warn!(error = ?e.to_string(), "cannot mint a license token");
            Err(refuse(
                400,
                "invalid_request",
                "cannot issue a license token for this user and content",
            ))
        }
        Err(e) => {
            app.metrics.upstream_error("minting");
            tracing::warn!(error = ?e.to_string(), "cannot mint a license token");
            Err(refuse(
                503,
                "unavailable",
                "cannot issue a license token now",
            ))
        }
    }
}

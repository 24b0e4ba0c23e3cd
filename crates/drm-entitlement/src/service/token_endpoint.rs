//! `GET /api/drm/token?content_id=…&drm_type=…`: the plain token endpoint of the "recommended
//! backend pattern" for players that are not DIVA (Shaka Player, video.js, native SDKs).
//!
//! The viewer authenticates with `Authorization: Bearer <JWT>` (HS256 with a shared secret or
//! RS256 with a public key; `sub` is the user id; `exp` is required and enforced). The same
//! entitlement rules decide; the answer is
//! `{"token", "license_url", "header_name", "expires_at"}`. Errors are JSON:
//! `{"error": "<code>", "message": "…"}` with 400, 401 (plus `WWW-Authenticate: Bearer`),
//! 403 or 503.

use std::sync::Arc;

use axum::extract::{Query, State, rejection::QueryRejection};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::Shared;
use super::config::{ConfigError, ServiceConfig, TokenEndpointConfig};
use super::issuer::{expires_at, parse_drm_type};
use crate::entitler::{Channel, Decision, EntitlementQuery};

/// Longest bearer token accepted.
const MAX_JWT_BYTES: usize = 8 * 1024;

/// Bearer JWT verification.
#[derive(Clone)]
pub(crate) struct JwtAuth {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtAuth")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
}

/// Why a bearer token was refused (the JSON `error` code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthFailure {
    Missing,
    Expired,
    Invalid,
}

impl JwtAuth {
    pub(crate) fn from_config(
        config: &ServiceConfig,
        endpoint: &TokenEndpointConfig,
    ) -> Result<Self, ConfigError> {
        let (key, alg) = match (
            &endpoint.jwt_hs256_secret,
            &endpoint.jwt_rs256_public_key_file,
        ) {
            (Some(secret), None) => (
                DecodingKey::from_secret(secret.expose_secret().as_bytes()),
                Algorithm::HS256,
            ),
            (None, Some(path)) => {
                let path = config.resolve(path);
                let pem = std::fs::read(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                let key = DecodingKey::from_rsa_pem(&pem).map_err(|e| ConfigError::Invalid {
                    key: "token_endpoint.jwt_rs256_public_key_file",
                    reason: format!("not an RSA public key in PEM ({e})"),
                })?;
                (key, Algorithm::RS256)
            }
            _ => {
                return Err(ConfigError::Invalid {
                    key: "token_endpoint",
                    reason: "set exactly one of jwt_hs256_secret and jwt_rs256_public_key_file"
                        .into(),
                });
            }
        };
        let mut validation = Validation::new(alg);
        validation.leeway = endpoint.leeway_seconds;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        match &endpoint.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        if let Some(iss) = &endpoint.issuer {
            validation.set_issuer(&[iss]);
        }
        Ok(Self { key, validation })
    }

    fn user(&self, headers: &HeaderMap) -> Result<String, AuthFailure> {
        let value = headers
            .get(header::AUTHORIZATION)
            .ok_or(AuthFailure::Missing)?
            .to_str()
            .map_err(|_| AuthFailure::Invalid)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(AuthFailure::Invalid)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthFailure::Missing);
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthFailure::Missing);
        }
        if token.len() > MAX_JWT_BYTES {
            return Err(AuthFailure::Invalid);
        }
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).map_err(
            |e| match e.kind() {
                ErrorKind::ExpiredSignature => AuthFailure::Expired,
                _ => AuthFailure::Invalid,
            },
        )?;
        if data.claims.sub.is_empty() {
            return Err(AuthFailure::Invalid);
        }
        Ok(data.claims.sub)
    }
}

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

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": code, "message": message }).to_string();
    let mut resp = (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    resp
}

/// The handler.
pub(crate) async fn handle(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Response {
    let response = answer(&state, &headers, query).await;
    tracing::info!(
        status = response.status().as_u16(),
        "token endpoint answered"
    );
    response
}

async fn answer(
    state: &Shared,
    headers: &HeaderMap,
    query: Result<Query<TokenQuery>, QueryRejection>,
) -> Response {
    let Some(auth) = state.jwt.as_ref() else {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            "the token endpoint is off",
        );
    };
    let user = match auth.user(headers) {
        Ok(u) => u,
        Err(AuthFailure::Missing) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "missing_token",
                "send Authorization: Bearer <JWT>",
            );
        }
        Err(AuthFailure::Expired) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "expired_token",
                "the JWT has expired",
            );
        }
        Err(AuthFailure::Invalid) => {
            return error(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                "the JWT is not valid for this service",
            );
        }
    };
    let Ok(Query(q)) = query else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "invalid query string",
        );
    };
    let content_id = q.content_id.unwrap_or_default();
    if content_id.is_empty()
        || content_id.len() > crate::request::MAX_VIDEO_ID_CHARS
        || content_id.chars().any(char::is_control)
    {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "content_id is required (at most 512 characters, no control characters)",
        );
    }
    let drm_text = q.drm_type.unwrap_or_default();
    let Some(drm_type) = parse_drm_type(&drm_text, state.default_drm_type) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "drm_type must be widevine, playready, fairplay, ncg or wiseplay",
        );
    };
    let query = EntitlementQuery::new(
        user.clone(),
        content_id.clone(),
        drm_type.lower_name(),
        Channel::TokenEndpoint,
    );
    let decided = tokio::time::timeout(state.timeout, state.entitler.decide(&query)).await;
    let license_user = match decided {
        Ok(Decision::Allow) => user,
        Ok(Decision::AllowAs { user_id }) => user_id,
        Ok(Decision::Deny { code, message }) => {
            tracing::info!(content_id = %content_id, code, "not entitled");
            return error(StatusCode::FORBIDDEN, "not_entitled", &message);
        }
        Err(_) => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the entitlement decision timed out",
            );
        }
    };
    match state.issuer.mint(drm_type, &license_user, &content_id) {
        Ok(minted) => {
            let body = serde_json::json!({
                "token": minted.token.as_str(),
                "license_url": state.license_url,
                "header_name": drm_token::PALLYCON_CUSTOMDATA_HEADER,
                "expires_at": expires_at(minted.timestamp),
            })
            .to_string();
            (
                StatusCode::OK,
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                body,
            )
                .into_response()
        }
        Err(e) if e.code().is_some() => {
            tracing::warn!(error = %e, "cannot mint a license token");
            error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "cannot issue a license token for this user and content",
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot mint a license token");
            error(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "cannot issue a license token now",
            )
        }
    }
}

//! Viewer authentication shared by every viewer-facing route (the token endpoint today, the
//! license proxy next): `Authorization: Bearer <JWT>`, HS256 with a shared secret, RS256 with a
//! public key file, or RS256/ES256 keys from a JWKS URL.
//!
//! The signature is checked by `jsonwebtoken`; the header and the claims are checked here, by
//! hand, so that nothing of an unexpected type is skipped: an unknown `crit` header is refused,
//! `exp` is required, `exp`/`nbf`/`iat` must be numbers, a configured `aud`/`iss` must be
//! present with the right type and value, and `sub` must be a non-empty string without control
//! characters.

mod claims;
mod jwks;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, header};
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::config::{ConfigError, ServerConfig, TokenEndpointConfig};
use crate::metrics::Metrics;

/// Longest bearer token accepted.
const MAX_JWT_BYTES: usize = 8 * 1024;

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// No bearer token.
    Missing,
    /// `exp` is past.
    Expired,
    /// Anything else (the text is for logs; it never holds token content).
    Invalid(&'static str),
}

/// Where verification keys come from.
enum Keys {
    Static(DecodingKey, Algorithm),
    Jwks(jwks::Jwks),
}

/// The authenticated viewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Viewer {
    /// `sub`.
    pub(crate) user_id: String,
}

/// Bearer JWT verification.
pub(crate) struct ViewerAuth {
    keys: Keys,
    rules: claims::ClaimRules,
}

impl std::fmt::Debug for ViewerAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewerAuth").finish_non_exhaustive()
    }
}

fn static_key(
    config: &ServerConfig,
    endpoint: &TokenEndpointConfig,
) -> Result<Option<(DecodingKey, Algorithm)>, ConfigError> {
    if let Some(secret) = &endpoint.jwt_hs256_secret {
        let key = DecodingKey::from_secret(secret.expose_secret().as_bytes());
        return Ok(Some((key, Algorithm::HS256)));
    }
    let Some(path) = &endpoint.jwt_rs256_public_key_file else {
        return Ok(None);
    };
    let path = config.resolve(path);
    let pem = std::fs::read(&path).map_err(|source| ConfigError::Read {
        path: path.clone(),
        source,
    })?;
    let key = DecodingKey::from_rsa_pem(&pem).map_err(|e| ConfigError::Invalid {
        key: "token_endpoint.jwt_rs256_public_key_file",
        reason: format!("not an RSA public key in PEM ({e})"),
    })?;
    Ok(Some((key, Algorithm::RS256)))
}

/// The `alg` and `kid` of a JWT header, refusing a `crit` header (no extension is understood).
fn read_header(token: &str) -> Result<(String, Option<String>), AuthFailure> {
    let bad = AuthFailure::Invalid("malformed JWT header");
    let first = token.split('.').next().ok_or(bad)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(first)
        .map_err(|_| bad)?;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes).map_err(|_| bad)?;
    if header.contains_key("crit") {
        return Err(AuthFailure::Invalid("the JWT has a crit header"));
    }
    let alg = header.get("alg").and_then(|v| v.as_str()).ok_or(bad)?;
    let kid = match header.get("kid") {
        None => None,
        Some(serde_json::Value::String(k)) => Some(k.clone()),
        Some(_) => return Err(bad),
    };
    Ok((alg.to_owned(), kid))
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Result<&str, AuthFailure> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(AuthFailure::Missing)?
        .to_str()
        .map_err(|_| AuthFailure::Invalid("Authorization is not text"))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or(AuthFailure::Invalid("Authorization is not a bearer token"))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthFailure::Missing);
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(AuthFailure::Missing);
    }
    if token.len() > MAX_JWT_BYTES {
        return Err(AuthFailure::Invalid("the JWT is too long"));
    }
    Ok(token)
}

/// A validation that checks the signature and the algorithm only (claims: [`claims`]).
fn signature_only(alg: Algorithm) -> Validation {
    let mut v = Validation::new(alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    v
}

impl ViewerAuth {
    pub(crate) fn from_config(
        config: &ServerConfig,
        endpoint: &TokenEndpointConfig,
        metrics: Arc<Metrics>,
    ) -> Result<Self, ConfigError> {
        let keys = match (static_key(config, endpoint)?, &endpoint.jwks_url) {
            (Some((key, alg)), None) => Keys::Static(key, alg),
            (None, Some(url)) => Keys::Jwks(jwks::Jwks::new(
                url.clone(),
                Duration::from_secs(endpoint.jwks_refresh_seconds),
                metrics,
            )?),
            _ => {
                return Err(ConfigError::Invalid {
                    key: "token_endpoint",
                    reason: "set exactly one of jwt_hs256_secret, jwt_rs256_public_key_file and \
                             jwks_url"
                        .into(),
                });
            }
        };
        Ok(Self {
            keys,
            rules: claims::ClaimRules {
                audience: endpoint.audience.clone(),
                issuer: endpoint.issuer.clone(),
                leeway: endpoint.leeway_seconds,
            },
        })
    }

    async fn key_for(
        &self,
        alg: &str,
        kid: Option<&str>,
    ) -> Result<(DecodingKey, Algorithm), AuthFailure> {
        let wrong_alg = AuthFailure::Invalid("the JWT algorithm is not accepted");
        let (key, expected) = match &self.keys {
            Keys::Static(key, expected) => (key.clone(), *expected),
            Keys::Jwks(jwks) => {
                let kid = kid.ok_or(AuthFailure::Invalid("the JWT has no kid"))?;
                jwks.key(kid)
                    .await
                    .ok_or(AuthFailure::Invalid("unknown kid"))?
            }
        };
        let alg: Algorithm = alg.parse().map_err(|_| wrong_alg)?;
        if alg != expected {
            return Err(wrong_alg);
        }
        Ok((key, expected))
    }

    /// Authenticates the request's viewer at `now` (Unix seconds).
    pub(crate) async fn authenticate(
        &self,
        headers: &HeaderMap,
        now: u64,
    ) -> Result<Viewer, AuthFailure> {
        let token = bearer(headers)?;
        let (alg, kid) = read_header(token)?;
        let (key, alg) = self.key_for(&alg, kid.as_deref()).await?;
        let data = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token,
            &key,
            &signature_only(alg),
        )
        .map_err(|_| AuthFailure::Invalid("bad signature or malformed JWT"))?;
        let user_id = self.rules.check(&data.claims, now)?;
        Ok(Viewer { user_id })
    }
}

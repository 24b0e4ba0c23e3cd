//! Viewer bearer tokens (HS256 JWTs with `sub` and `exp`), as a site's login would mint them.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

#[derive(Serialize)]
struct Claims<'a> {
    sub: &'a str,
    iat: u64,
    exp: u64,
}

/// An HS256 JWT for `user`, valid for `lifetime_seconds` from now.
///
/// # Errors
/// The token cannot be encoded (never for these claims).
pub fn hs256(secret: &str, user: &str, lifetime_seconds: u64) -> Result<String, String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    let claims = Claims {
        sub: user,
        iat: now,
        exp: now + lifetime_seconds,
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| format!("cannot encode the JWT: {e}"))
}

/// The user a valid HS256 JWT names (its `sub`), or `None` when it is invalid or expired.
pub fn verify_hs256(secret: &str, token: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Sub {
        sub: String,
    }
    let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    jsonwebtoken::decode::<Sub>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .ok()
    .map(|data| data.claims.sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_verifies_with_its_secret_only() {
        let token = hs256("s3cret-for-tests-only", "alice", 60).unwrap();
        assert_eq!(
            verify_hs256("s3cret-for-tests-only", &token).as_deref(),
            Some("alice")
        );
        assert_eq!(verify_hs256("another-secret", &token), None);
    }
}

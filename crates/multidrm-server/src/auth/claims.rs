//! Strict checks of a viewer JWT's claims, done by hand on the decoded JSON so that a claim of
//! the wrong type is refused instead of skipped.

use serde_json::{Map, Value};

use super::AuthFailure;

/// Longest accepted `sub`.
pub(crate) const MAX_SUB_CHARS: usize = 512;

/// What the claims must satisfy.
#[derive(Debug, Clone)]
pub(crate) struct ClaimRules {
    pub(crate) audience: Option<String>,
    pub(crate) issuer: Option<String>,
    pub(crate) leeway: u64,
}

/// A NumericDate claim: absent is `Ok(None)`, any other type than a finite number is refused.
fn numeric_date(
    claims: &Map<String, Value>,
    name: &'static str,
) -> Result<Option<f64>, AuthFailure> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or(AuthFailure::Invalid("a date claim is not a number")),
        Some(_) => Err(AuthFailure::Invalid("a date claim is not a number")),
    }
}

fn audience_matches(value: Option<&Value>, expected: &str) -> bool {
    match value {
        Some(Value::String(s)) => s == expected,
        Some(Value::Array(items)) => {
            items.iter().all(Value::is_string) && items.iter().any(|v| v.as_str() == Some(expected))
        }
        _ => false,
    }
}

impl ClaimRules {
    /// Checks `exp` (required), `nbf`, `iat`, `aud`, `iss` and `sub` at `now` (Unix seconds);
    /// returns the user id (`sub`).
    pub(crate) fn check(
        &self,
        claims: &Map<String, Value>,
        now: u64,
    ) -> Result<String, AuthFailure> {
        let now = now as f64;
        let leeway = self.leeway as f64;
        let exp = numeric_date(claims, "exp")?.ok_or(AuthFailure::Invalid("exp is missing"))?;
        if exp + leeway <= now {
            return Err(AuthFailure::Expired);
        }
        if numeric_date(claims, "nbf")?.is_some_and(|nbf| nbf - leeway > now) {
            return Err(AuthFailure::Invalid("the token is not valid yet"));
        }
        if numeric_date(claims, "iat")?.is_some_and(|iat| iat - leeway > now) {
            return Err(AuthFailure::Invalid("the token is issued in the future"));
        }
        if let Some(aud) = &self.audience {
            if !audience_matches(claims.get("aud"), aud) {
                return Err(AuthFailure::Invalid("aud does not name this service"));
            }
        }
        if let Some(iss) = &self.issuer {
            if claims.get("iss").and_then(Value::as_str) != Some(iss.as_str()) {
                return Err(AuthFailure::Invalid("iss is not the configured issuer"));
            }
        }
        user_id(claims.get("sub"))
    }
}

/// `sub`: a non-empty string without control characters.
fn user_id(sub: Option<&Value>) -> Result<String, AuthFailure> {
    let Some(Value::String(sub)) = sub else {
        return Err(AuthFailure::Invalid("sub is missing or not a string"));
    };
    if sub.is_empty() || sub.chars().count() > MAX_SUB_CHARS {
        return Err(AuthFailure::Invalid("sub is empty or too long"));
    }
    if sub.chars().any(char::is_control) {
        return Err(AuthFailure::Invalid("sub contains control characters"));
    }
    Ok(sub.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> ClaimRules {
        ClaimRules {
            audience: Some("svc".into()),
            issuer: Some("idp".into()),
            leeway: 0,
        }
    }

    fn claims(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn every_claim_type_is_checked() {
        let ok = serde_json::json!({"sub": "alice", "exp": 2000, "aud": "svc", "iss": "idp"});
        assert_eq!(rules().check(&claims(ok.clone()), 1000).unwrap(), "alice");
        for (key, bad) in [
            ("aud", Value::Null),
            ("aud", serde_json::json!(1)),
            ("aud", serde_json::json!(["other", 1, "svc"])),
            ("iss", Value::Null),
            ("iss", serde_json::json!(["idp"])),
            ("exp", serde_json::json!("2000")),
            ("nbf", serde_json::json!("0")),
            ("iat", serde_json::json!(true)),
            ("sub", serde_json::json!("al\nice")),
            ("sub", Value::Null),
        ] {
            let mut c = claims(ok.clone());
            c.insert(key.into(), bad.clone());
            assert!(rules().check(&c, 1000).is_err(), "{key} = {bad}");
        }
        for key in ["aud", "iss", "exp", "sub"] {
            let mut c = claims(ok.clone());
            c.remove(key);
            assert!(rules().check(&c, 1000).is_err(), "without {key}");
        }
    }
}

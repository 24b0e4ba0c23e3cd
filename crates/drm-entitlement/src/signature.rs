//! HMAC-SHA256 signatures of requests and responses (spec §3).
//!
//! ```text
//! request:  key = secret + Challenge    msg = rendered REQUEST_KEYS
//! response: key = Challenge + secret    msg = rendered RESPONSE_KEYS
//! signature = UPPER(HEX(HMAC-SHA256(key, msg)))
//! ```
//!
//! The response key uses the *request's* Challenge byte for byte (no case normalisation). The
//! reversed key order and the disjoint field lists keep a request signature from passing as a
//! response signature.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{SignError, VerifyError};
use crate::json::{JsonObject, Value};
use crate::message::{REQUEST_KEYS, RESPONSE_KEYS, SIGNATURE_KEY, for_each_part, has_null};
use crate::render::{NullPolicy, Rendering};
use crate::secret::SharedSecret;

type HmacSha256 = Hmac<Sha256>;

/// A 32-byte HMAC-SHA256 signature. Parsed from hex in either case; written in upper case.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 32]);

impl Signature {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Upper-case hex, as producers emit it.
    pub fn to_hex_upper(&self) -> String {
        hex::encode_upper(self.0)
    }

    /// Constant-time equality.
    pub fn ct_eq(&self, other: &Signature) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.to_hex_upper())
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex_upper())
    }
}

impl FromStr for Signature {
    type Err = VerifyError;

    /// 64 hex digits, upper or lower case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 32];
        if s.len() != 64 {
            return Err(VerifyError::MalformedSignature);
        }
        hex::decode_to_slice(s, &mut out).map_err(|_| VerifyError::MalformedSignature)?;
        Ok(Self(out))
    }
}

/// The HMAC key bytes `a + b`, wiped on drop.
fn key(a: &str, b: &str) -> Zeroizing<Vec<u8>> {
    let mut k = Zeroizing::new(Vec::with_capacity(a.len() + b.len()));
    k.extend_from_slice(a.as_bytes());
    k.extend_from_slice(b.as_bytes());
    k
}

fn mac(
    key: &[u8],
    obj: &JsonObject,
    keys: &[&str],
    rendering: &Rendering,
) -> Result<Signature, SignError> {
    let mut mac = HmacSha256::new_from_slice(key).map_err(|_| SignError::KeyLength)?;
    for_each_part(obj, keys, rendering, |part| mac.update(part.as_bytes()))?;
    Ok(Signature(mac.finalize().into_bytes().into()))
}

/// The `Challenge` of a request body: a non-empty string.
pub fn request_challenge(obj: &JsonObject) -> Result<&str, SignError> {
    match obj.get("Challenge") {
        None | Some(Value::Null) => Err(SignError::MissingChallenge),
        Some(Value::String(s)) if s.is_empty() => Err(SignError::MissingChallenge),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(SignError::ChallengeNotString {
            found: other.type_name(),
        }),
    }
}

/// Signs a request body (key = secret + its `Challenge`). `Signature` itself is not signed.
pub fn sign_request(
    obj: &JsonObject,
    secret: &SharedSecret,
    rendering: &Rendering,
) -> Result<Signature, SignError> {
    let challenge = request_challenge(obj)?;
    mac(
        &key(secret.expose_secret(), challenge),
        obj,
        &REQUEST_KEYS,
        rendering,
    )
}

/// Signs a response body with the answered request's `challenge` (key = challenge + secret).
pub fn sign_response(
    obj: &JsonObject,
    challenge: &str,
    secret: &SharedSecret,
    rendering: &Rendering,
) -> Result<Signature, SignError> {
    mac(
        &key(challenge, secret.expose_secret()),
        obj,
        &RESPONSE_KEYS,
        rendering,
    )
}

/// The `Signature` of a body, parsed.
pub fn signature_of(obj: &JsonObject) -> Result<Signature, VerifyError> {
    match obj.get(SIGNATURE_KEY) {
        None | Some(Value::Null) => Err(VerifyError::MissingSignature),
        Some(Value::String(s)) if s.is_empty() => Err(VerifyError::MissingSignature),
        Some(Value::String(s)) => s.parse(),
        Some(_) => Err(VerifyError::MalformedSignature),
    }
}

/// Verifies a request's `Signature` the way a server should (spec §4 resolution): lexical
/// rendering, null skipped and then null as literal text, hex in either case, constant-time
/// comparison. Returns the null policy that matched.
pub fn verify_request(obj: &JsonObject, secret: &SharedSecret) -> Result<NullPolicy, VerifyError> {
    let given = signature_of(obj)?;
    let challenge = request_challenge(obj).map_err(VerifyError::Sign)?;
    let key = key(secret.expose_secret(), challenge);
    let mut policies = vec![NullPolicy::Skip];
    if has_null(obj, &REQUEST_KEYS) {
        policies.push(NullPolicy::Literal);
    }
    for policy in policies {
        let rendering = Rendering::lexical().with_null_policy(policy);
        let expected = mac(&key, obj, &REQUEST_KEYS, &rendering).map_err(VerifyError::Sign)?;
        if expected.ct_eq(&given) {
            return Ok(policy);
        }
    }
    Err(VerifyError::Mismatch)
}

/// Verifies a response's `Signature` against each of `renderings` in turn (an empty slice means
/// lexical with both null policies). Returns the rendering that matched.
pub fn verify_response(
    obj: &JsonObject,
    challenge: &str,
    secret: &SharedSecret,
    renderings: &[Rendering],
) -> Result<Rendering, VerifyError> {
    let given = signature_of(obj)?;
    let key = key(challenge, secret.expose_secret());
    let defaults;
    let renderings = if renderings.is_empty() {
        defaults = [
            Rendering::lexical(),
            Rendering::lexical().with_null_policy(NullPolicy::Literal),
        ];
        &defaults[..]
    } else {
        renderings
    };
    let mut last_err = VerifyError::Mismatch;
    for rendering in renderings {
        match mac(&key, obj, &RESPONSE_KEYS, rendering) {
            Ok(expected) if expected.ct_eq(&given) => return Ok(rendering.clone()),
            Ok(_) => {}
            Err(e) => last_err = VerifyError::Sign(e),
        }
    }
    Err(last_err)
}

/// Signs `obj` as a request and stores the upper-case hex in its `Signature` key.
pub fn sign_request_in_place(
    obj: &mut JsonObject,
    secret: &SharedSecret,
    rendering: &Rendering,
) -> Result<Signature, SignError> {
    let sig = sign_request(obj, secret, rendering)?;
    obj.insert(SIGNATURE_KEY, sig.to_hex_upper());
    Ok(sig)
}

/// Signs `obj` as a response to `challenge` and stores the upper-case hex in its `Signature` key.
pub fn sign_response_in_place(
    obj: &mut JsonObject,
    challenge: &str,
    secret: &SharedSecret,
    rendering: &Rendering,
) -> Result<Signature, SignError> {
    let sig = sign_response(obj, challenge, secret, rendering)?;
    obj.insert(SIGNATURE_KEY, sig.to_hex_upper());
    Ok(sig)
}

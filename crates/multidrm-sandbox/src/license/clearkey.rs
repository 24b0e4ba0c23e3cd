//! ClearKey (`license.md` §6): a W3C JWK Set with the content keys the KMS emulator actually
//! issued for the content id, so a real browser CDM decrypts content packaged with them.
//!
//! * `GET` (or `POST` with an empty body): every key issued for the cid.
//! * `POST {"kids":["<base64url>",…],"type":"temporary"}` (the CDM's license request): the
//!   requested KIDs that belong to the cid; the answer's `type` is the request's.
//! * A cid whose keys the KMS never issued, or a request naming none of its KIDs: `7001`
//!   "Cannot find package info." (HTTP 200 JSON, like every license-server error), so the CDM
//!   gets no key and playback fails. A body that is not such a request: `9001`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Value, json};

use super::codes::LicenseErrorCode as E;
use crate::kms::DerivedKey;

/// base64url, padding optional (the W3C form has none; some clients add it).
const B64URL_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Most KIDs read from one request.
const MAX_KIDS: usize = 1_024;

/// The JWK Set for a cid's issued keys and an optional W3C license request body.
pub(crate) fn jwk_set(issued: &[DerivedKey], body: &[u8]) -> Result<Value, E> {
    let (wanted, session_type) = if body.iter().all(u8::is_ascii_whitespace) {
        (None, "temporary".to_owned())
    } else {
        let (kids, session_type) = read_request(body)?;
        (Some(kids), session_type)
    };
    let keys: Vec<Value> = issued
        .iter()
        .filter(|key| {
            wanted
                .as_ref()
                .is_none_or(|kids| kids.iter().any(|kid| kid == key.key_id.as_bytes()))
        })
        .map(|key| {
            json!({
                "kty": "oct",
                "k": URL_SAFE_NO_PAD.encode(key.key),
                "kid": URL_SAFE_NO_PAD.encode(key.key_id.as_bytes()),
            })
        })
        .collect();
    if keys.is_empty() {
        return Err(E::PackageNotFound);
    }
    Ok(json!({"keys": keys, "type": session_type}))
}

/// `{"kids": [...], "type": "..."}`: KIDs as 16 bytes (base64url, or standard base64 from
/// lenient clients), `type` `temporary` unless the request says `persistent-license`.
fn read_request(body: &[u8]) -> Result<(Vec<[u8; 16]>, String), E> {
    let value: Value = serde_json::from_slice(body).map_err(|_| E::MissingParameter)?;
    let kids = value
        .get("kids")
        .and_then(Value::as_array)
        .ok_or(E::MissingParameter)?;
    let mut out = Vec::with_capacity(kids.len().min(MAX_KIDS));
    for kid in kids.iter().take(MAX_KIDS) {
        let text = kid.as_str().ok_or(E::MissingParameter)?;
        let bytes = B64URL_LENIENT
            .decode(text)
            .or_else(|_| STANDARD_NO_PAD.decode(text.trim_end_matches('=')))
            .map_err(|_| E::MissingParameter)?;
        out.push(<[u8; 16]>::try_from(bytes).map_err(|_| E::MissingParameter)?);
    }
    let session_type = match value.get("type").and_then(Value::as_str) {
        Some("persistent-license") => "persistent-license",
        _ => "temporary",
    };
    Ok((out, session_type.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kid: [u8; 16], k: [u8; 16]) -> DerivedKey {
        DerivedKey {
            key_id: drm_policy::KeyId::from_bytes(kid),
            key: k,
            iv: [0; 16],
            ncg_cek: [0; 32],
        }
    }

    #[test]
    fn w3c_example_round_trip() {
        // clearkey_w3c.json: kid LwVHf8JLtPrv2GUXFW2v_A, k tQ0bJVWb6b0KPL6KtZIy_A.
        let kid: [u8; 16] = hex::decode("2f05477fc24bb4faefd86517156daffc")
            .expect("hex")
            .try_into()
            .expect("16");
        let k: [u8; 16] = hex::decode("b50d1b25559be9bd0a3cbe8ab59232fc")
            .expect("hex")
            .try_into()
            .expect("16");
        let other = key([7; 16], [8; 16]);
        let issued = [key(kid, k), other];
        let request =
            br#"{"kids":["LwVHf8JLtPrv2GUXFW2v_A","0DdtU9od-Bh5L3xbv0Xf_A"],"type":"temporary"}"#;
        let set = jwk_set(&issued, request).expect("keys");
        let expected: Value = serde_json::from_str(
            r#"{"keys":[{"kty":"oct","k":"tQ0bJVWb6b0KPL6KtZIy_A","kid":"LwVHf8JLtPrv2GUXFW2v_A"}],"type":"temporary"}"#,
        )
        .expect("W3C example");
        assert_eq!(set, expected);
        assert_eq!(
            jwk_set(&issued, b"").expect("all")["keys"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
    }

    #[test]
    fn nothing_issued_or_bad_requests() {
        assert_eq!(jwk_set(&[], b""), Err(E::PackageNotFound));
        let issued = [key([1; 16], [2; 16])];
        assert_eq!(
            jwk_set(&issued, br#"{"kids":["LwVHf8JLtPrv2GUXFW2v_A"]}"#),
            Err(E::PackageNotFound)
        );
        for bad in [
            &b"{"[..],
            b"[]",
            br#"{"kids":"x"}"#,
            br#"{"kids":["AAAA"]}"#,
            br#"{"kids":[1]}"#,
        ] {
            assert_eq!(jwk_set(&issued, bad), Err(E::MissingParameter));
        }
    }
}

//! The cryptographic envelope of a token (spec §3–§4), as plain functions.
//!
//! - policy field = `BASE64_STD(AES-256-CBC(key = site key bytes, iv = "0123456789abcdef",
//!   PKCS#7(policy JSON)))`;
//! - hash = `BASE64_STD(SHA-256(access_key ‖ drm_type ‖ site_id ‖ user_id ‖ cid ‖ policy field ‖
//!   timestamp))`, plain concatenation of the exact UTF-8 strings placed in the token.
//!
//! [`crate::TokenRequest`] and [`crate::PreparedPolicy`] use these; they are public for tools
//! that check tokens produced elsewhere.

use aes::Aes256;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use sha2::{Digest, Sha256};

use crate::credentials::{AccessKey, SiteKey};

/// The fixed IV of the policy envelope: the 16 ASCII bytes `0123456789abcdef`.
pub const POLICY_IV: [u8; 16] = *b"0123456789abcdef";

/// Length of the base64 text of a SHA-256 digest.
pub const HASH_B64_LEN: usize = 44;

/// Encrypts a policy JSON text into the token's `policy` field (base64 text).
pub fn encrypt_policy(plaintext: &[u8], site_key: &SiteKey) -> String {
    let mut cipher = Vec::new();
    encrypt_into(plaintext, site_key, &mut cipher);
    crate::b64::encode(&cipher)
}

/// AES-256-CBC + PKCS#7 of `buf[..len]` in place: pads the buffer to whole blocks (growing
/// it when needed) and encrypts it. The buffer's capacity should hold `len + 16` bytes, so
/// that no copy of the plaintext is left behind by a reallocation.
pub(crate) fn encrypt_in_place(buf: &mut Vec<u8>, len: usize, site_key: &SiteKey) {
    let padded = (len / 16 + 1) * 16;
    buf.resize(padded, 0);
    let enc = cbc::Encryptor::<Aes256>::new(site_key.expose_secret().into(), (&POLICY_IV).into());
    // The buffer holds the plaintext plus room for a full block, which PKCS#7 always fits in.
    let n = enc
        .encrypt_padded_mut::<Pkcs7>(buf, len)
        .map(|c| c.len())
        .unwrap_or(0);
    buf.truncate(n);
}

/// AES-256-CBC + PKCS#7 of `plaintext` into `out` (replaced).
pub(crate) fn encrypt_into(plaintext: &[u8], site_key: &SiteKey, out: &mut Vec<u8>) {
    let padded = (plaintext.len() / 16 + 1) * 16;
    out.clear();
    out.resize(padded, 0);
    let enc = cbc::Encryptor::<Aes256>::new(site_key.expose_secret().into(), (&POLICY_IV).into());
    // The buffer holds the plaintext plus a full block, which PKCS#7 always fits in.
    let n = enc
        .encrypt_padded_b2b_mut::<Pkcs7>(plaintext, out)
        .map(<[u8]>::len)
        .unwrap_or(0);
    out.truncate(n);
}

/// Why a `policy` field could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The field is not standard base64 (with `=` padding).
    #[error("the policy field is not standard base64")]
    Base64,
    /// The ciphertext is empty or not a whole number of 16-byte blocks.
    #[error("the policy ciphertext is {len} bytes, not a non-empty multiple of 16")]
    Length {
        /// The ciphertext length.
        len: usize,
    },
    /// The padding is wrong after decryption: another site key, or a damaged field.
    #[error("the policy does not decrypt with this site key (bad PKCS#7 padding)")]
    Padding,
}

/// Decrypts a token's `policy` field (base64 text) into the policy JSON bytes.
///
/// # Errors
/// [`EnvelopeError`] when the field is not base64, not whole blocks, or does not decrypt
/// with `site_key`.
pub fn decrypt_policy(policy_b64: &str, site_key: &SiteKey) -> Result<Vec<u8>, EnvelopeError> {
    let mut buf = STANDARD
        .decode(policy_b64.as_bytes())
        .map_err(|_| EnvelopeError::Base64)?;
    if buf.is_empty() || buf.len() % 16 != 0 {
        return Err(EnvelopeError::Length { len: buf.len() });
    }
    let dec = cbc::Decryptor::<Aes256>::new(site_key.expose_secret().into(), (&POLICY_IV).into());
    let n = dec
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .map_err(|_| EnvelopeError::Padding)?
        .len();
    buf.truncate(n);
    Ok(buf)
}

/// The parts of a token that the hash covers, in hash order.
#[derive(Debug, Clone, Copy)]
pub struct HashInput<'a> {
    /// `drm_type` as written in the token.
    pub drm_type: &'a str,
    /// `site_id`.
    pub site_id: &'a str,
    /// `user_id`.
    pub user_id: &'a str,
    /// `cid`.
    pub cid: &'a str,
    /// The `policy` field (base64 text).
    pub policy_b64: &'a str,
    /// `timestamp` as written in the token.
    pub timestamp: &'a str,
}

/// The token hash: base64 of SHA-256 over `access_key ‖ drm_type ‖ site_id ‖ user_id ‖ cid ‖
/// policy ‖ timestamp` (raw UTF-8, no separators).
pub fn token_hash(access_key: &AccessKey, input: &HashInput<'_>) -> String {
    let b64 = token_hash_b64(access_key, input);
    // Base64 output is ASCII.
    String::from_utf8_lossy(&b64).into_owned()
}

/// [`token_hash`] into a stack buffer.
pub(crate) fn token_hash_b64(access_key: &AccessKey, input: &HashInput<'_>) -> [u8; HASH_B64_LEN] {
    hash_parts(
        access_key,
        [
            input.drm_type.as_bytes(),
            input.site_id.as_bytes(),
            input.user_id.as_bytes(),
            input.cid.as_bytes(),
            input.policy_b64.as_bytes(),
            input.timestamp.as_bytes(),
        ],
    )
}

/// The hash over the access key and the six covered fields (in hash order), as base64 bytes.
pub(crate) fn hash_parts(access_key: &AccessKey, parts: [&[u8]; 6]) -> [u8; HASH_B64_LEN] {
    let mut h = Sha256::new();
    h.update(access_key.expose_secret().as_bytes());
    for part in parts {
        h.update(part);
    }
    let digest = h.finalize();
    let mut out = [0u8; HASH_B64_LEN];
    // 32 bytes encode to exactly 44 characters.
    crate::b64::encode_to(&digest, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC";

    #[test]
    fn spec_example_v01() {
        let key = SiteKey::new(KEY).unwrap();
        let field = encrypt_policy(br#"{"policy_version": 2}"#, &key);
        assert_eq!(field, "sX7DEMZ1S2xaMoIt76m+yCzxqc7xSRsVhsnP5Nw3SCo=");
        assert_eq!(
            decrypt_policy(&field, &key).unwrap(),
            br#"{"policy_version": 2}"#
        );
        let access = AccessKey::new("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20").unwrap();
        let hash = token_hash(
            &access,
            &HashInput {
                drm_type: "Widevine",
                site_id: "TUTO",
                user_id: "test-user",
                cid: "bigbuckbunny",
                policy_b64: &field,
                timestamp: "2025-06-01T12:34:56Z",
            },
        );
        assert_eq!(hash, "BDuYHW7airyWfs6T+jhQDml+nHAJA2AKs8bs18gp7uE=");
    }

    #[test]
    fn full_padding_block_when_aligned() {
        let key = SiteKey::new(KEY).unwrap();
        let text = [b'a'; 32];
        let mut out = Vec::new();
        encrypt_into(&text, &key, &mut out);
        assert_eq!(out.len(), 48);
    }

    #[test]
    fn wrong_key_is_reported() {
        let key = SiteKey::new(KEY).unwrap();
        let other = SiteKey::new("00000000000000000000000000000000").unwrap();
        let field = encrypt_policy(br#"{"policy_version": 2}"#, &key);
        // A wrong key almost always breaks the padding.
        assert_eq!(decrypt_policy(&field, &other), Err(EnvelopeError::Padding));
        assert_eq!(decrypt_policy("!!", &key), Err(EnvelopeError::Base64));
        assert_eq!(
            decrypt_policy("AAAA", &key),
            Err(EnvelopeError::Length { len: 3 })
        );
    }
}

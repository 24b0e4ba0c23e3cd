//! Deterministic key material: HMAC-SHA256 of the sandbox secret over (purpose, content id,
//! track, period), so the same title always gets the same keys and KIDs, like the real KMS.

use drm_policy::KeyId;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Key material the emulator hands out for one (content id, track, period).
#[derive(Clone, PartialEq, Eq)]
pub struct DerivedKey {
    /// The KMS-assigned KID (never the request's KID).
    pub key_id: KeyId,
    /// The 16-byte content key.
    pub key: [u8; 16],
    /// The 16-byte explicit IV.
    pub iv: [u8; 16],
    /// The 32-byte opaque NCG CEK.
    pub ncg_cek: [u8; 32],
}

impl std::fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DerivedKey")
            .field("key_id", &self.key_id)
            .field("key", &"[redacted]")
            .field("iv", &drm_policy::ids::hex_lower(&self.iv))
            .finish_non_exhaustive()
    }
}

fn mac(
    secret: &[u8],
    purpose: &str,
    content_id: &str,
    track: &str,
    period: Option<u64>,
) -> [u8; 32] {
    #[allow(clippy::expect_used)]
    let mut m =
        <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    // Length-prefixed fields: no ambiguity between ("ab", "c") and ("a", "bc").
    for part in [purpose.as_bytes(), content_id.as_bytes(), track.as_bytes()] {
        m.update(&(part.len() as u64).to_be_bytes());
        m.update(part);
    }
    match period {
        Some(p) => {
            m.update(&[1]);
            m.update(&p.to_be_bytes());
        }
        None => m.update(&[0]),
    }
    m.finalize().into_bytes().into()
}

fn first16(b: [u8; 32]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&b[..16]);
    out
}

/// Derives the key material for (content id, track, period) from the secret.
pub(crate) fn derive(
    secret: &[u8],
    content_id: &str,
    track: &str,
    period: Option<u64>,
) -> DerivedKey {
    DerivedKey {
        key_id: KeyId::from_bytes(first16(mac(secret, "kid", content_id, track, period))),
        key: first16(mac(secret, "key", content_id, track, period)),
        iv: first16(mac(secret, "iv", content_id, track, period)),
        ncg_cek: mac(secret, "ncg-cek", content_id, track, period),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_distinct() {
        let a = derive(b"s", "cid", "HD", None);
        assert_eq!(a, derive(b"s", "cid", "HD", None));
        assert_ne!(a.key_id, derive(b"s", "cid", "SD", None).key_id);
        assert_ne!(a.key_id, derive(b"s", "cid", "HD", Some(0)).key_id);
        assert_ne!(a.key_id, derive(b"t", "cid", "HD", None).key_id);
        assert_ne!(a.key, derive(b"s", "ci", "dHD", None).key);
        assert_ne!(a.key, a.iv);
    }
}

//! KIDs in PlayReady's GUID little-endian byte order, and the AESCTR key checksum.

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::KeyId;

/// The GUID little-endian byte order of a KID (first three groups byte-swapped), as PlayReady
/// writes it: `cbbc38b6-b50d-ab53-…` → `b6 38 bc cb 0d b5 53 ab …`.
pub fn guid_bytes(key_id: &KeyId) -> [u8; 16] {
    let b = key_id.as_bytes();
    let mut g = *b;
    g[0..4].reverse();
    g[4..6].reverse();
    g[6..8].reverse();
    g
}

/// The KID (big-endian UUID bytes) from its GUID little-endian bytes.
pub fn key_id_from_guid_bytes(guid: [u8; 16]) -> KeyId {
    let mut b = guid;
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    KeyId::from_bytes(b)
}

/// Base64 of the GUID little-endian bytes (the `KID`/`VALUE` text of a WRMHEADER).
pub fn kid_base64(key_id: &KeyId) -> String {
    STANDARD.encode(guid_bytes(key_id))
}

/// The AESCTR key checksum: the first 8 bytes of AES-128-ECB(`content_key`, GUID-LE KID).
pub fn checksum(key_id: &KeyId, content_key: &[u8; 16]) -> [u8; 8] {
    let cipher = Aes128::new(content_key.into());
    let mut block = guid_bytes(key_id).into();
    cipher.encrypt_block(&mut block);
    let mut out = [0u8; 8];
    out.copy_from_slice(&block[..8]);
    out
}

/// Base64 of [`checksum`], as written in `CHECKSUM`.
pub fn checksum_base64(key_id: &KeyId, content_key: &[u8; 16]) -> String {
    STANDARD.encode(checksum(key_id, content_key))
}

/// True when `expected` (decoded `CHECKSUM` bytes) is the AESCTR checksum of `key_id` under
/// `content_key`.
pub fn verify_checksum(key_id: &KeyId, content_key: &[u8; 16], expected: &[u8]) -> bool {
    checksum(key_id, content_key).as_slice() == expected
}

/// The outcome of checking a header's checksum against a content key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumCheck {
    /// The checksum matches the key.
    Valid,
    /// The checksum does not match the key (wrong key, or a stale header).
    Invalid,
    /// The KID has no checksum (e.g. `AESCBC`, or an empty `<KIDS>`).
    Missing,
    /// The checksum uses an algorithm this crate does not check (`COCKTAIL`).
    Unsupported,
    /// The header does not list this KID.
    KidNotFound,
}

impl ChecksumCheck {
    /// The lower-case name (`valid`, `invalid`, `missing`, `unsupported`, `kid_not_found`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ChecksumCheck::Valid => "valid",
            ChecksumCheck::Invalid => "invalid",
            ChecksumCheck::Missing => "missing",
            ChecksumCheck::Unsupported => "unsupported",
            ChecksumCheck::KidNotFound => "kid_not_found",
        }
    }
}

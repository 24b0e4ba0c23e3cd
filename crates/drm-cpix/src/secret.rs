//! Secret values of a KMS response: content keys and other key material.
//!
//! They print as `[redacted]` in `Debug`, have no `Display`, are wiped from memory on drop, and
//! are read through an explicit `expose_secret()` accessor.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A content key (the `pskc:PlainValue` of a `cpix:ContentKey`), normally 16 bytes; any length
/// is kept (a KMS may answer otherwise), so this is not `drm_policy::ContentKey` (16 bytes).
/// Compared in constant time in its contents.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ContentKey(Vec<u8>);

impl PartialEq for ContentKey {
    /// Constant time in the contents (the length is not secret).
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for ContentKey {}

impl ContentKey {
    /// Wraps key bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The key bytes.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }

    /// The key as a 16-byte array, when it has 16 bytes (AES-128, what DoveRunner returns).
    pub fn as_aes128(&self) -> Option<[u8; 16]> {
        <[u8; 16]>::try_from(self.0.as_slice()).ok()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for a zero-length key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContentKey([redacted])")
    }
}

/// Secret text (e.g. the base64 NCG CEK, a content key in hex): redacted in `Debug`, wiped on
/// drop. The workspace's one secret-text type.
pub use drm_secret::SecretString as SecretText;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let k = ContentKey::new(vec![0x42; 16]);
        assert_eq!(format!("{k:?}"), "ContentKey([redacted])");
        assert_eq!(k.as_aes128(), Some([0x42; 16]));
        assert!(k == ContentKey::new(vec![0x42; 16]));
        assert!(k != ContentKey::new(vec![0x43; 16]));
        assert!(k != ContentKey::new(vec![0x42; 15]));
        let t = SecretText::new("c2VjcmV0");
        assert_eq!(format!("{t:?}"), "SecretString([redacted])");
        assert_eq!(t.expose_secret(), "c2VjcmV0");
    }
}

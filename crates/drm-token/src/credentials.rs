//! Site credentials from the DoveRunner Console: site id, site key, access key.
//!
//! The site key and the access key are secrets: their `Debug` prints `[redacted]`, they have no
//! `Display`, they are wiped from memory on drop, and they are read only through
//! `expose_secret()`. No error message ever contains them.

use std::fmt;
use std::str::FromStr;

use drm_policy::codes;
use drm_secret::SecretString;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::TokenError;

/// Longest accepted site id, user id or content id, in bytes (the docs allow 200-byte content ids).
pub const MAX_ID_BYTES: usize = 1024;

fn check_text(
    value: &str,
    code: drm_policy::ErrorCode,
    field: &'static str,
) -> Result<(), TokenError> {
    if value.is_empty() {
        return Err(TokenError::missing(code, field));
    }
    if value.len() > MAX_ID_BYTES {
        return Err(TokenError::InvalidField {
            code,
            field,
            reason: format!("{} bytes; the limit is {MAX_ID_BYTES}", value.len()),
        });
    }
    Ok(())
}

/// The site id (e.g. `TUTO`). Not secret: it travels in clear in every token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SiteId(String);

impl SiteId {
    /// A site id: non-empty, at most [`MAX_ID_BYTES`] bytes.
    ///
    /// # Errors
    /// [`TokenError::Missing`] (1002) when empty, [`TokenError::InvalidField`] when too long.
    pub fn new(value: impl Into<String>) -> Result<Self, TokenError> {
        let value = value.into();
        check_text(&value, codes::SITE_ID_REQUIRED, "site_id")?;
        Ok(Self(value))
    }

    /// The site id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteId({:?})", self.0)
    }
}

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for SiteId {
    type Err = TokenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

drm_secret::secret_newtype!(
    /// The 32-byte site key: the AES-256 key of the policy envelope, used as the bytes of the
    /// 32-character string shown in the Console (not hex- or base64-decoded).
    ///
    /// Stricter than the official samples, which silently fall back to AES-128/192 (Python,
    /// Java) or pad/truncate (PHP) when the key has another length: here anything but exactly
    /// 32 bytes is rejected (code 1004). Debug prints `SiteKey([redacted])`; zeroized on drop;
    /// compared in constant time.
    pub SiteKey: [u8; 32]
);

impl SiteKey {
    /// The site key from its Console text (exactly 32 bytes of UTF-8, normally 32 ASCII characters).
    ///
    /// # Errors
    /// [`TokenError::Missing`] (1004) when empty, [`TokenError::SiteKeyLength`] (1004) otherwise.
    pub fn new(text: &str) -> Result<Self, TokenError> {
        if text.is_empty() {
            return Err(TokenError::missing(codes::SITE_KEY_REQUIRED, "site_key"));
        }
        let bytes = Zeroizing::new(
            <[u8; 32]>::try_from(text.as_bytes())
                .map_err(|_| TokenError::SiteKeyLength { len: text.len() })?,
        );
        Ok(Self::from_bytes(*bytes))
    }
}

impl FromStr for SiteKey {
    type Err = TokenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for SiteKey {
    type Error = TokenError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

drm_secret::secret_newtype!(
    /// The access key: the secret prefix of the token hash. Debug prints
    /// `AccessKey([redacted])`; zeroized on drop; compared in constant time.
    pub AccessKey; checked
);

impl AccessKey {
    /// The access key text (non-empty, at most [`MAX_ID_BYTES`] bytes).
    ///
    /// # Errors
    /// [`TokenError::Missing`] (1003) when empty, [`TokenError::InvalidField`] when too long.
    pub fn new(text: impl Into<String>) -> Result<Self, TokenError> {
        // Wrapped first, so a rejected value is wiped too.
        let secret = SecretString::new(text);
        check_text(
            secret.expose_secret(),
            codes::ACCESS_KEY_REQUIRED,
            "access_key",
        )?;
        Ok(Self::from_secret_string(secret))
    }
}

impl FromStr for AccessKey {
    type Err = TokenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for AccessKey {
    type Error = TokenError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

/// One site's credentials: what every token of the site needs.
///
/// ```
/// use drm_token::SiteCredentials;
///
/// let creds = SiteCredentials::from_strs(
///     "TUTO",
///     "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC",
///     "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20",
/// )?;
/// assert_eq!(creds.site_id().as_str(), "TUTO");
/// assert!(!format!("{creds:?}").contains("lU5D8s3P"));
/// # Ok::<(), drm_token::TokenError>(())
/// ```
#[derive(Clone)]
pub struct SiteCredentials {
    site_id: SiteId,
    site_key: SiteKey,
    access_key: AccessKey,
    /// A one-way tag of the site key, to check that a prepared policy belongs to these
    /// credentials without keeping a second copy of the key.
    key_tag: [u8; 32],
}

impl SiteCredentials {
    /// Credentials from validated parts.
    pub fn new(site_id: SiteId, site_key: SiteKey, access_key: AccessKey) -> Self {
        let key_tag = key_tag(&site_key);
        Self {
            site_id,
            site_key,
            access_key,
            key_tag,
        }
    }

    /// Credentials from the three Console texts, checked in the official order
    /// (site id 1002, access key 1003, site key 1004).
    ///
    /// # Errors
    /// The first missing or invalid credential.
    pub fn from_strs(site_id: &str, site_key: &str, access_key: &str) -> Result<Self, TokenError> {
        let site_id = SiteId::new(site_id)?;
        let access_key = AccessKey::new(access_key)?;
        let site_key = SiteKey::new(site_key)?;
        Ok(Self::new(site_id, site_key, access_key))
    }

    /// The site id.
    pub fn site_id(&self) -> &SiteId {
        &self.site_id
    }

    /// The site key.
    pub fn site_key(&self) -> &SiteKey {
        &self.site_key
    }

    /// The access key.
    pub fn access_key(&self) -> &AccessKey {
        &self.access_key
    }

    pub(crate) fn key_tag(&self) -> &[u8; 32] {
        &self.key_tag
    }
}

pub(crate) fn key_tag(key: &SiteKey) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"drm-token prepared-policy key tag\0");
    h.update(key.expose_secret());
    h.finalize().into()
}

impl fmt::Debug for SiteCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SiteCredentials")
            .field("site_id", &self.site_id)
            .field("site_key", &self.site_key)
            .field("access_key", &self.access_key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let key = SiteKey::new("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC").unwrap();
        assert_eq!(format!("{key:?}"), "SiteKey([redacted])");
        let access = AccessKey::new("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20").unwrap();
        assert_eq!(format!("{access:?}"), "AccessKey([redacted])");
        assert_eq!(
            key,
            SiteKey::new("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC").unwrap()
        );
        assert_ne!(
            key,
            SiteKey::new("lU5D8s3PWoLls3PWFWkClULlFWk5D8oD").unwrap()
        );
        assert_eq!(
            access,
            AccessKey::new("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20").unwrap()
        );
        assert_ne!(
            access,
            AccessKey::new("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP2").unwrap()
        );
    }

    #[test]
    fn site_key_must_be_32_bytes() {
        for (text, code) in [("", 1004), ("short", 1004), (&"x".repeat(33)[..], 1004)] {
            let err = SiteKey::new(text).unwrap_err();
            assert_eq!(err.code().map(|c| c.get()), Some(code));
            assert!(!err.to_string().contains(text) || text.is_empty());
        }
    }

    #[test]
    fn official_order_of_missing_credentials() {
        let e = SiteCredentials::from_strs("", "", "").unwrap_err();
        assert_eq!(e.code().map(|c| c.get()), Some(1002));
        let e = SiteCredentials::from_strs("TUTO", "", "").unwrap_err();
        assert_eq!(e.code().map(|c| c.get()), Some(1003));
        let e = SiteCredentials::from_strs("TUTO", "", "a").unwrap_err();
        assert_eq!(e.code().map(|c| c.get()), Some(1004));
    }
}

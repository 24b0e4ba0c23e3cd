//! A policy encrypted once for one site key and JSON style, reused for every token.

use std::fmt;
use std::sync::OnceLock;

use drm_policy::read::MAX_POLICY_BYTES;
use drm_policy::{JsonStyle, Policy};

use crate::credentials::SiteCredentials;
use crate::envelope::encrypt_into;
use crate::error::TokenError;

/// A policy encrypted once: the token's `policy` field depends only on the site key and the
/// policy text, so one `PreparedPolicy` serves every user, content and timestamp of a site.
///
/// Minting with a prepared policy costs one SHA-256 and a base64 pass, never an AES encryption.
/// The policy plaintext is not kept (it can hold content keys); the ciphertext is.
///
/// ```
/// use drm_policy::{JsonStyle, PlaybackPolicy, Policy};
/// use drm_token::{DrmType, PreparedPolicy, SiteCredentials, Timestamp, TokenRequest};
///
/// let creds = SiteCredentials::from_strs("TUTO", "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC", "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20")?;
/// let policy = Policy::new().playback(PlaybackPolicy::new().persistent(false).license_duration(3600));
/// let prepared = PreparedPolicy::new(&policy, &creds, JsonStyle::Compact)?;
/// let ts = Timestamp::parse("2025-06-01T12:34:56Z")?;
/// let a = TokenRequest::new(DrmType::Widevine, "alice", "movie-1").mint(&creds, &prepared, ts)?;
/// let b = TokenRequest::new(DrmType::FairPlay, "bob", "movie-2").mint(&creds, &prepared, ts)?;
/// assert_ne!(a, b);
/// # Ok::<(), drm_token::TokenError>(())
/// ```
#[derive(Clone)]
pub struct PreparedPolicy {
    /// The `policy` field: base64 of the ciphertext.
    b64: String,
    style: JsonStyle,
    key_tag: [u8; 32],
    /// For each alignment `r` (the length of the token JSON before the field, modulo 3): the
    /// base64 of the field's whole 3-byte groups after its first `(3 - r) % 3` bytes. The token
    /// JSON is base64-encoded as a whole; these middles, computed on first use of an alignment
    /// and kept, skip re-encoding the (largest) policy part of it for every later token.
    mids: [OnceLock<Vec<u8>>; 3],
}

impl PreparedPolicy {
    /// Validates `policy`, writes it in `style` and encrypts it with the site key of `creds`.
    ///
    /// # Errors
    /// [`TokenError::Policy`] with every violation when the policy breaks a rule.
    pub fn new(
        policy: &Policy,
        creds: &SiteCredentials,
        style: JsonStyle,
    ) -> Result<Self, TokenError> {
        policy.validate()?;
        let cipher = crate::mint::encrypt_policy_json(policy, creds, style);
        Ok(Self::from_ciphertext(&cipher, creds, style))
    }

    /// Reads, validates and prepares a policy JSON document. The token carries the policy in
    /// the canonical form of `style` (spec key order, unset fields omitted), not the input text.
    ///
    /// # Errors
    /// [`TokenError::Policy`] with every violation, each with its path and official code.
    pub fn from_json(
        text: &str,
        creds: &SiteCredentials,
        style: JsonStyle,
    ) -> Result<Self, TokenError> {
        // `from_json` has validated it already.
        let policy = Policy::from_json(text)?;
        let cipher = crate::mint::encrypt_policy_json(&policy, creds, style);
        Ok(Self::from_ciphertext(&cipher, creds, style))
    }

    /// Encrypts `plaintext` verbatim, without reading or validating it — for reproducing the
    /// bytes of another implementation (e.g. the Python sample's `external_policy` output).
    /// `style` is the style of the token JSON minted with it.
    ///
    /// # Errors
    /// [`TokenError::Missing`] (1005) for an empty text, [`TokenError::PolicyTooLarge`] above
    /// [`MAX_POLICY_BYTES`].
    pub fn from_plaintext(
        plaintext: &str,
        creds: &SiteCredentials,
        style: JsonStyle,
    ) -> Result<Self, TokenError> {
        if plaintext.is_empty() {
            return Err(TokenError::missing(
                drm_policy::codes::POLICY_REQUIRED,
                "policy",
            ));
        }
        if plaintext.len() > MAX_POLICY_BYTES {
            return Err(TokenError::PolicyTooLarge {
                len: plaintext.len(),
                limit: MAX_POLICY_BYTES,
            });
        }
        let mut cipher = Vec::new();
        encrypt_into(plaintext.as_bytes(), creds.site_key(), &mut cipher);
        Ok(Self::from_ciphertext(&cipher, creds, style))
    }

    /// Around an already encrypted policy.
    pub(crate) fn from_ciphertext(
        cipher: &[u8],
        creds: &SiteCredentials,
        style: JsonStyle,
    ) -> Self {
        Self {
            b64: crate::b64::encode(cipher),
            style,
            key_tag: *creds.key_tag(),
            mids: Default::default(),
        }
    }

    /// The token's `policy` field (base64 text).
    pub fn policy_field(&self) -> &str {
        &self.b64
    }

    /// The JSON style of the policy text and of the token JSON minted with it.
    pub fn style(&self) -> JsonStyle {
        self.style
    }

    /// Whether this policy was encrypted with the site key of `creds`.
    pub fn is_for(&self, creds: &SiteCredentials) -> bool {
        self.key_tag == *creds.key_tag()
    }

    pub(crate) fn mid(&self, alignment: usize) -> &[u8] {
        let r = alignment % 3;
        self.mids[r].get_or_init(|| {
            let skip = (3 - r) % 3;
            let body = self.b64.as_bytes().get(skip..).unwrap_or_default();
            let whole = body.len() / 3 * 3;
            let mut mid = Vec::with_capacity(crate::b64::encoded_len(whole));
            crate::b64::append(&mut mid, &body[..whole]);
            mid
        })
    }
}

impl fmt::Debug for PreparedPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedPolicy")
            .field("style", &self.style)
            .field("policy_field_len", &self.b64.len())
            .finish_non_exhaustive()
    }
}

//! Minting tokens: the token JSON (spec §2) around a prepared policy, hashed and base64-encoded.

use drm_policy::json_style::write_string;
use drm_policy::{JsonStyle, Policy, codes};

use crate::credentials::{MAX_ID_BYTES, SiteCredentials};
use crate::drm_type::{DrmType, ResponseFormat};
use crate::envelope::{HashInput, token_hash_b64};
use crate::error::TokenError;
use crate::prepared::PreparedPolicy;
use crate::timestamp::Timestamp;

/// What one token is for: DRM, user and content, plus the two fields the hash does not cover.
///
/// ```
/// use drm_policy::{JsonStyle, Policy};
/// use drm_token::{DrmType, PreparedPolicy, ResponseFormat, SiteCredentials, Timestamp, TokenRequest};
///
/// let creds = SiteCredentials::from_strs("TUTO", "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC", "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20")?;
/// let prepared = PreparedPolicy::new(&Policy::new(), &creds, JsonStyle::Python)?;
/// let token = TokenRequest::new(DrmType::Widevine, "test-user", "bigbuckbunny")
///     .response_format(ResponseFormat::Original)
///     .key_rotation(false)
///     .mint(&creds, &prepared, Timestamp::parse("2025-06-01T12:34:56Z")?)?;
/// // Byte for byte what the official Python sample v3 produces (vector v01).
/// assert!(token.starts_with("eyJkcm1fdHlwZSI6ICJXaWRldmluZSIs"));
/// # Ok::<(), drm_token::TokenError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRequest<'a> {
    /// `drm_type`.
    pub drm_type: DrmType,
    /// `user_id` (non-empty; the docs suggest `LICENSETOKEN` when there is no user).
    pub user_id: &'a str,
    /// `cid`: the content id used at packaging.
    pub cid: &'a str,
    /// `response_format` (default `original`).
    pub response_format: ResponseFormat,
    /// `key_rotation` (default `false`).
    pub key_rotation: bool,
}

impl<'a> TokenRequest<'a> {
    /// A request with `response_format: original` and `key_rotation: false`.
    pub fn new(drm_type: DrmType, user_id: &'a str, cid: &'a str) -> Self {
        Self {
            drm_type,
            user_id,
            cid,
            response_format: ResponseFormat::Original,
            key_rotation: false,
        }
    }

    /// Sets `response_format`.
    #[must_use]
    pub fn response_format(mut self, format: ResponseFormat) -> Self {
        self.response_format = format;
        self
    }

    /// Sets `key_rotation`.
    #[must_use]
    pub fn key_rotation(mut self, on: bool) -> Self {
        self.key_rotation = on;
        self
    }

    /// Checks `user_id` (1000) and `cid` (1001): non-empty, at most [`MAX_ID_BYTES`] bytes.
    /// (The official samples check only for `None`; an empty id passes there and fails on the
    /// server.)
    ///
    /// # Errors
    /// The first violation.
    pub fn validate(&self) -> Result<(), TokenError> {
        for (value, code, field) in [
            (self.user_id, codes::USER_ID_REQUIRED, "user_id"),
            (self.cid, codes::CID_REQUIRED, "cid"),
        ] {
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
        }
        Ok(())
    }

    /// Mints the token with a prepared policy (no encryption), in the prepared policy's style.
    ///
    /// # Errors
    /// [`TokenError`] for an empty user id or cid, or a policy prepared with another site key.
    pub fn mint(
        &self,
        creds: &SiteCredentials,
        prepared: &PreparedPolicy,
        timestamp: Timestamp,
    ) -> Result<String, TokenError> {
        let mut minter = TokenMinter::new();
        minter
            .mint_str(self, creds, prepared, timestamp)
            .map(str::to_owned)
    }

    /// Mints the token for a policy given as data: validates, writes and encrypts the policy,
    /// then mints. Use a [`PreparedPolicy`] when the same policy serves many tokens.
    ///
    /// # Errors
    /// As [`TokenRequest::mint`], plus [`TokenError::Policy`].
    pub fn mint_with_policy(
        &self,
        creds: &SiteCredentials,
        policy: &Policy,
        style: JsonStyle,
        timestamp: Timestamp,
    ) -> Result<String, TokenError> {
        self.validate()?;
        policy.validate()?;
        let cipher = encrypt_policy_json(policy, creds, style);
        let field_len = crate::b64::encoded_len(cipher.len());
        // The whole token JSON in one buffer: head, the policy field encoded in place, tail.
        let mut head = String::with_capacity(field_len + 512);
        write_head(&mut head, self, creds, style);
        let mut json = head.into_bytes();
        let field_start = json.len();
        json.resize(field_start + field_len, 0);
        crate::b64::encode_to(&cipher, &mut json[field_start..]);
        let hash = crate::envelope::hash_parts(
            creds.access_key(),
            [
                self.drm_type.as_str().as_bytes(),
                creds.site_id().as_str().as_bytes(),
                self.user_id.as_bytes(),
                self.cid.as_bytes(),
                &json[field_start..],
                timestamp.as_bytes(),
            ],
        );
        let mut tail = String::with_capacity(256);
        write_tail(&mut tail, self, &timestamp, &hash, style);
        json.extend_from_slice(tail.as_bytes());
        Ok(crate::b64::encode_string(&json))
    }

    /// The token JSON (before base64) that [`TokenRequest::mint`] would encode.
    ///
    /// # Errors
    /// As [`TokenRequest::mint`].
    pub fn token_json(
        &self,
        creds: &SiteCredentials,
        prepared: &PreparedPolicy,
        timestamp: Timestamp,
    ) -> Result<String, TokenError> {
        self.check(creds, prepared)?;
        let style = prepared.style();
        let mut json = String::new();
        write_head(&mut json, self, creds, style);
        json.push_str(prepared.policy_field());
        let hash = token_hash_b64(
            creds.access_key(),
            &self.hash_input(creds, prepared.policy_field(), &timestamp),
        );
        write_tail(&mut json, self, &timestamp, &hash, style);
        Ok(json)
    }

    fn check(&self, creds: &SiteCredentials, prepared: &PreparedPolicy) -> Result<(), TokenError> {
        self.validate()?;
        if !prepared.is_for(creds) {
            return Err(TokenError::PreparedForOtherKey);
        }
        Ok(())
    }

    fn hash_input<'b>(
        &'b self,
        creds: &'b SiteCredentials,
        policy_b64: &'b str,
        timestamp: &'b Timestamp,
    ) -> HashInput<'b> {
        HashInput {
            drm_type: self.drm_type.as_str(),
            site_id: creds.site_id().as_str(),
            user_id: self.user_id,
            cid: self.cid,
            policy_b64,
            timestamp: timestamp.as_str(),
        }
    }
}

/// Writes `policy` in `style` straight into a buffer with room for the padding, and encrypts it
/// there: no second copy of the plaintext, which is wiped if the buffer must grow.
pub(crate) fn encrypt_policy_json(
    policy: &Policy,
    creds: &SiteCredentials,
    style: JsonStyle,
) -> Vec<u8> {
    let mut text = String::with_capacity(2048);
    policy.write_json(&mut text, style);
    let len = text.len();
    let mut buf = text.into_bytes();
    if buf.capacity() < len + 16 {
        let mut bigger = Vec::with_capacity(len + 16);
        bigger.extend_from_slice(&buf);
        zeroize::Zeroize::zeroize(&mut buf);
        buf = bigger;
    }
    crate::envelope::encrypt_in_place(&mut buf, len, creds.site_key());
    buf
}

fn key(out: &mut String, name: &str, first: bool, style: JsonStyle) {
    if !first {
        out.push_str(style.item_separator());
    }
    out.push('"');
    out.push_str(name);
    out.push('"');
    out.push_str(style.key_separator());
}

/// `{"drm_type":…,"site_id":…,"user_id":…,"cid":…,"policy":"` (up to the field's opening quote).
fn write_head(out: &mut String, req: &TokenRequest<'_>, creds: &SiteCredentials, style: JsonStyle) {
    out.push('{');
    key(out, "drm_type", true, style);
    write_string(out, req.drm_type.as_str(), style);
    key(out, "site_id", false, style);
    write_string(out, creds.site_id().as_str(), style);
    key(out, "user_id", false, style);
    write_string(out, req.user_id, style);
    key(out, "cid", false, style);
    write_string(out, req.cid, style);
    key(out, "policy", false, style);
    out.push('"');
}

/// `","response_format":…,"key_rotation":…,"timestamp":…,"hash":…}` (from the field's closing quote).
fn write_tail(
    out: &mut String,
    req: &TokenRequest<'_>,
    timestamp: &Timestamp,
    hash: &[u8; crate::envelope::HASH_B64_LEN],
    style: JsonStyle,
) {
    out.push('"');
    key(out, "response_format", false, style);
    out.push('"');
    out.push_str(req.response_format.as_str());
    out.push('"');
    key(out, "key_rotation", false, style);
    out.push_str(if req.key_rotation { "true" } else { "false" });
    key(out, "timestamp", false, style);
    out.push('"');
    out.push_str(timestamp.as_str());
    out.push('"');
    key(out, "hash", false, style);
    out.push('"');
    // Base64 output is ASCII; the fallback is never taken.
    out.push_str(std::str::from_utf8(hash).unwrap_or_default());
    out.push_str("\"}");
}

use crate::b64::append as append_b64;

/// Mints many tokens with reused buffers: no allocation per token once warm.
///
/// ```
/// use drm_policy::{JsonStyle, Policy};
/// use drm_token::{DrmType, PreparedPolicy, SiteCredentials, Timestamp, TokenMinter, TokenRequest};
///
/// let creds = SiteCredentials::from_strs("TUTO", "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC", "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20")?;
/// let prepared = PreparedPolicy::new(&Policy::new(), &creds, JsonStyle::Compact)?;
/// let now = Timestamp::now();
/// let mut minter = TokenMinter::new();
/// for user in ["u1", "u2", "u3"] {
///     let token: &str = minter.mint_str(&TokenRequest::new(DrmType::Widevine, user, "cid"), &creds, &prepared, now)?;
///     assert!(!token.is_empty());
/// }
/// # Ok::<(), drm_token::TokenError>(())
/// ```
#[derive(Debug, Default)]
pub struct TokenMinter {
    head: String,
    tail: String,
    out: Vec<u8>,
}

impl TokenMinter {
    /// A minter with empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mints one token into the minter's buffer and returns its bytes (ASCII base64).
    ///
    /// # Errors
    /// As [`TokenRequest::mint`].
    pub fn mint(
        &mut self,
        req: &TokenRequest<'_>,
        creds: &SiteCredentials,
        prepared: &PreparedPolicy,
        timestamp: Timestamp,
    ) -> Result<&[u8], TokenError> {
        req.check(creds, prepared)?;
        let style = prepared.style();
        let field = prepared.policy_field().as_bytes();

        self.head.clear();
        write_head(&mut self.head, req, creds, style);
        let head = self.head.as_bytes();
        let r = head.len() % 3;
        let skip = (3 - r) % 3;
        let whole = field.len().saturating_sub(skip) / 3 * 3;

        let hash = token_hash_b64(
            creds.access_key(),
            &req.hash_input(creds, prepared.policy_field(), &timestamp),
        );
        self.tail.clear();
        // The field's last bytes that do not fill a group, then the rest of the JSON.
        let rest = field.get(skip + whole..).unwrap_or_default();
        self.tail
            .push_str(std::str::from_utf8(rest).unwrap_or_default());
        write_tail(&mut self.tail, req, &timestamp, &hash, style);

        let total = head.len() + field.len() + self.tail.len() - rest.len();
        self.out.clear();
        self.out.reserve(crate::b64::encoded_len(total));
        if field.len() < skip + 3 {
            // Too short for the precomputed middle (never the case for real ciphertexts).
            let mut json = Vec::with_capacity(total);
            json.extend_from_slice(head);
            json.extend_from_slice(field);
            json.extend_from_slice(&self.tail.as_bytes()[rest.len()..]);
            append_b64(&mut self.out, &json);
            return Ok(&self.out);
        }
        append_b64(&mut self.out, &head[..head.len() - r]);
        if r != 0 {
            let mut group = [0u8; 3];
            group[..r].copy_from_slice(&head[head.len() - r..]);
            group[r..].copy_from_slice(&field[..skip]);
            append_b64(&mut self.out, &group);
        }
        self.out.extend_from_slice(prepared.mid(r));
        append_b64(&mut self.out, self.tail.as_bytes());
        Ok(&self.out)
    }

    /// [`TokenMinter::mint`] as text.
    ///
    /// # Errors
    /// As [`TokenRequest::mint`].
    pub fn mint_str(
        &mut self,
        req: &TokenRequest<'_>,
        creds: &SiteCredentials,
        prepared: &PreparedPolicy,
        timestamp: Timestamp,
    ) -> Result<&str, TokenError> {
        let bytes = self.mint(req, creds, prepared, timestamp)?;
        // Base64 output is ASCII.
        Ok(std::str::from_utf8(bytes).unwrap_or_default())
    }
}

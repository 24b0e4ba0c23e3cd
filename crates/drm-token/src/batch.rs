//! Minting tokens from JSON Lines requests, one token per line, at full speed.
//!
//! Each line is a JSON object with the token JSON's field names — `drm_type` (`Widevine` or
//! `widevine`), `user_id`, `cid`, `response_format`, `key_rotation`, `timestamp` — plus
//! optional `site_id`, `site_key`, `access_key` and `policy` (a policy object, or its JSON
//! text). Whatever a line leaves out comes from [`BatchDefaults`]; a line without `timestamp`
//! gets the current time. `null` counts as absent.
//!
//! Credentials and prepared policies are cached (per site key and policy text), so a batch
//! encrypts each distinct policy once; the tokens are minted into reused buffers.
//!
//! ```
//! use drm_token::batch::{BatchDefaults, BatchIssuer};
//!
//! let mut defaults = BatchDefaults::default();
//! defaults.site_id = Some("TUTO".into());
//! defaults.site_key = Some("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC".into());
//! defaults.access_key = Some("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20".into());
//! let mut issuer = BatchIssuer::new(defaults);
//! let token = issuer.issue_line(br#"{"drm_type": "widevine", "user_id": "u1", "cid": "c1"}"#)?;
//! assert!(!token.is_empty());
//! let err = issuer.issue_line(br#"{"drm_type": "Widevine", "user_id": "u1", "cid": "c1", "key_rotation": "yes"}"#).unwrap_err();
//! assert_eq!(err.code().map(|c| c.get()), Some(1055));
//! # Ok::<(), drm_token::TokenError>(())
//! ```

use std::borrow::Cow;

use drm_policy::{ErrorCode, JsonStyle, codes};
use drm_secret::SecretString;
use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::credentials::SiteCredentials;
use crate::drm_type::{DrmType, ResponseFormat};
use crate::error::TokenError;
use crate::mint::{TokenMinter, TokenRequest};
use crate::prepared::PreparedPolicy;
use crate::timestamp::Timestamp;

/// The longest request line accepted (a line carries at most one policy).
pub const MAX_LINE_BYTES: usize = drm_policy::read::MAX_POLICY_BYTES + 64 * 1024;

/// How many distinct credentials / prepared policies a batch keeps.
const CACHE_LIMIT: usize = 64;

/// The values a request line may leave out. The keys (and the policy text, which can hold
/// content keys) are secret types: redacted in `Debug`, wiped on drop. They are checked when a
/// line uses them, so a bad default key fails each line with its official code.
#[derive(Clone, Default)]
pub struct BatchDefaults {
    /// `drm_type` for lines without one.
    pub drm_type: Option<DrmType>,
    /// `site_id`.
    pub site_id: Option<String>,
    /// `site_key` (Console text).
    pub site_key: Option<SecretString>,
    /// `access_key`.
    pub access_key: Option<SecretString>,
    /// The policy JSON text for lines without `policy` (none: `{"policy_version": 2}`).
    pub policy: Option<SecretString>,
    /// `response_format` for lines without one.
    pub response_format: ResponseFormat,
    /// `key_rotation` for lines without one.
    pub key_rotation: bool,
    /// `timestamp` for lines without one (none: the clock, read per line).
    pub timestamp: Option<Timestamp>,
    /// The JSON style of policies and token JSON.
    pub style: JsonStyle,
}

impl std::fmt::Debug for BatchDefaults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchDefaults")
            .field("drm_type", &self.drm_type)
            .field("site_id", &self.site_id)
            .field("site_key", &self.site_key)
            .field("access_key", &self.access_key)
            .field("policy_len", &self.policy.as_ref().map(SecretString::len))
            .field("response_format", &self.response_format)
            .field("key_rotation", &self.key_rotation)
            .field("timestamp", &self.timestamp)
            .field("style", &self.style)
            .finish()
    }
}

/// One request line, each member kept raw so that a wrong JSON type maps to its field's code.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    #[serde(borrow)]
    drm_type: Option<&'a RawValue>,
    #[serde(borrow)]
    site_id: Option<&'a RawValue>,
    #[serde(borrow)]
    site_key: Option<&'a RawValue>,
    #[serde(borrow)]
    access_key: Option<&'a RawValue>,
    #[serde(borrow)]
    user_id: Option<&'a RawValue>,
    #[serde(borrow)]
    cid: Option<&'a RawValue>,
    #[serde(borrow)]
    policy: Option<&'a RawValue>,
    #[serde(borrow)]
    response_format: Option<&'a RawValue>,
    #[serde(borrow)]
    key_rotation: Option<&'a RawValue>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
}

/// A JSON string member, borrowed when it has no escapes.
fn text<'a>(
    raw: Option<&'a RawValue>,
    code: ErrorCode,
    field: &'static str,
) -> Result<Option<Cow<'a, str>>, TokenError> {
    let Some(raw) = raw else { return Ok(None) };
    let json = raw.get();
    if !json.starts_with('"') {
        return Err(TokenError::InvalidField {
            code,
            field,
            reason: "should be a string".to_owned(),
        });
    }
    if let Ok(s) = serde_json::from_str::<&'a str>(json) {
        return Ok(Some(Cow::Borrowed(s)));
    }
    serde_json::from_str::<String>(json)
        .map(|s| Some(Cow::Owned(s)))
        .map_err(|_| TokenError::InvalidField {
            code,
            field,
            reason: "is not a valid JSON string".to_owned(),
        })
}

/// Mints one token per request line; see the [module docs](self).
pub struct BatchIssuer {
    defaults: BatchDefaults,
    default_policy: Zeroizing<String>,
    creds: Vec<SiteCredentials>,
    prepared: Vec<([u8; 32], Zeroizing<String>, PreparedPolicy)>,
    minter: TokenMinter,
    clock: Option<Timestamp>,
}

impl std::fmt::Debug for BatchIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchIssuer")
            .field("defaults", &self.defaults)
            .field("cached_credentials", &self.creds.len())
            .field("cached_policies", &self.prepared.len())
            .finish_non_exhaustive()
    }
}

impl BatchIssuer {
    /// An issuer with these defaults.
    pub fn new(defaults: BatchDefaults) -> Self {
        let default_policy = Zeroizing::new(
            defaults
                .policy
                .as_ref()
                .map_or(r#"{"policy_version": 2}"#, SecretString::expose_secret)
                .to_owned(),
        );
        Self {
            defaults,
            default_policy,
            creds: Vec::new(),
            prepared: Vec::new(),
            minter: TokenMinter::new(),
            clock: None,
        }
    }

    /// Mints the token for one request line (without its line break; a trailing `\r` is
    /// ignored). The returned bytes live until the next call.
    ///
    /// # Errors
    /// The line's first problem, with its official code ([`TokenError::code`]).
    pub fn issue_line(&mut self, line: &[u8]) -> Result<&[u8], TokenError> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > MAX_LINE_BYTES {
            return Err(TokenError::Request {
                reason: format!(
                    "the line is {} bytes; the limit is {MAX_LINE_BYTES}",
                    line.len()
                ),
            });
        }
        let req: Line<'_> = serde_json::from_slice(line).map_err(|e| TokenError::Request {
            reason: if line.iter().all(u8::is_ascii_whitespace) {
                "empty line".to_owned()
            } else {
                format!("not a JSON request object: {e}")
            },
        })?;

        // The official order of the required-field checks: user_id, cid, site_id, access_key,
        // site_key, policy; then the other fields.
        let user_id = text(req.user_id, codes::USER_ID_REQUIRED, "user_id")?
            .ok_or(TokenError::missing(codes::USER_ID_REQUIRED, "user_id"))?;
        let cid = text(req.cid, codes::CID_REQUIRED, "cid")?
            .ok_or(TokenError::missing(codes::CID_REQUIRED, "cid"))?;
        let creds_index = self.credentials(&req)?;

        let drm_type = match text(req.drm_type, codes::SERVER_INVALID_DRM_TYPE, "drm_type")? {
            Some(name) => name.parse::<DrmType>()?,
            None => self.defaults.drm_type.ok_or_else(|| TokenError::DrmType {
                value: String::new(),
            })?,
        };
        let response_format = match text(
            req.response_format,
            codes::RESPONSE_FORMAT,
            "response_format",
        )? {
            Some(f) => f.parse::<ResponseFormat>()?,
            None => self.defaults.response_format,
        };
        let key_rotation = match req.key_rotation.map(RawValue::get) {
            None => self.defaults.key_rotation,
            Some("true") => true,
            Some("false") => false,
            Some(_) => return Err(TokenError::KeyRotation),
        };
        let timestamp = match text(req.timestamp, codes::SERVER_TOKEN_EXPIRED, "timestamp")? {
            Some(t) => Timestamp::parse(&t)?,
            None => match self.defaults.timestamp {
                Some(t) => t,
                None => self.now(),
            },
        };

        let prepared_index = self.prepared(&req, creds_index)?;
        let request = TokenRequest::new(drm_type, &user_id, &cid)
            .response_format(response_format)
            .key_rotation(key_rotation);
        let creds = &self.creds[creds_index];
        let prepared = &self.prepared[prepared_index].2;
        self.minter.mint(&request, creds, prepared, timestamp)
    }

    /// The current second, formatted once per second.
    fn now(&mut self) -> Timestamp {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        match self.clock {
            Some(t) if u64::try_from(t.unix_seconds()) == Ok(secs) => t,
            _ => {
                let t = Timestamp::now();
                self.clock = Some(t);
                t
            }
        }
    }

    /// The index of the line's credentials in the cache (added when new).
    fn credentials(&mut self, req: &Line<'_>) -> Result<usize, TokenError> {
        let site_id = text(req.site_id, codes::SITE_ID_REQUIRED, "site_id")?;
        let access_key = text(req.access_key, codes::ACCESS_KEY_REQUIRED, "access_key")?
            .map(|c| Zeroizing::new(c.into_owned()));
        let site_key = text(req.site_key, codes::SITE_KEY_REQUIRED, "site_key")?
            .map(|c| Zeroizing::new(c.into_owned()));
        let site_id = site_id
            .as_deref()
            .or(self.defaults.site_id.as_deref())
            .unwrap_or_default();
        let access_key = access_key
            .as_deref()
            .map(String::as_str)
            .or(self
                .defaults
                .access_key
                .as_ref()
                .map(SecretString::expose_secret))
            .unwrap_or_default();
        let site_key = site_key
            .as_deref()
            .map(String::as_str)
            .or(self
                .defaults
                .site_key
                .as_ref()
                .map(SecretString::expose_secret))
            .unwrap_or_default();
        if let Some(i) = self.creds.iter().position(|c| {
            c.site_id().as_str() == site_id
                && c.site_key().expose_secret() == site_key.as_bytes()
                && c.access_key().expose_secret() == access_key
        }) {
            return Ok(i);
        }
        let creds = SiteCredentials::from_strs(site_id, site_key, access_key)?;
        if self.creds.len() >= CACHE_LIMIT {
            self.creds.remove(0);
            // Prepared policies are keyed by site key, not by index: nothing else to update.
        }
        self.creds.push(creds);
        Ok(self.creds.len() - 1)
    }

    /// The index of the line's prepared policy in the cache (prepared when new).
    fn prepared(&mut self, req: &Line<'_>, creds_index: usize) -> Result<usize, TokenError> {
        let policy_text: Cow<'_, str> = match req.policy {
            None => Cow::Borrowed(self.default_policy.as_str()),
            Some(raw) if raw.get().starts_with('{') => Cow::Borrowed(raw.get()),
            Some(raw) if raw.get().starts_with('"') => {
                text(Some(raw), codes::POLICY_REQUIRED, "policy")?.unwrap_or_default()
            }
            Some(_) => {
                return Err(TokenError::InvalidField {
                    code: codes::POLICY_REQUIRED,
                    field: "policy",
                    reason: "should be a policy object or its JSON text".to_owned(),
                });
            }
        };
        let creds = &self.creds[creds_index];
        let tag = *creds.key_tag();
        if let Some(i) = self
            .prepared
            .iter()
            .position(|(t, text, _)| *t == tag && text.as_str() == policy_text)
        {
            return Ok(i);
        }
        let prepared = PreparedPolicy::from_json(&policy_text, creds, self.defaults.style)?;
        if self.prepared.len() >= CACHE_LIMIT {
            self.prepared.remove(0);
        }
        self.prepared
            .push((tag, Zeroizing::new(policy_text.into_owned()), prepared));
        Ok(self.prepared.len() - 1)
    }
}

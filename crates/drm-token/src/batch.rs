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
//! let defaults = BatchDefaults {
//!     site_id: Some("TUTO".into()),
//!     site_key: Some("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC".into()),
//!     access_key: Some("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20".into()),
//!     ..BatchDefaults::default()
//! };
//! let mut issuer = BatchIssuer::new(defaults);
//! let token = issuer.issue_line(br#"{"drm_type": "widevine", "user_id": "u1", "cid": "c1"}"#)?;
//! assert!(!token.is_empty());
//! let err = issuer.issue_line(br#"{"drm_type": "Widevine", "user_id": "u1", "cid": "c1", "key_rotation": "yes"}"#).unwrap_err();
//! assert_eq!(err.code().map(|c| c.get()), Some(1055));
//! # Ok::<(), drm_token::TokenError>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use drm_policy::{ErrorCode, JsonStyle, codes};
use drm_secret::SecretString;
use serde::Deserialize;
use serde_json::value::RawValue;
use subtle::ConstantTimeEq;
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
    /// The most recently used entry of `creds`.
    last_creds: Option<usize>,
    prepared: PolicyCache,
    minter: TokenMinter,
    clock: Option<Timestamp>,
}

impl std::fmt::Debug for BatchIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchIssuer")
            .field("defaults", &self.defaults)
            .field("cached_credentials", &self.creds.len())
            .field("cached_policies", &self.prepared.slots.len())
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
            last_creds: None,
            prepared: PolicyCache::default(),
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
        let prepared = &self.prepared.slots[prepared_index].prepared;
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
        // Secrets are compared in constant time; the entry used last is tried first.
        let same = |c: &SiteCredentials| {
            c.site_id().as_str() == site_id
                && bool::from(c.site_key().expose_secret()[..].ct_eq(site_key.as_bytes()))
                && bool::from(
                    c.access_key()
                        .expose_secret()
                        .as_bytes()
                        .ct_eq(access_key.as_bytes()),
                )
        };
        if let Some(i) = self.last_creds.filter(|&i| same(&self.creds[i])) {
            return Ok(i);
        }
        if let Some(i) = self.creds.iter().position(same) {
            self.last_creds = Some(i);
            return Ok(i);
        }
        let creds = SiteCredentials::from_strs(site_id, site_key, access_key)?;
        if self.creds.len() >= CACHE_LIMIT {
            // Prepared policies are keyed by site key, not by index: nothing else to update.
            self.creds.clear();
        }
        self.creds.push(creds);
        self.last_creds = Some(self.creds.len() - 1);
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
        let hash = match self.prepared.find(&tag, &policy_text) {
            Ok(i) => return Ok(i),
            Err(hash) => hash,
        };
        let prepared = PreparedPolicy::from_json(&policy_text, creds, self.defaults.style)?;
        Ok(self.prepared.insert(Slot {
            hash,
            tag,
            text: Zeroizing::new(policy_text.into_owned()),
            prepared,
        }))
    }
}

/// One prepared policy of the cache, with what it was prepared from.
struct Slot {
    hash: u64,
    /// The site key's tag (see [`SiteCredentials`]).
    tag: [u8; 32],
    /// The policy text as the line gave it.
    text: Zeroizing<String>,
    prepared: PreparedPolicy,
}

/// The prepared policies of a batch: at most [`CACHE_LIMIT`] slots, replaced in turn, found
/// through a hash index in constant time however full the cache is (the slot used last is tried
/// first, without hashing: a batch with one policy never hashes it).
#[derive(Default)]
struct PolicyCache {
    slots: Vec<Slot>,
    index: HashMap<u64, usize>,
    /// The slot the next insertion replaces once the cache is full.
    next: usize,
    last: Option<usize>,
    hasher: RandomState,
}

impl PolicyCache {
    fn matches(slot: &Slot, tag: &[u8; 32], text: &str) -> bool {
        slot.tag == *tag && slot.text.as_str() == text
    }

    /// The slot of (`tag`, `text`), or the hash to insert it under.
    fn find(&mut self, tag: &[u8; 32], text: &str) -> Result<usize, u64> {
        if let Some(i) = self
            .last
            .filter(|&i| Self::matches(&self.slots[i], tag, text))
        {
            return Ok(i);
        }
        let hash = self.hasher.hash_one((tag, text));
        match self.index.get(&hash) {
            Some(&i) if Self::matches(&self.slots[i], tag, text) => {
                self.last = Some(i);
                Ok(i)
            }
            _ => Err(hash),
        }
    }

    /// Stores `slot` (replacing the oldest one when full) and returns its index.
    fn insert(&mut self, slot: Slot) -> usize {
        let hash = slot.hash;
        let i = if self.slots.len() < CACHE_LIMIT {
            self.slots.push(slot);
            self.slots.len() - 1
        } else {
            let i = self.next;
            self.next = (i + 1) % CACHE_LIMIT;
            let old = std::mem::replace(&mut self.slots[i], slot);
            if self.index.get(&old.hash) == Some(&i) {
                self.index.remove(&old.hash);
            }
            i
        };
        self.index.insert(hash, i);
        self.last = Some(i);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> BatchIssuer {
        BatchIssuer::new(BatchDefaults {
            site_id: Some("TUTO".into()),
            site_key: Some("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC".into()),
            access_key: Some("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20".into()),
            timestamp: Some(Timestamp::parse("2025-06-01T12:34:56Z").unwrap_or(Timestamp::now())),
            ..BatchDefaults::default()
        })
    }

    fn line(duration: usize) -> String {
        format!(
            r#"{{"drm_type": "Widevine", "user_id": "u", "cid": "c", "policy": {{"policy_version": 2, "playback_policy": {{"license_duration": {duration}}}}}}}"#
        )
    }

    #[test]
    fn a_full_cache_keeps_answering_like_an_empty_one() {
        let mut cached = issuer();
        // Three times the cache size: every slot is replaced twice, in turn.
        let lines: Vec<String> = (0..3 * CACHE_LIMIT).map(line).collect();
        for round in 0..2 {
            for (i, text) in lines.iter().enumerate().rev() {
                let got = cached.issue_line(text.as_bytes()).map(<[u8]>::to_vec);
                let fresh = issuer().issue_line(text.as_bytes()).map(<[u8]>::to_vec);
                assert_eq!(got, fresh, "round {round}, line {i}");
            }
        }
        assert_eq!(cached.prepared.slots.len(), CACHE_LIMIT);
        assert!(cached.prepared.index.len() <= CACHE_LIMIT);
        // The last line is cached and found again.
        let hash = cached.prepared.find(cached.creds[0].key_tag(), &{
            let l = line(0);
            l[l.find("{\"policy_version").unwrap_or(0)..l.len() - 1].to_owned()
        });
        assert!(hash.is_ok());
    }
}

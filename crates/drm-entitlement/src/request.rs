//! The player's request (tokenize or heartbeat): the body as received, typed accessors tolerant
//! of the platforms' number/string variants, format validation, and a builder.

use std::fmt;
use std::str::FromStr;

use crate::error::{FieldError, JsonError, SignError, VerifyError};
use crate::formats::FieldFormats;
use crate::json::{JsonObject, Value};
use crate::message::{REQUEST_KEYS, SIGNATURE_KEY};
use crate::render::{NullPolicy, Rendering};
use crate::secret::SharedSecret;
use crate::signature::{self, Signature};

mod validate;

/// Longest accepted text for any single request field (user tokens are JWTs of a few KiB).
pub const MAX_FIELD_CHARS: usize = 8 * 1024;
/// Longest accepted `VideoId`.
pub const MAX_VIDEO_ID_CHARS: usize = 512;

/// `Type`: what the player asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestType {
    /// `1`: entitlement check and URL tokenization ("processUrl").
    Tokenize,
    /// `2`: heartbeat during playback.
    Heartbeat,
}

impl RequestType {
    /// The wire code (`1` or `2`).
    pub fn code(self) -> u8 {
        match self {
            RequestType::Tokenize => 1,
            RequestType::Heartbeat => 2,
        }
    }

    /// From the wire code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "1" => Some(RequestType::Tokenize),
            "2" => Some(RequestType::Heartbeat),
            _ => None,
        }
    }
}

/// `AssetState`: live or on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AssetState {
    /// `2`: live.
    Live,
    /// `3`: video on demand.
    Vod,
}

impl AssetState {
    /// The wire code (`2` or `3`).
    pub fn code(self) -> u8 {
        match self {
            AssetState::Live => 2,
            AssetState::Vod => 3,
        }
    }

    /// From the wire code.
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "2" => Some(AssetState::Live),
            "3" => Some(AssetState::Vod),
            _ => None,
        }
    }
}

/// A request `Challenge`: a hyphenated UUID, kept exactly as sent (Swift sends upper case, JS
/// lower case; the response key must use the same bytes).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Challenge(String);

impl Challenge {
    /// A fresh random (v4) UUID in lower case. Use a new one for every call.
    pub fn new_v4() -> Self {
        Self(uuid::Uuid::new_v4().hyphenated().to_string())
    }

    /// The text exactly as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The UUID in lower case: the identity used by replay guards, independent of case.
    pub fn replay_key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Challenge({})", self.0)
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Challenge {
    type Err = FieldError;

    /// A UUID in the 8-4-4-4-12 hyphenated form, either case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hyphenated = s.len() == 36
            && s.bytes().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_hexdigit(),
            });
        if hyphenated {
            Ok(Self(s.to_owned()))
        } else {
            Err(FieldError::Invalid {
                field: "Challenge",
                reason: "not a hyphenated UUID".into(),
            })
        }
    }
}

impl TryFrom<&str> for Challenge {
    type Error = FieldError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

/// A request body as received: every key kept (unknown ones too, unsigned), values verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntitlementRequest {
    body: JsonObject,
}

impl EntitlementRequest {
    /// Parses a body of at most [`crate::DEFAULT_MAX_BODY_BYTES`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, JsonError> {
        JsonObject::from_slice(bytes).map(Self::from)
    }

    /// A builder for a tokenize (`Type` 1) request.
    pub fn tokenize() -> RequestBuilder {
        RequestBuilder::new(RequestType::Tokenize)
    }

    /// A builder for a heartbeat (`Type` 2) request.
    pub fn heartbeat() -> RequestBuilder {
        RequestBuilder::new(RequestType::Heartbeat)
    }

    /// The body.
    pub fn body(&self) -> &JsonObject {
        &self.body
    }

    /// The body, mutable (e.g. to tamper with it in tests).
    pub fn body_mut(&mut self) -> &mut JsonObject {
        &mut self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> JsonObject {
        self.body
    }

    /// Compact JSON text of the body (numbers as received).
    pub fn to_json_string(&self) -> String {
        self.body.to_json_string()
    }

    /// Text of a field that platforms send as a string (or, tolerated, a number): `""` when
    /// absent or null.
    pub fn text(&self, field: &'static str) -> Result<&str, FieldError> {
        text_field(&self.body, field)
    }

    /// `Type`, as number `1`/`2` or string `"1"`/`"2"`.
    pub fn request_type(&self) -> Result<RequestType, FieldError> {
        let code = code_field(&self.body, "Type")?.ok_or(FieldError::Missing { field: "Type" })?;
        RequestType::from_code(code).ok_or_else(|| FieldError::Invalid {
            field: "Type",
            reason: "must be 1 (tokenize) or 2 (heartbeat)".into(),
        })
    }

    /// `AssetState`, as number or string; `None` when absent, null or empty.
    pub fn asset_state(&self) -> Result<Option<AssetState>, FieldError> {
        match code_field(&self.body, "AssetState")? {
            None => Ok(None),
            Some(code) => {
                AssetState::from_code(code)
                    .map(Some)
                    .ok_or_else(|| FieldError::Invalid {
                        field: "AssetState",
                        reason: "must be 2 (live) or 3 (VOD)".into(),
                    })
            }
        }
    }

    /// `Challenge`, checked to be a hyphenated UUID; `None` when absent, null or empty.
    pub fn challenge(&self) -> Result<Option<Challenge>, FieldError> {
        match self.body.get("Challenge") {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => s.parse().map(Some),
            Some(other) => Err(FieldError::WrongType {
                field: "Challenge",
                expected: "a string",
                found: other.type_name(),
            }),
        }
    }

    /// The `Challenge` string as sent, whatever its format (for keying a "ko" answer to a
    /// request that failed validation).
    pub fn raw_challenge(&self) -> Option<&str> {
        self.body.get("Challenge").and_then(Value::as_str)
    }

    /// The parsed `Signature`.
    pub fn signature(&self) -> Result<Signature, VerifyError> {
        signature::signature_of(&self.body)
    }

    /// Whether a `Signature` key is present (with any value).
    pub fn has_signature(&self) -> bool {
        self.body
            .get(SIGNATURE_KEY)
            .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
    }

    /// Keys outside the signed set and `Signature` (e.g. `other`, `Other__`, `VideoOfferType`).
    pub fn unsigned_keys(&self) -> impl Iterator<Item = &str> {
        self.body
            .iter()
            .map(|(k, _)| k)
            .filter(|k| *k != SIGNATURE_KEY && !REQUEST_KEYS.contains(k))
    }

    /// Sets a `Challenge` (fresh v4 UUID) when there is none; returns the challenge in use.
    pub fn ensure_challenge(&mut self) -> Result<String, SignError> {
        match signature::request_challenge(&self.body) {
            Ok(c) => Ok(c.to_owned()),
            Err(SignError::MissingChallenge) => {
                let c = Challenge::new_v4();
                self.body.insert("Challenge", c.as_str());
                Ok(c.0)
            }
            Err(e) => Err(e),
        }
    }

    /// Signs with `rendering` and stores `Signature`. The body must carry a `Challenge`.
    pub fn sign(
        &mut self,
        secret: &SharedSecret,
        rendering: &Rendering,
    ) -> Result<Signature, SignError> {
        signature::sign_request_in_place(&mut self.body, secret, rendering)
    }

    /// Verifies `Signature` (lexical; null skipped or literal; hex either case).
    pub fn verify(&self, secret: &SharedSecret) -> Result<NullPolicy, VerifyError> {
        signature::verify_request(&self.body, secret)
    }

    /// Checks every field's type and format against the default [`FieldFormats`] and returns
    /// the typed view (see [`EntitlementRequest::validate_with`]).
    pub fn validate(&self) -> Result<RequestFields, FieldError> {
        self.validate_with(&FieldFormats::default())
    }

    /// Checks every field's type and format and returns the typed view. Formats are checked
    /// before a signature is trusted: concatenation without separators is not injective
    /// (`"alice"+"42"` = `"alice4"+"2"`), so the values must make sense on their own.
    pub fn validate_with(&self, formats: &FieldFormats) -> Result<RequestFields, FieldError> {
        validate::validate(self, formats)
    }
}

impl From<JsonObject> for EntitlementRequest {
    fn from(body: JsonObject) -> Self {
        Self { body }
    }
}

/// Text of a string field; numbers are tolerated (their literal), absent/null/empty is `""`.
fn text_field<'a>(body: &'a JsonObject, field: &'static str) -> Result<&'a str, FieldError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(""),
        Some(v) => v.as_scalar_text().ok_or(FieldError::WrongType {
            field,
            expected: "a string",
            found: v.type_name(),
        }),
    }
}

/// A small integer code sent as a number or a string; `None` when absent/null/empty.
fn code_field<'a>(
    body: &'a JsonObject,
    field: &'static str,
) -> Result<Option<&'a str>, FieldError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) if n.is_integral_literal() => Ok(Some(n.as_str())),
        Some(Value::Number(_)) => Err(FieldError::Invalid {
            field,
            reason: "must be an integer".into(),
        }),
        Some(other) => Err(FieldError::WrongType {
            field,
            expected: "an integer or a string of digits",
            found: other.type_name(),
        }),
    }
}

/// The typed, format-checked view of a request ([`EntitlementRequest::validate`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestFields {
    /// `Type`.
    pub request_type: RequestType,
    /// `User`: the user's auth token (empty for `AuthType` Open).
    pub user: String,
    /// `VideoId`.
    pub video_id: String,
    /// `VideoSource`: the manifest URL (empty or an http(s) URL).
    pub video_source: String,
    /// `VideoKind`.
    pub video_kind: String,
    /// `AssetState`.
    pub asset_state: Option<AssetState>,
    /// `PlayerType`.
    pub player_type: String,
    /// `VideoSourceFormat`.
    pub video_source_format: String,
    /// `VideoSourceName`.
    pub video_source_name: String,
    /// `DRMType` as sent (`widevine`, `playready`, `fairplay`, or empty).
    pub drm_type: String,
    /// `AuthType` (`Token`, `Open`).
    pub auth_type: String,
    /// `ContentKeyData`.
    pub content_key_data: String,
    /// `Other`.
    pub other: String,
    /// `Challenge`, when present.
    pub challenge: Option<Challenge>,
}

/// Builds a request body with the signed fields in signing order (`Type` as a number,
/// `AssetState` as a string — the web player's shapes), then extra keys.
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    request_type: RequestType,
    fields: Vec<(&'static str, String)>,
    asset_state: Option<AssetState>,
    challenge: Option<String>,
    extra: Vec<(String, Value)>,
}

macro_rules! text_setters {
    ($($(#[$doc:meta])* $name:ident => $key:literal;)*) => {$(
        $(#[$doc])*
        #[must_use]
        pub fn $name(self, value: impl Into<String>) -> Self {
            self.set($key, value.into())
        }
    )*};
}

impl RequestBuilder {
    fn new(request_type: RequestType) -> Self {
        Self {
            request_type,
            fields: Vec::new(),
            asset_state: None,
            challenge: None,
            extra: Vec::new(),
        }
    }

    fn set(mut self, key: &'static str, value: String) -> Self {
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((key, value)),
        }
        self
    }

    text_setters! {
        /// `User`.
        user => "User";
        /// `VideoId`.
        video_id => "VideoId";
        /// `VideoSource`.
        video_source => "VideoSource";
        /// `VideoKind`.
        video_kind => "VideoKind";
        /// `PlayerType`.
        player_type => "PlayerType";
        /// `VideoSourceFormat`.
        video_source_format => "VideoSourceFormat";
        /// `VideoSourceName`.
        video_source_name => "VideoSourceName";
        /// `DRMType`.
        drm_type => "DRMType";
        /// `AuthType`.
        auth_type => "AuthType";
        /// `ContentKeyData`.
        content_key_data => "ContentKeyData";
        /// `Other`.
        other => "Other";
    }

    /// Changes `Type` (e.g. to reuse a tokenize template for heartbeats).
    #[must_use]
    pub fn request_type(mut self, request_type: RequestType) -> Self {
        self.request_type = request_type;
        self
    }

    /// `AssetState`.
    #[must_use]
    pub fn asset_state(mut self, state: AssetState) -> Self {
        self.asset_state = Some(state);
        self
    }

    /// A fixed `Challenge` (by default a fresh v4 UUID is generated at [`Self::build`]).
    #[must_use]
    pub fn challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// An extra, unsigned key (e.g. `VideoOfferType`).
    #[must_use]
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.push((key.into(), value.into()));
        self
    }

    /// The unsigned request body.
    pub fn build(self) -> EntitlementRequest {
        let mut body = JsonObject::new();
        body.insert("Type", u32::from(self.request_type.code()));
        for key in REQUEST_KEYS {
            match key {
                "Type" => {}
                "AssetState" => {
                    if let Some(s) = self.asset_state {
                        body.insert(key, s.code().to_string());
                    }
                }
                "Challenge" => {
                    let c = self
                        .challenge
                        .clone()
                        .unwrap_or_else(|| Challenge::new_v4().0);
                    body.insert(key, c);
                }
                _ => {
                    if let Some((_, v)) = self.fields.iter().find(|(k, _)| *k == key) {
                        body.insert(key, v.as_str());
                    }
                }
            }
        }
        for (k, v) in self.extra {
            if !REQUEST_KEYS.contains(&k.as_str()) && k != SIGNATURE_KEY {
                body.insert(k, v);
            }
        }
        EntitlementRequest { body }
    }

    /// The body, signed with lexical rendering.
    pub fn sign(self, secret: &SharedSecret) -> Result<EntitlementRequest, SignError> {
        let mut req = self.build();
        req.sign(secret, &Rendering::lexical())?;
        Ok(req)
    }
}

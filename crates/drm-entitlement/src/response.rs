//! The back end's answer: the body as received or built, typed accessors, and a builder that puts
//! only strings and integers into signed fields.

use crate::codes;
use crate::error::{FieldError, JsonError, SignError, VerifyError};
use crate::json::{JsonObject, Value};
use crate::message::{RESPONSE_KEYS, SIGNATURE_KEY};
use crate::render::Rendering;
use crate::secret::SharedSecret;
use crate::signature::{self, Signature};

/// `Response`: "ok" or "ko" (compared case-insensitively, as the players do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseStatus {
    /// Playback (or the heartbeat) is allowed.
    Ok,
    /// Refused; `ResponseCode` says why.
    Ko,
}

impl ResponseStatus {
    /// `ok` / `ko`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::Ok => "ok",
            ResponseStatus::Ko => "ko",
        }
    }
}

/// A response body: every key kept, values verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntitlementResponse {
    body: JsonObject,
}

impl EntitlementResponse {
    /// Parses a body of at most [`crate::DEFAULT_MAX_BODY_BYTES`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, JsonError> {
        JsonObject::from_slice(bytes).map(Self::from)
    }

    /// A builder for an "ok" answer.
    pub fn ok() -> ResponseBuilder {
        ResponseBuilder::new(ResponseStatus::Ok, codes::OK)
    }

    /// A builder for a "ko" answer with `code` (see [`crate::codes`]) and a message.
    pub fn ko(code: impl Into<codes::ResponseCode>, message: impl Into<String>) -> ResponseBuilder {
        ResponseBuilder::new(ResponseStatus::Ko, code.into()).message(message)
    }

    /// The body.
    pub fn body(&self) -> &JsonObject {
        &self.body
    }

    /// The body, mutable.
    pub fn body_mut(&mut self) -> &mut JsonObject {
        &mut self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> JsonObject {
        self.body
    }

    /// Compact JSON text; numbers are written exactly as signed.
    pub fn to_json_string(&self) -> String {
        self.body.to_json_string()
    }

    /// `Response`.
    pub fn status(&self) -> Result<ResponseStatus, FieldError> {
        match self.body.get("Response") {
            Some(Value::String(s)) if s.eq_ignore_ascii_case("ok") => Ok(ResponseStatus::Ok),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("ko") => Ok(ResponseStatus::Ko),
            None | Some(Value::Null) => Err(FieldError::Missing { field: "Response" }),
            Some(Value::String(_)) => Err(FieldError::Invalid {
                field: "Response",
                reason: "must be \"ok\" or \"ko\"".into(),
            }),
            Some(other) => Err(FieldError::WrongType {
                field: "Response",
                expected: "a string",
                found: other.type_name(),
            }),
        }
    }

    /// `ResponseCode`, sent as an integer or a string of digits.
    pub fn response_code(&self) -> Result<i64, FieldError> {
        integer_field(&self.body, "ResponseCode")?.ok_or(FieldError::Missing {
            field: "ResponseCode",
        })
    }

    /// `HeartBeatTime` in seconds (`None` when absent or empty; `0` means no heartbeat).
    /// Integral doubles (`30.0`) are tolerated.
    pub fn heartbeat_seconds(&self) -> Result<Option<u64>, FieldError> {
        let negative = || FieldError::Invalid {
            field: "HeartBeatTime",
            reason: "must not be negative".into(),
        };
        match self.body.get("HeartBeatTime") {
            Some(Value::Number(n)) if !n.is_integral_literal() => {
                let x = n.to_f64();
                if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x < 1e15 {
                    Ok(Some(x as u64))
                } else {
                    Err(FieldError::Invalid {
                        field: "HeartBeatTime",
                        reason: "must be a whole, non-negative number of seconds".into(),
                    })
                }
            }
            _ => match integer_field(&self.body, "HeartBeatTime")? {
                None => Ok(None),
                Some(v) => u64::try_from(v).map(Some).map_err(|_| negative()),
            },
        }
    }

    /// A string field (`""` when absent or null).
    pub fn text(&self, field: &'static str) -> Result<&str, FieldError> {
        match self.body.get(field) {
            None | Some(Value::Null) => Ok(""),
            Some(v) => v.as_scalar_text().ok_or(FieldError::WrongType {
                field,
                expected: "a string",
                found: v.type_name(),
            }),
        }
    }

    /// `Message`.
    pub fn message(&self) -> Result<&str, FieldError> {
        self.text("Message")
    }

    /// `ContentUrl`.
    pub fn content_url(&self) -> Result<&str, FieldError> {
        self.text("ContentUrl")
    }

    /// `AuthToken` (the DRM license token).
    pub fn auth_token(&self) -> Result<&str, FieldError> {
        self.text("AuthToken")
    }

    /// `LicenseURL`.
    pub fn license_url(&self) -> Result<&str, FieldError> {
        self.text("LicenseURL")
    }

    /// The parsed `Signature`.
    pub fn signature(&self) -> Result<Signature, VerifyError> {
        signature::signature_of(&self.body)
    }

    /// Signs as the answer to a request carrying `challenge`, storing `Signature`.
    pub fn sign(
        &mut self,
        challenge: &str,
        secret: &SharedSecret,
        rendering: &Rendering,
    ) -> Result<Signature, SignError> {
        signature::sign_response_in_place(&mut self.body, challenge, secret, rendering)
    }

    /// Verifies `Signature` against the request's `challenge` with lexical rendering (null
    /// skipped or literal).
    pub fn verify(&self, challenge: &str, secret: &SharedSecret) -> Result<Rendering, VerifyError> {
        signature::verify_response(&self.body, challenge, secret, &[])
    }
}

impl From<JsonObject> for EntitlementResponse {
    fn from(body: JsonObject) -> Self {
        Self { body }
    }
}

fn integer_field(body: &JsonObject, field: &'static str) -> Result<Option<i64>, FieldError> {
    let invalid = || FieldError::Invalid {
        field,
        reason: "must be an integer".into(),
    };
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| invalid()),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(invalid),
        Some(other) => Err(FieldError::WrongType {
            field,
            expected: "an integer",
            found: other.type_name(),
        }),
    }
}

/// Builds a response with all nine signed fields in signing order: strings (`""` rather than
/// `null`) and integers only, so every platform renders the same bytes.
#[derive(Debug, Clone)]
pub struct ResponseBuilder {
    status: ResponseStatus,
    code: codes::ResponseCode,
    message: String,
    action: String,
    content_url: String,
    heartbeat_seconds: u32,
    action_parameters: String,
    auth_token: String,
    license_url: String,
    extra: Vec<(String, Value)>,
}

impl ResponseBuilder {
    fn new(status: ResponseStatus, code: codes::ResponseCode) -> Self {
        Self {
            status,
            code,
            message: String::new(),
            action: String::new(),
            content_url: String::new(),
            heartbeat_seconds: 0,
            action_parameters: String::new(),
            auth_token: String::new(),
            license_url: String::new(),
            extra: Vec::new(),
        }
    }

    /// `Message`.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// `Action`.
    #[must_use]
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = action.into();
        self
    }

    /// `ContentUrl`: the (tokenized) manifest URL.
    #[must_use]
    pub fn content_url(mut self, url: impl Into<String>) -> Self {
        self.content_url = url.into();
        self
    }

    /// `HeartBeatTime` in whole seconds (`0`: no heartbeat).
    #[must_use]
    pub fn heartbeat_seconds(mut self, seconds: u32) -> Self {
        self.heartbeat_seconds = seconds;
        self
    }

    /// `ActionParameters`, as a string (structured values would render differently per
    /// platform; serialize them to a string first).
    #[must_use]
    pub fn action_parameters(mut self, parameters: impl Into<String>) -> Self {
        self.action_parameters = parameters.into();
        self
    }

    /// `AuthToken`: the DRM license token.
    #[must_use]
    pub fn auth_token(mut self, token: impl Into<String>) -> Self {
        self.auth_token = token.into();
        self
    }

    /// `LicenseURL`.
    #[must_use]
    pub fn license_url(mut self, url: impl Into<String>) -> Self {
        self.license_url = url.into();
        self
    }

    /// An extra, unsigned key.
    #[must_use]
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.push((key.into(), value.into()));
        self
    }

    /// The unsigned response.
    pub fn build(self) -> EntitlementResponse {
        let mut body = JsonObject::new();
        body.insert(RESPONSE_KEYS[0], self.status.as_str());
        body.insert(RESPONSE_KEYS[1], self.code.get());
        body.insert(RESPONSE_KEYS[2], self.message);
        body.insert(RESPONSE_KEYS[3], self.action);
        body.insert(RESPONSE_KEYS[4], self.content_url);
        body.insert(RESPONSE_KEYS[5], self.heartbeat_seconds);
        body.insert(RESPONSE_KEYS[6], self.action_parameters);
        body.insert(RESPONSE_KEYS[7], self.auth_token);
        body.insert(RESPONSE_KEYS[8], self.license_url);
        for (k, v) in self.extra {
            if !RESPONSE_KEYS.contains(&k.as_str()) && k != SIGNATURE_KEY {
                body.insert(k, v);
            }
        }
        EntitlementResponse { body }
    }

    /// The response signed for the request that carried `challenge` (lexical rendering).
    pub fn sign(self, challenge: &str, secret: &SharedSecret) -> EntitlementResponse {
        self.sign_with(challenge, secret, &Rendering::lexical())
    }

    /// The response signed the way a given client platform renders it — for a provider that,
    /// say, decodes with Gson into a map (`0` → `0.0`) or into a Swift model with a `Double`
    /// `HeartBeatTime`. The JSON text is the same; only the signature differs.
    pub fn sign_with(
        self,
        challenge: &str,
        secret: &SharedSecret,
        rendering: &Rendering,
    ) -> EntitlementResponse {
        let mut resp = self.build();
        // Strings and integers only: no profile can fail on this body.
        if resp.sign(challenge, secret, rendering).is_err() {
            resp.body.remove(SIGNATURE_KEY);
        }
        resp
    }
}

//! The server-side check of an incoming request: size, JSON, field formats, signature, replay —
//! in that order — and the signed answers.

use std::fmt;
use std::time::SystemTime;

use crate::codes;
use crate::error::{FieldError, JsonError, VerifyError};
use crate::formats::FieldFormats;
use crate::json::JsonObject;
use crate::message::REQUEST_KEYS;
use crate::render::NullPolicy;
use crate::replay::{Freshness, ReplayError, ReplayGuard};
use crate::request::{EntitlementRequest, RequestFields};
use crate::response::{EntitlementResponse, ResponseBuilder};
use crate::secret::SharedSecret;

/// Why a request was refused. Each reason maps to a documented `ResponseCode`
/// ([`Rejection::code`]); the message never contains the secret or request values that could be
/// credentials.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RejectReason {
    /// The body exceeds the limit ([`codes::BODY_TOO_LARGE`]).
    #[error("request body too large ({size} bytes, limit {limit})")]
    TooLarge {
        /// Bytes received (at least).
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not a JSON object ([`codes::MALFORMED_BODY`]).
    #[error("malformed request: {0}")]
    Malformed(JsonError),
    /// A field has a wrong type or format ([`codes::INVALID_FIELD`]).
    #[error("invalid request: {0}")]
    InvalidField(FieldError),
    /// The signature is missing, malformed or wrong ([`codes::BAD_SIGNATURE`]).
    #[error("signature rejected: {0}")]
    BadSignature(VerifyError),
    /// The `Challenge` was used before ([`codes::REPLAYED_CHALLENGE`]).
    #[error("replayed Challenge")]
    Replayed,
    /// The replay store failed; refused to stay safe ([`codes::SERVICE_UNAVAILABLE`]).
    #[error("cannot check for replays: {0}")]
    ReplayStore(ReplayError),
}

impl RejectReason {
    /// The `ResponseCode` sent for this reason.
    pub fn code(&self) -> codes::ResponseCode {
        match self {
            RejectReason::TooLarge { .. } => codes::BODY_TOO_LARGE,
            RejectReason::Malformed(_) => codes::MALFORMED_BODY,
            RejectReason::InvalidField(_) => codes::INVALID_FIELD,
            RejectReason::BadSignature(_) => codes::BAD_SIGNATURE,
            RejectReason::Replayed => codes::REPLAYED_CHALLENGE,
            RejectReason::ReplayStore(_) => codes::SERVICE_UNAVAILABLE,
        }
    }
}

/// A refused request: the reason, and the `Challenge` string it carried (if it could be read),
/// which keys the signed "ko" answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    reason: RejectReason,
    challenge: Option<String>,
}

impl Rejection {
    /// A rejection for `reason`, answering a request that carried `challenge`.
    pub fn new(reason: RejectReason, challenge: Option<String>) -> Self {
        Self { reason, challenge }
    }

    /// Why.
    pub fn reason(&self) -> &RejectReason {
        &self.reason
    }

    /// The `ResponseCode` of the "ko".
    pub fn code(&self) -> codes::ResponseCode {
        self.reason.code()
    }

    /// The request's `Challenge` as sent, if it could be read.
    pub fn challenge(&self) -> Option<&str> {
        self.challenge.as_deref()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.reason)
    }
}

/// A request that passed every check.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedRequest {
    /// The typed, format-checked fields.
    pub fields: RequestFields,
    /// The body as received.
    pub request: EntitlementRequest,
    /// Which null policy the signature matched; `None` when the request was accepted unsigned.
    pub signed_with: Option<NullPolicy>,
}

impl VerifiedRequest {
    /// The `Challenge` string exactly as sent (`""` when absent): the response key.
    pub fn challenge(&self) -> &str {
        self.request.raw_challenge().unwrap_or("")
    }
}

/// Checks requests and signs answers with one shared secret.
///
/// The order of the checks follows spec §5: the field formats are validated *before* the
/// signature is trusted (concatenation without separators lets values shift between fields),
/// and a `Challenge` is recorded by the replay guard only once the signature has verified (so
/// nobody can burn someone else's challenge with a forged request).
#[derive(Debug, Clone)]
pub struct Verifier {
    secret: SharedSecret,
    require_signature: bool,
    max_body_bytes: usize,
    formats: FieldFormats,
}

impl Verifier {
    /// A verifier requiring signatures, with a 64 KiB body limit.
    pub fn new(secret: SharedSecret) -> Self {
        Self {
            secret,
            require_signature: true,
            max_body_bytes: crate::json::DEFAULT_MAX_BODY_BYTES,
            formats: FieldFormats::default(),
        }
    }

    /// The accepted values of the closed-set fields and the `VideoId` check (default
    /// [`FieldFormats::default`]).
    #[must_use]
    pub fn field_formats(mut self, formats: FieldFormats) -> Self {
        self.formats = formats;
        self
    }

    /// Whether unsigned requests are refused (default `true`). When `false`, a request without
    /// `Signature` is accepted, but a request *with* one must still verify.
    #[must_use]
    pub fn require_signature(mut self, required: bool) -> Self {
        self.require_signature = required;
        self
    }

    /// The largest body accepted (default 64 KiB).
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The configured body limit.
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// The shared secret.
    pub fn secret(&self) -> &SharedSecret {
        &self.secret
    }

    /// Size, JSON, formats and signature (no replay check: see [`Verifier::verify_fresh`]).
    pub fn verify(&self, body: &[u8]) -> Result<VerifiedRequest, Rejection> {
        if body.len() > self.max_body_bytes {
            return Err(Rejection::new(
                RejectReason::TooLarge {
                    size: body.len(),
                    limit: self.max_body_bytes,
                },
                None,
            ));
        }
        let object = JsonObject::from_slice_limited(body, self.max_body_bytes)
            .map_err(|e| Rejection::new(RejectReason::Malformed(e), None))?;
        self.verify_object(object.into())
    }

    /// Formats and signature of an already parsed request.
    pub fn verify_object(&self, request: EntitlementRequest) -> Result<VerifiedRequest, Rejection> {
        let challenge = request.raw_challenge().map(str::to_owned);
        let reject = |reason| Rejection::new(reason, challenge.clone());
        let fields = request
            .validate_with(&self.formats)
            .map_err(|e| reject(RejectReason::InvalidField(e)))?;
        let signed_with = if request.has_signature() || self.require_signature {
            if fields.challenge.is_none() {
                return Err(reject(RejectReason::InvalidField(FieldError::Missing {
                    field: "Challenge",
                })));
            }
            Some(
                request
                    .verify(&self.secret)
                    .map_err(|e| reject(RejectReason::BadSignature(e)))?,
            )
        } else {
            None
        };
        if signed_with == Some(NullPolicy::Literal) {
            // The signature covered the text "null": the JSON null cannot be told from the
            // string "null" a man in the middle replaced (or the reverse).
            if let Some(key) = REQUEST_KEYS.iter().find(|k| {
                request
                    .body()
                    .get(k)
                    .is_some_and(crate::json::Value::is_null)
            }) {
                return Err(reject(RejectReason::InvalidField(FieldError::Invalid {
                    field: key,
                    reason: "null is ambiguous with the text \"null\" (send an empty string)"
                        .into(),
                })));
            }
        }
        Ok(VerifiedRequest {
            fields,
            request,
            signed_with,
        })
    }

    /// [`Verifier::verify`], then the replay check: the `Challenge` is recorded in `guard` and a
    /// second use within the window is refused. A request without `Challenge` (accepted only
    /// when signatures are not required) skips the replay check.
    pub async fn verify_fresh(
        &self,
        body: &[u8],
        guard: &(impl ReplayGuard + ?Sized),
        now: SystemTime,
    ) -> Result<VerifiedRequest, Rejection> {
        let verified = self.verify(body)?;
        check_replay(verified, guard, now).await
    }

    /// Signs `response` as the answer to `request`.
    pub fn answer(
        &self,
        request: &VerifiedRequest,
        response: ResponseBuilder,
    ) -> EntitlementResponse {
        response.sign(request.challenge(), &self.secret)
    }

    /// Signs `response` as the answer to `request` with a platform's `rendering` (see
    /// [`ResponseBuilder::sign_with`]).
    pub fn answer_with(
        &self,
        request: &VerifiedRequest,
        response: ResponseBuilder,
        rendering: &crate::render::Rendering,
    ) -> EntitlementResponse {
        response.sign_with(request.challenge(), &self.secret, rendering)
    }

    /// The signed "ko" for a rejection: keyed with the request's `Challenge` when it could be
    /// read, with the empty string otherwise (then the key is the secret alone).
    pub fn reject(&self, rejection: &Rejection) -> EntitlementResponse {
        EntitlementResponse::ko(rejection.code(), rejection.reason().to_string())
            .sign(rejection.challenge().unwrap_or(""), &self.secret)
    }
}

/// The replay step of [`Verifier::verify_fresh`], for callers that verified separately.
pub async fn check_replay(
    verified: VerifiedRequest,
    guard: &(impl ReplayGuard + ?Sized),
    now: SystemTime,
) -> Result<VerifiedRequest, Rejection> {
    let Some(challenge) = verified.fields.challenge.as_ref() else {
        return Ok(verified);
    };
    let key = challenge.replay_key();
    let reject = |reason| Rejection::new(reason, Some(verified.challenge().to_owned()));
    match guard.check_and_record(&key, now).await {
        Ok(Freshness::Fresh) => Ok(verified),
        Ok(Freshness::Replayed) => Err(reject(RejectReason::Replayed)),
        Err(e) => Err(reject(RejectReason::ReplayStore(e))),
    }
}

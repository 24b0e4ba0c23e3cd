#![doc = include_str!("../README.md")]

#[cfg(feature = "client")]
pub mod client;
pub mod codes;
mod entitler;
mod error;
pub mod formats;
mod json;
mod message;
mod numfmt;
mod render;
pub mod replay;
mod request;
mod response;
mod secret;
mod signature;
mod verifier;

pub use entitler::{Channel, Decision, DecisionFuture, EntitlementQuery, Entitler, Rule, RuleSet};
pub use error::{FieldError, JsonError, ParseNameError, SignError, VerifyError};
pub use formats::FieldFormats;
pub use json::{DEFAULT_MAX_BODY_BYTES, JsonObject, Number, Value};
pub use message::{REQUEST_KEYS, RESPONSE_KEYS, SIGNATURE_KEY, request_message, response_message};
pub use render::{NullPolicy, NumberType, RenderProfile, Rendering, render_value};
pub use request::{
    AssetState, Challenge, EntitlementRequest, MAX_FIELD_CHARS, MAX_VIDEO_ID_CHARS, RequestBuilder,
    RequestFields, RequestType,
};
pub use response::{EntitlementResponse, ResponseBuilder, ResponseStatus};
pub use secret::{SecretString, SharedSecret};
pub use signature::{
    Signature, request_challenge, sign_request, sign_request_in_place, sign_response,
    sign_response_in_place, signature_of, verify_request, verify_response,
};
pub use verifier::{RejectReason, Rejection, VerifiedRequest, Verifier, check_replay};

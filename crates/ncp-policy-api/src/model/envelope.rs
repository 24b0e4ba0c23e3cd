//! The success envelope (`{"success":true,"content":…,"total":n}`), the two error shapes, and
//! the pure decoder turning an HTTP status and body into one or the other.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::codes::ServiceCode;
use super::lenient;
use crate::error::Error;

/// Largest body kept inside an error, in bytes (the rest is cut).
pub const MAX_ERROR_BODY_KEPT: usize = 16 * 1024;

/// A decoded successful response.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<T> {
    /// The `content` member.
    pub content: T,
    /// The `total` member of list responses (total number of items, not pages).
    pub total: Option<u64>,
}

/// One page of a list operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Total number of items across all pages, when the server sent it.
    pub total: Option<u64>,
}

impl<T> From<Envelope<Vec<T>>> for ListPage<T> {
    fn from(envelope: Envelope<Vec<T>>) -> Self {
        Self {
            items: envelope.content,
            total: envelope.total,
        }
    }
}

/// The DRM service's error object: `{"error":{"code","name","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceErrorBody {
    /// Code, a numeric-looking string (numbers are accepted too).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub code: Option<String>,
    /// Symbolic name.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    /// Message.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub message: Option<String>,
}

/// The API Gateway's error object: `{"error":{"errorCode","message","details"?,"requestId"?}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayErrorBody {
    /// Gateway code (`100`, `200`, `210`, `230`, `300`, `400`…).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub error_code: Option<String>,
    /// Message.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub message: Option<String>,
    /// Details, when sent.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub details: Option<String>,
    /// Request id, when sent.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub request_id: Option<String>,
}

/// Either error shape, as recognised by [`parse_error_body`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// The DRM service's shape.
    Service(ServiceErrorBody),
    /// The gateway's shape.
    Gateway(GatewayErrorBody),
}

/// Recognises an error body: an `error` object with `errorCode` is the gateway's, one with
/// `code` or `name` the service's. `None` for anything else (including non-JSON).
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    let value: Value = serde_json::from_slice(body).ok()?;
    error_body_of(&value)
}

fn error_body_of(value: &Value) -> Option<ErrorBody> {
    let error = value.get("error")?;
    if !error.is_object() {
        return None;
    }
    if error.get("errorCode").is_some() {
        return GatewayErrorBody::deserialize(error)
            .ok()
            .map(ErrorBody::Gateway);
    }
    if error.get("code").is_some() || error.get("name").is_some() {
        return ServiceErrorBody::deserialize(error)
            .ok()
            .map(ErrorBody::Service);
    }
    None
}

/// A body as text for an error value: lossy UTF-8, cut to [`MAX_ERROR_BODY_KEPT`] bytes.
pub(crate) fn body_text(body: &[u8]) -> String {
    let cut = &body[..body.len().min(MAX_ERROR_BODY_KEPT)];
    String::from_utf8_lossy(cut).into_owned()
}

/// Turns an HTTP status and body into the decoded envelope or the matching [`Error`].
///
/// * a body in either error shape gives [`Error::Api`] or [`Error::Gateway`], whatever the
///   status (a 200 with an error body, or `success:false`, is still an error);
/// * another unsuccessful status gives [`Error::Http`] (non-JSON 5xx pages included);
/// * a successful status with a body that does not decode gives [`Error::Decode`].
///
/// A missing `content` decodes as JSON `null` (so `Option<T>` targets accept it).
///
/// # Errors
/// As listed above. Telling a clock-skew rejection apart is the caller's business (it needs
/// the local clock): see [`Error::ClockSkew`].
pub fn decode<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<Envelope<T>, Error> {
    let success_status = (200..300).contains(&status);
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) if success_status => {
            return Err(Error::Decode {
                status,
                message: format!("body is not JSON: {e}"),
                body: body_text(body),
            });
        }
        Err(_) => {
            return Err(Error::Http {
                status,
                body: body_text(body),
            });
        }
    };
    if let Some(error) = error_body_of(&value) {
        return Err(match error {
            ErrorBody::Service(e) => Error::Api {
                status,
                code: e.code.unwrap_or_default().into(),
                name: e.name,
                message: e.message.unwrap_or_default(),
                body: body_text(body),
            },
            ErrorBody::Gateway(e) => Error::Gateway {
                status,
                error_code: e.error_code.unwrap_or_default().into(),
                message: e.message.unwrap_or_default(),
                details: e.details,
                body: body_text(body),
            },
        });
    }
    if !success_status {
        return Err(Error::Http {
            status,
            body: body_text(body),
        });
    }
    let Value::Object(mut object) = value else {
        return Err(Error::Decode {
            status,
            message: "body is not a JSON object".to_owned(),
            body: body_text(body),
        });
    };
    if object
        .get("success")
        .and_then(lenient::bool_from_value)
        .is_some_and(|ok| !ok)
    {
        return Err(Error::Api {
            status,
            code: ServiceCode::from_wire(""),
            name: None,
            message: "the response says success: false".to_owned(),
            body: body_text(body),
        });
    }
    let total = match object.get("total") {
        None | Some(Value::Null) => None,
        Some(t) => match lenient::int_from_value(t).and_then(|n| u64::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                return Err(Error::Decode {
                    status,
                    message: "total is not a non-negative integer".to_owned(),
                    body: body_text(body),
                });
            }
        },
    };
    let content = object.remove("content").unwrap_or(Value::Null);
    let content = T::deserialize(content).map_err(|e| Error::Decode {
        status,
        message: format!("content: {e}"),
        body: body_text(body),
    })?;
    Ok(Envelope { content, total })
}

//! What the player gets: the license with the right content type, or a JSON error with a status
//! a player (and its developer) can act on — never HTTP 200 with an empty body.
//!
//! | upstream outcome | player gets |
//! |---|---|
//! | license | 200, the license (`original`) or the upstream's JSON (`json` player) |
//! | license-server error body (HTTP 200 JSON upstream) | 403 `{"errorCode","message","remedy"}` |
//! | NCP error envelope | 502 `{"error":"upstream_error","status","code","message"}` |
//! | unreachable / oversized answer | 502 `{"error":"upstream_unreachable"}` |
//! | deadline | 504 `{"error":"upstream_timeout"}` |
//! | unusable answer (bad hex, bad base64, empty…) | 502 `{"error":"upstream_invalid"}` |

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use drm_license::response::ServerError;
use drm_license::{Drm, ResponseError, ServerCode};

use super::upstream::{Answer, Failure};
use crate::http::{error, json_response};

/// The content type of a license in `original` form.
fn license_content_type(drm: Drm) -> &'static str {
    match drm {
        Drm::FairPlay => "text/plain; charset=utf-8",
        Drm::PlayReady => "text/xml; charset=utf-8",
        Drm::ClearKey => "application/json",
        _ => "application/octet-stream",
    }
}

/// A binary (or text) answer that is never cached.
pub(crate) fn bytes_response(content_type: &'static str, body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// The license for the player: `json` hands on the upstream's JSON text, `original` the license.
pub(crate) fn license(drm: Drm, answer: Answer, json_player: bool) -> Response {
    if json_player {
        return bytes_response("application/json", answer.raw);
    }
    bytes_response(
        license_content_type(drm),
        answer.license.into_original_body(),
    )
}

/// The code of an upstream failure for metrics: the license server's code when it is in the
/// published table (unknown codes count as 0, so a server cannot grow the label set).
pub(crate) fn server_code_label(failure: &Failure) -> u32 {
    match failure {
        Failure::Response(ResponseError::Server(e)) => {
            e.code().filter(|c| c.is_known()).map_or(0, ServerCode::get)
        }
        _ => 0,
    }
}

/// The answer to a failed upstream call.
pub(crate) fn failure(failure: &Failure) -> Response {
    match failure {
        Failure::BadRequest(why) => error(400, "invalid_request", why),
        Failure::Unsupported(what) => error(
            501,
            "not_supported",
            &format!("{what} is not available from the configured license server"),
        ),
        Failure::Transport(e) if e.is_timeout() => error(
            504,
            "upstream_timeout",
            "the license server did not answer within the deadline",
        ),
        Failure::Transport(e) if e.is_body_too_large() => error(
            502,
            "upstream_invalid",
            "the license server's answer is larger than accepted",
        ),
        Failure::Transport(_) => error(
            502,
            "upstream_unreachable",
            "the license server cannot be reached",
        ),
        Failure::Response(ResponseError::Server(e)) => server_error(e),
        Failure::Response(other) => error(502, "upstream_invalid", &other.to_string()),
        Failure::Ncp {
            status,
            code,
            message,
        } => {
            let body = serde_json::json!({
                "error": "upstream_error",
                "status": status,
                "code": code,
                "message": message,
            });
            json_response(502, body.to_string())
        }
    }
}

/// 403 with the license server's code (as it sent it), its message and, when known, what to do.
fn server_error(e: &ServerError) -> Response {
    let message = e
        .message()
        .or(e.meaning())
        .unwrap_or("license server error");
    let mut body = serde_json::json!({
        "errorCode": e.code_text(),
        "message": message,
    });
    if let Some(remedy) = e.remedy() {
        body["remedy"] = serde_json::Value::from(remedy);
    }
    json_response(403, body.to_string())
}

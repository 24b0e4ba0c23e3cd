//! `POST /tokenize` and `POST /heartbeat`: DIVA's two calls.
//!
//! Both paths dispatch on the request's `Type` (a deployment may configure one URL for both).
//! Every answer is HTTP 200 with a signed JSON body — a "ko" too, because the iOS sample treats
//! any status ≥ 400 as a network failure and would hide the `ResponseCode`.

use std::pin::Pin;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::Shared;
use super::issuer::parse_drm_type;
use crate::codes;
use crate::entitler::{Channel, Decision, EntitlementQuery};
use crate::render::Rendering;
use crate::request::RequestType;
use crate::response::EntitlementResponse;
use crate::verifier::{RejectReason, Rejection, VerifiedRequest, check_replay};

/// Why a body could not be read.
enum ReadError {
    TooLarge(usize),
    Broken,
}

/// Reads the body, stopping as soon as it exceeds `limit`.
async fn read_body(mut body: Body, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| ReadError::Broken)?;
        if let Ok(data) = frame.into_data() {
            let size = out.len() + data.len();
            if size > limit {
                return Err(ReadError::TooLarge(size));
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

fn json_response(resp: &EntitlementResponse) -> Response {
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        resp.to_json_string(),
    )
        .into_response()
}

/// The handler of both DIVA paths.
pub(crate) async fn handle(
    State(state): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let (answer, kind) = answer(&state, &headers, body).await;
    let code = answer.response_code().unwrap_or(-1);
    tracing::info!(
        path = uri.path(),
        request_type = kind.map(RequestType::code),
        response_code = code,
        elapsed_us = started.elapsed().as_micros() as u64,
        "entitlement request answered"
    );
    json_response(&answer)
}

async fn answer(
    state: &Shared,
    headers: &HeaderMap,
    body: Body,
) -> (EntitlementResponse, Option<RequestType>) {
    let limit = state.verifier.body_limit();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = |size| {
        state.verifier.reject(&Rejection::new(
            RejectReason::TooLarge { size, limit },
            None,
        ))
    };
    if let Some(size) = declared.filter(|s| *s > limit) {
        return (too_large(size), None);
    }
    let bytes = match tokio::time::timeout(state.timeout, read_body(body, limit)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(ReadError::TooLarge(size))) => return (too_large(size), None),
        Ok(Err(ReadError::Broken)) => {
            return (
                ko(state, "", codes::MALFORMED_BODY, "cannot read the body"),
                None,
            );
        }
        Err(_) => {
            return (
                ko(
                    state,
                    "",
                    codes::SERVICE_UNAVAILABLE,
                    "timed out reading the body",
                ),
                None,
            );
        }
    };
    let verified = match state.verifier.verify(&bytes) {
        Ok(v) => v,
        Err(rejection) => {
            tracing::warn!(reason = %rejection, code = rejection.code(), "request refused");
            return (state.verifier.reject(&rejection), None);
        }
    };
    let kind = verified.fields.request_type;
    let challenge = verified.challenge().to_owned();
    let rendering = state.rendering_for(&verified.fields.player_type);
    let answer = decide_and_answer(state, verified, &rendering);
    match tokio::time::timeout(state.timeout, answer).await {
        Ok(resp) => (resp, Some(kind)),
        Err(_) => (
            EntitlementResponse::ko(codes::SERVICE_UNAVAILABLE, "timed out").sign_with(
                &challenge,
                state.verifier.secret(),
                &rendering,
            ),
            Some(kind),
        ),
    }
}

fn ko(state: &Shared, challenge: &str, code: u32, message: &str) -> EntitlementResponse {
    EntitlementResponse::ko(code, message).sign(challenge, state.verifier.secret())
}

async fn decide_and_answer(
    state: &Shared,
    verified: VerifiedRequest,
    rendering: &Rendering,
) -> EntitlementResponse {
    let verified = match check_replay(verified, state.guard.as_ref(), SystemTime::now()).await {
        Ok(v) => v,
        Err(rejection) => {
            tracing::warn!(reason = %rejection, code = rejection.code(), "request refused");
            return EntitlementResponse::ko(rejection.code(), rejection.to_string()).sign_with(
                rejection.challenge().unwrap_or(""),
                state.verifier.secret(),
                rendering,
            );
        }
    };
    let f = &verified.fields;
    let refuse = |code: u32, message: &str| {
        state
            .verifier
            .answer_with(&verified, EntitlementResponse::ko(code, message), rendering)
    };
    let channel = match f.request_type {
        RequestType::Heartbeat => Channel::Heartbeat,
        _ => Channel::Tokenize,
    };
    // Heartbeats mint nothing: their DRMType is not checked.
    let drm_type = match channel {
        Channel::Tokenize => {
            if f.video_id.is_empty() {
                return refuse(codes::INVALID_FIELD, "field VideoId is missing");
            }
            match parse_drm_type(&f.drm_type, state.default_drm_type) {
                Some(d) => d,
                None => return refuse(codes::INVALID_FIELD, "unsupported DRMType"),
            }
        }
        _ => state.default_drm_type,
    };
    let query = EntitlementQuery::new(
        f.user.clone(),
        f.video_id.clone(),
        f.drm_type.clone(),
        channel,
    );
    let license_user = match state.entitler.decide(&query).await {
        Decision::Allow => f.user.clone(),
        Decision::AllowAs { user_id } => user_id,
        Decision::Deny { code, message } => {
            tracing::info!(video_id = %f.video_id, code, "not entitled");
            return refuse(code, &message);
        }
    };
    if channel == Channel::Heartbeat {
        return state.verifier.answer_with(
            &verified,
            EntitlementResponse::ok().heartbeat_seconds(state.heartbeat_seconds),
            rendering,
        );
    }
    let license_user = if license_user.is_empty() {
        state.anonymous_user_id.as_str()
    } else {
        license_user.as_str()
    };
    let minted = match state.issuer.mint(drm_type, license_user, &f.video_id) {
        Ok(m) => m,
        Err(e) => {
            // The error names the field and code, never the credentials.
            tracing::warn!(error = %e, "cannot mint a license token");
            let code = if e.code().is_some() {
                codes::INVALID_FIELD
            } else {
                codes::SERVICE_UNAVAILABLE
            };
            return refuse(code, "cannot issue a license token for this request");
        }
    };
    let content_url = state.content_url(&f.video_id, drm_type);
    state.verifier.answer_with(
        &verified,
        EntitlementResponse::ok()
            .content_url(content_url)
            .license_url(state.license_url.as_str())
            .auth_token(minted.token.as_str())
            .heartbeat_seconds(state.heartbeat_seconds),
        rendering,
    )
}

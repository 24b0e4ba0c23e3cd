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
use axum::http::{HeaderMap, Uri, header};
use axum::response::Response;
use drm_entitlement::replay::ReplayError;
use drm_entitlement::{
    Channel, Decision, EntitlementQuery, EntitlementResponse, JsonObject, RejectReason, Rejection,
    Rendering, RequestType, VerifiedRequest, check_replay, codes,
};

use crate::app::App;
use crate::http::json_response;
use crate::issuer::parse_drm_type;
use crate::log_text::Quoted;

/// Longest part of a `VideoId` written to the logs.
const LOGGED_ID_CHARS: usize = 128;

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

/// What the log line of a request says besides the outcome.
#[derive(Default)]
struct Seen {
    kind: Option<RequestType>,
    video_id: Option<String>,
}

/// The handler of both DIVA paths.
pub(crate) async fn handle(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let route = if uri.path() == "/heartbeat" {
        "heartbeat"
    } else {
        "tokenize"
    };
    let mut seen = Seen::default();
    let answer = answer(&app, &headers, body, &mut seen).await;
    let code = answer.response_code().unwrap_or(-1);
    let elapsed = started.elapsed();
    app.metrics.answered(
        route,
        u32::try_from(code).unwrap_or(u32::MAX),
        elapsed.as_secs_f64(),
    );
    // Values written with `?` are quoted and escaped: a crafted id cannot forge fields.
    tracing::info!(
        route = ?Quoted(route),
        request_type = seen.kind.map(RequestType::code),
        response_code = code,
        video_id = ?Quoted(seen.video_id.as_deref().unwrap_or("")),
        elapsed_us = elapsed.as_micros() as u64,
        "entitlement request answered"
    );
    json_response(200, answer.to_json_string())
}

/// Reads the body within the size limit and the deadline, or the "ko" that says why not.
async fn read_limited(
    app: &App,
    headers: &HeaderMap,
    body: Body,
) -> Result<Vec<u8>, EntitlementResponse> {
    let limit = app.verifier.body_limit();
    let too_large = |size| {
        app.verifier.reject(&Rejection::new(
            RejectReason::TooLarge { size, limit },
            None,
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if let Some(size) = declared.filter(|s| *s > limit) {
        return Err(too_large(size));
    }
    match tokio::time::timeout(app.timeout, read_body(body, limit)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(ReadError::TooLarge(size))) => Err(too_large(size)),
        Ok(Err(ReadError::Broken)) => {
            Err(ko(app, "", codes::MALFORMED_BODY, "cannot read the body"))
        }
        Err(_) => Err(ko(
            app,
            "",
            codes::SERVICE_UNAVAILABLE,
            "timed out reading the body",
        )),
    }
}

async fn answer(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    seen: &mut Seen,
) -> EntitlementResponse {
    let bytes = match read_limited(app, headers, body).await {
        Ok(b) => b,
        Err(ko) => return ko,
    };
    let object = match JsonObject::from_slice_limited(&bytes, app.verifier.body_limit()) {
        Ok(o) => o,
        Err(e) => {
            return app
                .verifier
                .reject(&Rejection::new(RejectReason::Malformed(e), None));
        }
    };
    seen.video_id = object
        .get("VideoId")
        .and_then(|v| v.as_scalar_text())
        .map(|t| t.chars().take(LOGGED_ID_CHARS).collect());
    let verified = match app.verifier.verify_object(object.into()) {
        Ok(v) => v,
        Err(rejection) => {
            tracing::info!(reason = ?rejection.to_string(), code = rejection.code().get(), "request refused");
            return app.verifier.reject(&rejection);
        }
    };
    seen.kind = Some(verified.fields.request_type);
    let challenge = verified.challenge().to_owned();
    let rendering = app.rendering_for(&verified.fields.player_type);
    match tokio::time::timeout(app.timeout, decide_and_answer(app, verified, &rendering)).await {
        Ok(resp) => resp,
        Err(_) => {
            app.metrics.upstream_error("entitler");
            EntitlementResponse::ko(codes::SERVICE_UNAVAILABLE, "timed out").sign_with(
                &challenge,
                app.verifier.secret(),
                &rendering,
            )
        }
    }
}

fn ko(app: &App, challenge: &str, code: codes::ResponseCode, message: &str) -> EntitlementResponse {
    EntitlementResponse::ko(code, message).sign(challenge, app.verifier.secret())
}

/// The replay check, with its metrics and the rate-limited "store full" warning.
async fn fresh(
    app: &App,
    verified: VerifiedRequest,
    rendering: &Rendering,
) -> Result<VerifiedRequest, EntitlementResponse> {
    match check_replay(verified, app.guard.as_ref(), SystemTime::now()).await {
        Ok(v) => Ok(v),
        Err(rejection) => {
            match rejection.reason() {
                RejectReason::Replayed => app.metrics.replay_refused("replayed"),
                RejectReason::ReplayStore(ReplayError::Full { capacity }) => {
                    app.metrics.replay_refused("store_full");
                    app.warn_store_full(*capacity);
                }
                _ => {
                    app.metrics.replay_refused("store_unavailable");
                    app.metrics.upstream_error("redis");
                    tracing::warn!(reason = ?rejection.to_string(), "replay store failed: request refused");
                }
            }
            Err(
                EntitlementResponse::ko(rejection.code(), rejection.to_string()).sign_with(
                    rejection.challenge().unwrap_or(""),
                    app.verifier.secret(),
                    rendering,
                ),
            )
        }
    }
}

async fn decide_and_answer(
    app: &App,
    verified: VerifiedRequest,
    rendering: &Rendering,
) -> EntitlementResponse {
    let verified = match fresh(app, verified, rendering).await {
        Ok(v) => v,
        Err(ko) => return ko,
    };
    let f = &verified.fields;
    let refuse = |code: codes::ResponseCode, message: &str| {
        app.verifier
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
            match parse_drm_type(&f.drm_type, app.default_drm_type) {
                Some(d) => d,
                None => return refuse(codes::INVALID_FIELD, "unsupported DRMType"),
            }
        }
        _ => app.default_drm_type,
    };
    let query = EntitlementQuery::new(
        f.user.clone(),
        f.video_id.clone(),
        f.drm_type.clone(),
        channel,
    );
    let license_user = match app.entitler.decide(&query).await {
        Decision::Allow => f.user.clone(),
        Decision::AllowAs { user_id } => user_id,
        Decision::Deny { code, message } => {
            tracing::info!(video_id = ?f.video_id, code = code.get(), "not entitled");
            return refuse(code, &message);
        }
        _ => return refuse(codes::NOT_ENTITLED, "not entitled"),
    };
    if license_user.chars().any(char::is_control) {
        return refuse(
            codes::INVALID_FIELD,
            "the user id contains control characters",
        );
    }
    if channel == Channel::Heartbeat {
        return app.verifier.answer_with(
            &verified,
            EntitlementResponse::ok().heartbeat_seconds(app.heartbeat_seconds),
            rendering,
        );
    }
    let license_user = if license_user.is_empty() {
        app.anonymous_user_id.as_str()
    } else {
        license_user.as_str()
    };
    let minted = match app.issuer.mint(drm_type, license_user, &f.video_id) {
        Ok(m) => m,
        Err(e) => {
            // The error names the field and code, never the credentials.
            tracing::warn!(error = ?e.to_string(), "cannot mint a license token");
            let code = if e.code().is_some() {
                codes::INVALID_FIELD
            } else {
                app.metrics.upstream_error("minting");
                codes::SERVICE_UNAVAILABLE
            };
            return refuse(code, "cannot issue a license token for this request");
        }
    };
    let content_url = app.content_url(&f.video_id, drm_type);
    app.verifier.answer_with(
        &verified,
        EntitlementResponse::ok()
            .content_url(content_url)
            .license_url(app.license_url.as_str())
            .auth_token(minted.token.as_str())
            .heartbeat_seconds(app.heartbeat_seconds),
        rendering,
    )
}

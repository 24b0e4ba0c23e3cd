//! `GET /healthz`, `GET /readyz` and `GET /metrics`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::http::json_response;

/// Deadline of the readiness check of the replay store.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Alive: the process answers.
pub(crate) async fn healthz() -> Response {
    json_response(200, r#"{"status":"ok"}"#.to_owned())
}

/// Ready: the configuration is loaded (it is, or the server would not run) and the replay
/// store answers (Redis `PING` when configured).
pub(crate) async fn readyz(State(app): State<Arc<App>>) -> Response {
    let store = match tokio::time::timeout(READY_TIMEOUT, app.guard.check_ready()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("replay store timed out".to_owned()),
    };
    let kind = if app.shared_replay_store {
        "redis"
    } else {
        "memory"
    };
    let (status, body) = match store {
        Ok(()) => (
            200,
            serde_json::json!({"ready": true, "config": "ok", "replay_store": {"kind": kind, "status": "ok"}}),
        ),
        Err(reason) => {
            app.metrics.upstream_error("redis");
            (
                503,
                serde_json::json!({"ready": false, "config": "ok", "replay_store": {"kind": kind, "status": "unavailable", "reason": reason}}),
            )
        }
    };
    json_response(status, body.to_string())
}

/// The Prometheus text exposition.
pub(crate) async fn metrics(State(app): State<Arc<App>>) -> Response {
    app.update_gauges();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        app.metrics.render(),
    )
        .into_response()
}

//! The steps every viewer-facing route shares (the token endpoint and the license proxy): the
//! viewer's identity from the bearer JWT (401 otherwise) and the entitlement decision (403, or
//! 503 when the decision times out). Each step answers `Err` with the JSON error to send.

use axum::http::HeaderMap;
use axum::response::Response;
use drm_entitlement::{Decision, EntitlementQuery};

use crate::app::{App, unix_now};
use crate::auth::AuthFailure;
use crate::http::error;

/// A step of a route: its value, or the error answer to send (boxed: a `Response` is large).
pub(crate) type Step<T> = Result<T, Box<Response>>;

/// A JSON error answer for the `Err` side of a [`Step`].
pub(crate) fn refuse(status: u16, code: &str, message: &str) -> Box<Response> {
    Box::new(error(status, code, message))
}

/// The viewer's user id (JWT `sub`), or 401 (404 when no viewer authentication is configured).
pub(crate) async fn authenticate(app: &App, headers: &HeaderMap) -> Step<String> {
    let Some(auth) = app.viewer_auth.as_ref() else {
        return Err(refuse(
            404,
            "not_found",
            "viewer authentication is not configured",
        ));
    };
    match auth.authenticate(headers, unix_now()).await {
        Ok(viewer) => Ok(viewer.user_id),
        Err(AuthFailure::Missing) => Err(refuse(
            401,
            "missing_token",
            "send Authorization: Bearer <JWT>",
        )),
        Err(AuthFailure::Expired) => Err(refuse(401, "expired_token", "the JWT has expired")),
        Err(AuthFailure::Invalid(why)) => {
            tracing::info!(reason = why, "viewer JWT refused");
            Err(refuse(
                401,
                "invalid_token",
                "the JWT is not valid for this service",
            ))
        }
    }
}

/// The license user id the entitler allows for `query` (its user, or the one it names), or
/// 403/503; a user id with control characters is refused (400).
pub(crate) async fn entitle(app: &App, query: &EntitlementQuery) -> Step<String> {
    let decided = tokio::time::timeout(app.timeout, app.entitler.decide(query)).await;
    let license_user = match decided {
        Ok(Decision::Allow) => query.user.clone(),
        Ok(Decision::AllowAs { user_id }) => user_id,
        Ok(Decision::Deny { code, message }) => {
            tracing::info!(content_id = ?query.video_id, code = code.get(), channel = ?query.channel, "not entitled");
            return Err(refuse(403, "not_entitled", &message));
        }
        Ok(_) => return Err(refuse(403, "not_entitled", "not entitled")),
        Err(_) => {
            app.metrics.upstream_error("entitler");
            return Err(refuse(
                503,
                "unavailable",
                "the entitlement decision timed out",
            ));
        }
    };
    if license_user.chars().any(char::is_control) {
        return Err(refuse(
            400,
            "invalid_request",
            "the user id contains control characters",
        ));
    }
    Ok(license_user)
}

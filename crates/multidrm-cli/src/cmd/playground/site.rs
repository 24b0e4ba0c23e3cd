//! The playground's site: the page, Shaka Player, the media, the steps and the viewer JWTs.
//!
//! | path | what |
//! |---|---|
//! | `GET /` | the page ([`PAGE`]) |
//! | `GET /shaka/…` | Shaka Player's `dist` folder (when it is a folder) |
//! | `GET /media/…` | the packaged title (Range requests supported) |
//! | `GET /playground/steps.json` | the content id, the KMS key ids, the proxy's license URL |
//! | `GET /playground/jwt?case=C` | a viewer JWT for case `ok`, `expired`, `wrong-user`, `no-entitlement` |

use std::path::PathBuf;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State as Extract};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_http::services::ServeDir;

use super::media::{ContentKey, MANIFEST};
use super::tools::Player;
use super::{LOCKED_TITLE, OTHER_VIEWER, VIEWER};

/// The page: steps, player, the failure buttons; reports through `window.e2e` as the browser
/// test's page does.
pub(crate) const PAGE: &str = include_str!("page.html");

/// What the site serves.
pub(crate) struct State {
    /// Shaka Player.
    pub(crate) player: Player,
    /// The DASH folder.
    pub(crate) media_dir: PathBuf,
    /// `http://127.0.0.1:P` of the server with the token proxy.
    pub(crate) proxy_origin: String,
    /// The title's content id.
    pub(crate) cid: String,
    /// The keys the KMS issued for it.
    pub(crate) keys: Vec<ContentKey>,
    /// HS256 secret of the viewer JWTs.
    pub(crate) jwt_secret: String,
}

/// Serves until the task is aborted.
pub(crate) async fn serve(listener: tokio::net::TcpListener, state: State) {
    let mut app = Router::new()
        .route("/", get(page))
        .route("/playground/steps.json", get(steps))
        .route("/playground/jwt", get(viewer_jwt))
        .nest_service("/media", ServeDir::new(&state.media_dir));
    if let Player::Dir(dir) = &state.player {
        app = app.nest_service("/shaka", ServeDir::new(dir));
    }
    let app = app.with_state(Arc::new(state));
    if let Err(e) = axum::serve(listener, app).await {
        tracing::error!(error = %e, "the playground site stopped");
    }
}

async fn page(Extract(state): Extract<Arc<State>>) -> Html<String> {
    Html(PAGE.replace("{{SHAKA_SRC}}", &state.player.script_src()))
}

/// The first and last four hex digits of a key: enough to recognise it, not to use it.
fn abbreviated(hex: &str) -> String {
    format!("{}…{}", &hex[..4], &hex[hex.len() - 4..])
}

async fn steps(Extract(state): Extract<Arc<State>>) -> Json<serde_json::Value> {
    let keys: Vec<_> = state
        .keys
        .iter()
        .map(|k| {
            let kid = hex_bytes(&k.kid_hex);
            json!({
                "kid": k.kid_hex,
                "kid_base64url": URL_SAFE_NO_PAD.encode(kid),
                "key": abbreviated(&k.key_hex),
            })
        })
        .collect();
    let license = |cid: &str| {
        format!(
            "{}/drm/clearkey?content_id={}",
            state.proxy_origin,
            urlencoded(cid)
        )
    };
    Json(json!({
        "cid": state.cid,
        "locked_cid": LOCKED_TITLE,
        "manifest": format!("/media/{MANIFEST}"),
        "license_url": license(&state.cid),
        "locked_license_url": license(LOCKED_TITLE),
        "keys": keys,
    }))
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

fn urlencoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
struct CaseQuery {
    case: String,
}

#[derive(Serialize)]
struct Claims<'a> {
    sub: &'a str,
    iat: u64,
    exp: u64,
}

async fn viewer_jwt(Extract(state): Extract<Arc<State>>, Query(q): Query<CaseQuery>) -> Response {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    // (user, issued at, expires at, what the case shows)
    let (user, iat, exp, expect) = match q.case.as_str() {
        "ok" => (
            VIEWER,
            now,
            now + 300,
            "200: the JWK Set of the title's keys",
        ),
        "expired" => (
            VIEWER,
            now - 7200,
            now - 3600,
            "401: the token expired an hour ago",
        ),
        "wrong-user" => (
            OTHER_VIEWER,
            now,
            now + 300,
            "403: a valid token of a user not entitled to the title",
        ),
        "no-entitlement" => (
            VIEWER,
            now,
            now + 300,
            "403: alice asks for a title she has no rule for",
        ),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "case must be ok, expired, wrong-user or no-entitlement"})),
            )
                .into_response();
        }
    };
    let claims = Claims {
        sub: user,
        iat,
        exp,
    };
    match jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(state.jwt_secret.as_bytes()),
    ) {
        Ok(jwt) => Json(json!({
            "case": q.case,
            "jwt": jwt,
            "claims": {"sub": user, "iat": iat, "exp": exp},
            "locked": q.case == "no-entitlement",
            "expect": expect,
        }))
        .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": format!("cannot encode the JWT: {e}")})),
        )
            .into_response(),
    }
}

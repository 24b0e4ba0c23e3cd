//! The loopback site the browser opens: the test page, Shaka Player, the packaged media and an
//! in-test ClearKey license endpoint (used to check the harness on its own, without the stack).
//!
//! | path | what |
//! |---|---|
//! | `GET /` | the test page ([`PAGE`]); its query names the manifest, the license URL and the JWT |
//! | `GET /shaka/…` | Shaka Player's `dist` folder |
//! | `GET /media/…` | the packaged media (Range requests supported) |
//! | `POST /license` | W3C ClearKey license: bearer JWT checked (401), user entitled (403), JWK Set of the requested key ids it holds |

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;

use crate::media::ContentKey;

/// The test page: loads Shaka Player, plays `?mpd=` with `?license=` as the ClearKey server and
/// `Authorization: Bearer ?jwt=` on license requests, and reports through `window.e2e`.
pub const PAGE: &str = include_str!("page.html");

/// Largest license request body the in-test endpoint reads.
const MAX_LICENSE_REQUEST: usize = 64 * 1024;

/// What the in-test license endpoint accepts and holds.
#[derive(Clone)]
pub struct InTestLicense {
    /// HS256 secret of the viewer JWTs.
    pub jwt_secret: String,
    /// Users entitled to play.
    pub entitled_users: Vec<String>,
    /// The keys it hands out.
    pub keys: Vec<ContentKey>,
}

/// What one page load plays.
#[derive(Debug, Clone)]
pub struct Playback<'a> {
    /// The MPD's URL.
    pub manifest_url: &'a str,
    /// The ClearKey license server URL (`drm.servers['org.w3.clearkey']`).
    pub license_url: &'a str,
    /// The viewer's bearer token.
    pub jwt: &'a str,
}

/// A running site; stops when dropped.
#[derive(Debug)]
pub struct Site {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Site {
    /// Serves `shaka_player_dir` and `media_dir` on a free loopback port, with the in-test
    /// license endpoint when `license` is given.
    ///
    /// # Errors
    /// The port cannot be bound.
    pub async fn start(
        shaka_player_dir: &Path,
        media_dir: &Path,
        license: Option<InTestLicense>,
    ) -> std::io::Result<Self> {
        let mut app = Router::new()
            .route("/", get(|| async { Html(PAGE) }))
            .nest_service("/shaka", ServeDir::new(shaka_player_dir))
            .nest_service("/media", ServeDir::new(media_dir));
        if let Some(license) = license {
            app = app.merge(
                Router::new()
                    .route("/license", post(license_answer))
                    .layer(DefaultBodyLimit::max(MAX_LICENSE_REQUEST))
                    .with_state(Arc::new(license)),
            );
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            stop: Some(stop),
        })
    }

    /// `http://127.0.0.1:P` (no trailing slash): the page's origin.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL of a file under the media folder.
    pub fn media_url(&self, relative: &str) -> String {
        format!("{}/media/{relative}", self.origin())
    }

    /// The in-test license endpoint's URL.
    pub fn license_url(&self) -> String {
        format!("{}/license", self.origin())
    }

    /// The page URL that plays `playback`.
    pub fn page_url(&self, playback: &Playback<'_>) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("mpd", playback.manifest_url)
            .append_pair("license", playback.license_url)
            .append_pair("jwt", playback.jwt)
            .finish();
        format!("{}/?{query}", self.origin())
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn json_error(status: StatusCode, code: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], {
        serde_json::json!({ "error": code }).to_string()
    })
        .into_response()
}

/// `POST /license`: the W3C ClearKey exchange behind a bearer JWT.
async fn license_answer(
    State(license): State<Arc<InTestLicense>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let user = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| crate::jwt::verify_hs256(&license.jwt_secret, token.trim()));
    let Some(user) = user else {
        return json_error(StatusCode::UNAUTHORIZED, "invalid_token");
    };
    if !license.entitled_users.contains(&user) {
        return json_error(StatusCode::FORBIDDEN, "not_entitled");
    }
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return json_error(StatusCode::BAD_REQUEST, "not_a_clearkey_request");
    };
    let wanted: Vec<String> = request["kids"]
        .as_array()
        .map(|kids| {
            kids.iter()
                .filter_map(|k| URL_SAFE_NO_PAD.decode(k.as_str()?).ok())
                .map(hex::encode)
                .collect()
        })
        .unwrap_or_default();
    let keys: Vec<serde_json::Value> = license
        .keys
        .iter()
        .filter(|k| wanted.contains(&k.kid_hex))
        .filter_map(|k| {
            Some(serde_json::json!({
                "kty": "oct",
                "kid": URL_SAFE_NO_PAD.encode(hex::decode(&k.kid_hex).ok()?),
                "k": URL_SAFE_NO_PAD.encode(hex::decode(&k.key_hex).ok()?),
            }))
        })
        .collect();
    let jwk_set = serde_json::json!({ "keys": keys, "type": "temporary" });
    (
        [(header::CONTENT_TYPE, "application/json")],
        jwk_set.to_string(),
    )
        .into_response()
}

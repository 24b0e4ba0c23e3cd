//! Helpers of the hardening tests: a configured server on loopback, signed DIVA bodies, JWTs.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use base64::Engine;
use drm_entitlement::{
    AssetState, EntitlementRequest, EntitlementResponse, RequestBuilder, SharedSecret,
};
use multidrm_server::{RunningServer, Server, ServerConfig};

#[path = "../common/mod.rs"]
pub mod common;

pub const SECRET: &str = "test-shared-secret-0123456789";
pub const JWT_SECRET: &str = "jwt-test-secret-with-enough-bytes";

/// A configuration with `top` keys and `tables` appended.
pub fn config_toml(top: &str, tables: &str) -> String {
    format!(
        r#"
bind = "127.0.0.1:0"
secret = "{SECRET}"
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"
{top}

[doverunner]
site_id = "TUTO"
site_key = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"
access_key = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"

[[rules]]
users = ["alice"]
videos = ["*"]

{tables}
"#
    )
}

pub struct Running {
    pub server: Option<RunningServer>,
    pub dir: common::TempDir,
}

impl Running {
    pub fn base(&self) -> String {
        self.server.as_ref().unwrap().base_url()
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.as_ref().unwrap().local_addr()
    }
}

pub async fn start(toml: &str) -> Running {
    start_with(toml, |s| s).await
}

pub async fn start_with(toml: &str, customize: impl FnOnce(Server) -> Server) -> Running {
    let dir = common::TempDir::new();
    dir.write(
        "jwt_public.pem",
        include_str!("../data/jwt_rs256_public.pem"),
    );
    let config = ServerConfig::from_toml(toml, dir.0.clone()).unwrap();
    let server = customize(Server::from_config(&config).unwrap());
    Running {
        server: Some(server.bind().await.unwrap()),
        dir,
    }
}

pub fn player(user: &str, video: &str) -> RequestBuilder {
    EntitlementRequest::tokenize()
        .user(user)
        .video_id(video)
        .video_source(format!("https://cdn.example.com/{video}/manifest.mpd"))
        .video_kind("vod")
        .asset_state(AssetState::Vod)
        .player_type("HTML5")
        .video_source_format("DASH")
        .video_source_name("Desktop-DASH")
        .drm_type("widevine")
        .auth_type("Token")
        .other("sess-1|web")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// POSTs a body; the answer must be HTTP 200 with a JSON entitlement response.
pub async fn post(base: &str, path: &str, body: impl Into<Vec<u8>>) -> EntitlementResponse {
    let resp = http()
        .post(format!("{base}{path}"))
        .body(body.into())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    EntitlementResponse::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

/// The answer's code, after checking it is signed for `challenge`.
pub fn signed_code(resp: &EntitlementResponse, challenge: &str) -> i64 {
    resp.verify(challenge, &SharedSecret::new(SECRET))
        .unwrap_or_else(|e| panic!("answer not signed with {challenge:?}: {e} {resp:?}"));
    resp.response_code().unwrap()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A JWT with any header and claims, signed with `key`.
pub fn jwt(
    header: &serde_json::Value,
    claims: &serde_json::Value,
    key: &jsonwebtoken::EncodingKey,
    alg: jsonwebtoken::Algorithm,
) -> String {
    let message = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), key, alg).unwrap();
    format!("{message}.{signature}")
}

/// An HS256 JWT with the tests' secret.
pub fn hs256(claims: &serde_json::Value) -> String {
    jwt(
        &serde_json::json!({"alg": "HS256", "typ": "JWT"}),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
        jsonwebtoken::Algorithm::HS256,
    )
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// `GET /api/drm/token` with a bearer token: status and JSON body.
pub async fn get_token(base: &str, bearer: &str) -> (u16, serde_json::Value) {
    let resp = http()
        .get(format!(
            "{base}/api/drm/token?content_id=video-1&drm_type=widevine"
        ))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

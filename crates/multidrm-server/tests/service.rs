//! The entitlement service over loopback: DIVA tokenize/heartbeat with the player client, every
//! refusal as a signed "ko", the plain token endpoint, shared Redis replay state.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use drm_entitlement::client::{ClientError, EntitlementClient};
use drm_entitlement::{
    AssetState, Channel, Decision, DecisionFuture, EntitlementQuery, EntitlementRequest,
    EntitlementResponse, Entitler, JsonObject, RequestBuilder, ResponseStatus, SharedSecret, codes,
};
use multidrm_server::{
    RunningServer as RunningService, Server as EntitlementService, ServerConfig as ServiceConfig,
};

const SECRET: &str = "test-shared-secret-0123456789";
const JWT_SECRET: &str = "jwt-test-secret-with-enough-bytes";
const POLICY: &str =
    r#"{"policy_version": 2, "playback_policy": {"persistent": false, "license_duration": 3600}}"#;

fn config_toml(top: &str, token_endpoint: &str) -> String {
    format!(
        r#"
bind = "127.0.0.1:0"
secret = "{SECRET}"
require_signature = true
heartbeat_seconds = 1
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"
policy_file = "policy.json"
max_body_bytes = 4096
{top}

[doverunner]
site_id = "TUTO"
site_key = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"
access_key = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"

[[rules]]
users = ["alice"]
videos = ["*"]

[[rules]]
users = ["*"]
videos = ["free-video"]

{token_endpoint}
"#
    )
}

fn hs256_endpoint() -> String {
    format!(
        "[token_endpoint]\njwt_hs256_secret = \"{JWT_SECRET}\"\ncors_origins = [\"https://player.example.com\"]\n"
    )
}

struct Running {
    service: Option<RunningService>,
    _dir: common::TempDir,
}

impl Running {
    fn base(&self) -> String {
        self.service.as_ref().unwrap().base_url()
    }

    fn client(&self, secret: &str) -> EntitlementClient {
        EntitlementClient::new(
            &format!("{}/tokenize", self.base()),
            &format!("{}/heartbeat", self.base()),
            SharedSecret::new(secret),
        )
        .unwrap()
    }
}

async fn start_with(
    toml: &str,
    customize: impl FnOnce(EntitlementService) -> EntitlementService,
) -> Running {
    let dir = common::TempDir::new();
    dir.write("policy.json", POLICY);
    dir.write("jwt_public.pem", include_str!("data/jwt_rs256_public.pem"));
    dir.write(
        "jwt_other_public.pem",
        include_str!("data/jwt_rs256_other_public.pem"),
    );
    let config = ServiceConfig::from_toml(toml, dir.0.clone()).unwrap();
    let service = customize(EntitlementService::from_config(&config).unwrap());
    Running {
        service: Some(service.bind().await.unwrap()),
        _dir: dir,
    }
}

async fn start() -> Running {
    start_with(&config_toml("", &hs256_endpoint()), |s| s).await
}

fn player(user: &str, video: &str) -> RequestBuilder {
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

/// One HTTP client for the whole test binary (building one per request is slow in debug).
/// No idle pooling: each test has its own runtime, and a pooled connection must not outlive it.
fn http() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap()
        })
        .clone()
}

/// POSTs a raw body; every answer must be HTTP 200 with a JSON entitlement response.
async fn post(base: &str, path: &str, body: impl Into<Vec<u8>>) -> EntitlementResponse {
    let resp = http()
        .post(format!("{base}{path}"))
        .body(body.into())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    EntitlementResponse::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

fn assert_signed_ko(resp: &EntitlementResponse, challenge: &str, code: codes::ResponseCode) {
    assert_eq!(resp.status().unwrap(), ResponseStatus::Ko, "{resp:?}");
    assert_eq!(resp.response_code().unwrap(), i64::from(code), "{resp:?}");
    resp.verify(challenge, &SharedSecret::new(SECRET))
        .unwrap_or_else(|e| panic!("ko not signed with {challenge:?}: {e}"));
    assert!(resp.auth_token().unwrap().is_empty());
}

#[tokio::test]
async fn signed_tokenize_returns_a_verified_entitlement_with_a_license_token() {
    let svc = start().await;
    let ent = svc
        .client(SECRET)
        .tokenize(player("alice", "movie-1"))
        .await
        .unwrap();
    assert_eq!(
        ent.content_url,
        "https://cdn.example.com/movie-1/manifest.mpd"
    );
    assert_eq!(
        ent.license_url,
        "https://drm-license.doverunner.com/ri/licenseManager.do"
    );
    assert_eq!(ent.heartbeat, Some(Duration::from_secs(1)));
    let token = ent.auth_token.expose_secret();
    assert!(token.len() > 100);
    assert!(
        !format!("{ent:?}").contains(token),
        "Debug must redact the token"
    );
    common::assert_license_token(token, "alice", "movie-1", "Widevine");
    // The response verifies with the request's Challenge (the client already checked it).
    ent.response
        .verify(&ent.challenge, &SharedSecret::new(SECRET))
        .unwrap();
}

#[tokio::test]
async fn ids_are_encoded_into_the_content_url_and_drm_types_are_honoured() {
    // Ids beyond the default VideoId pattern, to show that they are percent-encoded.
    let svc = start_with(
        &config_toml(r#"video_id_pattern = ".{1,512}""#, &hs256_endpoint()),
        |s| s,
    )
    .await;
    let client = svc.client(SECRET);
    let ent = client
        .tokenize(player("alice", "a b/c?d").drm_type("FairPlay"))
        .await
        .unwrap();
    assert_eq!(
        ent.content_url,
        "https://cdn.example.com/a%20b%2Fc%3Fd/manifest.mpd"
    );
    common::assert_license_token(
        ent.auth_token.expose_secret(),
        "alice",
        "a b/c?d",
        "FairPlay",
    );
    // An empty DRMType falls back to the configured default (widevine).
    let ent = client
        .tokenize(player("alice", "m").drm_type(""))
        .await
        .unwrap();
    common::assert_license_token(ent.auth_token.expose_secret(), "alice", "m", "Widevine");
    // Open access (empty User) on a free video mints for the anonymous user id.
    let ent = client
        .tokenize(player("", "free-video").auth_type("Open"))
        .await
        .unwrap();
    common::assert_license_token(
        ent.auth_token.expose_secret(),
        "LICENSETOKEN",
        "free-video",
        "Widevine",
    );
    let err = client
        .tokenize(player("alice", "m").drm_type("clearkey"))
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), i64::from(codes::INVALID_FIELD));
}

#[tokio::test]
async fn heartbeats_use_fresh_challenges_and_follow_heartbeat_time() {
    let svc = start().await;
    let client = svc.client(SECRET);
    let ent = client.tokenize(player("alice", "movie-1")).await.unwrap();
    let mut beats = client.heartbeats(player("alice", "movie-1"), ent.heartbeat.unwrap());
    let mut challenges = vec![ent.challenge.clone()];
    for _ in 0..2 {
        let answer = beats.next().await.unwrap().unwrap();
        assert_eq!(answer.next, Some(Duration::from_secs(1)));
        challenges.push(answer.challenge);
    }
    challenges.sort();
    challenges.dedup();
    assert_eq!(challenges.len(), 3, "every call has its own Challenge");

    // A heartbeat for a video the user may not play is refused.
    let err = client
        .heartbeat(player("bob", "movie-1"), Duration::from_secs(1))
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), i64::from(codes::NOT_ENTITLED));
}

#[tokio::test]
async fn replayed_challenge_is_refused_with_a_signed_ko() {
    let svc = start().await;
    let req = player("alice", "movie-1")
        .sign(&SharedSecret::new(SECRET))
        .unwrap();
    let challenge = req.raw_challenge().unwrap().to_owned();
    let first = post(&svc.base(), "/tokenize", req.to_json_string()).await;
    assert_eq!(first.status().unwrap(), ResponseStatus::Ok);
    first
        .verify(&challenge, &SharedSecret::new(SECRET))
        .unwrap();
    let again = post(&svc.base(), "/tokenize", req.to_json_string()).await;
    assert_signed_ko(&again, &challenge, codes::REPLAYED_CHALLENGE);
    // Also on the other path.
    let again = post(&svc.base(), "/heartbeat", req.to_json_string()).await;
    assert_signed_ko(&again, &challenge, codes::REPLAYED_CHALLENGE);
}

#[tokio::test]
async fn tampered_field_and_wrong_secret_get_a_signed_ko() {
    let svc = start().await;
    let req = player("bob", "movie-1")
        .sign(&SharedSecret::new(SECRET))
        .unwrap();
    let challenge = req.raw_challenge().unwrap().to_owned();
    let mut tampered = req.into_body();
    tampered.insert("User", "alice");
    let resp = post(&svc.base(), "/tokenize", tampered.to_json_string()).await;
    assert_signed_ko(&resp, &challenge, codes::BAD_SIGNATURE);

    // A player with the wrong secret: the ko is signed with the real one, so that player's
    // check fails (provider code 21) — it cannot read answers it cannot verify.
    let err = svc
        .client("not-the-secret")
        .tokenize(player("alice", "movie-1"))
        .await
        .unwrap_err();
    assert!(matches!(err, ClientError::Signature(_)), "{err:?}");
    assert_eq!(err.provider_code(), 21);
    let req = player("alice", "movie-1")
        .sign(&SharedSecret::new("not-the-secret"))
        .unwrap();
    let resp = post(&svc.base(), "/tokenize", req.to_json_string()).await;
    assert_signed_ko(&resp, req.raw_challenge().unwrap(), codes::BAD_SIGNATURE);
}

#[tokio::test]
async fn unsigned_request_is_refused_when_signatures_are_required() {
    let svc = start().await;
    let req = player("alice", "movie-1").build();
    let resp = post(&svc.base(), "/tokenize", req.to_json_string()).await;
    assert_signed_ko(&resp, req.raw_challenge().unwrap(), codes::BAD_SIGNATURE);
}

#[tokio::test]
async fn unsigned_requests_pass_when_signatures_are_optional() {
    let svc = start_with(
        &config_toml("require_signature = false", &hs256_endpoint())
            .replace("require_signature = true\n", ""),
        |s| s,
    )
    .await;
    let mut body = player("alice", "movie-1").build().into_body();
    body.remove("Challenge");
    let resp = post(&svc.base(), "/tokenize", body.to_json_string()).await;
    assert_eq!(resp.status().unwrap(), ResponseStatus::Ok);
    // No Challenge: signed with the empty one.
    resp.verify("", &SharedSecret::new(SECRET)).unwrap();
}

#[tokio::test]
async fn non_entitled_user_gets_a_signed_ko() {
    let svc = start().await;
    let err = svc
        .client(SECRET)
        .tokenize(player("bob", "movie-1"))
        .await
        .unwrap_err();
    match err {
        ClientError::Ko { code, .. } => assert_eq!(code, i64::from(codes::NOT_ENTITLED)),
        other => panic!("{other:?}"),
    }
    let req = player("bob", "movie-1")
        .sign(&SharedSecret::new(SECRET))
        .unwrap();
    let resp = post(&svc.base(), "/tokenize", req.to_json_string()).await;
    assert_signed_ko(&resp, req.raw_challenge().unwrap(), codes::NOT_ENTITLED);
}

#[tokio::test]
async fn malformed_json_and_bad_fields_get_a_signed_ko() {
    let svc = start().await;
    for body in ["{\"Type\":1,", "not json", "", "[1,2]", "{\"a\":1,\"a\":2}"] {
        let resp = post(&svc.base(), "/tokenize", body).await;
        assert_signed_ko(&resp, "", codes::MALFORMED_BODY);
    }
    // Well-formed JSON with a field out of range: keyed with the request's Challenge.
    let mut body = player("alice", "movie-1").build().into_body();
    body.insert("Type", 7);
    let mut req = EntitlementRequest::from(body);
    req.sign(
        &SharedSecret::new(SECRET),
        &drm_entitlement::Rendering::lexical(),
    )
    .unwrap();
    let resp = post(&svc.base(), "/tokenize", req.to_json_string()).await;
    assert_signed_ko(&resp, req.raw_challenge().unwrap(), codes::INVALID_FIELD);
}

#[tokio::test]
async fn oversized_body_gets_a_signed_ko() {
    let svc = start().await;
    let mut body = player("alice", "movie-1").build().into_body();
    body.insert("Padding", "x".repeat(5000));
    let resp = post(&svc.base(), "/tokenize", body.to_json_string()).await;
    assert_signed_ko(&resp, "", codes::BODY_TOO_LARGE);
    // Without a Content-Length (chunked), the limit still holds.
    let (status, body) = common::raw_chunked_post(
        svc.service.as_ref().unwrap().local_addr(),
        "/tokenize",
        10,
        1000,
    )
    .await;
    assert_eq!(status, 200);
    let resp = EntitlementResponse::from_slice(&body).unwrap();
    assert_signed_ko(&resp, "", codes::BODY_TOO_LARGE);
}

struct OnlyEvenVideos;

impl Entitler for OnlyEvenVideos {
    fn decide<'a>(&'a self, query: &'a EntitlementQuery) -> DecisionFuture<'a> {
        Box::pin(async move {
            if query.video_id.ends_with(['0', '2', '4', '6', '8']) {
                Decision::AllowAs {
                    user_id: format!("account-of-{}", query.user),
                }
            } else {
                Decision::Deny {
                    code: codes::ResponseCode::new(4242),
                    message: format!("not available ({:?})", query.channel),
                }
            }
        })
    }
}

#[tokio::test]
async fn a_custom_entitler_decides() {
    let svc = start_with(&config_toml("", ""), |s| s.with_entitler(OnlyEvenVideos)).await;
    let client = svc.client(SECRET);
    let ent = client.tokenize(player("zoe", "video-2")).await.unwrap();
    common::assert_license_token(
        ent.auth_token.expose_secret(),
        "account-of-zoe",
        "video-2",
        "Widevine",
    );
    match client.tokenize(player("zoe", "video-3")).await.unwrap_err() {
        ClientError::Ko { code, message } => {
            assert_eq!(code, 4242);
            assert!(message.contains("Tokenize"));
        }
        other => panic!("{other:?}"),
    }
    let _ = Channel::Heartbeat;
}

#[tokio::test]
async fn graceful_shutdown_stops_listening() {
    let mut svc = start().await;
    let addr = svc.service.as_ref().unwrap().local_addr();
    svc.service.take().unwrap().shutdown().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

// ------------------------------------------------------------------ token endpoint

fn jwt_hs256(sub: &str, exp_offset: i64, secret: &str) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &serde_json::json!({ "sub": sub, "exp": now + exp_offset }),
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn jwt_rs256(sub: &str, exp_offset: i64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &serde_json::json!({ "sub": sub, "exp": now + exp_offset }),
        &jsonwebtoken::EncodingKey::from_rsa_pem(include_bytes!("data/jwt_rs256_private.pem"))
            .unwrap(),
    )
    .unwrap()
}

async fn get_token(base: &str, query: &str, bearer: Option<&str>) -> (u16, serde_json::Value) {
    let mut req = http().get(format!("{base}/api/drm/token?{query}"));
    if let Some(b) = bearer {
        req = req.header("authorization", format!("Bearer {b}"));
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    (
        status,
        serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test]
async fn token_endpoint_with_hs256() {
    let svc = start().await;
    let base = svc.base();
    let (status, body) = get_token(
        &base,
        "content_id=movie-1&drm_type=playready",
        Some(&jwt_hs256("alice", 300, JWT_SECRET)),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["header_name"], "pallycon-customdata-v2");
    assert_eq!(
        body["license_url"],
        "https://drm-license.doverunner.com/ri/licenseManager.do"
    );
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    common::assert_license_token(
        body["token"].as_str().unwrap(),
        "alice",
        "movie-1",
        "PlayReady",
    );

    // Expired, wrong key, missing, garbage.
    let cases = [
        (Some(jwt_hs256("alice", -3600, JWT_SECRET)), "expired_token"),
        (
            Some(jwt_hs256("alice", 300, "another-secret-of-enough-bytes")),
            "invalid_token",
        ),
        (Some(jwt_rs256("alice", 300)), "invalid_token"),
        (Some("not.a.jwt".to_owned()), "invalid_token"),
        (None, "missing_token"),
    ];
    for (bearer, code) in cases {
        let (status, body) = get_token(&base, "content_id=movie-1", bearer.as_deref()).await;
        assert_eq!(status, 401, "{code}: {body}");
        assert_eq!(body["error"], code);
    }

    // Authenticated but not entitled; bad parameters.
    let bob = jwt_hs256("bob", 300, JWT_SECRET);
    let (status, body) = get_token(&base, "content_id=movie-1", Some(&bob)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("not_entitled"))
    );
    let (status, _) = get_token(&base, "content_id=free-video", Some(&bob)).await;
    assert_eq!(status, 200);
    let alice = jwt_hs256("alice", 300, JWT_SECRET);
    let (status, body) = get_token(&base, "drm_type=widevine", Some(&alice)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let (status, _) = get_token(&base, "content_id=m&drm_type=clearkey", Some(&alice)).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn token_endpoint_with_rs256_and_cors() {
    let endpoint = "[token_endpoint]\njwt_rs256_public_key_file = \"jwt_public.pem\"\ncors_origins = [\"https://player.example.com\"]\n";
    let svc = start_with(&config_toml("", endpoint), |s| s).await;
    let base = svc.base();
    let (status, body) =
        get_token(&base, "content_id=movie-9", Some(&jwt_rs256("alice", 300))).await;
    assert_eq!(status, 200, "{body}");
    common::assert_license_token(
        body["token"].as_str().unwrap(),
        "alice",
        "movie-9",
        "Widevine",
    );
    let (status, _) = get_token(
        &base,
        "content_id=movie-9",
        Some(&jwt_hs256("alice", 300, JWT_SECRET)),
    )
    .await;
    assert_eq!(
        status, 401,
        "an HS256 token is refused by an RS256 endpoint"
    );

    let http = reqwest::Client::new();
    let preflight = http
        .request(reqwest::Method::OPTIONS, format!("{base}/api/drm/token"))
        .header("origin", "https://player.example.com")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://player.example.com"
    );
    let other = http
        .get(format!("{base}/api/drm/token?content_id=movie-9"))
        .header("origin", "https://evil.example.com")
        .header(
            "authorization",
            format!("Bearer {}", jwt_rs256("alice", 300)),
        )
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn token_endpoint_refuses_rs256_tokens_of_another_key() {
    let endpoint = "[token_endpoint]\njwt_rs256_public_key_file = \"jwt_other_public.pem\"\n";
    let svc = start_with(&config_toml("", endpoint), |s| s).await;
    let (status, body) = get_token(
        &svc.base(),
        "content_id=movie-9",
        Some(&jwt_rs256("alice", 300)),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_token"))
    );
}

#[tokio::test]
async fn token_endpoint_is_off_without_its_section() {
    let svc = start_with(&config_toml("", ""), |s| s).await;
    let resp = reqwest::get(format!("{}/api/drm/token?content_id=x", svc.base()))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
}

// ------------------------------------------------------------------ Redis

#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_replay_store_is_shared_between_two_instances() {
    let Some(redis) = common::RedisServer::start() else {
        return;
    };
    let top = format!("redis_url = \"{}\"", redis.url());
    let a = start_with(&config_toml(&top, ""), |s| s).await;
    let b = start_with(&config_toml(&top, ""), |s| s).await;
    let req = player("alice", "movie-1")
        .sign(&SharedSecret::new(SECRET))
        .unwrap();
    let challenge = req.raw_challenge().unwrap().to_owned();
    let first = post(&a.base(), "/tokenize", req.to_json_string()).await;
    assert_eq!(first.status().unwrap(), ResponseStatus::Ok, "{first:?}");
    let replay = post(&b.base(), "/tokenize", req.to_json_string()).await;
    assert_signed_ko(&replay, &challenge, codes::REPLAYED_CHALLENGE);
    // Fresh requests keep working on both.
    for svc in [&a, &b] {
        svc.client(SECRET)
            .tokenize(player("alice", "movie-1"))
            .await
            .unwrap();
    }
    // With Redis gone the service fails closed: a signed ko, not a hang or a 500.
    drop(redis);
    let req = player("alice", "movie-1")
        .sign(&SharedSecret::new(SECRET))
        .unwrap();
    let resp = post(&a.base(), "/tokenize", req.to_json_string()).await;
    assert_signed_ko(
        &resp,
        req.raw_challenge().unwrap(),
        codes::SERVICE_UNAVAILABLE,
    );
}

#[test]
fn config_errors_name_the_key_and_never_the_secret() {
    let dir = common::TempDir::new();
    let bad = config_toml("", "").replace("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC", "short-key");
    let config = ServiceConfig::from_toml(&bad, dir.0.clone()).unwrap();
    let err = EntitlementService::from_config(&config)
        .unwrap_err()
        .to_string();
    assert!(err.contains("doverunner"), "{err}");
    assert!(!err.contains("short-key"), "{err}");
    let unknown = config_toml("unknown_key = 1", "");
    assert!(ServiceConfig::from_toml(&unknown, dir.0.clone()).is_err());
    assert!(!format!("{config:?}").contains(SECRET));
    let _ = JsonObject::new();
}

#[tokio::test]
async fn hostile_bodies_over_http_always_get_a_signed_answer() {
    let svc = start().await;
    let valid = player("alice", "movie-1").build().to_json_string();
    // Deterministic pseudo-random mutations of a valid body.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..64 {
        let mut bytes = valid.clone().into_bytes();
        for _ in 0..(next() % 8 + 1) {
            let i = (next() as usize) % bytes.len();
            bytes[i] = (next() % 256) as u8;
        }
        if next() % 4 == 0 {
            bytes.truncate((next() as usize) % bytes.len());
        }
        let resp = post(&svc.base(), "/tokenize", bytes.clone()).await;
        let challenge = EntitlementRequest::from_slice(&bytes)
            .ok()
            .and_then(|r| r.raw_challenge().map(str::to_owned))
            .unwrap_or_default();
        assert_eq!(resp.status().unwrap(), ResponseStatus::Ko);
        resp.verify(&challenge, &SharedSecret::new(SECRET))
            .or_else(|_| resp.verify("", &SharedSecret::new(SECRET)))
            .unwrap();
    }
}

#[tokio::test]
async fn answers_are_signed_the_way_the_player_type_checks_them() {
    let top = "[response_rendering]\nAndroid = { profile = \"kotlin_gson_map\" }\niOS = { profile = \"swift_typed\", double_fields = [\"HeartBeatTime\"] }";
    // Top-level tables must come after the plain keys: append the section at the end.
    let toml = format!("{}\n{top}\n", config_toml("", ""));
    let svc = start_with(&toml, |s| s).await;
    let secret = SharedSecret::new(SECRET);
    for (platform, rendering) in [
        (
            "Android",
            drm_entitlement::Rendering::new(drm_entitlement::RenderProfile::KotlinGsonMap),
        ),
        (
            "iOS",
            drm_entitlement::Rendering::new(drm_entitlement::RenderProfile::SwiftTyped)
                .declare("HeartBeatTime", drm_entitlement::NumberType::Double),
        ),
        ("HTML5", drm_entitlement::Rendering::lexical()),
    ] {
        for user in ["alice", "bob"] {
            let req = player(user, "movie-1")
                .player_type(platform)
                .sign(&secret)
                .unwrap();
            let resp = post(&svc.base(), "/tokenize", req.to_json_string()).await;
            let challenge = req.raw_challenge().unwrap();
            let matched = drm_entitlement::verify_response(
                resp.body(),
                challenge,
                &secret,
                std::slice::from_ref(&rendering),
            );
            assert_eq!(matched.as_ref(), Ok(&rendering), "{platform} {user}");
            if platform != "HTML5" {
                assert!(
                    resp.verify(challenge, &secret).is_err(),
                    "{platform}: not lexical"
                );
            }
        }
    }
}

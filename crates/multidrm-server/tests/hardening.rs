//! The server as an attacker and an operator see it: a full replay store, a zero window, slow
//! connections, JWT claim types, field shifts, control characters, readiness, metrics, draining.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use drm_entitlement::{
    Decision, DecisionFuture, EntitlementQuery, Entitler, JsonObject, Rendering, SharedSecret,
    Value, codes,
};
use multidrm_server::ServerConfig;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn signed(builder: drm_entitlement::RequestBuilder) -> (String, String) {
    let req = builder.sign(&SharedSecret::new(SECRET)).unwrap();
    (
        req.to_json_string(),
        req.raw_challenge().unwrap().to_owned(),
    )
}

// ------------------------------------------------------------------------------------------
// Replay protection

#[tokio::test]
async fn full_replay_store_refuses_new_challenges_and_never_accepts_a_replay() {
    let s = start(&config_toml("replay_capacity = 3", "")).await;
    let mut accepted = Vec::new();
    for _ in 0..3 {
        let (body, ch) = signed(player("alice", "video-1"));
        let resp = post(&s.base(), "/tokenize", body.clone()).await;
        assert_eq!(signed_code(&resp, &ch), codes::OK);
        accepted.push((body, ch));
    }
    // Full: a fresh challenge is refused (1006), no entry is evicted.
    for _ in 0..3 {
        let (body, ch) = signed(player("alice", "video-1"));
        let resp = post(&s.base(), "/tokenize", body).await;
        assert_eq!(signed_code(&resp, &ch), codes::SERVICE_UNAVAILABLE);
        assert!(resp.auth_token().unwrap().is_empty());
    }
    for (body, ch) in &accepted {
        let resp = post(&s.base(), "/tokenize", body.clone()).await;
        assert_eq!(signed_code(&resp, ch), codes::REPLAYED_CHALLENGE);
    }
    let metrics = http()
        .get(format!("{}/metrics", s.base()))
        .send()
        .await
        .unwrap();
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains(r#"multidrm_replay_refusals_total{reason="store_full"} 3"#),
        "{text}"
    );
    assert!(text.contains("multidrm_replay_store_entries 3"), "{text}");
}

#[test]
fn a_zero_replay_window_is_a_configuration_error() {
    let e =
        ServerConfig::from_toml(&config_toml("replay_window_seconds = 0", ""), ".").unwrap_err();
    assert!(e.to_string().contains("replay_window_seconds"), "{e}");
    for key in [
        "replay_capacity",
        "header_timeout_seconds",
        "idle_timeout_seconds",
        "max_connections",
    ] {
        let e = ServerConfig::from_toml(&config_toml(&format!("{key} = 0"), ""), ".").unwrap_err();
        assert!(e.to_string().contains(key), "{e}");
    }
}

#[test]
fn the_limit_keys_are_accepted() {
    let c = ServerConfig::from_toml(
        &config_toml(
            "header_timeout_seconds = 3\nidle_timeout_seconds = 7\nmax_connections = 50",
            "",
        ),
        ".",
    )
    .unwrap();
    assert_eq!(
        (
            c.header_timeout_seconds,
            c.idle_timeout_seconds,
            c.max_connections
        ),
        (3, 7, 50)
    );
}

// ------------------------------------------------------------------------------------------
// Connection hygiene

/// Opens `n` connections that each send half a request and then nothing.
async fn slow_connections(addr: std::net::SocketAddr, n: usize) -> Vec<tokio::net::TcpStream> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST /tokenize HTTP/1.1\r\nHost: x\r\nContent-Le")
            .await
            .unwrap();
        out.push(s);
    }
    out
}

#[tokio::test]
async fn legitimate_requests_are_answered_while_1000_slow_connections_are_open() {
    // 1,000 client sockets + 1,000 server sockets in this process: raise the soft limit.
    let _ = rlimit::increase_nofile_limit(8192);
    let (soft, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap();
    let slow = if soft >= 2300 {
        1000
    } else {
        ((soft as usize).saturating_sub(300)) / 2
    };
    assert!(slow >= 100, "open-file limit {soft} too low for this test");
    let s = start(&config_toml(
        "header_timeout_seconds = 30\nidle_timeout_seconds = 60",
        "",
    ))
    .await;
    let held = slow_connections(s.addr(), slow).await;
    for _ in 0..4 {
        let (body, ch) = signed(player("alice", "video-1"));
        let resp = post(&s.base(), "/tokenize", body).await;
        assert_eq!(signed_code(&resp, &ch), codes::OK);
    }
    drop(held);
}

/// Reads until the server closes the connection (or 30 s pass: then the test fails).
async fn closed_by_server(mut s: tokio::net::TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    let read_all = async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read_all)
        .await
        .unwrap_or(false)
}

#[tokio::test]
async fn a_half_sent_request_is_cut_at_the_header_timeout() {
    let s = start(&config_toml("header_timeout_seconds = 1", "")).await;
    let mut held = slow_connections(s.addr(), 1).await;
    assert!(closed_by_server(held.pop().unwrap()).await);
}

#[tokio::test]
async fn an_idle_connection_is_closed() {
    let s = start(&config_toml("idle_timeout_seconds = 1", "")).await;
    let silent = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    assert!(closed_by_server(silent).await);
}

#[tokio::test]
async fn connections_beyond_max_connections_wait_for_a_free_slot() {
    let s = start(&config_toml(
        "max_connections = 2\nheader_timeout_seconds = 1",
        "",
    ))
    .await;
    let held = slow_connections(s.addr(), 2).await;
    // Served once the header timeout frees the slots.
    let (body, ch) = signed(player("alice", "video-1"));
    let resp = post(&s.base(), "/tokenize", body).await;
    assert_eq!(signed_code(&resp, &ch), codes::OK);
    drop(held);
}

// ------------------------------------------------------------------------------------------
// DIVA field shifts: each gets a signed "ko" 1001

async fn code_of(s: &Running, builder: drm_entitlement::RequestBuilder) -> i64 {
    let (body, ch) = signed(builder);
    signed_code(&post(&s.base(), "/tokenize", body).await, &ch)
}

/// Signs `body` as sent, then applies `shift` (the man in the middle) and returns its code.
async fn shifted_code(s: &Running, body: JsonObject, shift: impl FnOnce(&mut JsonObject)) -> i64 {
    let mut req = drm_entitlement::EntitlementRequest::from(body);
    req.sign(&SharedSecret::new(SECRET), &Rendering::lexical())
        .unwrap();
    let ch = req.raw_challenge().unwrap().to_owned();
    let original = drm_entitlement::verify_request(req.body(), &SharedSecret::new(SECRET));
    assert!(original.is_ok());
    let mut body = req.into_body();
    shift(&mut body);
    // The shift keeps the signature valid: only the formats can refuse it.
    assert!(drm_entitlement::verify_request(&body, &SharedSecret::new(SECRET)).is_ok());
    signed_code(
        &post(&s.base(), "/tokenize", body.to_json_string()).await,
        &ch,
    )
}

fn body_of(builder: drm_entitlement::RequestBuilder) -> JsonObject {
    builder.build().into_body()
}

#[tokio::test]
async fn shift_from_video_id_into_video_kind_is_refused() {
    let s = start(&config_toml("", "")).await;
    // VideoId and VideoKind are neighbours in the signed message when VideoSource is empty.
    let body = body_of(player("alice", "movie-12").video_source("").video_kind(""));
    let code = shifted_code(&s, body, |b| {
        b.insert("VideoId", "movie-1");
        b.insert("VideoKind", "2");
    })
    .await;
    assert_eq!(code, codes::INVALID_FIELD);
}

#[tokio::test]
async fn shift_from_video_source_name_into_drm_type_is_refused() {
    let s = start(&config_toml("", "")).await;
    let body = body_of(
        player("alice", "video-1")
            .video_source_name("Trailer fairplay")
            .drm_type(""),
    );
    assert_eq!(
        code_of(
            &s,
            player("alice", "video-1")
                .video_source_name("Trailer fairplay")
                .drm_type("")
        )
        .await,
        codes::OK
    );
    let code = shifted_code(&s, body.clone(), |b| {
        b.insert("VideoSourceName", "Trailer ");
        b.insert("DRMType", "fairplay");
    })
    .await;
    assert_eq!(code, codes::INVALID_FIELD);
    let code = shifted_code(&s, body, |b| {
        b.insert("VideoSourceName", "Trailer");
        b.insert("DRMType", " fairplay");
    })
    .await;
    assert_eq!(code, codes::INVALID_FIELD);
}

#[tokio::test]
async fn user_null_text_and_json_null_are_refused() {
    let s = start(&config_toml("", "")).await;
    // The text "null" is not a user.
    assert_eq!(
        code_of(&s, player("null", "video-1")).await,
        codes::INVALID_FIELD
    );
    // A "null" signed as text, replaced by JSON null (verifies with the literal null policy).
    let body = body_of(player("null", "video-1"));
    let code = shifted_code(&s, body, |b| {
        b.insert("User", Value::Null);
    })
    .await;
    assert_eq!(code, codes::INVALID_FIELD);
}

#[tokio::test]
async fn closed_set_fields_and_the_video_id_pattern_are_checked() {
    let s = start(&config_toml("", "")).await;
    for builder in [
        player("alice", "video 1"),
        player("alice", &"v".repeat(129)),
        player("alice", "video-1").video_kind("2"),
        player("alice", "video-1").player_type("HTML5x"),
        player("alice", "video-1").video_source_format("DASH1"),
        player("alice", "video-1").drm_type("widevine1"),
        player("alice", "video-1").auth_type("Tokenx"),
    ] {
        assert_eq!(code_of(&s, builder).await, codes::INVALID_FIELD);
    }
    assert_eq!(code_of(&s, player("alice", "a.B_c-9")).await, codes::OK);
}

#[tokio::test]
async fn the_video_id_pattern_and_field_sets_are_configurable() {
    let s = start(&config_toml(
        r#"video_id_pattern = "movie-[0-9]+""#,
        "[diva_fields]\nvideo_kinds = [\"Episode\"]\n",
    ))
    .await;
    assert_eq!(
        code_of(&s, player("alice", "movie-7").video_kind("episode")).await,
        codes::OK
    );
    assert_eq!(
        code_of(&s, player("alice", "video-1").video_kind("episode")).await,
        codes::INVALID_FIELD
    );
    assert_eq!(
        code_of(&s, player("alice", "movie-7").video_kind("vod")).await,
        codes::INVALID_FIELD
    );
}

// ------------------------------------------------------------------------------------------
// Control characters in user ids

struct AllowAs(&'static str);

impl Entitler for AllowAs {
    fn decide<'a>(&'a self, _query: &'a EntitlementQuery) -> DecisionFuture<'a> {
        Box::pin(std::future::ready(Decision::AllowAs {
            user_id: self.0.to_owned(),
        }))
    }
}

#[tokio::test]
async fn user_ids_with_control_characters_are_refused() {
    let s = start(&config_toml("", "")).await;
    for user in ["ali\rce", "ali\nce", "ali\u{0}ce", "alice\u{7f}"] {
        assert_eq!(
            code_of(&s, player(user, "video-1")).await,
            codes::INVALID_FIELD,
            "{user:?}"
        );
    }
    // An entitler mapping to such an id is refused too.
    let s = start_with(&config_toml("", ""), |srv| {
        srv.with_entitler(AllowAs("bob\r\nx"))
    })
    .await;
    assert_eq!(
        code_of(&s, player("alice", "video-1")).await,
        codes::INVALID_FIELD
    );
    // JWT `sub`.
    let s = start(&config_toml(
        "",
        &format!("[token_endpoint]\njwt_hs256_secret = \"{JWT_SECRET}\"\n"),
    ))
    .await;
    let token = hs256(&serde_json::json!({"sub": "ali\nce", "exp": now() + 60}));
    assert_eq!(get_token(&s.base(), &token).await.0, 401);
}

// ------------------------------------------------------------------------------------------
// Viewer JWTs

fn strict_endpoint() -> String {
    format!(
        "[token_endpoint]\njwt_hs256_secret = \"{JWT_SECRET}\"\naudience = \"svc\"\nissuer = \"https://idp.example.com\"\nleeway_seconds = 0\n"
    )
}

fn good_claims() -> serde_json::Value {
    serde_json::json!({"sub": "alice", "exp": now() + 300, "iat": now(), "nbf": now() - 10, "aud": "svc", "iss": "https://idp.example.com"})
}

async fn claim_status(
    s: &Running,
    edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>),
) -> u16 {
    let mut claims = good_claims();
    edit(claims.as_object_mut().unwrap());
    get_token(&s.base(), &hs256(&claims)).await.0
}

#[tokio::test]
async fn jwt_with_every_claim_right_is_accepted() {
    let s = start(&config_toml("", &strict_endpoint())).await;
    let (status, body) = get_token(&s.base(), &hs256(&good_claims())).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].as_str().is_some_and(|t| !t.is_empty()));
    let aud_list = claim_status(&s, |c| {
        c.insert("aud".into(), serde_json::json!(["other", "svc"]));
    })
    .await;
    assert_eq!(aud_list, 200);
}

#[tokio::test]
async fn jwt_audience_missing_null_or_of_another_type_is_refused() {
    let s = start(&config_toml("", &strict_endpoint())).await;
    assert_eq!(
        claim_status(&s, |c| {
            c.remove("aud");
        })
        .await,
        401
    );
    for bad in [
        serde_json::json!(null),
        serde_json::json!(7),
        serde_json::json!({"svc": true}),
        serde_json::json!(["svc", 1]),
        serde_json::json!("other"),
    ] {
        assert_eq!(
            claim_status(&s, |c| {
                c.insert("aud".into(), bad.clone());
            })
            .await,
            401,
            "aud = {bad}"
        );
    }
}

#[tokio::test]
async fn jwt_issuer_missing_null_or_of_another_type_is_refused() {
    let s = start(&config_toml("", &strict_endpoint())).await;
    assert_eq!(
        claim_status(&s, |c| {
            c.remove("iss");
        })
        .await,
        401
    );
    for bad in [
        serde_json::json!(null),
        serde_json::json!(1),
        serde_json::json!(["https://idp.example.com"]),
        serde_json::json!("https://evil.example.com"),
    ] {
        assert_eq!(
            claim_status(&s, |c| {
                c.insert("iss".into(), bad.clone());
            })
            .await,
            401,
            "iss = {bad}"
        );
    }
}

#[tokio::test]
async fn jwt_dates_of_the_wrong_type_are_refused() {
    let s = start(&config_toml("", &strict_endpoint())).await;
    for claim in ["exp", "nbf", "iat"] {
        for bad in [
            serde_json::json!("0"),
            serde_json::json!(null),
            serde_json::json!(true),
            serde_json::json!([1]),
        ] {
            assert_eq!(
                claim_status(&s, |c| {
                    c.insert(claim.into(), bad.clone());
                })
                .await,
                401,
                "{claim} = {bad}"
            );
        }
    }
    // Future nbf / iat, past exp, missing exp.
    assert_eq!(
        claim_status(&s, |c| {
            c.insert("nbf".into(), (now() + 600).into());
        })
        .await,
        401
    );
    assert_eq!(
        claim_status(&s, |c| {
            c.insert("iat".into(), (now() + 600).into());
        })
        .await,
        401
    );
    assert_eq!(
        claim_status(&s, |c| {
            c.insert("exp".into(), (now() - 1).into());
        })
        .await,
        401
    );
    assert_eq!(
        claim_status(&s, |c| {
            c.remove("exp");
        })
        .await,
        401
    );
}

#[tokio::test]
async fn jwt_with_a_crit_header_is_refused() {
    let s = start(&config_toml("", &strict_endpoint())).await;
    let token = jwt(
        &serde_json::json!({"alg": "HS256", "typ": "JWT", "crit": ["exp"]}),
        &good_claims(),
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
        jsonwebtoken::Algorithm::HS256,
    );
    assert_eq!(get_token(&s.base(), &token).await.0, 401);
}

#[tokio::test]
async fn jwt_sub_missing_or_of_another_type_is_refused() {
    let s = start(&config_toml("", &strict_endpoint())).await;
    assert_eq!(
        claim_status(&s, |c| {
            c.remove("sub");
        })
        .await,
        401
    );
    for bad in [
        serde_json::json!(null),
        serde_json::json!(5),
        serde_json::json!(""),
        serde_json::json!(["alice"]),
    ] {
        assert_eq!(
            claim_status(&s, |c| {
                c.insert("sub".into(), bad.clone());
            })
            .await,
            401,
            "sub = {bad}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// Readiness, health, metrics

#[tokio::test]
async fn health_and_readiness_with_the_memory_store() {
    let s = start(&config_toml("", "")).await;
    let h = http()
        .get(format!("{}/healthz", s.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(h.status().as_u16(), 200);
    let r = http()
        .get(format!("{}/readyz", s.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["ready"], true);
}

#[tokio::test]
async fn readiness_reports_redis_down_and_requests_fail_closed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = start(&config_toml(
        &format!("redis_url = \"redis://127.0.0.1:{port}\"\nredis_timeout_ms = 300"),
        "",
    ))
    .await;
    let r = http()
        .get(format!("{}/readyz", s.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["ready"], false);
    assert_eq!(body["replay_store"]["status"], "unavailable");
    assert!(!body.to_string().contains(&port.to_string()), "{body}");
    assert_eq!(
        code_of(&s, player("alice", "video-1")).await,
        codes::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn readiness_with_redis_up() {
    let Some(redis) = common::RedisServer::start() else {
        return;
    };
    let s = start(&config_toml(
        &format!("redis_url = \"{}\"", redis.url()),
        "",
    ))
    .await;
    let r = http()
        .get(format!("{}/readyz", s.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(code_of(&s, player("alice", "video-1")).await, codes::OK);
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let s = start(&config_toml(
        "",
        &format!("[token_endpoint]\njwt_hs256_secret = \"{JWT_SECRET}\"\n"),
    ))
    .await;
    let (body, ch) = signed(player("alice", "video-1"));
    assert_eq!(
        signed_code(&post(&s.base(), "/tokenize", body.clone()).await, &ch),
        codes::OK
    );
    assert_eq!(
        signed_code(&post(&s.base(), "/tokenize", body).await, &ch),
        codes::REPLAYED_CHALLENGE
    );
    assert_eq!(get_token(&s.base(), "not-a-jwt").await.0, 401);
    let resp = http()
        .get(format!("{}/metrics", s.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.unwrap();
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).unwrap();
    let value = |name: &str, labels: &[(&str, &str)]| -> Option<f64> {
        let sample = scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(v)))?;
        match sample.value {
            prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => Some(v),
            _ => None,
        }
    };
    let requests = "multidrm_requests_total";
    assert_eq!(
        value(requests, &[("route", "tokenize"), ("code", "0")]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(requests, &[("route", "tokenize"), ("code", "1004")]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(requests, &[("route", "token"), ("code", "401")]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value("multidrm_replay_refusals_total", &[("reason", "replayed")]),
        Some(1.0),
        "{text}"
    );
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "multidrm_request_duration_seconds"
                && matches!(s.value, prometheus_parse::Value::Histogram(_))),
        "{text}"
    );
    assert!(!text.contains(SECRET) && !text.contains("alice") && !text.contains(&ch));
}

// ------------------------------------------------------------------------------------------
// Draining

/// An entitler that says when a request reached it, then takes 500 ms to decide.
struct Slow(Arc<tokio::sync::Notify>);

impl Entitler for Slow {
    fn decide<'a>(&'a self, _query: &'a EntitlementQuery) -> DecisionFuture<'a> {
        Box::pin(async {
            self.0.notify_one();
            tokio::time::sleep(Duration::from_millis(500)).await;
            Decision::Allow
        })
    }
}

#[tokio::test]
async fn shutdown_drains_in_flight_requests_and_stops_listening() {
    let reached = Arc::new(tokio::sync::Notify::new());
    let slow = Slow(reached.clone());
    let mut s = start_with(&config_toml("", ""), |srv| srv.with_entitler(slow)).await;
    let base = s.base();
    let (body, ch) = signed(player("alice", "video-1"));
    let in_flight = tokio::spawn(async move { post(&base, "/tokenize", body).await });
    // Shut down only once the request is being decided (a fixed sleep raced a loaded machine).
    reached.notified().await;
    let server = s.server.take().unwrap();
    let addr = server.local_addr();
    server.shutdown().await.unwrap();
    let resp = in_flight.await.unwrap();
    assert_eq!(signed_code(&resp, &ch), codes::OK);
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

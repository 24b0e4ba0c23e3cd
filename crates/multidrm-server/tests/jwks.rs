//! Viewer keys from a JWKS URL served on loopback: RS256 and ES256 by `kid`, refreshed on an
//! unknown `kid` at most once per interval.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey};
use support::*;

/// A JWKS server: the served document can be replaced; hits are counted.
struct JwksServer {
    url: String,
    document: Arc<std::sync::Mutex<String>>,
    hits: Arc<AtomicUsize>,
}

async fn jwks_server(document: String) -> JwksServer {
    let document = Arc::new(std::sync::Mutex::new(document));
    let hits = Arc::new(AtomicUsize::new(0));
    let (doc, count) = (document.clone(), hits.clone());
    let app = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || {
            let (doc, count) = (doc.clone(), count.clone());
            async move {
                count.fetch_add(1, Ordering::SeqCst);
                doc.lock().unwrap().clone()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    JwksServer {
        url,
        document,
        hits,
    }
}

const FULL: &str = include_str!("data/jwks.json");

/// The JWKS with only the RSA key.
fn rsa_only() -> String {
    let mut v: serde_json::Value = serde_json::from_str(FULL).unwrap();
    v["keys"]
        .as_array_mut()
        .unwrap()
        .retain(|k| k["kty"] == "RSA");
    v.to_string()
}

fn claims() -> serde_json::Value {
    serde_json::json!({"sub": "alice", "exp": now() + 300})
}

fn rs256(kid: &str) -> String {
    let key = EncodingKey::from_rsa_pem(include_bytes!("data/jwt_rs256_private.pem")).unwrap();
    jwt(
        &serde_json::json!({"alg": "RS256", "kid": kid}),
        &claims(),
        &key,
        Algorithm::RS256,
    )
}

fn es256(kid: &str) -> String {
    let key = EncodingKey::from_ec_pem(include_bytes!("data/jwt_es256_private.pem")).unwrap();
    jwt(
        &serde_json::json!({"alg": "ES256", "kid": kid}),
        &claims(),
        &key,
        Algorithm::ES256,
    )
}

fn endpoint(url: &str, refresh: u64) -> String {
    format!("[token_endpoint]\njwks_url = \"{url}\"\njwks_refresh_seconds = {refresh}\n")
}

#[tokio::test]
async fn rs256_and_es256_keys_from_a_jwks_url() {
    let jwks = jwks_server(FULL.to_owned()).await;
    let s = start(&config_toml("", &endpoint(&jwks.url, 3600))).await;
    assert_eq!(get_token(&s.base(), &rs256("rsa-1")).await.0, 200);
    assert_eq!(get_token(&s.base(), &es256("ec-1")).await.0, 200);
    // The key set is cached: one download for both.
    assert_eq!(jwks.hits.load(Ordering::SeqCst), 1);
    // A token whose alg does not match its key, or signed by another key, is refused.
    let key = EncodingKey::from_rsa_pem(include_bytes!("data/jwt_rs256_private.pem")).unwrap();
    let confused = jwt(
        &serde_json::json!({"alg": "RS256", "kid": "ec-1"}),
        &claims(),
        &key,
        Algorithm::RS256,
    );
    assert_eq!(get_token(&s.base(), &confused).await.0, 401);
    let hs = hs256(&claims());
    assert_eq!(get_token(&s.base(), &hs).await.0, 401);
}

#[tokio::test]
async fn an_unknown_kid_refreshes_at_most_once_per_interval() {
    let jwks = jwks_server(rsa_only()).await;
    let s = start(&config_toml("", &endpoint(&jwks.url, 3600))).await;
    assert_eq!(get_token(&s.base(), &rs256("rsa-1")).await.0, 200);
    assert_eq!(jwks.hits.load(Ordering::SeqCst), 1);
    // The provider adds a key; within the interval it is not fetched again.
    *jwks.document.lock().unwrap() = FULL.to_owned();
    for _ in 0..5 {
        assert_eq!(get_token(&s.base(), &es256("ec-1")).await.0, 401);
        assert_eq!(get_token(&s.base(), &rs256("unknown")).await.0, 401);
    }
    assert_eq!(jwks.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unknown_kid_after_the_interval_downloads_the_new_key() {
    let jwks = jwks_server(rsa_only()).await;
    let s = start(&config_toml("", &endpoint(&jwks.url, 1))).await;
    assert_eq!(get_token(&s.base(), &rs256("rsa-1")).await.0, 200);
    *jwks.document.lock().unwrap() = FULL.to_owned();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(get_token(&s.base(), &es256("ec-1")).await.0, 200);
    assert_eq!(jwks.hits.load(Ordering::SeqCst), 2);
    // A burst of unknown kids right after costs at most one more download.
    for _ in 0..10 {
        assert_eq!(get_token(&s.base(), &rs256("nope")).await.0, 401);
    }
    assert!(jwks.hits.load(Ordering::SeqCst) <= 3);
}

#[tokio::test]
async fn an_unreachable_jwks_url_refuses_with_401() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let s = start(&config_toml(
        "",
        &endpoint(&format!("http://127.0.0.1:{port}/jwks.json"), 60),
    ))
    .await;
    assert_eq!(get_token(&s.base(), &rs256("rsa-1")).await.0, 401);
}

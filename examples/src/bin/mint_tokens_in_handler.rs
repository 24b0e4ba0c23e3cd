//! Mint DoveRunner license tokens in an axum handler, with the policy encrypted once at startup.
//!
//! The expensive part of a token (validating and AES-encrypting the license policy) happens
//! once, in `main`; the prepared policy is shared in the router state, and each request only
//! fills in the user, the content id and the time. A player fetches its token from
//! `GET /drm-token?cid=…&drm=widevine` just before the license request and sends it in the
//! `pallycon-customdata-v2` header.
//!
//! Site credentials come from `DOVERUNNER_SITE_ID`, `DOVERUNNER_SITE_KEY` and
//! `DOVERUNNER_ACCESS_KEY`, falling back to the public values of DoveRunner's tutorial.
//!
//! Run: `cargo run -p multidrm-examples --bin mint_tokens_in_handler` — it serves on a free
//! loopback port, calls itself once over real HTTP, prints the answer and exits.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use multidrm::drm_token::PALLYCON_CUSTOMDATA_HEADER;
use multidrm::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What every request needs, prepared once.
struct TokenIssuer {
    creds: SiteCredentials,
    policy: PreparedPolicy,
}

/// `GET /drm-token?cid=…&drm=…` → `{"token": "…", "header": "pallycon-customdata-v2"}`.
async fn drm_token(
    State(issuer): State<Arc<TokenIssuer>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    // Stand-in for your authentication: the user id must come from the viewer's session, never
    // from a parameter the viewer chooses.
    let Some(user) = headers.get("x-user-id").and_then(|v| v.to_str().ok()) else {
        return refuse(StatusCode::UNAUTHORIZED, "sign in first");
    };
    let Some(cid) = query.get("cid") else {
        return refuse(StatusCode::BAD_REQUEST, "cid is required");
    };
    // Your entitlement check (subscription, rental…) belongs here.
    let drm = query.get("drm").map_or("widevine", String::as_str);
    let minted = drm.parse::<DrmType>().and_then(|drm| {
        TokenRequest::new(drm, user, cid).mint(&issuer.creds, &issuer.policy, Timestamp::now())
    });
    match minted {
        Ok(token) => (
            StatusCode::OK,
            Json(json!({ "token": token, "header": PALLYCON_CUSTOMDATA_HEADER })),
        ),
        // Token errors name the field and the official code, never a key.
        Err(error) => refuse(StatusCode::BAD_REQUEST, &error.to_string()),
    }
}

fn refuse(status: StatusCode, message: &str) -> (StatusCode, Json<Value>) {
    (status, Json(json!({ "error": message })))
}

fn env_or(name: &str, fallback: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fallback.to_owned())
}

#[tokio::main]
async fn main() -> multidrm::Result<()> {
    // Once at startup: credentials, policy validation and encryption.
    let creds = SiteCredentials::from_strs(
        &env_or("DOVERUNNER_SITE_ID", "TUTO"),
        &env_or("DOVERUNNER_SITE_KEY", "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"),
        &env_or("DOVERUNNER_ACCESS_KEY", "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"),
    )?;
    let policy = Policy::new().playback(
        PlaybackPolicy::new()
            .persistent(false)
            .license_duration(3600),
    );
    let prepared = PreparedPolicy::new(&policy, &creds, JsonStyle::Compact)?;
    let issuer = Arc::new(TokenIssuer {
        creds,
        policy: prepared,
    });

    let app = Router::new()
        .route("/drm-token", get(drm_token))
        .with_state(issuer);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("serving on http://{addr}");

    // What a player's backend call looks like, as a raw HTTP/1.1 request.
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(
            format!(
                "GET /drm-token?cid=bigbuckbunny&drm=widevine HTTP/1.1\r\nHost: {addr}\r\n\
                 x-user-id: user-42\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    println!("{}", head.lines().next().unwrap_or_default());
    let body: Value = serde_json::from_str(body).unwrap_or_default();
    server.abort();
    match body["token"].as_str() {
        Some(token) => {
            println!("token: {token}");
            Ok(())
        }
        None => {
            eprintln!("no token: {}", body["error"]);
            std::process::exit(1);
        }
    }
}

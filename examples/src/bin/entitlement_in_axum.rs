//! Embed the DIVA entitlement verifier in your own axum service, then call it as the player.
//!
//! The handler gives the raw body to the [`Verifier`], which checks size, JSON, field formats,
//! the signature and (with the replay guard) that the `Challenge` is fresh, in that order. Every
//! refusal has a ready signed "ko" answer; an accepted request gets your decision — here a
//! stand-in subscription list and catalog — and, for a tokenize call, a DoveRunner license token minted
//! with a policy encrypted once at startup. Answers are always HTTP 200: the iOS player reports
//! any status ≥ 400 as a network error and would hide the `ResponseCode`.
//!
//! The second half plays the DIVA player with the crate's client: a fresh `Challenge` per call,
//! a signed request, and an answer whose signature is checked before anything is used.
//!
//! With less code of your own, the ready-made service mounts the same way:
//! `multidrm_server::Server::from_config(&config)?.into_service()` (a `tower::Service`) (rules or
//! an `Entitler` decide; it also answers oversized bodies with a signed "ko" and signs numbers
//! the way each player platform reads them).
//!
//! Run: `cargo run -p multidrm-examples --bin entitlement_in_axum` (loopback only).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use multidrm::drm_entitlement::client::ClientError;
use multidrm::drm_entitlement::replay::MemoryReplayGuard;
use multidrm::drm_entitlement::{
    EntitlementResponse, RequestType, ResponseBuilder, VerifiedRequest, codes,
};
use multidrm::prelude::*;
use tokio::net::TcpListener;

/// The shared secret configured in the DIVA player (its `EntitlementProvider`).
const DIVA_SECRET: &str = "example-diva-shared-secret";

/// Everything the handler shares, prepared at startup.
struct Diva {
    verifier: Verifier,
    replays: MemoryReplayGuard,
    creds: SiteCredentials,
    policy: PreparedPolicy,
    /// Stand-in for your subscription database.
    subscribers: HashSet<String>,
    /// Stand-in for your catalog: video id → manifest URL.
    catalog: HashMap<String, String>,
}

/// `POST /tokenize` and `POST /heartbeat` (DIVA may use one URL for both: `Type` tells them apart).
async fn entitlement(State(diva): State<Arc<Diva>>, body: Bytes) -> impl IntoResponse {
    let answer = match diva
        .verifier
        .verify_fresh(&body, &diva.replays, SystemTime::now())
        .await
    {
        // Malformed, bad field, bad signature, replayed: a signed "ko" with its ResponseCode.
        Err(rejection) => diva.verifier.reject(&rejection),
        Ok(request) => diva.verifier.answer(&request, diva.decide(&request)),
    };
    (
        [(header::CONTENT_TYPE, "application/json")],
        answer.to_json_string(),
    )
}

impl Diva {
    fn decide(&self, request: &VerifiedRequest) -> ResponseBuilder {
        let fields = &request.fields;
        if !self.subscribers.contains(&fields.user) {
            return EntitlementResponse::ko(codes::NOT_ENTITLED, "no active subscription");
        }
        let Some(manifest) = self.catalog.get(&fields.video_id) else {
            return EntitlementResponse::ko(codes::NOT_ENTITLED, "unknown video");
        };
        if fields.request_type == RequestType::Heartbeat {
            return EntitlementResponse::ok().heartbeat_seconds(30);
        }
        let Some(drm) = DrmType::from_name(&fields.drm_type.to_ascii_lowercase()) else {
            return EntitlementResponse::ko(codes::INVALID_FIELD, "unsupported DRMType");
        };
        let minted = TokenRequest::new(drm, &fields.user, &fields.video_id).mint(
            &self.creds,
            &self.policy,
            Timestamp::now(),
        );
        match minted {
            Ok(token) => EntitlementResponse::ok()
                .content_url(manifest.as_str())
                .license_url("https://drm-license.doverunner.com/ri/licenseManager.do")
                .auth_token(token)
                .heartbeat_seconds(30),
            // Token errors name the field, never a key.
            Err(error) => EntitlementResponse::ko(codes::INVALID_FIELD, error.to_string()),
        }
    }
}

#[tokio::main]
async fn main() -> multidrm::Result<()> {
    // Secrets and site credentials belong in your secret store.
    let creds = SiteCredentials::from_strs(
        "TUTO",
        "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC",
        "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20",
    )?;
    let policy = Policy::new().playback(
        PlaybackPolicy::new()
            .persistent(false)
            .license_duration(3600),
    );
    let diva = Arc::new(Diva {
        verifier: Verifier::new(SharedSecret::new(DIVA_SECRET)),
        replays: MemoryReplayGuard::default(),
        policy: PreparedPolicy::new(&policy, &creds, JsonStyle::Compact)?,
        creds,
        subscribers: HashSet::from(["alice".to_owned()]),
        catalog: HashMap::from([(
            "bigbuckbunny".to_owned(),
            "https://cdn.example.com/bigbuckbunny/manifest.mpd".to_owned(),
        )]),
    });

    let app = Router::new().route("/health", get(|| async { "ok" })).nest(
        "/diva",
        Router::new()
            .route("/tokenize", post(entitlement))
            .route("/heartbeat", post(entitlement))
            .with_state(diva),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/diva", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    println!("DIVA entitlement endpoints under {base}");

    // The player's side.
    let player = EntitlementClient::new(
        &format!("{base}/tokenize"),
        &format!("{base}/heartbeat"),
        SharedSecret::new(DIVA_SECRET),
    )?;
    let request = EntitlementRequest::tokenize()
        .user("alice")
        .video_id("bigbuckbunny")
        .video_source("https://cdn.example.com/bigbuckbunny/manifest.mpd")
        .player_type("HTML5")
        .video_source_format("DASH")
        .drm_type("widevine");
    let granted = player.tokenize(request.clone()).await?;
    println!(
        "tokenize: verified response {}",
        granted.response.to_json_string()
    );
    println!(
        "  play {} with license server {}",
        granted.content_url, granted.license_url
    );

    let interval = granted.heartbeat.unwrap_or(Duration::from_secs(30));
    let beat = player.heartbeat(request.clone(), interval).await?;
    println!("heartbeat: verified, next one in {:?}", beat.next);

    // Someone without a subscription gets a signed "ko" with its ResponseCode.
    match player.tokenize(request.user("mallory")).await {
        Err(ClientError::Ko { code, message }) => {
            println!("tokenize for mallory: refused (ResponseCode {code}: {message})");
        }
        Err(other) => return Err(other.into()),
        Ok(_) => {
            eprintln!("unexpected: mallory was entitled");
            std::process::exit(1);
        }
    }

    let _ = stop.send(());
    server.await.map_err(std::io::Error::other)??;
    Ok(())
}

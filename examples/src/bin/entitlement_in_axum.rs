//! Embed the DIVA entitlement service in your own axum application, then call it as the player.
//!
//! `EntitlementService::router()` gives DIVA's two signed calls (`POST /tokenize`,
//! `POST /heartbeat`): it verifies each request (field formats, then the signature, then the
//! replay guard), asks your [`Entitler`] whether the user may play the video, mints the
//! DoveRunner license token with a policy encrypted once at startup, and signs the answer.
//! Here it is nested under `/diva` next to the application's own routes, and the decision comes
//! from a (stand-in) subscription store instead of the configuration's rules.
//!
//! The second half plays the DIVA player with the crate's client: a fresh `Challenge` per call,
//! a signed request, and an answer whose signature is checked before anything is used.
//!
//! Run: `cargo run -p multidrm-examples --bin entitlement_in_axum` (loopback only).

use std::collections::HashSet;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use multidrm::drm_entitlement::client::ClientError;
use multidrm::prelude::*;
use tokio::net::TcpListener;

/// The shared secret configured in the DIVA player (its `EntitlementProvider`).
const DIVA_SECRET: &str = "example-diva-shared-secret";

/// Your decision: here, who has an active subscription.
struct Subscriptions {
    active: HashSet<String>,
}

impl Entitler for Subscriptions {
    fn decide<'a>(&'a self, query: &'a EntitlementQuery) -> DecisionFuture<'a> {
        Box::pin(async move {
            if self.active.contains(&query.user) {
                Decision::Allow
            } else {
                Decision::not_entitled()
            }
        })
    }
}

#[tokio::main]
async fn main() -> multidrm::Result<()> {
    // Secrets and site credentials belong in your secret store; the TOML form is what
    // `multidrm entitlement serve --config FILE` reads too.
    let config = ServiceConfig::from_toml(
        &format!(
            r#"
            secret = "{DIVA_SECRET}"
            heartbeat_seconds = 30
            content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
            license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"

            [doverunner]
            site_id = "TUTO"
            site_key = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"
            access_key = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"
            "#
        ),
        ".",
    )?;
    let entitlement = EntitlementService::from_config(&config)?.with_entitler(Subscriptions {
        active: HashSet::from(["alice".to_owned()]),
    });

    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .nest("/diva", entitlement.router());
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

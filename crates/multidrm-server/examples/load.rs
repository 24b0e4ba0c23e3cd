//! A loopback load generator for the entitlement service: each request is a freshly signed
//! tokenize call (new Challenge), so the replay guard, the signature checks and token minting
//! all run. Figures are in the crate README.
//!
//! ```text
//! # against a running `multidrm entitlement serve --config FILE`:
//! cargo run --release -p multidrm-server --example load -- \
//!     --url http://127.0.0.1:PORT --secret SECRET --concurrency 32 --seconds 10
//! # or with an in-process service:
//! cargo run --release -p multidrm-server --example load
//! # or write N signed bodies, one per line, for wrk (benches/wrk/tokenize.lua), and/or the
//! # configuration of the in-process service for `multidrm serve --config` (benches/wrk/tokenize.sh):
//! cargo run --release -p multidrm-server --example load -- \
//!     --write-bodies 200000 /tmp/bodies.jsonl --write-config /tmp/bench.toml --secret SECRET
//! ```
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use drm_entitlement::{AssetState, EntitlementRequest, EntitlementResponse, SharedSecret};
use multidrm_server::{Server, ServerConfig};

const DEFAULT_SECRET: &str = "load-test-shared-secret";

fn config(secret: &str) -> String {
    format!(
        r#"
bind = "127.0.0.1:0"
secret = "{secret}"
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"
replay_capacity = 2000000
[doverunner]
site_id = "TUTO"
site_key = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"
access_key = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"
[[rules]]
users = ["*"]
videos = ["*"]
"#
    )
}

fn signed_body(secret: &SharedSecret, n: u64) -> String {
    EntitlementRequest::tokenize()
        .user(format!("user-{}", n % 1000))
        .video_id(format!("video-{}", n % 100))
        .video_source("https://cdn.example.com/live/manifest.mpd")
        .video_kind("vod")
        .asset_state(AssetState::Vod)
        .player_type("HTML5")
        .video_source_format("DASH")
        .video_source_name("Desktop-DASH")
        .drm_type("widevine")
        .auth_type("Token")
        .sign(secret)
        .unwrap()
        .to_json_string()
}

struct Args {
    url: Option<String>,
    secret: String,
    concurrency: usize,
    seconds: u64,
    write_bodies: Option<(u64, String)>,
    write_config: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        url: None,
        secret: DEFAULT_SECRET.into(),
        concurrency: 32,
        seconds: 10,
        write_bodies: None,
        write_config: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().expect("a value after the flag");
        match flag.as_str() {
            "--url" => a.url = Some(value()),
            "--secret" => a.secret = value(),
            "--concurrency" => a.concurrency = value().parse().unwrap(),
            "--seconds" => a.seconds = value().parse().unwrap(),
            "--write-bodies" => {
                let n = value().parse().unwrap();
                a.write_bodies = Some((n, value()));
            }
            "--write-config" => a.write_config = Some(value()),
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

#[tokio::main]
async fn main() {
    let args = args();
    let secret = SharedSecret::new(args.secret.clone());
    if let Some(path) = &args.write_config {
        std::fs::write(path, config(&args.secret)).unwrap();
        println!("{{\"config\": {path:?}}}");
    }
    if let Some((n, path)) = &args.write_bodies {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        for i in 0..*n {
            writeln!(out, "{}", signed_body(&secret, i)).unwrap();
        }
        println!("{{\"written\": {n}, \"file\": {path:?}}}");
    }
    if args.write_config.is_some() || args.write_bodies.is_some() {
        return;
    }
    let (base, _running) = match &args.url {
        Some(u) => (u.trim_end_matches('/').to_owned(), None),
        None => {
            let cfg = ServerConfig::from_toml(&config(&args.secret), ".").unwrap();
            let running = Server::from_config(&cfg).unwrap().bind().await.unwrap();
            (running.base_url(), Some(running))
        }
    };
    let url = format!("{base}/tokenize");
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()
        .unwrap();
    let counts = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let next = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (http, url, secret, counts, next) = (
            http.clone(),
            url.clone(),
            secret.clone(),
            counts.clone(),
            next.clone(),
        );
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let body = signed_body(&secret, next.fetch_add(1, Ordering::Relaxed));
                let slot = match http.post(&url).body(body).send().await {
                    Ok(resp) => match resp.bytes().await {
                        Ok(bytes) => match EntitlementResponse::from_slice(&bytes)
                            .ok()
                            .and_then(|r| r.status().ok())
                        {
                            Some(drm_entitlement::ResponseStatus::Ok) => 0,
                            Some(_) => 1,
                            None => 2,
                        },
                        Err(_) => 2,
                    },
                    Err(_) => 2,
                };
                counts[slot].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let [ok, ko, errors] = [0, 1, 2].map(|i| counts[i].load(Ordering::Relaxed));
    let total = ok + ko + errors;
    println!(
        "{{\"requests\": {total}, \"ok\": {ok}, \"ko\": {ko}, \"errors\": {errors}, \"seconds\": {elapsed:.2}, \"requests_per_second\": {:.0}, \"concurrency\": {}}}",
        total as f64 / elapsed,
        args.concurrency
    );
}

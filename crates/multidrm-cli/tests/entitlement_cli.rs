//! `multidrm entitlement …` from a shell: every shared vector through sign/verify, and the
//! service started with `serve` and driven over loopback.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const REQUESTS: &str = include_str!("../../drm-entitlement/tests/data/request_vectors.json");
const RESPONSES: &str = include_str!("../../drm-entitlement/tests/data/response_vectors.json");
const SECRET: &str = "test-shared-secret-0123456789";

fn multidrm(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .args(args)
        .env_remove("MULTIDRM_ENTITLEMENT_SECRET")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn case(file: &str, name: &str) -> Value {
    let doc: Value = serde_json::from_str(file).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no vector {name}"))
        .clone()
}

fn s<'a>(c: &'a Value, k: &str) -> &'a str {
    c[k].as_str().unwrap()
}

fn check_request(name: &str) {
    let c = case(REQUESTS, name);
    let secret = s(&c, "secret");
    // sign-request reproduces the vector's signature.
    let out = multidrm(
        &[
            "entitlement",
            "sign-request",
            "--secret",
            secret,
            "--null-policy",
            s(&c, "null_policy"),
        ],
        s(&c, "body_json"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        s(&c, "signed_body_json"),
        "byte-exact output"
    );
    let signed = stdout_json(&out);
    assert_eq!(signed["Signature"], c["signature"]);
    assert_eq!(
        signed["Challenge"], c["challenge"],
        "an existing Challenge is kept"
    );

    // verify-request accepts the signed body, in either hex case.
    for body in [
        s(&c, "signed_body_json").to_owned(),
        s(&c, "signed_body_json")
            .replace(s(&c, "signature"), s(&c, "signature_lowercase_equivalent")),
    ] {
        let out = multidrm(
            &["entitlement", "verify-request", "--secret", secret],
            &body,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let report = stdout_json(&out);
        assert_eq!(report["valid"], true);
        assert_eq!(report["null_policy"], c["null_policy"]);
    }
    // Wrong secret, tampered value: exit 1.
    let out = multidrm(
        &["entitlement", "verify-request", "--secret", "wrong"],
        s(&c, "signed_body_json"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["valid"], false);
    let tampered = s(&c, "signed_body_json").replace("\"VideoId\":\"", "\"VideoId\":\"x");
    let out = multidrm(
        &["entitlement", "verify-request", "--secret", secret],
        &tampered,
    );
    assert_eq!(out.status.code(), Some(1));
}

fn check_response(name: &str) {
    let c = case(RESPONSES, name);
    let (secret, challenge) = (s(&c, "secret"), s(&c, "challenge"));
    let out = multidrm(
        &[
            "entitlement",
            "sign-response",
            "--secret",
            secret,
            "--challenge",
            challenge,
        ],
        s(&c, "response_json"),
    );
    assert!(out.status.success());
    let signed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        signed.trim(),
        s(&c, "signed_response_json"),
        "byte-exact output"
    );
    let verify = |body: &str, extra: &[&str]| {
        let mut args = vec![
            "entitlement",
            "verify-response",
            "--secret",
            secret,
            "--challenge",
            challenge,
        ];
        args.extend_from_slice(extra);
        multidrm(&args, body)
    };
    assert_eq!(
        verify(s(&c, "signed_response_json"), &[]).status.code(),
        Some(0)
    );
    let wrong_challenge = multidrm(
        &[
            "entitlement",
            "verify-response",
            "--secret",
            secret,
            "--challenge",
            "00000000-0000-4000-8000-000000000000",
        ],
        s(&c, "signed_response_json"),
    );
    assert_eq!(wrong_challenge.status.code(), Some(1));

    // Every platform variant: sign-response with that profile gives the variant's signature,
    // and verify-response --profile any recognises it.
    let doubles: Vec<String> = c
        .get("declared_numeric_types")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for variant in c["platform_variants"].as_array().into_iter().flatten() {
        for label in variant["profiles"].as_array().unwrap() {
            let (profile, policy) = label.as_str().unwrap().split_once('/').unwrap();
            let mut args = vec![
                "entitlement",
                "sign-response",
                "--secret",
                secret,
                "--challenge",
                challenge,
                "--profile",
                profile,
                "--null-policy",
                policy,
            ];
            for d in &doubles {
                args.push("--double");
                args.push(d);
            }
            let out = multidrm(&args, s(&c, "response_json"));
            assert!(out.status.success(), "{label}");
            let signed = stdout_json(&out);
            assert_eq!(signed["Signature"], variant["signature"], "{name} {label}");
            let out = verify(&signed.to_string(), &["--profile", "any"]);
            assert_eq!(out.status.code(), Some(0), "{name} {label}");
        }
    }
}

macro_rules! named {
    ($check:ident: $($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            $check(stringify!($name));
        }
    )*};
}

mod request_vectors {
    use super::*;
    named!(check_request:
        web_tokenize_live,
        asset_state_int_vs_string_equal_1,
        heartbeat,
        empty_strings_equal_missing,
        null_user_literal,
        unsigned_extra_and_miscased_keys,
        boundary_shift_b,
    );
}

mod response_vectors {
    use super::*;
    named!(check_response:
        ok_tokenize_int_heartbeat,
        ok_int_heartbeat_ios_double_field,
        ok_heartbeat,
        response_code_as_string,
    );
}

#[test]
fn sign_request_adds_a_fresh_challenge_and_keeps_number_text() {
    let body = r#"{"Type":"1","VideoId":"v1","AssetState":3.0,"Other__":{"x":[1,2]}}"#;
    let a = stdout_json(&multidrm(
        &["entitlement", "sign-request", "--secret", SECRET],
        body,
    ));
    let b = stdout_json(&multidrm(
        &["entitlement", "sign-request", "--secret", SECRET],
        body,
    ));
    let ca = a["Challenge"].as_str().unwrap();
    assert_eq!(ca.len(), 36);
    assert_ne!(a["Challenge"], b["Challenge"]);
    let out = multidrm(&["entitlement", "sign-request", "--secret", SECRET], body);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""AssetState":3.0"#), "{text}");
    let out = multidrm(
        &["entitlement", "verify-request", "--secret", SECRET],
        &text,
    );
    assert_eq!(out.status.code(), Some(0));
    // --strict adds the service's format checks (AssetState 3.0 is not an integer).
    let out = multidrm(
        &[
            "entitlement",
            "verify-request",
            "--secret",
            SECRET,
            "--strict",
        ],
        &text,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_input_and_usage() {
    let out = multidrm(
        &["entitlement", "verify-request", "--secret", SECRET],
        "not json",
    );
    assert_eq!(out.status.code(), Some(1));
    let out = multidrm(
        &[
            "entitlement",
            "sign-request",
            "--secret",
            SECRET,
            "--profile",
            "cobol",
        ],
        "{}",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = multidrm(&["entitlement", "sign-request"], "{}");
    assert_eq!(out.status.code(), Some(2), "the secret is required");
    // An object in a signed field cannot be signed.
    let out = multidrm(
        &["entitlement", "sign-request", "--secret", SECRET],
        r#"{"Type":1,"Other":{"a":1}}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(SECRET));
}

// ------------------------------------------------------------------ serve

struct Server {
    child: Child,
    addr: String,
    dir: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn serve() -> Server {
    serve_with(&["entitlement", "serve"], "")
}

fn serve_with(command: &[&str], top: &str) -> Server {
    let dir = std::env::temp_dir().join(format!(
        "multidrm-entitlement-cli-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("policy.json"),
        r#"{"policy_version": 2, "playback_policy": {"license_duration": 3600}}"#,
    )
    .unwrap();
    let config = format!(
        r#"
bind = "127.0.0.1:0"
secret = "{SECRET}"
require_signature = true
heartbeat_seconds = 30
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"
policy_file = "policy.json"
{top}
[doverunner]
site_id = "TUTO"
site_key = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"
access_key = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"
[[rules]]
users = ["alice"]
videos = ["*"]
[token_endpoint]
jwt_hs256_secret = "cli-test-jwt-secret-0123456789"
cors_origins = ["https://player.example.com"]
"#
    );
    let path = dir.join("entitlement.toml");
    std::fs::write(&path, config).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .args(command)
        .arg("--config")
        .arg(&path)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let announce: Value = serde_json::from_str(&line).unwrap();
    let addr = announce["listening"].as_str().unwrap().to_owned();
    Server { child, addr, dir }
}

async fn post(addr: &str, path: &str, body: String) -> String {
    let resp = reqwest::Client::new()
        .post(format!("http://{addr}{path}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    resp.text().await.unwrap()
}

#[tokio::test]
async fn serve_announces_and_answers_signed_requests() {
    let server = serve();
    assert!(server.addr.starts_with("127.0.0.1:"));
    let request = r#"{"Type":1,"User":"alice","VideoId":"movie-7","VideoSource":"https://cdn.example.com/movie-7/manifest.mpd","AssetState":"3","DRMType":"widevine","AuthType":"Token"}"#;
    let out = multidrm(
        &["entitlement", "sign-request", "--secret", SECRET],
        request,
    );
    let signed = String::from_utf8(out.stdout).unwrap();
    let challenge = stdout_json(&multidrm(
        &["entitlement", "sign-request", "--secret", SECRET],
        &signed,
    ))["Challenge"]
        .as_str()
        .unwrap()
        .to_owned();

    let answer = post(&server.addr, "/tokenize", signed.clone()).await;
    let json: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(json["Response"], "ok", "{answer}");
    assert_eq!(
        json["ContentUrl"],
        "https://cdn.example.com/movie-7/manifest.mpd"
    );
    assert_eq!(json["HeartBeatTime"], 30);
    let out = multidrm(
        &[
            "entitlement",
            "verify-response",
            "--secret",
            SECRET,
            "--challenge",
            &challenge,
        ],
        &answer,
    );
    assert_eq!(out.status.code(), Some(0), "{answer}");
    // The AuthToken is an acceptable DoveRunner token for alice and movie-7.
    let site_key = drm_token::SiteKey::new("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC").unwrap();
    let access_key = drm_token::AccessKey::new("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20").unwrap();
    let report = drm_token::inspect(
        json["AuthToken"].as_str().unwrap(),
        &drm_token::InspectOptions::new(drm_token::Timestamp::now())
            .site_key(&site_key)
            .access_key(&access_key),
    )
    .unwrap();
    assert!(report.is_acceptable(), "{report:#?}");
    assert_eq!(report.fields.user_id.as_deref(), Some("alice"));
    assert_eq!(report.fields.cid.as_deref(), Some("movie-7"));
    assert_eq!(report.fields.drm_type.as_deref(), Some("Widevine"));

    // The same body again: a replay, refused with a "ko" signed for that Challenge.
    let replay = post(&server.addr, "/tokenize", signed).await;
    let json: Value = serde_json::from_str(&replay).unwrap();
    assert_eq!(json["Response"], "ko");
    assert_eq!(json["ResponseCode"], 1004);
    let out = multidrm(
        &[
            "entitlement",
            "verify-response",
            "--secret",
            SECRET,
            "--challenge",
            &challenge,
        ],
        &replay,
    );
    assert_eq!(out.status.code(), Some(0));

    // The token endpoint is on: no JWT, 401 JSON.
    let resp = reqwest::get(format!(
        "http://{}/api/drm/token?content_id=movie-7",
        server.addr
    ))
    .await
    .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

#[test]
fn serve_refuses_a_bad_configuration() {
    let dir = std::env::temp_dir().join(format!("multidrm-entitlement-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, "secret = \"s\"\nunknown = 1\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .args(["entitlement", "serve", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn serve_with_limit_keys_reports_health_and_stops_on_sigterm() {
    let mut server = serve_with(
        &["serve", "--log-format", "json"],
        "header_timeout_seconds = 5\nidle_timeout_seconds = 30\nmax_connections = 64",
    );
    let get = |path: &str| reqwest::get(format!("http://{}{path}", server.addr));
    assert_eq!(get("/healthz").await.unwrap().status().as_u16(), 200);
    assert_eq!(get("/readyz").await.unwrap().status().as_u16(), 200);
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("multidrm_open_connections"), "{metrics}");
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = server.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn serve_logs_every_answer_and_flushes_the_log_on_sigterm() {
    let mut server = serve_with(
        &["serve", "--log-format", "json", "--worker-threads", "1"],
        "",
    );
    let request = r#"{"Type":1,"User":"alice","VideoId":"movie-7","VideoSource":"https://cdn.example.com/movie-7/manifest.mpd","AssetState":"3","DRMType":"widevine","AuthType":"Token"}"#;
    let signed = multidrm(
        &["entitlement", "sign-request", "--secret", SECRET],
        request,
    );
    let answer = post(
        &server.addr,
        "/tokenize",
        String::from_utf8(signed.stdout).unwrap(),
    )
    .await;
    assert!(answer.contains(r#""Response":"ok""#), "{answer}");
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(server.child.wait().unwrap().success());
    // The line is written by the log flusher; stopping the server must not lose it.
    let log = std::fs::read_to_string(server.dir.join("stderr.log")).unwrap();
    assert!(
        !log.contains('\u{1b}'),
        "no colour codes outside a terminal: {log}"
    );
    let answered: Vec<Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "entitlement request answered")
        .collect();
    assert_eq!(answered.len(), 1, "{log}");
    assert_eq!(answered[0]["fields"]["response_code"], 0, "{log}");
    assert_eq!(answered[0]["fields"]["video_id"], "\"movie-7\"", "{log}");
}

#[test]
fn serve_refuses_zero_worker_threads() {
    let out = multidrm(
        &["serve", "--worker-threads", "0", "--config", "unused.toml"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    // Refused by the argument parser, before the (missing) configuration is read.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--worker-threads"), "{stderr}");
}

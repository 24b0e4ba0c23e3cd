//! Runs every example program as a user would (no arguments, loopback only) and checks that it
//! exits successfully and prints what its doc comment promises.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use multidrm::prelude::*;

/// Hang guard only (the examples finish in about a second).
const LIMIT: Duration = Duration::from_secs(120);

/// Runs `path`, returns its stdout; fails on a non-zero exit (showing stderr) or a hang.
fn run(path: &str) -> String {
    let mut child = Command::new(path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_LOG", "off")
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).unwrap();
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).unwrap();
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("{path} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.join().unwrap();
    let stderr = err.join().unwrap();
    assert!(
        status.success(),
        "{path} failed with {status}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    stdout
}

fn line_after<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stdout}"))
}

#[test]
fn mint_tokens_in_handler_serves_a_valid_token() {
    let stdout = run(env!("CARGO_BIN_EXE_mint_tokens_in_handler"));
    assert!(stdout.contains("HTTP/1.1 200 OK"), "{stdout}");
    let token = line_after(&stdout, "token: ");

    // The token the handler served opens with the example's credentials and is in its window.
    let creds = SiteCredentials::from_strs(
        "TUTO",
        "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC",
        "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20",
    )
    .unwrap();
    let report = multidrm::drm_token::inspect(
        token,
        &InspectOptions::new(Timestamp::now())
            .site_key(creds.site_key())
            .access_key(creds.access_key()),
    )
    .unwrap();
    assert!(report.is_acceptable(), "{:?}", report.problems);
    assert_eq!(report.fields.user_id.as_deref(), Some("user-42"));
    assert_eq!(report.fields.cid.as_deref(), Some("bigbuckbunny"));
    assert_eq!(report.fields.drm_type.as_deref(), Some("Widevine"));
    let policy = report.policy.unwrap();
    assert!(
        policy
            .plaintext
            .unwrap()
            .contains(r#""license_duration":3600"#),
        "the prepared policy is in the token"
    );
}

#[test]
fn fetch_keys_shaka_prints_a_four_key_packager_command() {
    let stdout = run(env!("CARGO_BIN_EXE_fetch_keys_shaka"));
    for track in ["AUDIO", "SD", "HD", "UHD1"] {
        assert!(
            stdout.contains(&format!("  {track:<5} KID ")),
            "no key listed for {track}:\n{stdout}"
        );
        assert!(
            stdout.contains(&format!("drm_label={track}'")),
            "no stream for {track}:\n{stdout}"
        );
        assert!(
            stdout.contains(&format!("label={track}:key_id=")),
            "no --keys entry for {track}:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("(WIDEVINE, PLAYREADY, FAIRPLAY)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FairPlay key URI (HLS #EXT-X-KEY): skd://"),
        "{stdout}"
    );
    assert!(stdout.contains("packager \\"), "{stdout}");
    assert!(stdout.contains("--enable_raw_key_encryption"), "{stdout}");
    assert!(stdout.contains("--protection_scheme cbcs"), "{stdout}");
    assert!(
        stdout.contains("--iv "),
        "FairPlay needs the KMS IV:\n{stdout}"
    );
    let pssh = line_after(&stdout, "  --pssh ");
    // Widevine and PlayReady system ids, and the empty CMAF FairPlay box at the end.
    assert!(pssh.contains("edef8ba979d64acea3c827dcd51d21ed"), "{pssh}");
    assert!(pssh.contains("9a04f07998404286ab92e65be0885f95"), "{pssh}");
    assert!(
        pssh.trim_end_matches(" \\")
            .ends_with("00000020707373680000000029701fe43cc74a348c5bae90c7439a4700000000"),
        "{pssh}"
    );
}

#[test]
fn ncp_policies_lists_and_creates() {
    let stdout = run(env!("CARGO_BIN_EXE_ncp_policies"));
    assert!(stdout.contains("1 policies before:"), "{stdout}");
    assert!(
        stdout.contains("created policy 1 \"rental_48h\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("created policy 2 \"streaming\""),
        "{stdout}"
    );
    assert!(stdout.contains("3 policies after:"), "{stdout}");
    assert!(
        stdout.contains("    1  rental_48h   persistent: true"),
        "{stdout}"
    );
    assert!(stdout.contains("a duplicate name is refused: "), "{stdout}");
}

#[test]
fn entitlement_in_axum_round_trips() {
    let stdout = run(env!("CARGO_BIN_EXE_entitlement_in_axum"));
    let response = line_after(&stdout, "tokenize: verified response ");
    let response: serde_json::Value = serde_json::from_str(response).unwrap();
    assert_eq!(response["Response"], "ok");
    assert_eq!(
        response["ContentUrl"],
        "https://cdn.example.com/bigbuckbunny/manifest.mpd"
    );
    assert!(
        response["Signature"]
            .as_str()
            .is_some_and(|s| s.len() == 64)
    );
    let token = response["AuthToken"].as_str().unwrap();
    let report =
        multidrm::drm_token::inspect(token, &InspectOptions::new(Timestamp::now())).unwrap();
    assert_eq!(report.fields.user_id.as_deref(), Some("alice"));
    assert_eq!(report.fields.cid.as_deref(), Some("bigbuckbunny"));
    assert!(
        stdout.contains("heartbeat: verified, next one in Some(30s)"),
        "{stdout}"
    );
    let refused = format!(
        "tokenize for mallory: refused (ResponseCode {}",
        multidrm::drm_entitlement::codes::NOT_ENTITLED
    );
    assert!(stdout.contains(&refused), "{stdout}");
}

//! `multidrm token issue|inspect`: the built binary against the reference vectors and the
//! command-line contract (exit 1 rejected input with its code, 2 usage; secrets never printed).
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const SITE_ID: &str = "TUTO";
const SITE_KEY: &str = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC";
const ACCESS_KEY: &str = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20";

fn data(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "token", name]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

fn vector(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(data(name)).unwrap()).unwrap()
}

/// `multidrm ARGS` with the tutorial credentials in the environment, `stdin` piped in.
fn run_with(args: &[&str], env: bool, stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_multidrm"));
    cmd.args(args)
        .env_remove("DOVERUNNER_SITE_ID")
        .env_remove("DOVERUNNER_SITE_KEY")
        .env_remove("DOVERUNNER_ACCESS_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if env {
        cmd.env("DOVERUNNER_SITE_ID", SITE_ID)
            .env("DOVERUNNER_SITE_KEY", SITE_KEY)
            .env("DOVERUNNER_ACCESS_KEY", ACCESS_KEY);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn run(args: &[&str]) -> Output {
    run_with(args, true, "")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn assert_no_secret(o: &Output) {
    for text in [stdout(o), stderr(o)] {
        assert!(!text.contains(SITE_KEY), "site key printed");
        assert!(!text.contains(ACCESS_KEY), "access key printed");
    }
}

#[test]
fn token_issue_v01_python_style_equals_official_python_sample() {
    let v = vector("v01_minimal_widevine.json");
    let o = run(&[
        "token",
        "issue",
        "--drm-type",
        "widevine",
        "--user-id",
        "test-user",
        "--cid",
        "bigbuckbunny",
        "--timestamp",
        "2025-06-01T12:34:56Z",
        "--json-style",
        "python",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        v["primary"]["token"].as_str().unwrap()
    );
    assert_no_secret(&o);
}

#[test]
fn token_issue_v02_policy_file_compact_equals_java_sample() {
    let v = vector("v02_playback_full_playready.json");
    let o = run(&[
        "token",
        "issue",
        "--drm-type",
        "PlayReady",
        "--user-id",
        "test-user",
        "--cid",
        "bigbuckbunny",
        "--timestamp",
        "2025-06-01T00:00:00Z",
        "--policy",
        &data("v02_policy.json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let java = &v["other_implementations"]["java"]["token"];
    assert_eq!(stdout(&o).trim_end(), java.as_str().unwrap());
}

#[test]
fn token_issue_v02_python_style_with_flags_instead_of_env() {
    let v = vector("v02_playback_full_playready.json");
    let policy = std::fs::read_to_string(data("v02_policy.json")).unwrap();
    let o = run_with(
        &[
            "token",
            "issue",
            "--drm-type",
            "playready",
            "--user-id",
            "test-user",
            "--cid",
            "bigbuckbunny",
            "--timestamp",
            "2025-06-01T00:00:00Z",
            "--policy",
            "-",
            "--json-style",
            "python",
            "--site-id",
            SITE_ID,
            "--site-key",
            SITE_KEY,
            "--access-key",
            ACCESS_KEY,
        ],
        false,
        &policy,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        v["primary"]["token"].as_str().unwrap()
    );
    assert_no_secret(&o);
}

#[test]
fn token_issue_v05_external_keys_decrypt_to_the_correct_policy() {
    let v = vector("v05_external_mpeg_cenc_widevine.json");
    let o = run(&[
        "token",
        "issue",
        "--drm-type",
        "widevine",
        "--user-id",
        "test-user",
        "--cid",
        "bigbuckbunny",
        "--timestamp",
        "2025-06-01T03:00:00Z",
        "--policy",
        &data("v05_policy.json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let token = stdout(&o).trim_end().to_owned();
    // The Java sample writes the correct form (external_key, no "iv": null): same bytes.
    let java = &v["other_implementations"]["java"]["token"];
    assert_eq!(token, java.as_str().unwrap());
    let o = run(&["token", "inspect", &token, "--now", "2025-06-01T03:00:00Z"]);
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let plaintext = report["policy"]["plaintext"].as_str().unwrap();
    assert!(plaintext.contains("\"external_key\""));
    assert!(!plaintext.contains("null"));
}

#[test]
fn token_issue_v08_key_rotation_and_custom_format() {
    let v = vector("v08_custom_format_key_rotation_playready.json");
    let policy = r#"{"policy_version": 2, "playback_policy": {"persistent": false, "license_duration": 3600}}"#;
    for flag in [
        &["--key-rotation"][..],
        &["--key-rotation", "true"][..],
        &["--key-rotation=true"][..],
    ] {
        let mut args = vec![
            "token",
            "issue",
            "--drm-type",
            "playready",
            "--user-id",
            "test-user",
            "--cid",
            "bigbuckbunny",
            "--timestamp",
            "2025-06-01T06:00:00Z",
            "--response-format",
            "custom",
            "--json-style",
            "python",
            "--policy",
            "-",
        ];
        args.extend_from_slice(flag);
        let o = run_with(&args, true, policy);
        assert!(o.status.success(), "{flag:?}: {}", stderr(&o));
        assert_eq!(
            stdout(&o).trim_end(),
            v["primary"]["token"].as_str().unwrap(),
            "{flag:?}"
        );
    }
    let v01 = vector("v01_minimal_widevine.json");
    let o = run(&[
        "token",
        "issue",
        "--drm-type",
        "widevine",
        "--user-id",
        "test-user",
        "--cid",
        "bigbuckbunny",
        "--timestamp",
        "2025-06-01T12:34:56Z",
        "--json-style",
        "python",
        "--key-rotation",
        "false",
        "--response-format",
        "original",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        v01["primary"]["token"].as_str().unwrap()
    );
}

#[test]
fn token_issue_missing_credentials_is_a_usage_error() {
    let o = run_with(
        &[
            "token",
            "issue",
            "--drm-type",
            "widevine",
            "--user-id",
            "u",
            "--cid",
            "c",
        ],
        false,
        "",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1002"), "{}", stderr(&o));
}

#[test]
fn token_issue_missing_flag_is_a_usage_error() {
    let o = run(&["token", "issue", "--user-id", "u", "--cid", "c"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn token_issue_rejected_input_exits_1_with_official_code() {
    for (extra, code) in [
        (&["--user-id", "", "--cid", "c"][..], "code 1000"),
        (&["--user-id", "u", "--cid", ""][..], "code 1001"),
        (
            &["--user-id", "u", "--cid", "c", "--site-id", ""][..],
            "code 1002",
        ),
        (
            &[
                "--user-id",
                "u",
                "--cid",
                "c",
                "--site-key",
                "lU5D8s3PWoLls3PW",
            ][..],
            "code 1004",
        ),
        (
            &["--user-id", "u", "--cid", "c", "--response-format", "xml"][..],
            "code 1048",
        ),
        (
            &[
                "--user-id",
                "u",
                "--cid",
                "c",
                "--timestamp",
                "2025-06-01T12:34:56.000Z",
            ][..],
            "code 7011",
        ),
    ] {
        let mut args = vec!["token", "issue", "--drm-type", "widevine"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(code), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
        assert!(
            !stderr(&o).contains("lU5D8s3PWoLls3PW"),
            "secret in message"
        );
    }
    let o = run(&[
        "token",
        "issue",
        "--drm-type",
        "widevine2",
        "--user-id",
        "u",
        "--cid",
        "c",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("7018"));
}

#[test]
fn token_issue_invalid_policy_lists_every_violation() {
    let o = run(&[
        "token",
        "issue",
        "--drm-type",
        "widevine",
        "--user-id",
        "u",
        "--cid",
        "c",
        "--policy",
        &data("invalid_policy.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for needle in [
        "code 1009: $.playback_policy.persistent",
        "code 1010: $.playback_policy.license_duration",
        "code 1011",
        "code 1013",
        "code 1022",
        "code 1047",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

#[test]
fn token_issue_batch_one_token_per_line_in_order() {
    let lines = [
        r#"{"drm_type": "Widevine", "user_id": "test-user", "cid": "bigbuckbunny", "timestamp": "2025-06-01T12:34:56Z"}"#,
        r#"{"drm_type": "widevine", "user_id": "test-user", "cid": "bigbuckbunny", "timestamp": "2025-06-01T12:34:56Z", "response_format": "original", "key_rotation": false}"#,
        r#"{"drm_type": "PlayReady", "user_id": "test-user", "cid": "bigbuckbunny", "timestamp": "2025-06-01T00:00:00Z", "policy": {"policy_version": 2, "playback_policy": {"persistent": true, "license_duration": 86400, "expire_date": "2025-12-31T23:59:59Z", "allowed_track_types": "SD_HD", "rental_duration": 172800, "playback_duration": 3600, "max_stream_per_user": 2, "renewal_duration": 60}}}"#,
    ];
    let input = lines.join("\n") + "\n";
    let o = run_with(
        &["token", "issue", "--batch", "-", "--json-style", "python"],
        true,
        &input,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let tokens: Vec<&str> = out.lines().collect();
    let v01 = vector("v01_minimal_widevine.json");
    let v02 = vector("v02_playback_full_playready.json");
    assert_eq!(
        tokens,
        [
            v01["primary"]["token"].as_str().unwrap(),
            v01["primary"]["token"].as_str().unwrap(),
            v02["primary"]["token"].as_str().unwrap(),
        ]
    );
}

#[test]
fn token_issue_batch_rejected_lines_give_empty_lines_and_exit_1() {
    let dir = std::env::temp_dir().join(format!("multidrm-token-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("requests.jsonl");
    std::fs::write(
        &path,
        concat!(
            "{\"drm_type\": \"Widevine\", \"user_id\": \"u1\", \"cid\": \"c\"}\n",
            "{\"drm_type\": \"Widevine\", \"cid\": \"c\"}\n",
            "{\"drm_type\": \"Widevine\", \"user_id\": \"u3\", \"cid\": \"c\", \"key_rotation\": \"yes\"}\n",
            "not json\r\n",
            "{\"drm_type\": \"Widevine\", \"user_id\": \"u5\", \"cid\": \"c\", \"policy\": {\"policy_version\": 2, \"playback_policy\": {\"persistent\": \"true\"}}}\n",
            "{\"drm_type\": \"Widevine\", \"user_id\": \"u6\", \"cid\": \"c\", \"site_id\": \"ABCD\", \"site_key\": \"00000000000000000000000000000000\", \"access_key\": \"other\"}\n",
            "{\"drm_type\": \"Widevine\", \"user_id\": \"u7\", \"cid\": \"c\", \"site_key\": \"short\"}\n",
            "{\"drm_type\": \"Widevine\", \"user_id\": \"u8\", \"cid\": \"c\", \"response_format\": \"xml\"}",
        ),
    )
    .unwrap();
    let o = run(&["token", "issue", "--batch", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.split('\n').collect();
    assert_eq!(lines.len(), 9, "8 lines and the final newline: {out:?}");
    let empty: Vec<usize> = (0..8).filter(|&i| lines[i].is_empty()).collect();
    assert_eq!(empty, [1, 2, 3, 4, 6, 7]);
    let err = stderr(&o);
    for needle in [
        "line 2: code 1000:",
        "line 3: code 1055:",
        "line 4: code 2001:",
        "line 5: code 1009:",
        "line 7: code 1004:",
        "line 8: code 1048:",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(!err.contains("line 1:") && !err.contains("line 6:"));
    // Line 6 used its own credentials.
    let o = run(&[
        "token",
        "inspect",
        lines[5],
        "--site-key",
        "00000000000000000000000000000000",
        "--access-key",
        "other",
    ]);
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["fields"]["site_id"], "ABCD");
    assert_eq!(report["hash"]["valid"], true);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn token_issue_batch_drm_type_and_credentials_fall_back_to_flags() {
    let o = run_with(
        &[
            "token",
            "issue",
            "--batch",
            "-",
            "--drm-type",
            "fairplay",
            "--site-id",
            "FLAG",
            "--site-key",
            SITE_KEY,
            "--access-key",
            ACCESS_KEY,
            "--key-rotation",
        ],
        false,
        "{\"user_id\": \"u\", \"cid\": \"c\"}\n",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["token", "inspect", stdout(&o).trim_end()]);
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["fields"]["drm_type"], "FairPlay");
    assert_eq!(report["fields"]["site_id"], "FLAG");
    assert_eq!(report["fields"]["key_rotation"], true);
    assert_eq!(report["hash"]["valid"], true);
}

#[test]
fn token_inspect_reports_fields_policy_hash_and_age() {
    let v = vector("v01_minimal_widevine.json");
    let token = v["primary"]["token"].as_str().unwrap();
    let o = run(&["token", "inspect", token, "--now", "2025-06-01T12:35:56Z"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_no_secret(&o);
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["acceptable"], true);
    assert_eq!(report["fields"]["user_id"], "test-user");
    assert_eq!(report["json_style"], "python");
    assert_eq!(report["policy"]["plaintext"], "{\"policy_version\": 2}");
    assert_eq!(report["hash"]["valid"], true);
    assert_eq!(report["time"]["status"], "valid");
    assert_eq!(report["time"]["age_seconds"], 60);
}

#[test]
fn token_inspect_explains_7011_and_7019() {
    let v = vector("v01_minimal_widevine.json");
    let token = v["primary"]["token"].as_str().unwrap();
    let o = run_with(
        &[
            "token",
            "inspect",
            token,
            "--access-key",
            "wrong-access-key",
            "--now",
            "2025-06-01T13:00:00Z",
        ],
        false,
        "",
    );
    assert!(o.status.success());
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["acceptable"], false);
    assert_eq!(report["hash"]["valid"], false);
    assert!(report["hash"]["hint"].as_str().unwrap().contains("7019"));
    assert_eq!(report["time"]["status"], "expired");
    assert!(report["time"]["hint"].as_str().unwrap().contains("7011"));
    assert!(report["policy"].is_null(), "no site key, no policy");

    let o = run(&[
        "token",
        "inspect",
        token,
        "--now",
        "2025-06-01T12:00:00Z",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["time"]["status"], "not_yet_valid");
}

#[test]
fn token_inspect_reads_stdin_and_rejects_garbage() {
    let v = vector("v01_minimal_widevine.json");
    let token = v["primary"]["token"].as_str().unwrap();
    let o = run_with(&["token", "inspect", "-"], true, &format!("{token}\n"));
    assert!(o.status.success(), "{}", stderr(&o));
    for garbage in ["%%%", "aGVsbG8=", "W10="] {
        let o = run(&["token", "inspect", garbage]);
        assert_eq!(o.status.code(), Some(1), "{garbage}");
        assert!(!stderr(&o).is_empty());
    }
}

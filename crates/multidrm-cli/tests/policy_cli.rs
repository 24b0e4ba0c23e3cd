//! `multidrm policy validate|format`.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn data(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", "token", name]
        .iter()
        .collect();
    path.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn policy_validate_valid_file_prints_empty_list() {
    let o = run(&["policy", "validate", &data("v02_policy.json")]);
    assert!(o.status.success());
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list, serde_json::json!([]));
}

#[test]
fn policy_validate_lists_every_violation_with_code_and_path() {
    let o = run(&["policy", "validate", &data("invalid_policy.json")]);
    assert_eq!(o.status.code(), Some(1));
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(u64, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["code"].as_u64().unwrap(), v["path"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            (1009, "$.playback_policy.persistent"),
            (1010, "$.playback_policy.license_duration"),
            (1013, "$.security_policy[0].track_type"),
            (1022, "$.security_policy[0].widevine.security_level"),
            (1047, "$.external_key.ncg.cek"),
            (1011, "$.playback_policy.expire_date"),
        ]
    );
    for v in list.as_array().unwrap() {
        assert!(!v["message"].as_str().unwrap().is_empty());
    }
    // Members in the contract's order: code, path, message.
    let text = String::from_utf8(o.stdout).unwrap();
    let (c, p, m) = (
        text.find("\"code\"").unwrap(),
        text.find("\"path\"").unwrap(),
        text.find("\"message\"").unwrap(),
    );
    assert!(c < p && p < m);
}

#[test]
fn policy_validate_not_json_is_2001() {
    let dir = std::env::temp_dir().join(format!("multidrm-policy-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.json");
    std::fs::write(&path, b"{\"policy_version\": 2,").unwrap();
    let o = run(&["policy", "validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(list[0]["code"], 2001);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn policy_validate_missing_file_is_a_usage_error() {
    let o = run(&["policy", "validate", "/nonexistent/policy.json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn policy_format_writes_the_canonical_order() {
    let o = run(&[
        "policy",
        "format",
        &data("v02_policy.json"),
        "--json-style",
        "python",
    ]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap().trim_end(),
        r#"{"policy_version": 2, "playback_policy": {"persistent": true, "license_duration": 86400, "expire_date": "2025-12-31T23:59:59Z", "allowed_track_types": "SD_HD", "rental_duration": 172800, "playback_duration": 3600, "max_stream_per_user": 2, "renewal_duration": 60}}"#
    );
}

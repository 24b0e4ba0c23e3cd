//! Issue 10, classes 1 and 2 through the CLI contract: the vendor's documented policies pass
//! `multidrm policy validate`, and the vendor's own sample tokens are not predicted to fail by
//! `multidrm token inspect`. The data lives with the libraries that handle these classes
//! (`drm-policy/tests/data`, `drm-token/tests/data`, each with a README naming its source).
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::Output;

use serde_json::Value;

mod common;

fn run(args: &[&str], stdin: &str) -> Output {
    common::run(common::multidrm(args), stdin.as_bytes())
}

const DOCUMENTED_POLICIES: [(&str, &str); 6] = [
    (
        "docs_basic_streaming_expanded",
        include_str!("../../drm-policy/tests/data/docs_basic_streaming_expanded.json"),
    ),
    (
        "docs_offline_output_security",
        include_str!("../../drm-policy/tests/data/docs_offline_output_security.json"),
    ),
    (
        "docs_security_per_track",
        include_str!("../../drm-policy/tests/data/docs_security_per_track.json"),
    ),
    (
        "docs_sd_only",
        include_str!("../../drm-policy/tests/data/docs_sd_only.json"),
    ),
    (
        "php3_v08",
        include_str!("../../drm-policy/tests/data/php3_v08_policy.json"),
    ),
    (
        "php3_v09",
        include_str!("../../drm-policy/tests/data/php3_v09_policy.json"),
    ),
];

#[test]
fn policy_validate_accepts_the_documented_expansion_of_policy_version_2() {
    for (name, text) in DOCUMENTED_POLICIES {
        let out = run(&["policy", "validate", "-"], text);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let list: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(list, serde_json::json!([]), "{name}");
        assert!(
            out.stderr.is_empty(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn policy_validate_gives_offline_advice_as_a_warning_without_a_code() {
    let out = run(
        &["policy", "validate", "-"],
        r#"{"policy_version":2,"playback_policy":{"persistent":false,"rental_duration":86400}}"#,
    );
    assert_eq!(out.status.code(), Some(0));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list, serde_json::json!([]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: $.playback_policy.rental_duration"),
        "{err}"
    );
    assert!(!err.contains("1049"), "{err}");
}

#[test]
fn token_inspect_reports_the_canonical_drm_of_the_html5_sample_tokens() {
    let doc: Value = serde_json::from_str(include_str!(
        "../../drm-token/tests/data/doverunner_html5_sample_helper_tokens.json"
    ))
    .unwrap();
    for (name, canonical) in [
        ("widevine", "Widevine"),
        ("playready", "PlayReady"),
        ("fairplay", "FairPlay"),
    ] {
        let token = doc["tokens"][name].as_str().unwrap();
        // Through stdin and as an argument; 20 s after the token's own timestamp.
        for (args, stdin) in [
            (vec!["token", "inspect", "-"], token),
            (vec!["token", "inspect", token], ""),
        ] {
            let mut args = args;
            args.extend(["--now", "2025-01-31T02:07:20Z", "--strict"]);
            let out = run(&args, stdin);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{name}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
            let report: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(report["acceptable"], true);
            assert_eq!(report["problems"], serde_json::json!([]));
            assert_eq!(report["drm_type"]["canonical"], canonical);
            assert_eq!(report["drm_type"]["seen"], name);
            assert_eq!(report["drm_type"]["form"], "lower_case");
            assert!(!String::from_utf8_lossy(&out.stdout).contains("7018"));
        }
    }
}

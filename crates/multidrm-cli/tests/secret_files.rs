//! Issue 10, class 6: every secret flag has a `--…-file PATH` twin (`-` for stdin), its help
//! says the plain flag is visible to other users, and the environment keeps working.
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::Output;

mod common;

use common::{ACCESS_KEY, ISSUE, SITE_KEY, temp_file};

fn run(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = common::multidrm(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    common::run(cmd, stdin.as_bytes())
}

fn ok_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn with(base: &[&str], extra: &[&str]) -> Vec<String> {
    base.iter().chain(extra).map(|s| (*s).to_owned()).collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn token_issue_reads_keys_from_flags_files_stdin_or_the_environment() {
    let plain = ok_stdout(&run(
        &strs(&with(
            ISSUE,
            &["--site-key", SITE_KEY, "--access-key", ACCESS_KEY],
        )),
        &[],
        "",
    ));
    let site = temp_file("site-key", format!("{SITE_KEY}\n"));
    let access = temp_file("access-key", format!("{ACCESS_KEY}\r\n"));
    let files = with(
        ISSUE,
        &[
            "--site-key-file",
            site.to_str().unwrap(),
            "--access-key-file",
            access.to_str().unwrap(),
        ],
    );
    assert_eq!(ok_stdout(&run(&strs(&files), &[], "")), plain);
    let from_stdin = with(ISSUE, &["--site-key-file", "-", "--access-key", ACCESS_KEY]);
    assert_eq!(
        ok_stdout(&run(&strs(&from_stdin), &[], &format!("{SITE_KEY}\n"))),
        plain
    );
    let env = [
        ("DOVERUNNER_SITE_KEY", SITE_KEY),
        ("DOVERUNNER_ACCESS_KEY", ACCESS_KEY),
    ];
    assert_eq!(ok_stdout(&run(ISSUE, &env, "")), plain);
}

#[test]
fn a_flag_and_its_file_together_are_a_usage_error() {
    let site = temp_file("site-key-both", SITE_KEY);
    let args = with(
        ISSUE,
        &[
            "--site-key",
            SITE_KEY,
            "--site-key-file",
            site.to_str().unwrap(),
            "--access-key",
            ACCESS_KEY,
        ],
    );
    let out = run(&strs(&args), &[], "");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--site-key and --site-key-file"), "{err}");
    assert!(!err.contains(SITE_KEY));
}

#[test]
fn a_missing_secret_file_names_the_flag_not_the_secret() {
    let args = with(
        ISSUE,
        &[
            "--site-key-file",
            "/nonexistent/site-key",
            "--access-key",
            ACCESS_KEY,
        ],
    );
    let out = run(&strs(&args), &[], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/site-key"));
}

#[test]
fn token_inspect_checks_the_hash_with_a_key_file() {
    let token = ok_stdout(&run(
        &strs(&with(
            ISSUE,
            &["--site-key", SITE_KEY, "--access-key", ACCESS_KEY],
        )),
        &[],
        "",
    ));
    let site = temp_file("inspect-site-key", SITE_KEY);
    let access = temp_file("inspect-access-key", ACCESS_KEY);
    let out = run(
        &[
            "token",
            "inspect",
            token.trim(),
            "--site-key-file",
            site.to_str().unwrap(),
            "--access-key-file",
            access.to_str().unwrap(),
            "--now",
            "2025-06-01T12:35:00Z",
        ],
        &[],
        "",
    );
    let report: serde_json::Value = serde_json::from_str(&ok_stdout(&out)).unwrap();
    assert_eq!(report["hash"]["valid"], true);
    assert_eq!(report["policy"]["decrypted"], true);
}

#[test]
fn ncp_sign_reads_both_keys_from_files() {
    let sign = common::NCP_SIGN;
    let plain = ok_stdout(&run(
        &strs(&with(sign, &["--access-key", "AK", "--secret-key", "SK"])),
        &[],
        "",
    ));
    let access = temp_file("ncp-access", "AK\n");
    let secret = temp_file("ncp-secret", "SK\n");
    let files = with(
        sign,
        &[
            "--access-key-file",
            access.to_str().unwrap(),
            "--secret-key-file",
            secret.to_str().unwrap(),
        ],
    );
    assert_eq!(ok_stdout(&run(&strs(&files), &[], "")), plain);
    let env = ok_stdout(&run(
        sign,
        &[("NCP_ACCESS_KEY", "AK"), ("NCP_SECRET_KEY", "SK")],
        "",
    ));
    assert_eq!(env, plain);
}

#[test]
fn entitlement_secret_file_signs_like_the_flag() {
    let body = r#"{"Type":"video","Challenge":"c-1"}"#;
    let secret = temp_file("diva-secret", "shared-secret\n");
    let plain = ok_stdout(&run(
        &["entitlement", "sign-request", "--secret", "shared-secret"],
        &[],
        body,
    ));
    let file = ok_stdout(&run(
        &[
            "entitlement",
            "sign-request",
            "--secret-file",
            secret.to_str().unwrap(),
        ],
        &[],
        body,
    ));
    assert_eq!(file, plain);
    // The body comes from stdin by default: the secret cannot come from there too.
    let out = run(
        &["entitlement", "sign-request", "--secret-file", "-"],
        &[],
        body,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_warns_that_plain_secret_flags_are_visible() {
    for (args, flags) in [
        (
            &["token", "issue", "--help"][..],
            &["--site-key", "--access-key"][..],
        ),
        (
            &["token", "inspect", "--help"][..],
            &["--site-key", "--access-key"][..],
        ),
        (&["cpix", "get", "--help"][..], &["--kms-token"][..]),
        (
            &["ncp", "sign", "--help"][..],
            &["--access-key", "--secret-key"][..],
        ),
        (
            &["ncp", "policy", "list", "--help"][..],
            &["--access-key", "--secret-key"][..],
        ),
        (
            &["entitlement", "sign-request", "--help"][..],
            &["--secret"][..],
        ),
        (
            &["entitlement", "verify-response", "--help"][..],
            &["--secret"][..],
        ),
    ] {
        let help = ok_stdout(&run(args, &[], ""));
        for flag in flags {
            assert!(
                help.contains(&format!("{flag}-file <PATH|->")),
                "{args:?}: {flag}-file"
            );
            let line = help
                .lines()
                .skip_while(|l| !l.trim_start().starts_with(&format!("{flag} <VALUE>")))
                .take(4)
                .collect::<String>();
            assert!(
                line.contains("Visible to other users"),
                "{args:?} {flag}: {line}"
            );
        }
    }
}

//! `multidrm ncp …` as a script uses it: `ncp sign` on every signature vector, and the API
//! commands against a `multidrm sandbox` process, with the exit-status contract.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

mod common;

const VECTORS: &str = include_str!("../../ncp-policy-api/tests/data/signature_v2.json");

fn multidrm() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_multidrm"));
    for var in [
        "NCP_ACCESS_KEY",
        "NCP_SECRET_KEY",
        "NCP_ENDPOINT",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn vector(name: &str) -> Value {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

fn sign_args(c: &Value, method: &str) -> Vec<String> {
    [
        "ncp",
        "sign",
        "--method",
        method,
        "--target",
        c["request_target"].as_str().unwrap(),
        "--timestamp",
        c["timestamp"].as_str().unwrap(),
        "--access-key",
        c["access_key"].as_str().unwrap(),
        "--secret-key",
        c["secret_key"].as_str().unwrap(),
    ]
    .map(str::to_owned)
    .to_vec()
}

fn check_sign(name: &str) {
    let c = vector(name);
    let method = c["method"].as_str().unwrap();
    // The signature alone.
    let out = run(multidrm().args(sign_args(&c, method)));
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed.trim_end(),
        c["signature"].as_str().unwrap(),
        "{name}"
    );
    // Lower-case method, same signature.
    let out = run(multidrm().args(sign_args(&c, &method.to_ascii_lowercase())));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim_end(),
        c["signature"].as_str().unwrap(),
        "{name}: lower-case method"
    );
    // The header set.
    let mut args = sign_args(&c, method);
    args.push("--headers".to_owned());
    let headers = stdout_json(&run(multidrm().args(args)));
    let mut expected = c["headers"].as_object().unwrap().clone();
    expected.remove("x-drm-token");
    assert_eq!(headers, Value::Object(expected), "{name}: headers");
    // The JSON view.
    let mut args = sign_args(&c, method);
    args.push("--json".to_owned());
    let doc = stdout_json(&run(multidrm().args(args)));
    assert_eq!(
        doc["string_to_sign"], c["string_to_sign"],
        "{name}: string to sign"
    );
    assert_eq!(doc["signature"], c["signature"]);
}

macro_rules! sign_vectors {
    ($($name:ident),* $(,)?) => {
        mod sign_vector {
            $(
                #[test]
                fn $name() {
                    super::check_sign(stringify!($name));
                }
            )*
        }

        #[test]
        fn every_signature_vector_is_run_through_the_cli() {
            let all: Value = serde_json::from_str(VECTORS).unwrap();
            let mut names: Vec<&str> = all["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            names.sort_unstable();
            let mut ours = vec![$(stringify!($name)),*];
            ours.sort_unstable();
            assert_eq!(names, ours);
        }
    };
}

sign_vectors!(
    doc_sample_uri,
    no_query_no_question_mark,
    policy_list,
    policy_create,
    policy_delete,
    policy_log,
    site_list,
    site_on,
    license_statistics_encoded,
    license_request_widevine,
    public_go_sdk_vector,
    public_ts_mcp_vector,
);

#[test]
fn sign_reads_credentials_from_the_environment_and_builds_targets() {
    let c = vector("license_statistics_encoded");
    let out = run(multidrm()
        .args([
            "ncp",
            "sign",
            "--method",
            "GET",
            "--path",
            "/api/v1/license/statistics",
            "--query",
            "siteId=drm-20250903141775-AbCdE",
            "--query",
            "searchCondition=userId",
            "--query",
            "searchKeyword=user@example.com",
            "--query",
            "startTime=1699605801000",
            "--query",
            "endTime=1700469801000",
            "--query",
            "pageNo=1",
            "--query",
            "pageSize=20",
            "--query",
            "status=success",
            "--timestamp",
            "1700000000000",
            "--json",
        ])
        .env("NCP_ACCESS_KEY", c["access_key"].as_str().unwrap())
        .env("NCP_SECRET_KEY", c["secret_key"].as_str().unwrap()));
    let doc = stdout_json(&out);
    assert_eq!(doc["request_target"], c["request_target"]);
    assert_eq!(doc["signature"], c["signature"]);
}

#[test]
fn sign_without_credentials_is_a_usage_error() {
    let out = run(multidrm().args([
        "ncp",
        "sign",
        "--method",
        "GET",
        "--target",
        "/x",
        "--timestamp",
        "1",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NCP_ACCESS_KEY"));
    let out = run(multidrm().args([
        "ncp",
        "sign",
        "--method",
        "GET",
        "--target",
        "https://host/x",
        "--access-key",
        "a",
        "--secret-key",
        "s",
    ]));
    assert_eq!(out.status.code(), Some(2));
}

/// A `multidrm sandbox` child process, killed on drop.
struct SandboxProcess {
    child: Child,
    endpoint: String,
    access_key: String,
    secret_key: String,
}

impl SandboxProcess {
    fn start() -> Self {
        let mut child = multidrm()
            .args(["sandbox", "--bind", "127.0.0.1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let announce: Value = serde_json::from_str(&line).unwrap();
        Self {
            child,
            endpoint: announce["ncp_endpoint"].as_str().unwrap().to_owned(),
            access_key: announce["ncp_access_key"].as_str().unwrap().to_owned(),
            secret_key: announce["ncp_secret_key"].as_str().unwrap().to_owned(),
        }
    }

    /// `multidrm ncp ARGS --endpoint … --access-key … --secret-key …`.
    fn ncp(&self, args: &[&str]) -> Command {
        let mut cmd = multidrm();
        cmd.arg("ncp").args(args).args([
            "--endpoint",
            &self.endpoint,
            "--access-key",
            &self.access_key,
            "--secret-key",
            &self.secret_key,
        ]);
        cmd
    }

    fn ok(&self, args: &[&str]) -> Value {
        stdout_json(&run(&mut self.ncp(args)))
    }

    fn with_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .ncp(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn policy_commands_against_the_sandbox() {
    let sb = SandboxProcess::start();
    let body = vector("policy_create")["body_json"].to_string();
    let policy_file = common::temp_file("policy.json", &body);
    let file = policy_file.to_str().unwrap();

    let created = sb.ok(&["policy", "create", file]);
    let id = created["policyId"].as_i64().unwrap();
    assert_eq!(created["policyName"], "test_policy_01");
    let id_text = id.to_string();

    let got = sb.ok(&["policy", "get", &id_text]);
    assert_eq!(got["policyId"], id);

    let list = sb.ok(&["policy", "list"]);
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let one_page = sb.ok(&["policy", "list", "--page", "2", "--page-size", "1"]);
    assert_eq!(one_page["items"].as_array().unwrap().len(), 1);
    assert_eq!(one_page["total"], 2);

    let mut changed: Value = serde_json::from_str(&body).unwrap();
    changed["playbackDuration"] = Value::from(900);
    let out = sb.with_stdin(&["policy", "update", &id_text, "-"], &changed.to_string());
    let updated = stdout_json(&out);
    assert_eq!(updated["playbackDuration"], 900);

    let copy = sb.ok(&["policy", "copy", &id_text]);
    assert_eq!(copy["policyName"], "Copy_test_policy_01");

    let log = sb.ok(&["policy", "log", &id_text]);
    assert!(log["total"].as_u64().unwrap() >= 2, "{log}");

    let deleted = sb.ok(&["policy", "delete", &copy["policyId"].to_string()]);
    assert_eq!(deleted["policyId"], copy["policyId"]);

    // The API refuses the input: exit 1 with the service code.
    let out = run(&mut sb.ncp(&["policy", "get", "9999"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("289001"));
    let out = run(&mut sb.ncp(&["policy", "create", file]));
    assert_eq!(out.status.code(), Some(1), "duplicate name");
    // Refused before sending: exit 1 naming the field.
    let bad = common::temp_file(
        "bad.json",
        body.replace("\"securityLevel\":150", "\"securityLevel\":151"),
    );
    let out = run(&mut sb.ncp(&["policy", "create", bad.to_str().unwrap()]));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("drmPolicyConfig.playready.securityLevel"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Unreadable file: usage error.
    let out = run(&mut sb.ncp(&["policy", "create", "/nonexistent/policy.json"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn site_and_history_commands_against_the_sandbox() {
    let sb = SandboxProcess::start();
    let site = stdout_json(&sb.with_stdin(
        &["site", "create", "-"],
        r#"{"siteName":"cli_site","policyId":0}"#,
    ));
    let id = site["siteId"].as_str().unwrap().to_owned();
    assert_eq!(site["siteName"], "cli_site");

    assert_eq!(sb.ok(&["site", "get", &id])["siteId"], id.as_str());
    let listed = sb.ok(&["site", "list"]);
    assert_eq!(listed["total"], 1);

    let renamed = stdout_json(&sb.with_stdin(
        &["site", "update", &id, "-"],
        r#"{"siteName":"cli-site-2"}"#,
    ));
    assert_eq!(renamed["siteName"], "cli-site-2");
    assert_eq!(sb.ok(&["site", "on", &id])["siteEnabledYn"], true);
    let out = run(&mut sb.ncp(&["site", "on", &id]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("281006"));
    assert_eq!(sb.ok(&["site", "off", &id])["siteEnabledYn"], false);
    let log = sb.ok(&["site", "log", "--site-id", &id]);
    assert!(log["total"].as_u64().unwrap() >= 3, "{log}");
    assert!(sb.ok(&["site", "log"])["items"].is_array());

    let history = sb.ok(&[
        "license-history",
        "--site-id",
        &id,
        "--user-id",
        "user@example.com",
        "--status",
        "success",
        "--start-time",
        "0",
    ]);
    assert_eq!(history["items"], Value::Array(Vec::new()));
    let out = run(&mut sb.ncp(&["license-history", "--site-id", &id, "--status", "maybe"]));
    assert_eq!(out.status.code(), Some(1));
    let out = run(&mut sb.ncp(&["site", "get", "drm-unknown"]));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn remote_failures_exit_3_and_usage_errors_exit_2() {
    let sb = SandboxProcess::start();
    // Wrong secret: the gateway refuses the signature.
    let out = run(multidrm().args([
        "ncp",
        "policy",
        "list",
        "--endpoint",
        &sb.endpoint,
        "--access-key",
        &sb.access_key,
        "--secret-key",
        "wrong-secret",
    ]));
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Authentication Failed"), "{stderr}");
    assert!(!stderr.contains("wrong-secret"));
    // Nobody listening.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let out = run(multidrm().args([
        "ncp",
        "policy",
        "list",
        "--retries",
        "0",
        "--endpoint",
        &format!("http://127.0.0.1:{port}"),
        "--access-key",
        "a",
        "--secret-key",
        "s",
    ]));
    assert_eq!(out.status.code(), Some(3));
    // Credentials from the environment work; missing ones are a usage error.
    let out = run(multidrm()
        .args(["ncp", "policy", "get", "0", "--endpoint", &sb.endpoint])
        .env("NCP_ACCESS_KEY", &sb.access_key)
        .env("NCP_SECRET_KEY", &sb.secret_key));
    assert_eq!(stdout_json(&out)["policyName"], "Basic");
    let out = run(multidrm().args(["ncp", "policy", "get", "0", "--endpoint", &sb.endpoint]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(multidrm().args([
        "ncp",
        "policy",
        "get",
        "0",
        "--endpoint",
        "ftp://nowhere",
        "--access-key",
        "a",
        "--secret-key",
        "s",
    ]));
    assert_eq!(out.status.code(), Some(2));
}

//! `multidrm license request|explain|cert`: the built binary against the license-server
//! emulator of `multidrm sandbox` and a tiny loopback server, and the command-line contract
//! (exit 1 with the server's code, 2 usage, 3 unreachable; the token never printed).
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

mod common;

fn multidrm() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_multidrm"));
    cmd.env_remove("DOVERUNNER_SITE_ID")
        .env_remove("DOVERUNNER_SITE_KEY")
        .env_remove("DOVERUNNER_ACCESS_KEY")
        .env_remove("DOVERUNNER_LICENSE_URL")
        .env_remove("DOVERUNNER_LICENSE_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(args: &[&str]) -> Output {
    multidrm().args(args).output().unwrap()
}

fn doc(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    })
}

/// `multidrm sandbox`, killed on drop.
struct Sandbox {
    child: Child,
    line: Value,
}

impl Sandbox {
    fn start() -> Self {
        let mut child = multidrm().arg("sandbox").spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Self {
            child,
            line: serde_json::from_str(&line).unwrap(),
        }
    }

    fn get(&self, key: &str) -> String {
        self.line[key].as_str().unwrap().to_owned()
    }

    /// `multidrm license ARGS --license-url <emulator>` with the test site's credentials.
    fn license(&self, args: &[&str]) -> Output {
        multidrm()
            .arg("license")
            .args(args)
            .args(["--license-url", &self.get("license_url")])
            .env("DOVERUNNER_SITE_ID", self.get("license_site_id"))
            .env("DOVERUNNER_SITE_KEY", self.get("license_site_key"))
            .env("DOVERUNNER_ACCESS_KEY", self.get("license_access_key"))
            .output()
            .unwrap()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn explain_a_known_code() {
    let o = run(&["license", "explain", "7011"]);
    assert_eq!(o.status.code(), Some(0));
    let d = doc(&o);
    assert_eq!(d["code"], 7011);
    assert_eq!(d["name"], "TOKEN_EXPIRED");
    assert_eq!(d["meaning"], "Token is expired.");
    assert!(d["remedy"].as_str().unwrap().contains("fresh token"));
}

#[test]
fn explain_notes_the_other_namespace() {
    let d = doc(&run(&["license", "explain", "1003"]));
    assert_eq!(d["meaning"], "Cannot find the Site ID.");
    assert!(d["note"].as_str().unwrap().contains("client-side"));
}

#[test]
fn explain_unknown_and_malformed_codes() {
    let o = run(&["license", "explain", "7400"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(doc(&o)["known"], false);
    assert_eq!(run(&["license", "explain", "abc"]).status.code(), Some(2));
}

#[test]
fn request_against_the_emulator() {
    let sandbox = Sandbox::start();
    let challenge_file = common::temp_file("wv.bin", [0x08, 0x01, 0x12, 0x03, b'a', b'b', b'c']);
    let challenge = challenge_file.to_str().unwrap();
    let out_file = common::temp_file("wv.license", b"");
    let out = out_file.to_str().unwrap();

    // A fresh token gets a license; the JSON answer's device_info comes from the client meta.
    let o = sandbox.license(&[
        "request",
        "--drm",
        "widevine",
        "--user-id",
        "u1",
        "--cid",
        "c1",
        "--challenge",
        challenge,
        "--response-format",
        "json",
        "--client-meta",
        r#"{"device_model":"Pixel 7","os_version":"14(34)"}"#,
        "--out",
        out,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let d = doc(&o);
    assert_eq!(d["outcome"], "license");
    assert_eq!(d["http_status"], 200);
    assert_eq!(d["device_info"]["device_model"], "Pixel 7");
    let size = d["license"]["size"].as_u64().unwrap();
    assert_eq!(std::fs::read(out).unwrap().len() as u64, size);
    assert_eq!(d["license"]["sha256"].as_str().unwrap().len(), 64);

    // A token from 2024 gets 7011, explained; exit 1.
    let o = sandbox.license(&[
        "request",
        "--drm",
        "widevine",
        "--user-id",
        "u1",
        "--cid",
        "c1",
        "--challenge",
        challenge,
        "--timestamp",
        "2024-01-01T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let d = doc(&o);
    assert_eq!(d["outcome"], "server_error");
    assert_eq!(d["error"]["code"], 7011);
    assert!(d["error"]["remedy"].as_str().is_some());
    assert!(String::from_utf8_lossy(&o.stderr).contains("7011"));

    // A wrong access key gets 7019.
    let o = sandbox.license(&[
        "request",
        "--drm",
        "playready",
        "--user-id",
        "u1",
        "--cid",
        "c1",
        "--challenge",
        challenge,
        "--access-key",
        "wrongwrongwrongwrongwrongwrong12",
    ]);
    assert_eq!(doc(&o)["error"]["code"], 7019);
}

#[test]
fn fairplay_raw_spc_and_widevine_service_certificate_against_the_emulator() {
    let sandbox = Sandbox::start();
    let spc_file = common::temp_file("spc.bin", [0xf0, 0xf1, 0xf2, 0xf3, 0xfb, 0xff]);
    let spc = spc_file.to_str().unwrap();
    let o = sandbox.license(&[
        "request",
        "--drm",
        "fairplay",
        "--user-id",
        "u1",
        "--cid",
        "c1",
        "--challenge",
        spc,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let d = doc(&o);
    assert_eq!(d["fairplay_body_shape"], "raw");
    assert!(d["fairplay_ckc"]["size"].as_u64().unwrap() > 0);

    let o = sandbox.license(&[
        "request",
        "--drm",
        "widevine",
        "--user-id",
        "u1",
        "--cid",
        "c1",
    ]);
    let d = doc(&o);
    assert_eq!(
        d["outcome"], "certificate",
        "no challenge: the 08 04 request"
    );
}

#[test]
fn certificates_from_the_emulator() {
    let sandbox = Sandbox::start();
    let site = sandbox.get("license_site_id");
    let b64 = doc(&sandbox.license(&["cert", "--drm", "fairplay", "--site-id", &site]));
    let der = doc(&sandbox.license(&["cert", "--drm", "fairplay", "--site-id", &site, "--der"]));
    assert_eq!(b64["outcome"], "certificate");
    assert_eq!(
        b64["certificate"]["sha256"], der["certificate"]["sha256"],
        "both forms carry the same certificate"
    );
    assert!(
        b64["url"]
            .as_str()
            .unwrap()
            .contains("/ri/fpsKeyManager.do?siteId=")
    );
    assert!(
        der["url"]
            .as_str()
            .unwrap()
            .contains("/ri/fpsCert.do?siteId=")
    );
    let wv = doc(&sandbox.license(&["cert", "--drm", "widevine", "--site-id", &site]));
    assert_eq!(wv["outcome"], "certificate");
    assert_eq!(
        sandbox
            .license(&["cert", "--drm", "playready", "--site-id", &site])
            .status
            .code(),
        Some(2)
    );
}

/// A one-shot loopback server answering `response` to one request, returning what it read.
fn one_shot(response: &'static [u8]) -> (String, std::thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/ri/licenseManager.do",
        listener.local_addr().unwrap()
    );
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        stream.write_all(response).unwrap();
        seen
    });
    (url, handle)
}

/// A license server's 7019 answer (HTTP 200 with a JSON error, as the real one answers).
const HASH_ERROR_ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 51\r\nConnection: close\r\n\r\n{\"errorCode\":\"7019\",\"message\":\"The hash values do\"}";

#[test]
fn a_given_token_is_sent_in_the_header_and_never_printed() {
    let (url, server) = one_shot(HASH_ERROR_ANSWER);
    let token = "c2VjcmV0LXRva2VuLXZhbHVl";
    let o = run(&[
        "license",
        "request",
        "--drm",
        "widevine",
        "--token",
        token,
        "--license-url",
        &url,
    ]);
    let seen = String::from_utf8_lossy(&server.join().unwrap()).to_lowercase();
    assert!(seen.contains(&format!("pallycon-customdata-v2: {}", token.to_lowercase())));
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(doc(&o)["error"]["code"], 7019);
    assert!(!String::from_utf8_lossy(&o.stdout).contains(token));
    assert!(!String::from_utf8_lossy(&o.stderr).contains(token));
}

#[test]
fn a_token_read_from_a_file_is_sent_without_its_line_break() {
    let (url, server) = one_shot(HASH_ERROR_ANSWER);
    let token = "ZmlsZS10b2tlbi12YWx1ZQ";
    let path = common::temp_file("license-token", format!("{token}\n"));
    let o = run(&[
        "license",
        "request",
        "--drm",
        "widevine",
        "--token-file",
        path.to_str().unwrap(),
        "--license-url",
        &url,
    ]);
    let seen = String::from_utf8_lossy(&server.join().unwrap()).to_lowercase();
    assert!(
        seen.contains(&format!(
            "pallycon-customdata-v2: {}\r\n",
            token.to_lowercase()
        )),
        "{seen}"
    );
    assert_eq!(doc(&o)["error"]["code"], 7019);
    assert!(!String::from_utf8_lossy(&o.stdout).contains(token));
}

#[test]
fn token_and_challenge_cannot_both_come_from_stdin() {
    let o = run(&[
        "license",
        "request",
        "--drm",
        "widevine",
        "--token-file",
        "-",
        "--challenge",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stdin"));
}

#[test]
fn an_unreachable_server_is_exit_3() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/ri/licenseManager.do");
    let o = run(&[
        "license",
        "request",
        "--drm",
        "widevine",
        "--token",
        "abc",
        "--license-url",
        &url,
        "--timeout",
        "5",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(doc(&o)["outcome"], "unreachable");
}

#[test]
fn usage_errors_are_exit_2() {
    assert_eq!(
        run(&["license", "request", "--drm", "hls", "--token", "t"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["license", "request", "--drm", "playready", "--token", "t"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["license", "request", "--drm", "widevine"])
            .status
            .code(),
        Some(2)
    );
}

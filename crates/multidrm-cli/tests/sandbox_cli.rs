//! `multidrm sandbox` announces every emulator with one JSON line; the license URL it names
//! answers a token minted from the announced test-site credentials.

#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn announcement_line_has_the_license_fields() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_multidrm"))
            .args(["sandbox", "--license-numeric-error-codes"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let announced: Value = serde_json::from_str(&line).unwrap();
    for key in [
        "kms_url",
        "kms_token",
        "ncp_endpoint",
        "ncp_access_key",
        "ncp_secret_key",
        "license_url",
        "clearkey_url",
        "fps_cert_url",
        "widevine_cert_url",
        "license_site_id",
        "license_site_key",
        "license_access_key",
    ] {
        assert!(announced[key].is_string(), "{key} in {line}");
    }
    let license_url = announced["license_url"].as_str().unwrap();
    assert!(license_url.ends_with("/ri/licenseManager.do"));
    // No token: the license server's 7010, as a number because of the flag.
    let body = reqwest::Client::new()
        .post(license_url)
        .body(vec![8u8, 1])
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let reply: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(reply["errorCode"], 7010);
    let cert = reqwest::get(format!(
        "{}?siteId={}",
        announced["widevine_cert_url"].as_str().unwrap(),
        announced["license_site_id"].as_str().unwrap()
    ))
    .await
    .unwrap()
    .bytes()
    .await
    .unwrap();
    assert_eq!(cert.len(), 711);
}

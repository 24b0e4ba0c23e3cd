//! Hostile input into the license emulator: arbitrary tokens, bodies and queries never panic,
//! always get a non-empty answer, and an oversized body is refused before it is read whole.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use axum::http::{HeaderMap, HeaderValue, Method};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use multidrm_sandbox::kms::{KmsEmulator, KmsSettings};
use multidrm_sandbox::license::{LicenseEmulator, LicenseSettings};
use multidrm_sandbox::{Sandbox, SandboxOptions};
use proptest::prelude::*;

fn emulator() -> LicenseEmulator {
    LicenseEmulator::new(
        LicenseSettings::default(),
        KmsEmulator::new(KmsSettings::default()),
    )
}

fn check(
    emulator: &LicenseEmulator,
    path: &str,
    query: Option<&str>,
    token: Option<&str>,
    body: &[u8],
) {
    let mut headers = HeaderMap::new();
    if let Some(token) = token.and_then(|t| HeaderValue::from_str(t).ok()) {
        headers.insert("pallycon-customdata-v2", token);
    }
    let reply = emulator.handle(&Method::POST, path, query, &headers, body);
    assert!(!reply.body.is_empty());
    assert!(matches!(reply.status, 200 | 404));
}

/// A valid token for `drm` at Unix time 1 750 000 000 (the emulator's clock is frozen there).
fn valid_token(drm: drm_token::DrmType) -> String {
    let creds = drm_token::SiteCredentials::from_strs(
        multidrm_sandbox::license::DEFAULT_SITE_ID,
        multidrm_sandbox::license::DEFAULT_SITE_KEY,
        multidrm_sandbox::license::DEFAULT_ACCESS_KEY,
    )
    .unwrap();
    drm_token::TokenRequest::new(drm, "user", "movie")
        .mint_with_policy(
            &creds,
            &drm_token::Policy::new(),
            drm_token::JsonStyle::Compact,
            drm_token::Timestamp::from_unix(1_750_000_000).unwrap(),
        )
        .unwrap()
}

proptest! {
    #[test]
    fn arbitrary_bodies_under_valid_tokens(body in proptest::collection::vec(any::<u8>(), 0..800), nested in proptest::collection::vec(any::<u8>(), 0..200)) {
        let emulator = emulator();
        emulator.clock().set_fixed(1_750_000_000);
        // Bytes that look like nested protobuf too, to reach the Widevine PSSH walk.
        let mut shaped = vec![0x08, 0x01, 0x12, u8::try_from(nested.len().min(127)).unwrap()];
        shaped.extend_from_slice(&nested[..nested.len().min(127)]);
        for drm in drm_token::DrmType::ALL {
            let token = valid_token(drm);
            check(&emulator, "/ri/licenseManager.do", None, Some(&token), &body);
            check(&emulator, "/ri/licenseManager.do", None, Some(&token), &shaped);
        }
    }

    #[test]
    fn arbitrary_tokens_and_bodies(token in ".{0,300}", body in proptest::collection::vec(any::<u8>(), 0..600)) {
        let emulator = emulator();
        check(&emulator, "/ri/licenseManager.do", None, Some(&token), &body);
        check(&emulator, "/ri/licenseManager.do", None, None, &body);
    }

    #[test]
    fn arbitrary_json_in_base64(json in "\\{.{0,200}\\}") {
        let emulator = emulator();
        let token = STANDARD.encode(json.as_bytes());
        check(&emulator, "/ri/licenseManager.do", None, Some(&token), b"x");
    }

    #[test]
    fn arbitrary_queries(query in "[a-zA-Z0-9%&=+/ ._-]{0,200}", body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let emulator = emulator();
        for path in [
            "/ri/licenseManager.do",
            "/ri/clearkey/licenseManager.do",
            "/ri/fpsKeyManager.do",
            "/ri/fpsCert.do/",
            "/ri/widevineCert.do",
        ] {
            check(&emulator, path, Some(&query), None, &body);
        }
    }
}

#[test]
fn many_angle_brackets_in_a_soap_body_are_linear() {
    let emulator = emulator();
    let body = "<".repeat(200_000) + "AcquireLicense";
    check(
        &emulator,
        "/ri/licenseManager.do",
        None,
        None,
        body.as_bytes(),
    );
    let body = "<a>".repeat(100_000);
    check(
        &emulator,
        "/ri/licenseManager.do",
        None,
        None,
        body.as_bytes(),
    );
}

#[tokio::test]
async fn oversized_body_is_refused_with_413() {
    let sb = Sandbox::start(SandboxOptions {
        license: LicenseSettings {
            max_body_bytes: 1024,
            ..LicenseSettings::default()
        },
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let reply = reqwest::Client::new()
        .post(sb.license_url())
        .body(vec![0u8; 4096])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 413);
    assert!(!reply.bytes().await.unwrap().is_empty());
}

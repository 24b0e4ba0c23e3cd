//! Nothing secret in the proxy's logs: no site key, access key, viewer JWT, license token,
//! challenge or client meta, at debug level, for licenses, license-server errors and an
//! unreachable upstream (whose log line shows the connect retries).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod proxy_env;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proxy_env::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A 2 KB Widevine-like challenge with a recognizable middle.
fn challenge() -> Vec<u8> {
    let mut body = vec![0x08, 0x01, 0x12, 0x10];
    body.extend((0..2_044u32).map(|i| u8::try_from(i % 251).unwrap()));
    body
}

#[tokio::test]
async fn nothing_secret_in_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .init();
    let env = Env::start().await;
    let request = env
        .post(&format!("/drm/widevine?content_id={CID}"), challenge())
        .header("pallycon-client-meta", CLIENT_META);
    env.send(request).await.assert_license();
    let wrong = Site {
        access: "wrong-access-key-wrong-access-ke",
        ..TEST_SITE
    };
    let refused = Env::custom(&wrong, proxy_table, |s| s).await;
    refused
        .license("widevine", challenge())
        .await
        .assert_error(403);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = Env::custom(
        &TEST_SITE,
        |_| format!("license_url = \"http://127.0.0.1:{port}/ri/licenseManager.do\"\n"),
        |s| s,
    )
    .await;
    down.license("widevine", challenge())
        .await
        .assert_error(502);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("license proxy answered"), "{text}");
    assert!(text.contains("server_code=7019"), "{text}");
    // A never-sent request is retried: the default policy makes 3 attempts.
    assert!(text.contains("attempts=3"), "{text}");
    let jwt = viewer(USER);
    let jwt_payload = jwt.split('.').nth(1).unwrap();
    let body = challenge();
    for secret in [
        TEST_SITE.key,
        TEST_SITE.access,
        wrong.access,
        proxy_env::support::JWT_SECRET,
        jwt_payload,
        CLIENT_META,
        "eyJ", // any base64 JSON: a JWT or a license token
        &STANDARD.encode(&body[..48]),
        &hex(&body[4..40]),
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

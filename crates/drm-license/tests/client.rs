//! The license client over real loopback sockets.

#[path = "loopback/mod.rs"]
mod loopback;

use std::time::Duration;

use drm_license::drm_http::{HttpClient, RetryPolicy};
use drm_license::{
    ClientError, Drm, LicenseClient, LicenseServer, LicenseToken, ResponseError, ResponseFormat,
    ServerCode,
};
use loopback::{Reply, serve};

const TOKEN: &str = "eyJ0b2tlbiI6InRlc3QifQ==";

fn client(base: &str, deadline: Duration) -> LicenseClient {
    let http = HttpClient::builder()
        .connect_timeout(Duration::from_secs(2))
        .deadline(deadline)
        .body_limit(64 * 1024)
        .build()
        .expect("http");
    let server = LicenseServer::new(base).expect("server");
    LicenseClient::new(http, server).with_retry(RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    })
}

#[tokio::test]
async fn widevine_license_over_loopback() {
    let server =
        serve(|_| Reply::Http(200, "application/octet-stream", vec![0x08, 0x02, 0x12])).await;
    let license = client(&server.base, Duration::from_secs(5))
        .license(
            Drm::Widevine,
            &[0x08, 0x01],
            &LicenseToken::new(TOKEN),
            None,
            ResponseFormat::Original,
        )
        .await
        .expect("license");
    assert_eq!(license.original_body(), [0x08, 0x02, 0x12]);
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/ri/licenseManager.do");
    assert_eq!(seen[0].header("pallycon-customdata-v2"), Some(TOKEN));
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(seen[0].body, [0x08, 0x01]);
}

#[tokio::test]
async fn json_error_is_a_typed_server_error() {
    let server = serve(|_| {
        Reply::Http(
            200,
            "application/json",
            br#"{"errorCode":"7011","message":"Token is expired."}"#.to_vec(),
        )
    })
    .await;
    let err = client(&server.base, Duration::from_secs(5))
        .license(
            Drm::FairPlay,
            &[0xf0, 0xf1],
            &LicenseToken::new(TOKEN),
            None,
            ResponseFormat::Original,
        )
        .await
        .expect_err("7011");
    let server_error = err.server_error().expect("server error");
    assert_eq!(server_error.code(), Some(ServerCode::TOKEN_EXPIRED));
    assert!(server_error.remedy().is_some());
    assert_eq!(server.requests()[0].body, b"spc=8PE%3D");
}

#[tokio::test]
async fn fairplay_certificate_base64_and_der() {
    let server = serve(|req| {
        if req.target.starts_with("/ri/fpsKeyManager.do") {
            Reply::Http(200, "text/plain", b"MIEB\n".to_vec())
        } else {
            Reply::Http(200, "application/x-x509-ca-cert", vec![0x30, 0x81, 0x01])
        }
    })
    .await;
    let c = client(&server.base, Duration::from_secs(5));
    assert_eq!(
        c.fairplay_certificate("DEMO", false).await.expect("b64"),
        [0x30, 0x81, 0x01]
    );
    assert_eq!(
        c.fairplay_certificate("DEMO", true).await.expect("der"),
        [0x30, 0x81, 0x01]
    );
    let seen = server.requests();
    assert_eq!(seen[0].target, "/ri/fpsKeyManager.do?siteId=DEMO");
    assert_eq!(seen[1].target, "/ri/fpsCert.do?siteId=DEMO");
    assert_eq!(seen[0].method, "GET");
}

#[tokio::test]
async fn non_200_without_error_body_keeps_the_status() {
    let server = serve(|_| Reply::Http(503, "text/html", b"<html>down</html>".to_vec())).await;
    let err = client(&server.base, Duration::from_secs(5))
        .widevine_certificate("DEMO")
        .await
        .expect_err("503");
    assert!(matches!(
        err,
        ClientError::Response(ResponseError::Status { status: 503, .. })
    ));
    assert_eq!(
        server.requests().len(),
        1,
        "an answered request is not retried"
    );
}

#[tokio::test]
async fn a_hanging_server_hits_the_deadline() {
    let server = serve(|_| Reply::Hang).await;
    let err = client(&server.base, Duration::from_millis(300))
        .license(
            Drm::Widevine,
            &[0x08],
            &LicenseToken::new(TOKEN),
            None,
            ResponseFormat::Original,
        )
        .await
        .expect_err("deadline");
    match err {
        ClientError::Transport(e) => assert!(e.is_timeout(), "{e}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        1,
        "a sent request is never retried"
    );
}

#[tokio::test]
async fn a_closed_connection_after_sending_is_not_retried() {
    let server = serve(|_| Reply::Close).await;
    let err = client(&server.base, Duration::from_secs(5))
        .license(
            Drm::Widevine,
            &[0x08],
            &LicenseToken::new(TOKEN),
            None,
            ResponseFormat::Original,
        )
        .await
        .expect_err("closed");
    assert!(matches!(err, ClientError::Transport(_)));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let err = client(&base, Duration::from_secs(5))
        .license(
            Drm::Widevine,
            &[0x08],
            &LicenseToken::new(TOKEN),
            None,
            ResponseFormat::Original,
        )
        .await
        .expect_err("refused");
    match err {
        ClientError::Transport(e) => {
            assert!(e.is_connect(), "{e}");
            assert_eq!(e.attempts(), 3);
            assert!(
                !e.to_string().contains("127.0.0.1"),
                "no URL in errors: {e}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let server =
        serve(|_| Reply::Http(200, "application/octet-stream", vec![7u8; 200 * 1024])).await;
    let err = client(&server.base, Duration::from_secs(5))
        .widevine_certificate("DEMO")
        .await
        .expect_err("too large");
    match err {
        ClientError::Transport(e) => assert!(e.is_body_too_large(), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn ncg_server_info_and_clearkey_are_gets_without_token() {
    let server = serve(|req| {
        if req.target.starts_with("/ri/clearkey") {
            Reply::Http(
                200,
                "application/json",
                br#"{"keys":[],"type":"temporary"}"#.to_vec(),
            )
        } else {
            Reply::Http(200, "application/octet-stream", b"serverinfo".to_vec())
        }
    })
    .await;
    let c = client(&server.base, Duration::from_secs(5));
    assert_eq!(c.ncg_server_info().await.expect("info"), b"serverinfo");
    let jwk = c.clearkey("DEMO", "palmulti").await.expect("clearkey");
    assert!(jwk.original_body().starts_with(b"{\"keys\""));
    let seen = server.requests();
    assert_eq!(seen[0].target, "/ri/licenseManager.do?mode=getserverinfo");
    assert_eq!(
        seen[1].target,
        "/ri/clearkey/licenseManager.do?siteId=DEMO&cid=palmulti"
    );
    assert!(
        seen.iter()
            .all(|s| s.method == "GET" && s.header("pallycon-customdata-v2").is_none())
    );
}

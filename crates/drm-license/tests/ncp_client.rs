//! NCP license issuance over a real loopback socket, signatures checked against the vectors
//! (`tests/data/ncp.json`, computed by an independent oracle).

#[path = "loopback/mod.rs"]
mod loopback;

use std::sync::Arc;
use std::time::Duration;

use drm_license::drm_http::HttpClient;
use drm_license::{
    Drm, NcpLicenseClient, NcpLicenseError, ResponseError, ResponseFormat, ServerCode,
};
use loopback::{Reply, serve};
use ncp_policy_api::{AccessKey, DrmToken, FixedClock, SecretKey};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("data/ncp.json")).expect("json")
}

fn signature(target: &str) -> String {
    vectors()["signature_vectors_computed_here"]["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["target"] == target)
        .and_then(|c| c["signature"].as_str())
        .expect("case")
        .to_owned()
}

fn client(base: &str) -> NcpLicenseClient {
    let v = &vectors()["signature_vectors_computed_here"];
    let http = HttpClient::builder()
        .deadline(Duration::from_secs(5))
        .build()
        .expect("http");
    NcpLicenseClient::new(
        http,
        base,
        AccessKey::new(v["access_key"].as_str().expect("ak")),
        SecretKey::new(v["secret_key"].as_str().expect("sk")),
    )
    .with_clock(Arc::new(FixedClock::new(1_700_000_000_000)))
}

fn token(drm_type: &str) -> DrmToken {
    DrmToken {
        site_id: "drm-20231115142326-nHyNw".into(),
        content_id: "content-0001".into(),
        drm_type: drm_type.into(),
        response_format: "ORIGINAL".into(),
        user_id: "d41d8cd98f00b204e9800998ecf8427e".into(),
    }
}

#[tokio::test]
async fn widevine_license_is_signed_and_carries_the_drm_token() {
    let server = serve(|_| Reply::Http(200, "application/octet-stream", vec![0x08, 0x02])).await;
    let t = token("WIDEVINE");
    let license = client(&server.base)
        .license(&t, Drm::Widevine, &[0x08, 0x01], ResponseFormat::Original)
        .await
        .expect("license");
    assert_eq!(license.original_body(), [0x08, 0x02]);
    let seen = &server.requests()[0];
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.target, "/api/v1/license");
    assert_eq!(seen.header("x-ncp-apigw-timestamp"), Some("1700000000000"));
    assert_eq!(
        seen.header("x-ncp-apigw-signature-v2"),
        Some(signature("/api/v1/license").as_str())
    );
    assert_eq!(seen.header("x-ncp-region_code"), Some("KR"));
    assert_eq!(seen.header("x-drm-token"), Some(t.encode().as_str()));
    assert_eq!(seen.body, [0x08, 0x01]);
}

#[tokio::test]
async fn fairplay_certificate_both_forms() {
    let server = serve(|req| {
        if req.target.ends_with("Binary") {
            Reply::Http(200, "application/octet-stream", vec![0x30, 0x81])
        } else {
            Reply::Http(200, "text/plain", b"MIE=".to_vec())
        }
    })
    .await;
    let c = client(&server.base);
    let t = token("FAIRPLAY");
    assert_eq!(
        c.fairplay_certificate(&t, false).await.expect("b64"),
        [0x30, 0x81]
    );
    assert_eq!(
        c.fairplay_certificate(&t, true).await.expect("bin"),
        [0x30, 0x81]
    );
    let seen = server.requests();
    assert_eq!(seen[0].target, "/api/v1/license/fairPlay");
    assert_eq!(
        seen[0].header("x-ncp-apigw-signature-v2"),
        Some(signature("/api/v1/license/fairPlay").as_str())
    );
    assert_eq!(seen[1].target, "/api/v1/license/fairPlayBinary");
    assert_eq!(
        seen[1].header("x-ncp-apigw-signature-v2"),
        Some(signature("/api/v1/license/fairPlayBinary").as_str())
    );
}

#[tokio::test]
async fn ncp_envelope_errors_and_doverunner_errors_are_told_apart() {
    let server = serve(|req| {
        if req.body == [1] {
            Reply::Http(
                401,
                "application/json",
                br#"{"error":{"errorCode":"200","message":"Authentication Failed"}}"#.to_vec(),
            )
        } else {
            Reply::Http(
                200,
                "application/json",
                br#"{"errorCode":"7012","message":"Does not match with token's CID."}"#.to_vec(),
            )
        }
    })
    .await;
    let c = client(&server.base);
    let t = token("WIDEVINE");
    match c
        .license(&t, Drm::Widevine, &[1], ResponseFormat::Original)
        .await
    {
        Err(NcpLicenseError::Ncp {
            status: 401, code, ..
        }) => assert_eq!(code.as_deref(), Some("200")),
        other => panic!("{other:?}"),
    }
    match c
        .license(&t, Drm::Widevine, &[2], ResponseFormat::Original)
        .await
    {
        Err(NcpLicenseError::Response(ResponseError::Server(e))) => {
            assert_eq!(e.code(), Some(ServerCode::CID_MISMATCH));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_bad_token_is_refused_before_sending() {
    let server = serve(|_| Reply::Http(200, "application/octet-stream", vec![1])).await;
    let mut t = token("WIDEVINE");
    t.content_id = "x".into();
    let err = client(&server.base)
        .license(&t, Drm::Widevine, &[1], ResponseFormat::Original)
        .await
        .expect_err("contentId");
    assert!(matches!(err, NcpLicenseError::Token(_)));
    assert!(server.requests().is_empty());
}

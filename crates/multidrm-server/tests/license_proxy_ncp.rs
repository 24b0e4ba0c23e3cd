//! The token proxy with `upstream = "ncp"`: NCP One Click Multi DRM license issuance on the
//! sandbox's NCP emulator, which checks the signature v2 of every request with its own HMAC.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod proxy_env;

use multidrm_sandbox::{Sandbox, SandboxOptions};
use ncp_policy_api::signature::sign;
use ncp_policy_api::{AccessKey, SecretKey};
use proxy_env::*;
use serde_json::{Value, json};

/// A signed call of the NCP API (to set up the emulator's site).
async fn ncp_api(sb: &Sandbox, method: &str, target: &str, body: Value) -> Value {
    let ts = u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    let signature = sign(
        method,
        target,
        ts,
        &AccessKey::new(sb.ncp_access_key()),
        &SecretKey::new(sb.ncp_secret_key()),
    );
    let reply = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}{target}", sb.ncp_endpoint()),
        )
        .header("x-ncp-apigw-timestamp", ts.to_string())
        .header("x-ncp-iam-access-key", sb.ncp_access_key())
        .header("x-ncp-apigw-signature-v2", signature)
        .header("x-ncp-region_code", "KR")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = reply.status().as_u16();
    let text = reply.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// A site that is ON; its id.
async fn ncp_site(sb: &Sandbox) -> String {
    let created = ncp_api(sb, "POST", "/api/v1/sites", json!({"siteName": "proxy"})).await;
    let id = created["content"]["siteId"].as_str().unwrap().to_owned();
    ncp_api(sb, "PUT", &format!("/api/v1/sites/{id}/on"), json!({})).await;
    id
}

fn ncp_table(sb: &Sandbox, site_id: &str, secret: &str) -> String {
    format!(
        "upstream = \"ncp\"\n[license_proxy.ncp]\nendpoint = \"{}\"\naccess_key = \"{}\"\nsecret_key = \"{secret}\"\nsite_id = \"{site_id}\"\n",
        sb.ncp_endpoint(),
        sb.ncp_access_key(),
    )
}

/// A proxy in front of the NCP emulator, signing with `secret` (default the accepted one).
async fn start(secret: Option<&str>) -> Env {
    let sb = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let site = ncp_site(&sb).await;
    let secret = secret.unwrap_or(sb.ncp_secret_key()).to_owned();
    let table = ncp_table(&sb, &site, &secret);
    Env::on(sb, &TEST_SITE, &table, |s| s).await
}

#[tokio::test]
async fn ncp_upstream_signed_license_for_widevine_playready_and_fairplay() {
    let env = start(None).await;
    let widevine = env.license("widevine", WIDEVINE_CHALLENGE).await;
    widevine.assert_license();
    assert_eq!(&widevine.body[..2], &[0x08, 0x02]);
    env.license("playready", SOAP).await.assert_license();
    let request = env
        .post(&format!("/drm/fairplay?content_id={CID}"), SPC_BASE64)
        .header("content-type", "application/x-www-form-urlencoded");
    env.send(request).await.assert_license();
}

#[tokio::test]
async fn ncp_upstream_with_a_wrong_secret_is_refused_by_the_signature_check() {
    let env = start(Some("not-the-secret-key")).await;
    let reply = env.license("widevine", WIDEVINE_CHALLENGE).await;
    assert!(reply.status >= 400, "{}", reply.status);
    assert!(!reply.body.is_empty());
    let body = reply.json();
    assert_eq!(body["status"], 401, "{body}");
}

#[tokio::test]
async fn ncp_upstream_does_not_offer_clearkey() {
    let env = start(None).await;
    let reply = env.license("clearkey", Vec::new()).await;
    reply.assert_error(501);
}

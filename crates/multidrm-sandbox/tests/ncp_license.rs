//! NCP One Click Multi DRM license issuance on the NCP emulator over real loopback HTTP:
//! signature v2 (signed here with the client's signer, checked by the emulator's own HMAC),
//! then the `x-drm-token` checks (site exists and is on, drm type, response format, content
//! id, user id), the FairPlay certificate endpoints.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use multidrm_sandbox::ncp::NcpSettings;
use multidrm_sandbox::{Sandbox, SandboxOptions};
use ncp_policy_api::signature::sign;
use ncp_policy_api::{AccessKey, SecretKey};
use serde_json::{Value, json};

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

struct Reply {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

struct Ncp {
    sb: Sandbox,
    http: reqwest::Client,
}

impl Ncp {
    async fn start(settings: NcpSettings) -> Self {
        let sb = Sandbox::start(SandboxOptions {
            ncp: settings,
            ..SandboxOptions::default()
        })
        .await
        .unwrap();
        Self {
            sb,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    async fn call(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
        secret: &str,
    ) -> Reply {
        let ts = now_ms();
        let signature = sign(
            method,
            target,
            ts,
            &AccessKey::new(self.sb.ncp_access_key()),
            &SecretKey::new(secret),
        );
        let mut request = self
            .http
            .request(
                method.parse().unwrap(),
                format!("{}{target}", self.sb.ncp_endpoint()),
            )
            .header("x-ncp-apigw-timestamp", ts.to_string())
            .header("x-ncp-iam-access-key", self.sb.ncp_access_key())
            .header("x-ncp-apigw-signature-v2", signature)
            .header("x-ncp-region_code", "KR")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        Reply {
            status: response.status().as_u16(),
            content_type: response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    async fn api(&self, method: &str, target: &str, body: Value) -> Value {
        let reply = self
            .call(
                method,
                target,
                &[("content-type", "application/json".to_owned())],
                body.to_string().into_bytes(),
                self.sb.ncp_secret_key(),
            )
            .await;
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        reply.json()
    }

    /// A site, turned on unless `on` is false; returns its id.
    async fn site(&self, name: &str, on: bool) -> String {
        let created = self
            .api("POST", "/api/v1/sites", json!({"siteName": name}))
            .await;
        let id = created["content"]["siteId"].as_str().unwrap().to_owned();
        if on {
            self.api("PUT", &format!("/api/v1/sites/{id}/on"), json!({}))
                .await;
        }
        id
    }

    async fn license(&self, drm_token: &Value, body: &[u8]) -> Reply {
        self.call(
            "POST",
            "/api/v1/license",
            &[("x-drm-token", STANDARD.encode(drm_token.to_string()))],
            body.to_vec(),
            self.sb.ncp_secret_key(),
        )
        .await
    }
}

fn drm_token(site: &str, drm: &str, format: &str) -> Value {
    json!({
        "siteId": site,
        "contentId": "movie_1",
        "drmType": drm,
        "responseFormat": format,
        "userId": "d41d8cd98f00b204e9800998ecf8427e",
    })
}

const CHALLENGE: &[u8] = &[0x08, 0x01, 0x12, 0x04, 1, 2, 3, 4];

#[tokio::test]
async fn widevine_license_behind_the_signature_without_a_json_content_type() {
    let ncp = Ncp::start(NcpSettings::default()).await;
    let site = ncp.site("license_site", true).await;
    let reply = ncp
        .license(&drm_token(&site, "WIDEVINE", "ORIGINAL"), CHALLENGE)
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "application/octet-stream");
    assert_eq!(&reply.body[..4], &[0x08, 0x02, 0x12, 0x20]);
    // The helper's lower-case `original` and drm type work too.
    let lower = ncp
        .license(&drm_token(&site, "widevine", "original"), CHALLENGE)
        .await;
    assert_eq!(lower.body, reply.body);
}

#[tokio::test]
async fn a_wrong_signature_never_reaches_the_license_check() {
    let ncp = Ncp::start(NcpSettings::default()).await;
    let site = ncp.site("license_site", true).await;
    let token = STANDARD.encode(drm_token(&site, "WIDEVINE", "ORIGINAL").to_string());
    let reply = ncp
        .call(
            "POST",
            "/api/v1/license",
            &[("x-drm-token", token)],
            CHALLENGE.to_vec(),
            "not-the-secret",
        )
        .await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["error"]["errorCode"], "200");
}

#[tokio::test]
async fn playready_fairplay_and_json_format() {
    let ncp = Ncp::start(NcpSettings::default()).await;
    let site = ncp.site("license_site", true).await;
    let playready = ncp
        .license(
            &drm_token(&site, "PLAYREADY", "ORIGINAL"),
            b"<soap:Envelope><soap:Body><AcquireLicense/></soap:Body></soap:Envelope>",
        )
        .await;
    assert!(
        String::from_utf8(playready.body)
            .unwrap()
            .contains("AcquireLicenseResponse")
    );
    // react-native-video's SPC string posted as is (the NCP demo).
    let fairplay = ncp
        .license(
            &drm_token(&site, "FAIRPLAY", "ORIGINAL"),
            b"8PHy8/T19vf4+fr7/P3+//v/+//7//v/AQ==",
        )
        .await;
    assert_eq!(fairplay.status, 200);
    let ckc = STANDARD.decode(&fairplay.body).unwrap();
    assert!(ckc.starts_with(b"CKC1"));
    let json = ncp
        .license(&drm_token(&site, "WIDEVINE", "JSON"), CHALLENGE)
        .await
        .json();
    assert!(hex::decode(json["license"].as_str().unwrap()).is_ok());
    assert!(json["device_info"]["device_id"].is_string());
    // A body problem answers in DoveRunner's shape.
    let empty = ncp
        .license(&drm_token(&site, "FAIRPLAY", "ORIGINAL"), b"")
        .await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json()["errorCode"], "7305");
}

#[tokio::test]
async fn site_must_exist_and_be_on() {
    let ncp = Ncp::start(NcpSettings::default()).await;
    let off = ncp.site("site_off", false).await;
    let reply = ncp
        .license(&drm_token(&off, "WIDEVINE", "ORIGINAL"), CHALLENGE)
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.json()["error"]["code"], "281005");
    let reply = ncp
        .license(&drm_token("drm-nope", "WIDEVINE", "ORIGINAL"), CHALLENGE)
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["error"]["code"], "281003");
}

#[tokio::test]
async fn drm_token_fields_are_checked() {
    let ncp = Ncp::start(NcpSettings::default()).await;
    let site = ncp.site("license_site", true).await;
    let mut cases = vec![
        (drm_token(&site, "NCG", "ORIGINAL"), "drmType"),
        (drm_token(&site, "WIDEVINE", "XML"), "responseFormat"),
    ];
    let mut short_cid = drm_token(&site, "WIDEVINE", "ORIGINAL");
    short_cid["contentId"] = json!("ab");
    cases.push((short_cid, "contentId"));
    let mut no_user = drm_token(&site, "WIDEVINE", "ORIGINAL");
    no_user.as_object_mut().unwrap().remove("userId");
    cases.push((no_user.clone(), "userId"));
    for (token, field) in cases {
        let reply = ncp.license(&token, CHALLENGE).await;
        assert_eq!(reply.status, 400, "{field}");
        let body = reply.json();
        assert_eq!(body["error"]["code"], "280003");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(field),
            "{body}"
        );
    }
    let missing = ncp
        .call(
            "POST",
            "/api/v1/license",
            &[],
            CHALLENGE.to_vec(),
            ncp.sb.ncp_secret_key(),
        )
        .await;
    assert_eq!(missing.status, 400);
    assert!(
        missing.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("x-drm-token")
    );
    let lenient = Ncp::start(NcpSettings {
        license_user_id_optional: true,
        ..NcpSettings::default()
    })
    .await;
    let site = lenient.site("license_site", true).await;
    no_user["siteId"] = json!(site);
    assert_eq!(lenient.license(&no_user, CHALLENGE).await.status, 200);
}

#[tokio::test]
async fn fairplay_certificate_base64_and_binary() {
    let ncp = Ncp::start(NcpSettings::default()).await;
    let site = ncp.site("license_site", true).await;
    let token = STANDARD.encode(drm_token(&site, "FAIRPLAY", "ORIGINAL").to_string());
    let headers = [
        ("x-drm-token", token),
        ("accept", "application/json".to_owned()),
    ];
    let secret = ncp.sb.ncp_secret_key().to_owned();
    let text = ncp
        .call(
            "GET",
            "/api/v1/license/fairPlay",
            &headers,
            Vec::new(),
            &secret,
        )
        .await;
    let binary = ncp
        .call(
            "GET",
            "/api/v1/license/fairPlayBinary",
            &headers,
            Vec::new(),
            &secret,
        )
        .await;
    assert_eq!(text.status, 200);
    assert_eq!(binary.status, 200);
    assert_eq!(STANDARD.decode(&text.body).unwrap(), binary.body);
    assert_eq!(binary.body[0], 0x30);
}

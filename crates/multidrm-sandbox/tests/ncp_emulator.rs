//! The NCP emulator over real loopback HTTP, driven with raw reqwest and the pure signer.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use multidrm_sandbox::ncp::{
    FaultResponse, LicenseRecord, LicenseStatus, NcpSettings, ResponseDrift, SiteStatus,
};
use multidrm_sandbox::{Sandbox, SandboxOptions};
use ncp_policy_api::signature::{request_target, sign};
use ncp_policy_api::{AccessKey, SecretKey};
use serde_json::{Value, json};

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// How to sign and which headers to send.
#[derive(Clone)]
struct Signing {
    timestamp_ms: i64,
    access_key: String,
    secret_key: String,
    /// Signed target when it differs from the sent one (tampering).
    signed_target: Option<String>,
    omit: Vec<&'static str>,
}

struct Reply {
    status: u16,
    content_type: String,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

struct Api {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Api {
    async fn start() -> Self {
        Self::start_with(NcpSettings::default()).await
    }

    async fn start_with(ncp: NcpSettings) -> Self {
        let sandbox = Sandbox::start(SandboxOptions {
            ncp,
            ..SandboxOptions::default()
        })
        .await
        .unwrap();
        Self {
            sandbox,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    fn signing(&self) -> Signing {
        Signing {
            timestamp_ms: now_ms(),
            access_key: self.sandbox.ncp_access_key().to_owned(),
            secret_key: self.sandbox.ncp_secret_key().to_owned(),
            signed_target: None,
            omit: Vec::new(),
        }
    }

    async fn send(
        &self,
        client: &reqwest::Client,
        method: &str,
        target: &str,
        body: Option<String>,
        signing: &Signing,
    ) -> Result<Reply, reqwest::Error> {
        let signed_target = signing.signed_target.as_deref().unwrap_or(target);
        let signature = sign(
            method,
            signed_target,
            u64::try_from(signing.timestamp_ms).unwrap(),
            &AccessKey::new(signing.access_key.as_str()),
            &SecretKey::new(signing.secret_key.as_str()),
        );
        let url = format!("{}{target}", self.sandbox.ncp_endpoint());
        let mut request = client.request(method.parse().unwrap(), url);
        let headers = [
            ("x-ncp-apigw-timestamp", signing.timestamp_ms.to_string()),
            ("x-ncp-iam-access-key", signing.access_key.clone()),
            ("x-ncp-apigw-signature-v2", signature),
            ("Content-Type", "application/json".to_owned()),
            ("x-ncp-region_code", "KR".to_owned()),
        ];
        for (name, value) in headers {
            if !signing.omit.contains(&name) {
                request = request.header(name, value);
            }
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await?;
        Ok(Reply {
            status,
            content_type,
            text,
        })
    }

    async fn call_with(
        &self,
        method: &str,
        target: &str,
        body: Option<String>,
        signing: &Signing,
    ) -> Reply {
        self.send(&self.http, method, target, body, signing)
            .await
            .unwrap()
    }

    /// A correctly signed call; asserts the status and returns the JSON body.
    async fn ok(&self, method: &str, target: &str, body: Option<Value>) -> Value {
        let reply = self
            .call_with(method, target, body.map(|b| b.to_string()), &self.signing())
            .await;
        assert_eq!(reply.status, 200, "{method} {target}: {}", reply.text);
        let value = reply.json();
        assert_eq!(value["success"], true);
        value
    }

    /// A correctly signed call expected to fail with a service error.
    async fn service_error(
        &self,
        method: &str,
        target: &str,
        body: Option<String>,
        status: u16,
        code: &str,
    ) -> Value {
        let reply = self.call_with(method, target, body, &self.signing()).await;
        assert_eq!(reply.status, status, "{method} {target}: {}", reply.text);
        let value = reply.json();
        assert_eq!(value["error"]["code"], code, "{}", reply.text);
        assert!(value["error"]["name"].is_string());
        assert!(value["error"]["message"].is_string());
        value
    }

    /// A call expected to be refused by the gateway.
    async fn gateway_error(
        &self,
        method: &str,
        target: &str,
        signing: &Signing,
        status: u16,
        error_code: &str,
    ) -> Value {
        let reply = self.call_with(method, target, None, signing).await;
        assert_eq!(reply.status, status, "{}", reply.text);
        let value = reply.json();
        assert_eq!(value["error"]["errorCode"], error_code, "{}", reply.text);
        assert!(value["error"].get("code").is_none(), "gateway shape only");
        value
    }
}

fn policy_body(name: &str) -> Value {
    json!({
        "policyName": name,
        "persistent": true,
        "rentalDuration": 86400,
        "playbackDuration": 7200,
        "drmPolicyConfig": {
            "widevine": {"useYn": true, "securityLevel": 3, "hdcp": "HDCP_V2_2",
                         "cgms": "COPY_NEVER", "disableAnalogOutputYn": true,
                         "hdcpSrmRule": "CURRENT_SRM", "deviceRevocation": true},
            "playready": {"useYn": true, "securityLevel": 2000,
                          "digitalVideoProtectionLevel": 250, "analogVideoProtectionLevel": 150,
                          "digitalAudioProtectionLevel": 300, "hdcpUseYn": true},
            "fairplay": {"useYn": false, "hdcpEnforcement": "0",
                         "allowAirPlay": false, "allowAvAdaptor": true}
        }
    })
}

fn id_of(value: &Value) -> i64 {
    value["content"]["policyId"].as_i64().unwrap()
}

#[tokio::test]
async fn policy_crud() {
    let api = Api::start().await;

    let list = api.ok("GET", "/api/v1/policy", None).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["content"][0]["policyId"], 0);
    assert_eq!(list["content"][0]["policyName"], "Basic");
    let basic = api.ok("GET", "/api/v1/policy/0", None).await;
    assert_eq!(
        basic["content"]["drmPolicyConfig"]["widevine"]["useYn"],
        true
    );

    let created = api
        .ok("POST", "/api/v1/policy", Some(policy_body("Movies_UHD")))
        .await;
    let id = id_of(&created);
    let content = &created["content"];
    assert_eq!(content["policyName"], "Movies_UHD");
    assert_eq!(content["rentalDuration"], 86400);
    let config = &content["drmPolicyConfig"];
    assert_eq!(config["widevine"]["hdcp"], "HDCP_V2_2");
    assert_eq!(config["playready"]["analogVideoProtectionLevel"], 150);
    assert_eq!(config["fairplay"]["hdcpEnforcement"], "0");
    assert!(content["policyCreatedTime"].is_i64());
    assert!(content["policyStatus"].is_string());

    let fetched = api.ok("GET", &format!("/api/v1/policy/{id}"), None).await;
    assert_eq!(fetched["content"], created["content"]);

    let mut update = policy_body("Movies_HD");
    update["drmPolicyConfig"]["widevine"]["securityLevel"] = json!(1);
    let updated = api
        .ok("PUT", &format!("/api/v1/policy/{id}"), Some(update))
        .await;
    assert_eq!(updated["content"]["policyName"], "Movies_HD");
    assert_eq!(
        updated["content"]["drmPolicyConfig"]["widevine"]["securityLevel"],
        1
    );

    let copy = api
        .ok("POST", &format!("/api/v1/policy/{id}/copy"), None)
        .await;
    let copy_id = id_of(&copy);
    assert_ne!(copy_id, id);
    assert_eq!(copy["content"]["policyName"], "Copy_Movies_HD");
    assert_eq!(
        copy["content"]["drmPolicyConfig"],
        updated["content"]["drmPolicyConfig"]
    );
    let list = api
        .ok("GET", "/api/v1/policy?pageNo=1&pageSize=20", None)
        .await;
    assert_eq!(list["total"], 3);

    let deleted = api
        .ok("DELETE", &format!("/api/v1/policy/{copy_id}"), None)
        .await;
    assert_eq!(deleted["content"]["policyId"], copy_id);
    api.service_error(
        "GET",
        &format!("/api/v1/policy/{copy_id}"),
        None,
        404,
        "289001",
    )
    .await;
    assert_eq!(api.sandbox.ncp().policy_count(), 2);

    let log = api
        .ok(
            "GET",
            &format!("/api/v1/policy/policyLog?policyId={id}&pageNo=1&pageSize=10"),
            None,
        )
        .await;
    assert_eq!(log["total"], 2, "created + updated");
    let entry = &log["content"][0];
    assert_eq!(entry["policyId"], id);
    assert!(entry["description"].is_string());
    assert!(entry["timestamp"].is_i64());
    let copy_log = api
        .ok(
            "GET",
            &format!("/api/v1/policy/policyLog?policyId={copy_id}"),
            None,
        )
        .await;
    assert_eq!(copy_log["total"], 2, "copied + deleted");
}

#[tokio::test]
async fn site_crud_and_license_history() {
    let api = Api::start().await;
    let policy = api
        .ok("POST", "/api/v1/policy", Some(policy_body("ForSites")))
        .await;
    let policy_id = id_of(&policy);

    let created = api
        .ok(
            "POST",
            "/api/v1/sites",
            Some(json!({"siteName": "web_player", "policyId": policy_id,
                        "fairPlayCert": {"certFile": "https://cdn.example.com/fp.der",
                                         "privateKey": "https://cdn.example.com/fp.pem",
                                         "privateEncryptedString": "pw", "secretKey": "ask"}})),
        )
        .await;
    let site = &created["content"];
    let site_id = site["siteId"].as_str().unwrap().to_owned();
    assert!(site_id.starts_with("drm-"), "{site_id}");
    assert_eq!(site["siteName"], "web_player");
    assert_eq!(site["policyName"], "ForSites");
    assert_eq!(site["siteEnabledYn"], false);
    assert_eq!(
        site["fairPlayCert"]["certFile"],
        "https://cdn.example.com/fp.der"
    );

    let second = api
        .ok("POST", "/api/v1/sites", Some(json!({"siteName": "tv-app"})))
        .await;
    assert_eq!(second["content"]["policyId"], 0);
    assert_eq!(second["content"]["policyName"], "Basic");

    let fetched = api
        .ok("GET", &format!("/api/v1/sites/{site_id}"), None)
        .await;
    assert_eq!(fetched["content"], created["content"]);
    let list = api
        .ok("GET", "/api/v1/sites?pageNo=1&pageSize=1", None)
        .await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["content"].as_array().unwrap().len(), 1);

    let updated = api
        .ok(
            "PUT",
            &format!("/api/v1/sites/{site_id}"),
            Some(json!({"siteName": "web_player2", "policyId": 0})),
        )
        .await;
    assert_eq!(updated["content"]["siteName"], "web_player2");
    assert_eq!(updated["content"]["policyName"], "Basic");

    let on = api
        .ok("PUT", &format!("/api/v1/sites/{site_id}/on"), None)
        .await;
    assert_eq!(on["content"]["siteEnabledYn"], true);
    assert_eq!(on["content"]["siteStatus"], "RUNNING");
    api.service_error(
        "PUT",
        &format!("/api/v1/sites/{site_id}/on"),
        None,
        409,
        "281006",
    )
    .await;
    let off = api
        .ok("PUT", &format!("/api/v1/sites/{site_id}/off"), None)
        .await;
    assert_eq!(off["content"]["siteEnabledYn"], false);
    api.service_error(
        "PUT",
        &format!("/api/v1/sites/{site_id}/off"),
        None,
        409,
        "281005",
    )
    .await;
    api.service_error("GET", "/api/v1/sites/drm-unknown", None, 404, "281003")
        .await;

    let log = api
        .ok(
            "GET",
            &format!("/api/v1/sites/siteLog?siteId={site_id}&pageNo=1&pageSize=100"),
            None,
        )
        .await;
    assert_eq!(log["total"], 4, "created, updated, on, off");
    assert_eq!(log["content"][0]["siteId"], site_id.as_str());
    let all_logs = api.ok("GET", "/api/v1/sites/siteLog", None).await;
    assert_eq!(all_logs["total"], 5);

    assert!(
        api.sandbox
            .ncp()
            .set_site_status(&site_id, SiteStatus::Creating)
    );
    let creating = api
        .ok("GET", &format!("/api/v1/sites/{site_id}"), None)
        .await;
    assert_eq!(creating["content"]["siteStatus"], "CREATING");

    let base = now_ms() - 60_000;
    let records = [
        (
            "alice@example.com",
            "Widevine",
            LicenseStatus::Success,
            base,
        ),
        ("bob", "PlayReady", LicenseStatus::Fail, base + 1_000),
        (
            "alice@example.com",
            "FairPlay",
            LicenseStatus::Success,
            base + 2_000,
        ),
    ];
    for (user, drm, status, time_ms) in records {
        api.sandbox.ncp().record_license(LicenseRecord {
            site_id: site_id.clone(),
            user_id: user.to_owned(),
            content_id: "movie-1".to_owned(),
            drm_type: drm.to_owned(),
            device_id: "device-1".to_owned(),
            device_model: "Pixel 8".to_owned(),
            status,
            time_ms,
        });
    }
    let all = api
        .ok(
            "GET",
            &format!("/api/v1/license/statistics?siteId={site_id}"),
            None,
        )
        .await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["content"][0]["drmType"], "FairPlay", "newest first");
    assert_eq!(all["content"][0]["licenseStatus"], "SUCCESS");

    let target = request_target(
        "/api/v1/license/statistics",
        &[
            ("siteId", &site_id),
            ("searchCondition", "userId"),
            ("searchKeyword", "alice@example.com"),
            ("status", "success"),
            ("pageNo", "1"),
            ("pageSize", "1"),
        ],
    );
    assert!(target.contains("alice%40example.com"), "{target}");
    let filtered = api.ok("GET", &target, None).await;
    assert_eq!(filtered["total"], 2);
    assert_eq!(filtered["content"].as_array().unwrap().len(), 1);

    let window = api
        .ok(
            "GET",
            &format!(
                "/api/v1/license/statistics?siteId={site_id}&startTime={}&endTime={}&status=fail",
                base,
                base + 1_500
            ),
            None,
        )
        .await;
    assert_eq!(window["total"], 1);
    assert_eq!(window["content"][0]["userId"], "bob");

    api.service_error("GET", "/api/v1/license/statistics", None, 400, "280003")
        .await;
    api.service_error(
        "GET",
        "/api/v1/license/statistics?siteId=drm-none",
        None,
        404,
        "281003",
    )
    .await;

    // The site moved to policy 0, so its former policy is free to go.
    api.ok("DELETE", &format!("/api/v1/policy/{policy_id}"), None)
        .await;
}

#[tokio::test]
async fn a_policy_in_use_cannot_be_deleted() {
    let api = Api::start().await;
    let policy = api
        .ok("POST", "/api/v1/policy", Some(policy_body("InUse")))
        .await;
    let id = id_of(&policy);
    api.ok(
        "POST",
        "/api/v1/sites",
        Some(json!({"siteName": "user", "policyId": id})),
    )
    .await;
    api.service_error(
        "DELETE",
        &format!("/api/v1/policy/{id}"),
        None,
        409,
        "289004",
    )
    .await;
}

#[tokio::test]
async fn pagination_across_pages() {
    let api = Api::start().await;
    for index in 0..25 {
        api.ok(
            "POST",
            "/api/v1/policy",
            Some(policy_body(&format!("Policy_{index:02}"))),
        )
        .await;
    }
    let mut seen = Vec::new();
    for (page, expected) in [(1, 10), (2, 10), (3, 6), (4, 0)] {
        let reply = api
            .ok(
                "GET",
                &format!("/api/v1/policy?pageNo={page}&pageSize=10"),
                None,
            )
            .await;
        assert_eq!(reply["total"], 26, "page {page}");
        let items = reply["content"].as_array().unwrap();
        assert_eq!(items.len(), expected, "page {page}");
        seen.extend(items.iter().map(|item| item["policyId"].as_i64().unwrap()));
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 26, "no policy twice, none missing");

    let default_page = api.ok("GET", "/api/v1/policy", None).await;
    assert_eq!(default_page["content"].as_array().unwrap().len(), 20);
    let max_page = api.ok("GET", "/api/v1/policy?pageSize=100", None).await;
    assert_eq!(max_page["content"].as_array().unwrap().len(), 26);

    for bad in ["pageSize=101", "pageSize=0", "pageNo=0", "pageNo=one"] {
        let error = api
            .service_error("GET", &format!("/api/v1/policy?{bad}"), None, 400, "280003")
            .await;
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.starts_with("page"), "{bad}: {message}");
    }
}

#[tokio::test]
async fn validation_errors() {
    let api = Api::start().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("short name", json!({"policyName": "ab"}), "policyName"),
        (
            "long name",
            json!({"policyName": "x".repeat(21)}),
            "policyName",
        ),
        (
            "bad char",
            json!({"policyName": "with space"}),
            "policyName",
        ),
        (
            "widevine level",
            json!({"drmPolicyConfig": {"widevine": {"useYn": true, "securityLevel": 6}}}),
            "drmPolicyConfig.widevine.securityLevel",
        ),
        (
            "playready level",
            json!({"drmPolicyConfig": {"playready": {"useYn": true, "securityLevel": 100}}}),
            "drmPolicyConfig.playready.securityLevel",
        ),
        (
            "fairplay enforcement as a number",
            json!({"drmPolicyConfig": {"fairplay": {"useYn": true, "hdcpEnforcement": -1}}}),
            "drmPolicyConfig.fairplay.hdcpEnforcement",
        ),
        (
            "negative duration",
            json!({"playbackDuration": -5}),
            "playbackDuration",
        ),
        (
            "rental without persistent",
            json!({"persistent": false}),
            "persistent",
        ),
    ];
    for (name, patch, field) in cases {
        let mut body = policy_body("Valid_Name");
        merge(&mut body, &patch);
        let error = api
            .service_error(
                "POST",
                "/api/v1/policy",
                Some(body.to_string()),
                400,
                "280003",
            )
            .await;
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{name}: {message}");
    }

    let mut legacy = policy_body("Legacy_Keys");
    let config = legacy["drmPolicyConfig"].as_object_mut().unwrap();
    let block = config.remove("widevine").unwrap();
    config.insert("wideVine".to_owned(), block);
    let error = api
        .service_error(
            "POST",
            "/api/v1/policy",
            Some(legacy.to_string()),
            400,
            "280003",
        )
        .await;
    assert_eq!(
        error["error"]["message"],
        "drmPolicyConfig.widevine: is required"
    );

    for malformed in ["{\"policyName\": ", "not json", "", "[]"] {
        api.service_error(
            "POST",
            "/api/v1/policy",
            Some(malformed.to_owned()),
            400,
            "280001",
        )
        .await;
    }

    api.ok("POST", "/api/v1/policy", Some(policy_body("Taken")))
        .await;
    api.service_error(
        "POST",
        "/api/v1/policy",
        Some(policy_body("Taken").to_string()),
        409,
        "289002",
    )
    .await;
    api.service_error(
        "PUT",
        "/api/v1/policy/0",
        Some(policy_body("Renamed").to_string()),
        400,
        "289003",
    )
    .await;
    api.service_error("DELETE", "/api/v1/policy/0", None, 400, "289003")
        .await;
    api.service_error(
        "PUT",
        "/api/v1/policy/404",
        Some(policy_body("Ghost").to_string()),
        404,
        "289001",
    )
    .await;
    api.service_error("GET", "/api/v1/policy/abc", None, 400, "280003")
        .await;
    api.service_error("GET", "/api/v1/policy/policyLog", None, 400, "280003")
        .await;
    api.service_error(
        "POST",
        "/api/v1/sites",
        Some(json!({"siteName": "no"}).to_string()),
        400,
        "280003",
    )
    .await;
    api.service_error(
        "POST",
        "/api/v1/sites",
        Some(json!({"siteName": "orphan", "policyId": 77}).to_string()),
        404,
        "289001",
    )
    .await;
    api.ok("POST", "/api/v1/sites", Some(json!({"siteName": "dup"})))
        .await;
    api.service_error(
        "POST",
        "/api/v1/sites",
        Some(json!({"siteName": "dup"}).to_string()),
        409,
        "289005",
    )
    .await;
    assert_eq!(
        api.sandbox.ncp().policy_count(),
        2,
        "nothing invalid stored"
    );
}

fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[tokio::test]
async fn oversized_body_is_refused_by_the_gateway() {
    let api = Api::start().await;
    let mut body = policy_body("Big_Body");
    body["padding"] = json!("x".repeat(70 * 1024));
    let reply = api
        .call_with(
            "POST",
            "/api/v1/policy",
            Some(body.to_string()),
            &api.signing(),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["errorCode"], "100");
    assert_eq!(api.sandbox.ncp().policy_count(), 1);
}

#[tokio::test]
async fn wrong_secret_is_authentication_failed() {
    let api = Api::start().await;
    let mut signing = api.signing();
    signing.secret_key = "not-the-secret".to_owned();
    let body = api
        .gateway_error("GET", "/api/v1/policy", &signing, 401, "200")
        .await;
    assert_eq!(body["error"]["message"], "Authentication Failed");
    assert!(!body.to_string().contains(api.sandbox.ncp_secret_key()));
}

#[tokio::test]
async fn unknown_access_key_is_authentication_failed() {
    let api = Api::start().await;
    let mut signing = api.signing();
    signing.access_key = "someone-else".to_owned();
    let body = api
        .gateway_error("GET", "/api/v1/policy", &signing, 401, "200")
        .await;
    assert_eq!(body["error"]["message"], "Authentication Failed");
}

#[tokio::test]
async fn the_signed_target_must_be_the_sent_one() {
    let api = Api::start().await;
    let mut signing = api.signing();
    signing.signed_target = Some("/api/v1/policy?pageNo=1&pageSize=20".to_owned());
    api.gateway_error(
        "GET",
        "/api/v1/policy?pageSize=20&pageNo=1",
        &signing,
        401,
        "200",
    )
    .await;
    signing.signed_target = Some("/api/v1/policy".to_owned());
    api.gateway_error("GET", "/api/v1/policy?pageNo=1", &signing, 401, "200")
        .await;
    signing.signed_target = Some("/api/v1/policy/?".to_owned());
    api.gateway_error("GET", "/api/v1/policy", &signing, 401, "200")
        .await;
}

#[tokio::test]
async fn skewed_timestamps_are_rejected() {
    let api = Api::start().await;
    for offset_ms in [-6 * 60_000, 6 * 60_000, -3_600_000] {
        let mut signing = api.signing();
        signing.timestamp_ms += offset_ms;
        let body = api
            .gateway_error("GET", "/api/v1/policy", &signing, 401, "200")
            .await;
        assert_eq!(body["error"]["message"], "Authentication Failed");
        let details = body["error"]["details"].as_str().unwrap();
        assert!(details.contains("timestamp"), "{details}");
    }
    let mut seconds = api.signing();
    seconds.timestamp_ms /= 1000;
    api.gateway_error("GET", "/api/v1/policy", &seconds, 401, "200")
        .await;
    let mut slightly_off = api.signing();
    slightly_off.timestamp_ms -= 4 * 60_000;
    let reply = api
        .call_with("GET", "/api/v1/policy", None, &slightly_off)
        .await;
    assert_eq!(reply.status, 200, "4 minutes is within the window");
}

#[tokio::test]
async fn the_emulator_clock_can_be_offset() {
    let api = Api::start_with(NcpSettings {
        clock_offset_ms: 10 * 60_000,
        ..NcpSettings::default()
    })
    .await;
    api.gateway_error("GET", "/api/v1/policy", &api.signing(), 401, "200")
        .await;
    let mut matching = api.signing();
    matching.timestamp_ms = api.sandbox.ncp().now_ms();
    let reply = api
        .call_with("GET", "/api/v1/policy", None, &matching)
        .await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn missing_headers() {
    let api = Api::start().await;
    for header in [
        "x-ncp-apigw-timestamp",
        "x-ncp-iam-access-key",
        "x-ncp-apigw-signature-v2",
    ] {
        let mut signing = api.signing();
        signing.omit.push(header);
        let body = api
            .gateway_error("GET", "/api/v1/policy", &signing, 401, "200")
            .await;
        assert!(
            body["error"]["details"].as_str().unwrap().contains(header),
            "{body}"
        );
    }
    for header in ["x-ncp-region_code", "Content-Type"] {
        let mut signing = api.signing();
        signing.omit.push(header);
        let body = api
            .gateway_error("GET", "/api/v1/policy", &signing, 400, "100")
            .await;
        assert_eq!(body["error"]["message"], "Bad Request Exception");
    }
}

#[tokio::test]
async fn relaxed_headers_when_not_strict() {
    let api = Api::start_with(NcpSettings {
        strict_headers: false,
        ..NcpSettings::default()
    })
    .await;
    let mut signing = api.signing();
    signing.omit.extend(["x-ncp-region_code", "Content-Type"]);
    let reply = api.call_with("GET", "/api/v1/policy", None, &signing).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn unknown_paths_are_gateway_not_found() {
    let api = Api::start().await;
    for (method, target) in [
        ("GET", "/api/v1/unknown"),
        ("PUT", "/api/v1/1"),
        ("PATCH", "/api/v1/policy/0"),
    ] {
        let body = api
            .gateway_error(method, target, &api.signing(), 404, "300")
            .await;
        assert_eq!(body["error"]["message"], "Not Found Exception");
    }
}

#[tokio::test]
async fn fault_switch_then_retry_with_a_fresh_signature() {
    let api = Api::start().await;
    api.sandbox.ncp().faults().fail_next(1);
    let first_signing = api.signing();
    let first = api
        .call_with("GET", "/api/v1/policy?pageNo=1", None, &first_signing)
        .await;
    assert_eq!(first.status, 503);
    assert!(
        serde_json::from_str::<Value>(&first.text).is_err(),
        "non-JSON 5xx"
    );
    assert!(first.content_type.starts_with("text/html"));

    let mut retry_signing = api.signing();
    retry_signing.timestamp_ms = retry_signing
        .timestamp_ms
        .max(first_signing.timestamp_ms + 1);
    let retry = api
        .call_with("GET", "/api/v1/policy?pageNo=1", None, &retry_signing)
        .await;
    assert_eq!(retry.status, 200);

    let log = api.sandbox.ncp().requests();
    assert_eq!(log.len(), 2);
    assert!(log[0].faulted && !log[1].faulted);
    assert_eq!((log[0].status, log[1].status), (503, 200));
    assert_eq!(log[0].target, "/api/v1/policy?pageNo=1");
    assert_eq!(log[0].target, log[1].target);
    assert_ne!(log[0].timestamp, log[1].timestamp);
    assert_ne!(log[0].signature, log[1].signature);
    assert_eq!(
        log[1].timestamp.as_deref(),
        Some(retry_signing.timestamp_ms.to_string().as_str())
    );
    assert_eq!(log[1].method, "GET");
    assert_eq!(log[1].region_code.as_deref(), Some("KR"));

    api.sandbox
        .ncp()
        .faults()
        .fail_next_with(2, FaultResponse::quota_exceeded());
    for _ in 0..2 {
        let reply = api
            .call_with("GET", "/api/v1/policy", None, &api.signing())
            .await;
        assert_eq!(reply.status, 429);
        assert_eq!(reply.json()["error"]["errorCode"], "400");
    }
    assert_eq!(api.sandbox.ncp().faults().pending_failures(), 0);
    api.ok("GET", "/api/v1/policy", None).await;

    api.sandbox
        .ncp()
        .faults()
        .fail_next_with(1, FaultResponse::internal_error());
    let reply = api
        .call_with(
            "POST",
            "/api/v1/policy",
            Some(policy_body("NotStored").to_string()),
            &api.signing(),
        )
        .await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.json()["error"]["code"], "280000");
    assert_eq!(
        api.sandbox.ncp().policy_count(),
        1,
        "a faulted call changes nothing"
    );

    api.sandbox.ncp().clear_requests();
    assert!(api.sandbox.ncp().requests().is_empty());
}

#[tokio::test]
async fn delayed_responses_hit_a_client_timeout() {
    let api = Api::start().await;
    api.sandbox
        .ncp()
        .faults()
        .delay_next(1, Duration::from_secs(20));
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(1500))
        .build()
        .unwrap();
    let error = api
        .send(&impatient, "GET", "/api/v1/policy", None, &api.signing())
        .await
        .err()
        .expect("the client gives up before the delayed answer");
    assert!(error.is_timeout(), "{error}");

    let reply = api
        .send(&impatient, "GET", "/api/v1/policy", None, &api.signing())
        .await
        .expect("the one-shot delay is used up");
    assert_eq!(reply.status, 200);

    api.sandbox
        .ncp()
        .faults()
        .set_delay(Duration::from_secs(20));
    let error = api
        .send(&impatient, "GET", "/api/v1/policy", None, &api.signing())
        .await
        .err()
        .expect("standing delay");
    assert!(error.is_timeout(), "{error}");
    api.sandbox.ncp().faults().clear_delay();
    let reply = api
        .send(&impatient, "GET", "/api/v1/policy", None, &api.signing())
        .await
        .expect("delay cleared");
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn legacy_field_names_on_request() {
    let api = Api::start_with(NcpSettings {
        response_drift: ResponseDrift::LEGACY,
        ..NcpSettings::default()
    })
    .await;
    let created = api
        .ok("POST", "/api/v1/policy", Some(policy_body("Drifted")))
        .await;
    let content = &created["content"];
    let config = &content["drmPolicyConfig"][0];
    assert_eq!(config["wideVine"]["securityLevel"], "3");
    assert_eq!(config["playReady"]["securityLevel"], "2000");
    assert_eq!(config["fairPlay"]["hdcpEnforcement"], "0");
    assert!(config.get("widevine").is_none());
    assert_eq!(content["rentalDuration"], "86400");

    api.sandbox.ncp().set_response_drift(ResponseDrift {
        legacy_drm_keys: true,
        ..ResponseDrift::CURRENT
    });
    let basic = api.ok("GET", "/api/v1/policy/0", None).await;
    let config = &basic["content"]["drmPolicyConfig"];
    assert!(config.is_object());
    assert_eq!(config["playReady"]["securityLevel"], 150);

    api.sandbox.ncp().set_response_drift(ResponseDrift::CURRENT);
    let basic = api.ok("GET", "/api/v1/policy/0", None).await;
    assert_eq!(
        basic["content"]["drmPolicyConfig"]["playready"]["securityLevel"],
        150
    );
}

#[tokio::test]
async fn reset_empties_the_account() {
    let api = Api::start().await;
    api.ok("POST", "/api/v1/policy", Some(policy_body("Temp")))
        .await;
    api.ok("POST", "/api/v1/sites", Some(json!({"siteName": "temp"})))
        .await;
    assert_eq!(
        (
            api.sandbox.ncp().policy_count(),
            api.sandbox.ncp().site_count()
        ),
        (2, 1)
    );
    api.sandbox.ncp().reset();
    assert_eq!(
        (
            api.sandbox.ncp().policy_count(),
            api.sandbox.ncp().site_count()
        ),
        (1, 0)
    );
}

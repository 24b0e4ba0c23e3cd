//! The license-server emulator over real loopback HTTP: every error code from the condition
//! that causes it, every DRM's request shape, every FairPlay body shape, the `json` response,
//! the certificate endpoints, ClearKey against the KMS emulator's keys, the official token
//! vectors. Valid tokens are minted with `drm-token` (a dev-dependency: the emulator's check is
//! its own code); invalid ones are hand-crafted here with `sha2` and `base64`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use drm_policy::{PlaybackPolicy, RenewalDuration};
use drm_token::{
    DrmType, JsonStyle, Policy, ResponseFormat, SiteCredentials, SiteKey, Timestamp, TokenRequest,
};
use multidrm_sandbox::license::{
    DEFAULT_ACCESS_KEY, DEFAULT_SITE_ID, DEFAULT_SITE_KEY, LICENSE_PATH, LicenseErrorCode,
    LicenseSettings, LicenseSite, format_timestamp,
};
use multidrm_sandbox::{Sandbox, SandboxOptions};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The frozen "now" of the emulator in most tests.
const NOW: i64 = 1_750_000_000;
const USER: &str = "user-1";
const CID: &str = "movie-1";

fn data(name: &str) -> Value {
    let path = format!("{}/tests/data/license/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn code(&self) -> Option<String> {
        let value: Value = serde_json::from_slice(&self.body).ok()?;
        value.get("errorCode").map(|c| match c {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("text body")
    }

    fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// A license-server error: HTTP 200, JSON body, the code and the table's message.
    fn assert_error(&self, code: LicenseErrorCode) {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        assert!(self.content_type().starts_with("application/json"));
        let body = self.json();
        assert_eq!(
            body,
            json!({"errorCode": code.code().to_string(), "message": code.message()}),
        );
    }

    fn assert_ok(&self) {
        assert_eq!(self.status, 200);
        assert!(!self.body.is_empty());
        assert_eq!(self.code(), None, "{}", String::from_utf8_lossy(&self.body));
    }
}

struct Env {
    sb: Sandbox,
    http: reqwest::Client,
}

impl Env {
    async fn start() -> Self {
        Self::with(LicenseSettings::default()).await
    }

    async fn with(license: LicenseSettings) -> Self {
        let sb = Sandbox::start(SandboxOptions {
            license,
            ..SandboxOptions::default()
        })
        .await
        .unwrap();
        sb.license().clock().set_fixed(NOW);
        Self {
            sb,
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap(),
        }
    }

    fn url(&self, target: &str) -> String {
        let origin = self.sb.license_url().replace(LICENSE_PATH, "");
        format!("{origin}{target}")
    }

    async fn send(
        &self,
        method: reqwest::Method,
        target: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let mut request = self.http.request(method, self.url(target)).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    async fn post(
        &self,
        target: &str,
        headers: &[(&str, &str)],
        body: impl Into<Vec<u8>>,
    ) -> Reply {
        self.send(reqwest::Method::POST, target, headers, body.into())
            .await
    }

    async fn get(&self, target: &str) -> Reply {
        self.send(reqwest::Method::GET, target, &[], Vec::new())
            .await
    }

    /// A license request with the token in the header.
    async fn license(&self, token: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.post(LICENSE_PATH, &[("pallycon-customdata-v2", token)], body)
            .await
    }
}

fn creds() -> SiteCredentials {
    SiteCredentials::from_strs(DEFAULT_SITE_ID, DEFAULT_SITE_KEY, DEFAULT_ACCESS_KEY).unwrap()
}

fn mint_with(
    creds: &SiteCredentials,
    drm: DrmType,
    age_secs: i64,
    format: ResponseFormat,
    policy: &Policy,
) -> String {
    TokenRequest::new(drm, USER, CID)
        .response_format(format)
        .mint_with_policy(
            creds,
            policy,
            JsonStyle::Compact,
            Timestamp::from_unix(NOW - age_secs).unwrap(),
        )
        .unwrap()
}

/// A fresh token for the test site.
fn mint(drm: DrmType) -> String {
    mint_with(&creds(), drm, 0, ResponseFormat::Original, &Policy::new())
}

/// A hand-made token: every field given, hash computed here over `hash_drm_type`.
struct Craft {
    drm_type: String,
    hash_drm_type: String,
    site_id: String,
    access_key: String,
    policy: String,
    timestamp: String,
    extra: Vec<(&'static str, Value)>,
}

impl Craft {
    fn new(drm_type: &str) -> Self {
        let policy = drm_token::envelope::encrypt_policy(
            br#"{"policy_version":2}"#,
            &SiteKey::new(DEFAULT_SITE_KEY).unwrap(),
        );
        Self {
            drm_type: drm_type.to_owned(),
            hash_drm_type: drm_type.to_owned(),
            site_id: DEFAULT_SITE_ID.to_owned(),
            access_key: DEFAULT_ACCESS_KEY.to_owned(),
            policy,
            timestamp: format_timestamp(NOW),
            extra: Vec::new(),
        }
    }

    fn json(&self) -> Value {
        let mut sha = Sha256::new();
        for part in [
            &self.access_key,
            &self.hash_drm_type,
            &self.site_id,
            &USER.to_owned(),
            &CID.to_owned(),
            &self.policy,
            &self.timestamp,
        ] {
            sha.update(part.as_bytes());
        }
        let mut token = json!({
            "drm_type": self.drm_type,
            "site_id": self.site_id,
            "user_id": USER,
            "cid": CID,
            "policy": self.policy,
            "timestamp": self.timestamp,
            "hash": STANDARD.encode(sha.finalize()),
        });
        for (name, value) in &self.extra {
            token[*name] = value.clone();
        }
        token
    }

    fn token(&self) -> String {
        STANDARD.encode(self.json().to_string())
    }
}

const SOAP: &str = r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><AcquireLicense xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols"><challenge><Challenge><LA><Version>1</Version><ContentHeader><WRMHEADER/></ContentHeader>CUSTOM</LA></Challenge></challenge></AcquireLicense></soap:Body></soap:Envelope>"#;

fn soap(custom_data: Option<&str>) -> String {
    let element = custom_data.map_or_else(String::new, |t| format!("<CustomData>{t}</CustomData>"));
    SOAP.replace("CUSTOM", &element)
}

const WIDEVINE_CHALLENGE: &[u8] = &[0x08, 0x01, 0x12, 0x10, 0xaa, 0xbb, 0xcc, 0xdd];

// ---------------------------------------------------------------------------------------------
// Error codes, each from its condition, in the order of the checks.

#[tokio::test]
async fn error_9999_unknown_mode() {
    let env = Env::start().await;
    env.get("/ri/licenseManager.do?mode=nonsense")
        .await
        .assert_error(LicenseErrorCode::UnsupportedMode);
}

#[tokio::test]
async fn error_7010_no_token() {
    let env = Env::start().await;
    env.post(LICENSE_PATH, &[], WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::TokenNotFound);
    env.post(
        LICENSE_PATH,
        &[("pallycon-customdata-v2", "  ")],
        WIDEVINE_CHALLENGE,
    )
    .await
    .assert_error(LicenseErrorCode::TokenNotFound);
}

#[tokio::test]
async fn error_7206_playready_challenge_without_custom_data() {
    let env = Env::start().await;
    env.post(LICENSE_PATH, &[], soap(None))
        .await
        .assert_error(LicenseErrorCode::NoPlayReadyCustomData);
}

#[tokio::test]
async fn error_7009_token_not_base64() {
    let env = Env::start().await;
    env.license("this is * not base64!", WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::TokenParse);
}

#[tokio::test]
async fn error_7013_token_not_json_or_wrong_shape() {
    let env = Env::start().await;
    let not_json = STANDARD.encode("drm_type=Widevine");
    env.license(&not_json, WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidJson);
    let array = STANDARD.encode("[1,2]");
    env.license(&array, WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidJson);
    let mut without_hash = Craft::new("Widevine").json();
    without_hash.as_object_mut().unwrap().remove("hash");
    env.license(
        &STANDARD.encode(without_hash.to_string()),
        WIDEVINE_CHALLENGE,
    )
    .await
    .assert_error(LicenseErrorCode::InvalidJson);
    let mut bad = Craft::new("Widevine");
    bad.extra.push(("response_format", json!("xml")));
    env.license(&bad.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidJson);
    let mut bad = Craft::new("Widevine");
    bad.extra.push(("key_rotation", json!("yes")));
    env.license(&bad.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidJson);
    let mut bad = Craft::new("Widevine");
    bad.timestamp = "2025-06-01 12:00:00".to_owned();
    env.license(&bad.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidJson);
}

#[tokio::test]
async fn error_7007_legacy_custom_data_unparseable() {
    let env = Env::start().await;
    for legacy in [
        json!({"drm_type": "Widevine", "site_id": DEFAULT_SITE_ID, "data": "%%% not base64"}),
        json!({"drm_type": "Widevine", "data": "AAAA"}),
        json!({"drm_type": "Widevine", "site_id": DEFAULT_SITE_ID, "data": 12}),
    ] {
        env.license(&STANDARD.encode(legacy.to_string()), WIDEVINE_CHALLENGE)
            .await
            .assert_error(LicenseErrorCode::CustomDataParse);
    }
}

#[tokio::test]
async fn error_7008_legacy_custom_data_undecryptable() {
    // The documented custom data v2 (site DEMO, whose key is not public): with a DEMO site
    // configured under another key it cannot decrypt.
    let env = Env::start().await;
    env.sb.license().put_site(LicenseSite::new(
        "DEMO",
        "another-site-key-of-32-characters"[..32].as_ref(),
        "x",
    ));
    let vector = data("legacy_customdata.json");
    let value = vector["customdata_v2"]["header_value_unwrapped"]
        .as_str()
        .unwrap();
    env.license(value, WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::CustomDataDecrypt);
}

#[tokio::test]
async fn error_8701_legacy_custom_data_needs_a_callback_page() {
    let env = Env::start().await;
    let data = drm_token::envelope::encrypt_policy(
        br#"{"user_id":"test","cid":"test cid"}"#,
        &SiteKey::new(DEFAULT_SITE_KEY).unwrap(),
    );
    let legacy = json!({"drm_type": "Widevine", "site_id": DEFAULT_SITE_ID, "data": data});
    env.license(&STANDARD.encode(legacy.to_string()), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::CallbackUnreachable);
}

#[tokio::test]
async fn error_1003_unknown_site() {
    let env = Env::start().await;
    let other = SiteCredentials::from_strs("NOPE", DEFAULT_SITE_KEY, DEFAULT_ACCESS_KEY).unwrap();
    let token = mint_with(
        &other,
        DrmType::Widevine,
        0,
        ResponseFormat::Original,
        &Policy::new(),
    );
    env.license(&token, WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::SiteNotFound);
}

#[tokio::test]
async fn error_1004_stopped_site() {
    let env = Env::start().await;
    assert!(env.sb.license().set_site_stopped(DEFAULT_SITE_ID, true));
    env.license(&mint(DrmType::Widevine), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::SiteStopped);
    assert!(env.sb.license().set_site_stopped(DEFAULT_SITE_ID, false));
    env.license(&mint(DrmType::Widevine), WIDEVINE_CHALLENGE)
        .await
        .assert_ok();
}

#[tokio::test]
async fn error_7018_unknown_drm_type() {
    let env = Env::start().await;
    env.license(&Craft::new("ClearKey").token(), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidDrmType);
}

#[tokio::test]
async fn error_7019_wrong_access_key() {
    let env = Env::start().await;
    let wrong = SiteCredentials::from_strs(DEFAULT_SITE_ID, DEFAULT_SITE_KEY, "a-wrong-access-key")
        .unwrap();
    let token = mint_with(
        &wrong,
        DrmType::Widevine,
        0,
        ResponseFormat::Original,
        &Policy::new(),
    );
    env.license(&token, WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::HashMismatch);
    let mut tampered = Craft::new("Widevine").json();
    tampered["cid"] = json!("another-movie");
    env.license(&STANDARD.encode(tampered.to_string()), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::HashMismatch);
}

#[tokio::test]
async fn lower_case_drm_type_is_accepted_with_either_hash() {
    let env = Env::start().await;
    let literal = Craft::new("widevine");
    env.license(&literal.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_ok();
    let mut canonical = Craft::new("widevine");
    canonical.hash_drm_type = "Widevine".to_owned();
    env.license(&canonical.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_ok();
    let mut other_case = Craft::new("WIDEVINE");
    other_case.hash_drm_type = "widevine".to_owned();
    env.license(&other_case.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::HashMismatch);
}

#[tokio::test]
async fn error_7011_expired_token() {
    let env = Env::start().await;
    let at = |age| {
        mint_with(
            &creds(),
            DrmType::Widevine,
            age,
            ResponseFormat::Original,
            &Policy::new(),
        )
    };
    env.license(&at(600), WIDEVINE_CHALLENGE).await.assert_ok();
    env.license(&at(601), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::TokenExpired);
    env.license(&at(10 * 60 + 1), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::TokenExpired);
    // Per-site token duration.
    assert!(env.sb.license().set_token_duration(DEFAULT_SITE_ID, 3_600));
    env.license(&at(601), WIDEVINE_CHALLENGE).await.assert_ok();
}

#[tokio::test]
async fn error_7011_token_from_the_future() {
    let env = Env::start().await;
    let at = |age| {
        mint_with(
            &creds(),
            DrmType::Widevine,
            age,
            ResponseFormat::Original,
            &Policy::new(),
        )
    };
    env.license(&at(0), WIDEVINE_CHALLENGE).await.assert_ok();
    env.license(&at(-1), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::TokenExpired);
}

#[tokio::test]
async fn clock_skew_allowance_widens_both_ends() {
    let env = Env::with(LicenseSettings {
        clock_skew_secs: 30,
        ..LicenseSettings::default()
    })
    .await;
    let at = |age| {
        mint_with(
            &creds(),
            DrmType::Widevine,
            age,
            ResponseFormat::Original,
            &Policy::new(),
        )
    };
    env.license(&at(-30), WIDEVINE_CHALLENGE).await.assert_ok();
    env.license(&at(630), WIDEVINE_CHALLENGE).await.assert_ok();
    env.license(&at(-31), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::TokenExpired);
    env.license(&at(631), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::TokenExpired);
}

#[tokio::test]
async fn error_7016_policy_under_another_site_key() {
    let env = Env::start().await;
    let wrong_key = SiteCredentials::from_strs(
        DEFAULT_SITE_ID,
        "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
        DEFAULT_ACCESS_KEY,
    )
    .unwrap();
    let token = mint_with(
        &wrong_key,
        DrmType::Widevine,
        0,
        ResponseFormat::Original,
        &Policy::new(),
    );
    env.license(&token, WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidToken);
    let mut not_b64 = Craft::new("Widevine");
    not_b64.policy = "***".to_owned();
    env.license(&not_b64.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidToken);
}

#[tokio::test]
async fn error_7013_policy_not_json() {
    let env = Env::start().await;
    let mut craft = Craft::new("Widevine");
    craft.policy = drm_token::envelope::encrypt_policy(
        b"policy_version=2",
        &SiteKey::new(DEFAULT_SITE_KEY).unwrap(),
    );
    env.license(&craft.token(), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::InvalidJson);
}

#[tokio::test]
async fn error_7021_ncg_request_with_another_drms_token() {
    let env = Env::start().await;
    let form = "mode=license&encryptedKey=AAAA&encryptedData=BBBB&signature=CCCC";
    env.license(&mint(DrmType::Widevine), form)
        .await
        .assert_error(LicenseErrorCode::NotNcg);
    env.license(&mint(DrmType::Ncg), form).await.assert_ok();
}

#[tokio::test]
async fn error_7107_empty_widevine_challenge() {
    let env = Env::start().await;
    env.license(&mint(DrmType::Widevine), Vec::new())
        .await
        .assert_error(LicenseErrorCode::WidevineChallenge);
    // A PlayReady challenge under a Widevine token is no Widevine challenge either.
    env.license(&mint(DrmType::Widevine), soap(None))
        .await
        .assert_error(LicenseErrorCode::WidevineChallenge);
}

#[tokio::test]
async fn error_7204_7205_playready_challenge_empty_or_not_xml() {
    let env = Env::start().await;
    env.license(&mint(DrmType::PlayReady), Vec::new())
        .await
        .assert_error(LicenseErrorCode::PlayReadyRead);
    env.license(&mint(DrmType::PlayReady), WIDEVINE_CHALLENGE)
        .await
        .assert_error(LicenseErrorCode::PlayReadyParse);
}

#[tokio::test]
async fn error_7305_7317_fairplay_spc_missing_or_invalid() {
    let env = Env::start().await;
    let token = mint(DrmType::FairPlay);
    for body in ["", "spc=", "spc=&demo-bbb-simple"] {
        env.license(&token, body)
            .await
            .assert_error(LicenseErrorCode::SpcMissing);
    }
    env.license(&token, "spc=%21%21%21")
        .await
        .assert_error(LicenseErrorCode::SpcInvalid);
}

#[tokio::test]
async fn error_7012_fairplay_asset_id_is_not_the_tokens_cid() {
    let env = Env::with(LicenseSettings {
        fairplay_asset_id_must_match_cid: true,
        ..LicenseSettings::default()
    })
    .await;
    let token = mint(DrmType::FairPlay);
    let spc = "spc=8PHy8%2FT19vf4%2Bfr7%2FP3%2B%2F%2Fv%2F%2B%2F%2F7%2F%2Fv%2FAQ%3D%3D";
    env.license(&token, format!("{spc}&demo-bbb-simple"))
        .await
        .assert_error(LicenseErrorCode::CidMismatch);
    env.license(&token, format!("{spc}&{CID}"))
        .await
        .assert_ok();
}

fn delimited(field: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![field << 3 | 2];
    let mut len = value.len();
    while len >= 0x80 {
        out.push(u8::try_from(len & 0x7f).unwrap() | 0x80);
        len >>= 7;
    }
    out.push(u8::try_from(len).unwrap());
    out.extend_from_slice(value);
    out
}

/// A Widevine license request carrying a PSSH box: `SignedMessage{type: 1, msg:
/// LicenseRequest{content_id: {widevine_pssh_data: {pssh_data: [box]}}}}`.
fn widevine_challenge_with(pssh: &[u8]) -> Vec<u8> {
    let mut signed = vec![0x08, 0x01];
    signed.extend(delimited(
        2,
        &delimited(1, &delimited(1, &delimited(1, pssh))),
    ));
    signed
}

#[tokio::test]
async fn error_7012_widevine_pssh_names_another_title() {
    let env = Env::start().await;
    // The PSSH the KMS emulator wrote for "other-title".
    let cpix = CPIX_TWO_KEYS.replace("CID", "other-title");
    let xml = env
        .http
        .post(format!("{}{}", env.sb.kms_url(), env.sb.kms_token()))
        .body(cpix)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = xml.find("<cpix:PSSH>").expect("a Widevine PSSH") + "<cpix:PSSH>".len();
    let end = start + xml[start..].find("</cpix:PSSH>").unwrap();
    let pssh = STANDARD.decode(&xml[start..end]).unwrap();
    let challenge = widevine_challenge_with(&pssh);
    env.license(&mint(DrmType::Widevine), challenge.clone())
        .await
        .assert_error(LicenseErrorCode::CidMismatch);
    let right = TokenRequest::new(DrmType::Widevine, USER, "other-title")
        .mint_with_policy(
            &creds(),
            &Policy::new(),
            JsonStyle::Compact,
            Timestamp::from_unix(NOW).unwrap(),
        )
        .unwrap();
    env.license(&right, challenge).await.assert_ok();
}

#[tokio::test]
async fn error_9001_missing_parameters() {
    let env = Env::start().await;
    env.license(&mint(DrmType::Ncg), Vec::new())
        .await
        .assert_error(LicenseErrorCode::MissingParameter);
    env.license(&mint(DrmType::WisePlay), Vec::new())
        .await
        .assert_error(LicenseErrorCode::MissingParameter);
    for target in [
        "/ri/fpsKeyManager.do",
        "/ri/fpsCert.do",
        "/ri/widevineCert.do",
        "/ri/clearkey/licenseManager.do?siteId=TEST",
        "/ri/clearkey/licenseManager.do?cid=x",
    ] {
        env.get(target)
            .await
            .assert_error(LicenseErrorCode::MissingParameter);
    }
}

#[tokio::test]
async fn cert_endpoints_check_the_site() {
    let env = Env::start().await;
    for path in [
        "/ri/fpsKeyManager.do",
        "/ri/fpsCert.do",
        "/ri/widevineCert.do",
    ] {
        env.get(&format!("{path}?siteId=NOPE"))
            .await
            .assert_error(LicenseErrorCode::SiteNotFound);
    }
    env.sb.license().set_site_stopped(DEFAULT_SITE_ID, true);
    env.get("/ri/fpsCert.do?siteId=TEST")
        .await
        .assert_error(LicenseErrorCode::SiteStopped);
}

#[tokio::test]
async fn numeric_error_codes_switch() {
    let env = Env::with(LicenseSettings {
        numeric_error_codes: true,
        ..LicenseSettings::default()
    })
    .await;
    let reply = env.post(LICENSE_PATH, &[], WIDEVINE_CHALLENGE).await;
    assert_eq!(
        reply.json(),
        json!({"errorCode": 7010, "message": "Cannot find token data."})
    );
}

#[test]
fn every_message_is_the_published_one() {
    let table = data("error_codes.json");
    for code in LicenseErrorCode::ALL {
        let row = table["codes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["code"].as_str() == Some(code.code().to_string().as_str()))
            .unwrap_or_else(|| panic!("{code:?} not in the table"));
        assert_eq!(row["message_en"], code.message(), "{code:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Where the token is found.

#[tokio::test]
async fn token_in_the_url_unencoded_percent_encoded_or_with_spaces() {
    let env = Env::start().await;
    // A '~' at a byte offset 2 mod 3 of the JSON becomes a '+' in base64, '?' a '/': three in
    // a row guarantee both, so the three spellings below really differ.
    let token = TokenRequest::new(DrmType::Widevine, "viewer~~~???", CID)
        .mint_with_policy(
            &creds(),
            &Policy::new(),
            JsonStyle::Compact,
            Timestamp::from_unix(NOW).unwrap(),
        )
        .unwrap();
    assert!(token.contains('+') && token.contains('/'), "{token}");
    let encoded: String = url_encode(&token);
    for query in [token.clone(), encoded, token.replace('+', "%20")] {
        env.post(
            &format!("{LICENSE_PATH}?pallycon-customdata-v2={query}"),
            &[],
            WIDEVINE_CHALLENGE,
        )
        .await
        .assert_ok();
    }
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn header_comes_before_url_and_custom_data() {
    let env = Env::start().await;
    let good = mint(DrmType::PlayReady);
    env.post(
        &format!("{LICENSE_PATH}?pallycon-customdata-v2=garbage"),
        &[("pallycon-customdata-v2", &good)],
        soap(Some("garbage")),
    )
    .await
    .assert_ok();
    env.post(
        &format!(
            "{LICENSE_PATH}?pallycon-customdata-v2={}",
            url_encode(&good)
        ),
        &[],
        soap(Some("garbage")),
    )
    .await
    .assert_ok();
}

#[tokio::test]
async fn playready_token_in_soap_custom_data() {
    let env = Env::start().await;
    let reply = env
        .post(LICENSE_PATH, &[], soap(Some(&mint(DrmType::PlayReady))))
        .await;
    reply.assert_ok();
    assert!(reply.text().contains("AcquireLicenseResponse"));
}

#[tokio::test]
async fn doverunner_header_only_behind_the_switch() {
    let token = mint(DrmType::Widevine);
    let env = Env::start().await;
    env.post(
        LICENSE_PATH,
        &[("doverunner-customdata-v2", &token)],
        WIDEVINE_CHALLENGE,
    )
    .await
    .assert_error(LicenseErrorCode::TokenNotFound);
    let env = Env::with(LicenseSettings {
        accept_doverunner_header: true,
        ..LicenseSettings::default()
    })
    .await;
    env.post(
        LICENSE_PATH,
        &[("doverunner-customdata-v2", &token)],
        WIDEVINE_CHALLENGE,
    )
    .await
    .assert_ok();
}

// ---------------------------------------------------------------------------------------------
// Each DRM's request shape.

#[tokio::test]
async fn widevine_license_is_binary_and_deterministic() {
    let env = Env::start().await;
    let token = mint(DrmType::Widevine);
    let first = env.license(&token, WIDEVINE_CHALLENGE).await;
    first.assert_ok();
    assert_eq!(first.content_type(), "application/octet-stream");
    assert_eq!(&first.body[..4], &[0x08, 0x02, 0x12, 0x20]);
    assert_eq!(
        first.body,
        env.license(&token, WIDEVINE_CHALLENGE).await.body
    );
    assert_ne!(first.body, env.license(&token, &b"other"[..]).await.body);
}

#[tokio::test]
async fn widevine_service_certificate_request() {
    let env = Env::start().await;
    let vector = data("widevine.json");
    let expected = STANDARD
        .decode(
            vector["docs_service_certificate"]["base64"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    let request = hex::decode(
        vector["service_certificate_request"]["hex"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let reply = env.license(&mint(DrmType::Widevine), request.clone()).await;
    reply.assert_ok();
    assert_eq!(reply.body, expected);
    // Like any license request it needs a token, unless told otherwise.
    env.post(LICENSE_PATH, &[], request.clone())
        .await
        .assert_error(LicenseErrorCode::TokenNotFound);
    let lenient = Env::with(LicenseSettings {
        service_certificate_needs_token: false,
        ..LicenseSettings::default()
    })
    .await;
    assert_eq!(
        lenient.post(LICENSE_PATH, &[], request).await.body,
        expected
    );
}

#[tokio::test]
async fn playready_license_is_soap_xml() {
    let env = Env::start().await;
    let reply = env.license(&mint(DrmType::PlayReady), soap(None)).await;
    reply.assert_ok();
    assert!(reply.content_type().starts_with("text/xml"));
    let text = reply.text();
    assert!(text.starts_with("<?xml"));
    assert!(text.contains("<License>"), "{text}");
}

#[tokio::test]
async fn every_fairplay_body_shape_gets_a_base64_ckc() {
    let env = Env::start().await;
    let token = mint(DrmType::FairPlay);
    let vector = data("fairplay_bodies.json");
    let spc = hex::decode(vector["fake_spc_hex"].as_str().unwrap()).unwrap();
    let mut ckcs = Vec::new();
    for variant in vector["variants"].as_array().unwrap() {
        let name = variant["name"].as_str().unwrap();
        let body = match (variant["body"].as_str(), variant["body_hex"].as_str()) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(hex_text)) => hex::decode(hex_text).unwrap(),
            _ => panic!("{name}: no body"),
        };
        let target = format!(
            "{LICENSE_PATH}{}",
            variant["url_suffix"].as_str().unwrap_or("")
        );
        let mut headers = vec![("pallycon-customdata-v2", token.as_str())];
        if let Some(content_type) = variant["content_type"].as_str() {
            headers.push(("content-type", content_type));
        }
        let reply = env.post(&target, &headers, body).await;
        reply.assert_ok();
        let ckc = STANDARD.decode(reply.text().trim()).expect(name);
        assert!(ckc.starts_with(b"CKC1"), "{name}");
        ckcs.push(ckc);
    }
    assert_eq!(ckcs.len(), 6);
    // The same SPC in every shape: the same CKC.
    assert!(
        ckcs.windows(2).all(|w| w[0] == w[1]),
        "every shape carried {spc:02x?}"
    );
}

#[tokio::test]
async fn ncg_server_info_and_license() {
    let env = Env::start().await;
    let info = env.get("/ri/licenseManager.do?mode=getserverinfo").await;
    info.assert_ok();
    let form = "mode=license&encryptedKey=AAAA&encryptedData=BBBB&signature=CCCC";
    let reply = env
        .post(
            LICENSE_PATH,
            &[
                ("pallycon-customdata-v2", &mint(DrmType::Ncg)),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
            form,
        )
        .await;
    reply.assert_ok();
    assert!(STANDARD.decode(reply.text()).is_ok());
}

#[tokio::test]
async fn wiseplay_json_challenge() {
    let env = Env::start().await;
    let reply = env
        .post(
            LICENSE_PATH,
            &[
                ("pallycon-customdata-v2", &mint(DrmType::WisePlay)),
                ("content-type", "application/json"),
            ],
            r#"{"version":"1.0","payload":"AAAA"}"#,
        )
        .await;
    reply.assert_ok();
}

#[tokio::test]
async fn trailing_slash_and_cors() {
    let env = Env::start().await;
    env.license(&mint(DrmType::Widevine), WIDEVINE_CHALLENGE)
        .await
        .assert_ok();
    env.post(
        "/ri/licenseManager.do/",
        &[("pallycon-customdata-v2", &mint(DrmType::Widevine))],
        WIDEVINE_CHALLENGE,
    )
    .await
    .assert_ok();
    env.get("/ri/widevineCert.do/?siteId=TEST")
        .await
        .assert_ok();
    let preflight = env
        .send(
            reqwest::Method::OPTIONS,
            LICENSE_PATH,
            &[
                ("origin", "https://player.example"),
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "pallycon-customdata-v2,pallycon-client-meta",
                ),
            ],
            Vec::new(),
        )
        .await;
    assert!(preflight.status == 204 || preflight.status == 200);
    let header = |name: &str| {
        preflight
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("access-control-allow-origin"), "*");
    assert!(header("access-control-allow-methods").contains("POST"));
    assert!(header("access-control-allow-headers").contains("pallycon-customdata-v2"));
    let normal = env.post(LICENSE_PATH, &[], WIDEVINE_CHALLENGE).await;
    assert_eq!(
        normal.headers.get("access-control-allow-origin").unwrap(),
        "*"
    );
    assert_eq!(env.get("/ri/nothing.do").await.status, 404);
    let put = env
        .send(reqwest::Method::PUT, LICENSE_PATH, &[], Vec::new())
        .await;
    assert_eq!(put.status, 405);
    assert!(!put.body.is_empty());
}

// ---------------------------------------------------------------------------------------------
// The json response format.

#[tokio::test]
async fn json_response_shape_with_client_meta_and_policy_durations() {
    let env = Env::start().await;
    let policy = Policy::new().playback(PlaybackPolicy {
        persistent: Some(true),
        license_duration: Some(3_600),
        rental_duration: Some(7_200),
        renewal_duration: Some(RenewalDuration::Text("60".to_owned())),
        ..PlaybackPolicy::new()
    });
    let json_token = mint_with(
        &creds(),
        DrmType::Widevine,
        0,
        ResponseFormat::Json,
        &policy,
    );
    let meta = data("client_meta.json");
    let meta_value = meta["documented"]["value"].as_str().unwrap();
    let reply = env
        .post(
            LICENSE_PATH,
            &[
                ("pallycon-customdata-v2", &json_token),
                ("pallycon-client-meta", meta_value),
            ],
            WIDEVINE_CHALLENGE,
        )
        .await;
    reply.assert_ok();
    let body = reply.json();
    let original = mint_with(
        &creds(),
        DrmType::Widevine,
        0,
        ResponseFormat::Original,
        &policy,
    );
    let raw = env.license(&original, WIDEVINE_CHALLENGE).await.body;
    assert_eq!(hex::decode(body["license"].as_str().unwrap()).unwrap(), raw);
    assert_eq!(body["device_info"]["device_model"], "iPhone SE (iPhone8,4)");
    assert_eq!(body["device_info"]["os_version"], "15.7.2");
    assert!(
        body["device_info"]["device_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(body["device_info"]["is_chrome_cdm"], false);
    assert_eq!(body["persistent"], true);
    assert_eq!(body["license_duration"], 3_600);
    assert_eq!(body["rental_duration"], 7_200);
    assert_eq!(body["playback_duration"], 0);
    assert_eq!(body["renewal"], true);
    assert_eq!(body["renewal_duration"], 60);
}

#[tokio::test]
async fn json_response_for_fairplay_carries_the_ckc_text_and_sdk_device_id() {
    let env = Env::start().await;
    let token = mint_with(
        &creds(),
        DrmType::FairPlay,
        0,
        ResponseFormat::Json,
        &Policy::new(),
    );
    let meta = data("client_meta.json");
    let ios = STANDARD.encode(r#"{"device_info":{"device_id":"ios-device-7","device_model":"iPhone 15 Pro","os_version":"17.5"}}"#);
    let _ = meta;
    let reply = env
        .post(
            LICENSE_PATH,
            &[
                ("pallycon-customdata-v2", &token),
                ("pallycon-client-meta", &ios),
            ],
            "spc=8PHy8%2FT19vf4%2Bfr7%2FP3%2B%2F%2Fv%2F%2B%2F%2F7%2F%2Fv%2FAQ%3D%3D",
        )
        .await;
    let body = reply.json();
    assert!(
        STANDARD
            .decode(body["license"].as_str().unwrap())
            .unwrap()
            .starts_with(b"CKC1")
    );
    assert_eq!(body["device_info"]["device_id"], "ios-device-7");
    // The older name `custom` is the same format; a browser CDM (no client meta) is flagged.
    let custom = mint_with(
        &creds(),
        DrmType::Widevine,
        0,
        ResponseFormat::Custom,
        &Policy::new(),
    );
    let body = env.license(&custom, WIDEVINE_CHALLENGE).await.json();
    assert_eq!(body["device_info"]["is_chrome_cdm"], true);
}

// ---------------------------------------------------------------------------------------------
// Certificates.

#[tokio::test]
async fn fairplay_certificate_as_base64_and_der() {
    let env = Env::start().await;
    let text = env.get("/ri/fpsKeyManager.do?siteId=TEST").await;
    text.assert_ok();
    let der = env.get("/ri/fpsCert.do?siteId=TEST").await;
    der.assert_ok();
    assert_eq!(der.content_type(), "application/x-x509-ca-cert");
    assert!(
        der.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains(".der")
    );
    assert_eq!(STANDARD.decode(text.text().trim()).unwrap(), der.body);
    assert_eq!(der.body[0], 0x30, "DER SEQUENCE");
    let post = env
        .post("/ri/fpsCert.do?siteid=TEST", &[], Vec::new())
        .await;
    assert_eq!(
        post.body, der.body,
        "POST and the 2020 'siteid' spelling work too"
    );
}

#[tokio::test]
async fn widevine_certificate_endpoint() {
    let env = Env::start().await;
    let reply = env.get("/ri/widevineCert.do?siteId=TEST").await;
    reply.assert_ok();
    assert_eq!(
        hex::encode(Sha256::digest(&reply.body)),
        data("widevine.json")["docs_service_certificate"]["sha256"]
            .as_str()
            .unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// ClearKey: the keys the KMS emulator issued.

const CPIX_TWO_KEYS: &str = r#"<cpix:CPIX id="CID" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
  <cpix:ContentKeyList>
    <cpix:ContentKey kid="0f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5"/>
    <cpix:ContentKey kid="1f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5"/>
  </cpix:ContentKeyList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="0f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5" systemId="EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED"/>
    <cpix:DRMSystem kid="1f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5" systemId="EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED"/>
  </cpix:DRMSystemList>
  <cpix:ContentKeyUsageRuleList>
    <cpix:ContentKeyUsageRule intendedTrackType="HD" kid="0f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5"/>
    <cpix:ContentKeyUsageRule intendedTrackType="AUDIO" kid="1f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5"/>
  </cpix:ContentKeyUsageRuleList>
</cpix:CPIX>"#;

/// (kid, key) pairs read from a CPIX response: `kid` attributes of `ContentKey` and the
/// `PlainValue` that follows each.
fn cpix_keys(xml: &str) -> Vec<([u8; 16], [u8; 16])> {
    let mut keys = Vec::new();
    for chunk in xml.split("<cpix:ContentKey ").skip(1) {
        let kid_start = chunk.find("kid=\"").unwrap() + 5;
        let kid_text = &chunk[kid_start..kid_start + 36];
        let kid: [u8; 16] = hex::decode(kid_text.replace('-', ""))
            .unwrap()
            .try_into()
            .unwrap();
        let value_start = chunk.find("<pskc:PlainValue>").unwrap() + 17;
        let value_end = chunk.find("</pskc:PlainValue>").unwrap();
        let key: [u8; 16] = STANDARD
            .decode(&chunk[value_start..value_end])
            .unwrap()
            .try_into()
            .unwrap();
        keys.push((kid, key));
    }
    keys
}

#[tokio::test]
async fn clearkey_returns_the_keys_the_kms_issued() {
    let env = Env::start().await;
    let cid = "clearkey-title";
    // Never issued: no keys, playback must fail.
    env.get(&format!(
        "/ri/clearkey/licenseManager.do?siteId=TEST&cid={cid}"
    ))
    .await
    .assert_error(LicenseErrorCode::PackageNotFound);
    let kms = env
        .http
        .post(format!("{}{}", env.sb.kms_url(), env.sb.kms_token()))
        .body(CPIX_TWO_KEYS.replace("CID", cid))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let issued = cpix_keys(&kms);
    assert_eq!(issued.len(), 2, "{kms}");
    let reply = env
        .get(&format!(
            "/ri/clearkey/licenseManager.do?siteId=TEST&cid={cid}"
        ))
        .await;
    reply.assert_ok();
    let set = reply.json();
    assert_eq!(set["type"], "temporary");
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for ((kid, key), jwk) in issued.iter().zip(keys) {
        assert_eq!(jwk["kty"], "oct");
        assert_eq!(jwk["kid"], URL_SAFE_NO_PAD.encode(kid));
        assert_eq!(jwk["k"], URL_SAFE_NO_PAD.encode(key));
    }
    // The W3C request: only the KIDs asked for that belong to the cid.
    let request = json!({
        "kids": [URL_SAFE_NO_PAD.encode(issued[1].0), "LwVHf8JLtPrv2GUXFW2v_A"],
        "type": "temporary"
    });
    let reply = env
        .post(
            &format!("/ri/clearkey/licenseManager.do/?siteId=TEST&cid={cid}"),
            &[("content-type", "application/json")],
            request.to_string(),
        )
        .await;
    let keys = reply.json()["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["k"], URL_SAFE_NO_PAD.encode(issued[1].1));
    // Another title's keys never leak: the other cid was never issued.
    env.get("/ri/clearkey/licenseManager.do?siteId=TEST&cid=other-title")
        .await
        .assert_error(LicenseErrorCode::PackageNotFound);
    env.get(&format!(
        "/ri/clearkey/licenseManager.do?siteId=NOPE&cid={cid}"
    ))
    .await
    .assert_error(LicenseErrorCode::SiteNotFound);
    env.post(
        &format!("/ri/clearkey/licenseManager.do?siteId=TEST&cid={cid}"),
        &[],
        "{not json",
    )
    .await
    .assert_error(LicenseErrorCode::MissingParameter);
}

// ---------------------------------------------------------------------------------------------
// Official token vectors (DoveRunner Python sample v3.0.1, TUTO test site).

async fn official_vector(name: &str, body: &[u8]) -> Reply {
    let vector = data(name);
    let inputs = &vector["inputs"];
    let site = LicenseSite::new(
        inputs["site_id"].as_str().unwrap(),
        inputs["site_key"].as_str().unwrap(),
        inputs["access_key"].as_str().unwrap(),
    );
    let env = Env::start().await;
    env.sb.license().put_site(site);
    let timestamp = inputs["timestamp"].as_str().unwrap();
    env.sb
        .license()
        .clock()
        .set_fixed(multidrm_sandbox::license::parse_timestamp(timestamp).unwrap());
    let token = vector["primary"]["token"]
        .as_str()
        .or_else(|| vector["token"].as_str())
        .unwrap();
    env.license(token, body.to_vec()).await
}

#[tokio::test]
async fn official_token_v01_minimal_widevine() {
    official_vector("token_v01_minimal_widevine.json", WIDEVINE_CHALLENGE)
        .await
        .assert_ok();
}

#[tokio::test]
async fn official_token_v02_playback_full_playready() {
    official_vector(
        "token_v02_playback_full_playready.json",
        soap(None).as_bytes(),
    )
    .await
    .assert_ok();
}

#[tokio::test]
async fn official_token_v03_security_all_drms_fairplay() {
    let reply = official_vector(
        "token_v03_security_all_drms_fairplay.json",
        b"spc=8PHy8/T19vf4+fr7/P3+//v/+//7//v/AQ==",
    )
    .await;
    reply.assert_ok();
    assert!(STANDARD.decode(reply.text()).is_ok());
}

#[tokio::test]
async fn official_token_v08_custom_format_key_rotation_playready() {
    let reply = official_vector(
        "token_v08_custom_format_key_rotation_playready.json",
        soap(None).as_bytes(),
    )
    .await;
    reply.assert_ok();
    assert!(
        reply.json()["license"]
            .as_str()
            .unwrap()
            .contains("AcquireLicenseResponse")
    );
}

#[tokio::test]
async fn official_token_v09_json_format_widevine() {
    let reply = official_vector("token_v09_json_format_widevine.json", WIDEVINE_CHALLENGE).await;
    reply.assert_ok();
    assert!(hex::decode(reply.json()["license"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn docs_tutorial_v1_token_with_its_legacy_field_name() {
    official_vector("token_docs_tutorial_v1_legacy.json", WIDEVINE_CHALLENGE)
        .await
        .assert_ok();
}

#[tokio::test]
async fn official_token_a_second_too_late() {
    let vector = data("token_v01_minimal_widevine.json");
    let inputs = &vector["inputs"];
    let env = Env::start().await;
    env.sb.license().put_site(LicenseSite::new(
        inputs["site_id"].as_str().unwrap(),
        inputs["site_key"].as_str().unwrap(),
        inputs["access_key"].as_str().unwrap(),
    ));
    let issued =
        multidrm_sandbox::license::parse_timestamp(inputs["timestamp"].as_str().unwrap()).unwrap();
    env.sb.license().clock().set_fixed(issued + 601);
    env.license(
        vector["primary"]["token"].as_str().unwrap(),
        WIDEVINE_CHALLENGE,
    )
    .await
    .assert_error(LicenseErrorCode::TokenExpired);
}

// ---------------------------------------------------------------------------------------------
// The announcement.

#[tokio::test]
async fn announcement_names_the_license_endpoints_and_test_site() {
    let env = Env::start().await;
    let line = env.sb.announcement();
    for key in [
        "kms_url",
        "kms_token",
        "ncp_endpoint",
        "ncp_access_key",
        "ncp_secret_key",
    ] {
        assert!(line[key].is_string(), "{key}");
    }
    assert!(
        line["license_url"]
            .as_str()
            .unwrap()
            .ends_with("/ri/licenseManager.do")
    );
    assert!(
        line["clearkey_url"]
            .as_str()
            .unwrap()
            .ends_with("/ri/clearkey/licenseManager.do")
    );
    assert!(
        line["fps_cert_url"]
            .as_str()
            .unwrap()
            .ends_with("/ri/fpsKeyManager.do")
    );
    assert!(
        line["widevine_cert_url"]
            .as_str()
            .unwrap()
            .ends_with("/ri/widevineCert.do")
    );
    assert_eq!(line["license_site_id"], DEFAULT_SITE_ID);
    assert_eq!(line["license_site_key"], DEFAULT_SITE_KEY);
    assert_eq!(line["license_access_key"], DEFAULT_ACCESS_KEY);
    // A client using only the announced values gets a license.
    let creds = SiteCredentials::from_strs(
        line["license_site_id"].as_str().unwrap(),
        line["license_site_key"].as_str().unwrap(),
        line["license_access_key"].as_str().unwrap(),
    )
    .unwrap();
    let token = mint_with(
        &creds,
        DrmType::Widevine,
        0,
        ResponseFormat::Original,
        &Policy::new(),
    );
    let reply = env
        .http
        .post(line["license_url"].as_str().unwrap())
        .header("pallycon-customdata-v2", token)
        .body(WIDEVINE_CHALLENGE.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    assert_eq!(&reply.bytes().await.unwrap()[..2], &[0x08, 0x02]);
}

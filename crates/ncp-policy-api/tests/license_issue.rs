//! License issuance requests against `tests/data/license_ncp.json` and `drm_token.json`.

use ncp_policy_api::license_issue::{
    FAIRPLAY_CERT_BINARY_TARGET, FAIRPLAY_CERT_TARGET, LICENSE_TARGET, LicenseIssueRequest,
    LicenseTokenError, fairplay_certificate_request, license_issue_request, validate_license_token,
};
use ncp_policy_api::{AccessKey, DrmToken, Method, PUBLIC_ENDPOINT, SecretKey};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("data/license_ncp.json")).expect("json")
}

fn keys() -> (AccessKey, SecretKey, u64) {
    let v = &vectors()["signature_vectors_computed_here"];
    (
        AccessKey::new(v["access_key"].as_str().expect("ak")),
        SecretKey::new(v["secret_key"].as_str().expect("sk")),
        v["timestamp"].as_str().expect("ts").parse().expect("ms"),
    )
}

fn signature_for(target: &str) -> String {
    vectors()["signature_vectors_computed_here"]["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["target"] == target)
        .and_then(|c| c["signature"].as_str())
        .expect("case")
        .to_owned()
}

fn token(drm_type: &str) -> DrmToken {
    DrmToken {
        site_id: "drm-20250903141775-AbCdE".into(),
        content_id: "content-0001".into(),
        drm_type: drm_type.into(),
        response_format: "ORIGINAL".into(),
        user_id: "user-0001".into(),
    }
}

fn assert_gateway_headers(req: &LicenseIssueRequest, ts: u64, token: &DrmToken) {
    assert_eq!(
        req.header("x-ncp-apigw-timestamp"),
        Some(ts.to_string().as_str())
    );
    assert_eq!(
        req.header("x-ncp-iam-access-key"),
        Some("NCPTESTACCESSKEY0001")
    );
    assert_eq!(req.header("x-ncp-region_code"), Some("KR"));
    assert_eq!(req.header("x-drm-token"), Some(token.encode().as_str()));
    assert!(
        !format!("{req:?}").contains("NCPTESTACCESSKEY0001"),
        "Debug hides the access key"
    );
}

#[test]
fn license_request_post_api_v1_license() {
    let (ak, sk, ts) = keys();
    let t = token("WIDEVINE");
    let req = license_issue_request(&t, &[0x08, 0x01, 0xff], ts, &ak, &sk).expect("request");
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.target, LICENSE_TARGET);
    assert_eq!(
        req.url(PUBLIC_ENDPOINT),
        "https://multi-drm.apigw.ntruss.com/api/v1/license"
    );
    assert_eq!(req.body, [0x08, 0x01, 0xff]);
    assert_eq!(
        req.header("x-ncp-apigw-signature-v2"),
        Some(signature_for(LICENSE_TARGET).as_str())
    );
    assert_gateway_headers(&req, ts, &t);
}

#[test]
fn fairplay_certificate_get_api_v1_license_fairplay() {
    let (ak, sk, ts) = keys();
    let t = token("FAIRPLAY");
    let req = fairplay_certificate_request(&t, false, ts, &ak, &sk).expect("request");
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.target, FAIRPLAY_CERT_TARGET);
    assert!(req.body.is_empty());
    assert_eq!(
        req.header("x-ncp-apigw-signature-v2"),
        Some(signature_for(FAIRPLAY_CERT_TARGET).as_str())
    );
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_gateway_headers(&req, ts, &t);
}

#[test]
fn fairplay_certificate_get_api_v1_license_fairplay_binary() {
    let (ak, sk, ts) = keys();
    let t = token("FAIRPLAY");
    let req = fairplay_certificate_request(&t, true, ts, &ak, &sk).expect("request");
    assert_eq!(req.target, FAIRPLAY_CERT_BINARY_TARGET);
    assert_eq!(
        req.header("x-ncp-apigw-signature-v2"),
        Some(signature_for(FAIRPLAY_CERT_BINARY_TARGET).as_str())
    );
}

#[test]
fn x_drm_token_matches_the_vector() {
    let cases: Value = serde_json::from_str(include_str!("data/drm_token.json")).expect("json");
    let first = &cases["cases"][0];
    let (ak, sk, ts) = keys();
    let req = license_issue_request(&token("WIDEVINE"), b"x", ts, &ak, &sk).expect("request");
    assert_eq!(req.header("x-drm-token"), first["x_drm_token"].as_str());
}

#[test]
fn token_rules_are_checked_before_sending() {
    let mut t = token("WIDEVINE");
    t.user_id.clear();
    assert_eq!(
        validate_license_token(&t),
        Err(LicenseTokenError::Missing { field: "userId" })
    );
    let mut t = token("WIDEVINE");
    t.content_id = "a b".into();
    assert_eq!(
        validate_license_token(&t),
        Err(LicenseTokenError::ContentId)
    );
    let mut t = token("widevine");
    assert_eq!(validate_license_token(&t), Err(LicenseTokenError::DrmType));
    t.drm_type = "WIDEVINE".into();
    t.response_format = "original".into();
    assert_eq!(
        validate_license_token(&t),
        Err(LicenseTokenError::ResponseFormat)
    );
    let (ak, sk, ts) = keys();
    assert_eq!(
        fairplay_certificate_request(&token("WIDEVINE"), false, ts, &ak, &sk).map(|_| ()),
        Err(LicenseTokenError::DrmType)
    );
}

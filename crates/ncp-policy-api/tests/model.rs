//! Response fixtures (current and older field names), error shapes, request bodies and
//! client-side validation.
#![allow(clippy::unwrap_used, missing_docs)]

use ncp_policy_api::model::envelope::{ErrorBody, parse_error_body};
use ncp_policy_api::{
    ApiRequest, ApiTime, Cgms, DrmPolicyConfig, Error, HdcpEnforcement, LicenseHistoryQuery,
    LicenseRecord, LicenseStatus, ListPage, Page, PlayReadyConfig, Policy, PolicyLogEntry,
    PolicyLogQuery, PolicyName, PolicyRequest, PolicyStatus, Problem, SearchCondition, Site,
    SiteId, SiteLogEntry, SiteName, SiteRequest, SiteStatus, StatusFilter, TimeRange,
    WidevineConfig, WidevineHdcp, decode,
};
use serde_json::{Value, json};

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("data/responses/", $name))
    };
}

fn policy(bytes: &[u8]) -> Policy {
    decode::<Policy>(200, bytes).unwrap().content
}

#[test]
fn policy_current_fields() {
    let p = policy(fixture!("policy_current.json"));
    assert_eq!(p.policy_id, 1234);
    assert_eq!(p.policy_name.as_deref(), Some("test_policy_01"));
    assert_eq!(p.policy_status, Some(PolicyStatus::Ready));
    assert_eq!(
        p.policy_created_time,
        Some(ApiTime::Millis(1_756_968_701_258))
    );
    assert_eq!(p.persistent, Some(true));
    assert_eq!(p.rental_duration, Some(86_400));
    let c = p.drm_policy_config.unwrap();
    assert_eq!(c.widevine.hdcp, Some(WidevineHdcp::V2_2));
    assert_eq!(c.widevine.cgms, Some(Cgms::CopyNever));
    assert_eq!(c.playready.security_level, Some(2000));
    assert_eq!(c.playready.digital_video_protection_level, Some(270));
    assert_eq!(c.fairplay.use_yn, Some(false));
    assert_eq!(c.fairplay.hdcp_enforcement, Some(HdcpEnforcement::Type1));
    c.validate().unwrap();
}

#[test]
fn policy_legacy_names_and_types_parse_to_the_same_settings() {
    let current = policy(fixture!("policy_current.json"));
    let legacy = policy(fixture!("policy_legacy.json"));
    assert_eq!(legacy.policy_id, current.policy_id);
    assert_eq!(legacy.persistent, Some(true));
    assert_eq!(legacy.rental_duration, current.rental_duration);
    assert_eq!(legacy.playback_duration, current.playback_duration);
    assert_eq!(legacy.policy_created_time, current.policy_created_time);
    assert_eq!(
        legacy.policy_update_time,
        Some(ApiTime::Text("2025-09-04T08:12:21Z".to_owned()))
    );
    assert_eq!(
        legacy.policy_status,
        Some(PolicyStatus::Unknown("ARCHIVED".to_owned()))
    );
    assert_eq!(legacy.extra.get("subAccountNo"), Some(&json!(99)));
    let old = legacy.drm_policy_config.unwrap();
    let new = current.drm_policy_config.unwrap();
    assert_eq!(old.playready, new.playready);
    assert_eq!(old.fairplay, new.fairplay);
    assert_eq!(old.widevine.security_level, new.widevine.security_level);
    assert_eq!(old.widevine.cgms, Some(Cgms::CopyNever));
    assert_eq!(old.widevine.disable_analog_output_yn, Some(false));
    // Written back with the current names only.
    let text = serde_json::to_string(&old).unwrap();
    assert!(
        text.contains("\"widevine\"")
            && text.contains("\"playready\"")
            && text.contains("\"fairplay\"")
    );
    assert!(
        !text.contains("wideVine") && !text.contains("playReady") && !text.contains("fairPlay")
    );
    assert!(text.contains("\"hdcpEnforcement\":\"1\""), "{text}");
}

#[test]
fn policy_list_with_total() {
    let page: ListPage<Policy> = decode::<Vec<Policy>>(200, fixture!("policy_list.json"))
        .unwrap()
        .into();
    assert_eq!(page.total, Some(3));
    let ids: Vec<i64> = page.items.iter().map(|p| p.policy_id).collect();
    assert_eq!(ids, [0, 7, 8]);
    assert_eq!(page.items[1].policy_status, Some(PolicyStatus::Created));
    assert_eq!(page.items[2].policy_status, Some(PolicyStatus::Updating));
}

#[test]
fn site_with_secrets_redacted() {
    let site = decode::<Site>(200, fixture!("site.json")).unwrap().content;
    assert_eq!(site.site_id, "drm-20250903141775-AbCdE");
    assert_eq!(site.site_status, Some(SiteStatus::Running));
    assert_eq!(site.site_enabled_yn, Some(true));
    let cert = site.fair_play_cert.as_ref().unwrap();
    assert_eq!(
        cert.secret_key.as_ref().unwrap().expose_secret(),
        "0123456789abcdef0123456789abcdef"
    );
    let debug = format!("{site:?}");
    assert!(!debug.contains("0123456789abcdef"), "{debug}");
    assert!(!debug.contains("pass-phrase-value"), "{debug}");
    let printed = serde_json::to_string(&site.redacted()).unwrap();
    assert!(!printed.contains("0123456789abcdef") && !printed.contains("pass-phrase-value"));
    assert!(printed.contains("fairplay.der"), "{printed}");
}

#[test]
fn site_list_legacy() {
    let envelope = decode::<Vec<Site>>(200, fixture!("site_list_legacy.json")).unwrap();
    assert_eq!(envelope.total, Some(2));
    assert_eq!(envelope.content[0].site_enabled_yn, Some(false));
    assert_eq!(envelope.content[0].policy_id, Some(0));
    assert_eq!(envelope.content[0].site_status, Some(SiteStatus::Creating));
    assert_eq!(
        envelope.content[1].site_status,
        Some(SiteStatus::Unknown("SUSPENDED".to_owned()))
    );
}

#[test]
fn logs_and_license_history() {
    let log = decode::<Vec<PolicyLogEntry>>(200, fixture!("policy_log.json")).unwrap();
    assert_eq!(log.total, Some(2));
    assert_eq!(log.content[1].policy_id, Some(1234));
    assert_eq!(
        log.content[1].timestamp,
        Some(ApiTime::Millis(1_756_973_541_596))
    );
    let site_log = decode::<Vec<SiteLogEntry>>(200, fixture!("site_log.json")).unwrap();
    assert_eq!(
        site_log.content[0].description.as_deref(),
        Some("Site turned on")
    );
    let history = decode::<Vec<LicenseRecord>>(200, fixture!("license_history.json")).unwrap();
    assert_eq!(
        history.content[0].license_status,
        Some(LicenseStatus::Success)
    );
    assert_eq!(history.content[1].license_status, Some(LicenseStatus::Fail));
    assert_eq!(
        history.content[1].created_time,
        Some(ApiTime::Millis(1_700_000_001_000))
    );
    assert_eq!(
        history.content[1].extra.get("errorReason"),
        Some(&json!("expired"))
    );
}

#[test]
fn service_error_shape() {
    let err = decode::<Policy>(404, fixture!("error_service.json")).unwrap_err();
    match &err {
        Error::Api {
            status,
            code,
            name,
            message,
            body,
        } => {
            assert_eq!(*status, 404);
            assert_eq!(code, "281003");
            assert_eq!(name.as_deref(), Some("SITE_NOT_FOUND"));
            assert_eq!(message, "The site does not exist.");
            assert!(body.contains("281003"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(!err.is_remote_failure());
    assert_eq!(err.code(), Some("281003"));
}

#[test]
fn service_error_with_numeric_code_and_success_false_on_200() {
    let err = decode::<Policy>(200, fixture!("error_service_numeric_code.json")).unwrap_err();
    assert!(
        matches!(&err, Error::Api { code, status: 200, .. } if code == "2810010"),
        "{err:?}"
    );
}

#[test]
fn gateway_error_shape() {
    let err = decode::<Policy>(401, fixture!("error_gateway.json")).unwrap_err();
    match &err {
        Error::Gateway {
            status,
            error_code,
            message,
            details,
            ..
        } => {
            assert_eq!(*status, 401);
            assert_eq!(error_code, "200");
            assert_eq!(message, "Authentication Failed");
            assert_eq!(
                details.as_deref(),
                Some("Invalid authentication information.")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    let quota = decode::<Policy>(429, fixture!("error_gateway_request_id.json")).unwrap_err();
    assert!(matches!(&quota, Error::Gateway { error_code, .. } if error_code == "400"));
    assert!(quota.is_retryable());
    assert!(matches!(
        parse_error_body(fixture!("error_gateway_request_id.json")),
        Some(ErrorBody::Gateway(g)) if g.request_id.is_some()
    ));
    assert!(matches!(
        parse_error_body(fixture!("error_service.json")),
        Some(ErrorBody::Service(_))
    ));
}

#[test]
fn non_json_5xx_body() {
    let err = decode::<Policy>(502, fixture!("error_502.html")).unwrap_err();
    assert!(matches!(&err, Error::Http { status: 502, body } if body.contains("Bad Gateway")));
    assert!(err.is_retryable());
    assert!(err.is_remote_failure());
    assert_eq!(parse_error_body(fixture!("error_502.html")), None);
}

#[test]
fn success_status_with_undecodable_body_keeps_it() {
    let err = decode::<Policy>(200, b"<html>oops</html>").unwrap_err();
    assert!(matches!(&err, Error::Decode { body, .. } if body == "<html>oops</html>"));
    let err =
        decode::<Policy>(200, br#"{"success":true,"content":{"policyName":"x"}}"#).unwrap_err();
    assert!(
        matches!(&err, Error::Decode { message, .. } if message.contains("policyId")),
        "{err}"
    );
    let err = decode::<Policy>(200, br#"{"success":true,"content":[],"total":-1}"#).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }));
    // A missing content is null: fine for optional results.
    let none = decode::<Option<Policy>>(200, br#"{"success":true}"#).unwrap();
    assert_eq!(none.content, None);
    // drmPolicyConfig as an empty array is absent.
    let p = policy(br#"{"content":{"policyId":1,"drmPolicyConfig":[]}}"#);
    assert_eq!(p.drm_policy_config, None);
}

#[test]
fn error_status_without_error_body() {
    let err = decode::<Policy>(500, br#"{"message":"boom"}"#).unwrap_err();
    assert!(matches!(err, Error::Http { status: 500, .. }));
}

fn vector_body() -> Value {
    let all: Value = serde_json::from_str(include_str!("data/signature_v2.json")).unwrap();
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "policy_create")
        .unwrap()["body_json"]
        .clone()
}

#[test]
fn policy_request_round_trips_the_documented_body() {
    let body = vector_body();
    let request: PolicyRequest = serde_json::from_value(body.clone()).unwrap();
    request.validate().unwrap();
    assert_eq!(serde_json::to_value(&request).unwrap(), body);
    let api = ApiRequest::create_policy(&request).unwrap();
    let sent: Value = serde_json::from_str(api.body.as_deref().unwrap()).unwrap();
    assert_eq!(sent, body);
}

#[test]
fn policy_request_from_legacy_file_is_written_with_current_names() {
    let request =
        PolicyRequest::from_json(include_bytes!("data/responses/policy_request_legacy.json"))
            .unwrap();
    let written = serde_json::to_value(&request).unwrap();
    assert_eq!(
        written,
        json!({
            "policyName": "legacy_keys",
            "persistent": true,
            "rentalDuration": 3600,
            "playbackDuration": 0,
            "drmPolicyConfig": {
                "widevine": {"useYn": true, "securityLevel": 2},
                "playready": {"useYn": true, "securityLevel": 150},
                "fairplay": {"useYn": false, "hdcpEnforcement": "-1"}
            }
        })
    );
}

#[test]
fn policy_names() {
    for ok in ["abc", "A_1", "abcdefghij0123456789"] {
        PolicyName::new(ok).unwrap();
    }
    let short = PolicyName::new("ab").unwrap_err();
    assert_eq!(short.field, "policyName");
    assert_eq!(
        short.problem,
        Problem::Length {
            min: 3,
            max: 20,
            actual: 2
        }
    );
    assert!(matches!(
        PolicyName::new("a".repeat(21)).unwrap_err().problem,
        Problem::Length { actual: 21, .. }
    ));
    assert!(matches!(
        PolicyName::new("bad-name").unwrap_err().problem,
        Problem::Charset { .. }
    ));
    assert!(matches!(
        PolicyName::new("é_é_é").unwrap_err().problem,
        Problem::Charset { .. }
    ));
    assert!(
        serde_json::from_value::<PolicyRequest>(json!({
            "policyName": "x", "persistent": false, "rentalDuration": 0, "playbackDuration": 0,
            "drmPolicyConfig": {}
        }))
        .is_err()
    );
}

fn base() -> PolicyRequest {
    PolicyRequest::new(PolicyName::new("valid_name").unwrap())
}

fn field_of(request: &PolicyRequest) -> String {
    request.validate().unwrap_err().field
}

#[test]
fn policy_value_ranges() {
    base().validate().unwrap();

    let mut r = base();
    r.rental_duration = 60;
    assert_eq!(field_of(&r), "persistent");
    r.persistent = true;
    r.validate().unwrap();
    r.rental_duration = 2_147_483_648;
    assert_eq!(field_of(&r), "rentalDuration");

    let mut r = base();
    r.playback_duration = -1;
    assert_eq!(field_of(&r), "playbackDuration");

    let mut r = base();
    r.drm_policy_config.widevine.security_level = Some(6);
    assert_eq!(field_of(&r), "drmPolicyConfig.widevine.securityLevel");

    let mut r = base();
    r.drm_policy_config.widevine.hdcp = Some(WidevineHdcp::from_wire("HDCP_V9"));
    assert_eq!(field_of(&r), "drmPolicyConfig.widevine.hdcp");

    let mut r = base();
    r.drm_policy_config.playready = PlayReadyConfig {
        security_level: Some(151),
        ..PlayReadyConfig::enabled(true)
    };
    assert_eq!(field_of(&r), "drmPolicyConfig.playready.securityLevel");

    let mut r = base();
    r.drm_policy_config.playready.analog_video_protection_level = Some(250);
    assert_eq!(
        field_of(&r),
        "drmPolicyConfig.playready.analogVideoProtectionLevel"
    );

    let mut r = base();
    r.drm_policy_config.fairplay.hdcp_enforcement = Some(HdcpEnforcement::from_wire("2"));
    assert_eq!(field_of(&r), "drmPolicyConfig.fairplay.hdcpEnforcement");

    let mut r = base();
    r.drm_policy_config.widevine = WidevineConfig::default();
    assert_eq!(field_of(&r), "drmPolicyConfig.widevine.useYn");

    let mut r = base();
    r.drm_policy_config = DrmPolicyConfig::default();
    assert!(matches!(
        ApiRequest::create_policy(&r),
        Err(Error::Validation(_))
    ));
}

#[test]
fn site_rules() {
    SiteName::new("my-site_1").unwrap();
    assert!(SiteName::new("ab").is_err());
    assert!(SiteName::new("a.b.c").is_err());
    assert!(SiteId::new("drm-2025/x").is_err());
    let req = SiteRequest::from_json(br#"{"siteName":"web_1","policyId":"7"}"#).unwrap();
    assert_eq!(req.policy_id, Some(7));
    let bad = SiteRequest::from_json(
        br#"{"siteName":"web","fairPlayCert":{"certFile":"ftp://x/c.der"}}"#,
    )
    .unwrap_err();
    assert_eq!(bad.field, "fairPlayCert.certFile");
    let not_json = SiteRequest::from_json(b"{").unwrap_err();
    assert_eq!(not_json.field, "body");
}

#[test]
fn pages_and_filters() {
    assert!(Page::new(0, 10).is_err());
    assert!(Page::new(1, 101).is_err());
    assert!(Page::new(1, 0).is_err());
    assert_eq!(Page::first(500).size(), 100);
    assert_eq!(
        "userId".parse::<SearchCondition>().unwrap(),
        SearchCondition::UserId
    );
    assert!("title".parse::<SearchCondition>().is_err());
    assert_eq!(
        "SUCCESS".parse::<StatusFilter>().unwrap(),
        StatusFilter::Success
    );
    let mut q = PolicyLogQuery::new(1);
    q.time = TimeRange {
        start_ms: Some(10),
        end_ms: Some(5),
    };
    assert!(matches!(
        ApiRequest::policy_log(&q, Page::default()),
        Err(Error::Validation(_))
    ));
}

fn vector_target(name: &str) -> String {
    let all: Value = serde_json::from_str(include_str!("data/signature_v2.json")).unwrap();
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()["request_target"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn operations_build_the_vector_targets() {
    let site = SiteId::new("drm-20250903141775-AbCdE").unwrap();
    assert_eq!(
        ApiRequest::list_policies(Page::new(1, 20).unwrap()).target,
        vector_target("policy_list")
    );
    assert_eq!(
        ApiRequest::list_sites(Page::new(1, 10).unwrap()).target,
        vector_target("site_list")
    );
    assert_eq!(
        ApiRequest::delete_policy(1234).target,
        vector_target("policy_delete")
    );
    assert_eq!(ApiRequest::site_on(&site).target, vector_target("site_on"));
    let log = PolicyLogQuery {
        policy_id: 0,
        time: TimeRange {
            start_ms: Some(1_756_968_701_258),
            end_ms: Some(1_756_973_541_596),
        },
    };
    assert_eq!(
        ApiRequest::policy_log(&log, Page::new(1, 100).unwrap())
            .unwrap()
            .target,
        vector_target("policy_log")
    );
    let history = LicenseHistoryQuery {
        site_id: site,
        search: Some((SearchCondition::UserId, "user@example.com".to_owned())),
        time: TimeRange {
            start_ms: Some(1_699_605_801_000),
            end_ms: Some(1_700_469_801_000),
        },
        status: Some(StatusFilter::Success),
    };
    assert_eq!(
        ApiRequest::license_history(&history, Page::new(1, 20).unwrap())
            .unwrap()
            .target,
        vector_target("license_statistics_encoded")
    );
}

#[test]
fn unknown_values_survive_a_round_trip() {
    let p = policy(br#"{"content":{"policyId":3,"policyStatus":"MIGRATING","drmPolicyConfig":{"widevine":{"useYn":true,"hdcp":"HDCP_V3"}}}}"#);
    let text = serde_json::to_string(&p).unwrap();
    assert!(
        text.contains("MIGRATING") && text.contains("HDCP_V3"),
        "{text}"
    );
    assert!(!p.policy_status.unwrap().is_known());
}

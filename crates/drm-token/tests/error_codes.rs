//! One test per official code the token envelope raises (spec §6: 1000–1005, 1048, 1055), plus
//! the license-server codes used for values the samples make unrepresentable.
#![allow(clippy::unwrap_used, missing_docs)]

use drm_policy::{JsonStyle, Policy};
use drm_token::batch::{BatchDefaults, BatchIssuer};
use drm_token::{
    AccessKey, DrmType, PreparedPolicy, ResponseFormat, SiteCredentials, SiteId, SiteKey,
    Timestamp, TokenError, TokenRequest,
};

const SITE_KEY: &str = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC";
const ACCESS_KEY: &str = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20";

fn creds() -> SiteCredentials {
    SiteCredentials::from_strs("TUTO", SITE_KEY, ACCESS_KEY).unwrap()
}

fn code(err: &TokenError) -> u16 {
    err.code().unwrap().get()
}

fn mint(user: &str, cid: &str) -> Result<String, TokenError> {
    let creds = creds();
    let prepared = PreparedPolicy::new(&Policy::new(), &creds, JsonStyle::Compact).unwrap();
    TokenRequest::new(DrmType::Widevine, user, cid).mint(
        &creds,
        &prepared,
        Timestamp::parse("2025-06-01T12:34:56Z").unwrap(),
    )
}

fn batch_error(line: &str) -> u16 {
    let defaults = BatchDefaults {
        site_id: Some("TUTO".into()),
        site_key: Some(SITE_KEY.into()),
        access_key: Some(ACCESS_KEY.into()),
        ..BatchDefaults::default()
    };
    let mut issuer = BatchIssuer::new(defaults);
    code(&issuer.issue_line(line.as_bytes()).unwrap_err())
}

#[test]
fn code_1000_user_id_required() {
    assert_eq!(code(&mint("", "cid").unwrap_err()), 1000);
    assert_eq!(batch_error(r#"{"drm_type": "Widevine", "cid": "c"}"#), 1000);
    assert_eq!(
        batch_error(r#"{"drm_type": "Widevine", "user_id": 7, "cid": "c"}"#),
        1000
    );
}

#[test]
fn code_1001_cid_required() {
    assert_eq!(code(&mint("user", "").unwrap_err()), 1001);
    assert_eq!(
        batch_error(r#"{"drm_type": "Widevine", "user_id": "u"}"#),
        1001
    );
}

#[test]
fn code_1002_site_id_required() {
    assert_eq!(code(&SiteId::new("").unwrap_err()), 1002);
    let err = SiteCredentials::from_strs("", SITE_KEY, ACCESS_KEY).unwrap_err();
    assert_eq!(code(&err), 1002);
    assert_eq!(
        batch_error(r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "site_id": ""}"#),
        1002
    );
}

#[test]
fn code_1003_access_key_required() {
    assert_eq!(code(&AccessKey::new("").unwrap_err()), 1003);
    let err = SiteCredentials::from_strs("TUTO", SITE_KEY, "").unwrap_err();
    assert_eq!(code(&err), 1003);
}

#[test]
fn code_1004_site_key_required_or_not_32_bytes() {
    assert_eq!(code(&SiteKey::new("").unwrap_err()), 1004);
    let err = SiteKey::new("lU5D8s3PWoLls3PW").unwrap_err();
    assert_eq!(code(&err), 1004);
    assert!(
        !err.to_string().contains("lU5D8s3PWoLls3PW"),
        "no secret in messages"
    );
    assert_eq!(
        batch_error(r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "site_key": "short"}"#),
        1004
    );
}

#[test]
fn code_1005_policy_required() {
    let err = PreparedPolicy::from_plaintext("", &creds(), JsonStyle::Compact).unwrap_err();
    assert_eq!(code(&err), 1005);
    assert_eq!(
        batch_error(r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "policy": 5}"#),
        1005
    );
}

#[test]
fn code_1048_response_format() {
    assert_eq!(code(&"xml".parse::<ResponseFormat>().unwrap_err()), 1048);
    assert_eq!(
        batch_error(
            r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "response_format": "ORIGINAL"}"#
        ),
        1048
    );
}

#[test]
fn code_1055_key_rotation() {
    assert_eq!(
        batch_error(
            r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "key_rotation": "true"}"#
        ),
        1055
    );
    assert_eq!(
        batch_error(r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "key_rotation": 1}"#),
        1055
    );
}

#[test]
fn policy_codes_pass_through() {
    let err = PreparedPolicy::from_json(
        r#"{"policy_version": 2, "playback_policy": {"persistent": "true"}}"#,
        &creds(),
        JsonStyle::Compact,
    )
    .unwrap_err();
    assert_eq!(code(&err), 1009);
    assert_eq!(
        batch_error(
            r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "policy": {"policy_version": 2, "playback_policy": {"license_duration": 3600.0}}}"#
        ),
        1010
    );
}

#[test]
fn server_code_7018_drm_type() {
    assert_eq!(code(&"Widevine2".parse::<DrmType>().unwrap_err()), 7018);
    assert_eq!(
        batch_error(r#"{"drm_type": "WIDEVINE", "user_id": "u", "cid": "c"}"#),
        7018
    );
    assert_eq!(batch_error(r#"{"user_id": "u", "cid": "c"}"#), 7018);
}

#[test]
fn server_code_7011_timestamp() {
    assert_eq!(
        code(&Timestamp::parse("2025-06-01T12:34:56.123Z").unwrap_err()),
        7011
    );
    assert_eq!(
        batch_error(
            r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "timestamp": "2025-06-01 12:34:56"}"#
        ),
        7011
    );
}

#[test]
fn code_2001_malformed_request_line() {
    assert_eq!(batch_error("not json"), 2001);
    assert_eq!(batch_error(""), 2001);
    assert_eq!(
        batch_error(r#"{"drm_type": "Widevine", "userid": "u", "cid": "c"}"#),
        2001
    );
}

#[test]
fn prepared_policy_for_another_key_is_refused() {
    let other =
        SiteCredentials::from_strs("TUTO", "00000000000000000000000000000000", ACCESS_KEY).unwrap();
    let prepared = PreparedPolicy::new(&Policy::new(), &other, JsonStyle::Compact).unwrap();
    let err = TokenRequest::new(DrmType::Widevine, "u", "c")
        .mint(&creds(), &prepared, Timestamp::now())
        .unwrap_err();
    assert_eq!(err, TokenError::PreparedForOtherKey);
}

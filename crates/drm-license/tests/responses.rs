//! Reading answers: error bodies (`tests/data/error_bodies.json`), JSON licenses
//! (`json_license_response.json`), FairPlay CKC text, certificates, ClearKey.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_license::{
    CertificateForm, Classified, Drm, ResponseError, ResponseFormat, ServerCode, ServerError,
    classify, json_to_original, read_certificate, read_license,
};

fn server_error(result: Result<impl std::fmt::Debug, ResponseError>) -> ServerError {
    match result {
        Err(ResponseError::Server(e)) => *e,
        other => panic!("expected a server error, got {other:?}"),
    }
}

fn error_for(drm: Drm, body: &[u8]) -> ServerError {
    server_error(read_license(drm, ResponseFormat::Original, 200, body))
}

fn assert_code(case: &str, code: ServerCode) {
    let body = common::error_case(case);
    for drm in Drm::ALL {
        let e = error_for(drm, &body);
        assert_eq!(e.code(), Some(code), "{case} for {drm}");
        assert_eq!(e.meaning(), code.message(), "{case}");
        assert_eq!(e.message(), code.message(), "{case}: the server's message");
        assert_eq!(e.raw_body(), &body[..]);
        assert_eq!(e.status(), 200);
    }
}

#[test]
fn error_token_expired_7011() {
    assert_code("token_expired_7011", ServerCode::TOKEN_EXPIRED);
    let e = error_for(Drm::Widevine, &common::error_case("token_expired_7011"));
    assert!(e.remedy().is_some_and(|r| r.contains("fresh token")));
    assert_eq!(
        e.to_string(),
        "license server error 7011: Token is expired."
    );
}

#[test]
fn error_hash_mismatch_7019() {
    assert_code("hash_mismatch_7019", ServerCode::HASH_MISMATCH);
}

#[test]
fn error_site_not_found_1003() {
    assert_code("site_not_found_1003", ServerCode::SITE_NOT_FOUND);
}

#[test]
fn error_invalid_token_json_7013() {
    assert_code("invalid_token_json_7013", ServerCode::TOKEN_INVALID_JSON);
}

#[test]
fn error_no_playready_customdata_7206() {
    assert_code(
        "no_playready_customdata_7206",
        ServerCode::PLAYREADY_CUSTOMDATA_MISSING,
    );
}

#[test]
fn error_spc_null_7305() {
    assert_code("spc_null_7305", ServerCode::FAIRPLAY_SPC_MISSING);
}

#[test]
fn error_errorcode_as_number_variant() {
    let e = error_for(
        Drm::Widevine,
        &common::error_case("errorcode_as_number_variant"),
    );
    assert_eq!(e.code(), Some(ServerCode::TOKEN_EXPIRED));
    assert_eq!(e.code_text(), "7011");
}

#[test]
fn error_callback_custom_error_8002() {
    let e = error_for(
        Drm::PlayReady,
        &common::error_case("callback_custom_error_8002"),
    );
    assert_eq!(e.code(), Some(ServerCode::CALLBACK_CUSTOM_ERROR));
    let cb = e.callback().expect("nested");
    assert_eq!(cb.code.as_deref(), Some("4444"));
    assert_eq!(cb.message.as_deref(), Some("custom error occurred."));
    assert!(
        e.to_string()
            .contains("callback error 4444: custom error occurred.")
    );
}

#[test]
fn error_widevine_playready_failure_template() {
    let e = error_for(
        Drm::Widevine,
        &common::documented_error("widevine_playready_failure_template"),
    );
    assert_eq!(
        e.code(),
        None,
        "the template's code is the text `error code`"
    );
    assert_eq!(e.code_text(), "error code");
    assert_eq!(e.message(), Some("error message"));
}

#[test]
fn error_fairplay_cert_failure_template() {
    let body = common::documented_error("fairplay_cert_failure_template");
    let e = server_error(read_certificate(CertificateForm::Base64, 200, &body));
    assert_eq!(e.code_text(), "error code");
}

#[test]
fn error_fairplay_license_failure_template() {
    let body = common::documented_error("fairplay_license_failure_template");
    // Checked for JSON before any base64 decoding (the Shaka sample's trap).
    let e = error_for(Drm::FairPlay, &body);
    assert_eq!(e.message(), Some("error message"));
}

#[test]
fn error_ko_doc_typo_template() {
    let e = error_for(
        Drm::Widevine,
        &common::documented_error("ko_doc_typo_template"),
    );
    assert_eq!(e.code_text(), "error code");
}

#[test]
fn error_callback_8002_inner_message_template_is_not_an_error_itself() {
    let body = common::documented_error("callback_8002_inner_message_template");
    assert!(matches!(
        read_license(Drm::Widevine, ResponseFormat::Original, 200, &body),
        Err(ResponseError::NoLicense)
    ));
}

#[test]
fn error_with_a_non_200_status_keeps_status_and_code() {
    let body = common::error_case("token_expired_7011");
    let e = server_error(read_license(
        Drm::Widevine,
        ResponseFormat::Original,
        403,
        &body,
    ));
    assert_eq!(e.status(), 403);
    assert!(e.to_string().ends_with("(HTTP 403)"));
}

#[test]
fn unknown_codes_are_kept() {
    let e = error_for(
        Drm::Widevine,
        br#"{"errorCode":7400,"message":"New thing.","body":"x"}"#,
    );
    assert_eq!(e.code(), Some(ServerCode::new(7400)));
    assert_eq!(e.meaning(), None);
    assert_eq!(e.detail(), Some("x"));
    assert_eq!(e.to_string(), "license server error 7400: New thing.");
}

// --- JSON licenses ------------------------------------------------------------------------

fn json_example(license: &str) -> Vec<u8> {
    let mut v = common::data("json_license_response")["example_widevine"].clone();
    v["license"] = serde_json::Value::String(license.to_owned());
    serde_json::to_vec(&v).expect("json")
}

#[test]
fn json_widevine_license_is_hex_decoded_in_either_case() {
    for hex_text in ["0802120aff", "0802120AFF"] {
        let license = read_license(
            Drm::Widevine,
            ResponseFormat::Json,
            200,
            &json_example(hex_text),
        )
        .expect("license");
        assert_eq!(license.original_body(), [0x08, 0x02, 0x12, 0x0a, 0xff]);
        let d = license.details().expect("details");
        let info = d.device_info.as_ref().expect("device_info");
        assert_eq!(info.device_id.as_deref(), Some("b6dfac08a1"));
        assert_eq!(info.device_model.as_deref(), Some("Pixel 7"));
        assert_eq!(info.os_version.as_deref(), Some("14(34)"));
        assert_eq!(info.session_id.as_deref(), Some("c0ffee"));
        assert_eq!(info.is_chrome_cdm, Some(false));
        assert_eq!(d.persistent, Some(true));
        assert_eq!(d.license_duration, Some(3600));
        assert_eq!(d.rental_duration, Some(0));
        assert_eq!(d.renewal, Some(false));
        assert_eq!(d.renewal_duration, Some(0));
    }
}

#[test]
fn json_license_tolerates_strings_for_numbers_and_is_chromecdm() {
    let body = br#"{"license":"00","persistent":"true","license_duration":"3600",
        "playback_duration":" 60 ","expire_date":"2025-01-01T00:00:00Z",
        "device_info":{"device_id":"d","is_chromecdm":true}}"#;
    let license = read_license(Drm::Widevine, ResponseFormat::Json, 200, body).expect("license");
    let d = license.details().expect("details");
    assert_eq!(d.persistent, Some(true));
    assert_eq!(d.license_duration, Some(3600));
    assert_eq!(d.playback_duration, Some(60));
    assert_eq!(d.expire_date.as_deref(), Some("2025-01-01T00:00:00Z"));
    assert_eq!(
        d.device_info.as_ref().and_then(|i| i.is_chrome_cdm),
        Some(true)
    );
}

#[test]
fn json_widevine_license_that_is_not_hex_is_an_error() {
    assert!(matches!(
        read_license(
            Drm::Widevine,
            ResponseFormat::Json,
            200,
            &json_example("080212a0010a1...")
        ),
        Err(ResponseError::Hex { .. })
    ));
}

#[test]
fn json_to_original_for_fairplay_returns_the_base64_text() {
    let ckc = STANDARD.encode([1u8, 2, 3, 250]);
    let body = format!(r#"{{"license":"{ckc}","device_info":{{"device_id":"x"}}}}"#);
    let license = json_to_original(Drm::FairPlay, 200, body.as_bytes()).expect("license");
    assert_eq!(license.original_body(), ckc.as_bytes());
    assert_eq!(license.fairplay_ckc().expect("ckc"), [1, 2, 3, 250]);
}

#[test]
fn json_to_original_keeps_errors_errors() {
    let e = server_error(json_to_original(
        Drm::Widevine,
        200,
        &common::error_case("hash_mismatch_7019"),
    ));
    assert_eq!(e.code(), Some(ServerCode::HASH_MISMATCH));
}

#[test]
fn json_to_original_for_playready_returns_the_text() {
    let license = json_to_original(Drm::PlayReady, 200, br#"{"license":"<soap:Envelope/>"}"#)
        .expect("license");
    assert_eq!(license.original_body(), b"<soap:Envelope/>");
}

// --- original answers ---------------------------------------------------------------------

#[test]
fn original_widevine_license_is_bytes() {
    let body = [0x08, 0x02, 0x12, 0x10, b'{', b'"'];
    let license =
        read_license(Drm::Widevine, ResponseFormat::Original, 200, &body).expect("license");
    assert_eq!(license.original_body(), body);
    assert!(license.details().is_none());
}

#[test]
fn original_fairplay_ckc_is_trimmed_and_decoded() {
    let license = read_license(
        Drm::FairPlay,
        ResponseFormat::Original,
        200,
        b"  AQID+g==\r\n",
    )
    .expect("license");
    assert_eq!(license.fairplay_ckc().expect("ckc"), [1, 2, 3, 250]);
    assert!(matches!(
        read_license(Drm::FairPlay, ResponseFormat::Original, 200, b"not base64!"),
        Err(ResponseError::Base64 { .. })
    ));
}

#[test]
fn clearkey_jwk_set_is_the_license() {
    let v = common::data("clearkey_w3c");
    let body = serde_json::to_vec(&v["license_example"]).expect("json");
    let license = read_license(Drm::ClearKey, ResponseFormat::Original, 200, &body).expect("jwk");
    assert_eq!(license.original_body(), &body[..]);
}

#[test]
fn widevine_service_certificate_answer_is_binary() {
    let v = common::data("widevine");
    let cert = STANDARD
        .decode(common::str_at(&v, "/docs_service_certificate/base64"))
        .expect("base64");
    assert_eq!(
        read_certificate(CertificateForm::Binary, 200, &cert).expect("cert"),
        cert
    );
}

#[test]
fn fairplay_certificate_base64_is_decoded() {
    let der = [0x30, 0x82, 0x01, 0x0a];
    let text = STANDARD.encode(der);
    assert_eq!(
        read_certificate(CertificateForm::Base64, 200, text.as_bytes()).expect("cert"),
        der
    );
}

#[test]
fn statuses_and_empty_bodies() {
    assert_eq!(
        classify(200, b""),
        Err(ResponseError::Empty { status: 200 })
    );
    assert!(matches!(
        classify(502, b"<html>bad gateway</html>"),
        Err(ResponseError::Status { status: 502, .. })
    ));
    assert!(matches!(
        classify(200, b"{not json"),
        Err(ResponseError::InvalidJson { .. })
    ));
    assert!(matches!(
        classify(200, b"\x08\x02"),
        Ok(Classified::Bytes(_))
    ));
}

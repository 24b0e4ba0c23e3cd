//! The upstream request of each DRM (spec `license.md` §2.5) and each FairPlay body shape
//! (`tests/data/fairplay_bodies.json`).

mod common;

use drm_license::fairplay::{spc_form, spc_shape};
use drm_license::request::{PLAYREADY_SOAP_ACTION, SERVICE_CERTIFICATE_REQUEST};
use drm_license::{
    ClientMeta, DeviceMeta, Drm, LicenseServer, LicenseToken, Method, PlayReadyStyle, RequestError,
    RequestOptions, SpcShape, UpstreamRequest,
};

const TOKEN: &str = "eyJkcm1fdHlwZSI6IldpZGV2aW5lIn0=";
const LICENSE_URL: &str = "https://drm-license.doverunner.com/ri/licenseManager.do";

fn token() -> LicenseToken {
    LicenseToken::new(TOKEN)
}

fn build(drm: Drm, body: &[u8]) -> UpstreamRequest {
    LicenseServer::default()
        .license_request(&RequestOptions::default(), drm, body, &token(), None)
        .expect("request")
        .request
}

fn assert_post(req: &UpstreamRequest, content_type: &str, body: &[u8]) {
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, LICENSE_URL);
    assert_eq!(req.header_value("Content-Type"), Some(content_type));
    assert_eq!(req.header_value("pallycon-customdata-v2"), Some(TOKEN));
    assert_eq!(req.body, body);
    assert!(!req.url.contains(TOKEN), "the token never goes in the URL");
    assert!(!format!("{req:?}").contains(TOKEN), "Debug hides the token");
}

#[test]
fn widevine_challenge_is_forwarded_as_octet_stream() {
    let challenge = [0x08, 0x01, 0x12, 0x00, 0xff, 0x7b];
    assert_post(
        &build(Drm::Widevine, &challenge),
        "application/octet-stream",
        &challenge,
    );
}

#[test]
fn widevine_service_certificate_request_is_08_04() {
    let v = common::data("widevine");
    assert_eq!(
        hex::encode(SERVICE_CERTIFICATE_REQUEST),
        common::str_at(&v, "/service_certificate_request/hex")
    );
    let req = LicenseServer::default()
        .service_certificate_request(&RequestOptions::default(), &token(), None)
        .expect("request");
    assert_post(&req, "application/octet-stream", &[0x08, 0x04]);
}

#[test]
fn playready_soap_style_sends_text_xml_and_soapaction() {
    let soap = br#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope/>"#;
    let req = build(Drm::PlayReady, soap);
    assert_post(&req, "text/xml; charset=utf-8", soap);
    assert_eq!(req.header_value("SOAPAction"), Some(PLAYREADY_SOAP_ACTION));
}

#[test]
fn playready_octet_stream_style_is_the_proxies_shape() {
    let soap = b"<soap:Envelope/>";
    let options = RequestOptions::default().playready(PlayReadyStyle::OctetStream);
    let req = LicenseServer::default()
        .license_request(&options, Drm::PlayReady, soap, &token(), None)
        .expect("request")
        .request;
    assert_post(&req, "application/octet-stream", soap);
    assert_eq!(req.header_value("SOAPAction"), None);
}

#[test]
fn ncg_form_body_is_forwarded_unchanged() {
    let body = b"mode=lic&encryptedKey=a%2Bb&encryptedData=x+y&signature=zz";
    assert_post(
        &build(Drm::Ncg, body),
        "application/x-www-form-urlencoded",
        body,
    );
}

#[test]
fn ncg_getserverinfo_is_a_get_without_token() {
    let req = LicenseServer::default().ncg_server_info_request();
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.url, format!("{LICENSE_URL}?mode=getserverinfo"));
    assert!(req.headers.is_empty());
    assert!(req.body.is_empty());
}

#[test]
fn wiseplay_challenge_is_sent_as_json() {
    let body = br#"{"challenge":"AAEC"}"#;
    assert_post(&build(Drm::WisePlay, body), "application/json", body);
}

#[test]
fn clearkey_post_is_the_android_sdk_shape() {
    let v = common::data("clearkey_w3c");
    let body = serde_json::to_vec(&v["license_request_example"]).expect("json");
    assert_post(&build(Drm::ClearKey, &body), "application/json", &body);
}

#[test]
fn clearkey_get_is_the_official_proxies_call() {
    let v = common::data("clearkey_w3c");
    let template = common::str_at(
        &v,
        "/doverunner_clearkey_call_in_official_proxy/url_template",
    );
    let req = LicenseServer::default()
        .clearkey_request("DEMO", "palmulti")
        .expect("request");
    assert_eq!(req.method, Method::Get);
    assert_eq!(
        req.url,
        template
            .replace("{siteId}", "DEMO")
            .replace("{cid}", "palmulti")
    );
    assert!(req.headers.is_empty(), "no token, no other header");
}

#[test]
fn fairplay_certificate_endpoints() {
    let server = LicenseServer::default();
    let b64 = server
        .fairplay_certificate_request("DEMO", false)
        .expect("b64");
    let der = server
        .fairplay_certificate_request("DEMO", true)
        .expect("der");
    assert_eq!(b64.method, Method::Get);
    assert_eq!(
        b64.url,
        "https://drm-license.doverunner.com/ri/fpsKeyManager.do?siteId=DEMO"
    );
    assert_eq!(
        der.url,
        "https://drm-license.doverunner.com/ri/fpsCert.do?siteId=DEMO"
    );
    assert!(b64.headers.is_empty() && der.headers.is_empty());
}

#[test]
fn widevine_certificate_endpoint() {
    let req = LicenseServer::default()
        .widevine_certificate_request("DE MO")
        .expect("request");
    assert_eq!(
        req.url,
        "https://drm-license.doverunner.com/ri/widevineCert.do?siteId=DE%20MO"
    );
}

#[test]
fn every_documented_path_is_built() {
    let v = common::data("endpoints");
    let server = LicenseServer::default();
    let urls = [
        server.license_url(),
        server.clearkey_url(),
        server.fps_cert_base64_url(),
        server.fps_cert_der_url(),
        server.widevine_cert_url(),
    ];
    for path in v["doverunner_paths"].as_array().expect("paths") {
        let path = common::str_at(path, "/path");
        assert!(
            urls.iter().any(|u| u.ends_with(path)),
            "no endpoint for {path}"
        );
    }
    for host in v["doverunner_hosts"].as_array().expect("hosts") {
        let host = format!("https://{}", common::str_at(host, "/host"));
        let s = LicenseServer::new(&host).expect("host");
        assert_eq!(s.license_url(), format!("{host}/ri/licenseManager.do"));
    }
}

#[test]
fn token_header_name_is_configurable() {
    let options = RequestOptions::default()
        .token_header("x-custom-token")
        .expect("name");
    let req = LicenseServer::default()
        .license_request(&options, Drm::Widevine, b"\x08\x01", &token(), None)
        .expect("request")
        .request;
    assert_eq!(req.header_value("x-custom-token"), Some(TOKEN));
    assert_eq!(req.header_value("pallycon-customdata-v2"), None);
    assert!(matches!(
        RequestOptions::default().token_header("bad name"),
        Err(RequestError::HeaderName { .. })
    ));
}

#[test]
fn bad_inputs_are_refused_with_their_reason() {
    let server = LicenseServer::default();
    let options = RequestOptions::default();
    assert_eq!(
        server
            .license_request(&options, Drm::Widevine, b"", &token(), None)
            .map(|_| ()),
        Err(RequestError::EmptyChallenge { drm: Drm::Widevine })
    );
    let big = vec![0u8; drm_license::request::MAX_CHALLENGE_LEN + 1];
    assert!(matches!(
        server.license_request(&options, Drm::Widevine, &big, &token(), None),
        Err(RequestError::ChallengeTooLarge { .. })
    ));
    let bad_token = LicenseToken::new("abc\r\nx-evil: 1");
    let err = server
        .license_request(&options, Drm::Widevine, b"\x08", &bad_token, None)
        .expect_err("CRLF");
    assert_eq!(err, RequestError::TokenValue);
    assert!(!err.to_string().contains("evil"));
    assert!(matches!(
        server.license_request(&options, Drm::FairPlay, b"hello world!", &token(), None),
        Err(RequestError::FairPlayBody(_))
    ));
    assert!(server.fairplay_certificate_request("", false).is_err());
}

// --- client meta -------------------------------------------------------------------------

#[test]
fn client_meta_is_forwarded_unchanged() {
    let v = common::data("client_meta");
    let value = common::str_at(&v, "/documented/value");
    let meta = ClientMeta::from_header_value(value).expect("header value");
    let req = LicenseServer::default()
        .license_request(
            &RequestOptions::default(),
            Drm::Widevine,
            b"\x08",
            &token(),
            Some(&meta),
        )
        .expect("request")
        .request;
    assert_eq!(req.header_value("pallycon-client-meta"), Some(value));
    assert_eq!(meta.decode(), Some(v["documented"]["decoded"].clone()));
}

#[test]
fn client_meta_android_sdk_shape() {
    let v = common::data("client_meta");
    let meta = ClientMeta::from_device(&DeviceMeta {
        device_id: None,
        device_model: Some("Pixel 7".into()),
        os_version: Some("14(34)".into()),
    });
    assert_eq!(
        meta.as_str(),
        common::str_at(&v, "/constructed/android_sdk_shape/value")
    );
}

#[test]
fn client_meta_ios_sdk_shape() {
    let v = common::data("client_meta");
    let meta = ClientMeta::from_device(&DeviceMeta {
        device_id: Some(String::new()),
        device_model: Some("iPhone 15 Pro".into()),
        os_version: Some("17.5".into()),
    });
    assert_eq!(
        meta.as_str(),
        common::str_at(&v, "/constructed/ios_sdk_shape/value")
    );
}

#[test]
fn client_meta_from_json_text() {
    let v = common::data("client_meta");
    let text = common::str_at(&v, "/constructed/android_sdk_shape/decoded_text");
    let meta = ClientMeta::from_json(text).expect("json");
    assert_eq!(
        meta.as_str(),
        common::str_at(&v, "/constructed/android_sdk_shape/value")
    );
}

// --- FairPlay body shapes ----------------------------------------------------------------

fn fairplay_upstream(name: &str) -> (SpcShape, Vec<u8>, Vec<u8>) {
    let v = common::fairplay_variant(name);
    let body = match v.get("body").and_then(|b| b.as_str()) {
        Some(text) => text.as_bytes().to_vec(),
        None => hex::decode(common::str_at(&v, "/body_hex")).expect("hex"),
    };
    let built = LicenseServer::default()
        .license_request(
            &RequestOptions::default(),
            Drm::FairPlay,
            &body,
            &token(),
            None,
        )
        .expect(name);
    assert_eq!(
        built.request.header_value("Content-Type"),
        Some("application/x-www-form-urlencoded"),
        "{name}"
    );
    (built.spc_shape.expect("shape"), body, built.request.body)
}

#[test]
fn fairplay_form_percent_encoded_is_forwarded_unchanged() {
    let (shape, body, sent) = fairplay_upstream("form_percent_encoded");
    assert_eq!(shape, SpcShape::Form);
    assert_eq!(sent, body);
}

#[test]
fn fairplay_form_unencoded_plus_is_forwarded_unchanged() {
    let (shape, body, sent) = fairplay_upstream("form_unencoded_plus");
    assert_eq!(shape, SpcShape::Form);
    assert_eq!(sent, body, "never decoded and re-encoded: '+' stays '+'");
    assert!(sent.contains(&b'+'));
}

#[test]
fn fairplay_form_with_trailing_asset_id_is_forwarded_unchanged() {
    let (shape, body, sent) = fairplay_upstream("form_with_trailing_asset_id");
    assert_eq!(shape, SpcShape::Form);
    assert_eq!(sent, body);
}

#[test]
fn fairplay_raw_base64_body_is_forwarded_unchanged() {
    let (shape, body, sent) = fairplay_upstream("raw_base64_body");
    assert_eq!(shape, SpcShape::Base64);
    assert_eq!(sent, body);
}

#[test]
fn fairplay_raw_base64_body_no_content_type_is_forwarded_unchanged() {
    let (shape, body, sent) = fairplay_upstream("raw_base64_body_no_content_type");
    assert_eq!(shape, SpcShape::Base64);
    assert_eq!(sent, body);
}

#[test]
fn fairplay_spc_in_query_binary_body_becomes_the_percent_encoded_form() {
    let (shape, body, sent) = fairplay_upstream("spc_in_query_binary_body");
    assert_eq!(shape, SpcShape::Raw);
    let form = common::fairplay_variant("form_percent_encoded");
    let expected = common::str_at(&form, "/body");
    assert_eq!(sent, expected.as_bytes());
    assert_eq!(spc_form(&body), expected.as_bytes());
}

#[test]
fn fairplay_raw_spc_bytes_become_spc_form() {
    let v = common::data("fairplay_bodies");
    let spc = hex::decode(common::str_at(&v, "/fake_spc_hex")).expect("hex");
    assert_eq!(spc_shape(&spc), Ok(SpcShape::Raw));
    let form = common::fairplay_variant("form_percent_encoded");
    let expected = common::str_at(&form, "/body");
    assert_eq!(build(Drm::FairPlay, &spc).body, expected.as_bytes());
}

#[test]
fn playready_key_message_is_unwrapped_to_its_soap_challenge() {
    let message = concat!(
        r#"<PlayReadyKeyMessage type="LicenseAcquisition"><LicenseAcquisition Version="1">"#,
        r#"<Challenge encoding="base64encoded">PHNvYXA6RW52ZWxvcGUvPg==</Challenge><HttpHeaders>"#,
        r#"<HttpHeader><name>SOAPAction</name><value>&quot;http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense&quot;</value></HttpHeader>"#,
        r#"</HttpHeaders></LicenseAcquisition></PlayReadyKeyMessage>"#
    );
    let utf16: Vec<u8> = message.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let built = LicenseServer::default()
        .license_request(
            &RequestOptions::default(),
            Drm::PlayReady,
            &utf16,
            &token(),
            None,
        )
        .expect("request");
    assert!(built.unwrapped_key_message);
    assert_post(
        &built.request,
        "text/xml; charset=utf-8",
        b"<soap:Envelope/>",
    );
    assert_eq!(
        built.request.header_value("SOAPAction"),
        Some("\"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense\"")
    );
    // The proxies' style forwards the body byte for byte.
    let options = RequestOptions::default().playready(PlayReadyStyle::OctetStream);
    let built = LicenseServer::default()
        .license_request(&options, Drm::PlayReady, &utf16, &token(), None)
        .expect("request");
    assert!(!built.unwrapped_key_message);
    assert_eq!(built.request.body, utf16);
}

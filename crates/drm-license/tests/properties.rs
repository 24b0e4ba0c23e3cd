//! Hostile bodies: classification never panics, and a body that does not start with `{`
//! (after whitespace) is never taken for JSON or an error.

use drm_license::fairplay::upstream_body;
use drm_license::{
    CertificateForm, Classified, Drm, ResponseError, ResponseFormat, classify, read_certificate,
    read_license,
};
use proptest::prelude::*;

fn format() -> impl Strategy<Value = ResponseFormat> {
    prop_oneof![
        Just(ResponseFormat::Original),
        Just(ResponseFormat::Json),
        Just(ResponseFormat::Custom)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512),
                                   status in 100u16..600, drm in 0usize..6, format in format()) {
        let drm = Drm::ALL[drm];
        let _ = classify(status, &body);
        let _ = read_license(drm, format, status, &body);
        let _ = read_certificate(CertificateForm::Base64, status, &body);
        let _ = read_certificate(CertificateForm::Binary, status, &body);
        let _ = upstream_body(&body);
        let _ = drm_license::playready::unwrap_key_message(&body);
    }

    #[test]
    fn json_shaped_bytes_never_panic(body in r#"[ \r\n]{0,2}\{("[a-zA-Z]{0,12}":)?.{0,64}\}?"#,
                                     drm in 0usize..6) {
        let _ = read_license(Drm::ALL[drm], ResponseFormat::Json, 200, body.as_bytes());
    }

    #[test]
    fn key_message_shaped_text_never_panics(body in r"<PlayReadyKeyMessage>(<(Challenge|HttpHeader|name|value)[ >]?[A-Za-z0-9+/=]{0,8}(</(Challenge|HttpHeader|name|value)>)?){0,8}") {
        let utf16: Vec<u8> = body.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let _ = drm_license::playready::unwrap_key_message(body.as_bytes());
        let _ = drm_license::playready::unwrap_key_message(&utf16);
    }

    #[test]
    fn binary_is_never_taken_for_json(
        first in any::<u8>().prop_filter("not { or whitespace", |b| !b" \t\r\n{".contains(b)),
        rest in proptest::collection::vec(any::<u8>(), 0..256),
        drm in 0usize..6,
    ) {
        let mut body = vec![first];
        body.extend_from_slice(&rest);
        body.extend_from_slice(br#"{"errorCode":"7011","message":"Token is expired."}"#);
        match classify(200, &body) {
            Ok(Classified::Bytes(b)) => prop_assert_eq!(b, &body[..]),
            other => prop_assert!(false, "binary body classified as {:?}", other),
        }
        let drm = Drm::ALL[drm];
        match read_license(drm, ResponseFormat::Original, 200, &body) {
            Ok(license) => prop_assert_eq!(license.original_body(), &body[..]),
            Err(ResponseError::Base64 { .. }) => prop_assert_eq!(drm, Drm::FairPlay),
            Err(e) => prop_assert!(false, "{:?}", e),
        }
    }

    #[test]
    fn raw_spc_round_trips_through_the_form(spc in proptest::collection::vec(any::<u8>(), 1..256)
        .prop_filter("binary", |s| s.iter().any(|b| *b >= 0x80))) {
        use base64::Engine as _;
        let (_, form) = upstream_body(&spc).expect("raw SPC is accepted");
        let text = std::str::from_utf8(&form).expect("ascii");
        let value = text.strip_prefix("spc=").expect("spc=");
        prop_assert!(!value.contains(['+', '/', '=']));
        let decoded = percent_encoding::percent_decode_str(value).decode_utf8().expect("utf8");
        prop_assert_eq!(base64::engine::general_purpose::STANDARD.decode(decoded.as_bytes()).expect("b64"), spc);
    }
}

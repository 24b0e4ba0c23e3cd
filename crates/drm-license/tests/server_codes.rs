//! `ServerCode` against the published table (`tests/data/error_codes.json`).

mod common;

use drm_license::ServerCode;

#[test]
fn every_published_code_has_its_exact_message() {
    let table = common::data("error_codes");
    let codes = table["codes"].as_array().expect("codes");
    assert_eq!(codes.len(), 67);
    assert_eq!(ServerCode::all().len(), codes.len());
    for row in codes {
        let number = common::str_at(row, "/code");
        let code = ServerCode::parse(number).expect(number);
        assert_eq!(
            code.message(),
            Some(common::str_at(row, "/message_en")),
            "message of {number}"
        );
        let callback = common::str_at(row, "/integration").starts_with("callback");
        assert_eq!(
            code.is_callback_only(),
            callback,
            "callback flag of {number}"
        );
    }
}

#[test]
fn every_constant_is_in_the_published_table() {
    let table = common::data("error_codes");
    let listed: Vec<&str> = table["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|r| common::str_at(r, "/code"))
        .collect();
    for code in ServerCode::all() {
        assert!(listed.contains(&code.to_string().as_str()), "{code:?}");
    }
}

//! Loading the vectors of `tests/data/`.
#![allow(dead_code, unreachable_pub)]

use serde_json::Value;

pub fn data(name: &str) -> Value {
    let text = match name {
        "error_codes" => include_str!("../data/error_codes.json"),
        "error_bodies" => include_str!("../data/error_bodies.json"),
        "fairplay_bodies" => include_str!("../data/fairplay_bodies.json"),
        "client_meta" => include_str!("../data/client_meta.json"),
        "json_license_response" => include_str!("../data/json_license_response.json"),
        "widevine" => include_str!("../data/widevine.json"),
        "clearkey_w3c" => include_str!("../data/clearkey_w3c.json"),
        "endpoints" => include_str!("../data/endpoints.json"),
        other => panic!("no vector file {other}"),
    };
    serde_json::from_str(text).expect("vector JSON")
}

pub fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} is not a string"))
}

/// The variant of `fairplay_bodies.json` named `name`.
pub fn fairplay_variant(name: &str) -> Value {
    data("fairplay_bodies")["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no FairPlay variant {name}"))
        .clone()
}

/// The constructed error body named `name`, as compact JSON bytes.
pub fn error_case(name: &str) -> Vec<u8> {
    let v = data("error_bodies")["constructed"]["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no error case {name}"))
        .clone();
    serde_json::to_vec(&v["body"]).expect("body")
}

pub fn documented_error(name: &str) -> Vec<u8> {
    let v = data("error_bodies")["documented"]
        .as_array()
        .expect("documented")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no documented error {name}"))
        .clone();
    str_at(&v, "/body_text").as_bytes().to_vec()
}

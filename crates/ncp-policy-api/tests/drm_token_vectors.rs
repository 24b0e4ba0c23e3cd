//! Every case of `tests/data/drm_token.json` as its own test.
#![allow(clippy::unwrap_used, missing_docs)]

use ncp_policy_api::DrmToken;
use serde_json::Value;

fn check(index: usize) {
    let all: Value = serde_json::from_str(include_str!("data/drm_token.json")).unwrap();
    let c = &all["cases"][index];
    let s = |k: &str| c["inputs"][k].as_str().unwrap().to_owned();
    let token = DrmToken {
        site_id: s("siteId"),
        content_id: s("contentId"),
        drm_type: s("drmType"),
        response_format: s("responseFormat"),
        user_id: s("userId"),
    };
    assert_eq!(token.to_json(), c["json"].as_str().unwrap());
    assert_eq!(token.encode(), c["x_drm_token"].as_str().unwrap());
    assert_eq!(DrmToken::decode(&token.encode()).unwrap(), token);
}

#[test]
fn widevine_original() {
    check(0);
}

#[test]
fn playready_json() {
    check(1);
}

#[test]
fn fairplay_original() {
    check(2);
}

#[test]
fn three_cases() {
    let all: Value = serde_json::from_str(include_str!("data/drm_token.json")).unwrap();
    assert_eq!(all["cases"].as_array().unwrap().len(), 3);
}

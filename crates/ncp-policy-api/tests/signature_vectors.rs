//! Every case of `tests/data/signature_v2.json` as its own test, checked stage by stage:
//! request target, string to sign (text and bytes), signature, verification, header set.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use ncp_policy_api::signature::{
    self, HEADER_DRM_TOKEN, request_target, request_target_raw, signed_headers, string_to_sign,
};
use ncp_policy_api::{AccessKey, SecretKey};
use serde_json::Value;

const VECTORS: &str = include_str!("data/signature_v2.json");

fn case(name: &str) -> Value {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no vector named {name}"))
        .clone()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => panic!("unexpected query value {other}"),
    }
}

fn check(name: &str) {
    let c = case(name);
    let path = c["path"].as_str().unwrap();
    let method = c["method"].as_str().unwrap();
    let ts: u64 = c["timestamp"].as_str().unwrap().parse().unwrap();
    let ak = AccessKey::new(c["access_key"].as_str().unwrap());
    let sk = SecretKey::new(c["secret_key"].as_str().unwrap());

    // Stage 1: request target.
    let target = match &c["query_input"] {
        Value::Null => request_target(path, &[]),
        Value::String(raw) => request_target_raw(path, raw),
        Value::Array(pairs) => {
            let owned: Vec<(String, String)> =
                pairs.iter().map(|p| (text(&p[0]), text(&p[1]))).collect();
            let borrowed: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            request_target(path, &borrowed)
        }
        other => panic!("unexpected query_input {other}"),
    };
    assert_eq!(
        target,
        c["request_target"].as_str().unwrap(),
        "{name}: request target"
    );
    if let Some(url) = c["url"].as_str() {
        let base = url.strip_suffix(target.as_str()).unwrap();
        assert_eq!(base, "https://multi-drm.apigw.ntruss.com", "{name}: url");
    }

    // Stage 2: string to sign, text and exact bytes.
    let sts = string_to_sign(method, &target, ts, &ak);
    assert_eq!(
        sts,
        c["string_to_sign"].as_str().unwrap(),
        "{name}: string to sign"
    );
    assert_eq!(
        hex(sts.as_bytes()),
        c["string_to_sign_hex"].as_str().unwrap(),
        "{name}: string to sign bytes"
    );
    let lower = string_to_sign(&method.to_ascii_lowercase(), &target, ts, &ak);
    assert_eq!(lower, sts, "{name}: method case");

    // Stage 3: signature, and verification of it.
    let sig = signature::sign(method, &target, ts, &ak, &sk);
    assert_eq!(sig, c["signature"].as_str().unwrap(), "{name}: signature");
    assert!(
        signature::verify(method, &target, ts, &ak, &sk, &sig),
        "{name}: verify"
    );
    assert!(
        !signature::verify(method, &target, ts + 1, &ak, &sk, &sig),
        "{name}: verify with another timestamp"
    );

    // Stage 4: the full header set (x-drm-token is added by license calls, checked below).
    let headers = signed_headers(
        method,
        &target,
        ts,
        &ak,
        &sk,
        signature::DEFAULT_REGION_CODE,
    );
    let ours: BTreeMap<String, String> = headers
        .to_vec()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut expected: BTreeMap<String, String> = c["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    if let Some(token) = expected.remove(HEADER_DRM_TOKEN) {
        let tokens: Value = serde_json::from_str(include_str!("data/drm_token.json")).unwrap();
        let inputs = tokens["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["x_drm_token"] == token.as_str())
            .map(|t| t["inputs"].clone())
            .unwrap();
        let built = ncp_policy_api::DrmToken {
            site_id: text(&inputs["siteId"]),
            content_id: text(&inputs["contentId"]),
            drm_type: text(&inputs["drmType"]),
            response_format: text(&inputs["responseFormat"]),
            user_id: text(&inputs["userId"]),
        };
        assert_eq!(built.encode(), token, "{name}: x-drm-token");
    }
    assert_eq!(ours, expected, "{name}: headers");
    assert_eq!(headers.signature(), sig);
    assert_eq!(headers.timestamp(), c["timestamp"].as_str().unwrap());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

macro_rules! vectors {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*

        #[test]
        fn every_vector_has_a_test() {
            let all: Value = serde_json::from_str(VECTORS).unwrap();
            let mut names: Vec<String> = all["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_owned())
                .collect();
            names.sort();
            let mut ours = vec![$(stringify!($name).to_owned()),*];
            ours.sort();
            assert_eq!(names, ours);
        }
    };
}

vectors!(
    doc_sample_uri,
    no_query_no_question_mark,
    policy_list,
    policy_create,
    policy_delete,
    policy_log,
    site_list,
    site_on,
    license_statistics_encoded,
    license_request_widevine,
    public_go_sdk_vector,
    public_ts_mcp_vector,
);

#[test]
fn long_secret_key_is_hashed_first() {
    // Computed with Python's hmac module: keys longer than the SHA-256 block are hashed.
    let ak = AccessKey::new("ak");
    let long = SecretKey::new("K".repeat(100));
    let block = SecretKey::new("K".repeat(64));
    assert_eq!(
        signature::sign("GET", "/x", 1, &ak, &long),
        "97tvw7MgKvYZqbzZ97UKSy+DW/cDeta9ALnAyCOZZzg="
    );
    assert_eq!(
        signature::sign("GET", "/x", 1, &ak, &block),
        "82JBIz0SkitnkTKy6SG2cvJOzxFWPqoILcexGt0kHC0="
    );
}

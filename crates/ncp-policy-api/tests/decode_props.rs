//! Property tests: hostile bodies into the response decoders never panic.
#![allow(clippy::unwrap_used, missing_docs)]

use ncp_policy_api::model::envelope::parse_error_body;
use ncp_policy_api::{
    DrmToken, LicenseRecord, Policy, PolicyLogEntry, PolicyRequest, Site, SiteLogEntry,
    SiteRequest, decode,
};
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z0-9_ -]{0,12}".prop_map(Value::from),
        prop_oneof![
            Just("150"),
            Just("-1"),
            Just("Y"),
            Just("N"),
            Just("READY"),
            Just("HDCP_V2"),
            Just("1e400"),
            Just("")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("success".to_owned()),
            Just("content".to_owned()),
            Just("total".to_owned()),
            Just("error".to_owned()),
            Just("code".to_owned()),
            Just("errorCode".to_owned()),
            Just("policyId".to_owned()),
            Just("siteId".to_owned()),
            Just("drmPolicyConfig".to_owned()),
            Just("wideVine".to_owned()),
            Just("widevine".to_owned()),
            Just("playready".to_owned()),
            Just("fairPlay".to_owned()),
            Just("useYn".to_owned()),
            Just("securityLevel".to_owned()),
            Just("hdcpEnforcement".to_owned()),
            Just("policyStatus".to_owned()),
            Just("timestamp".to_owned()),
            Just("fairPlayCert".to_owned()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn all_decoders(status: u16, body: &[u8]) {
    let _ = decode::<Policy>(status, body);
    let _ = decode::<Option<Policy>>(status, body);
    let _ = decode::<Option<Vec<Policy>>>(status, body);
    let _ = decode::<Site>(status, body);
    let _ = decode::<Option<Vec<Site>>>(status, body);
    let _ = decode::<Option<Vec<PolicyLogEntry>>>(status, body);
    let _ = decode::<Option<Vec<SiteLogEntry>>>(status, body);
    let _ = decode::<Option<Vec<LicenseRecord>>>(status, body);
    let _ = parse_error_body(body);
    let _ = PolicyRequest::from_json(body);
    let _ = SiteRequest::from_json(body);
    if let Ok(text) = std::str::from_utf8(body) {
        let _ = DrmToken::decode(text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..256)) {
        all_decoders(status, &body);
    }

    #[test]
    fn arbitrary_json_never_panics(status in prop_oneof![Just(200u16), Just(401), Just(404), Just(500), 100u16..600], value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        all_decoders(status, &body);
        let wrapped = serde_json::to_vec(&serde_json::json!({"success": true, "content": value, "total": 1})).unwrap();
        all_decoders(status, &wrapped);
    }

    #[test]
    fn decoded_policies_serialize(value in json_value()) {
        let body = serde_json::to_vec(&serde_json::json!({"content": value})).unwrap();
        if let Ok(envelope) = decode::<Policy>(200, &body) {
            let text = serde_json::to_string(&envelope.content).unwrap();
            let again = decode::<Policy>(200, format!("{{\"content\":{text}}}").as_bytes());
            prop_assert!(again.is_ok(), "{text}");
        }
    }
}

//! The NCP One Click Multi DRM response decoding on arbitrary bytes: `ncp_policy_api::decode`
//! into every model type, both error shapes, the request-body readers and the `x-drm-token`
//! header decoder. Invariants: errors keep a bounded body; a decoded policy or site
//! re-serialises and decodes back equal; a decoded `x-drm-token` re-encodes to the same token.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ncp_policy_api::model::envelope::{MAX_ERROR_BODY_KEPT, parse_error_body};
use ncp_policy_api::{
    DrmToken, Envelope, Error, LicenseRecord, ListPage, Policy, PolicyLogEntry, PolicyRequest,
    Site, SiteLogEntry, SiteRequest, decode,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn check_error(e: &Error, status: u16) {
    let _ = e.to_string();
    let _ = e.code();
    let _ = e.is_retryable();
    let _ = e.is_remote_failure();
    if let Some(s) = e.status() {
        assert_eq!(s, status);
    }
    if let Some(body) = e.body() {
        // Lossy UTF-8 turns a bad byte into a 3-byte U+FFFD at worst.
        assert!(
            body.len() <= 3 * MAX_ERROR_BODY_KEPT,
            "error keeps a {}-byte body",
            body.len()
        );
    }
}

fn typed<T: DeserializeOwned>(status: u16, body: &[u8]) -> Option<Envelope<T>> {
    match decode::<T>(status, body) {
        Ok(envelope) => {
            assert!(
                (200..300).contains(&status),
                "decoded a body with status {status}"
            );
            Some(envelope)
        }
        Err(e) => {
            check_error(&e, status);
            None
        }
    }
}

/// Whether a JSON value holds a non-integer number (serde_json reads those with a fast
/// algorithm that is not always correctly rounded, so they may change in a text round trip).
fn has_float(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(n) => n.is_f64(),
        serde_json::Value::Array(items) => items.iter().any(has_float),
        serde_json::Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

/// A decoded object serialises to JSON that decodes back (equal, unless it holds floats).
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_value(value).expect("a decoded model serialises");
    let text = json.to_string();
    let body = format!("{{\"success\":true,\"content\":{text}}}");
    let again = decode::<T>(200, body.as_bytes())
        .unwrap_or_else(|e| panic!("re-decoding our own serialisation failed: {e}\n{text}"));
    if !has_float(&json) {
        assert_eq!(
            &again.content, value,
            "round trip changed the value\n{text}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(e) = typed::<Policy>(200, data) {
        round_trip(&e.content);
    }
    if let Some(e) = typed::<Option<Vec<Policy>>>(200, data) {
        let page = ListPage::from(Envelope {
            content: e.content.unwrap_or_default(),
            total: e.total,
        });
        for p in &page.items {
            round_trip(p);
        }
    }
    if let Some(e) = typed::<Site>(200, data) {
        round_trip(&e.content);
    }
    let _ = typed::<Option<Policy>>(200, data);
    let _ = typed::<Option<Vec<Site>>>(200, data);
    let _ = typed::<Option<Vec<PolicyLogEntry>>>(200, data);
    let _ = typed::<Option<Vec<SiteLogEntry>>>(200, data);
    let _ = typed::<Option<Vec<LicenseRecord>>>(200, data);
    for status in [201u16, 400, 401, 404, 429, 502] {
        let _ = typed::<serde_json::Value>(status, data);
    }
    let _ = parse_error_body(data);
    if let Ok(request) = PolicyRequest::from_json(data) {
        let text = serde_json::to_vec(&request).expect("a request body serialises");
        let again = PolicyRequest::from_json(&text).expect("our policy request body reads back");
        assert_eq!(again, request);
    }
    if let Ok(request) = SiteRequest::from_json(data) {
        let text = serde_json::to_vec(&request).expect("a request body serialises");
        let again = SiteRequest::from_json(&text).expect("our site request body reads back");
        assert_eq!(again, request);
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(token) = DrmToken::decode(text)
    {
        let again = DrmToken::decode(&token.encode()).expect("our x-drm-token decodes");
        assert_eq!(again, token);
    }
});

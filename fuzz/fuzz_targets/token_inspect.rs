//! `drm_token::inspect` on arbitrary input, without and with the site's keys.
//!
//! Every input is tried twice: as the token text itself, and as the token JSON (the harness
//! base64-encodes it), so mutations reach the JSON reader and the policy envelope directly.
//! Seeds: the tokens and token JSONs of the reference vectors (their keys are the ones below).

#![no_main]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_token::{AccessKey, InspectOptions, SiteKey, Timestamp, inspect};
use libfuzzer_sys::fuzz_target;

/// The tutorial site key of every token vector.
const SITE_KEY: [u8; 32] = *b"lU5D8s3PWoLls3PWFWkClULlFWk5D8oC";
/// The tutorial access key of every token vector.
const ACCESS_KEY: &str = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20";
/// Vectors are minted at 2025-06-01T12:34:56Z; this is inside their 600 s window.
const NOW_UNIX: i64 = 1_748_781_396 + 60;

fn check(token: &str, options: &InspectOptions<'_>) {
    let Ok(report) = inspect(token, options) else {
        return;
    };
    // What `multidrm token inspect` prints must always serialise.
    let json = serde_json::to_string(&report).expect("an Inspection always serialises");
    assert!(!json.is_empty());
    // Cheap consistency checks.
    assert_eq!(report.time.window_seconds, options.validity_secs);
    if options.site_key.is_none() {
        assert!(report.policy.is_none(), "no site key, yet a policy report");
    }
    if options.access_key.is_none() {
        assert!(report.hash.is_none(), "no access key, yet a hash report");
    }
    if let Some(policy) = &report.policy
        && policy.decrypted
    {
        assert!(policy.plaintext.is_some() || policy.error.is_some());
    }
    if report.is_acceptable() {
        assert!(report.problems.is_empty());
    }
}

fuzz_target!(|data: &[u8]| {
    let now = Timestamp::from_unix(NOW_UNIX).expect("a valid instant");
    let site_key = SiteKey::from_bytes(SITE_KEY);
    let access = AccessKey::new(ACCESS_KEY).expect("a valid access key");
    let bare = InspectOptions::new(now);
    let keyed = InspectOptions::new(now)
        .site_key(&site_key)
        .access_key(&access);

    // 1. The input is the token text.
    if let Ok(text) = std::str::from_utf8(data) {
        check(text, &bare);
        check(text, &keyed);
    }
    // 2. The input is the token JSON.
    let token = STANDARD.encode(data);
    check(&token, &bare);
    check(&token, &keyed);
});

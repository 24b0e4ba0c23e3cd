//! The policy reader on arbitrary bytes: `drm_policy::read::check`, `Policy::from_json_bytes`,
//! and the round trip of every policy that reads: it writes (both JSON styles) and reads back
//! equal.

#![no_main]

use std::sync::OnceLock;

use drm_policy::{JsonStyle, Policy};
use libfuzzer_sys::fuzz_target;

/// `FUZZ_ALLOW_KNOWN=1` lets a run go on past the bugs already reported (see fuzz/README.md);
/// without it the target stays strict, so `corpus/regressions/policy_parse` crashes until fixed.
fn allow_known() -> bool {
    static ALLOW: OnceLock<bool> = OnceLock::new();
    *ALLOW.get_or_init(|| std::env::var_os("FUZZ_ALLOW_KNOWN").is_some_and(|v| v == "1"))
}

fuzz_target!(|data: &[u8]| {
    let violations = drm_policy::read::check(data);
    for v in &violations {
        let _ = v.to_string();
        assert!(
            v.path.starts_with('$'),
            "violation path {:?} is not a JSON path",
            v.path
        );
    }
    let parsed = Policy::from_json_bytes(data);
    assert_eq!(
        parsed.is_ok(),
        violations.is_empty(),
        "from_json_bytes and check disagree"
    );
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(Policy::from_json(text).is_ok(), parsed.is_ok());
    }
    match parsed {
        Err(e) => {
            assert!(!e.violations().is_empty());
            let _ = e.to_string();
        }
        Ok(policy) => {
            // Known (reported): an `external_key` whose lists are all empty reads without 1018
            // (and is written as `{}`, which then does not read back).
            if allow_known() && policy.external_key.as_ref().is_some_and(|e| e.is_empty()) {
                return;
            }
            assert!(
                policy.validate().is_ok(),
                "a policy that reads must validate"
            );
            for style in [JsonStyle::Compact, JsonStyle::Python] {
                let json = policy.to_json(style);
                let again = Policy::from_json(&json).unwrap_or_else(|e| {
                    panic!("re-reading our own {style:?} output failed: {e}\n{json}")
                });
                assert_eq!(
                    again, policy,
                    "{style:?} round trip changed the policy\n{json}"
                );
                // The same text through serde_json's value and the value reader.
                let value: serde_json::Value =
                    serde_json::from_str(&json).expect("our output is JSON");
                let from_value = Policy::from_json_value(&value).expect("value reader accepts it");
                assert_eq!(from_value, policy);
            }
        }
    }
});

//! The policy reader on arbitrary bytes: `drm_policy::read::check`, `Policy::from_json_bytes`,
//! and the round trip of every policy that reads: it writes (both JSON styles) and reads back
//! equal.

#![no_main]

use drm_policy::{JsonStyle, Policy};
use libfuzzer_sys::fuzz_target;

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

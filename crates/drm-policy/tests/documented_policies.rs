//! Issue 10, class 1: policies the vendor documents or its official samples write are valid.
//! The offline-duration rule ("rental/playback duration above 0 needs persistent") is this
//! project's advice, not an official rule: an [`Advisory`] without a code, never a violation
//! borrowing 1049/1050 (which mean "should be Integer").

use drm_policy::Policy;
use drm_policy::validate::Advisory;

fn valid(name: &str, text: &str) -> Policy {
    let violations = drm_policy::read::check(text.as_bytes());
    assert!(violations.is_empty(), "{name}: {violations:?}");
    Policy::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

macro_rules! documented {
    ($($test:ident: $file:literal;)*) => {$(
        #[test]
        fn $test() {
            let policy = valid($file, include_str!(concat!("data/", $file)));
            assert_eq!(policy.advisories(), Vec::<Advisory>::new(), $file);
        }
    )*};
}

documented! {
    docs_server_expansion_of_policy_version_2_is_valid: "docs_basic_streaming_expanded.json";
    docs_offline_output_security_is_valid: "docs_offline_output_security.json";
    docs_security_per_track_is_valid: "docs_security_per_track.json";
    docs_sd_only_is_valid: "docs_sd_only.json";
    php_sample_zero_durations_v08_are_valid: "php3_v08_policy.json";
    php_sample_zero_durations_v09_are_valid: "php3_v09_policy.json";
}

#[test]
fn zero_durations_without_persistent_are_valid_without_advice() {
    for text in [
        r#"{"policy_version":2,"playback_policy":{"rental_duration":0,"playback_duration":0}}"#,
        r#"{"policy_version":2,"playback_policy":{"persistent":false,"rental_duration":0}}"#,
    ] {
        assert!(valid(text, text).advisories().is_empty(), "{text}");
    }
}

#[test]
fn positive_rental_without_persistent_is_advice_not_a_violation() {
    let text = r#"{"policy_version":2,"playback_policy":{"persistent":false,"rental_duration":60,"playback_duration":30}}"#;
    let advice = valid(text, text).advisories();
    let paths: Vec<&str> = advice.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.playback_policy.rental_duration",
            "$.playback_policy.playback_duration"
        ]
    );
    assert!(advice[0].message.contains("not an official rule"));
}

#[test]
fn positive_rental_with_persistent_needs_no_advice() {
    let text = r#"{"policy_version":2,"playback_policy":{"persistent":true,"rental_duration":60,"playback_duration":30}}"#;
    assert!(valid(text, text).advisories().is_empty());
}

#[test]
fn codes_1049_and_1050_still_mean_should_be_integer() {
    for (text, code) in [
        (
            r#"{"policy_version":2,"playback_policy":{"rental_duration":"60"}}"#,
            1049,
        ),
        (
            r#"{"policy_version":2,"playback_policy":{"playback_duration":1.5}}"#,
            1050,
        ),
    ] {
        let v = drm_policy::read::check(text.as_bytes());
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        assert_eq!(v[0].code.get(), code);
    }
}

#[test]
fn many_duplicate_security_entries_are_reported_linearly() {
    // 40,000 entries of one track type: every duplicate reported, the set of seen types stays
    // at one element (the check is linear in the entries).
    let entry = r#"{"track_type":"ALL"}"#;
    let list = vec![entry; 40_000].join(",");
    let text = format!(r#"{{"policy_version":2,"security_policy":[{list}]}}"#);
    let v = drm_policy::read::check(text.as_bytes());
    assert_eq!(v.len(), 39_999);
    assert!(v.iter().all(|v| v.code.get() == 1013));
}

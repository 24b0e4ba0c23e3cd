//! Property tests of the signer: encoding is reversible and only emits unreserved characters
//! and `%XX`; a signature verifies for exactly its own inputs.
#![allow(clippy::unwrap_used, missing_docs)]

use ncp_policy_api::signature::{encode_component, request_target, sign, verify};
use ncp_policy_api::{AccessKey, SecretKey};
use proptest::prelude::*;

proptest! {
    #[test]
    fn encoding_is_reversible_and_safe(value in any::<String>()) {
        let encoded = encode_component(&value);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        let decoded = percent_encoding::percent_decode_str(&encoded).decode_utf8().unwrap();
        prop_assert_eq!(decoded, value);
    }

    #[test]
    fn targets_never_end_with_a_question_mark(path in "/[a-z/]{0,10}", pairs in prop::collection::vec(("[a-z]{1,5}", ".{0,5}"), 0..4)) {
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let target = request_target(&path, &borrowed);
        prop_assert!(!target.ends_with('?'));
        prop_assert_eq!(target.contains('?'), !pairs.is_empty());
    }

    #[test]
    fn signatures_verify_only_their_inputs(
        method in "[a-zA-Z]{1,7}", target in "/.{0,30}", ts in any::<u64>(),
        ak in ".{0,20}", sk in ".{0,80}", other in "[a-z]{1,8}",
    ) {
        let (a, s) = (AccessKey::new(ak), SecretKey::new(sk.clone()));
        let sig = sign(&method, &target, ts, &a, &s);
        prop_assert!(verify(&method, &target, ts, &a, &s, &sig));
        let longer_target = format!("{target}{other}");
        let other_key = SecretKey::new(format!("{sk}{other}"));
        prop_assert!(!verify(&method, &longer_target, ts, &a, &s, &sig));
        prop_assert!(!verify(&method, &target, ts.wrapping_add(1), &a, &s, &sig));
        prop_assert!(!verify(&method, &target, ts, &a, &other_key, &sig));
    }
}

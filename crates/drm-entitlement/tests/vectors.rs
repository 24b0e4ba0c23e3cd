//! The shared reference vectors (request, response, rendering) and the oracle-generated cases,
//! one named test per vector.
#![allow(clippy::unwrap_used, missing_docs)]

use drm_entitlement::{
    JsonObject, NullPolicy, NumberType, RenderProfile, Rendering, SharedSecret, Value,
    request_message, response_message, sign_request, sign_response, verify_request,
    verify_response,
};
use serde_json::Value as J;

const REQUESTS: &str = include_str!("data/request_vectors.json");
const RESPONSES: &str = include_str!("data/response_vectors.json");
const RENDERING: &str = include_str!("data/rendering_vectors.json");
const ORACLE: &str = include_str!("data/oracle_cases.json");

fn case(file: &str, name: &str) -> J {
    let doc: J = serde_json::from_str(file).unwrap();
    let cases = doc
        .get("cases")
        .or_else(|| doc.get("rows"))
        .unwrap()
        .as_array()
        .unwrap();
    cases
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no vector named {name}"))
        .clone()
}

fn names(file: &str) -> Vec<String> {
    let doc: J = serde_json::from_str(file).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

fn s<'a>(c: &'a J, key: &str) -> &'a str {
    c[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {key} missing"))
}

fn check_request(name: &str) {
    let c = case(REQUESTS, name);
    let secret = SharedSecret::new(s(&c, "secret"));
    let policy: NullPolicy = s(&c, "null_policy").parse().unwrap();
    let rendering = Rendering::lexical().with_null_policy(policy);
    let body = JsonObject::parse_str(s(&c, "body_json")).unwrap();

    assert_eq!(
        format!("{}{}", s(&c, "secret"), s(&c, "challenge")),
        s(&c, "hmac_key"),
        "key = secret + Challenge"
    );
    assert_eq!(
        request_message(&body, &rendering).unwrap(),
        s(&c, "message")
    );
    assert_eq!(
        hex_of(s(&c, "message")),
        s(&c, "message_hex"),
        "message bytes are UTF-8"
    );
    let sig = sign_request(&body, &secret, &rendering).unwrap();
    assert_eq!(sig.to_hex_upper(), s(&c, "signature"));

    // The signed body verifies (server: lexical, either null policy, either hex case).
    let signed = JsonObject::parse_str(s(&c, "signed_body_json")).unwrap();
    assert_eq!(verify_request(&signed, &secret), Ok(policy));
    let mut lower = signed.clone();
    lower.insert("Signature", s(&c, "signature_lowercase_equivalent"));
    assert_eq!(verify_request(&lower, &secret), Ok(policy));

    // Wrong secret, or any signed field changed: refused.
    assert!(verify_request(&signed, &SharedSecret::new("other-secret")).is_err());
    let mut tampered = signed.clone();
    tampered.insert("VideoId", "tampered");
    assert!(verify_request(&tampered, &secret).is_err());

    // Unsigned keys can change freely.
    let mut extra = signed;
    extra.insert("VideoOfferType", "Premium");
    assert!(verify_request(&extra, &secret).is_ok());
}

fn check_response(name: &str) {
    let c = case(RESPONSES, name);
    let secret = SharedSecret::new(s(&c, "secret"));
    let challenge = s(&c, "challenge");
    let body = JsonObject::parse_str(s(&c, "response_json")).unwrap();
    assert_eq!(
        format!("{challenge}{}", s(&c, "secret")),
        s(&c, "hmac_key"),
        "key = Challenge + secret"
    );
    let lexical = Rendering::lexical();
    assert_eq!(response_message(&body, &lexical).unwrap(), s(&c, "message"));
    assert_eq!(hex_of(s(&c, "message")), s(&c, "message_hex"));
    assert_eq!(
        sign_response(&body, challenge, &secret, &lexical)
            .unwrap()
            .to_hex_upper(),
        s(&c, "signature")
    );
    let signed = JsonObject::parse_str(s(&c, "signed_response_json")).unwrap();
    assert!(verify_response(&signed, challenge, &secret, &[]).is_ok());
    assert!(
        verify_response(&signed, &challenge.to_ascii_lowercase(), &secret, &[]).is_err()
            || challenge == challenge.to_ascii_lowercase(),
        "the response key uses the Challenge byte for byte"
    );
    assert!(verify_response(&signed, challenge, &SharedSecret::new("x"), &[]).is_err());

    let declared: Vec<(String, NumberType)> = c
        .get("declared_numeric_types")
        .and_then(J::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().parse().unwrap()))
                .collect()
        })
        .unwrap_or_default();
    for variant in c
        .get("platform_variants")
        .and_then(J::as_array)
        .into_iter()
        .flatten()
    {
        for label in variant["profiles"].as_array().unwrap() {
            let rendering = rendering_from_label(label.as_str().unwrap(), &declared);
            assert_eq!(
                response_message(&body, &rendering).unwrap(),
                s(variant, "message"),
                "{name}: message for {}",
                rendering.label()
            );
            let sig = sign_response(&body, challenge, &secret, &rendering).unwrap();
            assert_eq!(
                sig.to_hex_upper(),
                s(variant, "signature"),
                "{name}: signature for {}",
                rendering.label()
            );
            // A client using that rendering accepts the platform's signature.
            let mut platform_signed = body.clone();
            platform_signed.insert("Signature", sig.to_hex_upper().to_ascii_lowercase());
            assert_eq!(
                verify_response(
                    &platform_signed,
                    challenge,
                    &secret,
                    std::slice::from_ref(&rendering)
                )
                .unwrap(),
                rendering
            );
        }
    }
}

fn rendering_from_label(label: &str, declared: &[(String, NumberType)]) -> Rendering {
    let (profile, policy) = label.split_once('/').unwrap();
    let mut r = Rendering::new(profile.parse().unwrap()).with_null_policy(policy.parse().unwrap());
    for (k, t) in declared {
        r = r.declare(k.clone(), *t);
    }
    r
}

fn hex_of(text: &str) -> String {
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

macro_rules! vector_tests {
    ($check:ident, $file:ident, $list:ident: $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $check(stringify!($name));
            }
        )*
        /// Every vector of the file has a named test above.
        #[test]
        fn $list() {
            let listed = [$(stringify!($name)),*];
            for name in names($file) {
                assert!(listed.contains(&name.as_str()), "vector {name} has no named test");
            }
        }
    };
}

mod request {
    use super::*;
    vector_tests!(check_request, REQUESTS, all_request_vectors_listed:
        web_tokenize_live,
        asset_state_int_vs_string_equal_1,
        heartbeat,
        empty_strings_equal_missing,
        null_user_literal,
        unsigned_extra_and_miscased_keys,
        boundary_shift_b,
    );
}

mod response {
    use super::*;
    vector_tests!(check_response, RESPONSES, all_response_vectors_listed:
        ok_tokenize_int_heartbeat,
        ok_int_heartbeat_ios_double_field,
        ok_heartbeat,
        response_code_as_string,
    );
}

/// Pairs the vectors describe: equal signatures for bodies that differ.
mod pairs {
    use super::*;

    fn sig_of(body: &str) -> String {
        let secret = SharedSecret::new("test-shared-secret-0123456789");
        let obj = JsonObject::parse_str(body).unwrap();
        sign_request(&obj, &secret, &Rendering::lexical())
            .unwrap()
            .to_hex_upper()
    }

    #[test]
    fn asset_state_int_and_string_sign_alike() {
        let c = case(REQUESTS, "asset_state_int_vs_string_equal_1");
        let as_string = s(&c, "body_json").replace("\"AssetState\":2", "\"AssetState\":\"2\"");
        assert_ne!(as_string, s(&c, "body_json"));
        assert_eq!(sig_of(&as_string), s(&c, "signature"));
    }

    #[test]
    fn type_int_and_string_sign_alike() {
        let c = case(REQUESTS, "heartbeat");
        let as_string = s(&c, "body_json").replace("\"Type\":2", "\"Type\":\"2\"");
        assert_eq!(sig_of(&as_string), s(&c, "signature"));
    }

    #[test]
    fn boundary_shift_a_equals_b() {
        let b = case(REQUESTS, "boundary_shift_b");
        let a = s(&b, "body_json")
            .replace("\"alice4\"", "\"alice\"")
            .replace("\"VideoId\":\"2\"", "\"VideoId\":\"42\"");
        assert_eq!(sig_of(&a), s(&b, "signature"));
    }

    #[test]
    fn empty_strings_equal_missing_keys() {
        let c = case(REQUESTS, "empty_strings_equal_missing");
        let body = JsonObject::parse_str(s(&c, "body_json")).unwrap();
        let stripped: JsonObject = body
            .iter()
            .filter(|(_, v)| v.as_str() != Some(""))
            .map(|(k, v)| (k.to_owned(), v.clone()))
            .collect();
        assert!(stripped.len() < body.len());
        assert_eq!(sig_of(&stripped.to_json_string()), s(&c, "signature"));
    }

    #[test]
    fn null_skip_equals_missing_and_both_verify() {
        let c = case(REQUESTS, "null_user_literal");
        let secret = SharedSecret::new(s(&c, "secret"));
        let mut body = JsonObject::parse_str(s(&c, "body_json")).unwrap();
        let skip_sig = sign_request(&body, &secret, &Rendering::lexical()).unwrap();
        body.remove("User");
        assert_eq!(
            sign_request(&body, &secret, &Rendering::lexical()).unwrap(),
            skip_sig
        );
        let mut with_null = JsonObject::parse_str(s(&c, "body_json")).unwrap();
        with_null.insert("Signature", skip_sig.to_hex_upper());
        assert_eq!(verify_request(&with_null, &secret), Ok(NullPolicy::Skip));
    }
}

/// The rendering table of spec §4, one test per row.
mod rendering {
    use super::*;

    fn check_row(value_label: &str, json_value: &str) {
        let doc: J = serde_json::from_str(RENDERING).unwrap();
        let row = doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["value"] == value_label)
            .unwrap_or_else(|| panic!("no row {value_label}"))
            .clone();
        let obj = JsonObject::parse_str(&format!("{{\"v\":{json_value}}}")).unwrap();
        let value: &Value = obj.get("v").unwrap();
        let mut checked = 0;
        for (column, want) in row.as_object().unwrap() {
            if column == "value" {
                continue;
            }
            let (profile, number_type) = match column.strip_suffix("(Double field)") {
                Some(p) => (p, NumberType::Double),
                None => (column.as_str(), NumberType::Auto),
            };
            let profile: RenderProfile = profile.parse().unwrap();
            let got = drm_entitlement::render_value(
                "v",
                value,
                profile,
                NullPolicy::Literal,
                number_type,
            )
            .unwrap()
            .map(|c| c.into_owned())
            .unwrap_or_default();
            assert_eq!(
                &got,
                want.as_str().unwrap(),
                "{value_label}: column {column}"
            );
            // With null skipped, null contributes nothing; everything else is unchanged.
            let skipped =
                drm_entitlement::render_value("v", value, profile, NullPolicy::Skip, number_type)
                    .unwrap();
            if value.is_null() {
                assert!(skipped.is_none());
            }
            checked += 1;
        }
        assert_eq!(checked, 9, "{value_label}: every column checked");
    }

    macro_rules! rows {
        ($($name:ident => $label:literal, $json:literal;)*) => {
            $(
                #[test]
                fn $name() {
                    check_row($label, $json);
                }
            )*
            #[test]
            fn all_rows_listed() {
                let doc: J = serde_json::from_str(RENDERING).unwrap();
                let listed = [$($label),*];
                for row in doc["rows"].as_array().unwrap() {
                    let label = row["value"].as_str().unwrap();
                    assert!(listed.contains(&label), "row {label} has no named test");
                }
            }
        };
    }

    rows! {
        int_1 => "int 1", "1";
        int_30 => "int 30", "30";
        float_30_0 => "float 30.0", "30.0";
        float_30_5 => "float 30.5", "30.5";
        float_0_1 => "float 0.1", "0.1";
        float_1e7 => "float 1e7 (10000000.0)", "10000000.0";
        bool_true => "true", "true";
        bool_false => "false", "false";
        null => "null", "null";
        string_abc => "string 'abc'", "\"abc\"";
        empty_string => "empty string", "\"\"";
    }
}

/// Bodies with floats, booleans, nulls and odd numbers, every profile × null policy × declared
/// type, as computed by the independent Python oracle (`tests/data/gen_oracle_cases.py`).
mod oracle {
    use super::*;

    fn check(name: &str) {
        let doc: J = serde_json::from_str(ORACLE).unwrap();
        let c = doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone();
        let secret = SharedSecret::new(s(&c, "secret"));
        let body = JsonObject::parse_str(s(&c, "body_json")).unwrap();
        let is_request = c["kind"] == "request";
        let variants = c["variants"].as_array().unwrap();
        assert!(!variants.is_empty());
        for v in variants {
            let mut r = Rendering::new(s(v, "profile").parse().unwrap())
                .with_null_policy(s(v, "null_policy").parse().unwrap());
            for (k, t) in v["declared"].as_object().unwrap() {
                r = r.declare(k.clone(), t.as_str().unwrap().parse().unwrap());
            }
            let what = format!("{name}: {} {:?}", r.label(), r.declared);
            let (msg, sig) = if is_request {
                (
                    request_message(&body, &r).unwrap(),
                    sign_request(&body, &secret, &r).unwrap(),
                )
            } else {
                (
                    response_message(&body, &r).unwrap(),
                    sign_response(&body, s(&c, "challenge"), &secret, &r).unwrap(),
                )
            };
            assert_eq!(msg, s(v, "message"), "{what}");
            assert_eq!(sig.to_hex_upper(), s(v, "signature"), "{what}");
        }
    }

    macro_rules! oracle_cases {
        ($($name:ident),* $(,)?) => {
            $(
                #[test]
                fn $name() {
                    check(stringify!($name));
                }
            )*
            #[test]
            fn all_oracle_cases_listed() {
                let listed = [$(stringify!($name)),*];
                for name in names(ORACLE) {
                    assert!(listed.contains(&name.as_str()), "case {name} has no named test");
                }
            }
        };
    }

    oracle_cases!(
        type_string_nfl_style,
        ios_ints_upper_uuid,
        float_and_bool_values,
        nulls_everywhere,
        big_and_negative_numbers,
        unicode_strings,
        float_heartbeat,
        big_float_heartbeat,
        nulls_and_bools,
        fractional_heartbeat,
        exponent_numbers,
    );
}

/// Every platform variant of the response vectors, one test per (vector, profile/null policy).
mod platform_variants {
    use super::*;

    fn check_variant(vector: &str, label: &str) {
        let c = case(RESPONSES, vector);
        let variant = c["platform_variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["profiles"].as_array().unwrap().iter().any(|p| p == label))
            .unwrap_or_else(|| panic!("{vector}: no variant {label}"))
            .clone();
        let declared: Vec<(String, NumberType)> = c
            .get("declared_numeric_types")
            .and_then(J::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().parse().unwrap()))
                    .collect()
            })
            .unwrap_or_default();
        let rendering = rendering_from_label(label, &declared);
        let body = JsonObject::parse_str(s(&c, "response_json")).unwrap();
        let secret = SharedSecret::new(s(&c, "secret"));
        assert_eq!(
            response_message(&body, &rendering).unwrap(),
            s(&variant, "message")
        );
        assert_eq!(
            sign_response(&body, s(&c, "challenge"), &secret, &rendering)
                .unwrap()
                .to_hex_upper(),
            s(&variant, "signature")
        );
    }

    macro_rules! variants {
        ($($name:ident => ($vector:literal, $label:literal);)*) => {
            $(
                #[test]
                fn $name() {
                    check_variant($vector, $label);
                }
            )*
            #[test]
            fn all_variants_listed() {
                let listed = [$(($vector, $label)),*];
                let doc: J = serde_json::from_str(RESPONSES).unwrap();
                for c in doc["cases"].as_array().unwrap() {
                    for v in c.get("platform_variants").and_then(J::as_array).into_iter().flatten() {
                        for label in v["profiles"].as_array().unwrap() {
                            let key = (c["name"].as_str().unwrap(), label.as_str().unwrap());
                            assert!(listed.contains(&key), "variant {key:?} has no named test");
                        }
                    }
                }
            }
        };
    }

    variants! {
        ok_tokenize_int_heartbeat_lexical_skip => ("ok_tokenize_int_heartbeat", "lexical/skip");
        ok_tokenize_int_heartbeat_lexical_literal => ("ok_tokenize_int_heartbeat", "lexical/literal");
        ok_tokenize_int_heartbeat_js_skip => ("ok_tokenize_int_heartbeat", "js/skip");
        ok_tokenize_int_heartbeat_js_literal => ("ok_tokenize_int_heartbeat", "js/literal");
        ok_tokenize_int_heartbeat_swift_typed_skip => ("ok_tokenize_int_heartbeat", "swift_typed/skip");
        ok_tokenize_int_heartbeat_swift_typed_literal => ("ok_tokenize_int_heartbeat", "swift_typed/literal");
        ok_tokenize_int_heartbeat_swift_anyobject_skip => ("ok_tokenize_int_heartbeat", "swift_anyobject/skip");
        ok_tokenize_int_heartbeat_swift_anyobject_literal => ("ok_tokenize_int_heartbeat", "swift_anyobject/literal");
        ok_tokenize_int_heartbeat_kotlin_typed_skip => ("ok_tokenize_int_heartbeat", "kotlin_typed/skip");
        ok_tokenize_int_heartbeat_kotlin_typed_literal => ("ok_tokenize_int_heartbeat", "kotlin_typed/literal");
        ok_tokenize_int_heartbeat_python_str_skip => ("ok_tokenize_int_heartbeat", "python_str/skip");
        ok_tokenize_int_heartbeat_python_str_literal => ("ok_tokenize_int_heartbeat", "python_str/literal");
        ok_tokenize_int_heartbeat_kotlin_gson_map_skip => ("ok_tokenize_int_heartbeat", "kotlin_gson_map/skip");
        ok_tokenize_int_heartbeat_kotlin_gson_map_literal => ("ok_tokenize_int_heartbeat", "kotlin_gson_map/literal");
        ok_int_heartbeat_ios_double_field_lexical_skip => ("ok_int_heartbeat_ios_double_field", "lexical/skip");
        ok_int_heartbeat_ios_double_field_lexical_literal => ("ok_int_heartbeat_ios_double_field", "lexical/literal");
        ok_int_heartbeat_ios_double_field_swift_typed_skip => ("ok_int_heartbeat_ios_double_field", "swift_typed/skip");
        ok_int_heartbeat_ios_double_field_swift_typed_literal => ("ok_int_heartbeat_ios_double_field", "swift_typed/literal");
        ok_int_heartbeat_ios_double_field_kotlin_typed_skip => ("ok_int_heartbeat_ios_double_field", "kotlin_typed/skip");
        ok_int_heartbeat_ios_double_field_kotlin_typed_literal => ("ok_int_heartbeat_ios_double_field", "kotlin_typed/literal");
    }
}

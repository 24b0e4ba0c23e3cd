//! Issue 10, class 2: tokens DoveRunner's own player samples send to its license server.
//! They write `drm_type` in lower case, escape `/` as `\/` (PHP style) and put `key_rotation`
//! first. The server accepts them (release notes 4.3.0: the case of `drm_type` does not matter),
//! so inspect must not predict 7018: it reports the canonical name and the form seen.
#![allow(clippy::unwrap_used, missing_docs)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_token::envelope::{HashInput, token_hash};
use drm_token::inspect::{
    DetectedStyle, DrmTypeForm, InspectOptions, Inspection, ProblemCode, inspect,
};
use drm_token::{DrmType, Policy, PreparedPolicy, SiteCredentials, Timestamp, TokenRequest};
use serde_json::Value;

const HTML5_2025: &str = include_str!("data/doverunner_html5_sample_helper_tokens.json");
const DEMO_TOKENS: &str = include_str!("data/demo_tokens.json");

/// Inspects `token` one second after its own timestamp (the DEMO site's window is long; the
/// age is not what these tests are about).
fn inspect_at_its_time(token: &str) -> Inspection {
    let first = inspect(token, &InspectOptions::new(Timestamp::now())).unwrap();
    let ts = Timestamp::parse(first.fields.timestamp.as_deref().unwrap()).unwrap();
    let now = Timestamp::from_unix(ts.unix_seconds() + 1).unwrap();
    inspect(token, &InspectOptions::new(now)).unwrap()
}

fn assert_accepted_as(report: &Inspection, canonical: &str) {
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(
        report
            .problems
            .iter()
            .all(|p| p.code.is_none_or(|c| c != 7018))
    );
    let drm = report.drm_type.as_ref().unwrap();
    assert_eq!(drm.canonical, Some(canonical));
    assert!(report.is_acceptable());
}

#[test]
fn doverunner_html5_sample_helper_tokens_are_not_predicted_to_fail() {
    let doc: Value = serde_json::from_str(HTML5_2025).unwrap();
    for (name, canonical) in [
        ("widevine", "Widevine"),
        ("playready", "PlayReady"),
        ("fairplay", "FairPlay"),
    ] {
        let token = doc["tokens"][name].as_str().unwrap();
        let report = inspect_at_its_time(token);
        assert_accepted_as(&report, canonical);
        let drm = report.drm_type.as_ref().unwrap();
        assert_eq!(drm.seen, name);
        assert_eq!(drm.form, DrmTypeForm::LowerCase);
        assert!(drm.note.as_deref().unwrap().contains("ignores the case"));
        // The PHP-style text: `\/` escapes, key_rotation first; read as any JSON.
        assert!(report.token_json.contains("\\/"));
        assert_eq!(report.key_order[0], "key_rotation");
        assert_eq!(report.json_style, DetectedStyle::Other);
        assert!(report.fields.policy.as_deref().unwrap().contains('/'));
    }
}

#[test]
fn every_official_demo_token_is_read_without_problems() {
    let doc: Value = serde_json::from_str(DEMO_TOKENS).unwrap();
    let tokens = doc["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 10);
    for t in tokens {
        let name = t["name"].as_str().unwrap();
        let report = inspect_at_its_time(t["token"].as_str().unwrap());
        assert!(report.problems.is_empty(), "{name}: {:?}", report.problems);
        let seen = t["decoded"]["drm_type"].as_str().unwrap();
        let drm = report.drm_type.as_ref().unwrap();
        assert_eq!(drm.seen, seen, "{name}");
        let expected = DrmType::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(seen))
            .unwrap();
        assert_eq!(drm.canonical, Some(expected.as_str()), "{name}");
        let form = if seen == expected.as_str() {
            DrmTypeForm::Canonical
        } else {
            DrmTypeForm::LowerCase
        };
        assert_eq!(drm.form, form, "{name}");
        assert!(report.is_acceptable(), "{name}");
    }
}

#[test]
fn other_case_forms_are_reported_and_unknown_drms_still_get_7018() {
    for (drm, form, problem) in [
        ("WIDEVINE", DrmTypeForm::OtherCase, None),
        ("WisePlay", DrmTypeForm::OtherCase, None),
        ("ncg", DrmTypeForm::LowerCase, None),
        ("NCG", DrmTypeForm::Canonical, None),
        ("ClearKey", DrmTypeForm::Unknown, Some(7018u32)),
        ("Widevine ", DrmTypeForm::Unknown, Some(7018)),
    ] {
        let json = format!(
            r#"{{"drm_type":"{drm}","site_id":"TUTO","user_id":"u","cid":"c","policy":"p","timestamp":"2025-06-01T12:34:56Z","hash":"BDuYHW7airyWfs6T+jhQDml+nHAJA2AKs8bs18gp7uE="}}"#
        );
        let report = inspect(
            &STANDARD.encode(json),
            &InspectOptions::new(Timestamp::parse("2025-06-01T12:35:00Z").unwrap()),
        )
        .unwrap();
        assert_eq!(report.drm_type.as_ref().unwrap().form, form, "{drm}");
        // A predicted server answer is typed as one, from the server's code table.
        if let Some(p) = report.problems.first() {
            assert_eq!(
                p.code,
                Some(ProblemCode::Server(
                    drm_policy::ServerCode::INVALID_DRM_TYPE
                ))
            );
            assert!(
                p.message.contains("Invalid DRM type in token."),
                "{}",
                p.message
            );
        }
        let codes: Vec<Option<u32>> = report
            .problems
            .iter()
            .map(|p| p.code.map(|c| c.get()))
            .collect();
        assert_eq!(
            codes,
            problem.map(Some).into_iter().collect::<Vec<_>>(),
            "{drm}"
        );
    }
}

fn creds() -> SiteCredentials {
    SiteCredentials::from_strs(
        "TUTO",
        "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC",
        "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20",
    )
    .unwrap()
}

/// A token of ours with `drm_type` rewritten to `written`, its hash made over `hashed`.
fn rewritten_token(written: &str, hashed: &str) -> String {
    let creds = creds();
    let prepared =
        PreparedPolicy::new(&Policy::new(), &creds, drm_token::JsonStyle::Compact).unwrap();
    let ts = Timestamp::parse("2025-06-01T12:34:56Z").unwrap();
    let token = TokenRequest::new(DrmType::Widevine, "test-user", "bigbuckbunny")
        .mint(&creds, &prepared, ts)
        .unwrap();
    let mut json: Value = serde_json::from_slice(&STANDARD.decode(token).unwrap()).unwrap();
    json["drm_type"] = Value::from(written);
    let hash = token_hash(
        creds.access_key(),
        &HashInput {
            drm_type: hashed,
            site_id: "TUTO",
            user_id: "test-user",
            cid: "bigbuckbunny",
            policy_b64: json["policy"].as_str().unwrap(),
            timestamp: "2025-06-01T12:34:56Z",
        },
    );
    json["hash"] = Value::from(hash);
    STANDARD.encode(json.to_string())
}

#[test]
fn hash_check_ignores_the_case_of_drm_type_like_the_server() {
    let creds = creds();
    let now = Timestamp::parse("2025-06-01T12:35:00Z").unwrap();
    let options = InspectOptions::new(now).access_key(creds.access_key());
    // Hashed over the lower-case text as written: an exact match.
    let exact = inspect(&rewritten_token("widevine", "widevine"), &options).unwrap();
    let hash = exact.hash.unwrap();
    assert!(hash.valid && hash.note.is_none());
    // Written lower case, hashed over the canonical name: the server accepts it too.
    let other = inspect(&rewritten_token("widevine", "Widevine"), &options).unwrap();
    let hash = other.hash.unwrap();
    assert!(hash.valid, "{hash:?}");
    assert!(hash.note.unwrap().contains("\"Widevine\""));
    assert!(other.problems.is_empty());
    // Another DRM's name is still a mismatch.
    let wrong = inspect(&rewritten_token("widevine", "PlayReady"), &options).unwrap();
    assert!(!wrong.hash.unwrap().valid);
}

/// A token of ours (tutorial keys) whose base64 holds a `+`, a character URLs mangle
/// (base64 of ASCII JSON rarely has `+` or `/`; the user id `~~~~` gives a `+`).
fn token_with_url_characters() -> String {
    let creds = creds();
    let prepared =
        PreparedPolicy::new(&Policy::new(), &creds, drm_token::JsonStyle::Compact).unwrap();
    let ts = Timestamp::parse("2025-06-01T12:34:56Z").unwrap();
    let token = TokenRequest::new(DrmType::Widevine, "~~~~", "bigbuckbunny")
        .mint(&creds, &prepared, ts)
        .unwrap()
        .to_string();
    assert!(token.contains('+'), "{token}");
    token
}

#[test]
fn tokens_mangled_by_urls_and_copy_paste_are_read_and_the_mangling_reported() {
    let token = token_with_url_characters();
    let percent = token
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let spaced = token.replace('+', " ");
    let wrapped: String = token
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    let plain = inspect_at_its_time(&token);
    assert!(plain.problems.is_empty());
    for (name, text, code) in [
        ("percent-encoded", percent.as_str(), None),
        ("+ as space", spaced.as_str(), Some(7016)),
        ("line breaks", wrapped.as_str(), Some(7016)),
    ] {
        let report = inspect_at_its_time(text);
        assert_eq!(report.fields, plain.fields, "{name}");
        let codes: Vec<Option<u32>> = report
            .problems
            .iter()
            .map(|p| p.code.map(|c| c.get()))
            .collect();
        assert_eq!(codes, [code], "{name}: {:?}", report.problems);
    }
}

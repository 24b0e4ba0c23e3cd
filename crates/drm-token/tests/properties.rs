//! Property tests: the fast minting path equals the plain definition, issue → inspect round
//! trips, and hostile input never panics.
#![allow(clippy::unwrap_used, missing_docs)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::{AllowedTrackTypes, JsonStyle, PlaybackPolicy, Policy};
use drm_token::batch::{BatchDefaults, BatchIssuer};
use drm_token::envelope::decrypt_policy;
use drm_token::inspect::{InspectOptions, TimeStatus, inspect};
use drm_token::{DrmType, PreparedPolicy, SiteCredentials, Timestamp, TokenMinter, TokenRequest};
use proptest::prelude::*;

fn creds() -> SiteCredentials {
    SiteCredentials::from_strs(
        "TUTO",
        "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC",
        "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20",
    )
    .unwrap()
}

fn policy(duration: i64, persistent: bool, track: usize) -> Policy {
    Policy::new().playback(
        PlaybackPolicy::new()
            .persistent(persistent)
            .license_duration(duration)
            .allowed_track_types(
                AllowedTrackTypes::VALUES[track % AllowedTrackTypes::VALUES.len()],
            ),
    )
}

fn style(python: bool) -> JsonStyle {
    if python {
        JsonStyle::Python
    } else {
        JsonStyle::Compact
    }
}

proptest! {
    #[test]
    fn fast_path_equals_base64_of_token_json(
        user in "\\PC{1,40}",
        cid in "[a-zA-Z0-9/ _.é한-]{1,60}",
        duration in 0i64..=2_147_483_647,
        persistent in any::<bool>(),
        track in 0usize..5,
        python in any::<bool>(),
        drm in 0usize..5,
        secs in 0i64..4_000_000_000,
    ) {
        let creds = creds();
        let prepared = PreparedPolicy::new(&policy(duration, persistent, track), &creds, style(python)).unwrap();
        let req = TokenRequest::new(DrmType::ALL[drm], &user, &cid);
        let ts = Timestamp::from_unix(secs).unwrap();
        let json = req.token_json(&creds, &prepared, ts).unwrap();
        let mut minter = TokenMinter::new();
        let fast = minter.mint_str(&req, &creds, &prepared, ts).unwrap().to_owned();
        prop_assert_eq!(&fast, &STANDARD.encode(json.as_bytes()));
        // The token JSON is JSON, whatever the user id holds.
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(parsed["user_id"].as_str(), Some(user.as_str()));
        if python {
            prop_assert!(json.is_ascii());
        }
    }

    #[test]
    fn issue_then_inspect_round_trips(
        user in "\\PC{1,24}",
        cid in "\\PC{1,24}",
        duration in 0i64..=2_147_483_647,
        track in 0usize..5,
        python in any::<bool>(),
        age in -100_000i64..100_000,
    ) {
        let creds = creds();
        let policy = policy(duration, false, track);
        let prepared = PreparedPolicy::new(&policy, &creds, style(python)).unwrap();
        let ts = Timestamp::from_unix(1_750_000_000).unwrap();
        let token = TokenRequest::new(DrmType::FairPlay, &user, &cid).key_rotation(true).mint(&creds, &prepared, ts).unwrap();
        let now = Timestamp::from_unix(1_750_000_000 + age).unwrap();
        let report = inspect(&token, &InspectOptions::new(now).site_key(creds.site_key()).access_key(creds.access_key())).unwrap();
        prop_assert!(report.problems.is_empty(), "{:?}", report.problems);
        prop_assert_eq!(report.fields.user_id.as_deref(), Some(user.as_str()));
        prop_assert_eq!(report.fields.cid.as_deref(), Some(cid.as_str()));
        prop_assert_eq!(report.fields.drm_type.as_deref(), Some("FairPlay"));
        prop_assert_eq!(report.fields.key_rotation, Some(true));
        prop_assert!(report.hash.as_ref().unwrap().valid);
        let decrypted = report.policy.as_ref().unwrap();
        prop_assert_eq!(decrypted.plaintext.clone(), Some(policy.to_json(style(python))));
        prop_assert!(decrypted.violations.is_empty());
        let expected = if age < 0 { TimeStatus::NotYetValid } else if age > 600 { TimeStatus::Expired } else { TimeStatus::Valid };
        prop_assert_eq!(report.time.status, expected);
        prop_assert_eq!(report.is_acceptable(), expected == TimeStatus::Valid);
        // The decrypted policy reads back to the same policy.
        let text = decrypt_policy(report.fields.policy.as_deref().unwrap(), creds.site_key()).unwrap();
        prop_assert_eq!(Policy::from_json_bytes(&text).unwrap(), policy);
    }

    #[test]
    fn inspect_never_panics_on_text(text in "\\PC{0,300}") {
        let _ = inspect(&text, &InspectOptions::new(Timestamp::now()));
    }

    #[test]
    fn inspect_never_panics_on_base64_of_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let creds = creds();
        let options = InspectOptions::new(Timestamp::now()).site_key(creds.site_key()).access_key(creds.access_key());
        let _ = inspect(&STANDARD.encode(&bytes), &options);
    }

    #[test]
    fn inspect_never_panics_on_json_shaped_tokens(
        drm in proptest::option::of("\\PC{0,12}"),
        policy in proptest::option::of("[A-Za-z0-9+/=]{0,80}"),
        ts in proptest::option::of("[0-9TZ:-]{0,24}"),
        hash in proptest::option::of("[A-Za-z0-9+/=]{0,50}"),
        rotation in proptest::option::of(any::<bool>()),
    ) {
        let mut obj = serde_json::Map::new();
        if let Some(d) = drm { obj.insert("drm_type".into(), d.into()); }
        if let Some(p) = policy { obj.insert("policy".into(), p.into()); }
        if let Some(t) = ts { obj.insert("timestamp".into(), t.into()); }
        if let Some(h) = hash { obj.insert("hash".into(), h.into()); }
        if let Some(r) = rotation { obj.insert("key_rotation".into(), r.into()); }
        let token = STANDARD.encode(serde_json::Value::Object(obj).to_string());
        let creds = creds();
        let options = InspectOptions::new(Timestamp::now()).site_key(creds.site_key()).access_key(creds.access_key());
        let report = inspect(&token, &options).unwrap();
        prop_assert!(!report.is_acceptable());
    }

    #[test]
    fn batch_lines_never_panic(line in proptest::collection::vec(any::<u8>(), 0..300)) {
        let defaults = BatchDefaults {
            site_id: Some("TUTO".into()),
            site_key: Some("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC".into()),
            access_key: Some("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20".into()),
            ..BatchDefaults::default()
        };
        let mut issuer = BatchIssuer::new(defaults);
        let _ = issuer.issue_line(&line);
    }
}

#[test]
fn batch_line_equals_single_mint() {
    let creds = creds();
    let defaults = BatchDefaults {
        site_id: Some("TUTO".into()),
        site_key: Some("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC".into()),
        access_key: Some("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20".into()),
        style: JsonStyle::Python,
        ..BatchDefaults::default()
    };
    let mut issuer = BatchIssuer::new(defaults);
    let line = r#"{"drm_type": "playready", "user_id": "사용자-é", "cid": "movies/big buck bunny", "timestamp": "2025-06-01T12:34:56Z", "response_format": "json", "key_rotation": true, "policy": {"playback_policy": {"license_duration": 60}, "policy_version": 2}}"#;
    let token = String::from_utf8(issuer.issue_line(line.as_bytes()).unwrap().to_vec()).unwrap();
    let policy: Policy =
        Policy::from_json(r#"{"policy_version": 2, "playback_policy": {"license_duration": 60}}"#)
            .unwrap();
    let prepared = PreparedPolicy::new(&policy, &creds, JsonStyle::Python).unwrap();
    let expected = TokenRequest::new(DrmType::PlayReady, "사용자-é", "movies/big buck bunny")
        .response_format(drm_token::ResponseFormat::Json)
        .key_rotation(true)
        .mint(
            &creds,
            &prepared,
            Timestamp::parse("2025-06-01T12:34:56Z").unwrap(),
        )
        .unwrap();
    assert_eq!(token, expected);
    // The same line again hits the caches and gives the same token.
    let again = String::from_utf8(issuer.issue_line(line.as_bytes()).unwrap().to_vec()).unwrap();
    assert_eq!(again, expected);
    // Per-line credentials override the defaults.
    let other = r#"{"drm_type": "Widevine", "user_id": "u", "cid": "c", "site_id": "ABCD", "site_key": "00000000000000000000000000000000", "access_key": "x", "timestamp": "2025-06-01T12:34:56Z"}"#;
    let token = String::from_utf8(issuer.issue_line(other.as_bytes()).unwrap().to_vec()).unwrap();
    let report = inspect(
        &token,
        &InspectOptions::new(Timestamp::parse("2025-06-01T12:34:56Z").unwrap()),
    )
    .unwrap();
    assert_eq!(report.fields.site_id.as_deref(), Some("ABCD"));
}

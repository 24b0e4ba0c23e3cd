//! The server-side verifier: format checks before signatures, the signature switch, replays, and
//! the signed answers.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use drm_entitlement::replay::{MemoryReplayGuard, NoReplayGuard};
use drm_entitlement::{
    AssetState, EntitlementRequest, EntitlementResponse, JsonObject, RejectReason, RequestType,
    SharedSecret, Verifier, codes,
};

const SECRET: &str = "test-shared-secret-0123456789";

fn secret() -> SharedSecret {
    SharedSecret::new(SECRET)
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_750_000_000)
}

fn signed_request() -> EntitlementRequest {
    EntitlementRequest::tokenize()
        .user("alice")
        .video_id("video-1")
        .video_source("https://cdn.example.com/video-1/manifest.mpd")
        .video_kind("vod")
        .asset_state(AssetState::Vod)
        .player_type("HTML5")
        .drm_type("widevine")
        .auth_type("Token")
        .extra("VideoOfferType", "Registered")
        .sign(&secret())
        .unwrap()
}

/// Re-signs a body after editing it (so only the format checks can refuse it).
fn resign(mut body: JsonObject) -> Vec<u8> {
    let mut req = EntitlementRequest::from(std::mem::take(&mut body));
    req.sign(&secret(), &drm_entitlement::Rendering::lexical())
        .unwrap();
    req.to_json_string().into_bytes()
}

fn ko_code(resp: &EntitlementResponse) -> i64 {
    assert_eq!(resp.status().unwrap(), drm_entitlement::ResponseStatus::Ko);
    resp.response_code().unwrap()
}

#[test]
fn a_signed_request_verifies_with_typed_fields() {
    let req = signed_request();
    let v = Verifier::new(secret())
        .verify(req.to_json_string().as_bytes())
        .unwrap();
    assert_eq!(v.fields.request_type, RequestType::Tokenize);
    assert_eq!(v.fields.user, "alice");
    assert_eq!(v.fields.asset_state, Some(AssetState::Vod));
    assert_eq!(v.challenge(), req.raw_challenge().unwrap());
    assert_eq!(
        v.request.unsigned_keys().collect::<Vec<_>>(),
        ["VideoOfferType"]
    );
}

#[test]
fn formats_are_checked_even_when_the_signature_is_valid() {
    let cases: [(&str, drm_entitlement::Value); 7] = [
        ("Type", 3.into()),
        ("Type", "tokenize".into()),
        ("AssetState", 4.into()),
        ("AssetState", "live".into()),
        ("Challenge", "not-a-uuid".into()),
        ("VideoSource", "not a url".into()),
        ("VideoSource", "file:///etc/passwd".into()),
    ];
    for (field, value) in cases {
        let mut body = signed_request().into_body();
        body.insert(field, value.clone());
        let err = Verifier::new(secret()).verify(&resign(body)).unwrap_err();
        match err.reason() {
            RejectReason::InvalidField(e) => assert_eq!(e.field(), field, "{value:?}"),
            other => panic!("{field}={value:?}: {other:?}"),
        }
        assert_eq!(err.code(), codes::INVALID_FIELD);
    }
}

#[test]
fn number_and_string_variants_are_tolerated() {
    let mut body = signed_request().into_body();
    body.insert("Type", "1");
    body.insert("AssetState", 2);
    let v = Verifier::new(secret()).verify(&resign(body)).unwrap();
    assert_eq!(v.fields.request_type, RequestType::Tokenize);
    assert_eq!(v.fields.asset_state, Some(AssetState::Live));
}

#[test]
fn tampered_field_and_wrong_secret_are_refused_with_a_signed_ko() {
    let req = signed_request();
    let challenge = req.raw_challenge().unwrap().to_owned();
    let mut tampered = req.clone().into_body();
    tampered.insert("VideoId", "video-2");
    let verifier = Verifier::new(secret());
    for body in [
        tampered.to_json_string(),
        // Same body, verified with another secret.
        req.to_json_string(),
    ] {
        let v = if body == req.to_json_string() {
            Verifier::new(SharedSecret::new("wrong"))
        } else {
            verifier.clone()
        };
        let err = v.verify(body.as_bytes()).unwrap_err();
        assert!(matches!(err.reason(), RejectReason::BadSignature(_)));
        assert_eq!(err.challenge(), Some(challenge.as_str()));
        let ko = verifier.reject(&err);
        assert_eq!(ko_code(&ko), i64::from(codes::BAD_SIGNATURE));
        ko.verify(&challenge, &secret()).unwrap();
    }
}

#[test]
fn signature_switch() {
    let mut unsigned = signed_request().into_body();
    unsigned.remove("Signature");
    let body = unsigned.to_json_string();
    let strict = Verifier::new(secret());
    let err = strict.verify(body.as_bytes()).unwrap_err();
    assert!(matches!(err.reason(), RejectReason::BadSignature(_)));
    let lax = Verifier::new(secret()).require_signature(false);
    assert!(lax.verify(body.as_bytes()).unwrap().signed_with.is_none());
    // A signature that is present must still verify.
    let mut wrong = unsigned.clone();
    wrong.insert("Signature", "00".repeat(32));
    assert!(lax.verify(wrong.to_json_string().as_bytes()).is_err());
    // Without a Challenge the lax verifier accepts, the strict one names the field.
    unsigned.remove("Challenge");
    assert!(lax.verify(unsigned.to_json_string().as_bytes()).is_ok());
    let err = strict
        .verify(unsigned.to_json_string().as_bytes())
        .unwrap_err();
    assert_eq!(err.code(), codes::INVALID_FIELD);
}

#[test]
fn lower_case_hex_and_upper_case_challenge_verify() {
    let req = EntitlementRequest::tokenize()
        .video_id("v")
        .challenge("3F2B8C1E-7A4D-4E6B-9C2A-1D5E8F0A7B3C")
        .sign(&secret())
        .unwrap();
    let mut body = req.into_body();
    let sig = body
        .get("Signature")
        .unwrap()
        .as_str()
        .unwrap()
        .to_ascii_lowercase();
    body.insert("Signature", sig);
    let v = Verifier::new(secret())
        .verify(body.to_json_string().as_bytes())
        .unwrap();
    // The response key uses the Challenge exactly as sent.
    let resp = Verifier::new(secret()).answer(&v, EntitlementResponse::ok().heartbeat_seconds(30));
    resp.verify("3F2B8C1E-7A4D-4E6B-9C2A-1D5E8F0A7B3C", &secret())
        .unwrap();
    assert!(
        resp.verify("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3c", &secret())
            .is_err()
    );
}

#[test]
fn malformed_and_oversized_bodies() {
    let v = Verifier::new(secret()).max_body_bytes(1024);
    for body in [
        &b"{not json"[..],
        b"",
        b"[]",
        b"{\"Type\":1,\"Type\":2}",
        b"\xff\xfe",
    ] {
        let err = v.verify(body).unwrap_err();
        assert_eq!(err.code(), codes::MALFORMED_BODY, "{body:?}");
        assert_eq!(err.challenge(), None);
        // Signed with the empty Challenge: the key is the secret alone.
        v.reject(&err).verify("", &secret()).unwrap();
    }
    let big = vec![b' '; 1025];
    let err = v.verify(&big).unwrap_err();
    assert_eq!(err.code(), codes::BODY_TOO_LARGE);
}

#[tokio::test]
async fn replayed_challenges_are_refused() {
    let guard = MemoryReplayGuard::new(Duration::from_secs(600), 1000);
    let verifier = Verifier::new(secret());
    let req = signed_request();
    let body = req.to_json_string();
    verifier
        .verify_fresh(body.as_bytes(), &guard, now())
        .await
        .unwrap();
    let err = verifier
        .verify_fresh(body.as_bytes(), &guard, now() + Duration::from_secs(1))
        .await
        .unwrap_err();
    assert_eq!(err.reason(), &RejectReason::Replayed);
    let ko = verifier.reject(&err);
    assert_eq!(ko_code(&ko), i64::from(codes::REPLAYED_CHALLENGE));
    ko.verify(req.raw_challenge().unwrap(), &secret()).unwrap();

    // The same challenge in another case is the same challenge.
    let mut upper = req.into_body();
    let ch = upper
        .get("Challenge")
        .unwrap()
        .as_str()
        .unwrap()
        .to_ascii_uppercase();
    upper.insert("Challenge", ch);
    let upper = resign(upper);
    let err = verifier
        .verify_fresh(&upper, &guard, now())
        .await
        .unwrap_err();
    assert_eq!(err.reason(), &RejectReason::Replayed);

    // A forged request does not burn a challenge.
    let fresh = signed_request();
    let mut forged = fresh.clone().into_body();
    forged.insert("User", "mallory");
    assert!(
        verifier
            .verify_fresh(forged.to_json_string().as_bytes(), &guard, now())
            .await
            .is_err()
    );
    verifier
        .verify_fresh(fresh.to_json_string().as_bytes(), &guard, now())
        .await
        .unwrap();

    // Without a guard, replays pass (opt-out for tests).
    let body = signed_request().to_json_string();
    for _ in 0..2 {
        verifier
            .verify_fresh(body.as_bytes(), &NoReplayGuard, now())
            .await
            .unwrap();
    }
}

#[test]
fn built_responses_carry_only_strings_and_integers() {
    let resp = EntitlementResponse::ok()
        .content_url("https://cdn.example.com/v/manifest.mpd")
        .heartbeat_seconds(30)
        .auth_token("token")
        .license_url("https://license.example.com/")
        .sign("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3c", &secret());
    let text = resp.to_json_string();
    assert!(text.starts_with(
        r#"{"Response":"ok","ResponseCode":0,"Message":"","Action":"","ContentUrl":"https://cdn.example.com/v/manifest.mpd","HeartBeatTime":30,"ActionParameters":"","AuthToken":"token","LicenseURL":"https://license.example.com/","Signature":""#
    ), "{text}");
    assert!(!text.contains("null") && !text.contains(".0,"));
    // Every platform profile computes the same signature over it (no floats, no nulls), except
    // the Gson map, which turns every number into a double.
    for profile in drm_entitlement::RenderProfile::ALL {
        let r = drm_entitlement::Rendering::new(profile);
        let ok = drm_entitlement::verify_response(
            resp.body(),
            "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3c",
            &secret(),
            std::slice::from_ref(&r),
        )
        .is_ok();
        assert_eq!(
            ok,
            profile != drm_entitlement::RenderProfile::KotlinGsonMap,
            "{profile}"
        );
    }
}

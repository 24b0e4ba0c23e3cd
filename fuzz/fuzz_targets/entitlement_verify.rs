//! DIVA entitlement parsing and verification on arbitrary bytes: the flat JSON reader, the
//! request (validate, verify, `Verifier::verify`) and the response (typed fields, verify)
//! with the vectors' shared secret and challenge. Invariants: a parsed object re-serialises and
//! parses back equal; whatever we sign verifies.

#![no_main]

use drm_entitlement::{
    EntitlementRequest, EntitlementResponse, JsonObject, Rendering, SharedSecret, Verifier,
    request_challenge, sign_request_in_place, sign_response_in_place, verify_request,
    verify_response,
};
use libfuzzer_sys::fuzz_target;

/// The shared secret and challenge of the reference vectors.
const SECRET: &str = "test-shared-secret-0123456789";
const CHALLENGE: &str = "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3c";

fuzz_target!(|data: &[u8]| {
    let secret = SharedSecret::new(SECRET);

    // The server's entry point.
    match Verifier::new(secret.clone()).verify(data) {
        Ok(verified) => {
            let _ = verified.challenge();
        }
        Err(rejection) => {
            let _ = rejection.to_string();
            let _ = rejection.code();
        }
    }
    let _ = Verifier::new(secret.clone())
        .require_signature(false)
        .verify(data);

    let Ok(object) = JsonObject::from_slice(data) else {
        return;
    };
    // Values are kept verbatim: writing and reading again gives the same object.
    let text = object.to_json_string();
    let again = JsonObject::from_slice_limited(text.as_bytes(), usize::MAX)
        .unwrap_or_else(|e| panic!("our own JSON does not parse: {e}\n{text}"));
    assert_eq!(again, object, "JSON round trip changed the object\n{text}");

    // As a request.
    let request = EntitlementRequest::from(object.clone());
    let _ = request.validate();
    let _ = request.request_type();
    let _ = request.asset_state();
    let _ = request.challenge();
    let _ = request.verify(&secret);
    let _ = request.unsigned_keys().count();
    if request_challenge(&object).is_ok() {
        let mut signed = object.clone();
        if sign_request_in_place(&mut signed, &secret, &Rendering::lexical()).is_ok() {
            assert!(
                verify_request(&signed, &secret).is_ok(),
                "a request we signed does not verify: {}",
                signed.to_json_string()
            );
        }
    }

    // As a response.
    let response = EntitlementResponse::from(object.clone());
    let _ = response.status();
    let _ = response.response_code();
    let _ = response.heartbeat_seconds();
    let _ = response.message();
    let _ = response.content_url();
    let _ = response.auth_token();
    let _ = response.license_url();
    let _ = response.verify(CHALLENGE, &secret);
    let mut signed = object;
    if sign_response_in_place(&mut signed, CHALLENGE, &secret, &Rendering::lexical()).is_ok() {
        assert!(
            verify_response(&signed, CHALLENGE, &secret, &[]).is_ok(),
            "a response we signed does not verify: {}",
            signed.to_json_string()
        );
    }
});

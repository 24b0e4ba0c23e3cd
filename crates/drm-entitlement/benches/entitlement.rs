//! The protocol hot path: signing and verifying requests and responses.
#![allow(missing_docs, clippy::unwrap_used)]
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use drm_entitlement::{
    EntitlementResponse, JsonObject, Rendering, SharedSecret, Verifier, sign_request,
    verify_request,
};

const BODY: &str = r#"{"Type":1,"User":"eyJhbGciOiJIUzI1NiJ9.user-token","VideoId":"6a1b2c3d-0000-4000-8000-000000000001","VideoSource":"https://cdn.example.com/live/manifest.mpd","VideoKind":"Video","AssetState":"2","Challenge":"3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3c","PlayerType":"HTML5","VideoSourceFormat":"DASH","VideoSourceName":"Desktop-DASH","DRMType":"widevine","AuthType":"Token","ContentKeyData":"","Other":"sess-42|web","Signature":"7964CDEC074A7C12D432D94794862374A7715645481014A18161C9FD23693BCF"}"#;
const SECRET: &str = "test-shared-secret-0123456789";

fn protocol(c: &mut Criterion) {
    let secret = SharedSecret::new(SECRET);
    let body = JsonObject::parse_str(BODY).unwrap();
    let lexical = Rendering::lexical();

    c.bench_function("parse_request_body", |b| {
        b.iter(|| JsonObject::from_slice(black_box(BODY.as_bytes())).unwrap())
    });
    c.bench_function("sign_request", |b| {
        b.iter(|| sign_request(black_box(&body), &secret, &lexical).unwrap())
    });
    c.bench_function("verify_request", |b| {
        b.iter(|| verify_request(black_box(&body), &secret).unwrap())
    });
    let verifier = Verifier::new(secret.clone());
    c.bench_function("verifier_parse_validate_verify", |b| {
        b.iter(|| verifier.verify(black_box(BODY.as_bytes())).unwrap())
    });
    c.bench_function("build_and_sign_ok_response", |b| {
        b.iter(|| {
            EntitlementResponse::ok()
                .content_url("https://cdn.example.com/6a1b2c3d/manifest.mpd")
                .license_url("https://drm-license.doverunner.com/ri/licenseManager.do")
                .auth_token(black_box(
                    "eyJkcm1fdHlwZSI6IldpZGV2aW5lIiwic2l0ZV9pZCI6IlRVVE8i",
                ))
                .heartbeat_seconds(30)
                .sign("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3c", &secret)
                .to_json_string()
        })
    });
}

criterion_group!(benches, protocol);
criterion_main!(benches);

//! Signer hot path: request target, string to sign + HMAC-SHA256 + base64, full header set,
//! and decoding a policy response.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ncp_policy_api::signature::{request_target, sign, signed_headers};
use ncp_policy_api::{AccessKey, Policy, SecretKey, decode};

fn bench(c: &mut Criterion) {
    let ak = AccessKey::new("NCPTESTACCESSKEY0001");
    let sk = SecretKey::new("NCPTESTSECRETKEY000000000000000000000001");
    let target = "/api/v1/policy?pageNo=1&pageSize=20";

    c.bench_function("sign (GET policy list)", |b| {
        b.iter(|| {
            sign(
                black_box("GET"),
                black_box(target),
                black_box(1_700_000_000_000),
                &ak,
                &sk,
            )
        })
    });
    c.bench_function("signed_headers (GET policy list)", |b| {
        b.iter(|| {
            signed_headers(
                black_box("GET"),
                black_box(target),
                black_box(1_700_000_000_000),
                &ak,
                &sk,
                "KR",
            )
        })
    });
    c.bench_function("request_target (8 license-history params)", |b| {
        b.iter(|| {
            request_target(
                black_box("/api/v1/license/statistics"),
                black_box(&[
                    ("siteId", "drm-20250903141775-AbCdE"),
                    ("searchCondition", "userId"),
                    ("searchKeyword", "user@example.com"),
                    ("startTime", "1699605801000"),
                    ("endTime", "1700469801000"),
                    ("pageNo", "1"),
                    ("pageSize", "20"),
                    ("status", "success"),
                ]),
            )
        })
    });
    let body = include_bytes!("../tests/data/responses/policy_current.json");
    c.bench_function("decode policy response", |b| {
        b.iter(|| decode::<Policy>(200, black_box(body)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The hot path of a packaging job: parse a KMS response with 5 keys × 3 DRM systems and export
//! the official client's JSON; also the parse alone, the Shaka export and request building.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use drm_cpix::export::ShakaOptions;
use drm_cpix::response::CpixResponse;
use drm_cpix::{CpixRequest, DrmSystem};

const RESPONSE: &[u8] = include_bytes!("../tests/data/bench/five_keys_three_drms.response.xml");

fn parse_and_export(c: &mut Criterion) {
    assert_eq!(CpixResponse::parse(RESPONSE).unwrap().keys().len(), 5);
    c.bench_function("parse + official JSON (5 keys, 3 DRMs)", |b| {
        b.iter(|| {
            let r = CpixResponse::parse(black_box(RESPONSE)).unwrap();
            black_box(r.to_official_json().unwrap())
        })
    });
    c.bench_function("parse (5 keys, 3 DRMs)", |b| {
        b.iter(|| black_box(CpixResponse::parse(black_box(RESPONSE)).unwrap()))
    });
    c.bench_function("raw document (5 keys, 3 DRMs)", |b| {
        b.iter(|| black_box(drm_cpix::response::RawDocument::parse(black_box(RESPONSE)).unwrap()))
    });
    let parsed = CpixResponse::parse(RESPONSE).unwrap();
    c.bench_function("official JSON only (5 keys, 3 DRMs)", |b| {
        b.iter(|| black_box(parsed.to_official_json().unwrap()))
    });
    c.bench_function("shaka args (5 keys, 3 DRMs)", |b| {
        b.iter(|| black_box(parsed.to_shaka_args(&ShakaOptions::default()).unwrap()))
    });
    c.bench_function("build + write request (5 keys, 3 DRMs)", |b| {
        b.iter(|| {
            let r = CpixRequest::builder("bench-title".parse().unwrap())
                .drm_systems([
                    DrmSystem::Widevine,
                    DrmSystem::PlayReady,
                    DrmSystem::FairPlay,
                ])
                .tracks("AUDIO,SD,HD,UHD1,UHD2".parse().unwrap())
                .build()
                .unwrap();
            black_box(r.to_xml())
        })
    });
}

criterion_group!(benches, parse_and_export);
criterion_main!(benches);

//! Classification of license-server answers: a 2 KB binary license, a JSON error, a JSON
//! license (hex-decoded), a FairPlay CKC.
#![allow(missing_docs)]

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use drm_license::{Drm, ResponseFormat, read_license};

fn bench(c: &mut Criterion) {
    let binary: Vec<u8> = (0..2048u32).map(|i| (i * 31 % 251) as u8).collect();
    let error = br#"{"errorCode":"7011","message":"Token is expired."}"#.to_vec();
    let json = format!(
        r#"{{"license":"{}","device_info":{{"device_id":"b6dfac08a1","device_model":"Pixel 7","os_version":"14(34)","is_chrome_cdm":false}},"persistent":true,"license_duration":3600}}"#,
        hex::encode(&binary)
    );
    let ckc = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&binary)
    };
    let mut g = c.benchmark_group("read_license");
    g.bench_function("widevine_binary_2k", |b| {
        b.iter(|| {
            read_license(
                Drm::Widevine,
                ResponseFormat::Original,
                200,
                black_box(&binary),
            )
        })
    });
    g.bench_function("json_error", |b| {
        b.iter(|| {
            read_license(
                Drm::Widevine,
                ResponseFormat::Original,
                200,
                black_box(&error),
            )
        })
    });
    g.bench_function("widevine_json_2k", |b| {
        b.iter(|| {
            read_license(
                Drm::Widevine,
                ResponseFormat::Json,
                200,
                black_box(json.as_bytes()),
            )
        })
    });
    g.bench_function("fairplay_ckc_2k", |b| {
        b.iter(|| {
            read_license(
                Drm::FairPlay,
                ResponseFormat::Original,
                200,
                black_box(ckc.as_bytes()),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

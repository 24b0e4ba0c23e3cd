//! The request builder reproduces the sample requests: byte for byte the XSD-ordered
//! (`*.request.java-shape.xml`) layout, and the same content as the Python-client requests
//! (`*.request.xml`, whose element order is not XSD order).
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use drm_cpix::request::{CpixRequest, EncryptionScheme, TrackSelection};
use drm_cpix::response::RawDocument;
use drm_cpix::system::DrmSystem;
use drm_policy::KeyId;

fn read(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/samples/constructed")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Content of a request as comparable data: (content id, [(track, kid, scheme, period index,
/// [system ids])]).
type Shape = (
    Option<String>,
    Vec<(String, String, Option<String>, Option<String>, Vec<String>)>,
);

fn shape(xml: &[u8]) -> Shape {
    let doc = RawDocument::parse(xml).unwrap();
    let keys = doc
        .usage_rules
        .iter()
        .map(|r| {
            let kid = r.kid.clone().unwrap();
            let ck = doc
                .content_keys
                .iter()
                .find(|c| c.kid.as_deref() == Some(&kid))
                .unwrap();
            let period = r.period_ids.first().map(|pid| {
                doc.periods
                    .iter()
                    .find(|p| p.id.as_deref() == Some(pid))
                    .unwrap()
                    .index
                    .clone()
                    .unwrap()
            });
            let systems = doc
                .drm_systems
                .iter()
                .filter(|d| d.kid.as_deref() == Some(&kid))
                .map(|d| d.system_id.clone().unwrap())
                .collect();
            (
                r.intended_track_type.clone().unwrap(),
                kid,
                ck.common_encryption_scheme.clone(),
                period,
                systems,
            )
        })
        .collect();
    (doc.id.clone(), keys)
}

/// Rebuilds a sample request with our builder, reusing the sample's key and period ids.
fn rebuild(sample: &[u8], drm: &[DrmSystem], scheme: EncryptionScheme) -> String {
    let doc = RawDocument::parse(sample).unwrap();
    let tracks: Vec<String> = doc
        .usage_rules
        .iter()
        .map(|r| r.intended_track_type.clone().unwrap())
        .collect();
    let selection: TrackSelection = if tracks == ["HD"] {
        TrackSelection::All
    } else {
        tracks.join(",").parse().unwrap()
    };
    let kids: Vec<KeyId> = doc
        .usage_rules
        .iter()
        .map(|r| r.kid.as_deref().unwrap().parse().unwrap())
        .collect();
    let period_ids: Vec<String> = doc
        .usage_rules
        .iter()
        .filter_map(|r| r.period_ids.first().cloned())
        .collect();
    let index: u32 = doc
        .periods
        .first()
        .map(|p| p.index.as_deref().unwrap().parse().unwrap())
        .unwrap_or(0);
    let mut b = CpixRequest::builder(doc.id.as_deref().unwrap().parse().unwrap())
        .drm_systems(drm.iter().copied())
        .tracks(selection)
        .scheme(scheme)
        .period_index(index)
        .key_ids(kids);
    if !period_ids.is_empty() {
        b = b.period_ids(period_ids);
    }
    b.build().unwrap().to_xml()
}

const WV_PR_FP: &[DrmSystem] = &[
    DrmSystem::Widevine,
    DrmSystem::PlayReady,
    DrmSystem::FairPlay,
];

macro_rules! python_shapes {
    ($($test:ident => $name:literal, $drm:expr, $scheme:expr;)*) => {
        mod python_shape {
            use super::*;
            $(
                #[test]
                fn $test() {
                    let sample = read(concat!($name, ".request.xml"));
                    let ours = rebuild(&sample, $drm, $scheme);
                    assert_eq!(shape(ours.as_bytes()), shape(&sample));
                }
            )*
        }
    };
}

macro_rules! java_shapes {
    ($($test:ident => $name:literal, $drm:expr, $scheme:expr;)*) => {
        mod java_shape_byte_identical {
            use super::*;
            $(
                #[test]
                fn $test() {
                    let sample = read(concat!($name, ".request.java-shape.xml"));
                    let ours = rebuild(&sample, $drm, $scheme);
                    assert_eq!(ours, String::from_utf8(sample).unwrap());
                }
            )*
        }
    };
}

python_shapes! {
    s01_readme_demotest_single_key => "01_readme_demotest_single_key", WV_PR_FP, EncryptionScheme::None;
    s02_client_testjson_single_key => "02_client_testjson_single_key", WV_PR_FP, EncryptionScheme::None;
    s04_single_key_all_drms => "04_single_key_all_drms", &DrmSystem::ALL, EncryptionScheme::None;
    s05_multikey_sd_hd_uhd1_audio_cbcs => "05_multikey_sd_hd_uhd1_audio_cbcs", WV_PR_FP, EncryptionScheme::Cbcs;
    s07_key_rotation_single => "07_key_rotation_single", WV_PR_FP, EncryptionScheme::Cenc;
    s09_fairplay_hls_cbcs => "09_fairplay_hls_cbcs", &[DrmSystem::FairPlay], EncryptionScheme::Cbcs;
    s11_ncg_and_ncghls => "11_ncg_and_ncghls", &[DrmSystem::Ncg, DrmSystem::NcgHlsAes128, DrmSystem::NcgHlsSampleAes], EncryptionScheme::None;
}

java_shapes! {
    s05_multikey_sd_hd_uhd1_audio_cbcs => "05_multikey_sd_hd_uhd1_audio_cbcs", WV_PR_FP, EncryptionScheme::Cbcs;
    s07_key_rotation_single => "07_key_rotation_single", WV_PR_FP, EncryptionScheme::Cenc;
}

macro_rules! read_back {
    ($($test:ident => $file:literal, keys: $keys:literal, period: $period:literal;)*) => {
        mod read_back {
            use super::*;
            $(
                #[test]
                fn $test() {
                    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/samples").join($file);
                    let r = CpixRequest::from_xml(&std::fs::read(p).unwrap()).unwrap();
                    assert_eq!(r.keys().len(), $keys);
                    assert_eq!(r.period_index(), $period);
                    // Our rewrite reads back to the same request.
                    assert_eq!(CpixRequest::from_xml(r.to_xml().as_bytes()).unwrap(), r);
                }
            )*
        }
    };
}

read_back! {
    python_01 => "constructed/01_readme_demotest_single_key.request.xml", keys: 1, period: 0;
    python_04 => "constructed/04_single_key_all_drms.request.xml", keys: 1, period: 0;
    python_05 => "constructed/05_multikey_sd_hd_uhd1_audio_cbcs.request.xml", keys: 4, period: 0;
    java_05 => "constructed/05_multikey_sd_hd_uhd1_audio_cbcs.request.java-shape.xml", keys: 4, period: 0;
    python_07 => "constructed/07_key_rotation_single.request.xml", keys: 1, period: 5;
    java_07 => "constructed/07_key_rotation_single.request.java-shape.xml", keys: 1, period: 5;
    python_11 => "constructed/11_ncg_and_ncghls.request.xml", keys: 1, period: 0;
    docs_dash_live_keyrotation => "docs/doc_dash_live_keyrotation_request.xml", keys: 1, period: 128;
    docs_dash_vod => "docs/doc_dash_vod_request.xml", keys: 1, period: 0;
    docs_hls_vod => "docs/doc_hls_vod_request.xml", keys: 1, period: 0;
    qencode => "docs/qencode_widevine_request.xml", keys: 1, period: 0;
}

#[test]
fn read_back_keeps_ids_systems_and_scheme() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/samples/constructed/05_multikey_sd_hd_uhd1_audio_cbcs.request.xml");
    let sample = std::fs::read(p).unwrap();
    let r = CpixRequest::from_xml(&sample).unwrap();
    assert_eq!(r.scheme(), EncryptionScheme::Cbcs);
    assert_eq!(r.drm_systems(), WV_PR_FP);
    assert_eq!(shape(r.to_xml().as_bytes()), shape(&sample));
    assert!(CpixRequest::from_xml(b"<x/>").is_err());
}

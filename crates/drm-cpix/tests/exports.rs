//! Shaka Packager arguments and the Qencode `cenc_drm` object from sample responses.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use drm_cpix::error::ExportError;
use drm_cpix::export::{ExportFormat, ExportOptions, QencodeOptions, ShakaOptions};
use drm_cpix::request::EncryptionScheme;
use drm_cpix::response::CpixResponse;
use drm_policy::TrackType;
use serde_json::Value;

fn read(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn parse(rel: &str) -> CpixResponse {
    CpixResponse::parse(&read(rel)).unwrap()
}

const FAIRPLAY_CMAF_PSSH: &str = "00000020707373680000000029701fe43cc74a348c5bae90c7439a4700000000";

#[test]
fn shaka_single_key_with_fairplay() {
    let r = parse("samples/constructed/01_readme_demotest_single_key.response.xml");
    let args = r.to_shaka_args(&ShakaOptions::default()).unwrap();
    assert_eq!(
        args.keys_arg(),
        "label=:key_id=cbbc38b6b50dab53f8263e06b7382aa3:key=959dbd673980e1d1bdf2d36209495f4e"
    );
    assert_eq!(args.protection_scheme, "cbcs");
    assert_eq!(
        args.iv_hex.as_deref(),
        Some("30313233343536373839616263646566")
    );
    // Widevine box, then PlayReady box, then the empty CMAF FairPlay box.
    assert!(args.pssh_hex.starts_with(
        "0000004c7073736800000000edef8ba979d64acea3c827dcd51d21ed0000002c08011210cbbc38b6"
    ));
    assert!(
        args.pssh_hex
            .contains("000002927073736800000000" /* PR box, 658 bytes */)
    );
    assert!(args.pssh_hex.ends_with(FAIRPLAY_CMAF_PSSH));
    assert_eq!(args.pssh_hex.len(), 2 * (76 + 658 + 32));
    let line = args.to_command_line();
    assert!(line.starts_with("--enable_raw_key_encryption --keys label=:key_id="));
    assert!(line.contains(" --protection_scheme cbcs --iv 3031"));
    assert!(line.contains(" --pssh 0000004c"));
}

#[test]
fn shaka_multi_key_labels_and_echoed_scheme() {
    let r = parse("samples/constructed/05_multikey_sd_hd_uhd1_audio_cbcs.response.xml");
    let args = r.to_shaka_args(&ShakaOptions::default()).unwrap();
    let labels: Vec<&str> = args.keys.iter().map(|k| k.label.as_str()).collect();
    assert_eq!(labels, ["AUDIO", "SD", "HD", "UHD1"]);
    assert_eq!(args.protection_scheme, "cbcs");
    // Four Widevine and four PlayReady boxes, one FairPlay box.
    assert_eq!(args.pssh_hex.matches("70737368").count(), 9);
    let forced = r
        .to_shaka_args(&ShakaOptions {
            protection_scheme: Some(EncryptionScheme::Cenc),
        })
        .unwrap();
    assert_eq!(forced.protection_scheme, "cenc");
}

#[test]
fn shaka_without_fairplay_has_no_iv() {
    let r = parse("qencode/seed_response.xml");
    let args = r.to_shaka_args(&ShakaOptions::default()).unwrap();
    assert_eq!(args.protection_scheme, "cenc");
    assert_eq!(args.iv_hex, None);
    assert!(!args.pssh_hex.contains("29701fe4"));
    assert_eq!(args.args().len(), 7);
}

#[test]
fn qencode_cenc_drm_equals_the_tutorial() {
    let r = parse("qencode/seed_response.xml");
    let got: Value =
        serde_json::from_str(&r.to_qencode_cenc_drm(&QencodeOptions::default()).unwrap()).unwrap();
    let want: Value = serde_json::from_slice(&read("qencode/seed_cenc_drm.json")).unwrap();
    assert_eq!(got, want);
    // Same field order as the tutorial, too.
    let text = r.to_qencode_cenc_drm(&QencodeOptions::default()).unwrap() + "\n";
    assert_eq!(
        text,
        String::from_utf8(read("qencode/seed_cenc_drm.json")).unwrap()
    );
}

#[test]
fn qencode_seed_official_and_lenient() {
    let r = parse("qencode/seed_response.xml");
    assert_eq!(
        r.to_official_json().unwrap() + "\n",
        String::from_utf8(read("qencode/seed_response.expected.official.json")).unwrap()
    );
    let full: Value = serde_json::from_str(&r.to_full_json()).unwrap();
    let lenient: Value =
        serde_json::from_slice(&read("qencode/seed_response.expected.lenient.json")).unwrap();
    for (k, v) in lenient["multidrm_infos"][0].as_object().unwrap() {
        assert_eq!(&full["multidrm_infos"][0][k], v, "{k}");
    }
    assert_eq!(full["key_source"], "content_key_list");
}

#[test]
fn qencode_needs_a_track_for_multi_key() {
    let r = parse("samples/constructed/05_multikey_sd_hd_uhd1_audio_cbcs.response.xml");
    let err = r
        .to_qencode_cenc_drm(&QencodeOptions::default())
        .unwrap_err();
    assert!(matches!(err, ExportError::AmbiguousKey { count: 4, .. }));
    assert!(err.to_string().contains("AUDIO,SD,HD,UHD1"));
    let hd = r
        .to_qencode_cenc_drm(&QencodeOptions {
            track: Some(TrackType::Hd),
            la_url: Some("https://example.com/la".into()),
        })
        .unwrap();
    let hd: Value = serde_json::from_str(&hd).unwrap();
    assert_eq!(
        hd["key_id"],
        r.key_for_track(TrackType::Hd).unwrap().key_id.to_hex()
    );
    assert_eq!(hd["la_url"], "https://example.com/la");
    assert!(matches!(
        r.to_qencode_cenc_drm(&QencodeOptions {
            track: Some(TrackType::Uhd2),
            la_url: None
        }),
        Err(ExportError::NoSuchTrack { .. })
    ));
}

#[test]
fn full_json_checks_the_playready_checksum() {
    let r = parse("samples/constructed/01_readme_demotest_single_key.response.xml");
    let full: Value = serde_json::from_str(&r.to_full_json()).unwrap();
    assert_eq!(full["multidrm_infos"][0]["playready_checksum"], "valid");
    // test.json's header has an empty <KIDS>.
    let r = parse("samples/constructed/02_client_testjson_single_key.response.xml");
    let full: Value = serde_json::from_str(&r.to_full_json()).unwrap();
    assert_eq!(
        full["multidrm_infos"][0]["playready_checksum"],
        "kid_not_found"
    );
}

#[test]
fn every_format_exports_every_sample() {
    for name in [
        "01_readme_demotest_single_key",
        "02_client_testjson_single_key",
        "04_single_key_all_drms",
        "07_key_rotation_single",
        "09_fairplay_hls_cbcs",
        "11_ncg_and_ncghls",
    ] {
        let r = parse(&format!("samples/constructed/{name}.response.xml"));
        for f in ExportFormat::ALL {
            r.export(f, &ExportOptions::default())
                .unwrap_or_else(|e| panic!("{name} {f}: {e}"));
        }
    }
}

//! Every sample document parses; the official JSON equals the expected output byte for byte; the
//! full JSON carries every field of the lenient expected output.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use drm_cpix::response::CpixResponse;
use serde_json::Value;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(data(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn read_text(rel: &str) -> String {
    String::from_utf8(read(rel)).unwrap()
}

/// Checks that `full` (our full JSON) carries every field of `lenient` with the same value.
fn assert_carries(full: &str, lenient: &str, name: &str) {
    let full: Value = serde_json::from_str(full).unwrap();
    let lenient: Value = serde_json::from_str(lenient).unwrap();
    assert_eq!(
        full["content_id"], lenient["content_id"],
        "{name}: content_id"
    );
    let f = full["multidrm_infos"].as_array().unwrap();
    let l = lenient["multidrm_infos"].as_array().unwrap();
    assert_eq!(f.len(), l.len(), "{name}: number of keys");
    for (i, (fe, le)) in f.iter().zip(l).enumerate() {
        for (k, v) in le.as_object().unwrap() {
            assert_eq!(fe.get(k), Some(v), "{name}: key #{i} field {k}");
        }
    }
}

fn official(rel: &str) -> String {
    let response = CpixResponse::parse(&read(rel)).unwrap();
    response.to_official_json().unwrap() + "\n"
}

macro_rules! constructed {
    ($($test:ident => $name:literal,)*) => {
        mod constructed {
            use super::*;
            $(
                mod $test {
                    use super::*;

                    #[test]
                    fn official_json_is_byte_identical() {
                        let got = official(concat!("samples/constructed/", $name, ".response.xml"));
                        let want = read_text(concat!("samples/constructed/", $name, ".expected.official.json"));
                        assert_eq!(got, want);
                    }

                    #[test]
                    fn full_json_carries_the_lenient_fields() {
                        let r = CpixResponse::parse(&read(concat!("samples/constructed/", $name, ".response.xml"))).unwrap();
                        let lenient = read_text(concat!("samples/constructed/", $name, ".expected.lenient.json"));
                        assert_carries(&r.to_full_json(), &lenient, $name);
                    }

                    #[test]
                    fn python_shaped_request_parses() {
                        let r = CpixResponse::parse(&read(concat!("samples/constructed/", $name, ".request.xml"))).unwrap();
                        assert!(!r.keys().is_empty());
                        assert!(r.keys().iter().all(|k| k.key.is_none()));
                    }
                }
            )*
        }
    };
}

constructed! {
    s01_readme_demotest_single_key => "01_readme_demotest_single_key",
    s02_client_testjson_single_key => "02_client_testjson_single_key",
    s04_single_key_all_drms => "04_single_key_all_drms",
    s05_multikey_sd_hd_uhd1_audio_cbcs => "05_multikey_sd_hd_uhd1_audio_cbcs",
    s07_key_rotation_single => "07_key_rotation_single",
    s09_fairplay_hls_cbcs => "09_fairplay_hls_cbcs",
    s11_ncg_and_ncghls => "11_ncg_and_ncghls",
}

macro_rules! docs_responses {
    ($($test:ident => $name:literal, lenient: $lenient:literal;)*) => {
        mod docs_responses {
            use super::*;
            $(
                mod $test {
                    use super::*;

                    #[test]
                    fn official_json_matches_the_oracle() {
                        let got = official(concat!("samples/docs/", $name, ".xml"));
                        let want = read_text(concat!("expected-docs/", $name, ".expected.official.json"));
                        assert_eq!(got, want);
                    }

                    #[test]
                    fn full_json_carries_the_lenient_fields() {
                        let r = CpixResponse::parse(&read(concat!("samples/docs/", $name, ".xml"))).unwrap();
                        assert!(!r.keys().is_empty());
                        assert!(r.keys().iter().all(|k| k.key.is_some() && k.iv.is_some()));
                        if $lenient {
                            let lenient = read_text(concat!("expected-docs/", $name, ".expected.lenient.json"));
                            assert_carries(&r.to_full_json(), &lenient, $name);
                        }
                    }
                }
            )*
        }
    };
}

docs_responses! {
    anevia_get => "doc_anevia_get_response", lenient: true;
    dash_live_keyrotation => "doc_dash_live_keyrotation_response", lenient: true;
    dash_vod => "doc_dash_vod_response", lenient: true;
    hls_live => "doc_hls_live_response", lenient: false;
    hls_vod => "doc_hls_vod_response", lenient: false;
}

macro_rules! docs_requests {
    ($($test:ident => $name:literal, keys: $keys:literal;)*) => {
        mod docs_requests {
            use super::*;
            $(
                #[test]
                fn $test() {
                    let r = CpixResponse::parse(&read(concat!("samples/docs/", $name, ".xml"))).unwrap();
                    assert_eq!(r.keys().len(), $keys);
                }
            )*
        }
    };
}

docs_requests! {
    dash_live_keyrotation => "doc_dash_live_keyrotation_request", keys: 1;
    dash_vod => "doc_dash_vod_request", keys: 1;
    hls_live => "doc_hls_live_request", keys: 1;
    hls_vod => "doc_hls_vod_request", keys: 1;
    qencode_widevine => "qencode_widevine_request", keys: 1;
}

#[test]
fn readme_output_equals_constructed_01_modulo_indent() {
    let got: Value = serde_json::from_str(&official(
        "samples/constructed/01_readme_demotest_single_key.response.xml",
    ))
    .unwrap();
    let readme: Value = serde_json::from_slice(&read(
        "samples/docs/client_readme_python_single_key_output.json",
    ))
    .unwrap();
    assert_eq!(got, readme);
}

#[test]
fn client_test_json_equals_constructed_02_byte_for_byte() {
    let got = official("samples/constructed/02_client_testjson_single_key.response.xml");
    let want = read_text("samples/docs/client_python_test_output.json");
    assert_eq!(got.trim_end(), want.trim_end());
}

#[test]
fn docs_hls_vod_lower_case_system_id_is_recognised_leniently() {
    let r = CpixResponse::parse(&read("samples/docs/doc_hls_vod_response.xml")).unwrap();
    let k = &r.keys()[0];
    let ncg = k
        .signalling(drm_cpix::system::DrmSystem::NcgHlsAes128)
        .unwrap();
    assert_eq!(
        ncg.key_uri.as_deref(),
        Some(
            "https://testtokyo.pallycon.com/ri/hlskeyPackager.do?sid=DEMO&filename=cpix-test-cid&cid=cpix-test-cid"
        )
    );
    // Truncated docs signalling is reported, not fatal.
    assert!(
        r.warnings()
            .iter()
            .any(|w| w.to_string().contains("HLSSignalingData"))
    );
    let fp = k.signalling(drm_cpix::system::DrmSystem::FairPlay).unwrap();
    assert_eq!(
        fp.key_uri.as_deref(),
        Some("skd://Eup1PCPnvAJEdLK5dsQ76w==")
    );
    assert_eq!(fp.hls_media, None);
}

#[test]
fn key_rotation_period_is_mapped() {
    let r =
        CpixResponse::parse(&read("samples/docs/doc_dash_live_keyrotation_response.xml")).unwrap();
    assert_eq!(r.keys()[0].period_index, Some(128));
    let wv = r.keys()[0]
        .signalling(drm_cpix::system::DrmSystem::Widevine)
        .unwrap()
        .widevine_data()
        .unwrap()
        .unwrap();
    assert_eq!(wv.crypto_period_index, Some(128));
}

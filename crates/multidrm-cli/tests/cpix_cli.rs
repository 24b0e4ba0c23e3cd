//! `multidrm cpix request|parse` without a network: XML on stdout that validates against the
//! CPIX 2.3 XSD, every format from the sample responses, and the exit statuses.
//! Sample documents are read from drm-cpix's test data (same repository).
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../drm-cpix/tests/data")
        .join(rel)
}

fn multidrm(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .args(args)
        .env_remove("DOVERUNNER_KMS_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        pipe.write_all(input).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn xsd_valid(xml: &str) -> Result<(), String> {
    if Command::new("xmllint").arg("--version").output().is_err() {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
        assert!(
            !ci,
            "xmllint is not on PATH and CI is set: install libxml2-utils"
        );
        eprintln!("SKIPPED the XSD check: xmllint is not on PATH (apt-get install libxml2-utils)");
        return Ok(());
    }
    let file = common::temp_file("cpix.xml", xml);
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(data("schema/cpix-2.3/cpix.xsd"))
        .arg(&*file)
        .output()
        .expect("xmllint must be installed (apt-get install libxml2-utils)");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn request_prints_xsd_valid_xml() {
    for args in [
        vec!["--cid", "demotest", "--drm", "widevine,playready,fairplay"],
        vec![
            "--cid",
            "movie-1",
            "--drm",
            "widevine,playready",
            "--tracks",
            "AUDIO,SD,HD,UHD1,UHD2",
            "--scheme",
            "cenc",
            "--period",
            "12",
            "--video-filters",
        ],
        vec![
            "--cid", "live", "--drm", "all", "--scheme", "cbcs", "--period", "1",
        ],
        vec!["--cid", "hls", "--drm", "ncg,aes128", "--tracks", "SD"],
    ] {
        let mut full = vec!["cpix", "request"];
        full.extend(args.iter().copied());
        let o = multidrm(&full, None);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let xml = stdout(&o);
        assert!(xml.starts_with("<?xml"));
        xsd_valid(&xml).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }
}

#[test]
fn request_options_show_in_the_xml() {
    let o = multidrm(
        &[
            "cpix",
            "request",
            "--cid",
            "movie",
            "--drm",
            "widevine,fairplay",
            "--tracks",
            "sd,hd",
            "--scheme",
            "CBCS",
            "--period",
            "7",
            "--video-filters",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = stdout(&o);
    assert_eq!(xml.matches("<cpix:ContentKey ").count(), 2);
    assert_eq!(xml.matches("commonEncryptionScheme=\"cbcs\"").count(), 2);
    assert_eq!(xml.matches("<cpix:DRMSystem ").count(), 4);
    assert_eq!(xml.matches("index=\"7\"").count(), 2);
    assert!(xml.contains("intendedTrackType=\"SD\""));
    assert!(xml.contains("<cpix:VideoFilter maxPixels=\"414720\" />"));
    assert!(xml.contains("<cpix:VideoFilter minPixels=\"921600\" />"));
}

#[test]
fn request_rejects_bad_input_with_exit_1() {
    for (args, needle) in [
        (
            vec!["--cid", "demo", "--drm", "ncg", "--tracks", "SD,HD"],
            "single key",
        ),
        (
            vec![
                "--cid",
                "demo",
                "--drm",
                "widevine,sampleaes",
                "--tracks",
                "AUDIO,HD",
            ],
            "single key",
        ),
        (vec!["--cid", "a/b", "--drm", "widevine"], "--cid"),
        (vec!["--cid", "", "--drm", "widevine"], "--cid"),
        (vec!["--cid", "demo", "--drm", "clearkey"], "--drm"),
        (
            vec!["--cid", "demo", "--drm", "widevine", "--tracks", "FHD"],
            "--tracks",
        ),
        (
            vec!["--cid", "demo", "--drm", "widevine", "--scheme", "aes"],
            "--scheme",
        ),
    ] {
        let mut full = vec!["cpix", "request"];
        full.extend(args.iter().copied());
        let o = multidrm(&full, None);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn usage_errors_exit_2() {
    let o = multidrm(&["cpix", "request", "--drm", "widevine"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = multidrm(&["cpix", "parse", "/nonexistent/response.xml"], None);
    assert_eq!(o.status.code(), Some(2));
    let o = multidrm(&["cpix", "get", "--cid", "demo", "--drm", "widevine"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("DOVERUNNER_KMS_TOKEN"));
}

macro_rules! official_samples {
    ($($test:ident => $name:literal,)*) => {
        mod parse_official_is_byte_identical {
            use super::*;
            $(
                #[test]
                fn $test() {
                    let file = data(concat!("samples/constructed/", $name, ".response.xml"));
                    let o = multidrm(&["cpix", "parse", file.to_str().unwrap()], None);
                    assert!(o.status.success(), "{}", stderr(&o));
                    let want = std::fs::read_to_string(data(concat!(
                        "samples/constructed/", $name, ".expected.official.json"
                    )))
                    .unwrap();
                    assert_eq!(stdout(&o), want);
                }
            )*
        }
    };
}

official_samples! {
    s01_readme_demotest_single_key => "01_readme_demotest_single_key",
    s02_client_testjson_single_key => "02_client_testjson_single_key",
    s04_single_key_all_drms => "04_single_key_all_drms",
    s05_multikey_sd_hd_uhd1_audio_cbcs => "05_multikey_sd_hd_uhd1_audio_cbcs",
    s07_key_rotation_single => "07_key_rotation_single",
    s09_fairplay_hls_cbcs => "09_fairplay_hls_cbcs",
    s11_ncg_and_ncghls => "11_ncg_and_ncghls",
}

#[test]
fn parse_reads_stdin_and_every_format() {
    let body = std::fs::read(data(
        "samples/constructed/05_multikey_sd_hd_uhd1_audio_cbcs.response.xml",
    ))
    .unwrap();
    let full = multidrm(&["cpix", "parse", "-", "--format", "full"], Some(&body));
    assert!(full.status.success(), "{}", stderr(&full));
    let v: Value = serde_json::from_str(&stdout(&full)).unwrap();
    assert_eq!(v["multidrm_infos"].as_array().unwrap().len(), 4);
    assert_eq!(v["multidrm_infos"][1]["track_type"], "SD");

    let shaka = multidrm(&["cpix", "parse", "-", "--format", "shaka"], Some(&body));
    assert!(shaka.status.success(), "{}", stderr(&shaka));
    let line = stdout(&shaka);
    assert!(line.starts_with("--enable_raw_key_encryption --keys label=AUDIO:key_id="));
    assert!(line.contains(",label=UHD1:key_id="));
    assert!(line.contains("--protection_scheme cbcs"));
    assert!(
        line.trim_end()
            .ends_with("29701fe43cc74a348c5bae90c7439a4700000000")
    );

    let ambiguous = multidrm(&["cpix", "parse", "-", "--format", "qencode"], Some(&body));
    assert_eq!(ambiguous.status.code(), Some(1));
    assert!(stderr(&ambiguous).contains("--track"));
    let hd = multidrm(
        &["cpix", "parse", "-", "--format", "qencode", "--track", "hd"],
        Some(&body),
    );
    assert!(hd.status.success(), "{}", stderr(&hd));
    let v: Value = serde_json::from_str(&stdout(&hd)).unwrap();
    assert_eq!(v["key_id"], "146e0a7a87215f7e0dbba1f77a46d439");
}

#[test]
fn parse_qencode_tutorial_response() {
    let file = data("qencode/seed_response.xml");
    let o = multidrm(
        &[
            "cpix",
            "parse",
            file.to_str().unwrap(),
            "--format",
            "qencode",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string(data("qencode/seed_cenc_drm.json")).unwrap()
    );
}

#[test]
fn parse_rejects_bad_documents_with_exit_1() {
    for body in [
        &b"<not-cpix/>"[..],
        b"<cpix:CPIX xmlns:cpix=\"urn:dashif:org:cpix\"><unclosed>",
        b"{\"errorCode\":\"x\",\"message\":\"y\"}",
        b"",
    ] {
        let o = multidrm(&["cpix", "parse", "-"], Some(body));
        assert_eq!(
            o.status.code(),
            Some(1),
            "{:?}",
            String::from_utf8_lossy(body)
        );
        assert!(o.stdout.is_empty());
    }
    let o = multidrm(&["cpix", "parse", "-", "--format", "yaml"], Some(b"<x/>"));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn docs_samples_parse_with_warnings_on_stderr() {
    let file = data("samples/docs/doc_hls_live_response.xml");
    let o = multidrm(
        &["cpix", "parse", file.to_str().unwrap(), "--format", "full"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning"));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["multidrm_infos"][0]["fairplay_hls_key_uri"],
        "skd://cpix-test-cid0000000000000080"
    );
    assert_eq!(v["multidrm_infos"][0]["period_index"], "128");
}

#[test]
fn parse_with_the_request_pairs_kids() {
    let req = data("samples/constructed/05_multikey_sd_hd_uhd1_audio_cbcs.request.xml");
    let resp = data("samples/constructed/05_multikey_sd_hd_uhd1_audio_cbcs.response.xml");
    let o = multidrm(
        &[
            "cpix",
            "parse",
            resp.to_str().unwrap(),
            "--request",
            req.to_str().unwrap(),
            "--format",
            "full",
        ],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    // samples/constructed/05_*.meta.json: request_kid_to_response_kid.
    assert_eq!(
        v["multidrm_infos"][0]["request_key_id"],
        "ec865e3b-dd71-4d53-bddd-046e8b9cde7f"
    );
    assert_eq!(
        v["multidrm_infos"][0]["key_id"],
        "a4af6566-7e64-8324-2a76-5a9972008e21"
    );
    // A request for another title is refused.
    let other = data("samples/constructed/01_readme_demotest_single_key.request.xml");
    let o = multidrm(
        &[
            "cpix",
            "parse",
            resp.to_str().unwrap(),
            "--request",
            other.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("content id"));
}

// ------------------------------------------------------------------------------------------
// Documents from other producers (issue 10, class 3); data: drm-cpix tests/data/fidelity.

fn parse_fidelity(name: &str, format: &str) -> Output {
    let path = data(&format!("fidelity/{name}"));
    multidrm(
        &["cpix", "parse", path.to_str().unwrap(), "--format", format],
        None,
    )
}

#[test]
fn parse_reads_content_id_and_label_filters() {
    let out = parse_fidelity("axinom_usage_rules_based_on_labels.xml", "official");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["content_id"], "labels-test");
    let out = parse_fidelity("axinom_usage_rules_based_on_labels.xml", "shaka");
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(!line.contains("label=:"), "{line}");
    let keys = line.split_whitespace().nth(2).unwrap();
    let labels: Vec<&str> = keys
        .split(',')
        .map(|e| e.split(':').next().unwrap())
        .collect();
    let mut unique = labels.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "{labels:?}");
    let full = stdout(&parse_fidelity(
        "axinom_usage_rules_based_on_labels.xml",
        "full",
    ));
    assert!(full.contains("\"type\": \"LabelFilter\""), "{full}");
}

#[test]
fn parse_warns_about_unusable_rules_and_signatures() {
    let out = parse_fidelity("misspelt_mixpixels_filter.xml", "full");
    assert!(out.status.success());
    assert!(stderr(&out).contains("mixPixels"), "{}", stderr(&out));
    assert!(stderr(&out).contains("unusable"), "{}", stderr(&out));
    let out = parse_fidelity("signed_document.xml", "full");
    assert!(out.status.success());
    assert!(stderr(&out).contains("NOT verified"), "{}", stderr(&out));
}

#[test]
fn parse_decodes_utf16_and_refuses_what_it_cannot_read() {
    let out = parse_fidelity("axinom_usage_rules_based_on_labels.utf16le-bom.xml", "full");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"content_id\": \"labels-test\""));
    let out = parse_fidelity("encrypted_content_keys.xml", "full");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("EncryptedValue"), "{}", stderr(&out));
    let out = parse_fidelity("root_without_namespace.xml", "full");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("urn:dashif:org:cpix"),
        "{}",
        stderr(&out)
    );
}

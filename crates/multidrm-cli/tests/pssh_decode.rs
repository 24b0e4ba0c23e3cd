//! `multidrm pssh decode`: PSSH boxes, bare payloads, skd URIs, the PlayReady checksum check and
//! the exit statuses. Values come from the public DoveRunner client README / 2020 CPIX docs.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use drm_cpix::playready::{PlayReadyKid, WrmHeader};
use drm_cpix::pssh::{PsshBox, decode_base64, encode_base64};
use drm_cpix::system::WIDEVINE_SYSTEM_ID;
use serde_json::Value;

/// doverunner/cpix-api-client README (`demotest`): Widevine PSSH.
const README_WV: &str = "AAAATHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAACwIARIQy7w4trUNq1P4Jj4GtzgqoxoMaW5rYWVudHdvcmtzIghkZW1vdGVzdA==";
/// Same README: PlayReady PSSH (WRMHEADER 4.3, CHECKSUM `HEsvlXUxnWw=`).
const README_PR: &str = "AAACknBzc2gAAAAAmgTweZhAQoarkuZb4IhflQAAAnJyAgAAAQABAGgCPABXAFIATQBIAEUAQQBEAEUAUgAgAHgAbQBsAG4AcwA9ACIAaAB0AHQAcAA6AC8ALwBzAGMAaABlAG0AYQBzAC4AbQBpAGMAcgBvAHMAbwBmAHQALgBjAG8AbQAvAEQAUgBNAC8AMgAwADAANwAvADAAMwAvAFAAbABhAHkAUgBlAGEAZAB5AEgAZQBhAGQAZQByACIAIAB2AGUAcgBzAGkAbwBuAD0AIgA0AC4AMwAuADAALgAwACIAPgA8AEQAQQBUAEEAPgA8AFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBJAEQAUwA+ADwASwBJAEQAIABBAEwARwBJAEQAPQAiAEEARQBTAEMAVABSACIAIABDAEgARQBDAEsAUwBVAE0APQAiAEgARQBzAHYAbABYAFUAeABuAFcAdwA9ACIAIABWAEEATABVAEUAPQAiAHQAagBpADgAeQB3ADIAMQBVADYAdgA0AEoAagA0AEcAdAB6AGcAcQBvAHcAPQA9ACIAPgA8AC8ASwBJAEQAPgA8AC8ASwBJAEQAUwA+ADwALwBQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEwAQQBfAFUAUgBMAD4AaAB0AHQAcABzADoALwAvAGwAaQBjAGUAbgBzAGUALgBwAGEAbABsAHkAYwBvAG4ALgBjAG8AbQAvAHIAaQAvAGwAaQBjAGUAbgBzAGUATQBhAG4AYQBnAGUAcgAuAGQAbwA8AC8ATABBAF8AVQBSAEwAPgA8AC8ARABBAFQAQQA+ADwALwBXAFIATQBIAEUAQQBEAEUAUgA+AA==";
/// The README's content key (Python/Java README).
const README_KEY: &str = "959dbd673980e1d1bdf2d36209495f4e";
/// The C++ README's key for the same PSSH: stale, its checksum does not match.
const CPP_README_KEY: &str = "32333232314537424546393634414439";
/// 2020 CPIX docs, DASH live key rotation: Widevine PSSH with period 128.
const DOCS_ROTATION_WV: &str = "AAAAaHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAAEgIARIQa6yOww7jN589ISkLOivJwxoMaW5rYWVudHdvcmtzIh1jcGl4LXRlc3QtY2lkMDAwMDAwMDAwMDAwMDA4MCoCSEQ4gAE=";

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn decode_ok(args: &[&str]) -> Value {
    let out = run(args, None);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn decode_fails(args: &[&str]) -> String {
    let out = run(args, None);
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    assert!(out.stdout.is_empty());
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn widevine_box_fields() {
    let v = decode_ok(&["pssh", "decode", README_WV]);
    assert_eq!(v["kind"], "pssh_box");
    assert_eq!(v["version"], 0);
    assert_eq!(v["size"], 76);
    assert_eq!(v["system_id"], "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed");
    assert_eq!(v["system_name"], "WIDEVINE");
    assert_eq!(v["data_size"], 44);
    assert_eq!(
        v["data_base64"],
        "CAESEMu8OLa1DatT+CY+Brc4KqMaDGlua2FlbnR3b3JrcyIIZGVtb3Rlc3Q="
    );
    let wv = &v["widevine"];
    assert_eq!(wv["algorithm"], "AESCTR");
    assert_eq!(wv["key_ids"][0], "cbbc38b6-b50d-ab53-f826-3e06b7382aa3");
    assert_eq!(wv["provider"], "inkaentworks");
    assert_eq!(wv["content_id"], "demotest");
}

#[test]
fn widevine_rotation_fields() {
    let v = decode_ok(&["pssh", "decode", DOCS_ROTATION_WV]);
    let wv = &v["widevine"];
    assert_eq!(wv["content_id"], "cpix-test-cid0000000000000080");
    assert_eq!(wv["track_type"], "HD");
    assert_eq!(wv["crypto_period_index"], 128);
    assert_eq!(wv["key_rotation"]["content_id"], "cpix-test-cid");
    assert_eq!(wv["key_rotation"]["period_index"], 128);
}

#[test]
fn playready_header_and_valid_checksum() {
    let v = decode_ok(&["pssh", "decode", README_PR, "--key", README_KEY]);
    assert_eq!(v["system_name"], "PLAYREADY");
    let pr = &v["playready"];
    assert_eq!(pr["header_version"], "4.3.0.0");
    assert_eq!(
        pr["la_url"],
        "https://license.pallycon.com/ri/licenseManager.do"
    );
    assert_eq!(pr["checksum"], "HEsvlXUxnWw=");
    assert_eq!(
        pr["key_ids"][0]["key_id"],
        "cbbc38b6-b50d-ab53-f826-3e06b7382aa3"
    );
    assert_eq!(pr["key_ids"][0]["value_base64"], "tji8yw21U6v4Jj4Gtzgqow==");
    assert_eq!(pr["key_ids"][0]["algorithm"], "AESCTR");
    assert_eq!(pr["checksum_check"], "valid");
    assert_eq!(pr["checksum_valid"], true);
    // The key may also be given in base64 (the CPIX PlainValue).
    let v = decode_ok(&[
        "pssh",
        "decode",
        README_PR,
        "--key",
        "lZ29ZzmA4dG98tNiCUlfTg==",
    ]);
    assert_eq!(v["playready"]["checksum_check"], "valid");
}

#[test]
fn playready_without_key_has_no_check() {
    let v = decode_ok(&["pssh", "decode", README_PR]);
    assert!(v["playready"].get("checksum_check").is_none());
    assert_eq!(v["playready"]["record_count"], 1);
}

#[test]
fn stale_cpp_readme_key_fails_the_checksum() {
    let out = run(
        &["pssh", "decode", README_PR, "--key", CPP_README_KEY],
        None,
    );
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["playready"]["checksum_check"], "invalid");
    assert_eq!(v["playready"]["checksum_valid"], false);
    assert!(String::from_utf8_lossy(&out.stderr).contains("CHECKSUM does not match"));
}

#[test]
fn bare_payloads() {
    let pro = "cgIAAAEAAQBoAjwAVwBSAE0ASABFAEEARABFAFIAIAB4AG0AbABuAHMAPQAiAGgAdAB0AHAAOgAvAC8AcwBjAGgAZQBtAGEAcwAuAG0AaQBjAHIAbwBzAG8AZgB0AC4AYwBvAG0ALwBEAFIATQAvADIAMAAwADcALwAwADMALwBQAGwAYQB5AFIAZQBhAGQAeQBIAGUAYQBkAGUAcgAiACAAdgBlAHIAcwBpAG8AbgA9ACIANAAuADMALgAwAC4AMAAiAD4APABEAEEAVABBAD4APABQAFIATwBUAEUAQwBUAEkATgBGAE8APgA8AEsASQBEAFMAPgA8AEsASQBEACAAQQBMAEcASQBEAD0AIgBBAEUAUwBDAFQAUgAiACAAQwBIAEUAQwBLAFMAVQBNAD0AIgBIAEUAcwB2AGwAWABVAHgAbgBXAHcAPQAiACAAVgBBAEwAVQBFAD0AIgB0AGoAaQA4AHkAdwAyADEAVQA2AHYANABKAGoANABHAHQAegBnAHEAbwB3AD0APQAiAD4APAAvAEsASQBEAD4APAAvAEsASQBEAFMAPgA8AC8AUABSAE8AVABFAEMAVABJAE4ARgBPAD4APABMAEEAXwBVAFIATAA+AGgAdAB0AHAAcwA6AC8ALwBsAGkAYwBlAG4AcwBlAC4AcABhAGwAbAB5AGMAbwBuAC4AYwBvAG0ALwByAGkALwBsAGkAYwBlAG4AcwBlAE0AYQBuAGEAZwBlAHIALgBkAG8APAAvAEwAQQBfAFUAUgBMAD4APAAvAEQAQQBUAEEAPgA8AC8AVwBSAE0ASABFAEEARABFAFIAPgA=";
    let v = decode_ok(&["pssh", "decode", pro, "--key", README_KEY]);
    assert_eq!(v["kind"], "playready_header_object");
    assert_eq!(v["checksum_check"], "valid");
    let v = decode_ok(&[
        "pssh",
        "decode",
        "CAESEMu8OLa1DatT+CY+Brc4KqMaDGlua2FlbnR3b3JrcyIIZGVtb3Rlc3Q=",
    ]);
    assert_eq!(v["kind"], "widevine_pssh_data");
    assert_eq!(v["content_id"], "demotest");
}

#[test]
fn version1_and_concatenated_boxes() {
    let kid = "e2b281ba-fba5-8760-cfa6-5ae6f3ddd630".parse().unwrap();
    let key = [7u8; 16];
    let v1 = PsshBox::v1(WIDEVINE_SYSTEM_ID, vec![kid], vec![]);
    let pr = WrmHeader::v4_3(vec![PlayReadyKid::aes_ctr(kid, &key)], None)
        .to_object()
        .unwrap()
        .to_pssh_box()
        .unwrap();
    let mut bytes = v1.to_bytes().unwrap();
    bytes.extend(pr.to_bytes().unwrap());
    let v = decode_ok(&[
        "pssh",
        "decode",
        &encode_base64(&bytes),
        "--key",
        "07070707070707070707070707070707",
    ]);
    assert_eq!(v["kind"], "pssh_boxes");
    assert_eq!(v["count"], 2);
    assert_eq!(v["boxes"][0]["version"], 1);
    assert_eq!(
        v["boxes"][0]["key_ids"][0],
        "e2b281ba-fba5-8760-cfa6-5ae6f3ddd630"
    );
    assert_eq!(v["boxes"][1]["playready"]["checksum_check"], "valid");
}

#[test]
fn stdin_and_skd_uri() {
    let out = run(&["pssh", "decode", "-"], Some(&format!("{README_WV}\n")));
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["widevine"]["content_id"], "demotest");
    let v = decode_ok(&["pssh", "decode", "skd://y7w4trUNq1P4Jj4Gtzgqow=="]);
    assert_eq!(v["kind"], "fairplay_key_uri");
    assert_eq!(v["key_id"], "cbbc38b6-b50d-ab53-f826-3e06b7382aa3");
    let v = decode_ok(&["pssh", "decode", "skd://cpix-test-cid0000000000000080"]);
    assert_eq!(v["key_rotation"]["period_index"], 128);
}

#[test]
fn bad_input_exits_1_with_a_message() {
    assert!(decode_fails(&["pssh", "decode", "not base64!"]).contains("base64"));
    assert!(decode_fails(&["pssh", "decode", ""]).contains("empty"));
    assert!(decode_fails(&["pssh", "decode", "AAAA"]).contains("neither"));
    // A truncated box.
    assert!(decode_fails(&["pssh", "decode", &README_WV[..40]]).contains("PSSH"));
    assert!(decode_fails(&["pssh", "decode", README_PR, "--key", "abcd"]).contains("--key"));
    assert!(decode_fails(&["pssh", "decode", "skd://"]).contains("skd"));
}

// ------------------------------------------------------------------------------------------
// Boxes from real init segments (issue 10, class 4); data: drm-cpix tests/data/fidelity.

fn fidelity(name: &str) -> String {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../drm-cpix/tests/data/fidelity")
        .join(name);
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

#[test]
fn wpt_init_data_with_its_key() {
    let v = decode_ok(&[
        "pssh",
        "decode",
        &fidelity("wpt_mp4_basic_init.b64"),
        "--key",
        "be7df8a3667a6a8fd564d0ed81339a95",
    ]);
    assert_eq!(v["count"], 2);
    assert_eq!(v["boxes"][0]["widevine"]["provider"], "castlabs");
    assert_eq!(v["boxes"][1]["playready"]["checksum_valid"], true);
    // The same boxes as hex (Shaka Packager's `--pssh` form).
    let hex =
        drm_policy::ids::hex_lower(&decode_base64(&fidelity("wpt_mp4_basic_init.b64")).unwrap());
    let url_safe = fidelity("wpt_mp4_basic_init.b64")
        .replace('+', "-")
        .replace('/', "_")
        .replace('=', "");
    assert_eq!(decode_ok(&["pssh", "decode", &url_safe])["count"], 2);
    let again = decode_ok(&["pssh", "decode", &hex]);
    assert_eq!(again["count"], 2);
    assert_eq!(again["boxes"][0]["widevine"], v["boxes"][0]["widevine"]);
    assert_eq!(again["boxes"][1]["system_name"], "PLAYREADY");
}

#[test]
fn one_opaque_payload_does_not_reject_the_concatenation() {
    let out = run(
        &[
            "pssh",
            "decode",
            &fidelity("wpt_opaque_widevine_then_playready.b64"),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["count"], 2);
    assert_eq!(v["errors"], 1);
    assert_eq!(v["boxes"][0]["system_name"], "WIDEVINE");
    assert!(
        v["boxes"][0]["error"]
            .as_str()
            .unwrap()
            .contains("Widevine")
    );
    assert_eq!(v["boxes"][1]["system_name"], "PLAYREADY");
    assert!(v["boxes"][1]["error"].is_null());
    assert_eq!(
        v["boxes"][1]["playready"]["key_ids"][0]["key_id"],
        "ad13f9ea-2be6-98b8-75f5-04a8e3ccea64"
    );
}

#[test]
fn a_size_0_box_is_reported_as_running_to_the_end() {
    let v = decode_ok(&[
        "pssh",
        "decode",
        &fidelity("wpt_widevine_then_playready_size0.b64"),
    ]);
    let last = &v["boxes"][1];
    assert_eq!(last["size_field"], 0);
    assert_eq!(last["extends_to_end"], true);
    assert_eq!(last["offset"], 113);
    assert_eq!(last["size"], 794);
    assert_eq!(last["playready"]["header_version"], "4.0.0.0");
}

#[test]
fn key_on_a_header_without_checksum_says_there_is_nothing_to_check() {
    let out = run(
        &[
            "pssh",
            "decode",
            &fidelity("playready_aescbc_no_checksum.b64"),
            "--key",
            "be7df8a3667a6a8fd564d0ed81339a95",
        ],
        None,
    );
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no checksum to check"), "{err}");
    assert!(!err.contains("does not match"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["playready"]["checksum_check"], "missing");
    assert!(v["playready"]["checksum_valid"].is_null());
}

#[test]
fn an_init_segment_gives_its_pssh_boxes() {
    let v = decode_ok(&[
        "pssh",
        "decode",
        &fidelity("wpt_mp4_basic_init_segment.b64"),
    ]);
    assert_eq!(v["count"], 2);
    assert_eq!(v["boxes"][0]["offset"], 24 + 8 + 108);
    assert_eq!(v["boxes"][0]["widevine"]["provider"], "castlabs");
    assert_eq!(v["boxes"][1]["system_name"], "PLAYREADY");
}

//! Documents and boxes from other producers (issue 10, classes 3 and 4): each class has a named
//! test with the public material that shows it (`tests/data/fidelity/`, sources in its README).
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use drm_cpix::error::ParseError;
use drm_cpix::export::ShakaOptions;
use drm_cpix::pssh::{self, PsshError, decode_base64};
use drm_cpix::response::{CpixResponse, KeySource};
use drm_cpix::system::{PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID};
use drm_cpix::warning::{CpixWarning, UnusableRule};

fn data(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fidelity")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parse(name: &str) -> CpixResponse {
    CpixResponse::parse(&data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn boxes(name: &str) -> Vec<u8> {
    decode_base64(std::str::from_utf8(&data(name)).unwrap()).unwrap()
}

// ------------------------------------------------------------------------------------------
// Class 3: CPIX documents from other producers

#[test]
fn cpix_2_3_content_id_is_read_when_id_is_absent() {
    let r = parse("axinom_usage_rules_based_on_labels.xml");
    assert_eq!(r.content_id(), "labels-test");
    assert!(!r.warnings().contains(&CpixWarning::ContentIdMissing));
    let official = r.to_official_json().unwrap();
    assert!(
        official.contains("\"content_id\": \"labels-test\""),
        "{official}"
    );
}

#[test]
fn label_filters_are_kept() {
    let r = parse("axinom_usage_rules_based_on_labels.xml");
    assert_eq!(r.source(), KeySource::UsageRules);
    assert_eq!(r.keys().len(), 5);
    let labels: Vec<&str> = r.keys()[0]
        .filters
        .iter()
        .filter(|f| f.kind == "LabelFilter")
        .filter_map(|f| f.attr("label"))
        .collect();
    assert_eq!(
        labels,
        ["AllAudioStreams", "Audio", "PositionalAudio", "Stereo"]
    );
    let full = r.to_full_json();
    assert!(!full.contains("\"filters\": []"), "{full}");
    assert!(full.contains("\"label\": \"SD-Video\""));
}

#[test]
fn shaka_labels_are_never_empty_or_repeated() {
    let r = parse("axinom_usage_rules_based_on_labels.xml");
    let args = r.to_shaka_args(&ShakaOptions::default()).unwrap();
    let labels: Vec<&str> = args.keys.iter().map(|k| k.label.as_str()).collect();
    assert_eq!(labels.len(), 13, "{labels:?}");
    assert!(labels.iter().all(|l| !l.is_empty()), "{labels:?}");
    let mut unique = labels.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), labels.len(), "{labels:?}");
    assert!(
        args.keys_arg()
            .contains("label=HD-Video:key_id=53abdba2f21043cbbc90f18f9a890a02:")
    );
    // Several keys without track or label: positions, never empty; a label claimed by two
    // keys gets a suffix on the second.
    let doc = r#"<CPIX xmlns="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" contentId="x">
      <ContentKeyList>
        <ContentKey kid="ba6c62d6-4a49-4aa4-8869-ce4d2727a2b5"><Data><pskc:Secret><pskc:PlainValue>sLVGDIuvogAUW+Ay0mE9ZA==</pskc:PlainValue></pskc:Secret></Data></ContentKey>
        <ContentKey kid="37e3de05-9a3b-4c69-8970-63c17a95e0b7"><Data><pskc:Secret><pskc:PlainValue>UvL2JdZiEX2exVMwn796Tg==</pskc:PlainValue></pskc:Secret></Data></ContentKey>
        <ContentKey kid="53abdba2-f210-43cb-bc90-f18f9a890a02"><Data><pskc:Secret><pskc:PlainValue>lOgzNKBnPZlGSns+WqO8zw==</pskc:PlainValue></pskc:Secret></Data></ContentKey>
      </ContentKeyList>
      <ContentKeyUsageRuleList>
        <ContentKeyUsageRule kid="ba6c62d6-4a49-4aa4-8869-ce4d2727a2b5" intendedTrackType="HD"/>
        <ContentKeyUsageRule kid="37e3de05-9a3b-4c69-8970-63c17a95e0b7" intendedTrackType="HD"/>
        <ContentKeyUsageRule kid="53abdba2-f210-43cb-bc90-f18f9a890a02"/>
      </ContentKeyUsageRuleList></CPIX>"#;
    let r = CpixResponse::parse(doc.as_bytes()).unwrap();
    let args = r.to_shaka_args(&ShakaOptions::default()).unwrap();
    let labels: Vec<&str> = args.keys.iter().map(|k| k.label.as_str()).collect();
    assert_eq!(labels, ["HD", "HD_2", "KEY3"]);
}

#[test]
fn an_unknown_filter_attribute_makes_the_rule_unusable() {
    let r = parse("misspelt_mixpixels_filter.xml");
    assert_eq!(
        r.keys().len(),
        1,
        "the HD rule must map its key to no track"
    );
    assert_eq!(r.keys()[0].track_type.as_deref(), Some("SD"));
    let unusable = r.warnings().iter().find_map(|w| match w {
        CpixWarning::UnusableUsageRule { key_id, reason } => Some((key_id, reason)),
        _ => None,
    });
    let (key_id, reason) = unusable.expect("an unusable-rule warning");
    assert_eq!(key_id, "0a9e5f42-3c1b-4d7e-8f60-2b4c6d8e0f12");
    assert_eq!(
        reason,
        &UnusableRule::UnknownAttribute {
            filter: "VideoFilter".into(),
            attribute: "mixPixels".into()
        }
    );
    assert!(r.warnings()[0].to_string().contains("mixPixels"));
    // The remaining key is not promoted to "the key of every stream".
    let args = r.to_shaka_args(&ShakaOptions::default()).unwrap();
    assert_eq!(args.keys[0].label, "SD");
}

#[test]
fn utf16_documents_with_a_bom_are_decoded() {
    let utf8 = parse("axinom_usage_rules_based_on_labels.xml");
    for name in [
        "axinom_usage_rules_based_on_labels.utf16le-bom.xml",
        "axinom_usage_rules_based_on_labels.utf16be-bom.xml",
    ] {
        let r = parse(name);
        assert_eq!(r.content_id(), "labels-test", "{name}");
        assert_eq!(r.to_full_json(), utf8.to_full_json(), "{name}");
    }
    // A broken UTF-16 document says it is UTF-16.
    let mut odd = data("axinom_usage_rules_based_on_labels.utf16le-bom.xml");
    odd.push(b'<');
    let err = CpixResponse::parse(&odd).unwrap_err().to_string();
    assert!(err.contains("UTF-16"), "{err}");
}

#[test]
fn signatures_are_reported_as_not_verified() {
    let r = parse("signed_document.xml");
    assert_eq!(r.keys().len(), 1);
    let signed = r.warnings().iter().find_map(|w| match w {
        CpixWarning::SignatureNotVerified { signed } => Some(signed.clone()),
        _ => None,
    });
    assert_eq!(signed.unwrap(), ["ContentKeyList", "CPIX"]);
    let text = r.warnings()[0].to_string();
    assert!(text.contains("NOT verified"), "{text}");
}

#[test]
fn encrypted_content_keys_are_refused_precisely() {
    let err = CpixResponse::parse(&data("encrypted_content_keys.xml")).unwrap_err();
    assert_eq!(
        err,
        ParseError::EncryptedValueUnsupported {
            key_id: "ba6c62d6-4a49-4aa4-8869-ce4d2727a2b5".into(),
            recipients: 1
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("EncryptedValue") && text.contains("DeliveryDataList"),
        "{text}"
    );
}

#[test]
fn a_root_outside_the_cpix_namespace_names_the_expected_namespace() {
    for (name, found) in [
        ("root_without_namespace.xml", None),
        (
            "root_in_another_namespace.xml",
            Some("urn:dashif:org:cpix:2.3"),
        ),
    ] {
        let err = CpixResponse::parse(&data(name)).unwrap_err();
        assert_eq!(
            err,
            ParseError::NotCpix {
                found: "CPIX".into(),
                namespace: found.map(str::to_owned)
            },
            "{name}"
        );
        assert!(
            err.to_string().contains("urn:dashif:org:cpix;")
                || err.to_string().ends_with("urn:dashif:org:cpix"),
            "{err}"
        );
    }
}

#[test]
fn plain_value_whitespace_official_keeps_it_other_exports_are_clean() {
    let r = parse("wrapped_base64_values.xml");
    let key = r.keys()[0].key.as_ref().unwrap();
    assert_eq!(
        drm_policy::ids::hex_lower(key.expose_secret()),
        "be7df8a3667a6a8fd564d0ed81339a95"
    );
    let official = r.to_official_json().unwrap();
    assert!(
        official.contains("\"key_b64\": \"vn34o2Z6ao/V\\n"),
        "{official}"
    );
    assert!(official.contains("\"key_hex\": \"be7df8a3667a6a8fd564d0ed81339a95\""));
    let full = r.to_full_json();
    assert!(
        full.contains("\"key\": \"vn34o2Z6ao/VZNDtgTOalQ==\""),
        "{full}"
    );
    let wv_pssh = boxes("wpt_mp4_basic_init.b64")[..113].to_vec();
    let clean = pssh::encode_base64(&wv_pssh);
    assert!(
        full.contains(&format!("\"widevine_pssh\": \"{clean}\"")),
        "{full}"
    );
    let qencode = r
        .to_qencode_cenc_drm(&drm_cpix::export::QencodeOptions::default())
        .unwrap();
    assert!(
        qencode.contains(&format!("\"pssh\": \"{clean}\"")),
        "{qencode}"
    );
    let shaka = r.to_shaka_args(&ShakaOptions::default()).unwrap();
    assert_eq!(shaka.pssh_hex, drm_policy::ids::hex_lower(&wv_pssh));
}

// ------------------------------------------------------------------------------------------
// Class 4: PSSH boxes from real init segments

#[test]
fn wpt_init_data_decodes_box_by_box() {
    let bytes = boxes("wpt_mp4_basic_init.b64");
    let scan = pssh::scan(&bytes);
    assert!(scan.unreadable.is_none());
    assert_eq!(scan.boxes.len(), 2);
    assert_eq!(scan.boxes[0].system_id, Some(WIDEVINE_SYSTEM_ID));
    assert_eq!(scan.boxes[1].system_id, Some(PLAYREADY_SYSTEM_ID));
    let pr = scan.boxes[1].result.as_ref().unwrap();
    let header = drm_cpix::playready::PlayReadyObject::from_pssh_box(pr)
        .unwrap()
        .wrm_header()
        .unwrap();
    let kid = "ad13f9ea-2be6-98b8-75f5-04a8e3ccea64".parse().unwrap();
    let key: [u8; 16] = drm_policy::ids::decode_hex(
        "be7df8a3667a6a8fd564d0ed81339a95",
        drm_policy::ids::HexCase::Any,
    )
    .unwrap()
    .try_into()
    .unwrap();
    assert_eq!(
        header.verify_key(&kid, &key),
        drm_cpix::playready::ChecksumCheck::Valid
    );
}

#[test]
fn an_opaque_payload_does_not_reject_the_other_boxes() {
    let bytes = boxes("wpt_opaque_widevine_then_playready.b64");
    let scan = pssh::scan(&bytes);
    assert_eq!(scan.boxes.len(), 2);
    // The box frame is fine (its payload is the Widevine decoder's business)…
    let wv = scan.boxes[0].result.as_ref().unwrap();
    assert!(drm_cpix::widevine::WidevinePsshData::from_pssh_box(wv).is_err());
    // … and the PlayReady box beside it decodes.
    assert!(scan.boxes[1].result.is_ok());
    // A box whose own header is broken reports its error, and the next box still decodes.
    let mut broken = bytes.clone();
    broken[8] = 9; // version 9
    let scan = pssh::scan(&broken);
    assert_eq!(
        scan.boxes[0].result,
        Err(PsshError::UnsupportedVersion { version: 9 })
    );
    assert_eq!(scan.boxes[0].system_id, Some(WIDEVINE_SYSTEM_ID));
    assert!(scan.boxes[1].result.is_ok());
}

#[test]
fn a_size_0_box_runs_to_the_end_of_the_input() {
    let bytes = boxes("wpt_widevine_then_playready_size0.b64");
    let scan = pssh::scan(&bytes);
    assert_eq!(scan.boxes.len(), 2);
    let last = &scan.boxes[1];
    assert_eq!(last.size_field, 0);
    assert_eq!(last.offset, 113);
    assert_eq!(last.len, bytes.len() - 113);
    assert_eq!(
        last.result.as_ref().unwrap().data.len(),
        bytes.len() - 113 - 32
    );
}

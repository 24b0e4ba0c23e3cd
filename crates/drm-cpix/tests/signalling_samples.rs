//! Every PSSH box, Widevine payload, PlayReady header, FairPlay URI and HLS key line found in the
//! sample documents decodes, re-encodes byte for byte, and agrees with the surrounding CPIX data
//! (KIDs, content keys via the PlayReady checksum, content id, key-rotation period).
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_cpix::fairplay::{HlsKeyLine, HlsKeyTag, SkdUri};
use drm_cpix::playready::{ChecksumCheck, PlayReadyObject, WrmHeader};
use drm_cpix::pssh::PsshBox;
use drm_cpix::system::DrmSystem;
use drm_cpix::widevine::WidevinePsshData;
use drm_policy::KeyId;
use quick_xml::Reader;
use quick_xml::events::Event;

/// A DRMSystem element: its kid, system id and (local name, playlist attribute, text) children.
struct DrmSystemEl {
    kid: KeyId,
    system: DrmSystem,
    children: Vec<(String, Option<String>, String)>,
}

#[derive(Default)]
struct Doc {
    content_id: String,
    keys: HashMap<KeyId, [u8; 16]>,
    period_index: Option<u64>,
    systems: Vec<DrmSystemEl>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.unescape_value().unwrap().into_owned())
}

/// A small sample reader for the tests (the crate's own CPIX parser is tested elsewhere).
fn load(xml: &str) -> Doc {
    let mut r = Reader::from_str(xml);
    let mut doc = Doc::default();
    let mut current_key: Option<KeyId> = None;
    let mut current_child: Option<(String, Option<String>)> = None;
    let mut text = String::new();
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let local = String::from_utf8(e.local_name().as_ref().to_vec()).unwrap();
                match local.as_str() {
                    "CPIX" => doc.content_id = attr(&e, b"id").unwrap(),
                    "ContentKey" => current_key = Some(attr(&e, b"kid").unwrap().parse().unwrap()),
                    "ContentKeyPeriod" => {
                        doc.period_index = attr(&e, b"index").map(|i| i.parse().unwrap());
                    }
                    "DRMSystem" => doc.systems.push(DrmSystemEl {
                        kid: attr(&e, b"kid").unwrap().parse().unwrap(),
                        system: DrmSystem::from_system_id(&attr(&e, b"systemId").unwrap()).unwrap(),
                        children: Vec::new(),
                    }),
                    "PSSH"
                    | "ContentProtectionData"
                    | "ProtectionHeader"
                    | "SmoothStreamingProtectionHeaderData"
                    | "URIExtXKey"
                    | "HLSSignalingData"
                    | "PlainValue" => {
                        current_child = Some((local, attr(&e, b"playlist")));
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::End(e) => {
                let local = e.local_name();
                if let Some((name, playlist)) = current_child.take() {
                    if name.as_bytes() == local.as_ref() {
                        let value = text.trim().to_owned();
                        if name == "PlainValue" {
                            let key = STANDARD.decode(&value).unwrap().try_into().unwrap();
                            doc.keys.insert(current_key.unwrap(), key);
                        } else {
                            doc.systems
                                .last_mut()
                                .unwrap()
                                .children
                                .push((name, playlist, value));
                        }
                    } else {
                        current_child = Some((name, playlist));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    doc
}

/// Decodes base64; `None` for the values the 2020 docs truncated (`...`).
fn b64(value: &str) -> Option<Vec<u8>> {
    if value.contains("...") {
        return None;
    }
    Some(STANDARD.decode(value).unwrap())
}

fn check_widevine(doc: &Doc, sys: &DrmSystemEl, pssh: &PsshBox) -> WidevinePsshData {
    let wv = WidevinePsshData::from_pssh_box(pssh).unwrap();
    assert_eq!(
        wv.to_bytes(),
        pssh.data,
        "Widevine payload re-encodes byte for byte"
    );
    assert_eq!(wv.key_ids, vec![sys.kid], "Widevine KIDs = DRMSystem kid");
    assert!(matches!(
        wv.provider.as_deref(),
        Some("doverunner" | "inkaentworks")
    ));
    match (doc.period_index, wv.crypto_period_index) {
        (Some(period), Some(index)) => {
            assert_eq!(u64::from(index), period);
            assert_eq!(
                wv.rotation_content_id(),
                Some((doc.content_id.as_str(), period))
            );
        }
        (None, None) => assert_eq!(wv.content_id_str(), Some(doc.content_id.as_str())),
        other => panic!("period mismatch {other:?}"),
    }
    wv
}

fn check_playready(doc: &Doc, sys: &DrmSystemEl, pro_bytes: &[u8]) -> WrmHeader {
    let pro = PlayReadyObject::parse(pro_bytes).unwrap();
    assert_eq!(
        pro.to_bytes().unwrap(),
        pro_bytes,
        "PRO re-encodes byte for byte"
    );
    let xml = pro.wrm_header_xml().unwrap();
    let header = WrmHeader::parse_xml(&xml).unwrap();
    assert_eq!(
        header.to_xml().unwrap(),
        xml,
        "WRMHEADER re-encodes byte for byte"
    );
    assert!(header.la_url.as_deref().unwrap().starts_with("https://"));
    assert_eq!(header.period_index(), doc.period_index);
    if !header.kids.is_empty() {
        assert_eq!(header.kids.len(), 1);
        let kid = &header.kids[0];
        assert_eq!(kid.key_id, sys.kid, "PlayReady KID = DRMSystem kid");
        let key = doc.keys[&sys.kid];
        let expected = if kid.checksum.is_some() {
            ChecksumCheck::Valid
        } else {
            ChecksumCheck::Missing
        };
        assert_eq!(header.verify_key(&sys.kid, &key), expected);
        assert_eq!(
            header.verify_key(&sys.kid, &[0; 16]),
            if kid.checksum.is_some() {
                ChecksumCheck::Invalid
            } else {
                ChecksumCheck::Missing
            }
        );
    }
    header
}

/// Checks one document; returns how many values were decoded.
fn check_document(xml: &str) -> usize {
    let doc = load(xml);
    assert!(!doc.systems.is_empty());
    let mut decoded = 0;
    for sys in &doc.systems {
        let mut pssh_data: Option<Vec<u8>> = None;
        for (name, playlist, value) in &sys.children {
            let Some(bytes) = b64(value) else { continue };
            decoded += 1;
            match name.as_str() {
                "PSSH" => {
                    let pssh = PsshBox::parse(&bytes).unwrap();
                    assert_eq!(
                        pssh.to_bytes().unwrap(),
                        bytes,
                        "PSSH re-encodes byte for byte"
                    );
                    assert_eq!(pssh.version, 0);
                    assert_eq!(pssh.drm_system(), Some(sys.system));
                    match sys.system {
                        DrmSystem::Widevine => {
                            check_widevine(&doc, sys, &pssh);
                        }
                        DrmSystem::PlayReady => {
                            check_playready(&doc, sys, &pssh.data);
                        }
                        _ => {}
                    }
                    pssh_data = Some(pssh.data);
                }
                "ContentProtectionData"
                | "ProtectionHeader"
                | "SmoothStreamingProtectionHeaderData" => {
                    if sys.system == DrmSystem::PlayReady {
                        check_playready(&doc, sys, &bytes);
                    } else if sys.system == DrmSystem::Widevine {
                        let wv = WidevinePsshData::parse(&bytes).unwrap();
                        assert_eq!(wv.to_bytes(), bytes);
                    }
                }
                "URIExtXKey" => {
                    if sys.system == DrmSystem::Ncg {
                        continue; // opaque NCG CEK
                    }
                    let text = String::from_utf8(bytes).unwrap();
                    if sys.system == DrmSystem::FairPlay {
                        let uri = SkdUri::parse(&text).unwrap();
                        assert_eq!(uri.to_string(), text);
                        match doc.period_index {
                            Some(p) => {
                                assert_eq!(uri.rotation(), Some((doc.content_id.as_str(), p)))
                            }
                            None => assert_eq!(uri.key_id(), Some(sys.kid)),
                        }
                    } else {
                        assert!(text.starts_with("https://"), "{text}");
                    }
                }
                "HLSSignalingData" => {
                    let text = String::from_utf8(bytes).unwrap();
                    let line = HlsKeyLine::parse(&text).unwrap();
                    assert_eq!(line.to_line().unwrap(), text, "HLS line re-encodes");
                    let expected_tag = match playlist.as_deref() {
                        Some("master") => HlsKeyTag::SessionKey,
                        _ => HlsKeyTag::Key,
                    };
                    assert_eq!(line.tag, expected_tag);
                    let uri_ext = sys.children.iter().find(|c| c.0 == "URIExtXKey").unwrap();
                    let uri_text = String::from_utf8(b64(&uri_ext.2).unwrap()).unwrap();
                    assert_eq!(line.uri.as_deref(), Some(uri_text.as_str()));
                }
                _ => {}
            }
        }
        // ContentProtectionData = PSSH data payload (= the box minus its 32-byte v0 header).
        if let (Some(data), Some(cpd)) = (
            &pssh_data,
            sys.children
                .iter()
                .find(|c| c.0 == "ContentProtectionData")
                .and_then(|c| b64(&c.2)),
        ) {
            assert_eq!(data, &cpd, "ContentProtectionData is the PSSH payload");
        }
    }
    decoded
}

macro_rules! documents {
    ($($name:ident => $file:literal, $min:expr;)*) => {$(
        #[test]
        fn $name() {
            let decoded = check_document(include_str!(concat!("data/signalling/", $file)));
            assert!(decoded >= $min, "decoded only {decoded} values");
        }
    )*};
}

documents! {
    doc_dash_vod_response => "doc_dash_vod_response.xml", 2;
    doc_dash_live_keyrotation_response => "doc_dash_live_keyrotation_response.xml", 2;
    doc_hls_vod_response => "doc_hls_vod_response.xml", 2;
    doc_hls_live_response => "doc_hls_live_response.xml", 1;
    doc_anevia_get_response => "doc_anevia_get_response.xml", 2;
    constructed_01_readme_demotest => "01_readme_demotest_single_key.response.xml", 9;
    constructed_02_client_testjson => "02_client_testjson_single_key.response.xml", 9;
    constructed_04_all_drms => "04_single_key_all_drms.response.xml", 24;
    constructed_05_multikey_cbcs => "05_multikey_sd_hd_uhd1_audio_cbcs.response.xml", 36;
    constructed_07_key_rotation => "07_key_rotation_single.response.xml", 9;
    constructed_09_fairplay_hls => "09_fairplay_hls_cbcs.response.xml", 3;
    constructed_11_ncg_and_ncghls => "11_ncg_and_ncghls.response.xml", 7;
}

/// The official client JSON outputs: `pssh` = box, `pssh_payload_only` = its data.
fn client_json(text: &str) -> Vec<(KeyId, [u8; 16], PsshBox, PsshBox)> {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    v["content_key_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            let kid: KeyId = k["key_id_hex"].as_str().unwrap().parse().unwrap();
            let key = STANDARD
                .decode(k["key_b64"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap();
            let wv = PsshBox::from_base64(k["widevine"]["pssh"].as_str().unwrap()).unwrap();
            let pr = PsshBox::from_base64(k["playready"]["pssh"].as_str().unwrap()).unwrap();
            assert_eq!(
                STANDARD.encode(&wv.data),
                k["widevine"]["pssh_payload_only"].as_str().unwrap()
            );
            assert_eq!(
                STANDARD.encode(&pr.data),
                k["playready"]["pssh_payload_only"].as_str().unwrap()
            );
            let skd = SkdUri::parse(k["fairplay"]["key_uri"].as_str().unwrap()).unwrap();
            assert_eq!(skd.key_id(), Some(kid));
            (kid, key, wv, pr)
        })
        .collect()
}

#[test]
fn client_readme_python_output_checksum_verifies() {
    let entries = client_json(include_str!(
        "data/signalling/client_readme_python_single_key_output.json"
    ));
    let (kid, key, wv, pr) = &entries[0];
    let wv = WidevinePsshData::from_pssh_box(wv).unwrap();
    assert_eq!(wv.key_ids, vec![*kid]);
    assert_eq!(wv.content_id_str(), Some("demotest"));
    let header = PlayReadyObject::from_pssh_box(pr)
        .unwrap()
        .wrm_header()
        .unwrap();
    assert_eq!(
        header.kids[0].checksum_base64().as_deref(),
        Some("HEsvlXUxnWw=")
    );
    assert_eq!(header.verify_key(kid, key), ChecksumCheck::Valid);
}

#[test]
fn client_readme_cpp_output_is_stale() {
    // The C++ README's key does not match its PlayReady checksum (spec §4.3).
    let entries = client_json(include_str!(
        "data/signalling/client_readme_cpp_single_key_output.json"
    ));
    let (kid, key, _, pr) = &entries[0];
    let header = PlayReadyObject::from_pssh_box(pr)
        .unwrap()
        .wrm_header()
        .unwrap();
    assert_eq!(header.verify_key(kid, key), ChecksumCheck::Invalid);
}

#[test]
fn client_python_test_output_has_empty_kids() {
    let entries = client_json(include_str!(
        "data/signalling/client_python_test_output.json"
    ));
    let (kid, key, _, pr) = &entries[0];
    let header = PlayReadyObject::from_pssh_box(pr)
        .unwrap()
        .wrm_header()
        .unwrap();
    assert!(header.kids.is_empty());
    assert_eq!(header.verify_key(kid, key), ChecksumCheck::KidNotFound);
    assert_eq!(
        header.la_url.as_deref(),
        Some("https://testtokyo.pallycon.com/ri/licenseManager.do")
    );
}

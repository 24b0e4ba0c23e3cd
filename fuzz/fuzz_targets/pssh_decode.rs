//! The PSSH-family decoders on arbitrary bytes: `pssh` boxes (one and many), Widevine PSSH
//! data, PlayReady Header Objects and WRMHEADER XML, FairPlay `skd://` URIs and HLS key lines,
//! as raw bytes and as base64 text. Round trips: a box, a Widevine message and a PlayReady
//! object that parse re-encode and parse back equal.

#![no_main]

use drm_cpix::fairplay::SkdUri;
use drm_cpix::fairplay::hls::HlsKeyLine;
use drm_cpix::playready::{PlayReadyObject, WrmHeader};
use drm_cpix::pssh::PsshBox;
use drm_cpix::widevine::WidevinePsshData;
use libfuzzer_sys::fuzz_target;

fn pssh(data: &[u8]) {
    if let Ok(b) = PsshBox::parse(data) {
        let _ = b.drm_system();
        let bytes = b.to_bytes().expect("a parsed box re-encodes");
        assert_eq!(bytes.len(), b.encoded_len());
        let again = PsshBox::parse(&bytes).expect("a re-encoded box parses");
        assert_eq!(again, b, "pssh round trip changed the box");
        let _ = WidevinePsshData::from_pssh_box(&b);
        if let Ok(pro) = PlayReadyObject::from_pssh_box(&b) {
            let _ = pro.wrm_header();
        }
    }
    if let Ok(all) = PsshBox::parse_all(data) {
        for b in &all {
            assert!(b.to_bytes().is_ok());
        }
    }
}

fn widevine(data: &[u8]) {
    if let Ok(w) = WidevinePsshData::parse(data) {
        let _ = w.content_id_str();
        let _ = w.rotation_content_id();
        let _ = w.protection_scheme_text();
        let again = WidevinePsshData::parse(&w.to_bytes()).expect("re-encoded message parses");
        let mut expected = w.clone();
        expected.skipped_fields.clear();
        assert_eq!(again, expected, "widevine round trip changed the message");
        let boxed = w.to_pssh_box();
        assert!(boxed.to_bytes().is_ok());
    }
}

fn playready(data: &[u8]) {
    if let Ok(pro) = PlayReadyObject::parse(data) {
        let bytes = pro.to_bytes().expect("a parsed PRO re-encodes");
        assert_eq!(bytes, data, "PRO re-encoding is not byte-identical");
        if let Ok(header) = pro.wrm_header() {
            header_round_trip(&header);
        }
    }
    if let Ok(xml) = std::str::from_utf8(data)
        && let Ok(header) = WrmHeader::parse_xml(xml)
    {
        header_round_trip(&header);
    }
}

fn header_round_trip(header: &WrmHeader) {
    let _ = header.period_index();
    if let Ok(xml) = header.to_xml() {
        // What we write must read back with the same KIDs (custom attributes are copied
        // verbatim and need not be well-formed, so headers with them are left out).
        if header.custom_attributes.is_none() {
            let again = WrmHeader::parse_xml(&xml)
                .unwrap_or_else(|e| panic!("our WRMHEADER does not parse: {e}\n{xml}"));
            // Version 4.0 always writes `<ALGID>AESCTR</ALGID>`: an absent ALGID may come back.
            assert_eq!(
                again.kids.len(),
                header.kids.len(),
                "KID count changed\n{xml}"
            );
            for (a, b) in again.kids.iter().zip(&header.kids) {
                assert_eq!(a.key_id, b.key_id, "KID changed\n{xml}");
                assert_eq!(a.checksum, b.checksum, "checksum changed\n{xml}");
                if b.algorithm.is_some() {
                    assert_eq!(a.algorithm, b.algorithm, "ALGID changed\n{xml}");
                }
            }
        }
    }
}

fn text_forms(text: &str) {
    let _ = PsshBox::from_base64(text);
    let _ = WidevinePsshData::from_base64(text);
    if let Ok(pro) = PlayReadyObject::from_base64(text) {
        let _ = pro.wrm_header();
    }
    if let Ok(uri) = SkdUri::parse(text) {
        let _ = uri.key_id();
        let _ = uri.rotation();
        let _ = uri.to_string();
    }
    if let Ok(line) = HlsKeyLine::parse(text) {
        let _ = line.to_line();
    }
}

fuzz_target!(|data: &[u8]| {
    pssh(data);
    widevine(data);
    playready(data);
    if let Ok(text) = std::str::from_utf8(data) {
        text_forms(text);
    }
});

//! Hostile input never panics: arbitrary bytes, and sample documents with bytes spliced in, go
//! through the parser and every export; arbitrary option texts go through the request parsers.
#![allow(clippy::unwrap_used, missing_docs)]

use drm_cpix::export::{ExportFormat, ExportOptions};
use drm_cpix::request::{EncryptionScheme, TrackSelection};
use drm_cpix::response::{CpixResponse, RawDocument};
use drm_cpix::{ContentId, CpixRequest, DrmSystem};
use proptest::prelude::*;

const SAMPLE: &[u8] =
    include_bytes!("data/samples/constructed/05_multikey_sd_hd_uhd1_audio_cbcs.response.xml");
const ROTATION: &[u8] =
    include_bytes!("data/samples/constructed/07_key_rotation_single.response.xml");

fn exercise(bytes: &[u8]) {
    let _ = RawDocument::parse(bytes);
    if let Ok(r) = CpixResponse::parse(bytes) {
        for f in ExportFormat::ALL {
            let _ = r.export(f, &ExportOptions::default());
        }
        for k in r.keys() {
            for (_, d) in &k.drm {
                let _ = d.pssh_box();
                let _ = d.widevine_data();
                let _ = d.playready_header();
            }
        }
        let request = CpixRequest::builder("sample-multikey".parse().unwrap())
            .drm(DrmSystem::Widevine)
            .tracks("AUDIO,SD,HD,UHD1".parse().unwrap())
            .build()
            .unwrap();
        let _ = CpixResponse::parse_for_request(&request, bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

    #[test]
    fn spliced_samples_never_panic(
        at in 0usize..SAMPLE.len(),
        cut in 0usize..64,
        insert in proptest::collection::vec(any::<u8>(), 0..32),
        rotation in any::<bool>(),
    ) {
        let base = if rotation { ROTATION } else { SAMPLE };
        let at = at.min(base.len());
        let end = (at + cut).min(base.len());
        let mut doc = base[..at].to_vec();
        doc.extend_from_slice(&insert);
        doc.extend_from_slice(&base[end..]);
        exercise(&doc);
    }

    #[test]
    fn spliced_text_never_panics(
        at in 0usize..SAMPLE.len(),
        insert in "[<>&;=\"'/a-zA-Z0-9 :#-]{0,24}",
    ) {
        let at = at.min(SAMPLE.len());
        let mut doc = SAMPLE[..at].to_vec();
        doc.extend_from_slice(insert.as_bytes());
        doc.extend_from_slice(&SAMPLE[at..]);
        exercise(&doc);
    }

    #[test]
    fn option_texts_never_panic(text in "\\PC{0,80}") {
        let _ = text.parse::<ContentId>();
        let _ = text.parse::<TrackSelection>();
        let _ = text.parse::<EncryptionScheme>();
        let _ = text.parse::<ExportFormat>();
        let _ = text.parse::<DrmSystem>();
    }
}

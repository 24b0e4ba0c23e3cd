//! The CPIX response parser on arbitrary bytes: `RawDocument::parse`, `CpixResponse::parse`,
//! pairing with three fixed requests (single key, five-track multi-key, key rotation), every
//! export and the decoders of every key's DRM signalling.

#![no_main]

use drm_cpix::export::{QencodeOptions, ShakaOptions};
use drm_cpix::request::TrackSelection;
use drm_cpix::response::raw::RawDocument;
use drm_cpix::{ContentId, CpixRequest, CpixResponse, DrmSystem};
use drm_policy::{KeyId, TrackType};
use libfuzzer_sys::fuzz_target;

fn kid(n: u8) -> KeyId {
    KeyId::from_bytes([n; 16])
}

/// Deterministic requests for `content_id` (fixed key ids and period ids).
fn requests(content_id: &ContentId) -> Vec<CpixRequest> {
    let systems = [
        DrmSystem::Widevine,
        DrmSystem::PlayReady,
        DrmSystem::FairPlay,
    ];
    let tracks = [
        TrackType::Audio,
        TrackType::Sd,
        TrackType::Hd,
        TrackType::Uhd1,
        TrackType::Uhd2,
    ];
    let mut out = Vec::new();
    if let Ok(r) = CpixRequest::builder(content_id.clone())
        .drm_systems(systems)
        .key_ids(vec![kid(1)])
        .build()
    {
        out.push(r);
    }
    if let Ok(selection) = TrackSelection::keys(tracks)
        && let Ok(r) = CpixRequest::builder(content_id.clone())
            .drm_systems(systems)
            .tracks(selection)
            .key_ids((1..=5).map(kid).collect())
            .build()
    {
        out.push(r);
    }
    if let Ok(r) = CpixRequest::builder(content_id.clone())
        .drm_systems(systems)
        .period_index(5)
        .key_ids(vec![kid(9)])
        .period_ids(vec!["keyPeriod_fuzz".to_owned()])
        .build()
    {
        out.push(r);
    }
    out
}

fn exercise(response: &CpixResponse) {
    let _ = response.to_official_json();
    let full = response.to_full_json();
    assert!(
        serde_json::from_str::<serde_json::Value>(&full).is_ok(),
        "the full export is not JSON: {full}"
    );
    if let Ok(args) = response.to_shaka_args(&ShakaOptions::default()) {
        let _ = args.to_command_line();
    }
    let _ = response.to_qencode_cenc_drm(&QencodeOptions::default());
    let _ = response.to_qencode_cenc_drm(&QencodeOptions {
        la_url: None,
        track: Some(TrackType::Hd),
    });
    for key in response.keys() {
        let _ = key.track();
        let _ = key.iv_hex();
        for (_, signalling) in &key.drm {
            let _ = signalling.pssh_box();
            let _ = signalling.widevine_data();
            let _ = signalling.playready_header();
        }
    }
    let _ = response.key_for_track(TrackType::Hd);
}

fuzz_target!(|data: &[u8]| {
    let raw = RawDocument::parse(data);
    let parsed = CpixResponse::parse(data);
    if raw.is_err() {
        assert!(
            parsed.is_err(),
            "CpixResponse accepted what RawDocument refused"
        );
    }
    if let Err(e) = &parsed {
        let _ = e.to_string();
    }
    let Ok(response) = parsed else {
        return;
    };
    exercise(&response);

    // Pair with requests for the response's own content id (else pairing stops at the id).
    let content_id = ContentId::new(response.content_id())
        .or_else(|_| ContentId::new("fuzz-title"))
        .expect("a valid content id");
    for request in requests(&content_id) {
        let mut paired = response.clone();
        let result = paired.pair_with_request(&request);
        let direct = CpixResponse::parse_for_request(&request, data);
        assert_eq!(
            result.is_ok(),
            direct.is_ok(),
            "parse_for_request disagrees with pairing"
        );
        if result.is_ok() {
            exercise(&paired);
        }
    }
});

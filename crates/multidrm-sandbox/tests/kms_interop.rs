//! drm-cpix's request builder → the KMS emulator over loopback HTTP → drm-cpix's response
//! parser: keys land on the right tracks, request and response KIDs are both kept, and the
//! signalling decodes (checksum, Widevine KIDs, rotation).
#![allow(clippy::unwrap_used, missing_docs)]

use drm_cpix::playready::ChecksumCheck;
use drm_cpix::{ContentId, CpixRequest, CpixResponse, DrmSystem, EncryptionScheme, TrackSelection};
use drm_policy::TrackType;
use multidrm_sandbox::{Sandbox, SandboxOptions};

async fn fetch(sandbox: &Sandbox, request: &CpixRequest) -> CpixResponse {
    let q = if request.key_rotation() {
        "?key-rotation=true"
    } else {
        ""
    };
    let url = format!("{}{}{q}", sandbox.kms_url(), sandbox.kms_token());
    let resp = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/xml")
        .body(request.to_xml())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body = resp.bytes().await.unwrap();
    CpixResponse::parse_for_request(request, &body).unwrap()
}

#[tokio::test]
async fn builder_emulator_parser_round_trip() {
    use DrmSystem::*;
    use TrackType::*;
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let track_sets = [
        TrackSelection::All,
        TrackSelection::keys([Sd, Hd]).unwrap(),
        TrackSelection::keys([Audio, Sd, Hd, Uhd1, Uhd2]).unwrap(),
    ];
    for tracks in track_sets {
        for period in [0u32, 7] {
            for filters in [false, true] {
                for scheme in [
                    EncryptionScheme::None,
                    EncryptionScheme::Cenc,
                    EncryptionScheme::Cbcs,
                ] {
                    let request = CpixRequest::builder(ContentId::new("interop-title").unwrap())
                        .drm_systems([Widevine, PlayReady, FairPlay])
                        .tracks(tracks.clone())
                        .scheme(scheme)
                        .period_index(period)
                        .filters(filters)
                        .build()
                        .unwrap();
                    let ctx = format!("{tracks:?} period {period} filters {filters} {scheme:?}");
                    let response = fetch(&sandbox, &request).await;
                    assert_eq!(response.content_id(), "interop-title", "{ctx}");
                    assert_eq!(response.keys().len(), tracks.key_count(), "{ctx}");
                    for track in tracks.key_tracks() {
                        let wire = if tracks.is_all() {
                            "HD"
                        } else {
                            track.as_str()
                        };
                        let key = response
                            .key_for_track(track)
                            .unwrap_or_else(|| panic!("{ctx}: no key for {track}"));
                        let expected = sandbox.kms().derive_key(
                            "interop-title",
                            wire,
                            (period > 0).then_some(u64::from(period)),
                        );
                        assert_eq!(key.key_id, expected.key_id, "{ctx}: {track}");
                        assert_ne!(Some(key.key_id), key.request_key_id, "{ctx}: KID replaced");
                        let content_key = key.key.as_ref().unwrap().as_aes128().unwrap();
                        assert_eq!(content_key, expected.key, "{ctx}");
                        assert_eq!(key.iv, Some(expected.iv), "{ctx}");
                        let wv = key
                            .signalling(Widevine)
                            .unwrap()
                            .widevine_data()
                            .unwrap()
                            .unwrap();
                        assert_eq!(wv.key_ids, vec![key.key_id], "{ctx}");
                        let pr = key
                            .signalling(PlayReady)
                            .unwrap()
                            .playready_header()
                            .unwrap()
                            .unwrap();
                        let check = pr.verify_key(&key.key_id, &content_key);
                        match scheme {
                            EncryptionScheme::Cbcs => {
                                assert_eq!(check, ChecksumCheck::Missing, "{ctx}")
                            }
                            _ => assert_eq!(check, ChecksumCheck::Valid, "{ctx}"),
                        }
                        if period > 0 {
                            assert_eq!(key.period_index, Some(u64::from(period)), "{ctx}");
                            assert_eq!(wv.crypto_period_index, Some(period), "{ctx}");
                            assert_eq!(pr.period_index(), Some(u64::from(period)), "{ctx}");
                        }
                        let fp = key.signalling(FairPlay).unwrap();
                        assert!(
                            fp.key_uri.as_deref().unwrap().starts_with("skd://"),
                            "{ctx}"
                        );
                        assert!(
                            fp.hls_media.as_deref().unwrap().starts_with("#EXT-X-KEY:"),
                            "{ctx}"
                        );
                        assert!(
                            fp.hls_master
                                .as_deref()
                                .unwrap()
                                .starts_with("#EXT-X-SESSION-KEY:"),
                            "{ctx}"
                        );
                    }
                }
            }
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn single_key_drms_through_the_builder() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let request = CpixRequest::builder(ContentId::new("ncg-title").unwrap())
        .drm_systems(DrmSystem::ALL)
        .build()
        .unwrap();
    let response = fetch(&sandbox, &request).await;
    let key = &response.keys()[0];
    assert_eq!(key.drm.len(), 9);
    let ncg = key.signalling(DrmSystem::Ncg).unwrap();
    assert_eq!(ncg.ncg_cek.as_ref().unwrap().expose_secret().len(), 44); // base64 of 32 bytes
    let aes = key.signalling(DrmSystem::NcgHlsAes128).unwrap();
    assert!(
        aes.key_uri
            .as_deref()
            .unwrap()
            .contains("hlskeyPackager.do?sid=DEMO&filename=ncg-title&cid=ncg-title")
    );
    sandbox.shutdown().await;
}

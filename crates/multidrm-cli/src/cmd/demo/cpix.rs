//! Demo section: fetch content keys for a multi-key title from the KMS emulator over CPIX and
//! hand them to a packager.

use drm_cpix::client::{KmsClient, KmsToken};
use drm_cpix::export::ShakaOptions;
use drm_cpix::playready::ChecksumCheck;
use drm_cpix::{ContentId, CpixRequest, DrmSystem, EncryptionScheme, TrackSelection};
use drm_policy::TrackType;
use multidrm_sandbox::Sandbox;

use super::report::{Report, shorten};
use crate::failure::{CmdResult, Failure};

pub(crate) async fn run(report: &mut Report, sandbox: &Sandbox) -> CmdResult {
    report.section("Content keys over CPIX (DoveRunner KMS emulator)");
    report.line("A packaging job asks the KMS for one key per resolution and gets the DRM signalling with it.");
    let tracks = [
        TrackType::Audio,
        TrackType::Sd,
        TrackType::Hd,
        TrackType::Uhd1,
    ];
    let request = CpixRequest::builder(ContentId::new("demo-title-001").map_err(Failure::input)?)
        .drm_systems([
            DrmSystem::Widevine,
            DrmSystem::PlayReady,
            DrmSystem::FairPlay,
        ])
        .tracks(TrackSelection::keys(tracks).map_err(Failure::input)?)
        .scheme(EncryptionScheme::Cbcs)
        .build()
        .map_err(Failure::input)?;
    report.value(
        "content id",
        "demo-title-001",
        "the title's id at packaging; tokens name it as `cid`",
    );
    report.value(
        "request",
        "4 keys (AUDIO, SD, HD, UHD1) × Widevine, PlayReady, FairPlay, cbcs",
        "CPIX 2.3 XML, XSD order",
    );
    report.value(
        "KMS endpoint",
        &sandbox.kms_url(),
        "the KMS token follows as a path segment (kept out of logs)",
    );

    let token = KmsToken::new(sandbox.kms_token()).map_err(Failure::usage)?;
    let client = KmsClient::builder()
        .base_url(sandbox.kms_url())
        .build(token)
        .map_err(Failure::usage)?;
    let response = client.get_keys(&request).await.map_err(Failure::remote)?;

    let mut checksums = 0;
    for track in tracks {
        let key = response
            .key_for_track(track)
            .ok_or_else(|| Failure::remote(format!("the KMS returned no key for {track}")))?;
        let replaced = key.request_key_id.is_some_and(|asked| asked != key.key_id);
        report.value(
            &format!("{track} key id"),
            &key.key_id.to_uuid_string(),
            if replaced {
                "the KMS replaced the requested KID; mapped back by intendedTrackType"
            } else {
                ""
            },
        );
        let content_key = key
            .key
            .as_ref()
            .and_then(|k| k.as_aes128())
            .ok_or_else(|| Failure::remote(format!("no 16-byte content key for {track}")))?;
        if let Some(Ok(header)) = key
            .signalling(DrmSystem::PlayReady)
            .and_then(|s| s.playready_header())
        {
            // PlayReady 4.3 headers for cbcs (AESCBC) carry no checksum by design.
            match header.verify_key(&key.key_id, &content_key) {
                ChecksumCheck::Valid => checksums += 1,
                ChecksumCheck::Missing => {}
                other => {
                    return Err(Failure::remote(format!(
                        "PlayReady checksum check for {track}: {other:?}"
                    )));
                }
            }
        }
        if let Some(Ok(widevine)) = key
            .signalling(DrmSystem::Widevine)
            .and_then(|s| s.widevine_data())
        {
            if !widevine.key_ids.contains(&key.key_id) {
                return Err(Failure::remote(format!(
                    "Widevine PSSH does not carry the KID of {track}"
                )));
            }
        }
    }
    report.ok("every track has its key, mapped by track type");
    if checksums > 0 {
        report.ok("PlayReady header checksums verify with the returned keys");
    } else {
        report.ok("PlayReady headers are AESCBC (cbcs): no checksum by design");
    }
    report.ok("every Widevine PSSH carries its content key's KID");
    if let Some(fairplay) = response
        .keys()
        .first()
        .and_then(|k| k.signalling(DrmSystem::FairPlay))
    {
        if let Some(uri) = &fairplay.key_uri {
            report.value("FairPlay key URI", uri, "goes into the HLS #EXT-X-KEY line");
        }
    }

    let shaka = response
        .to_shaka_args(&ShakaOptions::default())
        .map_err(Failure::input)?;
    report.line("Shaka Packager command (sandbox keys, safe to show):");
    report.line(&format!(
        "  packager <streams…> {}",
        shorten(&shaka.to_command_line(), 200)
    ));
    report.line("Try it yourself: multidrm sandbox   then   multidrm cpix get --cid C --drm widevine,playready \\");
    report.line("  --tracks SD,HD --kms-url URL --kms-token T --format shaka");
    Ok(())
}

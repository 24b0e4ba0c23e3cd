//! Fetch the content keys of a multi-key title over CPIX and print the Shaka Packager command.
//!
//! One key per track type (AUDIO, SD, HD, UHD1) so a leaked SD key does not unlock the 4K
//! rendition, each with Widevine, PlayReady and FairPlay signalling. The KMS replaces the
//! requested key ids with its own; the client pairs them back by track type, so every key is
//! found with `key_for_track`. Shaka Packager matches the keys to the streams by `drm_label`.
//!
//! The sandbox's KMS emulator stands in for DoveRunner's KMS: for production, drop the
//! `base_url` line and pass the KMS token of the DoveRunner Console (`DOVERUNNER_KMS_TOKEN`).
//! Real content keys are secrets: print them only into the packager's command line, not a log.
//!
//! Run: `cargo run -p multidrm-examples --bin fetch_keys_shaka` (loopback only).

use multidrm::prelude::*;
use multidrm_sandbox::{Sandbox, SandboxOptions};

/// The title's renditions: track type, Shaka stream descriptor.
const STREAMS: [(TrackType, &str); 4] = [
    (
        TrackType::Audio,
        "in=audio.mp4,stream=audio,output=audio_enc.mp4",
    ),
    (
        TrackType::Sd,
        "in=video_480p.mp4,stream=video,output=video_480p_enc.mp4",
    ),
    (
        TrackType::Hd,
        "in=video_1080p.mp4,stream=video,output=video_1080p_enc.mp4",
    ),
    (
        TrackType::Uhd1,
        "in=video_2160p.mp4,stream=video,output=video_2160p_enc.mp4",
    ),
];

#[tokio::main]
async fn main() -> multidrm::Result<()> {
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;

    let client = KmsClient::builder()
        .base_url(sandbox.kms_url())
        .build(KmsToken::new(sandbox.kms_token())?)?;
    let request = CpixRequest::builder("bigbuckbunny-4k".parse()?)
        .drm_systems([
            DrmSystem::Widevine,
            DrmSystem::PlayReady,
            DrmSystem::FairPlay,
        ])
        .tracks(TrackSelection::keys(STREAMS.map(|(track, _)| track))?)
        // cbcs serves DASH (Widevine, PlayReady) and HLS (FairPlay) from the same files.
        .scheme(EncryptionScheme::Cbcs)
        .build()?;
    let keys = client.get_keys(&request).await?;

    // The client has checked that every requested track got its key.
    println!("keys of {}:", keys.content_id());
    for key in keys.keys() {
        let track = key.track().map_or("?", |t| t.as_str());
        let drms: Vec<String> = key
            .drm
            .iter()
            .map(|(system, _)| system.to_string())
            .collect();
        println!(
            "  {track:<5} KID {}  ({})",
            key.key_id.to_uuid_string(),
            drms.join(", ")
        );
    }
    if let Some(uri) = keys
        .keys()
        .first()
        .and_then(|key| key.signalling(DrmSystem::FairPlay))
        .and_then(|fairplay| fairplay.key_uri.as_deref())
    {
        println!("FairPlay key URI (HLS #EXT-X-KEY): {uri}");
    }

    let shaka = keys.to_shaka_args(&ShakaOptions::default())?;
    println!("\nShaka Packager command:");
    println!("packager \\");
    for (track, stream) in STREAMS {
        println!("  '{stream},drm_label={track}' \\");
    }
    // One option per line: `--flag value`, or a flag alone.
    let mut args = shaka.args().into_iter().peekable();
    while let Some(option) = args.next() {
        match args.next_if(|next| !next.starts_with("--")) {
            Some(value) => println!("  {option} {value} \\"),
            None => println!("  {option} \\"),
        }
    }
    println!("  --mpd_output manifest.mpd --hls_master_playlist_output master.m3u8");

    sandbox.shutdown().await;
    Ok(())
}

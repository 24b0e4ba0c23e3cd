//! drm-cpix's KMS client and `multidrm cpix get` against the sandbox KMS emulator over real
//! loopback HTTP: for every DRM mix × track set × rotation the keys map to the right tracks, the
//! PlayReady checksum verifies with the returned key, the Widevine PSSH KIDs equal the content
//! key KIDs; errors are typed; the CLI prints every format and the right exit status.
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::{Command, Output};

use drm_cpix::client::{ClientError, KmsClient, KmsToken};
use drm_cpix::playready::ChecksumCheck;
use drm_cpix::request::{CpixRequest, EncryptionScheme, TrackSelection};
use drm_cpix::response::CpixResponse;
use drm_cpix::system::DrmSystem;
use multidrm_sandbox::kms::{KmsFault, KmsSettings};
use multidrm_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).await.unwrap()
}

fn client(sb: &Sandbox) -> KmsClient {
    KmsClient::builder()
        .base_url(sb.kms_url())
        .build(sb.kms_token().parse().unwrap())
        .unwrap()
}

const MULTI_KEY_MIXES: &[&[DrmSystem]] = &[
    &[DrmSystem::Widevine],
    &[DrmSystem::PlayReady],
    &[DrmSystem::FairPlay],
    &[DrmSystem::Widevine, DrmSystem::PlayReady],
    &[
        DrmSystem::Widevine,
        DrmSystem::PlayReady,
        DrmSystem::FairPlay,
    ],
    &[
        DrmSystem::Widevine,
        DrmSystem::PlayReady,
        DrmSystem::FairPlay,
        DrmSystem::WisePlay,
    ],
];

const SINGLE_KEY_MIXES: &[&[DrmSystem]] = &[
    &[DrmSystem::Ncg],
    &[DrmSystem::NcgHlsAes128, DrmSystem::NcgHlsSampleAes],
    &[DrmSystem::Aes128, DrmSystem::SampleAes],
    &DrmSystem::ALL,
];

fn track_sets(multi: bool) -> Vec<TrackSelection> {
    let mut out = vec![TrackSelection::All, "SD".parse().unwrap()];
    if multi {
        out.push("SD,HD".parse().unwrap());
        out.push("AUDIO,UHD2".parse().unwrap());
        out.push("AUDIO,SD,HD,UHD1,UHD2".parse().unwrap());
    }
    out
}

/// Everything a packager relies on, checked for one request/response pair.
fn check(sb: &Sandbox, request: &CpixRequest, response: &CpixResponse, what: &str) {
    assert_eq!(
        response.content_id(),
        request.content_id().as_str(),
        "{what}"
    );
    assert_eq!(response.keys().len(), request.keys().len(), "{what}");
    let rotation = request
        .key_rotation()
        .then(|| u64::from(request.period_index()));
    for rk in request.keys() {
        let k = response
            .keys()
            .iter()
            .find(|k| k.request_key_id == Some(rk.key_id))
            .unwrap_or_else(|| panic!("{what}: no key for {}", rk.track));
        // The right track, with the key the emulator derives for that track.
        assert_eq!(k.track(), Some(rk.track), "{what}");
        assert_ne!(k.key_id, rk.key_id, "{what}: the KMS replaces KIDs");
        let derived =
            sb.kms()
                .derive_key(request.content_id().as_str(), rk.track.as_str(), rotation);
        assert_eq!(k.key_id, derived.key_id, "{what}: {}", rk.track);
        let key = k.key.as_ref().unwrap().as_aes128().unwrap();
        assert_eq!(key, derived.key, "{what}: key of {}", rk.track);
        assert_eq!(k.iv, Some(derived.iv), "{what}");
        assert_eq!(k.period_index, rotation, "{what}");
        for system in request.drm_systems() {
            let sig = k
                .signalling(*system)
                .unwrap_or_else(|| panic!("{what}: no {system} signalling"));
            match system {
                DrmSystem::Widevine => {
                    let pssh = sig.pssh_box().unwrap().unwrap();
                    let data = drm_cpix::widevine::WidevinePsshData::from_pssh_box(&pssh).unwrap();
                    assert_eq!(data.key_ids, vec![k.key_id], "{what}: Widevine KIDs");
                    assert_eq!(
                        sig.widevine_data().unwrap().unwrap(),
                        data,
                        "{what}: ContentProtectionData = PSSH payload"
                    );
                    if let Some(p) = rotation {
                        assert_eq!(data.crypto_period_index.map(u64::from), Some(p), "{what}");
                    }
                }
                DrmSystem::PlayReady => {
                    let header = sig.playready_header().unwrap().unwrap();
                    let check = header.verify_key(&k.key_id, &key);
                    if request.scheme() == EncryptionScheme::Cbcs {
                        assert!(
                            matches!(check, ChecksumCheck::Valid | ChecksumCheck::Missing),
                            "{what}: {check:?}"
                        );
                    } else {
                        assert_eq!(check, ChecksumCheck::Valid, "{what}");
                    }
                    if let Some(p) = rotation {
                        assert_eq!(header.period_index(), Some(p), "{what}");
                    }
                }
                DrmSystem::FairPlay => {
                    let uri = sig.key_uri.as_deref().unwrap();
                    assert!(uri.starts_with("skd://"), "{what}: {uri}");
                    assert!(sig.hls_media.as_deref().unwrap().contains(uri), "{what}");
                    assert!(sig.hls_master.as_deref().unwrap().contains(uri), "{what}");
                }
                DrmSystem::Ncg => assert!(sig.ncg_cek.is_some(), "{what}"),
                DrmSystem::WisePlay => assert!(sig.pssh.is_some(), "{what}"),
                _ => assert!(sig.key_uri.is_some(), "{what}: {system} key URI"),
            }
        }
    }
    // Every export works on what the KMS returned.
    response.to_official_json().unwrap();
    let full: Value = serde_json::from_str(&response.to_full_json()).unwrap();
    assert_eq!(
        full["multidrm_infos"].as_array().unwrap().len(),
        request.keys().len()
    );
    response.to_shaka_args(&Default::default()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_drm_mix_track_set_and_rotation_maps_keys_to_tracks() {
    let sb = sandbox().await;
    let c = client(&sb);
    let mut cases = 0;
    for (mixes, multi) in [(MULTI_KEY_MIXES, true), (SINGLE_KEY_MIXES, false)] {
        for drm in mixes {
            for tracks in track_sets(multi) {
                for period in [0u32, 42] {
                    let scheme = if drm.contains(&DrmSystem::FairPlay) && period == 0 {
                        EncryptionScheme::Cbcs
                    } else {
                        EncryptionScheme::Cenc
                    };
                    let request = CpixRequest::builder("title-42".parse().unwrap())
                        .drm_systems(drm.iter().copied())
                        .tracks(tracks.clone())
                        .scheme(scheme)
                        .period_index(period)
                        .filters(period == 0)
                        .build()
                        .unwrap();
                    let what =
                        format!("drm={drm:?} tracks={tracks} period={period} scheme={scheme}");
                    let response = c
                        .get_keys(&request)
                        .await
                        .unwrap_or_else(|e| panic!("{what}: {e}"));
                    check(&sb, &request, &response, &what);
                    cases += 1;
                }
            }
        }
    }
    assert_eq!(cases, 6 * 5 * 2 + 4 * 2 * 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_title_gets_the_same_keys() {
    let sb = sandbox().await;
    let c = client(&sb);
    let request = || {
        CpixRequest::builder("stable".parse().unwrap())
            .drm(DrmSystem::Widevine)
            .tracks("SD,HD".parse().unwrap())
            .build()
            .unwrap()
    };
    let a = c.get_keys(&request()).await.unwrap();
    let b = c.get_keys(&request()).await.unwrap();
    for (x, y) in a.keys().iter().zip(b.keys()) {
        assert_eq!(x.key_id, y.key_id);
        assert_eq!(x.key, y.key);
        assert_ne!(x.request_key_id, y.request_key_id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_token_is_a_typed_kms_error() {
    let sb = sandbox().await;
    let c = KmsClient::builder()
        .base_url(sb.kms_url())
        .build("not-the-token".parse::<KmsToken>().unwrap())
        .unwrap();
    let request = CpixRequest::builder("x".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .build()
        .unwrap();
    let err = c.get_keys(&request).await.unwrap_err();
    match &err {
        ClientError::Kms {
            status,
            error_code,
            raw_body,
            ..
        } => {
            assert!(*status >= 400, "{status}");
            assert!(error_code.is_some());
            assert!(raw_body.starts_with('{'));
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.to_string().contains("not-the-token"));
    assert!(!format!("{err:?}").contains("not-the-token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_errors_with_status_200_are_kms_errors_too() {
    let sb = Sandbox::start(SandboxOptions {
        kms: KmsSettings {
            errors_with_status_200: true,
            ..KmsSettings::default()
        },
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let c = KmsClient::builder()
        .base_url(sb.kms_url())
        .build("wrong".parse::<KmsToken>().unwrap())
        .unwrap();
    let request = CpixRequest::builder("x".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .build()
        .unwrap();
    assert!(matches!(
        c.get_keys(&request).await,
        Err(ClientError::Kms { status: 200, .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_faults_map_to_typed_errors() {
    let sb = sandbox().await;
    let c = client(&sb);
    let request = CpixRequest::builder("x".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .build()
        .unwrap();
    sb.kms().set_fault(Some(KmsFault::InternalError));
    assert!(matches!(
        c.get_keys(&request).await,
        Err(ClientError::Kms { status: 500, .. })
    ));
    sb.kms().set_fault(Some(KmsFault::Garbage));
    assert!(matches!(
        c.get_keys(&request).await,
        Err(ClientError::Response { .. })
    ));
    sb.kms().set_fault(None);
    assert!(c.get_keys(&request).await.is_ok());
}

// ---------------------------------------------------------------------------------------------
// The command line against the emulator.

fn cli(args: Vec<String>, token_env: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_multidrm"));
    cmd.args(args).env_remove("DOVERUNNER_KMS_TOKEN");
    if let Some(t) = token_env {
        cmd.env("DOVERUNNER_KMS_TOKEN", t);
    }
    cmd.output().unwrap()
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpix_get_prints_every_format() {
    let sb = sandbox().await;
    let url = sb.kms_url();
    let token = sb.kms_token().to_owned();
    let base = move |format: &str| {
        strings(&[
            "cpix",
            "get",
            "--cid",
            "movie",
            "--drm",
            "widevine,playready,fairplay",
            "--tracks",
            "AUDIO,SD,HD",
            "--scheme",
            "cbcs",
            "--kms-url",
            &url,
            "--kms-token",
            &token,
            "--format",
            format,
        ])
    };
    let (official, full, shaka, qencode) = tokio::task::spawn_blocking(move || {
        (
            cli(base("official"), None),
            cli(base("full"), None),
            cli(base("shaka"), None),
            cli(
                [base("qencode"), strings(&["--track", "HD"])].concat(),
                None,
            ),
        )
    })
    .await
    .unwrap();
    for o in [&official, &full, &shaka, &qencode] {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let v: Value = serde_json::from_slice(&official.stdout).unwrap();
    let list = v["content_key_list"].as_array().unwrap();
    let tracks: Vec<&str> = list
        .iter()
        .map(|e| e["track_type"].as_str().unwrap())
        .collect();
    assert_eq!(tracks, ["AUDIO", "SD", "HD"]);
    let hd = sb.kms().derive_key("movie", "HD", None);
    assert_eq!(list[2]["key_id_hex"], hd.key_id.to_hex());
    assert_eq!(list[2]["key_hex"], drm_policy::ids::hex_lower(&hd.key));
    assert!(
        list[2]["fairplay"]["key_uri"]
            .as_str()
            .unwrap()
            .starts_with("skd://")
    );

    let v: Value = serde_json::from_slice(&full.stdout).unwrap();
    // cbcs: the PlayReady header says AESCBC, which carries no checksum.
    assert_eq!(v["multidrm_infos"][2]["playready_checksum"], "missing");
    assert!(
        !v["multidrm_infos"][0]["request_key_id"]
            .as_str()
            .unwrap()
            .is_empty()
    );

    let line = String::from_utf8(shaka.stdout).unwrap();
    assert!(line.contains(&format!("label=HD:key_id={}", hd.key_id.to_hex())));
    assert!(line.contains("--protection_scheme cbcs --iv "));

    let v: Value = serde_json::from_slice(&qencode.stdout).unwrap();
    assert_eq!(v["key_id"], hd.key_id.to_hex());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpix_get_reads_the_token_from_the_environment_with_rotation() {
    let sb = sandbox().await;
    let args = strings(&[
        "cpix",
        "get",
        "--cid",
        "live-1",
        "--drm",
        "widevine,playready",
        "--period",
        "9",
        "--kms-url",
        &sb.kms_url(),
        "--format",
        "full",
    ]);
    let token = sb.kms_token().to_owned();
    let o = tokio::task::spawn_blocking(move || cli(args, Some(&token)))
        .await
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["multidrm_infos"][0]["period_index"], "9");
    assert_eq!(v["multidrm_infos"][0]["playready_checksum"], "valid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpix_get_failures_exit_3_without_the_token() {
    let sb = sandbox().await;
    let url = sb.kms_url();
    let bad = strings(&[
        "cpix",
        "get",
        "--cid",
        "movie",
        "--drm",
        "widevine",
        "--kms-url",
        &url,
        "--kms-token",
        "secret-wrong-token",
    ]);
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        strings(&[
            "cpix",
            "get",
            "--cid",
            "movie",
            "--drm",
            "widevine",
            "--retries",
            "0",
            "--kms-url",
            &format!("http://127.0.0.1:{port}/v2/cpix/doverunner/getKey/"),
            "--kms-token",
            "secret-wrong-token",
        ])
    };
    let (a, b) = tokio::task::spawn_blocking(move || (cli(bad, None), cli(refused, None)))
        .await
        .unwrap();
    for o in [&a, &b] {
        assert_eq!(
            o.status.code(),
            Some(3),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("secret-wrong-token"), "{err}");
        assert!(o.stdout.is_empty());
    }
    assert!(String::from_utf8_lossy(&a.stderr).contains("KMS"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cpix_request_output_posted_by_hand_parses() {
    let sb = sandbox().await;
    let args = strings(&[
        "cpix",
        "request",
        "--cid",
        "byhand",
        "--drm",
        "widevine,fairplay",
        "--tracks",
        "SD,HD",
        "--scheme",
        "cbcs",
    ]);
    let o = tokio::task::spawn_blocking(move || cli(args, None))
        .await
        .unwrap();
    assert!(o.status.success());
    let xml = String::from_utf8(o.stdout).unwrap();
    let body = reqwest::Client::new()
        .post(format!("{}{}", sb.kms_url(), sb.kms_token()))
        .header("Content-Type", "application/xml")
        .body(xml)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("multidrm-cpix-kms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("response.xml");
    std::fs::write(&file, &body).unwrap();
    let args = vec![
        "cpix".to_owned(),
        "parse".to_owned(),
        file.to_str().unwrap().to_owned(),
    ];
    let o = tokio::task::spawn_blocking(move || cli(args, None))
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["content_key_list"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["content_key_list"][1]["key_id_hex"],
        sb.kms().derive_key("byhand", "HD", None).key_id.to_hex()
    );
}

//! Every combination of request options produces XML that validates against the CPIX 2.3 XSD
//! (`xmllint --noout --nonet --schema`; CI installs libxml2-utils when xmllint is missing).
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

use drm_cpix::request::{CpixRequest, EncryptionScheme, KEY_TRACKS, TrackSelection};
use drm_cpix::system::DrmSystem;
use drm_policy::TrackType;

fn schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/schema/cpix-2.3/cpix.xsd")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("drm-cpix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// True when `xmllint` can run. Without it the test fails when `CI` is set (CI must have the
/// tool) and is skipped, with a message, elsewhere.
fn xmllint_present(test: &str) -> bool {
    if Command::new("xmllint").arg("--version").output().is_ok() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    assert!(
        !ci,
        "{test}: xmllint is not on PATH and CI is set: install libxml2-utils"
    );
    eprintln!("{test}: SKIPPED, xmllint is not on PATH (apt-get install libxml2-utils)");
    false
}

/// Runs xmllint over `files`; returns the files that failed, with xmllint's messages.
fn xmllint(files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for chunk in files.chunks(500) {
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--nonet")
            .arg("--schema")
            .arg(schema())
            .args(chunk)
            .output()
            .expect("xmllint must be installed (apt-get install libxml2-utils)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for line in stderr.lines() {
            if !line.ends_with(" validates") {
                failures.push(line.to_owned());
            }
        }
        let validated = stderr.lines().filter(|l| l.ends_with(" validates")).count();
        if validated != chunk.len() && failures.is_empty() {
            failures.push(format!(
                "xmllint reported {validated} valid files of {}",
                chunk.len()
            ));
        }
    }
    failures
}

fn all_track_selections() -> Vec<TrackSelection> {
    let mut out = vec![TrackSelection::All];
    for mask in 1u32..(1 << KEY_TRACKS.len()) {
        let tracks = KEY_TRACKS
            .into_iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, t)| t);
        out.push(TrackSelection::keys(tracks).unwrap());
    }
    out
}

fn drm_subsets() -> Vec<Vec<DrmSystem>> {
    (1u32..(1 << DrmSystem::ALL.len()))
        .map(|mask| {
            DrmSystem::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, d)| d)
                .collect()
        })
        .collect()
}

struct Combo {
    name: String,
    request: CpixRequest,
}

fn combo(
    cid: &str,
    drm: &[DrmSystem],
    tracks: &TrackSelection,
    scheme: EncryptionScheme,
    period: u32,
    filters: bool,
) -> Combo {
    let names: Vec<&str> = drm.iter().map(|d| d.cli_name()).collect();
    let name = format!(
        "cid={cid} drm={} tracks={tracks} scheme={scheme} period={period} filters={filters}",
        names.join("+")
    );
    let request = CpixRequest::builder(cid.parse().unwrap())
        .drm_systems(drm.iter().copied())
        .tracks(tracks.clone())
        .scheme(scheme)
        .period_index(period)
        .filters(filters)
        .build()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    Combo { name, request }
}

/// All combinations a request can take: every track selection × scheme × rotation × filters
/// with the multi-key DRM systems; every DRM subset (single-key systems included) × rotation ×
/// filters with one key; every single-key system with every single track.
fn combinations() -> Vec<Combo> {
    let mut out = Vec::new();
    let multi = [
        DrmSystem::Widevine,
        DrmSystem::PlayReady,
        DrmSystem::FairPlay,
        DrmSystem::WisePlay,
    ];
    for tracks in all_track_selections() {
        for scheme in EncryptionScheme::ALL {
            for period in [0, 7] {
                for filters in [false, true] {
                    out.push(combo(
                        "title_01.v2-x",
                        &multi,
                        &tracks,
                        scheme,
                        period,
                        filters,
                    ));
                }
            }
        }
    }
    for (i, drm) in drm_subsets().iter().enumerate() {
        for period in [0, u32::MAX] {
            for filters in [false, true] {
                let scheme = EncryptionScheme::ALL[i % EncryptionScheme::ALL.len()];
                out.push(combo(
                    "demotest",
                    drm,
                    &TrackSelection::All,
                    scheme,
                    period,
                    filters,
                ));
            }
        }
    }
    for drm in DrmSystem::ALL
        .into_iter()
        .filter(|d| d.is_single_key_only())
    {
        for track in KEY_TRACKS {
            out.push(combo(
                "c",
                &[drm],
                &TrackSelection::keys([track]).unwrap(),
                EncryptionScheme::Cbcs,
                1,
                true,
            ));
        }
    }
    out
}

fn write_all(dir: &Path, combos: &[Combo]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut index = String::new();
    for (i, c) in combos.iter().enumerate() {
        let path = dir.join(format!("req{i:05}.xml"));
        std::fs::write(&path, c.request.to_xml()).unwrap();
        index.push_str(&format!("req{i:05}.xml  {}\n", c.name));
        files.push(path);
    }
    std::fs::write(dir.join("INDEX.txt"), index).unwrap();
    files
}

#[test]
fn every_option_combination_validates_against_the_cpix_2_3_xsd() {
    if !xmllint_present("every_option_combination_validates_against_the_cpix_2_3_xsd") {
        return;
    }
    let combos = combinations();
    assert!(combos.len() > 2500, "{} combinations", combos.len());
    let dir = scratch_dir("xsd");
    let files = write_all(&dir, &combos);
    let failures = xmllint(&files);
    if failures.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(
        failures.is_empty(),
        "{} failures (index of combinations in {}):\n{}",
        failures.len(),
        dir.join("INDEX.txt").display(),
        failures.join("\n")
    );
}

#[test]
fn xmllint_rejects_python_shaped_rotation_requests() {
    if !xmllint_present("xmllint_rejects_python_shaped_rotation_requests") {
        return;
    }
    // The control: the Python client's element order is not XSD order, and xmllint says so.
    let dir = scratch_dir("xsd-control");
    let path = dir.join("python-rotation.xml");
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/samples/constructed/07_key_rotation_single.request.xml"),
        &path,
    )
    .unwrap();
    let failures = xmllint(&[path]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.iter().any(|f| f.contains("ContentKeyPeriodList")),
        "{failures:?}"
    );
}

#[test]
fn filters_are_written_as_a_ladder() {
    let r = combo(
        "demo",
        &[DrmSystem::Widevine],
        &"AUDIO,SD,HD,UHD1,UHD2".parse().unwrap(),
        EncryptionScheme::Cenc,
        0,
        true,
    )
    .request;
    let xml = r.to_xml();
    assert!(xml.contains("<cpix:AudioFilter />"));
    assert!(xml.contains(r#"<cpix:VideoFilter maxPixels="414720" />"#));
    assert!(xml.contains(r#"<cpix:VideoFilter minPixels="921600" maxPixels="2073600" />"#));
    assert!(xml.contains(r#"<cpix:VideoFilter minPixels="8294400" maxPixels="8294400" />"#));
    assert!(xml.contains(r#"<cpix:VideoFilter minPixels="33177600" />"#));
    let order: Vec<TrackType> = r.keys().iter().map(|k| k.track).collect();
    assert_eq!(
        order,
        [
            TrackType::Sd,
            TrackType::Hd,
            TrackType::Uhd1,
            TrackType::Uhd2,
            TrackType::Audio
        ]
    );
}

#[test]
fn every_option_combination_reads_back() {
    for c in combinations() {
        let back = CpixRequest::from_xml(c.request.to_xml().as_bytes())
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        // `--tracks HD` and `--tracks all` write the same XML.
        assert_eq!(back.to_xml(), c.request.to_xml(), "{}", c.name);
        assert_eq!(back.keys(), c.request.keys(), "{}", c.name);
    }
}

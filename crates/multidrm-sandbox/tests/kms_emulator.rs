//! The KMS emulator over real loopback HTTP: sample requests, every DRM mix × track set ×
//! rotation × scheme, the signalling it returns checked with drm-cpix's codecs, and the JSON
//! errors.
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_cpix::fairplay::{HlsKeyLine, HlsKeyTag, HlsMethod, SkdUri};
use drm_cpix::playready::{ChecksumCheck, PlayReadyObject};
use drm_cpix::pssh::PsshBox;
use drm_cpix::system::DrmSystem;
use drm_cpix::widevine::WidevinePsshData;
use drm_policy::KeyId;
use multidrm_sandbox::{KmsSettings, Sandbox, SandboxOptions};
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

// ------------------------------------------------------------------------------------------
// a small response reader for the tests

#[derive(Debug, Default, Clone)]
struct Key {
    kid: String,
    key: [u8; 16],
    iv: [u8; 16],
    scheme: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct System {
    kid: String,
    system_id: String,
    children: Vec<(String, Option<String>, String)>,
}

#[derive(Debug, Default)]
struct Response {
    content_id: String,
    top_level: Vec<String>,
    keys: Vec<Key>,
    periods: Vec<(String, u64)>,
    rules: Vec<(String, String, Vec<String>)>,
    systems: Vec<System>,
    /// (depth, namespace-qualified name, sorted attribute names) of every element.
    skeleton: Vec<String>,
}

fn read_response(xml: &str) -> Response {
    let mut r = NsReader::from_str(xml);
    let mut out = Response::default();
    let mut depth = 0usize;
    let mut text = String::new();
    let mut stack: Vec<(String, Option<String>)> = Vec::new();
    loop {
        let (ns, ev) = r.read_resolved_event().unwrap();
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let ns = match ns {
                    ResolveResult::Bound(n) => String::from_utf8(n.as_ref().to_vec()).unwrap(),
                    _ => String::new(),
                };
                let local = String::from_utf8(e.local_name().as_ref().to_vec()).unwrap();
                let attrs: BTreeMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.unescape_value().unwrap().into_owned(),
                        )
                    })
                    .filter(|(k, _)| !k.starts_with("xmlns") && k != "commonEncryptionScheme")
                    .collect();
                let names: Vec<&str> = attrs.keys().map(String::as_str).collect();
                out.skeleton
                    .push(format!("{depth} {{{ns}}}{local} {names:?}"));
                let get = |n: &str| attrs.get(n).cloned().unwrap_or_default();
                if depth == 1 {
                    out.top_level.push(local.clone());
                }
                match local.as_str() {
                    "CPIX" => out.content_id = get("id"),
                    "ContentKey" => out.keys.push(Key {
                        kid: get("kid"),
                        iv: STANDARD
                            .decode(get("explicitIV"))
                            .unwrap()
                            .try_into()
                            .unwrap(),
                        scheme: e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == b"commonEncryptionScheme")
                            .map(|a| a.unescape_value().unwrap().into_owned()),
                        ..Key::default()
                    }),
                    "ContentKeyPeriod" => {
                        out.periods.push((get("id"), get("index").parse().unwrap()))
                    }
                    "ContentKeyUsageRule" => {
                        out.rules
                            .push((get("intendedTrackType"), get("kid"), Vec::new()));
                    }
                    "KeyPeriodFilter" | "VideoFilter" | "AudioFilter" => {
                        out.rules
                            .last_mut()
                            .unwrap()
                            .2
                            .push(format!("{local} {attrs:?}"));
                    }
                    "DRMSystem" => out.systems.push(System {
                        kid: get("kid"),
                        system_id: get("systemId"),
                        children: Vec::new(),
                    }),
                    _ => {}
                }
                if !empty {
                    depth += 1;
                    stack.push((local, attrs.get("playlist").cloned()));
                    text.clear();
                }
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::End(_) => {
                depth -= 1;
                let (local, playlist) = stack.pop().unwrap();
                let value = text.trim().to_owned();
                text.clear();
                match local.as_str() {
                    "PlainValue" => {
                        out.keys.last_mut().unwrap().key =
                            STANDARD.decode(&value).unwrap().try_into().unwrap();
                    }
                    "PSSH"
                    | "ContentProtectionData"
                    | "ProtectionHeader"
                    | "SmoothStreamingProtectionHeaderData"
                    | "URIExtXKey"
                    | "HLSSignalingData" => {
                        out.systems
                            .last_mut()
                            .unwrap()
                            .children
                            .push((local, playlist, value));
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

// ------------------------------------------------------------------------------------------
// request generator (the Python client's shape)

#[derive(Debug, Clone)]
struct Case {
    cid: String,
    drms: Vec<DrmSystem>,
    tracks: Vec<&'static str>,
    period: Option<u64>,
    scheme: Option<&'static str>,
}

fn request_kid(track: &str, salt: u8) -> String {
    let mut b = [salt; 16];
    b[..track.len()].copy_from_slice(track.as_bytes());
    b[6] = 0x40 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    KeyId::from_bytes(b).to_uuid_string()
}

fn build_request(c: &Case, salt: u8) -> String {
    let mut keys = String::new();
    let mut systems = String::new();
    let mut rules = String::new();
    let mut periods = String::new();
    for t in &c.tracks {
        let kid = request_kid(t, salt);
        let scheme = c
            .scheme
            .map(|s| format!(" commonEncryptionScheme=\"{s}\""))
            .unwrap_or_default();
        keys.push_str(&format!("<cpix:ContentKey kid=\"{kid}\"{scheme} />"));
        for d in &c.drms {
            systems.push_str(&format!(
                "<cpix:DRMSystem kid=\"{kid}\" systemId=\"{}\" />",
                d.system_id_str()
            ));
        }
        match c.period {
            Some(p) => {
                let pid = format!("keyPeriod_{}", request_kid(t, salt ^ 0x55));
                periods.push_str(&format!(
                    "<cpix:ContentKeyPeriod id=\"{pid}\" index=\"{p}\" />"
                ));
                rules.push_str(&format!(
                    "<cpix:ContentKeyUsageRule intendedTrackType=\"{t}\" kid=\"{kid}\"><cpix:KeyPeriodFilter periodId=\"{pid}\" /></cpix:ContentKeyUsageRule>"
                ));
            }
            None => rules.push_str(&format!(
                "<cpix:ContentKeyUsageRule intendedTrackType=\"{t}\" kid=\"{kid}\" />"
            )),
        }
    }
    let period_list = if periods.is_empty() {
        String::new()
    } else {
        format!("<cpix:ContentKeyPeriodList>{periods}</cpix:ContentKeyPeriodList>")
    };
    format!(
        "<?xml version='1.0' encoding='utf8'?>\n<cpix:CPIX id=\"{}\" xmlns:cpix=\"urn:dashif:org:cpix\" xmlns:pskc=\"urn:ietf:params:xml:ns:keyprov:pskc\" xmlns:speke=\"urn:aws:amazon:com:speke\"><cpix:ContentKeyList>{keys}</cpix:ContentKeyList><cpix:DRMSystemList>{systems}</cpix:DRMSystemList><cpix:ContentKeyUsageRuleList>{rules}</cpix:ContentKeyUsageRuleList>{period_list}</cpix:CPIX>",
        c.cid
    )
}

async fn post(url: &str, body: String) -> (u16, String, String) {
    post_with(&reqwest::Client::new(), url, body).await
}

/// POSTs with a given client (the matrix test reuses one connection pool).
async fn post_with(client: &reqwest::Client, url: &str, body: String) -> (u16, String, String) {
    let resp = client
        .post(url)
        .header("Content-Type", "application/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, resp.text().await.unwrap())
}

fn url(sandbox: &Sandbox, rotation: bool) -> String {
    let q = if rotation { "?key-rotation=true" } else { "" };
    format!("{}{}{q}", sandbox.kms_url(), sandbox.kms_token())
}

// ------------------------------------------------------------------------------------------
// checks

fn b64(s: &str) -> Vec<u8> {
    STANDARD.decode(s).unwrap()
}

fn text(s: &str) -> String {
    String::from_utf8(b64(s)).unwrap()
}

/// Checks a successful response for `c`; returns it parsed.
fn check_case(sandbox: &Sandbox, c: &Case, request: &str, body: &str) -> Response {
    let r = read_response(body);
    let ctx = format!("{c:?}");
    assert_eq!(r.content_id, c.cid, "{ctx}");
    // The KMS's own order: keys, periods (rotation), rules, DRM systems.
    let mut order = vec!["ContentKeyList"];
    if c.period.is_some() {
        order.push("ContentKeyPeriodList");
    }
    order.extend(["ContentKeyUsageRuleList", "DRMSystemList"]);
    assert_eq!(r.top_level, order, "{ctx}");
    assert_eq!(r.keys.len(), c.tracks.len(), "{ctx}");
    assert_eq!(r.rules.len(), c.tracks.len(), "{ctx}");
    let kms = sandbox.kms();
    for (track, rule_kid, filters) in &r.rules {
        assert!(
            c.tracks.contains(&track.as_str()),
            "{ctx}: unexpected track {track}"
        );
        // KIDs replaced: never a request KID.
        assert!(
            !request.contains(rule_kid.as_str()),
            "{ctx}: request KID echoed"
        );
        let key = r.keys.iter().find(|k| &k.kid == rule_kid).unwrap();
        let expected = kms.derive_key(&c.cid, track, c.period);
        assert_eq!(key.kid, expected.key_id.to_uuid_string(), "{ctx}");
        assert_eq!(key.key, expected.key, "{ctx}");
        assert_eq!(key.iv, expected.iv, "{ctx}");
        assert_eq!(key.scheme.as_deref(), c.scheme, "{ctx}");
        assert_eq!(filters.len(), usize::from(c.period.is_some()), "{ctx}");
        let kid: KeyId = key.kid.parse().unwrap();
        let systems: Vec<&System> = r.systems.iter().filter(|s| s.kid == key.kid).collect();
        assert_eq!(systems.len(), c.drms.len(), "{ctx}");
        for (s, drm) in systems.iter().zip(&c.drms) {
            assert_eq!(
                s.system_id,
                drm.system_id_str(),
                "{ctx}: systemId echoed as sent"
            );
            check_system(c, track, kid, key, s, *drm, &ctx);
        }
    }
    // Distinct keys per track.
    let mut kids: Vec<&str> = r.keys.iter().map(|k| k.kid.as_str()).collect();
    kids.sort_unstable();
    kids.dedup();
    assert_eq!(kids.len(), c.tracks.len(), "{ctx}");
    r
}

fn child<'a>(s: &'a System, name: &str, playlist: Option<&str>) -> &'a str {
    &s.children
        .iter()
        .find(|(n, p, _)| n == name && (playlist.is_none() || p.as_deref() == playlist))
        .unwrap_or_else(|| panic!("no {name} in {s:?}"))
        .2
}

fn check_hls(s: &System, uri: &str, method: &HlsMethod, iv: Option<[u8; 16]>, ctx: &str) {
    for (playlist, tag) in [("media", HlsKeyTag::Key), ("master", HlsKeyTag::SessionKey)] {
        let line = HlsKeyLine::parse(&text(child(s, "HLSSignalingData", Some(playlist)))).unwrap();
        assert_eq!(line.tag, tag, "{ctx}");
        assert_eq!(&line.method, method, "{ctx}");
        assert_eq!(line.uri.as_deref(), Some(uri), "{ctx}");
        assert_eq!(line.iv, iv, "{ctx}");
    }
}

fn check_system(
    c: &Case,
    track: &str,
    kid: KeyId,
    key: &Key,
    s: &System,
    drm: DrmSystem,
    ctx: &str,
) {
    let cid = c.cid.as_str();
    match drm {
        DrmSystem::Widevine => {
            let pssh = PsshBox::from_base64(child(s, "PSSH", None)).unwrap();
            assert_eq!(pssh.version, 0);
            let wv = WidevinePsshData::from_pssh_box(&pssh).unwrap();
            assert_eq!(
                wv.key_ids,
                vec![kid],
                "{ctx}: Widevine PSSH KIDs = content-key KID"
            );
            assert_eq!(wv.provider.as_deref(), Some("doverunner"), "{ctx}");
            assert_eq!(
                b64(child(s, "ContentProtectionData", None)),
                pssh.data,
                "{ctx}"
            );
            match c.period {
                Some(p) => {
                    assert_eq!(wv.rotation_content_id(), Some((cid, p)), "{ctx}");
                    assert_eq!(wv.crypto_period_index.map(u64::from), Some(p), "{ctx}");
                    assert_eq!(wv.track_type.as_deref(), Some(track), "{ctx}");
                }
                None => {
                    assert_eq!(wv.content_id_str(), Some(cid), "{ctx}");
                    assert_eq!(wv.crypto_period_index, None, "{ctx}");
                    assert_eq!(wv.track_type, None, "{ctx}");
                }
            }
            let scheme = wv.protection_scheme_text();
            match c.scheme {
                Some("cenc") | None => assert_eq!(scheme, None, "{ctx}"),
                Some(s) => assert_eq!(scheme.as_deref(), Some(s), "{ctx}"),
            }
        }
        DrmSystem::PlayReady => {
            let cpd = child(s, "ContentProtectionData", None);
            assert_eq!(child(s, "ProtectionHeader", None), cpd, "{ctx}");
            assert_eq!(
                child(s, "SmoothStreamingProtectionHeaderData", None),
                cpd,
                "{ctx}"
            );
            let pssh = PsshBox::from_base64(child(s, "PSSH", None)).unwrap();
            assert_eq!(pssh.data, b64(cpd), "{ctx}");
            let header = PlayReadyObject::from_pssh_box(&pssh)
                .unwrap()
                .wrm_header()
                .unwrap();
            assert_eq!(header.version.as_str(), "4.3.0.0", "{ctx}");
            assert_eq!(header.kids.len(), 1, "{ctx}");
            assert_eq!(
                header.kids[0].key_id, kid,
                "{ctx}: PlayReady KID = content-key KID"
            );
            assert_eq!(
                header.la_url.as_deref(),
                Some("https://license.pallycon.com/ri/licenseManager.do"),
                "{ctx}"
            );
            assert_eq!(header.period_index(), c.period, "{ctx}");
            let expected = match c.scheme {
                Some("cbcs" | "cbc1") => ChecksumCheck::Missing,
                _ => ChecksumCheck::Valid,
            };
            assert_eq!(
                header.verify_key(&kid, &key.key),
                expected,
                "{ctx}: checksum"
            );
            if expected == ChecksumCheck::Valid {
                let mut wrong = key.key;
                wrong[0] ^= 1;
                assert_eq!(
                    header.verify_key(&kid, &wrong),
                    ChecksumCheck::Invalid,
                    "{ctx}"
                );
            }
        }
        DrmSystem::FairPlay => {
            let uri_text = text(child(s, "URIExtXKey", None));
            let uri = SkdUri::parse(&uri_text).unwrap();
            match c.period {
                Some(p) => assert_eq!(uri.rotation(), Some((cid, p)), "{ctx}"),
                None => assert_eq!(uri.key_id(), Some(kid), "{ctx}"),
            }
            check_hls(s, &uri_text, &HlsMethod::SampleAes, None, ctx);
            let media =
                HlsKeyLine::parse(&text(child(s, "HLSSignalingData", Some("media")))).unwrap();
            assert_eq!(
                media.keyformat.as_deref(),
                Some("com.apple.streamingkeydelivery")
            );
            assert_eq!(media.keyformat_versions.as_deref(), Some("1"));
        }
        DrmSystem::WisePlay => {
            let pssh = PsshBox::from_base64(child(s, "PSSH", None)).unwrap();
            assert_eq!(pssh.drm_system(), Some(DrmSystem::WisePlay), "{ctx}");
            assert_eq!(
                pssh.data,
                b64(child(s, "ContentProtectionData", None)),
                "{ctx}"
            );
            let json: serde_json::Value = serde_json::from_slice(&pssh.data).unwrap();
            assert_eq!(json["kids"][0], STANDARD.encode(kid.as_bytes()), "{ctx}");
        }
        DrmSystem::Ncg => {
            assert_eq!(
                b64(child(s, "URIExtXKey", None)).len(),
                32,
                "{ctx}: NCG CEK"
            );
        }
        DrmSystem::NcgHlsAes128 | DrmSystem::NcgHlsSampleAes => {
            let uri = text(child(s, "URIExtXKey", None));
            assert_eq!(
                uri,
                format!(
                    "https://license.pallycon.com/ri/hlskeyPackager.do?sid=DEMO&filename={cid}&cid={cid}"
                ),
                "{ctx}"
            );
            let method = if drm == DrmSystem::NcgHlsAes128 {
                HlsMethod::Aes128
            } else {
                HlsMethod::SampleAes
            };
            check_hls(s, &uri, &method, Some(key.iv), ctx);
        }
        DrmSystem::Aes128 | DrmSystem::SampleAes => {
            let uri = text(child(s, "URIExtXKey", None));
            let (path, method) = if drm == DrmSystem::Aes128 {
                ("aes128", HlsMethod::Aes128)
            } else {
                ("sampleaes", HlsMethod::SampleAes)
            };
            assert_eq!(
                uri,
                format!("https://example.invalid/doverunner-clearkey/{path}?cid={cid}"),
                "{ctx}"
            );
            check_hls(s, &uri, &method, Some(key.iv), ctx);
        }
    }
}

// ------------------------------------------------------------------------------------------
// the matrix

fn drm_mixes() -> Vec<(&'static str, Vec<DrmSystem>)> {
    use DrmSystem::*;
    vec![
        ("widevine", vec![Widevine]),
        ("playready", vec![PlayReady]),
        ("fairplay", vec![FairPlay]),
        ("wv_pr", vec![Widevine, PlayReady]),
        ("wv_pr_fp", vec![Widevine, PlayReady, FairPlay]),
        ("wv_wiseplay", vec![Widevine, WisePlay]),
        ("pr_fp_wiseplay", vec![PlayReady, FairPlay, WisePlay]),
        ("ncg_family", vec![Ncg, NcgHlsAes128, NcgHlsSampleAes]),
        ("clear_key", vec![Aes128, SampleAes]),
        ("all_nine", DrmSystem::ALL.to_vec()),
    ]
}

fn track_sets() -> Vec<Vec<&'static str>> {
    vec![
        vec!["HD"],
        vec!["SD", "HD"],
        vec!["AUDIO", "SD", "HD", "UHD1", "UHD2"],
    ]
}

#[tokio::test]
async fn every_drm_mix_track_set_rotation_and_scheme() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let mut served = 0;
    let client = reqwest::Client::new();
    for (mix_name, drms) in drm_mixes() {
        for tracks in track_sets() {
            for period in [None, Some(5), Some(0x1_0000)] {
                for scheme in [None, Some("cenc"), Some("cbcs"), Some("cens")] {
                    let c = Case {
                        cid: format!("title-{mix_name}"),
                        drms: drms.clone(),
                        tracks: tracks.clone(),
                        period,
                        scheme,
                    };
                    let request = build_request(&c, 0x11);
                    let (status, ct, body) =
                        post_with(&client, &url(&sandbox, period.is_some()), request.clone()).await;
                    let single_only = drms.iter().any(|d| d.is_single_key_only());
                    if single_only && tracks.len() > 1 {
                        assert_eq!(status, 400, "{c:?}: {body}");
                        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                        assert_eq!(v["errorCode"], "SINGLE_KEY_ONLY_DRM", "{c:?}");
                        continue;
                    }
                    assert_eq!(status, 200, "{c:?}: {body}");
                    assert!(ct.starts_with("application/xml"), "{ct}");
                    check_case(&sandbox, &c, &request, &body);
                    // Deterministic: other request KIDs and period ids → the same answer.
                    let again = post_with(
                        &client,
                        &url(&sandbox, period.is_some()),
                        build_request(&c, 0x22),
                    )
                    .await;
                    let r1 = read_response(&body);
                    let r2 = read_response(&again.2);
                    assert_eq!(
                        r1.keys.iter().map(|k| (&k.kid, k.key)).collect::<Vec<_>>(),
                        r2.keys.iter().map(|k| (&k.kid, k.key)).collect::<Vec<_>>(),
                        "{c:?}"
                    );
                    served += 1;
                }
            }
        }
    }
    // 7 mixes × 3 track sets + 3 single-key-only mixes × 1 track set, × 3 periods × 4 schemes.
    assert_eq!(served, (7 * 3 + 3) * 3 * 4);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn same_title_same_keys_different_titles_differ() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let case = |cid: &str| Case {
        cid: cid.to_owned(),
        drms: vec![DrmSystem::Widevine],
        tracks: vec!["HD"],
        period: None,
        scheme: None,
    };
    let a = read_response(
        &post(&url(&sandbox, false), build_request(&case("t1"), 1))
            .await
            .2,
    );
    let b = read_response(
        &post(&url(&sandbox, false), build_request(&case("t1"), 2))
            .await
            .2,
    );
    let c = read_response(
        &post(&url(&sandbox, false), build_request(&case("t2"), 1))
            .await
            .2,
    );
    assert_eq!(a.keys[0].kid, b.keys[0].kid);
    assert_eq!(a.keys[0].key, b.keys[0].key);
    assert_ne!(a.keys[0].kid, c.keys[0].kid);
    assert_ne!(a.keys[0].key, c.keys[0].key);
    // Another sandbox secret gives other keys.
    let other = Sandbox::start(SandboxOptions {
        kms: KmsSettings {
            secret: "another secret".into(),
            ..KmsSettings::default()
        },
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let d = read_response(
        &post(&url(&other, false), build_request(&case("t1"), 1))
            .await
            .2,
    );
    assert_ne!(a.keys[0].kid, d.keys[0].kid);
    sandbox.shutdown().await;
    other.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// sample requests

/// Element skeleton of a response with the DRMSystem children order kept.
fn skeleton(xml: &str) -> Vec<String> {
    read_response(xml).skeleton
}

macro_rules! sample_requests {
    ($($name:ident => $file:literal, rotation: $rot:expr, keys: $keys:expr, skeleton_of: $skel:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
            let request = include_str!(concat!("data/kms/", $file));
            let (status, _, body) = post(&url(&sandbox, $rot), request.to_owned()).await;
            assert_eq!(status, 200, "{body}");
            let r = read_response(&body);
            assert_eq!(r.keys.len(), $keys);
            for k in &r.keys {
                assert!(!request.contains(k.kid.as_str()), "request KID echoed");
            }
            let expected: Option<&str> = $skel;
            if let Some(sample) = expected {
                assert_eq!(skeleton(&body), skeleton(sample), "element skeleton differs from the sample response");
            }
            sandbox.shutdown().await;
        }
    )*};
}

sample_requests! {
    sample_01_readme_demotest => "01_readme_demotest_single_key.request.xml", rotation: false, keys: 1,
        skeleton_of: Some(include_str!("data/kms/01_readme_demotest_single_key.response.xml"));
    sample_02_client_testjson => "02_client_testjson_single_key.request.xml", rotation: false, keys: 1,
        skeleton_of: Some(include_str!("data/kms/01_readme_demotest_single_key.response.xml"));
    sample_04_all_drms => "04_single_key_all_drms.request.xml", rotation: false, keys: 1,
        skeleton_of: Some(include_str!("data/kms/04_single_key_all_drms.response.xml"));
    sample_05_multikey_python => "05_multikey_sd_hd_uhd1_audio_cbcs.request.xml", rotation: false, keys: 4,
        skeleton_of: Some(include_str!("data/kms/05_multikey_sd_hd_uhd1_audio_cbcs.response.xml"));
    sample_05_multikey_java => "05_multikey_sd_hd_uhd1_audio_cbcs.request.java-shape.xml", rotation: false, keys: 4,
        skeleton_of: Some(include_str!("data/kms/05_multikey_sd_hd_uhd1_audio_cbcs.response.xml"));
    sample_07_rotation_python => "07_key_rotation_single.request.xml", rotation: true, keys: 1,
        skeleton_of: Some(include_str!("data/kms/07_key_rotation_single.response.xml"));
    sample_07_rotation_java => "07_key_rotation_single.request.java-shape.xml", rotation: true, keys: 1,
        skeleton_of: Some(include_str!("data/kms/07_key_rotation_single.response.xml"));
    sample_09_fairplay => "09_fairplay_hls_cbcs.request.xml", rotation: false, keys: 1,
        skeleton_of: Some(include_str!("data/kms/09_fairplay_hls_cbcs.response.xml"));
    sample_11_ncg => "11_ncg_and_ncghls.request.xml", rotation: false, keys: 1,
        skeleton_of: Some(include_str!("data/kms/11_ncg_and_ncghls.response.xml"));
    docs_dash_vod => "doc_dash_vod_request.xml", rotation: false, keys: 1, skeleton_of: None;
    docs_dash_live_rotation => "doc_dash_live_keyrotation_request.xml", rotation: true, keys: 1, skeleton_of: None;
    docs_hls_vod => "doc_hls_vod_request.xml", rotation: false, keys: 1, skeleton_of: None;
    docs_hls_live => "doc_hls_live_request.xml", rotation: false, keys: 1, skeleton_of: None;
    qencode_widevine => "qencode_widevine_request.xml", rotation: false, keys: 1, skeleton_of: None;
}

#[tokio::test]
async fn docs_requests_without_rules_get_no_rules_and_stray_drm_kids_are_served() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let (_, _, body) = post(
        &url(&sandbox, false),
        include_str!("data/kms/doc_dash_vod_request.xml").to_owned(),
    )
    .await;
    let r = read_response(&body);
    assert_eq!(r.top_level, ["ContentKeyList", "DRMSystemList"]);
    assert_eq!(r.systems.len(), 2);
    assert!(r.systems.iter().all(|s| s.kid == r.keys[0].kid));
    // Live rotation docs request: the Widevine DRMSystem kid matches no ContentKey.
    let (_, _, body) = post(
        &url(&sandbox, true),
        include_str!("data/kms/doc_dash_live_keyrotation_request.xml").to_owned(),
    )
    .await;
    let r = read_response(&body);
    assert_eq!(
        r.periods,
        vec![(
            "keyPeriod_e7c4423c-a2c6-46f4-bef3-2bfed6bae9c9".to_owned(),
            128
        )]
    );
    assert_eq!(r.systems.len(), 2);
    let wv = r
        .systems
        .iter()
        .find(|s| s.system_id.starts_with("EDEF"))
        .unwrap();
    let data =
        WidevinePsshData::from_pssh_box(&PsshBox::from_base64(child(wv, "PSSH", None)).unwrap())
            .unwrap();
    assert_eq!(data.rotation_content_id(), Some(("cpix-test-cid", 128)));
    // The VideoFilter is echoed.
    assert!(
        r.rules[0].2.iter().any(|f| f.starts_with("VideoFilter")),
        "{:?}",
        r.rules
    );
    sandbox.shutdown().await;
}

// ------------------------------------------------------------------------------------------
// errors

async fn json_error(url: &str, body: &str) -> (u16, serde_json::Value) {
    let (status, ct, text) = post(url, body.to_owned()).await;
    assert!(ct.starts_with("application/json"), "{ct}: {text}");
    (status, serde_json::from_str(&text).unwrap())
}

#[tokio::test]
async fn unknown_token_is_a_json_error() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let request = include_str!("data/kms/01_readme_demotest_single_key.request.xml");
    let bad = format!("{}not-the-token", sandbox.kms_url());
    let (status, v) = json_error(&bad, request).await;
    assert_eq!(status, 401);
    assert_eq!(v["errorCode"], "INVALID_KMS_TOKEN");
    assert!(!v["message"].as_str().unwrap().contains("not-the-token"));
    let (status, v) = json_error(&sandbox.kms_url(), request).await;
    assert_eq!(
        (status, v["errorCode"].as_str()),
        (401, Some("INVALID_KMS_TOKEN"))
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn malformed_and_invalid_requests_are_json_errors() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let u = url(&sandbox, false);
    for (body, code) in [
        ("", "MALFORMED_CPIX"),
        ("not xml", "MALFORMED_CPIX"),
        (
            "<cpix:CPIX xmlns:cpix=\"urn:dashif:org:cpix\" id=\"x\"><cpix:ContentKeyList>",
            "MALFORMED_CPIX",
        ),
        (
            "<cpix:CPIX xmlns:cpix=\"urn:dashif:org:cpix\" id=\"x\"></cpix:CPIX>",
            "INVALID_CPIX_REQUEST",
        ),
        ("<CPIX id=\"x\"/>", "INVALID_CPIX_REQUEST"),
        (
            "<c:CPIX xmlns:c=\"urn:dashif:org:cpix\" id=\"x\"><c:ContentKeyList><c:ContentKey kid=\"nope\"/></c:ContentKeyList></c:CPIX>",
            "INVALID_CPIX_REQUEST",
        ),
        (
            "<c:CPIX xmlns:c=\"urn:dashif:org:cpix\" id=\"x\"><c:ContentKeyList><c:ContentKey kid=\"11111111-2222-4333-8444-555555555555\"/></c:ContentKeyList><c:DRMSystemList><c:DRMSystem kid=\"11111111-2222-4333-8444-555555555555\" systemId=\"1077efec-c0b2-4d02-ace3-3c1e52e2fb4b\"/></c:DRMSystemList></c:CPIX>",
            "UNSUPPORTED_DRM_SYSTEM",
        ),
    ] {
        let (status, v) = json_error(&u, body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(v["errorCode"], code, "{body}: {v}");
        assert!(v["message"].as_str().unwrap().len() > 10);
    }
    // key-rotation=true without a period.
    let request = include_str!("data/kms/01_readme_demotest_single_key.request.xml");
    let (status, v) = json_error(&url(&sandbox, true), request).await;
    assert_eq!(
        (status, v["errorCode"].as_str()),
        (400, Some("INVALID_CPIX_REQUEST"))
    );
    // Too large.
    let huge = format!("<a>{}</a>", "x".repeat(2 << 20));
    let (status, v) = json_error(&u, &huge).await;
    assert_eq!(
        (status, v["errorCode"].as_str()),
        (413, Some("REQUEST_TOO_LARGE"))
    );
    // GET.
    let resp = reqwest::get(&u).await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let v: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(v["errorCode"], "METHOD_NOT_ALLOWED");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn errors_with_status_200_like_the_official_clients_expect() {
    let sandbox = Sandbox::start(SandboxOptions {
        kms: KmsSettings {
            errors_with_status_200: true,
            ..KmsSettings::default()
        },
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let bad = format!("{}wrong", sandbox.kms_url());
    let (status, v) = json_error(&bad, "<x/>").await;
    assert_eq!(status, 200);
    assert_eq!(v["errorCode"], "INVALID_KMS_TOKEN");
    // The error body has the placeholder sample's shape (errorCode + message).
    let sample: serde_json::Value =
        serde_json::from_str(include_str!("data/kms/90_kms_error_body.UNVERIFIED.json")).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v), keys(&sample));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn faults_and_legacy_path() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let request = include_str!("data/kms/01_readme_demotest_single_key.request.xml");
    let legacy = url(&sandbox, false).replace("/doverunner/", "/pallycon/");
    assert_eq!(post(&legacy, request.to_owned()).await.0, 200);
    sandbox
        .kms()
        .set_fault(Some(multidrm_sandbox::kms::KmsFault::InternalError));
    let (status, v) = json_error(&url(&sandbox, false), request).await;
    assert_eq!(
        (status, v["errorCode"].as_str()),
        (500, Some("INTERNAL_ERROR"))
    );
    sandbox.kms().set_fault(Some(
        multidrm_sandbox::kms::KmsFault::JsonErrorWithStatus200,
    ));
    assert_eq!(json_error(&url(&sandbox, false), request).await.0, 200);
    sandbox
        .kms()
        .set_fault(Some(multidrm_sandbox::kms::KmsFault::Garbage));
    let (status, _, body) = post(&url(&sandbox, false), request.to_owned()).await;
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&body).is_err());
    sandbox.kms().set_fault(None);
    assert_eq!(post(&url(&sandbox, false), request.to_owned()).await.0, 200);
    assert_eq!(sandbox.kms().request_count(), 5);
    sandbox.shutdown().await;
}

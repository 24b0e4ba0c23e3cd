//! Keys are paired with the request by track type (+ period), else position, keeping both KIDs;
//! the reading is prefix-, order-, case-, BOM- and comment-agnostic.
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use drm_cpix::error::ParseError;
use drm_cpix::request::{CpixRequest, EncryptionScheme, TrackSelection};
use drm_cpix::response::{CpixResponse, RawDocument};
use drm_cpix::system::DrmSystem;
use drm_policy::{KeyId, TrackType};
use serde_json::Value;

fn read(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/samples/constructed")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The request a constructed scenario was made from (its meta data and request KIDs).
fn scenario_request(name: &str) -> (CpixRequest, Value) {
    let meta: Value = serde_json::from_slice(&read(&format!("{name}.meta.json"))).unwrap();
    let raw = RawDocument::parse(&read(&format!("{name}.request.xml"))).unwrap();
    let kids: Vec<KeyId> = raw
        .usage_rules
        .iter()
        .map(|r| r.kid.as_deref().unwrap().parse().unwrap())
        .collect();
    let tracks: Vec<&str> = meta["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let selection: TrackSelection = if tracks == ["HD"] {
        TrackSelection::All
    } else {
        tracks.join(",").parse().unwrap()
    };
    let drm: Vec<DrmSystem> = meta["drm_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().parse().unwrap())
        .collect();
    let scheme: EncryptionScheme = meta["encryption_scheme"]
        .as_str()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let request = CpixRequest::builder(meta["content_id"].as_str().unwrap().parse().unwrap())
        .drm_systems(drm)
        .tracks(selection)
        .scheme(scheme)
        .period_index(u32::try_from(meta["period_index"].as_u64().unwrap()).unwrap())
        .key_ids(kids)
        .build()
        .unwrap();
    (request, meta)
}

macro_rules! kid_maps {
    ($($test:ident => $name:literal,)*) => {
        mod request_kids_pair_with_response_kids {
            use super::*;
            $(
                #[test]
                fn $test() {
                    let (request, meta) = scenario_request($name);
                    let response = CpixResponse::parse_for_request(
                        &request,
                        &read(concat!($name, ".response.xml")),
                    )
                    .unwrap();
                    let map = meta["request_kid_to_response_kid"].as_object().unwrap();
                    assert_eq!(response.keys().len(), map.len());
                    for k in response.keys() {
                        let req = k.request_key_id.unwrap().to_uuid_string();
                        assert_eq!(map[&req].as_str().unwrap(), k.key_id.to_uuid_string());
                        assert_ne!(k.request_key_id, Some(k.key_id));
                        let rk = request.keys().iter().find(|r| r.key_id.to_uuid_string() == req).unwrap();
                        assert_eq!(k.track(), Some(rk.track));
                    }
                }
            )*
        }
    };
}

kid_maps! {
    s04_single_key_all_drms => "04_single_key_all_drms",
    s05_multikey_sd_hd_uhd1_audio_cbcs => "05_multikey_sd_hd_uhd1_audio_cbcs",
    s07_key_rotation_single => "07_key_rotation_single",
    s09_fairplay_hls_cbcs => "09_fairplay_hls_cbcs",
    s11_ncg_and_ncghls => "11_ncg_and_ncghls",
}

const K1: &str = "11111111-1111-1111-1111-111111111111";
const K2: &str = "22222222-2222-2222-2222-222222222222";

fn two_key_response(rules: &str, period: &str) -> String {
    format!(
        r#"<CPIX xmlns="urn:dashif:org:cpix" xmlns:p="urn:ietf:params:xml:ns:keyprov:pskc" id="movie">
  <ContentKeyUsageRuleList>{rules}</ContentKeyUsageRuleList>
  {period}
  <ContentKeyList>
    <ContentKey kid="{K1}" explicitIV="MDEyMzQ1Njc4OWFiY2RlZg=="><Data><p:Secret><p:PlainValue>EREREREREREREREREREREQ==</p:PlainValue></p:Secret></Data></ContentKey>
    <ContentKey kid="{K2}" explicitIV="MDEyMzQ1Njc4OWFiY2RlZg=="><Data><p:Secret><p:PlainValue>IiIiIiIiIiIiIiIiIiIiIg==</p:PlainValue></p:Secret></Data></ContentKey>
  </ContentKeyList>
</CPIX>"#
    )
}

fn sd_hd_request(period: u32) -> CpixRequest {
    CpixRequest::builder("movie".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .tracks("SD,HD".parse().unwrap())
        .period_index(period)
        .build()
        .unwrap()
}

#[test]
fn pairs_by_track_type_whatever_the_order() {
    let request = sd_hd_request(0);
    let xml = two_key_response(
        &format!(
            r#"<ContentKeyUsageRule intendedTrackType="HD" kid="{K1}"/><ContentKeyUsageRule intendedTrackType="SD" kid="{K2}"/>"#
        ),
        "",
    );
    let r = CpixResponse::parse_for_request(&request, xml.as_bytes()).unwrap();
    let hd = r.key_for_track(TrackType::Hd).unwrap();
    assert_eq!(hd.key_id.to_uuid_string(), K1);
    assert_eq!(hd.request_key_id, Some(request.keys()[1].key_id));
    let sd = r.key_for_track(TrackType::Sd).unwrap();
    assert_eq!(sd.request_key_id, Some(request.keys()[0].key_id));
    assert_eq!(sd.key.as_ref().unwrap().expose_secret(), &[0x22; 16]);
}

#[test]
fn falls_back_to_position_without_track_types() {
    let request = sd_hd_request(0);
    let xml = two_key_response(
        &format!(r#"<ContentKeyUsageRule kid="{K1}"/><ContentKeyUsageRule kid="{K2}"/>"#),
        "",
    );
    let r = CpixResponse::parse_for_request(&request, xml.as_bytes()).unwrap();
    assert_eq!(r.keys()[0].request_key_id, Some(request.keys()[0].key_id));
    assert_eq!(r.keys()[0].track(), Some(TrackType::Sd));
    assert_eq!(r.keys()[1].track(), Some(TrackType::Hd));
}

#[test]
fn falls_back_to_the_content_key_list_without_usage_rules() {
    let xml = two_key_response("", "");
    let r = CpixResponse::parse(xml.as_bytes()).unwrap();
    assert_eq!(r.source(), drm_cpix::response::KeySource::ContentKeyList);
    assert_eq!(r.keys().len(), 2);
    // The official client's JSON stays empty, as the official client's does.
    assert!(
        r.to_official_json()
            .unwrap()
            .contains("\"content_key_list\": []")
    );
}

#[test]
fn a_missing_track_is_an_error() {
    let request = CpixRequest::builder("movie".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .tracks("SD,HD,UHD1".parse().unwrap())
        .build()
        .unwrap();
    let xml = two_key_response(
        &format!(
            r#"<ContentKeyUsageRule intendedTrackType="SD" kid="{K1}"/><ContentKeyUsageRule intendedTrackType="HD" kid="{K2}"/>"#
        ),
        "",
    );
    let err = CpixResponse::parse_for_request(&request, xml.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        ParseError::MissingKey {
            track: TrackType::Uhd1
        }
    );
}

#[test]
fn a_key_of_another_period_does_not_pair() {
    let request = CpixRequest::builder("movie".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .tracks("HD".parse().unwrap())
        .period_index(5)
        .build()
        .unwrap();
    let xml = two_key_response(
        &format!(
            r#"<ContentKeyUsageRule intendedTrackType="HD" kid="{K1}"><KeyPeriodFilter periodId="p6"/></ContentKeyUsageRule>"#
        ),
        r#"<ContentKeyPeriodList><ContentKeyPeriod id="p6" index="6"/></ContentKeyPeriodList>"#,
    );
    let err = CpixResponse::parse_for_request(&request, xml.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        ParseError::MissingKey {
            track: TrackType::Hd
        }
    );
    let ok = xml.replace(r#"index="6""#, r#"index="5""#);
    let r = CpixResponse::parse_for_request(&request, ok.as_bytes()).unwrap();
    assert_eq!(r.keys()[0].period_index, Some(5));
}

#[test]
fn another_content_id_is_an_error() {
    let request = CpixRequest::builder("other".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .build()
        .unwrap();
    let xml = two_key_response(
        &format!(r#"<ContentKeyUsageRule intendedTrackType="HD" kid="{K1}"/>"#),
        "",
    );
    assert!(matches!(
        CpixResponse::parse_for_request(&request, xml.as_bytes()),
        Err(ParseError::ContentIdMismatch { .. })
    ));
}

#[test]
fn encrypted_keys_are_unsupported() {
    let xml = format!(
        r#"<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" id="m">
<cpix:ContentKeyList><cpix:ContentKey kid="{K1}"><cpix:Data><pskc:Secret><pskc:EncryptedValue><x/></pskc:EncryptedValue></pskc:Secret></cpix:Data></cpix:ContentKey></cpix:ContentKeyList></cpix:CPIX>"#
    );
    let err = CpixResponse::parse(xml.as_bytes()).unwrap_err();
    assert!(matches!(err, ParseError::EncryptedValueUnsupported { .. }));
    assert!(err.to_string().contains("not supported"));
}

#[test]
fn json_bodies_are_kms_errors() {
    let body = read("90_kms_error_body.UNVERIFIED.json");
    assert_eq!(
        CpixResponse::parse(&body).unwrap_err(),
        ParseError::JsonBody
    );
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b' '; 5 << 20];
    assert!(matches!(
        CpixResponse::parse(&big),
        Err(ParseError::TooLarge { .. })
    ));
}

/// The same document with other prefixes, a BOM, comments, unknown elements, upper-case UUIDs
/// and reordered lists reads the same.
#[test]
fn reading_is_prefix_order_case_bom_and_comment_agnostic() {
    let original =
        String::from_utf8(read("05_multikey_sd_hd_uhd1_audio_cbcs.response.xml")).unwrap();
    let base = CpixResponse::parse(original.as_bytes()).unwrap();

    let mut v = original
        .replace("xmlns:cpix=", "xmlns:c=")
        .replace("cpix:", "c:")
        .replace("xmlns:pskc=", "xmlns:k=")
        .replace("pskc:", "k:");
    // Move the DRMSystemList before the ContentKeyList.
    let ds_start = v.find("<c:DRMSystemList>").unwrap();
    let ds_end = v.find("</c:DRMSystemList>").unwrap() + "</c:DRMSystemList>".len();
    let ds = v[ds_start..ds_end].to_owned();
    v.replace_range(
        ds_start..ds_end,
        "<!-- moved --><x:Unknown xmlns:x=\"urn:x\"><x:Y/></x:Unknown>",
    );
    let ck = v.find("<c:ContentKeyList>").unwrap();
    v.insert_str(ck, &ds);
    // Upper-case every UUID.
    let mut upper = String::with_capacity(v.len());
    let mut rest = v.as_str();
    while let Some(i) = rest.find("kid=\"") {
        upper.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let end = rest.find('"').unwrap();
        upper.push_str(&rest[..end].to_uppercase());
        rest = &rest[end..];
    }
    upper.push_str(rest);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(upper.as_bytes());

    let variant = CpixResponse::parse(&bytes).unwrap();
    assert_eq!(variant.keys().len(), base.keys().len());
    for (a, b) in variant.keys().iter().zip(base.keys()) {
        assert_eq!(a.key_id, b.key_id);
        assert_eq!(a.track_type, b.track_type);
        assert_eq!(a.key, b.key);
        assert_eq!(a.iv, b.iv);
        assert_eq!(a.drm.len(), 3);
        assert_eq!(a.drm.len(), b.drm.len());
        for ((sa, da), (sb, db)) in a.drm.iter().zip(&b.drm) {
            assert_eq!(sa, sb);
            assert_eq!(da.pssh, db.pssh);
            assert_eq!(da.key_uri, db.key_uri);
            assert_eq!(da.hls_master, db.hls_master);
        }
    }
}

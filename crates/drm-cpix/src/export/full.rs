//! The full JSON: every field of the official client's per-key record (`MultiDrmInfo`, spec
//! §3.3), filled by this crate's lenient reading, followed by fields the official clients do not
//! have (both KIDs, hex values, scheme, filters, PlayReady checksum check).
//!
//! Shape: `{"content_id", "multidrm_infos": [ {…} ], "key_source", "warnings"}`, written like the
//! official sample (4-space indent, ASCII-only). Missing values are `""`, never `null`.

use drm_policy::hex::encode_lower;

use super::pyjson::{Json, dumps};
use crate::b64;
use crate::response::{CpixResponse, DrmSignalling, KeyInfo};
use crate::system::DrmSystem;

fn s(v: Option<&str>) -> Json {
    Json::str(v.unwrap_or(""))
}

fn sig(key: &KeyInfo, system: DrmSystem) -> Option<&DrmSignalling> {
    key.signalling(system)
}

/// The PlayReady checksum check of `key`: `valid`, `invalid`, `missing`, `unsupported`,
/// `kid_not_found`, or `""` when there is no PlayReady header, key, or the header does not
/// decode.
fn playready_checksum(key: &KeyInfo) -> String {
    let Some(header) = sig(key, DrmSystem::PlayReady).and_then(|p| p.playready_header()) else {
        return String::new();
    };
    let (Ok(header), Some(k)) = (header, key.key.as_ref().and_then(|k| k.as_aes128())) else {
        return String::new();
    };
    header.verify_key(&key.key_id, &k).as_str().to_owned()
}

/// The fields of one record, in write order.
#[derive(Default)]
struct Fields(Vec<(String, Json)>);

impl Fields {
    fn put(&mut self, name: &str, v: Json) {
        self.0.push((name.to_owned(), v));
    }
}

fn info(key: &KeyInfo) -> Json {
    let mut f = Fields(Vec::with_capacity(48));
    // 1. The official record: key material, …
    key_fields(&mut f, key);
    // 2. … the PSSH systems, …
    pssh_system_fields(&mut f, key);
    // 3. … the HLS systems.
    hls_system_fields(&mut f, key);
    // 4. Beyond the official record.
    extra_fields(&mut f, key);
    Json::Obj(f.0)
}

fn key_fields(f: &mut Fields, key: &KeyInfo) {
    f.put("track_type", s(key.track_type.as_deref()));
    let key_b64 = key
        .key
        .as_ref()
        .map(|k| b64::encode(k.expose_secret()))
        .unwrap_or_default();
    f.put("key", Json::str(key_b64));
    f.put("key_id", Json::str(key.key_id_text.clone()));
    let iv_b64 = key
        .iv
        .as_ref()
        .map(|iv| b64::encode(iv))
        .unwrap_or_default();
    f.put("iv", Json::str(iv_b64));
    f.put(
        "period_index",
        Json::str(key.period_index.map(|p| p.to_string()).unwrap_or_default()),
    );
}

fn pssh_system_fields(f: &mut Fields, key: &KeyInfo) {
    for system in [DrmSystem::Widevine, DrmSystem::PlayReady] {
        let d = sig(key, system);
        let name = system.cli_name();
        f.put(
            &format!("{name}_pssh"),
            s(d.and_then(|d| d.pssh.as_deref())),
        );
        f.put(
            &format!("{name}_pssh_payload"),
            s(d.and_then(|d| d.content_protection_data.as_deref())),
        );
        if system == DrmSystem::PlayReady {
            f.put(
                "playready_smoothstreaming_data",
                s(d.and_then(|d| d.smooth_streaming_protection_header.as_deref())),
            );
        }
        hls_lines(f, name, d);
    }
    let fp = sig(key, DrmSystem::FairPlay);
    f.put(
        "fairplay_hls_key_uri",
        s(fp.and_then(|d| d.key_uri.as_deref())),
    );
    hls_lines(f, "fairplay", fp);
    let wp = sig(key, DrmSystem::WisePlay);
    f.put("wiseplay_pssh", s(wp.and_then(|d| d.pssh.as_deref())));
    f.put(
        "wiseplay_pssh_payload",
        s(wp.and_then(|d| d.content_protection_data.as_deref())),
    );
    hls_lines(f, "wiseplay", wp);
}

/// `{name}_hls_signaling_data_master` and `…_media`.
fn hls_lines(f: &mut Fields, name: &str, d: Option<&DrmSignalling>) {
    f.put(
        &format!("{name}_hls_signaling_data_master"),
        s(d.and_then(|d| d.hls_master.as_deref())),
    );
    f.put(
        &format!("{name}_hls_signaling_data_media"),
        s(d.and_then(|d| d.hls_media.as_deref())),
    );
}

fn hls_system_fields(f: &mut Fields, key: &KeyInfo) {
    f.put(
        "ncg_cek",
        s(sig(key, DrmSystem::Ncg)
            .and_then(|d| d.ncg_cek.as_ref())
            .map(|c| c.expose_secret())),
    );
    for system in [
        DrmSystem::NcgHlsAes128,
        DrmSystem::NcgHlsSampleAes,
        DrmSystem::Aes128,
        DrmSystem::SampleAes,
    ] {
        let d = sig(key, system);
        let name = system.cli_name();
        f.put(
            &format!("{name}_key_uri"),
            s(d.and_then(|d| d.key_uri.as_deref())),
        );
        hls_lines(f, name, d);
    }
}

fn extra_fields(f: &mut Fields, key: &KeyInfo) {
    let request_kid = key
        .request_key_id
        .map(|k| k.to_uuid_string())
        .unwrap_or_default();
    f.put("request_key_id", Json::str(request_kid));
    f.put("key_id_hex", Json::str(key.key_id.to_hex()));
    f.put("key_id_b64", Json::str(b64::encode(key.key_id.as_bytes())));
    let key_hex = key
        .key
        .as_ref()
        .map(|k| encode_lower(k.expose_secret()))
        .unwrap_or_default();
    f.put("key_hex", Json::str(key_hex));
    f.put("iv_hex", Json::str(key.iv_hex().unwrap_or_default()));
    f.put(
        "common_encryption_scheme",
        s(key.common_encryption_scheme.as_deref()),
    );
    f.put("period_id", s(key.period_id.as_deref()));
    let filters = key
        .filters
        .iter()
        .map(|flt| {
            let mut items = vec![("type".to_owned(), Json::str(flt.kind.clone()))];
            items.extend(
                flt.attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::str(v.clone()))),
            );
            Json::Obj(items)
        })
        .collect();
    f.put("filters", Json::List(filters));
    f.put("playready_checksum", Json::str(playready_checksum(key)));
}

/// The full JSON of a parsed response, without a trailing newline.
pub fn full_json(response: &CpixResponse) -> String {
    let root = Json::obj([
        ("content_id", Json::str(response.content_id())),
        (
            "multidrm_infos",
            Json::List(response.keys().iter().map(info).collect()),
        ),
        ("key_source", Json::str(response.source().as_str())),
        (
            "warnings",
            Json::List(
                response
                    .warnings()
                    .iter()
                    .map(|w| Json::str(w.to_string()))
                    .collect(),
            ),
        ),
    ]);
    dumps(&root)
}

//! The JSON the official DoveRunner Python sample prints (spec §3.3), byte for byte.
//!
//! It reproduces the official client's reading of the response, quirks included: entries come
//! from the `ContentKeyUsageRule` elements only (a response without usage rules gives an empty
//! list), key ids and system ids are compared as exact strings (a lower-case `systemId` is not
//! recognised), an empty element is `null`, a missing one `""`, and `track_type` appears only
//! when there is more than one entry. Use the full export for the lenient reading.
//!
//! One deliberate departure: a document from another producer that has CPIX 2.3's
//! `CPIX@contentId` but no DoveRunner `CPIX@id` gets that content id (the official client would
//! print `null`). Values are copied as written: a `PlainValue` with embedded line breaks keeps
//! them in `key_b64`, as the official client does.

use drm_policy::hex::encode_lower;

use super::pyjson::{Json, dumps};
use crate::b64;
use crate::error::ExportError;
use crate::response::parse_uuid_text;
use crate::response::raw::{ElementText, RawDocument};
use crate::system::DrmSystem;

/// A value as the Python client holds it: `None` (JSON `null`) or a string.
type Value = Option<String>;

struct Entry {
    track_type: Value,
    key_id: String,
    key: Value,
    iv: Value,
    widevine_pssh: Value,
    widevine_payload: Value,
    playready_pssh: Value,
    playready_payload: Value,
    fairplay_key_uri: Value,
}

/// `f.text if f is not None else ""` — absent → `""`, empty → `None`.
fn raw(text: &ElementText) -> Value {
    match text {
        None => Some(String::new()),
        Some(t) if t.is_empty() => None,
        Some(t) => Some(t.clone()),
    }
}

fn decode_b64_text(text: &ElementText, field: &'static str) -> Result<Value, ExportError> {
    let t = text.as_deref().unwrap_or("");
    let bytes = b64::decode_python(t).ok_or(ExportError::Undecodable {
        field,
        reason: "not base64",
    })?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| ExportError::Undecodable {
            field,
            reason: "not UTF-8 text",
        })
}

fn hex_of_b64(value: &Value, field: &'static str) -> Result<String, ExportError> {
    let bytes =
        b64::decode_python(value.as_deref().unwrap_or("")).ok_or(ExportError::Undecodable {
            field,
            reason: "not base64",
        })?;
    Ok(encode_lower(&bytes))
}

/// The official client's JSON for a raw document, without a trailing newline (the sample's
/// `print` adds one).
///
/// # Errors
/// [`ExportError::Undecodable`] where the official client would fail: a usage-rule `kid` that
/// is not a UUID, a key/IV that is not base64, a FairPlay key URI that is not base64 of UTF-8.
pub fn official_json(doc: &RawDocument) -> Result<String, ExportError> {
    // 1. One entry per usage rule, filled from the content keys and DRM systems.
    let mut entries = Vec::with_capacity(doc.usage_rules.len());
    for rule in &doc.usage_rules {
        let key_id = rule.kid.clone().ok_or(ExportError::Undecodable {
            field: "key_id",
            reason: "usage rule without kid",
        })?;
        entries.push(Entry::new(rule.intended_track_type.clone(), key_id));
    }
    fill_content_keys(doc, &mut entries)?;
    fill_drm_systems(doc, &mut entries)?;
    // 2. The JSON, `track_type` only with more than one entry.
    let many = entries.len() > 1;
    let list = entries
        .into_iter()
        .map(|e| entry_json(e, many))
        .collect::<Result<Vec<_>, _>>()?;
    let root = Json::obj([
        (
            "content_id",
            Json::opt_str(doc.id.clone().or_else(|| doc.content_id.clone())),
        ),
        ("content_key_list", Json::List(list)),
    ]);
    Ok(dumps(&root))
}

impl Entry {
    fn new(track_type: Value, key_id: String) -> Self {
        Entry {
            track_type,
            key_id,
            key: Some(String::new()),
            iv: Some(String::new()),
            widevine_pssh: Some(String::new()),
            widevine_payload: Some(String::new()),
            playready_pssh: Some(String::new()),
            playready_payload: Some(String::new()),
            fairplay_key_uri: Some(String::new()),
        }
    }
}

/// Key and IV of every entry, by exact `kid` string.
fn fill_content_keys(doc: &RawDocument, entries: &mut [Entry]) -> Result<(), ExportError> {
    for ck in &doc.content_keys {
        for e in entries
            .iter_mut()
            .filter(|e| ck.kid.as_deref() == Some(e.key_id.as_str()))
        {
            if ck.encrypted && ck.plain_value.is_none() {
                return Err(ExportError::Undecodable {
                    field: "PlainValue",
                    reason: "the key is encrypted (EncryptedValue)",
                });
            }
            e.iv = Some(ck.explicit_iv.clone().unwrap_or_default());
            e.key = raw(&ck
                .plain_value
                .as_ref()
                .map(|p| p.expose_secret().to_owned()));
        }
    }
    Ok(())
}

/// Widevine, PlayReady and FairPlay values of every entry, by exact `kid` and `systemId`.
fn fill_drm_systems(doc: &RawDocument, entries: &mut [Entry]) -> Result<(), ExportError> {
    for ds in &doc.drm_systems {
        // Exact, case-sensitive comparison with the upper-case ids, as the client does.
        let Some(system) = DrmSystem::ALL
            .into_iter()
            .find(|d| ds.system_id.as_deref() == Some(d.system_id_str()))
        else {
            continue;
        };
        for e in entries
            .iter_mut()
            .filter(|e| ds.kid.as_deref() == Some(e.key_id.as_str()))
        {
            match system {
                DrmSystem::Widevine => {
                    e.widevine_pssh = raw(&ds.pssh);
                    e.widevine_payload = raw(&ds.content_protection_data);
                }
                DrmSystem::PlayReady => {
                    e.playready_pssh = raw(&ds.pssh);
                    e.playready_payload = raw(&ds.content_protection_data);
                }
                DrmSystem::FairPlay => {
                    e.fairplay_key_uri = decode_b64_text(&ds.uri_ext_x_key, "URIExtXKey")?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn entry_json(e: Entry, many: bool) -> Result<Json, ExportError> {
    let kid = parse_uuid_text(&e.key_id).ok_or(ExportError::Undecodable {
        field: "key_id",
        reason: "not a UUID",
    })?;
    let mut items: Vec<(&str, Json)> = Vec::with_capacity(10);
    if many {
        items.push(("track_type", Json::opt_str(e.track_type)));
    }
    items.push(("key_id_hex", Json::str(kid.to_hex())));
    items.push(("key_id_b64", Json::str(b64::encode(kid.as_bytes()))));
    items.push(("key_hex", Json::str(hex_of_b64(&e.key, "PlainValue")?)));
    items.push(("key_b64", Json::opt_str(e.key)));
    items.push(("iv_hex", Json::str(hex_of_b64(&e.iv, "explicitIV")?)));
    items.push(("iv_b64", Json::opt_str(e.iv)));
    items.push((
        "widevine",
        Json::obj([
            ("pssh", Json::opt_str(e.widevine_pssh)),
            ("pssh_payload_only", Json::opt_str(e.widevine_payload)),
        ]),
    ));
    items.push((
        "playready",
        Json::obj([
            ("pssh", Json::opt_str(e.playready_pssh)),
            ("pssh_payload_only", Json::opt_str(e.playready_payload)),
        ]),
    ));
    items.push((
        "fairplay",
        Json::obj([("key_uri", Json::opt_str(e.fairplay_key_uri))]),
    ));
    Ok(Json::obj(items))
}

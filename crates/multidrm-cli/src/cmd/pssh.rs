//! `multidrm pssh decode BASE64 [--key HEX]`: what a PSSH box (or a bare Widevine / PlayReady
//! payload, or a FairPlay `skd://` URI) says, and whether a PlayReady checksum matches a key.

use clap::Subcommand;
use drm_cpix::fairplay::{FAIRPLAY_CMAF_SYSTEM_ID, SkdUri};
use drm_cpix::playready::{ChecksumCheck, PlayReadyObject, WrmHeader};
use drm_cpix::pssh::{self, PsshBox, ScannedBox, Uuid, decode_base64, encode_base64};
use drm_cpix::system::DrmSystem;
use drm_cpix::widevine::WidevinePsshData;
use drm_policy::ids::{HexCase, decode_hex, hex_lower};
use serde_json::{Map, Value, json};

use crate::failure::{CmdResult, Failure};
use crate::input;
use crate::output::{self, print_json};

/// Subcommands of `multidrm pssh`.
#[derive(Debug, Subcommand)]
pub(crate) enum PsshCmd {
    /// Decode a base64 (or hex) PSSH box (one or several concatenated, box by box), an MP4 init segment (its pssh boxes), a bare PSSH payload (Widevine
    /// protobuf or PlayReady Header Object, e.g. CPIX ContentProtectionData), or a FairPlay
    /// skd:// URI. Prints one JSON document.
    Decode {
        /// The base64 text (`-` reads it from stdin).
        input: String,
        /// A 16-byte content key (32 hex digits, or base64) to check the PlayReady CHECKSUM.
        #[arg(long)]
        key: Option<String>,
    },
}

/// Runs `multidrm pssh …`.
pub(crate) fn run(cmd: PsshCmd) -> CmdResult {
    match cmd {
        PsshCmd::Decode { input, key } => {
            let text = if input == "-" {
                input::read_text("-", "the PSSH text", input::PSSH_LIMIT)?
            } else {
                input
            };
            let key = key.as_deref().map(parse_key).transpose()?;
            let mut notes = Vec::new();
            let report = decode(text.trim(), key.as_ref(), &mut notes)?;
            for note in notes {
                output::warn(format_args!("warning: {note}"));
            }
            print_json(&report)
        }
    }
}

/// Parses `--key`: 32 hex digits (either case) or base64 of 16 bytes.
fn parse_key(text: &str) -> Result<[u8; 16], Failure> {
    let text = text.trim();
    decode_hex(text, HexCase::Any)
        .filter(|b| b.len() == 16)
        .or_else(|| decode_base64(text).ok().filter(|b| b.len() == 16))
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .ok_or_else(|| {
            Failure::input("--key must be a 16-byte content key: 32 hex digits or base64")
        })
}

/// Decodes the input into the JSON report; `notes` collects what stderr should say.
fn decode(text: &str, key: Option<&[u8; 16]>, notes: &mut Vec<String>) -> Result<Value, Failure> {
    if text.is_empty() {
        return Err(Failure::input("nothing to decode: the input is empty"));
    }
    if text
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("skd://"))
    {
        let uri =
            SkdUri::parse(text).map_err(|e| Failure::input(format!("invalid skd URI: {e}")))?;
        return Ok(skd_json(&uri));
    }
    // Hex of one or more boxes (Shaka Packager's `--pssh` form), else base64.
    let hex = decode_hex(text, HexCase::Any).filter(|b| b.get(4..8) == Some(b"pssh".as_slice()));
    let bytes = match hex {
        Some(bytes) => bytes,
        None => decode_base64(text)
            .or_else(|e| decode_base64(&from_url_safe(text)).map_err(|_| e))
            .map_err(|e| Failure::input(format!("the input is not a base64 PSSH box: {e}")))?,
    };
    if bytes.get(4..8) == Some(b"pssh".as_slice()) {
        return boxes_json(pssh::scan(&bytes), key, notes);
    }
    if pssh::is_segment(&bytes) {
        let scan = pssh::scan_segment(&bytes);
        if scan.boxes.is_empty() && scan.unreadable.is_none() {
            return Err(Failure::input(
                "the input is an MP4 segment without pssh boxes (none at the top level, in moov \
                 or in moof)",
            ));
        }
        return boxes_json(scan, key, notes);
    }
    // A bare payload: a PlayReady Header Object starts with its own little-endian length.
    let pro_len = bytes
        .get(..4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    if pro_len == Some(bytes.len()) {
        let pro = PlayReadyObject::parse(&bytes)
            .map_err(|e| Failure::input(format!("invalid PlayReady Header Object: {e}")))?;
        let mut report = json!({ "kind": "playready_header_object", "size": bytes.len() });
        merge(
            &mut report,
            playready_json(&pro, key, notes).map_err(Failure::input)?,
        );
        return Ok(report);
    }
    match WidevinePsshData::parse(&bytes) {
        Ok(wv) if !wv.key_ids.is_empty() || wv.content_id.is_some() || wv.provider.is_some() => {
            let mut report = json!({ "kind": "widevine_pssh_data", "size": bytes.len() });
            merge(&mut report, widevine_json(&wv));
            Ok(report)
        }
        _ => Err(Failure::input(
            "the input is neither a PSSH box nor a Widevine / PlayReady PSSH payload",
        )),
    }
}

/// One or more boxes, box by box: each reports its own data or error; the input is rejected
/// only when no box at all can be read.
fn boxes_json(
    scan: pssh::PsshScan,
    key: Option<&[u8; 16]>,
    notes: &mut Vec<String>,
) -> Result<Value, Failure> {
    if !scan.boxes.iter().any(|b| b.result.is_ok()) {
        let reason = scan
            .boxes
            .iter()
            .find_map(|b| b.result.as_ref().err())
            .or(scan.unreadable.as_ref().map(|(_, e)| e))
            .map_or_else(|| "no box".to_owned(), ToString::to_string);
        return Err(Failure::input(format!("invalid PSSH box: {reason}")));
    }
    let mut reports: Vec<Value> = scan
        .boxes
        .iter()
        .map(|b| scanned_json(b, key, notes))
        .collect();
    if let Some((offset, e)) = &scan.unreadable {
        notes.push(format!(
            "bytes from offset {offset} on are not a box and were not read: {e}"
        ));
        reports.push(json!({ "kind": "unreadable", "offset": offset, "error": e.to_string() }));
    }
    if key.is_some() && !reports.iter().any(|r| r.get("playready").is_some()) {
        notes.push("--key was given but no PlayReady header was decoded: nothing to check".into());
    }
    let errors = reports.iter().filter(|r| r.get("error").is_some()).count();
    if errors > 0 {
        notes.push(format!(
            "{errors} of {} entries could not be decoded (see their \"error\")",
            reports.len()
        ));
    }
    Ok(if reports.len() == 1 {
        reports.remove(0)
    } else {
        json!({ "kind": "pssh_boxes", "count": reports.len(), "errors": errors, "boxes": reports })
    })
}

/// The report of one scanned box: the decoded box, or its header fields and its error.
fn scanned_json(b: &ScannedBox, key: Option<&[u8; 16]>, notes: &mut Vec<String>) -> Value {
    let mut report = match &b.result {
        Ok(pssh) => box_json(pssh, key, notes),
        Err(e) => json!({
            "kind": if b.box_type == pssh::PSSH_BOX_TYPE { "pssh_box" } else { "box" },
            "box_type": b.box_type_text(),
            "system_id": b.system_id.map(|s| s.to_string()),
            "system_name": b.system_id.and_then(system_name_of),
            "error": e.to_string(),
        }),
    };
    merge(
        &mut report,
        json!({
            "offset": b.offset,
            "size": b.len,
            "size_field": b.size_field,
            "extends_to_end": b.size_field == 0,
        }),
    );
    report
}

/// URL-safe base64 (`-`, `_`, padding optional) as standard base64.
fn from_url_safe(text: &str) -> String {
    let mut t: String = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while t.len() % 4 != 0 {
        t.push('=');
    }
    t
}

fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(t), Value::Object(e)) = (target, extra) {
        t.extend(e);
    }
}

fn system_name_of(system_id: Uuid) -> Option<&'static str> {
    if let Some(system) = DrmSystem::from_uuid(system_id) {
        return Some(system.official_name());
    }
    if system_id == FAIRPLAY_CMAF_SYSTEM_ID {
        return Some("FAIRPLAY_CMAF");
    }
    if system_id.to_string() == "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b" {
        return Some("W3C_COMMON_CLEARKEY");
    }
    None
}

fn box_json(pssh: &PsshBox, key: Option<&[u8; 16]>, notes: &mut Vec<String>) -> Value {
    let mut report = json!({
        "kind": "pssh_box",
        "size": pssh.encoded_len(),
        "version": pssh.version,
        "flags": pssh.flags,
        "system_id": pssh.system_id.to_string(),
        "system_name": system_name_of(pssh.system_id),
        "key_ids": pssh.key_ids.iter().map(|k| k.to_uuid_string()).collect::<Vec<_>>(),
        "data_size": pssh.data.len(),
        "data_base64": encode_base64(&pssh.data),
    });
    // The payload: decoded, or this box's own error (the box itself is still reported).
    let payload = match pssh.drm_system() {
        Some(DrmSystem::Widevine) => Some(
            WidevinePsshData::parse(&pssh.data)
                .map(|wv| json!({ "widevine": widevine_json(&wv) }))
                .map_err(|e| format!("invalid Widevine PSSH data: {e}")),
        ),
        Some(DrmSystem::PlayReady) => Some(
            PlayReadyObject::parse(&pssh.data)
                .map_err(|e| format!("invalid PlayReady Header Object: {e}"))
                .and_then(|pro| playready_json(&pro, key, notes))
                .map(|pr| json!({ "playready": pr })),
        ),
        Some(DrmSystem::WisePlay) => serde_json::from_slice::<Value>(&pssh.data)
            .ok()
            .map(|doc| Ok(json!({ "wiseplay": doc }))),
        _ => None,
    };
    match payload {
        Some(Ok(decoded)) => merge(&mut report, decoded),
        Some(Err(e)) => merge(&mut report, json!({ "error": e })),
        None => {}
    }
    report
}

fn widevine_json(wv: &WidevinePsshData) -> Value {
    let mut m = Map::new();
    m.insert("algorithm".into(), json!(wv.algorithm.map(|a| a.name())));
    m.insert(
        "key_ids".into(),
        json!(
            wv.key_ids
                .iter()
                .map(|k| k.to_uuid_string())
                .collect::<Vec<_>>()
        ),
    );
    m.insert(
        "key_ids_hex".into(),
        json!(wv.key_ids.iter().map(|k| k.to_hex()).collect::<Vec<_>>()),
    );
    m.insert("provider".into(), json!(wv.provider));
    m.insert("content_id".into(), json!(wv.content_id_str()));
    m.insert(
        "content_id_hex".into(),
        json!(wv.content_id.as_deref().map(hex_lower)),
    );
    m.insert("track_type".into(), json!(wv.track_type));
    m.insert("crypto_period_index".into(), json!(wv.crypto_period_index));
    m.insert(
        "protection_scheme".into(),
        json!(
            wv.protection_scheme
                .map(|s| wv.protection_scheme_text().unwrap_or_else(|| s.to_string()))
        ),
    );
    if let Some((cid, period)) = wv.rotation_content_id() {
        m.insert(
            "key_rotation".into(),
            json!({ "content_id": cid, "period_index": period }),
        );
    }
    let optional = [
        ("policy", json!(wv.policy)),
        ("crypto_period_seconds", json!(wv.crypto_period_seconds)),
        ("type", json!(wv.r#type)),
        ("key_sequence", json!(wv.key_sequence)),
        ("video_feature", json!(wv.video_feature)),
    ];
    for (name, value) in optional {
        if !value.is_null() {
            m.insert(name.into(), value);
        }
    }
    if !wv.group_ids.is_empty() {
        m.insert(
            "group_ids_hex".into(),
            json!(
                wv.group_ids
                    .iter()
                    .map(|g| hex_lower(g))
                    .collect::<Vec<_>>()
            ),
        );
    }
    if !wv.skipped_fields.is_empty() {
        m.insert("unknown_fields".into(), json!(wv.skipped_fields));
    }
    Value::Object(m)
}

fn playready_json(
    pro: &PlayReadyObject,
    key: Option<&[u8; 16]>,
    notes: &mut Vec<String>,
) -> Result<Value, String> {
    let records: Vec<Value> = pro
        .records
        .iter()
        .map(|r| json!({ "type": r.record_type, "length": r.value.len() }))
        .collect();
    let xml = pro
        .wrm_header_xml()
        .map_err(|e| format!("invalid PlayReady header: {e}"))?;
    let header = WrmHeader::parse_xml(&xml).map_err(|e| format!("invalid WRMHEADER: {e}"))?;
    let mut kids = Vec::new();
    let mut checks = Vec::new();
    for k in &header.kids {
        let mut entry = json!({
            "key_id": k.key_id.to_uuid_string(),
            "key_id_hex": k.key_id.to_hex(),
            "value_base64": drm_cpix::playready::kid_base64(&k.key_id),
            "algorithm": k.algorithm.as_ref().map(|a| a.as_str().to_owned()),
            "checksum": k.checksum_base64(),
        });
        if let Some(key) = key {
            let check = k.verify(key);
            checks.push(check);
            merge(&mut entry, json!({ "checksum_check": check.as_str() }));
        }
        kids.push(entry);
    }
    let mut m = json!({
        "record_count": pro.records.len(),
        "records": records,
        "header_version": header.version.as_str(),
        "key_ids": kids,
        "la_url": header.la_url,
        "lui_url": header.lui_url,
        "ds_id": header.ds_id,
        "custom_attributes": header.custom_attributes,
        "period_index": header.period_index(),
        "checksum": header.kids.first().and_then(|k| k.checksum_base64()),
        "xml": xml,
    });
    if key.is_some() {
        let overall = overall_check(&checks);
        notes.extend(check_note(overall));
        // `checksum_valid` is true or false only when there was a checksum to check.
        let valid = match overall {
            ChecksumCheck::Valid => json!(true),
            ChecksumCheck::Invalid => json!(false),
            _ => Value::Null,
        };
        merge(
            &mut m,
            json!({ "checksum_check": overall.as_str(), "checksum_valid": valid }),
        );
    }
    Ok(m)
}

/// The overall result: valid only when every KID's checksum matches.
fn overall_check(checks: &[ChecksumCheck]) -> ChecksumCheck {
    if checks.is_empty() {
        ChecksumCheck::KidNotFound
    } else if checks.contains(&ChecksumCheck::Invalid) {
        ChecksumCheck::Invalid
    } else {
        checks
            .iter()
            .copied()
            .find(|c| *c != ChecksumCheck::Valid)
            .unwrap_or(ChecksumCheck::Valid)
    }
}

/// What stderr says about a `--key` check that did not pass.
fn check_note(check: ChecksumCheck) -> Option<String> {
    Some(match check {
        ChecksumCheck::Valid => return None,
        ChecksumCheck::Invalid => "the PlayReady CHECKSUM does not match --key".to_owned(),
        ChecksumCheck::Missing => "the PlayReady header has no CHECKSUM (e.g. AESCBC): no \
                                   checksum to check --key against"
            .to_owned(),
        ChecksumCheck::Unsupported => "the PlayReady CHECKSUM uses an algorithm that is not \
                                       checked (COCKTAIL or other): --key was not checked"
            .to_owned(),
        ChecksumCheck::KidNotFound => "the PlayReady header lists no KID: no checksum to check \
                                       --key against"
            .to_owned(),
    })
}

fn skd_json(uri: &SkdUri) -> Value {
    let mut m = json!({
        "kind": "fairplay_key_uri",
        "uri": uri.to_string(),
        "asset_id": uri.asset_id(),
        "key_id": uri.key_id().map(|k| k.to_uuid_string()),
    });
    if let Some((cid, period)) = uri.rotation() {
        merge(
            &mut m,
            json!({ "key_rotation": { "content_id": cid, "period_index": period } }),
        );
    }
    m
}

//! The `response_format: json` answer (`license.md` §3.2): the license as a string (hex for
//! Widevine), `device_info` from the `pallycon-client-meta` header, and the durations of the
//! token's playback policy.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::challenge::FakeLicense;
use super::token::{CheckedToken, TokenDrm};

/// The client meta's `device_info` object, if the header is base64 of a JSON object with one.
pub(crate) fn client_device_info(header: Option<&str>) -> Option<Map<String, Value>> {
    let compact: String = header?
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = STANDARD.decode(compact).ok()?;
    match serde_json::from_slice::<Value>(&bytes).ok()? {
        Value::Object(mut meta) => match meta.remove("device_info") {
            Some(Value::Object(info)) => Some(info),
            _ => None,
        },
        _ => None,
    }
}

/// The JSON document for a granted license.
pub(crate) fn json_license(
    token: &CheckedToken,
    license: &FakeLicense,
    client_meta: Option<&str>,
) -> Value {
    let info = client_device_info(client_meta);
    let text = |name: &str| {
        info.as_ref()
            .and_then(|i| i.get(name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let model = text("device_model");
    let os = text("os_version");
    let device_id = text("device_id").unwrap_or_else(|| {
        short_hex(&[
            "device",
            &token.user_id,
            model.as_deref().unwrap_or(""),
            os.as_deref().unwrap_or(""),
        ])
    });
    let mut device_info = Map::new();
    device_info.insert("device_id".into(), json!(device_id));
    if let Some(model) = model {
        device_info.insert("device_model".into(), json!(model));
    }
    if let Some(os) = os {
        device_info.insert("os_version".into(), json!(os));
    }
    let session = short_hex(&["session", &token.cid, &device_id, &license.json_text()]);
    device_info.insert("session_id".into(), json!(session));
    // A browser CDM sends no client meta; the SDKs always do.
    let chrome = info.is_none() && token.drm == TokenDrm::Widevine;
    device_info.insert("is_chrome_cdm".into(), json!(chrome));

    let playback = token
        .policy
        .get("playback_policy")
        .and_then(Value::as_object);
    let flag = |name: &str| playback.and_then(|p| p.get(name)).and_then(Value::as_bool);
    let secs = |name: &str| {
        playback
            .and_then(|p| p.get(name))
            .and_then(int)
            .unwrap_or(0)
    };
    let renewal_duration = secs("renewal_duration");
    json!({
        "license": license.json_text(),
        "device_info": device_info,
        "persistent": flag("persistent").unwrap_or(false),
        "license_duration": secs("license_duration"),
        "rental_duration": secs("rental_duration"),
        "playback_duration": secs("playback_duration"),
        "renewal": renewal_duration > 0,
        "renewal_duration": renewal_duration,
    })
}

/// An integer, or a string of digits (the Python sample sends `"60"`).
fn int(value: &Value) -> Option<i64> {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

fn short_hex(parts: &[&str]) -> String {
    let mut sha = Sha256::new();
    for part in parts {
        sha.update((part.len() as u64).to_be_bytes());
        sha.update(part.as_bytes());
    }
    hex::encode(&sha.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_client_meta() {
        let value = "ewoJImRldmljZV9pbmZvIjogewoJCSJkZXZpY2VfbW9kZWwiOiAiaVBob25lIFNFIChpUGhvbmU4LDQpIiwKCQkib3NfdmVyc2lvbiI6IjE1LjcuMiIKCX0KfQ==";
        let info = client_device_info(Some(value)).expect("device_info");
        assert_eq!(info["device_model"], "iPhone SE (iPhone8,4)");
        assert_eq!(info["os_version"], "15.7.2");
        assert!(client_device_info(Some("not base64!")).is_none());
        assert!(client_device_info(Some("e30=")).is_none());
        assert!(client_device_info(None).is_none());
    }
}

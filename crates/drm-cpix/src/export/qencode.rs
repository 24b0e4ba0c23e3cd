//! Qencode's `cenc_drm` object (Qencode's DoveRunner tutorial): `key_id` (hex, no dashes),
//! `key` (hex), `iv` (hex, when the KMS gave one), `pssh` (the Widevine PSSH box, base64 as the
//! KMS wrote it) and `la_url` (DoveRunner's license URL, the same for Widevine and PlayReady).

use drm_policy::TrackType;
use drm_policy::hex::encode_lower;

use super::pyjson::{Json, dumps};
use crate::error::ExportError;
use crate::response::{CpixResponse, KeyInfo};
use crate::system::DrmSystem;

/// DoveRunner's license URL for Widevine and PlayReady.
pub const DOVERUNNER_LICENSE_URL: &str = "https://drm-license.doverunner.com/ri/licenseManager.do";

/// Options of the Qencode export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QencodeOptions {
    /// `la_url`; default [`DOVERUNNER_LICENSE_URL`].
    pub la_url: Option<String>,
    /// Which key, for a multi-key response (`cenc_drm` carries one key).
    pub track: Option<TrackType>,
}

/// Picks the key for single-key exports: the one of `track`, else the only one.
pub(crate) fn pick_key(
    response: &CpixResponse,
    track: Option<TrackType>,
) -> Result<&KeyInfo, ExportError> {
    match (track, response.keys()) {
        (_, []) => Err(ExportError::NoKeys),
        (Some(t), _) => response
            .key_for_track(t)
            .ok_or(ExportError::NoSuchTrack { track: t }),
        (None, [only]) => Ok(only),
        (None, keys) => Err(ExportError::AmbiguousKey {
            count: keys.len(),
            tracks: keys
                .iter()
                .map(|k| k.track_type.clone().unwrap_or_else(|| "?".to_owned()))
                .collect::<Vec<_>>()
                .join(","),
        }),
    }
}

/// The `cenc_drm` object as JSON (4-space indent), without a trailing newline.
///
/// # Errors
/// [`ExportError::NoKeys`], [`ExportError::AmbiguousKey`], [`ExportError::NoSuchTrack`],
/// [`ExportError::MissingKeyValue`].
pub fn qencode_cenc_drm(
    response: &CpixResponse,
    options: &QencodeOptions,
) -> Result<String, ExportError> {
    let k = pick_key(response, options.track)?;
    let key = k.key.as_ref().ok_or_else(|| ExportError::MissingKeyValue {
        key_id: k.key_id.to_uuid_string(),
    })?;
    let mut items = vec![
        ("key_id", Json::str(k.key_id.to_hex())),
        ("key", Json::str(encode_lower(key.expose_secret()))),
    ];
    if let Some(iv) = k.iv_hex() {
        items.push(("iv", Json::str(iv)));
    }
    if let Some(pssh) = k
        .signalling(DrmSystem::Widevine)
        .and_then(|d| d.pssh.clone())
    {
        items.push(("pssh", Json::str(pssh)));
    }
    items.push((
        "la_url",
        Json::str(
            options
                .la_url
                .clone()
                .unwrap_or_else(|| DOVERUNNER_LICENSE_URL.to_owned()),
        ),
    ));
    Ok(dumps(&Json::obj(items)))
}

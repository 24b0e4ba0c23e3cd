//! The signed messages of spec §3: the rendered values of a fixed key list, concatenated without
//! separators.

use crate::error::SignError;
use crate::json::JsonObject;
use crate::render::{Rendering, render_value};

/// The request fields covered by the signature, in signing order. `Challenge` comes last and is
/// also part of the HMAC key.
pub const REQUEST_KEYS: [&str; 14] = [
    "Type",
    "User",
    "VideoId",
    "VideoSource",
    "VideoKind",
    "AssetState",
    "PlayerType",
    "VideoSourceFormat",
    "VideoSourceName",
    "DRMType",
    "AuthType",
    "ContentKeyData",
    "Other",
    "Challenge",
];

/// The response fields covered by the signature, in signing order.
pub const RESPONSE_KEYS: [&str; 9] = [
    "Response",
    "ResponseCode",
    "Message",
    "Action",
    "ContentUrl",
    "HeartBeatTime",
    "ActionParameters",
    "AuthToken",
    "LicenseURL",
];

/// The key carrying the signature, in requests and responses.
pub const SIGNATURE_KEY: &str = "Signature";

/// Calls `sink` with the rendered text of every present key of `keys`, in order, skipping the
/// values that contribute nothing.
pub(crate) fn for_each_part(
    obj: &JsonObject,
    keys: &[&str],
    rendering: &Rendering,
    mut sink: impl FnMut(&str),
) -> Result<(), SignError> {
    for key in keys {
        if let Some(value) = obj.get(key) {
            let text = render_value(
                key,
                value,
                rendering.profile,
                rendering.null_policy,
                rendering.number_type(key),
            )?;
            if let Some(text) = text {
                sink(&text);
            }
        }
    }
    Ok(())
}

fn message(obj: &JsonObject, keys: &[&str], rendering: &Rendering) -> Result<String, SignError> {
    let mut out = String::new();
    for_each_part(obj, keys, rendering, |t| out.push_str(t))?;
    Ok(out)
}

/// The request message: rendered values of [`REQUEST_KEYS`] concatenated.
pub fn request_message(obj: &JsonObject, rendering: &Rendering) -> Result<String, SignError> {
    message(obj, &REQUEST_KEYS, rendering)
}

/// The response message: rendered values of [`RESPONSE_KEYS`] concatenated.
pub fn response_message(obj: &JsonObject, rendering: &Rendering) -> Result<String, SignError> {
    message(obj, &RESPONSE_KEYS, rendering)
}

/// Whether any of `keys` holds `null` (only then can the null policy change the message).
pub(crate) fn has_null(obj: &JsonObject, keys: &[&str]) -> bool {
    keys.iter()
        .any(|k| obj.get(k).is_some_and(crate::json::Value::is_null))
}

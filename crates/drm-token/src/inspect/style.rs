//! Which JSON text style wrote a token JSON: this crate's compact (Java) or Python style, or
//! another one (the PHP sample's `\\/` escapes and key order, pretty-printing…).

use drm_policy::JsonStyle;
use drm_policy::json_style::write_string;

use super::report::{DetectedStyle, TokenFields};

const SPEC_ORDER: [&str; 9] = [
    "drm_type",
    "site_id",
    "user_id",
    "cid",
    "policy",
    "response_format",
    "key_rotation",
    "timestamp",
    "hash",
];

pub(super) fn detect_style(
    fields: &TokenFields,
    key_order: &[String],
    text: &str,
) -> DetectedStyle {
    if key_order.iter().map(String::as_str).ne(SPEC_ORDER) {
        return DetectedStyle::Other;
    }
    for (style, detected) in [
        (JsonStyle::Compact, DetectedStyle::Compact),
        (JsonStyle::Python, DetectedStyle::Python),
    ] {
        let mut out = String::with_capacity(text.len());
        out.push('{');
        for (i, key) in SPEC_ORDER.iter().enumerate() {
            if i > 0 {
                out.push_str(style.item_separator());
            }
            write_string(&mut out, key, style);
            out.push_str(style.key_separator());
            let value = match *key {
                "drm_type" => fields.drm_type.as_deref(),
                "site_id" => fields.site_id.as_deref(),
                "user_id" => fields.user_id.as_deref(),
                "cid" => fields.cid.as_deref(),
                "policy" => fields.policy.as_deref(),
                "response_format" => fields.response_format.as_deref(),
                "timestamp" => fields.timestamp.as_deref(),
                "hash" => fields.hash.as_deref(),
                _ => {
                    match fields.key_rotation {
                        Some(true) => out.push_str("true"),
                        Some(false) => out.push_str("false"),
                        None => return DetectedStyle::Other,
                    }
                    continue;
                }
            };
            match value {
                Some(v) => write_string(&mut out, v, style),
                None => return DetectedStyle::Other,
            }
        }
        out.push('}');
        if out == text {
            return detected;
        }
    }
    DetectedStyle::Other
}

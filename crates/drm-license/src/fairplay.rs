//! FairPlay license request bodies (spec `license.md` §2.5, §7.2 rule 5).
//!
//! Players send the SPC in several shapes. What goes upstream:
//!
//! | the player's body | sent upstream |
//! |---|---|
//! | a form with an `spc` field (`spc=…`, `spc=…&assetId`, `…&spc=…`), printable ASCII | unchanged — never decoded and re-encoded, so an unencoded `+` stays `+` |
//! | bare base64 text (what the official Java proxy forwards) | unchanged |
//! | anything else: the raw SPC bytes | `spc=` + percent-encoded standard base64 |
//!
//! Printable ASCII that is neither is refused: it is no SPC the server could read.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::server::encode_query_value;

/// Which of the accepted shapes a FairPlay body has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpcShape {
    /// A form body with an `spc` field: forwarded unchanged.
    Form,
    /// Bare base64 text: forwarded unchanged.
    Base64,
    /// Raw SPC bytes: sent as `spc=` + percent-encoded base64.
    Raw,
}

/// A FairPlay body that is printable ASCII but neither a form with `spc` nor base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the FairPlay body is text but neither an `spc=` form nor base64 (send the SPC bytes, their base64, or spc=<percent-encoded base64>)"
)]
pub struct NotAnSpc;

fn is_printable(body: &[u8]) -> bool {
    body.iter()
        .all(|&b| (0x20..0x7f).contains(&b) || matches!(b, b'\r' | b'\n' | b'\t'))
}

fn has_spc_field(body: &[u8]) -> bool {
    body.split(|&b| b == b'&')
        .any(|field| field.len() >= 4 && field[..4].eq_ignore_ascii_case(b"spc="))
}

/// Standard base64 text (line breaks and surrounding whitespace allowed, `=` only at the end).
fn is_base64_text(body: &[u8]) -> bool {
    let text = body.trim_ascii();
    let unpadded = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    !unpadded.is_empty()
        && unpadded
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'\r' | b'\n'))
}

/// The shape of a player's FairPlay body (see the module docs).
///
/// # Errors
/// [`NotAnSpc`] for printable text that is neither a form with `spc` nor base64.
pub fn spc_shape(body: &[u8]) -> Result<SpcShape, NotAnSpc> {
    if !is_printable(body) {
        Ok(SpcShape::Raw)
    } else if has_spc_field(body) {
        Ok(SpcShape::Form)
    } else if is_base64_text(body) {
        Ok(SpcShape::Base64)
    } else {
        Err(NotAnSpc)
    }
}

/// The form body for raw SPC bytes: `spc=` + standard base64, percent-encoded (`+` → `%2B`,
/// `/` → `%2F`, `=` → `%3D`).
pub fn spc_form(spc: &[u8]) -> Vec<u8> {
    let mut out = b"spc=".to_vec();
    out.extend_from_slice(encode_query_value(&STANDARD.encode(spc)).as_bytes());
    out
}

/// The upstream body for a player's FairPlay body, and the shape it had.
///
/// # Errors
/// [`NotAnSpc`] as for [`spc_shape`].
pub fn upstream_body(body: &[u8]) -> Result<(SpcShape, Vec<u8>), NotAnSpc> {
    let shape = spc_shape(body)?;
    let out = match shape {
        SpcShape::Form | SpcShape::Base64 => body.to_vec(),
        SpcShape::Raw => spc_form(body),
    };
    Ok((shape, out))
}

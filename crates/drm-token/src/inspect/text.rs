//! From the text given to the token JSON: bounded, base64-decoded (standard, or a form the
//! token takes on its way through URLs and copy-paste, reported as a problem), UTF-8.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use drm_policy::ServerCode;

use super::report::Problem;
use super::{InspectError, MAX_TOKEN_BYTES, problem, server};

/// The token JSON text of `token`.
pub(super) fn decode(token: &str, problems: &mut Vec<Problem>) -> Result<String, InspectError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(InspectError::Empty);
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(InspectError::TooLarge {
            len: token.len(),
            limit: MAX_TOKEN_BYTES,
        });
    }
    if let Ok(bytes) = STANDARD.decode(token) {
        return String::from_utf8(bytes).map_err(|_| InspectError::NotUtf8);
    }
    let (repaired, notes) = repair(token);
    let bytes = match STANDARD.decode(&repaired) {
        Ok(b) => b,
        Err(_) => {
            let b = other_base64(&repaired).ok_or(InspectError::NotBase64)?;
            problems.push(problem(
                server(ServerCode::TOKEN_INVALID),
                "$",
                "the token is base64url or unpadded base64; the license server expects standard base64 with '=' padding",
            ));
            b
        }
    };
    problems.extend(notes);
    String::from_utf8(bytes).map_err(|_| InspectError::NotUtf8)
}

fn other_base64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE
        .decode(text)
        .or_else(|_| URL_SAFE_NO_PAD.decode(text))
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .ok()
}

/// Undoes what URLs and copy-paste do to a token: percent-encoding (`%2B`, `%2F`, `%3D`), a `+`
/// turned into a space by URL decoding, line breaks. Each repair is reported. Linear in the text.
fn repair(token: &str) -> (String, Vec<Problem>) {
    let mut notes = Vec::new();
    let mut text = token.to_owned();
    if text.contains('%') {
        if let Some(decoded) = percent_decode(&text) {
            text = decoded;
            notes.push(problem(
                None,
                "$",
                "the token is percent-encoded, as in a URL query string (decoded here): the pallycon-customdata-v2 \
                 header carries the raw base64 token",
            ));
        }
    }
    if text.contains([' ', '\n', '\r', '\t']) {
        let had_space = text.contains(' ');
        text = text
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('+'),
                '\n' | '\r' | '\t' => None,
                c => Some(c),
            })
            .collect();
        let message = if had_space {
            "the token has spaces where base64 has '+' (a '+' decoded as a space in a URL, where the token was not \
             percent-encoded): read with '+' here; the license server cannot decode it"
        } else {
            "the token has line breaks inside (removed here); the license server expects one line of base64"
        };
        notes.push(problem(server(ServerCode::TOKEN_INVALID), "$", message));
    }
    (text, notes)
}

/// `%XX` sequences decoded; `None` when one is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("ab%2B%2Fc%3D").as_deref(), Some("ab+/c="));
        assert_eq!(percent_decode("ab%2"), None);
        assert_eq!(percent_decode("ab%zz"), None);
        assert_eq!(percent_decode("ab%+1"), None);
    }
}

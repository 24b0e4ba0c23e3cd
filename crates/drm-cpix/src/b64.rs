//! Base64 decoders: a strict one for the typed view (whitespace allowed, standard alphabet,
//! padding required) and one that mirrors Python's `base64.b64decode` for the official-client
//! JSON export.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Standard base64 with padding; ASCII whitespace anywhere is ignored.
pub(crate) fn decode_strict(text: &str) -> Option<Vec<u8>> {
    if text.bytes().any(|b| b.is_ascii_whitespace()) {
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        STANDARD.decode(compact).ok()
    } else {
        STANDARD.decode(text).ok()
    }
}

/// Standard base64 with padding.
pub(crate) fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// What CPython's non-strict `binascii.a2b_base64` does: characters outside the alphabet are
/// skipped, a completed padding sequence ends the input, missing padding is an error.
pub(crate) fn decode_python(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut quad_pos = 0u8;
    let mut left: u8 = 0;
    let mut pads = 0u8;
    for c in text.bytes() {
        if c == b'=' {
            pads += 1;
            if quad_pos >= 2 && quad_pos + pads >= 4 {
                return Some(out);
            }
            continue;
        }
        let Some(v) = sextet(c) else { continue };
        pads = 0;
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push((left << 6) | v);
                quad_pos = 0;
            }
        }
    }
    if quad_pos == 0 { Some(out) } else { None }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn python_semantics() {
        assert_eq!(decode_python("YQ==YQ==").unwrap(), b"a");
        assert_eq!(decode_python("Y Q = =").unwrap(), b"a");
        assert_eq!(decode_python("YQ===").unwrap(), b"a");
        assert_eq!(decode_python("a.b.c.d").unwrap(), b"i\xb7\x1d");
        assert_eq!(decode_python("").unwrap(), b"");
        assert!(decode_python("YQ").is_none());
        assert!(decode_python("YQ=").is_none());
        assert!(decode_python("I0VYVC1YLUtFWTpN...DA1").is_none());
    }

    #[test]
    fn strict_semantics() {
        assert_eq!(decode_strict(" YW Jj\n").unwrap(), b"abc");
        assert!(decode_strict("YQ").is_none());
        assert!(decode_strict("a.b.c.d").is_none());
    }
}

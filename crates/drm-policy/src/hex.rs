//! Hexadecimal text: key ids, content keys, IVs and the NCG CEK are written as hex in policies,
//! CPIX exports and PSSH reports. One encoder and one decoder for the workspace.
//!
//! ```
//! use drm_policy::hex::{self, HexCase};
//!
//! assert_eq!(hex::encode_lower(&[0x0a, 0xff]), "0aff");
//! assert_eq!(hex::encode_upper(&[0x0a, 0xff]), "0AFF");
//! assert_eq!(hex::decode("0aFF", HexCase::Any), Some(vec![0x0a, 0xff]));
//! assert_eq!(hex::decode("0aFF", HexCase::Lower), None);
//! assert_eq!(hex::decode_array::<2>("0aff", HexCase::Lower), Some([0x0a, 0xff]));
//! ```

const LOWER: &[u8; 16] = b"0123456789abcdef";
const UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Which letter cases [`decode`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HexCase {
    /// Only `0-9a-f` (DoveRunner's rule for key material in policies).
    Lower,
    /// `0-9a-f` and `A-F`.
    Any,
}

/// Appends the hex digits of `bytes` to `out` with the digit set `digits`.
fn push_with(out: &mut String, bytes: &[u8], digits: &[u8; 16]) {
    out.reserve(bytes.len() * 2);
    for chunk in bytes.chunks(32) {
        let mut buf = [0u8; 64];
        for (pair, &b) in buf.chunks_exact_mut(2).zip(chunk) {
            pair[0] = digits[usize::from(b >> 4)];
            pair[1] = digits[usize::from(b & 0x0f)];
        }
        // Hex digits are ASCII.
        out.push_str(std::str::from_utf8(&buf[..chunk.len() * 2]).unwrap_or_default());
    }
}

/// Appends the lower-case hex of `bytes` to `out`.
pub fn push_lower(out: &mut String, bytes: &[u8]) {
    push_with(out, bytes, LOWER);
}

/// Lower-case hex of `bytes`.
pub fn encode_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_lower(&mut out, bytes);
    out
}

/// Upper-case hex of `bytes`.
pub fn encode_upper(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_with(&mut out, bytes, UPPER);
    out
}

fn nibble(c: u8, case: HexCase) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' if case == HexCase::Any => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The byte of two hex digits (`high`, then `low`); `None` when either is not a digit of
/// `case`.
pub fn decode_pair(high: u8, low: u8, case: HexCase) -> Option<u8> {
    Some(nibble(high, case)? << 4 | nibble(low, case)?)
}

/// Decodes hex text into `out`, which must be exactly half as long as `text`; `None` on a
/// length mismatch or a digit outside `case` (`out` may then hold part of the value).
pub fn decode_to_slice(text: &str, case: HexCase, out: &mut [u8]) -> Option<()> {
    let bytes = text.as_bytes();
    if bytes.len() != out.len() * 2 {
        return None;
    }
    for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        *slot = decode_pair(pair[0], pair[1], case)?;
    }
    Some(())
}

/// Decodes hex text of exactly `2 * N` digits into `N` bytes, without a heap copy (for key
/// material).
pub fn decode_array<const N: usize>(text: &str, case: HexCase) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    decode_to_slice(text, case, &mut out).map(|()| out)
}

/// Decodes hex text; `None` on an odd length or a digit outside `case`.
pub fn decode(text: &str, case: HexCase) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let mut out = vec![0u8; text.len() / 2];
    decode_to_slice(text, case, &mut out).map(|()| out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rules_and_lengths() {
        assert_eq!(decode("0aFf", HexCase::Any), Some(vec![0x0a, 0xff]));
        assert_eq!(decode("0aFf", HexCase::Lower), None);
        assert_eq!(decode("0af", HexCase::Any), None);
        assert_eq!(decode("", HexCase::Any), Some(vec![]));
        assert_eq!(decode_array::<2>("0aff00", HexCase::Any), None);
        assert_eq!(decode_array::<1>("g0", HexCase::Any), None);
        assert_eq!(decode_pair(b'F', b'0', HexCase::Any), Some(0xf0));
        assert_eq!(decode_pair(b'F', b'0', HexCase::Lower), None);
        let long: Vec<u8> = (0..=255).collect();
        let text = encode_lower(&long);
        assert_eq!(decode(&text, HexCase::Lower), Some(long.clone()));
        assert_eq!(decode(&encode_upper(&long), HexCase::Any), Some(long));
        assert_eq!(text.len(), 512);
    }
}

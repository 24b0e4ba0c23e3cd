//! Cuts echoes of the KMS token out of error bodies: verbatim, JSON-escaped (`\/`, `\u002F`)
//! or percent-encoded (`%2F`, `%2f`, any mix of encoded and plain characters). Linear time: the
//! body is decoded once (remembering where each decoded byte came from) and searched with KMP.

use drm_policy::hex::{self, HexCase};

/// `text` with every echo of `token` replaced by `[redacted]`.
pub(super) fn redact_echoes(text: &str, token: &str) -> String {
    let needle = token.as_bytes();
    if needle.is_empty() {
        return text.to_owned();
    }
    let (decoded, origin) = decode(text.as_bytes());
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for start in find_all(&decoded, needle) {
        let (from, to) = (origin[start], origin[start + needle.len()]);
        if from < copied {
            continue; // overlaps the previous echo, already redacted
        }
        // Matches start and end at ASCII bytes or escapes, so both are char boundaries.
        out.push_str(&text[copied..from]);
        out.push_str("[redacted]");
        copied = to;
    }
    out.push_str(&text[copied..]);
    out
}

/// The body with `%XX`, `\/` and `\u00XX` decoded, and for each decoded byte (plus one past
/// the end) the offset in `bytes` where it starts.
fn decode(bytes: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut origin = Vec::with_capacity(bytes.len() + 1);
    let mut i = 0;
    while i < bytes.len() {
        origin.push(i);
        let (byte, len) = escape_at(&bytes[i..]).unwrap_or((bytes[i], 1));
        decoded.push(byte);
        i += len;
    }
    origin.push(bytes.len());
    (decoded, origin)
}

/// The byte an escape at the start of `rest` stands for, and the escape's length.
fn escape_at(rest: &[u8]) -> Option<(u8, usize)> {
    match rest {
        [b'%', h, l, ..] => Some((hex::decode_pair(*h, *l, HexCase::Any)?, 3)),
        [b'\\', b'/', ..] => Some((b'/', 2)),
        [b'\\', b'u', b'0', b'0', h, l, ..] => Some((hex::decode_pair(*h, *l, HexCase::Any)?, 6)),
        _ => None,
    }
}

/// Start offsets of the non-overlapping occurrences of `needle` in `hay` (Knuth–Morris–Pratt).
fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let mut fail = vec![0usize; needle.len()];
    let mut k = 0;
    for i in 1..needle.len() {
        while k > 0 && needle[i] != needle[k] {
            k = fail[k - 1];
        }
        if needle[i] == needle[k] {
            k += 1;
        }
        fail[i] = k;
    }
    let mut found = Vec::new();
    let mut k = 0;
    for (i, &b) in hay.iter().enumerate() {
        while k > 0 && b != needle[k] {
            k = fail[k - 1];
        }
        if b == needle[k] {
            k += 1;
        }
        if k == needle.len() {
            found.push(i + 1 - k);
            k = 0;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "c2VjcmV0/LXRva2Vu+/=";

    #[test]
    fn every_echo_form_is_redacted() {
        let forms = [
            TOKEN.to_owned(),
            TOKEN.replace('/', "\\/"),
            TOKEN.replace('/', "\\u002F"),
            TOKEN
                .replace('/', "%2F")
                .replace('+', "%2B")
                .replace('=', "%3D"),
            TOKEN.replace('/', "%2f").replace('+', "%2b"),
            TOKEN
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>(),
        ];
        for form in forms {
            let body = format!("{{\"message\":\"bad token {form} here\",\"é\":1}}");
            let out = redact_echoes(&body, TOKEN);
            assert!(!out.contains(&form), "{out}");
            assert!(out.contains("bad token [redacted] here"), "{out}");
            assert!(out.contains("\"é\":1"), "{out}");
        }
    }

    #[test]
    fn other_text_is_kept() {
        assert_eq!(redact_echoes("a%2Fb \\/ c", TOKEN), "a%2Fb \\/ c");
        assert_eq!(redact_echoes("aaab", "aab"), "a[redacted]");
        assert_eq!(redact_echoes("xx", ""), "xx");
        assert_eq!(redact_echoes("%", "%"), "[redacted]");
    }
}

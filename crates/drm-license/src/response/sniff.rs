//! Telling JSON from a license before anything else is done with a body.

/// `true` when the body's first byte after optional ASCII whitespace (space, tab, CR, LF) is
/// `{`. Only such a body is ever JSON-parsed: a binary license or certificate that merely
/// contains `"errorCode"` somewhere is never taken for an error (the Android SDK's substring
/// test can misfire that way).
pub fn starts_like_json_object(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .is_some_and(|&b| b == b'{')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_leading_brace_counts() {
        assert!(starts_like_json_object(b"{}"));
        assert!(starts_like_json_object(b" \r\n\t{\"errorCode\":\"7011\"}"));
        assert!(!starts_like_json_object(
            b"\x08\x02{\"errorCode\":\"7011\"}"
        ));
        assert!(!starts_like_json_object(b""));
        assert!(!starts_like_json_object(b"   "));
        assert!(!starts_like_json_object(b"[{}]"));
        assert!(!starts_like_json_object(b"\xef\xbb\xbf{}"));
    }
}

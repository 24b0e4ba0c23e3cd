//! The two JSON text styles that DoveRunner's official samples produce.
//!
//! The policy JSON is encrypted and hashed, so its exact bytes decide the token bytes:
//!
//! - [`JsonStyle::Compact`] — `,` and `:` separators, non-ASCII written as raw UTF-8: what the
//!   Java sample (Jackson) and the server-side docs produce. The default.
//! - [`JsonStyle::Python`] — `", "` and `": "` separators, every non-ASCII character escaped as
//!   `\uXXXX` (lower-case hex, surrogate pairs above U+FFFF), `/` not escaped: what the Python
//!   sample's `json.dumps` produces, so its tokens can be matched byte for byte.
//!
//! Both carry the same data; the server parses either.

use std::fmt::Write as _;

/// A JSON text style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum JsonStyle {
    /// Compact separators, raw UTF-8 (Java sample, docs). The default.
    #[default]
    Compact,
    /// `", "`/`": "` separators, `\uXXXX` escaping (Python sample).
    Python,
}

impl JsonStyle {
    /// The separator between object members or array items.
    pub const fn item_separator(self) -> &'static str {
        match self {
            JsonStyle::Compact => ",",
            JsonStyle::Python => ", ",
        }
    }

    /// The separator between a key and its value.
    pub const fn key_separator(self) -> &'static str {
        match self {
            JsonStyle::Compact => ":",
            JsonStyle::Python => ": ",
        }
    }

    /// The style's name: `compact` or `python`.
    pub const fn as_str(self) -> &'static str {
        match self {
            JsonStyle::Compact => "compact",
            JsonStyle::Python => "python",
        }
    }
}

impl std::str::FromStr for JsonStyle {
    type Err = crate::ids::UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "compact" => Ok(JsonStyle::Compact),
            "python" => Ok(JsonStyle::Python),
            other => Err(crate::ids::UnknownValue::new(
                "JsonStyle (compact|python)",
                other,
            )),
        }
    }
}

/// Appends `text` as a JSON string literal (with quotes) in `style`.
///
/// Both styles escape `"`, `\\` and control characters (`\n`, `\r`, `\t`, `\b`, `\f`, else
/// `\u00XX`) and never escape `/`. [`JsonStyle::Python`] also escapes DEL and every non-ASCII
/// character as `\uXXXX` (lower-case hex; UTF-16 surrogate pairs above U+FFFF), exactly as
/// Python's `json.dumps` with `ensure_ascii=True`.
pub fn write_string(out: &mut String, text: &str, style: JsonStyle) {
    let table = match style {
        JsonStyle::Compact => &ESCAPE_COMPACT,
        JsonStyle::Python => &ESCAPE_PYTHON,
    };
    out.push('"');
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(offset) = bytes[start..].iter().position(|&b| table[usize::from(b)]) {
        let i = start + offset;
        out.push_str(&text[start..i]);
        let b = bytes[i];
        if b >= 0x80 {
            // Python style: one whole character, as UTF-16 code units.
            let c = text[i..].chars().next().unwrap_or('\u{fffd}');
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{:04x}", unit);
            }
            start = i + c.len_utf8();
        } else {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                _ => {
                    let _ = write!(out, "\\u{:04x}", b);
                }
            }
            start = i + 1;
        }
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// Which bytes start an escape: `"`, `\\`, control characters; in Python style also DEL and
/// every byte of a non-ASCII character.
const fn escape_table(python: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = i < 0x20 || i == b'"' as usize || i == b'\\' as usize || (python && i >= 0x7f);
        i += 1;
    }
    table
}

static ESCAPE_COMPACT: [bool; 256] = escape_table(false);
static ESCAPE_PYTHON: [bool; 256] = escape_table(true);

/// Writes one JSON object member by member, in the order the caller gives.
#[derive(Debug)]
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    style: JsonStyle,
    empty: bool,
    /// Keys are literals of this crate that need no escaping: skip the check.
    trusted_keys: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens an object (`{`) at the end of `out`.
    pub fn begin(out: &'a mut String, style: JsonStyle) -> Self {
        out.push('{');
        Self {
            out,
            style,
            empty: true,
            trusted_keys: false,
        }
    }

    /// Opens an object whose keys are all plain ASCII literals (`[A-Za-z0-9_]`), written
    /// without escaping checks.
    pub(crate) fn begin_trusted(out: &'a mut String, style: JsonStyle) -> Self {
        let mut o = Self::begin(out, style);
        o.trusted_keys = true;
        o
    }

    /// Writes the key of the next member and returns the buffer for its value.
    pub fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push_str(self.style.item_separator());
        }
        self.empty = false;
        if self.trusted_keys || key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            // Plain keys (all of the policy's) need no escaping in either style.
            self.out.push('"');
            self.out.push_str(key);
            self.out.push_str(match self.style {
                JsonStyle::Compact => "\":",
                JsonStyle::Python => "\": ",
            });
        } else {
            write_string(self.out, key, self.style);
            self.out.push_str(self.style.key_separator());
        }
        self.out
    }

    /// A string member.
    pub fn string(&mut self, key: &str, value: &str) {
        let style = self.style;
        let out = self.key(key);
        write_string(out, value, style);
    }

    /// A boolean member.
    pub fn bool(&mut self, key: &str, value: bool) {
        self.key(key).push_str(if value { "true" } else { "false" });
    }

    /// An integer member.
    pub fn int(&mut self, key: &str, value: i64) {
        push_int(self.key(key), value);
    }

    /// A string member holding `bytes` as lower-case hex (no escaping needed).
    pub fn hex(&mut self, key: &str, bytes: &[u8]) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let out = self.key(key);
        out.reserve(bytes.len() * 2 + 2);
        out.push('"');
        for chunk in bytes.chunks(32) {
            let mut buf = [0u8; 64];
            for (pair, &b) in buf.chunks_exact_mut(2).zip(chunk) {
                pair[0] = DIGITS[usize::from(b >> 4)];
                pair[1] = DIGITS[usize::from(b & 0x0f)];
            }
            // Hex digits are ASCII.
            out.push_str(std::str::from_utf8(&buf[..chunk.len() * 2]).unwrap_or_default());
        }
        out.push('"');
    }

    /// The style in use.
    pub fn style(&self) -> JsonStyle {
        self.style
    }

    /// Closes the object (`}`).
    pub fn end(self) {
        self.out.push('}');
    }
}

/// Appends the decimal digits of `value` (no `fmt` machinery).
pub(crate) fn push_int(out: &mut String, value: i64) {
    let mut buf = [0u8; 20];
    let mut n = value.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        out.push('-');
    }
    // Decimal digits are ASCII.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str, style: JsonStyle) -> String {
        let mut out = String::new();
        write_string(&mut out, text, style);
        out
    }

    #[test]
    fn python_style_escapes_like_json_dumps() {
        assert_eq!(
            lit("사용자-é", JsonStyle::Python),
            r#""\uc0ac\uc6a9\uc790-\u00e9""#
        );
        assert_eq!(lit("😀", JsonStyle::Python), r#""\ud83d\ude00""#);
        assert_eq!(
            lit("movies/big buck bunny", JsonStyle::Python),
            r#""movies/big buck bunny""#
        );
        assert_eq!(
            lit("a\"b\\c\n\u{1}\u{7f}", JsonStyle::Python),
            "\"a\\\"b\\\\c\\n\\u0001\\u007f\""
        );
        // Escapes before and after non-ASCII text (json.dumps output).
        assert_eq!(
            lit("a\"b\\c\n\u{1}\u{7f}\u{8}\u{c}\t\r/é😀", JsonStyle::Python),
            r#""a\"b\\c\n\u0001\u007f\b\f\t\r/\u00e9\ud83d\ude00""#
        );
        assert_eq!(lit("¡\\", JsonStyle::Python), r#""\u00a1\\""#);
        assert_eq!(lit("¡\\\u{7f}", JsonStyle::Compact), "\"¡\\\\\u{7f}\"");
    }

    #[test]
    fn integers() {
        for v in [0, 7, -1, 10, 2_147_483_647, i64::MIN, i64::MAX, -150] {
            let mut out = String::new();
            push_int(&mut out, v);
            assert_eq!(out, v.to_string());
        }
    }

    #[test]
    fn compact_style_keeps_utf8() {
        assert_eq!(lit("사용자-é", JsonStyle::Compact), "\"사용자-é\"");
        assert_eq!(lit("tab\there", JsonStyle::Compact), r#""tab\there""#);
    }

    #[test]
    fn object_separators() {
        for (style, expected) in [
            (JsonStyle::Compact, r#"{"a":1,"b":true,"c":"x"}"#),
            (JsonStyle::Python, r#"{"a": 1, "b": true, "c": "x"}"#),
        ] {
            let mut out = String::new();
            let mut o = ObjectWriter::begin(&mut out, style);
            o.int("a", 1);
            o.bool("b", true);
            o.string("c", "x");
            o.end();
            assert_eq!(out, expected);
        }
    }
}

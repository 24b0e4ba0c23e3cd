//! JSON string literals in the two styles of the official samples (see [`JsonStyle`]): the
//! escaping every JSON text of the workspace is written with.

use std::fmt::Write as _;

use crate::json_style::JsonStyle;

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
    fn compact_style_keeps_utf8() {
        assert_eq!(lit("사용자-é", JsonStyle::Compact), "\"사용자-é\"");
        assert_eq!(lit("tab\there", JsonStyle::Compact), r#""tab\there""#);
    }
}

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

pub use crate::json_string::write_string;

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

    /// Writes the key of the next member from its two prewritten forms with their separator
    /// (`,"key":` for [`JsonStyle::Compact`], `, "key": ` for [`JsonStyle::Python`]; the
    /// separator is skipped for the first member) and returns the buffer for its value: one copy
    /// per member on the hot path.
    pub(crate) fn key_prewritten(&mut self, compact: &str, python: &str) -> &mut String {
        let (text, separator) = match self.style {
            JsonStyle::Compact => (compact, 1),
            JsonStyle::Python => (python, 2),
        };
        let text = if self.empty {
            text.get(separator..).unwrap_or(text)
        } else {
            text
        };
        self.empty = false;
        self.out.push_str(text);
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
        let out = self.key(key);
        out.push('"');
        crate::hex::push_lower(out, bytes);
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

    #[test]
    fn integers() {
        for v in [0, 7, -1, 10, 2_147_483_647, i64::MIN, i64::MAX, -150] {
            let mut out = String::new();
            push_int(&mut out, v);
            assert_eq!(out, v.to_string());
        }
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

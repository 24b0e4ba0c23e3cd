//! A flat JSON object that keeps every value exactly as it was received.
//!
//! Signatures are computed over the *text* of values, so a number must keep its lexical form
//! (`30` and `30.0` sign differently) and nothing may be normalised on the way in or out. The
//! protocol bodies are flat objects; nested objects and arrays (only ever seen in unsigned extra
//! keys) are kept verbatim so a body can be passed on untouched.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::JsonError;

/// Default upper bound for a body handed to [`JsonObject::from_slice`]: 64 KiB. Real requests
/// are well under 4 KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON number kept as its exact source text (`30`, `30.0`, `1e7`, `-0`…).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number(String);

impl Number {
    /// The number's text, exactly as received or built.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the literal is an integer literal (only `-` and digits: no fraction, no exponent).
    pub fn is_integral_literal(&self) -> bool {
        self.0.bytes().all(|b| b == b'-' || b.is_ascii_digit())
    }

    /// The value as an IEEE double (what a JavaScript, Swift or JVM client would hold).
    /// Out-of-range literals become infinities, as they would on those platforms.
    pub fn to_f64(&self) -> f64 {
        // The text is a validated JSON number, which Rust's parser accepts.
        self.0.parse::<f64>().unwrap_or(f64::NAN)
    }

    /// The value as an `i64` when the literal is an integer literal that fits.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integral_literal() {
            self.0.parse().ok()
        } else {
            None
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.0)
    }
}

impl FromStr for Number {
    type Err = JsonError;

    /// Accepts exactly the JSON number grammar (RFC 8259 §6).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if is_json_number(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(JsonError::InvalidNumber {
                text: s.chars().take(40).collect(),
            })
        }
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Self {
                Self(v.to_string())
            }
        }
    )*};
}
number_from_int!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

/// One value of a protocol body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value {
    /// JSON `null`.
    Null,
    /// JSON `true` / `false`.
    Bool(bool),
    /// A number, with its exact text.
    Number(Number),
    /// A string (unescaped).
    String(String),
    /// An object or array, kept as its verbatim JSON text. Never part of a signature.
    Nested(String),
}

impl Value {
    /// The string, when the value is a JSON string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that platforms treat alike: a string as is, a number as its literal.
    /// `None` for `null`, booleans and nested values.
    pub fn as_scalar_text(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.as_str()),
            _ => None,
        }
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// A short name of the JSON type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Nested(t) if t.starts_with('[') => "array",
            Value::Nested(_) => "object",
        }
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(true) => out.push_str("true"),
            Value::Bool(false) => out.push_str("false"),
            Value::Number(n) => out.push_str(n.as_str()),
            Value::String(s) => write_json_string(s, out),
            Value::Nested(raw) => out.push_str(raw),
        }
    }

    fn from_raw(raw: &RawValue) -> Result<Self, JsonError> {
        let text = raw.get();
        Ok(match text.as_bytes().first() {
            Some(b'"') => Value::String(string_literal(text)?),
            Some(b't') => Value::Bool(true),
            Some(b'f') => Value::Bool(false),
            Some(b'n') => Value::Null,
            Some(b'{' | b'[') => Value::Nested(text.to_owned()),
            _ => Value::Number(text.parse()?),
        })
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<Number> for Value {
    fn from(v: Number) -> Self {
        Value::Number(v)
    }
}

macro_rules! value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::Number(Number::from(v))
            }
        }
    )*};
}
value_from_int!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

/// Writes `s` as a JSON string literal, escaped by `serde_json` itself (`"`, `\\`, control
/// characters; `/` and non-ASCII text kept).
fn write_json_string(s: &str, out: &mut String) {
    // The bytes serde_json escapes: `"`, `\\` and the C0 controls. Text without them (every
    // key and nearly every value) is written as is.
    // A fold without early exit: the compiler checks many bytes per instruction.
    let needs_escape = s.bytes().fold(false, |acc, b| {
        acc | (b == b'"') | (b == b'\\') | (b < 0x20)
    });
    if !needs_escape {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else if let Ok(literal) = serde_json::to_string(s) {
        // Serializing a `&str` into a string cannot fail.
        out.push_str(&literal);
    }
}

/// The text of a JSON string literal that serde_json has already validated (quotes, escapes,
/// no raw control character). Without a backslash it is the text between the quotes.
fn string_literal(literal: &str) -> Result<String, JsonError> {
    match literal.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) if !inner.contains('\\') => Ok(inner.to_owned()),
        _ => serde_json::from_str(literal).map_err(|e| JsonError::Syntax {
            line: e.line(),
            column: e.column(),
        }),
    }
}

/// A flat JSON object: keys in their received order, values verbatim, no duplicate keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonObject {
    entries: Vec<(String, Value)>,
}

impl JsonObject {
    /// An empty object.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses a body of at most [`DEFAULT_MAX_BODY_BYTES`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, JsonError> {
        Self::from_slice_limited(bytes, DEFAULT_MAX_BODY_BYTES)
    }

    /// Parses a body of at most `max_bytes`. The top level must be an object; duplicate keys are
    /// refused (two parsers could otherwise disagree on which value was signed).
    pub fn from_slice_limited(bytes: &[u8], max_bytes: usize) -> Result<Self, JsonError> {
        if bytes.len() > max_bytes {
            return Err(JsonError::TooLarge {
                size: bytes.len(),
                limit: max_bytes,
            });
        }
        // A UTF-8 byte order mark is tolerated (some HTTP stacks add one).
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err(JsonError::NotAnObject);
        }
        let raw: RawEntries<'_> = serde_json::from_slice(bytes).map_err(map_serde_error)?;
        if let Some(key) = first_duplicate(&raw.0) {
            return Err(JsonError::DuplicateKey {
                key: key.chars().take(64).collect(),
            });
        }
        let entries = raw
            .0
            .into_iter()
            .map(|(key, value)| Ok((key, Value::from_raw(value)?)))
            .collect::<Result<_, JsonError>>()?;
        Ok(Self { entries })
    }

    /// Parses a string body of at most [`DEFAULT_MAX_BODY_BYTES`].
    pub fn parse_str(text: &str) -> Result<Self, JsonError> {
        Self::from_slice(text.as_bytes())
    }

    /// The value of `key` (keys are case-sensitive).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is present (with any value, `null` included).
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`: replaces the value in place when present, appends otherwise.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let pos = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(pos).1)
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the object has no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Compact JSON text. Numbers are written with their exact literal, so the text carries
    /// the same values the signature was computed over.
    pub fn to_json_string(&self) -> String {
        let mut out = String::with_capacity(64 + self.entries.len() * 32);
        out.push('{');
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_json_string(k, &mut out);
            out.push(':');
            v.write_json(&mut out);
        }
        out.push('}');
        out
    }
}

impl FromIterator<(String, Value)> for JsonObject {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut obj = JsonObject::new();
        for (k, v) in iter {
            obj.insert(k, v);
        }
        obj
    }
}

/// Objects up to this many keys are checked for duplicates pairwise (no allocation); larger
/// ones, through a hash set, so the check stays linear in the body's size.
const PAIRWISE_DUPLICATE_CHECK: usize = 24;

/// The first key that appears twice, if any.
fn first_duplicate<V>(entries: &[(String, V)]) -> Option<&str> {
    if entries.len() <= PAIRWISE_DUPLICATE_CHECK {
        return entries.iter().enumerate().find_map(|(i, (key, _))| {
            entries[..i]
                .iter()
                .any(|(earlier, _)| earlier == key)
                .then_some(key.as_str())
        });
    }
    let mut seen = HashSet::with_capacity(entries.len());
    entries
        .iter()
        .map(|(key, _)| key.as_str())
        .find(|key| !seen.insert(*key))
}

fn map_serde_error(e: serde_json::Error) -> JsonError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => JsonError::Truncated,
        _ => JsonError::Syntax {
            line: e.line(),
            column: e.column(),
        },
    }
}

/// The entries of a JSON object with values left as raw text.
struct RawEntries<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for RawEntries<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = RawEntries<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(16).min(64));
                while let Some(key) = map.next_key::<String>()? {
                    let value: &'de RawValue = map.next_value()?;
                    entries.push((key, value));
                }
                Ok(RawEntries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_number_text() {
        let o =
            JsonObject::parse_str(r#"{"a":30.0,"b":1e7,"c":-0,"d":"x\"y","e":[1, 2],"f":null}"#)
                .unwrap();
        assert_eq!(o.get("a"), Some(&Value::Number(Number("30.0".into()))));
        assert_eq!(o.get("b").and_then(Value::as_scalar_text), Some("1e7"));
        assert_eq!(o.get("d").and_then(Value::as_str), Some("x\"y"));
        assert_eq!(
            o.to_json_string(),
            r#"{"a":30.0,"b":1e7,"c":-0,"d":"x\"y","e":[1, 2],"f":null}"#
        );
    }

    #[test]
    fn refuses_duplicates_and_non_objects() {
        assert!(matches!(
            JsonObject::parse_str(r#"{"a":1,"a":2}"#),
            Err(JsonError::DuplicateKey { .. })
        ));
        assert!(matches!(
            JsonObject::parse_str("[1]"),
            Err(JsonError::NotAnObject)
        ));
        assert!(matches!(
            JsonObject::parse_str(r#"{"a":"#),
            Err(JsonError::Truncated)
        ));
        assert!(JsonObject::parse_str(r#"{"a":1} x"#).is_err());
    }

    #[test]
    fn duplicates_found_pairwise_and_through_the_hash_set() {
        let small = r#"{"a":1,"b":2,"c":3,"b":4}"#;
        assert!(
            matches!(JsonObject::parse_str(small), Err(JsonError::DuplicateKey { key }) if key == "b")
        );
        let mut big: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        assert!(JsonObject::parse_str(&format!("{{{}}}", big.join(","))).is_ok());
        big.push("\"k7\":0".into());
        assert!(matches!(
            JsonObject::parse_str(&format!("{{{}}}", big.join(","))),
            Err(JsonError::DuplicateKey { key }) if key == "k7"
        ));
    }

    #[test]
    fn strings_read_and_written_like_serde_json() {
        for text in [
            "",
            "plain",
            "a\"b",
            "back\\slash",
            "tab\there",
            "nul\u{0}",
            "é/ü\u{7f}",
            "\u{1f600}",
        ] {
            let mut ours = String::new();
            write_json_string(text, &mut ours);
            assert_eq!(ours, serde_json::to_string(text).unwrap(), "{text:?}");
            assert_eq!(string_literal(&ours).unwrap(), text, "{ours}");
        }
        assert_eq!(string_literal(r#""\u00e9\/""#).unwrap(), "é/");
    }

    #[test]
    fn number_grammar() {
        for ok in ["0", "-0", "1", "30.0", "1e7", "1E+7", "-1.5e-3"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "NaN", "1 "] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }
}

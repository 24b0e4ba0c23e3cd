//! A JSON value for reading policies: strings borrowed from the text where they have no
//! escapes, objects as member lists. Reading a policy into it allocates a few vectors instead of
//! a `serde_json::Value` tree of owned keys and map nodes (the batch minter reads one policy per
//! line). Lookups follow `serde_json::Map`: the last of duplicate members wins, and members are
//! listed in key order.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON number as the reader needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Number {
    /// Fits an `i64`.
    Int(i64),
    /// A positive integer above `i64::MAX`.
    Big(u64),
    /// Has a fraction or exponent.
    Float(f64),
}

impl Number {
    pub(crate) fn is_i64(&self) -> bool {
        matches!(self, Number::Int(_))
    }

    pub(crate) fn is_u64(&self) -> bool {
        matches!(self, Number::Big(_))
    }

    pub(crate) fn is_f64(&self) -> bool {
        matches!(self, Number::Float(_))
    }

    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(n) => Some(*n),
            _ => None,
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(n) => write!(f, "{n}"),
            Number::Big(n) => write!(f, "{n}"),
            Number::Float(n) => write!(f, "{n:?}"),
        }
    }
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

impl fmt::Display for Value<'_> {
    /// Short JSON-like text for messages (containers are not spelled out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{:?}", crate::validate::clip(s)),
            Value::Array(_) => f.write_str("an array"),
            Value::Object(_) => f.write_str("an object"),
        }
    }
}

/// A JSON object's members, in document order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Map<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

impl<'a> Map<'a> {
    /// The value of `key` (the last one, when it is repeated).
    pub(crate) fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every distinct key, in key order (as `serde_json::Map` lists them).
    pub(crate) fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.0.iter().map(|(k, _)| k.as_ref()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Whether some key is not in `allowed` (no allocation).
    pub(crate) fn has_key_outside(&self, allowed: &[&str]) -> bool {
        self.0.iter().any(|(k, _)| !allowed.contains(&k.as_ref()))
    }
}

impl<'a> Value<'a> {
    /// Parses JSON text (strings without escapes are borrowed from it).
    pub(crate) fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// A view of an already parsed `serde_json::Value`.
    pub(crate) fn from_serde(value: &'a serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(if let Some(i) = n.as_i64() {
                Number::Int(i)
            } else if let Some(u) = n.as_u64() {
                Number::Big(u)
            } else {
                Number::Float(n.as_f64().unwrap_or(f64::NAN))
            }),
            serde_json::Value::String(s) => Value::String(Cow::Borrowed(s)),
            serde_json::Value::Array(items) => {
                Value::Array(items.iter().map(Value::from_serde).collect())
            }
            serde_json::Value::Object(map) => Value::Object(Map(map
                .iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Value::from_serde(v)))
                .collect())),
        }
    }
}

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value<'de>, E> {
        Ok(Value::Number(Number::Int(n)))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value<'de>, E> {
        Ok(Value::Number(
            i64::try_from(n).map_or(Number::Big(n), Number::Int),
        ))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value<'de>, E> {
        Ok(Value::Number(Number::Float(n)))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(s)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<Value<'de>>()? {
            let Value::String(key) = key else {
                return Err(de::Error::custom("object keys are strings"));
            };
            members.push((key, map.next_value()?));
        }
        Ok(Value::Object(Map(members)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_serde_json() {
        let text =
            r#"{"b": [1, -2, 18446744073709551615, 1.5, "x\u0041", null, true], "a": {}, "b": 3}"#;
        let v = Value::parse(text).unwrap();
        let serde: serde_json::Value = serde_json::from_str(text).unwrap();
        let Value::Object(from_serde) = Value::from_serde(&serde) else {
            panic!()
        };
        assert_eq!(from_serde.get("b"), Some(&Value::Number(Number::Int(3))));
        let Value::Object(map) = v else { panic!() };
        assert_eq!(map.keys(), ["a", "b"]);
        assert_eq!(map.get("b"), Some(&Value::Number(Number::Int(3))));
        assert!(map.has_key_outside(&["a"]));
        assert!(!map.has_key_outside(&["a", "b"]));
        let Value::Object(m) = Value::parse(r#"{"k": [18446744073709551615, 1.5, "xA"]}"#).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            m.get("k"),
            Some(&Value::Array(vec![
                Value::Number(Number::Big(u64::MAX)),
                Value::Number(Number::Float(1.5)),
                Value::String("xA".into()),
            ]))
        );
    }
}

//! Tolerant readers for response fields whose JSON type drifted between API revisions
//! (spec §5): numbers sent as numeric strings, booleans as `"Y"`/`"N"`, an object wrapped in a
//! one-element array.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An integer from a JSON number (integral) or a string holding one.
pub(crate) fn int_from_value(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A boolean from `true`/`false`, `"true"`/`"false"`, `"Y"`/`"N"` or `1`/`0`.
pub(crate) fn bool_from_value(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "y" | "yes" | "1" => Some(true),
            "false" | "n" | "no" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `Option<i64>`: absent or `null` is `None`; otherwise an integer or numeric string.
pub(crate) fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(v) => int_from_value(&v)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected an integer, found {}", kind(&v)))),
    }
}

/// A required `i64` (integer or numeric string).
pub(crate) fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let v = Value::deserialize(d)?;
    int_from_value(&v)
        .ok_or_else(|| D::Error::custom(format!("expected an integer, found {}", kind(&v))))
}

/// `Option<bool>` accepting the spellings of [`bool_from_value`].
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(v) => bool_from_value(&v)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a boolean, found {}", kind(&v)))),
    }
}

/// `Option<String>` accepting numbers too (rendered in decimal).
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(v) => Err(D::Error::custom(format!(
            "expected a string, found {}",
            kind(&v)
        ))),
    }
}

/// `Option<T>` from an object or from an array whose first element is the object (older docs
/// typed `drmPolicyConfig` as `Object[Array]`). An empty array is `None`.
pub(crate) fn opt_one_or_first<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => match items.into_iter().next() {
            None => return Ok(None),
            Some(first) => first,
        },
        Some(v) => v,
    };
    T::deserialize(value).map(Some).map_err(D::Error::custom)
}

/// A short name of a JSON value's type for error messages (never the value itself).
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a non-integral number",
        Value::String(_) => "a non-numeric string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers() {
        assert_eq!(int_from_value(&json!(150)), Some(150));
        assert_eq!(int_from_value(&json!("150")), Some(150));
        assert_eq!(int_from_value(&json!(" -1 ")), Some(-1));
        assert_eq!(int_from_value(&json!(2.0)), Some(2));
        assert_eq!(int_from_value(&json!(2.5)), None);
        assert_eq!(int_from_value(&json!("x")), None);
    }

    #[test]
    fn booleans() {
        assert_eq!(bool_from_value(&json!("Y")), Some(true));
        assert_eq!(bool_from_value(&json!("n")), Some(false));
        assert_eq!(bool_from_value(&json!(1)), Some(true));
        assert_eq!(bool_from_value(&json!(2)), None);
    }
}

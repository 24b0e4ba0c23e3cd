//! Timestamps in responses: epoch milliseconds as documented, tolerated as numeric strings or
//! kept as text when the server sends a date string.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::lenient::int_from_value;

/// A timestamp field of a response.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiTime {
    /// Milliseconds since the Unix epoch (the documented form).
    Millis(i64),
    /// Any other text, kept as received (e.g. an ISO 8601 date).
    Text(String),
}

impl ApiTime {
    /// The epoch milliseconds, when the server sent a number.
    pub fn millis(&self) -> Option<i64> {
        match self {
            Self::Millis(ms) => Some(*ms),
            Self::Text(_) => None,
        }
    }
}

impl Serialize for ApiTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Millis(ms) => s.serialize_i64(*ms),
            Self::Text(text) => s.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for ApiTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let value = Value::deserialize(d)?;
        if let Some(ms) = int_from_value(&value) {
            return Ok(Self::Millis(ms));
        }
        match value {
            Value::String(text) => Ok(Self::Text(text)),
            other => Err(D::Error::custom(format!(
                "expected a timestamp, found {}",
                super::lenient::kind(&other)
            ))),
        }
    }
}

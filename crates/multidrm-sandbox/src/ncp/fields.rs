//! Strict readers of JSON request fields that name the offending field in their errors.

use serde_json::{Map, Value};

use super::errors::ServiceError;

/// A JSON object being read, with the dotted path of where it sits in the body.
pub(crate) struct Fields<'a> {
    object: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Fields<'a> {
    /// Reads `value` as an object (the body root when `path` is empty).
    pub(crate) fn of(value: &'a Value, path: &str) -> Result<Self, ServiceError> {
        match value {
            Value::Object(object) => Ok(Self {
                object,
                prefix: path.to_owned(),
            }),
            _ => Err(ServiceError::invalid(
                if path.is_empty() { "body" } else { path },
                "must be a JSON object",
            )),
        }
    }

    /// The dotted path of a field of this object.
    pub(crate) fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    /// The raw value of a field; `null` counts as absent.
    pub(crate) fn get(&self, name: &str) -> Option<&'a Value> {
        self.object.get(name).filter(|value| !value.is_null())
    }

    /// A required nested object.
    pub(crate) fn object(&self, name: &str) -> Result<Fields<'a>, ServiceError> {
        let path = self.path(name);
        match self.get(name) {
            Some(value) => Fields::of(value, &path),
            None => Err(ServiceError::invalid(&path, "is required")),
        }
    }

    /// An optional nested object.
    pub(crate) fn optional_object(&self, name: &str) -> Result<Option<Fields<'a>>, ServiceError> {
        let path = self.path(name);
        self.get(name)
            .map(|value| Fields::of(value, &path))
            .transpose()
    }

    /// A required boolean.
    pub(crate) fn bool(&self, name: &str) -> Result<bool, ServiceError> {
        self.optional_bool(name)?
            .ok_or_else(|| ServiceError::invalid(&self.path(name), "is required"))
    }

    /// An optional boolean.
    pub(crate) fn optional_bool(&self, name: &str) -> Result<Option<bool>, ServiceError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(ServiceError::invalid(
                &self.path(name),
                "must be a boolean (true or false)",
            )),
        }
    }

    /// A required integer within `min..=max`.
    pub(crate) fn int_in(&self, name: &str, min: i64, max: i64) -> Result<i64, ServiceError> {
        self.optional_int_in(name, min, max)?
            .ok_or_else(|| ServiceError::invalid(&self.path(name), "is required"))
    }

    /// An optional integer within `min..=max`.
    pub(crate) fn optional_int_in(
        &self,
        name: &str,
        min: i64,
        max: i64,
    ) -> Result<Option<i64>, ServiceError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        match value.as_i64() {
            Some(number) if (min..=max).contains(&number) => Ok(Some(number)),
            Some(_) => Err(ServiceError::invalid(
                &self.path(name),
                &format!("must be between {min} and {max}"),
            )),
            None => Err(ServiceError::invalid(
                &self.path(name),
                "must be an integer",
            )),
        }
    }

    /// An optional integer that must be one of `allowed`.
    pub(crate) fn optional_int_of(
        &self,
        name: &str,
        allowed: &[i64],
    ) -> Result<Option<i64>, ServiceError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        match value.as_i64() {
            Some(number) if allowed.contains(&number) => Ok(Some(number)),
            Some(_) => Err(ServiceError::invalid(
                &self.path(name),
                &format!("must be one of {}", join(allowed.iter())),
            )),
            None => Err(ServiceError::invalid(
                &self.path(name),
                "must be an integer",
            )),
        }
    }

    /// A required string.
    pub(crate) fn string(&self, name: &str) -> Result<&'a str, ServiceError> {
        self.optional_string(name)?
            .ok_or_else(|| ServiceError::invalid(&self.path(name), "is required"))
    }

    /// An optional string.
    pub(crate) fn optional_string(&self, name: &str) -> Result<Option<&'a str>, ServiceError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(ServiceError::invalid(&self.path(name), "must be a string")),
        }
    }

    /// An optional string that must be one of `allowed`.
    pub(crate) fn optional_string_of(
        &self,
        name: &str,
        allowed: &[&'static str],
    ) -> Result<Option<&'static str>, ServiceError> {
        let Some(text) = self.optional_string(name)? else {
            return Ok(None);
        };
        allowed
            .iter()
            .find(|candidate| **candidate == text)
            .copied()
            .map(Some)
            .ok_or_else(|| {
                ServiceError::invalid(
                    &self.path(name),
                    &format!("must be one of {}", join(allowed.iter())),
                )
            })
    }
}

fn join<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
    items
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nested_paths_name_the_field() {
        let body = json!({"a": {"b": "x"}});
        let root = Fields::of(&body, "").expect("object");
        let inner = root.object("a").expect("nested");
        let err = inner.bool("b").expect_err("not a bool");
        assert_eq!(err.message, "a.b: must be a boolean (true or false)");
        let missing = inner.int_in("c", 0, 1).expect_err("missing");
        assert_eq!(missing.message, "a.c: is required");
    }

    #[test]
    fn null_counts_as_absent() {
        let body = json!({"n": null});
        let root = Fields::of(&body, "").expect("object");
        assert_eq!(root.optional_int_in("n", 0, 5).expect("ok"), None);
    }

    #[test]
    fn integer_ranges_and_sets() {
        let body = json!({"i": 7, "f": 1.5, "s": "1"});
        let root = Fields::of(&body, "").expect("object");
        assert!(root.int_in("i", 0, 5).is_err());
        assert_eq!(root.int_in("i", 0, 7).expect("in range"), 7);
        assert!(root.int_in("f", 0, 5).is_err());
        assert!(
            root.int_in("s", 0, 5).is_err(),
            "numeric strings are refused"
        );
        assert!(root.optional_int_of("i", &[1, 2]).is_err());
    }

    #[test]
    fn string_sets() {
        let body = json!({"e": "B"});
        let root = Fields::of(&body, "").expect("object");
        assert_eq!(
            root.optional_string_of("e", &["A", "B"]).expect("ok"),
            Some("B")
        );
        let err = root
            .optional_string_of("e", &["A"])
            .expect_err("not allowed");
        assert_eq!(err.message, "e: must be one of A");
    }

    #[test]
    fn non_object_root() {
        let body = json!([1]);
        let err = Fields::of(&body, "").err().expect("array root");
        assert_eq!(err.message, "body: must be a JSON object");
    }
}

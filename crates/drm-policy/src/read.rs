//! Reading a policy from JSON text, with every violation collected.
//!
//! A value of the wrong JSON type maps to that field's official code (`"persistent": "true"` →
//! 1009, `"license_duration": 3600.0` → 1010, `"track_type": "FHD"` → 1013, a 32-digit `cek` →
//! 1047…). A key that the enclosing object does not define is an error at its path, with the
//! enclosing object's code (2001 at the top level; 1008 for the Python sample's
//! `external_policy`). Then the rules of [`Policy::validate`] run on what could be read.
//!
//! Leniency, on purpose: `"iv": null` in an `mpeg_cenc` entry (what the Python sample writes) is
//! read as "no IV". Strictness, on purpose: key material must be lower-case hex of exact length
//! (as the license server requires), WisePlay values must be within their documented ranges.

use crate::json_value::{Map, Value};

use crate::codes::{self, ErrorCode};
use crate::hex::HexCase;
use crate::model::*;
use crate::schema::{At, Wire};
use crate::validate::clip;
use crate::violation::{PolicyError, Violation, Violations};

/// The largest policy document read (1 MiB); real policies are a few kilobytes.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

impl Policy {
    /// Reads and validates a policy JSON document.
    ///
    /// # Errors
    /// Every violation found, each with its JSON path and official code.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let (policy, violations) = read_policy_text(text);
        Violations(violations).into_result(policy.unwrap_or_default())
    }

    /// Reads and validates a policy JSON document given as bytes (must be UTF-8).
    ///
    /// # Errors
    /// As [`Policy::from_json`].
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let (policy, violations) = read_policy(bytes);
        Violations(violations).into_result(policy.unwrap_or_default())
    }

    /// Reads and validates an already parsed JSON value.
    ///
    /// # Errors
    /// As [`Policy::from_json`].
    pub fn from_json_value(value: &serde_json::Value) -> Result<Policy, PolicyError> {
        let mut r = Reader::default();
        let policy = r.policy(&Value::from_serde(value));
        r.finish(&policy);
        r.v.into_result(policy)
    }
}

/// Every violation of a policy document (empty when it is valid). Never panics, whatever the input.
pub fn check(bytes: &[u8]) -> Vec<Violation> {
    read_policy(bytes).1
}

fn read_policy(bytes: &[u8]) -> (Option<Policy>, Vec<Violation>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => read_policy_text(text),
        // Not UTF-8: serde_json names the first bad byte.
        Err(_) => {
            let mut r = Reader::default();
            let error = serde_json::from_slice::<serde_json::Value>(bytes)
                .err()
                .map_or_else(|| "not UTF-8".to_owned(), |e| e.to_string());
            r.v.push(codes::JSON_PARSE, "$", format!("not valid JSON: {error}"));
            (None, r.v.0)
        }
    }
}

fn read_policy_text(text: &str) -> (Option<Policy>, Vec<Violation>) {
    let mut r = Reader::default();
    if text.len() > MAX_POLICY_BYTES {
        r.v.push(
            codes::JSON_PARSE,
            "$",
            format!(
                "policy is {} bytes; the limit is {MAX_POLICY_BYTES}",
                text.len()
            ),
        );
        return (None, r.v.0);
    }
    let value = match Value::parse(text) {
        Ok(v) => v,
        Err(e) => {
            r.v.push(codes::JSON_PARSE, "$", format!("not valid JSON: {e}"));
            return (None, r.v.0);
        }
    };
    let policy = r.policy(&value);
    r.finish(&policy);
    (Some(policy), r.v.0)
}

/// Walks a JSON document, collecting violations. The value readers of [`crate::schema`] use it.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    pub(crate) v: Violations,
    /// `external_key` had members (all unreadable): do not also report it as empty.
    external_had_members: bool,
}

impl Reader {
    fn finish(&mut self, policy: &Policy) {
        policy.check_into(&mut self.v);
        // An `external_key` whose members could not be read is reported at those members, not
        // also as "empty"; one whose members are empty lists is empty (1018).
        let member_errors = self
            .v
            .0
            .iter()
            .any(|v| v.path.starts_with("$.external_key."));
        if self.external_had_members && member_errors {
            self.v.0.retain(|v| v.code != codes::EXTERNAL_KEY_EMPTY);
        }
    }
}

fn type_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a non-integer number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Reader {
    /// Pushes "`name` should be `expected`, got …" at `at`.
    pub(crate) fn wrong_type(&mut self, at: &At<'_>, expected: &str, got: &Value<'_>) {
        let message = format!("{} should be {expected}, got {}", at.name(), type_name(got));
        self.v.push(at.code, &at.path(), message);
    }

    pub(crate) fn object<'a>(&mut self, value: &'a Value<'_>, at: &At<'_>) -> Option<&'a Map<'a>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.wrong_type(at, "an object", other);
                None
            }
        }
    }

    pub(crate) fn known_keys(
        &mut self,
        map: &Map<'_>,
        path: &str,
        code: ErrorCode,
        allowed: &[&str],
    ) {
        if !map.has_key_outside(allowed) {
            return;
        }
        for key in map.keys() {
            if !allowed.contains(&key) {
                let key_path = format!("{path}.{}", clip(key));
                let message = format!(
                    "unknown field {:?}; expected one of: {}",
                    clip(key),
                    allowed.join(", ")
                );
                self.v.push(code, &key_path, message);
            }
        }
    }

    pub(crate) fn bool(&mut self, value: &Value<'_>, at: &At<'_>) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(at, "a boolean", other);
                None
            }
        }
    }

    pub(crate) fn int(&mut self, value: &Value<'_>, at: &At<'_>) -> Option<i64> {
        match value {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            Value::Number(n) if n.is_u64() => {
                self.v.push(
                    at.code,
                    &at.path(),
                    format!("{} is out of range: {n}", at.name()),
                );
                None
            }
            other => {
                self.wrong_type(at, "an integer", other);
                None
            }
        }
    }

    pub(crate) fn str<'a>(&mut self, value: &'a Value<'_>, at: &At<'_>) -> Option<&'a str> {
        match value {
            Value::String(s) => Some(s),
            other => {
                self.wrong_type(at, "a string", other);
                None
            }
        }
    }

    pub(crate) fn str_enum<T>(
        &mut self,
        value: &Value<'_>,
        at: &At<'_>,
        parse: impl Fn(&str) -> Option<T>,
        expected: impl FnOnce() -> String,
    ) -> Option<T> {
        let text = self.str(value, at)?;
        let parsed = parse(text);
        if parsed.is_none() {
            let message = format!(
                "{} {:?} is not one of: {}",
                at.name(),
                clip(text),
                expected()
            );
            self.v.push(at.code, &at.path(), message);
        }
        parsed
    }

    pub(crate) fn int_enum<T>(
        &mut self,
        value: &Value<'_>,
        at: &At<'_>,
        parse: impl Fn(i64) -> Option<T>,
        expected: impl FnOnce() -> String,
    ) -> Option<T> {
        let number = self.int(value, at)?;
        let parsed = parse(number);
        if parsed.is_none() {
            let message = format!("{} {number} is not one of: {}", at.name(), expected());
            self.v.push(at.code, &at.path(), message);
        }
        parsed
    }

    pub(crate) fn hex<const N: usize>(
        &mut self,
        value: &Value<'_>,
        at: &At<'_>,
    ) -> Option<[u8; N]> {
        let text = self.str(value, at)?;
        let bytes = crate::hex::decode_array::<N>(text, HexCase::Lower);
        if bytes.is_none() {
            let message = format!(
                "{} should be {} lower-case hex digits ({N} bytes), got {} characters",
                at.name(),
                N * 2,
                text.chars().count()
            );
            self.v.push(at.code, &at.path(), message);
        }
        bytes
    }

    pub(crate) fn required(&mut self, at: &At<'_>) {
        let message = format!("{} is required", at.name());
        self.v.push(at.code, &at.path(), message);
    }

    /// A list of objects; each entry read with `T`'s reader, at `…[i]`.
    pub(crate) fn list<T: Wire>(&mut self, value: &Value<'_>, at: &At<'_>) -> Vec<T> {
        let Value::Array(items) = value else {
            self.wrong_type(at, "an array of objects", value);
            return Vec::new();
        };
        let path = at.path();
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            let item_at = At {
                parent: &item_path,
                key: at.key,
                code: at.code,
                entry: true,
            };
            if let Some(entry) = T::read(self, item, &item_at) {
                out.push(entry);
            }
        }
        out
    }

    fn policy(&mut self, value: &Value<'_>) -> Policy {
        let Value::Object(map) = value else {
            let message = format!("the policy should be an object, got {}", type_name(value));
            self.v.push(codes::JSON_PARSE, "$", message);
            return Policy::default();
        };
        for key in map.keys() {
            match key {
                "policy_version" => {}
                known if Policy::KEYS.contains(&known) => {}
                "external_policy" => self.v.push(
                    codes::EXTERNAL_KEY,
                    "$.external_policy",
                    "unknown field \"external_policy\" (the Python sample's misspelling): use \"external_key\"",
                ),
                other => self.v.push(
                    codes::JSON_PARSE,
                    &format!("$.{}", clip(other)),
                    format!(
                        "unknown field {:?}; expected one of: policy_version, {}",
                        clip(other),
                        Policy::KEYS.join(", ")
                    ),
                ),
            }
        }
        match map.get("policy_version") {
            Some(Value::Number(n)) if n.as_i64() == Some(Policy::VERSION) => {}
            Some(other) => self.v.push(
                codes::JSON_PARSE,
                "$.policy_version",
                format!("policy_version must be 2, got {other}"),
            ),
            None => self.v.push(
                codes::JSON_PARSE,
                "$.policy_version",
                "policy_version is required (2)",
            ),
        }
        self.external_had_members = matches!(
            map.get("external_key"),
            Some(Value::Object(members)) if !members.is_empty()
        );
        // Every member has a row, so reading never fails as a whole.
        Policy::read_members(self, map, "$").unwrap_or_default()
    }
}

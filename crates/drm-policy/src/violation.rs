//! Violations of the policy rules, each with its JSON path and official code.

use std::fmt;

use crate::codes::ErrorCode;

/// One broken rule: where (a JSON path such as `$.security_policy[0].widevine.security_level`),
/// which official code, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// The official error code.
    #[serde(serialize_with = "serialize_code")]
    pub code: ErrorCode,
    /// JSON path of the offending value, `$` being the policy object.
    pub path: String,
    /// What is wrong, in words.
    pub message: String,
}

fn serialize_code<S: serde::Serializer>(code: &ErrorCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u16(code.get())
}

impl Violation {
    /// A violation at `path`.
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.code, self.path, self.message)
    }
}

/// A policy that breaks one or more rules. Holds every violation found, in document order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    violations: Vec<Violation>,
}

impl PolicyError {
    /// An error from a non-empty list of violations.
    pub fn new(violations: Vec<Violation>) -> Self {
        Self { violations }
    }

    /// Every violation found.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The code of the first violation (what the official sample would have raised first).
    pub fn first_code(&self) -> Option<ErrorCode> {
        self.violations.first().map(|v| v.code)
    }

    /// Consumes the error, returning its violations.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.violations.as_slice() {
            [] => f.write_str("invalid policy"),
            [one] => write!(f, "invalid policy: {one}"),
            [first, rest @ ..] => write!(f, "invalid policy: {first} (and {} more)", rest.len()),
        }
    }
}

/// Collects violations while walking a document.
#[derive(Debug, Default)]
pub(crate) struct Violations(pub(crate) Vec<Violation>);

impl Violations {
    pub(crate) fn push(&mut self, code: ErrorCode, path: &str, message: impl Into<String>) {
        self.0.push(Violation::new(code, path, message));
    }

    pub(crate) fn into_result<T>(self, value: T) -> Result<T, PolicyError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(PolicyError::new(self.0))
        }
    }
}

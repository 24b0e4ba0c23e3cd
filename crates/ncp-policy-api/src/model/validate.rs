//! Client-side validation errors: which field, and what is wrong with it.

use std::fmt;

/// A request field that would be refused by the API, found before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
#[non_exhaustive]
pub struct ValidationError {
    /// Dotted path of the field in the request body or query, e.g.
    /// `drmPolicyConfig.playready.securityLevel`.
    pub field: String,
    /// What is wrong with it.
    pub problem: Problem,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The field is required.
    Required,
    /// The text is too short or too long (in characters).
    Length {
        /// Minimum length.
        min: usize,
        /// Maximum length.
        max: usize,
        /// Length found.
        actual: usize,
    },
    /// The text holds a character outside the allowed set.
    Charset {
        /// Description of the allowed set.
        allowed: &'static str,
    },
    /// A number is out of range.
    Range {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
        /// Value found.
        actual: i64,
    },
    /// A number is not one of the documented values.
    NotOneOf {
        /// The documented values.
        allowed: &'static [i64],
        /// Value found.
        actual: i64,
    },
    /// A word is not one of the documented values.
    UnknownValue {
        /// The documented values.
        allowed: &'static [&'static str],
        /// Value found.
        actual: String,
    },
    /// A rule across fields, described in words.
    Rule(&'static str),
    /// The document is not valid JSON for this request (serde's description).
    Json(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => f.write_str("is required"),
            Self::Length { min, max, actual } => {
                write!(f, "must be {min} to {max} characters long, found {actual}")
            }
            Self::Charset { allowed } => write!(f, "may only contain {allowed}"),
            Self::Range { min, max, actual } => {
                write!(f, "must be between {min} and {max}, found {actual}")
            }
            Self::NotOneOf { allowed, actual } => {
                write!(f, "must be one of ")?;
                join(f, allowed.iter())?;
                write!(f, ", found {actual}")
            }
            Self::UnknownValue { allowed, actual } => {
                write!(f, "must be one of ")?;
                join(f, allowed.iter())?;
                write!(f, ", found {actual:?}")
            }
            Self::Rule(rule) => f.write_str(rule),
            Self::Json(message) => write!(f, "invalid JSON: {message}"),
        }
    }
}

fn join<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: impl Iterator<Item = T>,
) -> fmt::Result {
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str("|")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Checks a name's length (in characters) and character set.
pub(crate) fn check_name(
    field: &str,
    value: &str,
    min: usize,
    max: usize,
    allowed: &'static str,
    ok: impl Fn(char) -> bool,
) -> Result<(), ValidationError> {
    let actual = value.chars().count();
    if actual < min || actual > max {
        return Err(ValidationError::new(
            field,
            Problem::Length { min, max, actual },
        ));
    }
    if !value.chars().all(ok) {
        return Err(ValidationError::new(field, Problem::Charset { allowed }));
    }
    Ok(())
}

/// Checks an integer range.
pub(crate) fn check_range(
    field: &str,
    value: i64,
    min: i64,
    max: i64,
) -> Result<(), ValidationError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Problem::Range {
                min,
                max,
                actual: value,
            },
        ))
    }
}

/// Checks membership in a documented set of integers.
pub(crate) fn check_one_of(
    field: &str,
    value: i64,
    allowed: &'static [i64],
) -> Result<(), ValidationError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Problem::NotOneOf {
                allowed,
                actual: value,
            },
        ))
    }
}

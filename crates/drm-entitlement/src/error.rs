//! Error types of the protocol layer. None of them ever carries the shared secret, a signature
//! key or a license token.

/// A body could not be read as a flat JSON object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The body exceeds the size limit.
    #[error("body of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Size of the body.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The top-level value is not a JSON object.
    #[error("body is not a JSON object")]
    NotAnObject,
    /// The body ends in the middle of a value.
    #[error("body is truncated JSON")]
    Truncated,
    /// The body is not valid JSON.
    #[error("invalid JSON at line {line}, column {column}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A key appears twice.
    #[error("duplicate key {key:?}")]
    DuplicateKey {
        /// The key (truncated to 64 characters).
        key: String,
    },
    /// A number literal does not follow the JSON grammar.
    #[error("invalid JSON number {text:?}")]
    InvalidNumber {
        /// The text (truncated to 40 characters).
        text: String,
    },
}

/// A message could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// A signed field holds an object or array, which platforms render differently.
    #[error("field {field} holds a JSON {found}, which cannot be signed (send it as a string)")]
    Unsignable {
        /// The field.
        field: String,
        /// `object` or `array`.
        found: &'static str,
    },
    /// A number cannot be converted to the declared integer type (infinite).
    #[error("field {field} holds a number out of the range of its declared integer type")]
    NotFinite {
        /// The field.
        field: String,
    },
    /// The request has no non-empty `Challenge`.
    #[error("request needs a non-empty string Challenge")]
    MissingChallenge,
    /// The request's `Challenge` is not a string.
    #[error("Challenge must be a string, found a {found}")]
    ChallengeNotString {
        /// JSON type found.
        found: &'static str,
    },
    /// The HMAC refused the key (cannot happen with HMAC-SHA256; kept for completeness).
    #[error("the HMAC key was refused")]
    KeyLength,
}

/// A signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// There is no `Signature`.
    #[error("the Signature is missing")]
    MissingSignature,
    /// `Signature` is not 64 hexadecimal digits.
    #[error("the Signature is not 64 hexadecimal digits")]
    MalformedSignature,
    /// The signature does not match the message.
    #[error("the Signature does not match")]
    Mismatch,
    /// The message could not be rebuilt.
    #[error("cannot rebuild the signed message")]
    Sign(#[source] SignError),
}

/// A field of a request or response has the wrong type or format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FieldError {
    /// A required field is absent, null or empty.
    #[error("field {field} is missing")]
    Missing {
        /// The field.
        field: &'static str,
    },
    /// The field has a JSON type that is not accepted.
    #[error("field {field} must be {expected}, found a {found}")]
    WrongType {
        /// The field.
        field: &'static str,
        /// What is accepted.
        expected: &'static str,
        /// JSON type found.
        found: &'static str,
    },
    /// The field's value is outside the accepted set or format.
    #[error("field {field} is invalid: {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Why (never echoes the value of credential fields).
        reason: String,
    },
}

impl FieldError {
    /// The name of the offending field.
    pub fn field(&self) -> &'static str {
        match self {
            FieldError::Missing { field }
            | FieldError::WrongType { field, .. }
            | FieldError::Invalid { field, .. } => field,
        }
    }
}

/// An unknown name was given for a profile, policy or type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct ParseNameError {
    /// What was being parsed.
    pub what: &'static str,
    /// The text (truncated).
    pub value: String,
}

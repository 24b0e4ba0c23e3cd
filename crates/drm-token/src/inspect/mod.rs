//! Decoding any token — ours, the official samples', the legacy v1 tutorial's — to answer the
//! questions behind license-server errors 7011 (expired / not yet valid), 7019 (hash mismatch),
//! 7013/7016 (malformed) and 1006/7008 (site key).
//!
//! Hostile input gives an [`InspectError`] or a [`Problem`] in the report, never a panic; the
//! input is bounded ([`MAX_TOKEN_BYTES`]).

mod checks;
mod members;
mod report;
mod style;
mod text;

use drm_policy::{ErrorCode, ServerCode};
pub use report::{
    DetectedStyle, DrmTypeForm, DrmTypeReport, HashReport, Inspection, PolicyReport, Problem,
    ProblemCode, TimeReport, TimeStatus, TokenFields,
};

use crate::credentials::{AccessKey, SiteKey};
use crate::timestamp::Timestamp;

/// What the license server answers, as a problem code from its typed table.
fn server(code: ServerCode) -> Option<ProblemCode> {
    Some(ProblemCode::Server(code))
}

/// A token-sample code (client side) as a problem code.
fn token_code(code: ErrorCode) -> Option<ProblemCode> {
    Some(ProblemCode::Token(code))
}

/// `the license server answers 7011 ("Token is expired.")`, from the server's code table.
fn answers(code: ServerCode) -> String {
    match code.message() {
        Some(message) => format!("the license server answers {code} ({message:?})"),
        None => format!("the license server answers {code}"),
    }
}

/// The largest token accepted by [`inspect`] (4 MiB of base64; a 1 MiB policy gives ~2.4 MiB).
pub const MAX_TOKEN_BYTES: usize = 4 << 20;

/// Why a text could not be decoded as a token at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InspectError {
    /// The token is empty.
    #[error("the token is empty")]
    Empty,
    /// The token is larger than [`MAX_TOKEN_BYTES`].
    #[error("the token is {len} bytes; the limit is {limit}")]
    TooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Not base64 (standard or URL-safe).
    #[error("the token is not base64 (the license server answers 7009/7016)")]
    NotBase64,
    /// The decoded bytes are not UTF-8.
    #[error("the decoded token is not UTF-8 text")]
    NotUtf8,
    /// The decoded text is not a JSON object.
    #[error("the decoded token is not a JSON object (the license server answers 7013): {reason}")]
    NotJson {
        /// The parser's complaint (no token content).
        reason: String,
    },
}

/// What to check a token against.
#[derive(Debug, Clone, Copy)]
pub struct InspectOptions<'a> {
    /// Decrypt the policy with this site key.
    pub site_key: Option<&'a SiteKey>,
    /// Check the hash with this access key.
    pub access_key: Option<&'a AccessKey>,
    /// The current time, for the token's age.
    pub now: Timestamp,
    /// How long the site accepts a token ([`crate::DEFAULT_VALIDITY_SECS`] unless changed in
    /// the Console).
    pub validity_secs: i64,
}

impl<'a> InspectOptions<'a> {
    /// No keys, the 600-second window, `now` as given.
    pub fn new(now: Timestamp) -> Self {
        Self {
            site_key: None,
            access_key: None,
            now,
            validity_secs: crate::DEFAULT_VALIDITY_SECS,
        }
    }

    /// Decrypts the policy with `key`.
    #[must_use]
    pub fn site_key(mut self, key: &'a SiteKey) -> Self {
        self.site_key = Some(key);
        self
    }

    /// Checks the hash with `key`.
    #[must_use]
    pub fn access_key(mut self, key: &'a AccessKey) -> Self {
        self.access_key = Some(key);
        self
    }

    /// Sets the validity window in seconds.
    #[must_use]
    pub fn validity_secs(mut self, secs: i64) -> Self {
        self.validity_secs = secs;
        self
    }
}

/// Decodes `token` and checks what `options` allow.
///
/// Linear in the size of the token (it is bounded by [`MAX_TOKEN_BYTES`]), whatever its members.
///
/// # Errors
/// [`InspectError`] when the text is not a base64 JSON object at all; every other defect is a
/// [`Problem`] in the report.
pub fn inspect(token: &str, options: &InspectOptions<'_>) -> Result<Inspection, InspectError> {
    let mut problems = Vec::new();
    // 1. Bounds and base64 (standard, or a tolerated base64url / unpadded form).
    let text = text::decode(token, &mut problems)?;
    // 2. The JSON object, members in token order (duplicates kept).
    let members::Ordered(list) =
        serde_json::from_str(&text).map_err(|e| InspectError::NotJson {
            reason: format!(
                "{} at line {} column {}",
                classify(&e),
                e.line(),
                e.column()
            ),
        })?;
    // 3. Each member once: types, duplicates, unknown members; then presence and values.
    let read = members::read_members(&list, &mut problems);
    members::check_presence(&read, &mut problems);
    members::check_values(&read.fields, &mut problems);
    let members::Members {
        fields,
        key_order,
        legacy_v1,
        ..
    } = read;
    // 4. What keys and the clock can tell: policy, hash, age.
    let policy = options
        .site_key
        .map(|key| checks::policy_report(fields.policy.as_deref(), key));
    let hash = options
        .access_key
        .map(|key| checks::hash_report(&fields, key, policy.as_ref()));
    let time = checks::time_report(fields.timestamp.as_deref(), options);
    // 5. How it was written: JSON style and drm_type form.
    let json_style = style::detect_style(&fields, &key_order, &text);
    let drm_type = fields.drm_type.as_deref().map(members::drm_type_report);
    Ok(Inspection {
        fields,
        key_order,
        token_json: text,
        json_style,
        legacy_v1,
        policy,
        hash,
        drm_type,
        time,
        problems,
    })
}

fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "not an object",
        serde_json::error::Category::Eof => "unexpected end",
    }
}

pub(super) fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}

pub(super) fn problem(code: Option<ProblemCode>, field: &str, message: &str) -> Problem {
    Problem {
        code,
        field: clip(field),
        message: message.to_owned(),
    }
}

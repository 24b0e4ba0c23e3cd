//! Decoding any token — ours, the official samples', the legacy v1 tutorial's — to answer the
//! questions behind license-server errors 7011 (expired / not yet valid), 7019 (hash mismatch),
//! 7013/7016 (malformed) and 1006/7008 (site key).
//!
//! Hostile input gives an [`InspectError`] or a [`Problem`] in the report, never a panic; the
//! input is bounded ([`MAX_TOKEN_BYTES`]).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use drm_policy::json_style::write_string;
use drm_policy::{JsonStyle, Policy, Violation, codes};
use serde::Serialize;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::credentials::{AccessKey, SiteKey};
use crate::drm_type::{DrmType, ResponseFormat};
use crate::envelope::{HashInput, decrypt_policy, token_hash};
use crate::timestamp::Timestamp;

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

/// Something wrong with a decodable token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The official (client or license-server) code, when one applies.
    pub code: Option<u16>,
    /// The token JSON field concerned (`$` for the whole token).
    pub field: String,
    /// What is wrong and what the server would do.
    pub message: String,
}

/// The token JSON's members, as found (absent members are `None`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TokenFields {
    /// `drm_type`.
    pub drm_type: Option<String>,
    /// `site_id`.
    pub site_id: Option<String>,
    /// `user_id`.
    pub user_id: Option<String>,
    /// `cid`.
    pub cid: Option<String>,
    /// The encrypted policy (`policy`, or `token` in the legacy v1 shape).
    pub policy: Option<String>,
    /// `response_format`.
    pub response_format: Option<String>,
    /// `key_rotation`.
    pub key_rotation: Option<bool>,
    /// `timestamp`.
    pub timestamp: Option<String>,
    /// `hash`.
    pub hash: Option<String>,
}

/// The JSON text style of a token JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectedStyle {
    /// Exactly what this crate writes in [`JsonStyle::Compact`] (the Java sample).
    Compact,
    /// Exactly what this crate writes in [`JsonStyle::Python`] (the Python v3 sample).
    Python,
    /// Anything else (another key order, other whitespace, the PHP sample's `\/`…).
    Other,
}

/// The decrypted policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyReport {
    /// Whether the site key opened the policy.
    pub decrypted: bool,
    /// The policy JSON text (it may hold external content keys: handle it like the site key).
    pub plaintext: Option<String>,
    /// The policy as JSON, when it parses.
    pub json: Option<Value>,
    /// Violations of the policy rules (empty for a valid `policy_version` 2 policy).
    pub violations: Vec<Violation>,
    /// Why it could not be opened.
    pub error: Option<String>,
}

/// The hash check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashReport {
    /// Whether the hash matches (compared in constant time).
    pub valid: bool,
    /// The hash this access key gives for the token's fields.
    pub expected: Option<String>,
    /// What to check when it does not match.
    pub hint: Option<String>,
}

/// Where the token's timestamp stands against the validity window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeStatus {
    /// Within the window.
    Valid,
    /// Older than the window (server error 7011).
    Expired,
    /// In the future (server error 7011 too).
    NotYetValid,
    /// Missing or not `yyyy-MM-ddTHH:mm:ssZ` (the server cannot date it).
    Invalid,
}

/// The token's age.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeReport {
    /// Valid, expired, not yet valid, or invalid.
    pub status: TimeStatus,
    /// `now - timestamp` in seconds (negative: in the future).
    pub age_seconds: Option<i64>,
    /// The window used, in seconds.
    pub window_seconds: i64,
    /// The time the age was computed at.
    pub now: String,
    /// What the license server will say, and why.
    pub hint: Option<String>,
}

/// Everything [`inspect`] found out about a token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    /// The members as found.
    pub fields: TokenFields,
    /// The member names in token order.
    pub key_order: Vec<String>,
    /// The token JSON text (base64-decoded).
    pub token_json: String,
    /// Which JSON style wrote it.
    pub json_style: DetectedStyle,
    /// The legacy v1 shape (`token` instead of `policy`, as in the 2020 tutorial).
    pub legacy_v1: bool,
    /// The decrypted policy (when a site key was given).
    pub policy: Option<PolicyReport>,
    /// The hash check (when an access key was given).
    pub hash: Option<HashReport>,
    /// The token's age against the window.
    pub time: TimeReport,
    /// Every problem found, in field order.
    pub problems: Vec<Problem>,
}

impl Inspection {
    /// Whether the license server should accept this token, as far as can be told: no
    /// problem, the policy opened and is valid (if checked), the hash matches (if checked), and
    /// the timestamp is within the window.
    pub fn is_acceptable(&self) -> bool {
        self.problems.is_empty()
            && self
                .policy
                .as_ref()
                .is_none_or(|p| p.decrypted && p.violations.is_empty())
            && self.hash.as_ref().is_none_or(|h| h.valid)
            && self.time.status == TimeStatus::Valid
    }
}

/// The members of a JSON object in document order (duplicates kept).
struct Ordered(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Decodes `token` and checks what `options` allow.
///
/// # Errors
/// [`InspectError`] when the text is not a base64 JSON object at all; every other defect is a
/// [`Problem`] in the report.
pub fn inspect(token: &str, options: &InspectOptions<'_>) -> Result<Inspection, InspectError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(InspectError::Empty);
    }
    if token.len() > MAX_TOKEN_BYTES {
        return Err(InspectError::TooLarge {
            len: token.len(),
            limit: MAX_TOKEN_BYTES,
        });
    }
    let mut problems = Vec::new();
    let bytes = match STANDARD.decode(token) {
        Ok(b) => b,
        Err(_) => {
            let b = URL_SAFE
                .decode(token)
                .or_else(|_| URL_SAFE_NO_PAD.decode(token))
                .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(token))
                .map_err(|_| InspectError::NotBase64)?;
            problems.push(problem(
                Some(7016),
                "$",
                "the token is base64url or unpadded base64; the license server expects standard base64 with '=' padding",
            ));
            b
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| InspectError::NotUtf8)?;
    let Ordered(members) = serde_json::from_str(&text).map_err(|e| InspectError::NotJson {
        reason: format!(
            "{} at line {} column {}",
            classify(&e),
            e.line(),
            e.column()
        ),
    })?;

    let mut fields = TokenFields::default();
    let mut key_order = Vec::with_capacity(members.len());
    let mut legacy_v1 = false;
    for (key, value) in &members {
        if key_order.contains(key) {
            problems.push(problem(
                Some(7013),
                key,
                &format!("member {:?} appears more than once", clip(key)),
            ));
        }
        key_order.push(clip(key));
        match key.as_str() {
            "drm_type" => fields.drm_type = string(value, key, None, &mut problems),
            "site_id" => {
                fields.site_id = string(
                    value,
                    key,
                    Some(codes::SITE_ID_REQUIRED.get()),
                    &mut problems,
                )
            }
            "user_id" => {
                fields.user_id = string(
                    value,
                    key,
                    Some(codes::USER_ID_REQUIRED.get()),
                    &mut problems,
                )
            }
            "cid" => {
                fields.cid = string(value, key, Some(codes::CID_REQUIRED.get()), &mut problems)
            }
            "policy" => {
                fields.policy = string(
                    value,
                    key,
                    Some(codes::POLICY_REQUIRED.get()),
                    &mut problems,
                )
            }
            "token" => {
                legacy_v1 = true;
                if fields.policy.is_none() {
                    fields.policy = string(
                        value,
                        key,
                        Some(codes::POLICY_REQUIRED.get()),
                        &mut problems,
                    );
                }
            }
            "response_format" => {
                fields.response_format = string(
                    value,
                    key,
                    Some(codes::RESPONSE_FORMAT.get()),
                    &mut problems,
                )
            }
            "key_rotation" => match value {
                Value::Bool(b) => fields.key_rotation = Some(*b),
                _ => problems.push(problem(
                    Some(codes::KEY_ROTATION.get()),
                    key,
                    "key_rotation should be a boolean",
                )),
            },
            "timestamp" => fields.timestamp = string(value, key, None, &mut problems),
            "hash" => fields.hash = string(value, key, None, &mut problems),
            other => problems.push(problem(
                None,
                other,
                &format!(
                    "unknown member {:?} (ignored or rejected by the server)",
                    clip(other)
                ),
            )),
        }
    }
    if legacy_v1 && members.iter().any(|(k, _)| k == "policy") {
        problems.push(problem(
            Some(7013),
            "token",
            "both \"policy\" and the legacy \"token\" member are present",
        ));
    }
    check_fields(&fields, &members, legacy_v1, &mut problems);

    let policy = options
        .site_key
        .map(|key| policy_report(fields.policy.as_deref(), key));
    let hash = options
        .access_key
        .map(|key| hash_report(&fields, key, policy.as_ref()));
    let time = time_report(fields.timestamp.as_deref(), options);
    let json_style = detect_style(&fields, &key_order, &text);

    Ok(Inspection {
        fields,
        key_order,
        token_json: text,
        json_style,
        legacy_v1,
        policy,
        hash,
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

fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}

fn problem(code: Option<u16>, field: &str, message: &str) -> Problem {
    Problem {
        code,
        field: clip(field),
        message: message.to_owned(),
    }
}

fn string(
    value: &Value,
    key: &str,
    code: Option<u16>,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        _ => {
            problems.push(problem(code, key, &format!("{key} should be a string")));
            None
        }
    }
}

fn check_fields(
    fields: &TokenFields,
    members: &[(String, Value)],
    legacy_v1: bool,
    problems: &mut Vec<Problem>,
) {
    let present = |k: &str| members.iter().any(|(m, _)| m == k);
    for (name, code) in [
        ("drm_type", Some(crate::DRM_TYPE_SERVER_CODE)),
        ("site_id", Some(codes::SITE_ID_REQUIRED.get())),
        ("user_id", Some(codes::USER_ID_REQUIRED.get())),
        ("cid", Some(codes::CID_REQUIRED.get())),
        ("timestamp", None),
        ("hash", None),
    ] {
        if !present(name) {
            problems.push(problem(code, name, &format!("{name} is missing")));
        }
    }
    if !present("policy") && !legacy_v1 {
        problems.push(problem(
            Some(codes::POLICY_REQUIRED.get()),
            "policy",
            "policy is missing",
        ));
    }
    for (name, value, code) in [
        ("user_id", &fields.user_id, codes::USER_ID_REQUIRED),
        ("cid", &fields.cid, codes::CID_REQUIRED),
        ("site_id", &fields.site_id, codes::SITE_ID_REQUIRED),
    ] {
        if value.as_deref() == Some("") {
            problems.push(problem(Some(code.get()), name, &format!("{name} is empty")));
        }
    }
    if let Some(d) = &fields.drm_type {
        if !DrmType::ALL.iter().any(|t| t.as_str() == d) {
            problems.push(problem(
                Some(crate::DRM_TYPE_SERVER_CODE),
                "drm_type",
                &format!(
                    "drm_type {:?} is not one of PlayReady, Widevine, FairPlay, NCG, Wiseplay (case-sensitive): the server answers 7018",
                    clip(d)
                ),
            ));
        }
    }
    if let Some(f) = &fields.response_format {
        if ResponseFormat::from_wire(f).is_none() {
            problems.push(problem(
                Some(codes::RESPONSE_FORMAT.get()),
                "response_format",
                &format!(
                    "response_format {:?} is not one of original, custom, json",
                    clip(f)
                ),
            ));
        }
    }
    if let Some(t) = &fields.timestamp {
        if Timestamp::parse(t).is_err() {
            problems.push(problem(
                Some(7011),
                "timestamp",
                &format!(
                    "timestamp {:?} is not yyyy-MM-ddTHH:mm:ssZ in UTC (no fractional seconds, literal Z)",
                    clip(t)
                ),
            ));
        }
    }
    if let Some(h) = &fields.hash {
        let ok = h.len() == 44 && STANDARD.decode(h).is_ok_and(|d| d.len() == 32);
        if !ok {
            problems.push(problem(
                Some(7019),
                "hash",
                "hash is not the standard base64 of a SHA-256 digest (44 characters)",
            ));
        }
    }
}

fn policy_report(field: Option<&str>, key: &SiteKey) -> PolicyReport {
    let mut report = PolicyReport {
        decrypted: false,
        plaintext: None,
        json: None,
        violations: Vec::new(),
        error: None,
    };
    let Some(field) = field else {
        report.error = Some("the token has no policy field".to_owned());
        return report;
    };
    match decrypt_policy(field, key) {
        Err(e) => {
            report.error = Some(format!(
                "{e}; the license server answers 1006/7008 when the policy does not decrypt with the site's key"
            ));
        }
        Ok(bytes) => {
            report.decrypted = true;
            match String::from_utf8(bytes) {
                Err(_) => report.error = Some("the decrypted policy is not UTF-8".to_owned()),
                Ok(text) => {
                    report.json = serde_json::from_str(&text).ok();
                    if let Err(e) = Policy::from_json(&text) {
                        report.violations = e.into_violations();
                    }
                    report.plaintext = Some(text);
                }
            }
        }
    }
    report
}

fn hash_report(fields: &TokenFields, key: &AccessKey, policy: Option<&PolicyReport>) -> HashReport {
    let input = (|| {
        Some(HashInput {
            drm_type: fields.drm_type.as_deref()?,
            site_id: fields.site_id.as_deref()?,
            user_id: fields.user_id.as_deref()?,
            cid: fields.cid.as_deref()?,
            policy_b64: fields.policy.as_deref()?,
            timestamp: fields.timestamp.as_deref()?,
        })
    })();
    let Some(input) = input else {
        return HashReport {
            valid: false,
            expected: None,
            hint: Some("a member the hash covers is missing or not a string".to_owned()),
        };
    };
    let expected = token_hash(key, &input);
    let given = fields.hash.as_deref().unwrap_or_default();
    let valid = bool::from(expected.as_bytes().ct_eq(given.as_bytes()));
    let hint = (!valid).then(|| {
        let mut hint = String::from(
            "hash mismatch: the license server answers 7019. Check that the access key (not the site key) is the site's, \
             that the hash covers access_key+drm_type+site_id+user_id+cid+policy+timestamp exactly as written in the token \
             (the same policy text, not a re-encryption; the same timestamp string), as UTF-8, encoded in standard base64",
        );
        if policy.is_some_and(|p| !p.decrypted) {
            hint.push_str("; the site key did not open the policy either: check both keys belong to this site");
        }
        hint
    });
    HashReport {
        valid,
        expected: Some(expected),
        hint,
    }
}

fn time_report(timestamp: Option<&str>, options: &InspectOptions<'_>) -> TimeReport {
    let window = options.validity_secs;
    let parsed = timestamp.and_then(|t| Timestamp::parse(t).ok());
    let (status, age, hint) = match parsed {
        None => (
            TimeStatus::Invalid,
            None,
            Some("the timestamp is missing or malformed: the license server cannot date the token (7011)".to_owned()),
        ),
        Some(ts) => {
            let age = options.now.unix_seconds() - ts.unix_seconds();
            if age < 0 {
                (
                    TimeStatus::NotYetValid,
                    Some(age),
                    Some(format!(
                        "the timestamp is {} s in the future: the license server answers 7011 (\"Token is expired\"). \
                         The minting clock is ahead or not in UTC",
                        -age
                    )),
                )
            } else if age > window {
                (
                    TimeStatus::Expired,
                    Some(age),
                    Some(format!(
                        "the token is {age} s old, beyond the {window} s window: the license server answers 7011. \
                         Mint the token just before the license request and never cache it \
                         (token validity is not the license duration of the policy)"
                    )),
                )
            } else {
                (TimeStatus::Valid, Some(age), None)
            }
        }
    };
    TimeReport {
        status,
        age_seconds: age,
        window_seconds: window,
        now: options.now.as_str().to_owned(),
        hint,
    }
}

const SPEC_ORDER: [&str; 9] = [
    "drm_type",
    "site_id",
    "user_id",
    "cid",
    "policy",
    "response_format",
    "key_rotation",
    "timestamp",
    "hash",
];

fn detect_style(fields: &TokenFields, key_order: &[String], text: &str) -> DetectedStyle {
    if key_order.iter().map(String::as_str).ne(SPEC_ORDER) {
        return DetectedStyle::Other;
    }
    for (style, detected) in [
        (JsonStyle::Compact, DetectedStyle::Compact),
        (JsonStyle::Python, DetectedStyle::Python),
    ] {
        let mut out = String::with_capacity(text.len());
        out.push('{');
        for (i, key) in SPEC_ORDER.iter().enumerate() {
            if i > 0 {
                out.push_str(style.item_separator());
            }
            write_string(&mut out, key, style);
            out.push_str(style.key_separator());
            let value = match *key {
                "drm_type" => fields.drm_type.as_deref(),
                "site_id" => fields.site_id.as_deref(),
                "user_id" => fields.user_id.as_deref(),
                "cid" => fields.cid.as_deref(),
                "policy" => fields.policy.as_deref(),
                "response_format" => fields.response_format.as_deref(),
                "timestamp" => fields.timestamp.as_deref(),
                "hash" => fields.hash.as_deref(),
                _ => {
                    match fields.key_rotation {
                        Some(true) => out.push_str("true"),
                        Some(false) => out.push_str("false"),
                        None => return DetectedStyle::Other,
                    }
                    continue;
                }
            };
            match value {
                Some(v) => write_string(&mut out, v, style),
                None => return DetectedStyle::Other,
            }
        }
        out.push('}');
        if out == text {
            return detected;
        }
    }
    DetectedStyle::Other
}

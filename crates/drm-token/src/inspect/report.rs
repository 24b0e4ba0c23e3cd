//! The report [`super::inspect`] returns: every type a caller reads.

use drm_policy::validate::Advisory;
use drm_policy::{ErrorCode, ServerCode, Violation};
use serde::Serialize;
use serde_json::Value;

/// The official code of a [`Problem`]: the token samples' client-side codes and the license
/// server's codes are two namespaces (the same number can mean different things), kept apart by
/// type. Serialized as the bare number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemCode {
    /// A code of the official token samples (`1000`–`1062`, `2001`), e.g. 1048.
    Token(ErrorCode),
    /// What the license server would answer (`drm_policy::server_code`), e.g. 7011.
    Server(ServerCode),
}

impl ProblemCode {
    /// The number.
    pub fn get(self) -> u32 {
        match self {
            ProblemCode::Token(c) => u32::from(c.get()),
            ProblemCode::Server(c) => c.get(),
        }
    }
}

impl PartialEq<u32> for ProblemCode {
    fn eq(&self, other: &u32) -> bool {
        self.get() == *other
    }
}

impl Serialize for ProblemCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.get())
    }
}

/// Something wrong with a decodable token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The official (token-sample or license-server) code, when one applies.
    pub code: Option<ProblemCode>,
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
    /// Exactly what this crate writes in [`JsonStyle::Compact`](crate::JsonStyle::Compact) (the Java sample).
    Compact,
    /// Exactly what this crate writes in [`JsonStyle::Python`](crate::JsonStyle::Python) (the Python v3 sample).
    Python,
    /// Anything else (another key order, other whitespace, the PHP sample's `\/`…).
    Other,
}

/// How a token writes its `drm_type`. The license server ignores the case (server release
/// notes 4.3.0; the vendor's own 2024–2026 sample tokens write `widevine`, `playready`,
/// `fairplay`); this crate always writes the canonical name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DrmTypeForm {
    /// Exactly the canonical name (`Widevine`, `PlayReady`, `FairPlay`, `NCG`, `Wiseplay`).
    Canonical,
    /// The canonical name in lower case (`widevine`…), as the vendor's HTML5, Roku and Tizen
    /// samples send it.
    LowerCase,
    /// The canonical name in another mix of cases (`WIDEVINE`, `WisePlay`…).
    OtherCase,
    /// Not a DRM the license server knows in any case (server error 7018).
    Unknown,
}

/// The token's `drm_type`: what it says and which DRM that is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrmTypeReport {
    /// The value as written in the token (at most 64 characters).
    pub seen: String,
    /// The canonical name, when it names a known DRM in any case.
    pub canonical: Option<&'static str>,
    /// How it is written.
    pub form: DrmTypeForm,
    /// What this means for the license server.
    pub note: Option<String>,
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
    /// This project's advice about a valid policy (no official code; never a violation).
    pub advisories: Vec<Advisory>,
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
    /// How it matched, when not with the token's fields exactly as written (e.g. with the
    /// canonical spelling of a lower-case `drm_type`).
    pub note: Option<String>,
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

/// Everything [`inspect`](crate::inspect::inspect) found out about a token.
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
    /// The `drm_type` as seen, its canonical name and the form it was written in.
    pub drm_type: Option<DrmTypeReport>,
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

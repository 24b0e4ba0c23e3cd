//! Reading the token JSON's members, in one pass over them (linear in their number: duplicate
//! detection and presence checks use a hash set, never a scan of what was read before).

use std::collections::HashSet;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::{ServerCode, codes};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::report::{DrmTypeForm, DrmTypeReport, Problem, ProblemCode, TokenFields};
use super::{answers, clip, problem, server, token_code};
use crate::drm_type::{DrmType, ResponseFormat};
use crate::timestamp::Timestamp;

/// The members of a JSON object in document order (duplicates kept).
pub(super) struct Ordered(pub(super) Vec<(String, Value)>);

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

/// What the members say.
pub(super) struct Members<'a> {
    /// The known members' values.
    pub(super) fields: TokenFields,
    /// Every member name in token order (clipped).
    pub(super) key_order: Vec<String>,
    /// The legacy v1 `token` member is present.
    pub(super) legacy_v1: bool,
    /// The member names present.
    pub(super) present: HashSet<&'a str>,
}

/// Reads every member once, reporting duplicates, wrong types and unknown members.
pub(super) fn read_members<'a>(
    members: &'a [(String, Value)],
    problems: &mut Vec<Problem>,
) -> Members<'a> {
    let mut out = Members {
        fields: TokenFields::default(),
        key_order: Vec::with_capacity(members.len()),
        legacy_v1: false,
        present: HashSet::with_capacity(members.len().min(64)),
    };
    for (key, value) in members {
        if !out.present.insert(key.as_str()) {
            problems.push(problem(
                server(ServerCode::TOKEN_INVALID_JSON),
                key,
                &format!("member {:?} appears more than once", clip(key)),
            ));
        }
        out.key_order.push(clip(key));
        read_member(key, value, &mut out, problems);
    }
    if out.legacy_v1 && out.present.contains("policy") {
        problems.push(problem(
            server(ServerCode::TOKEN_INVALID_JSON),
            "token",
            "both \"policy\" and the legacy \"token\" member are present",
        ));
    }
    out
}

fn read_member(key: &str, value: &Value, out: &mut Members<'_>, problems: &mut Vec<Problem>) {
    let fields = &mut out.fields;
    let mut text = |code: Option<ProblemCode>| string(value, key, code, problems);
    match key {
        "drm_type" => fields.drm_type = text(None),
        "site_id" => fields.site_id = text(token_code(codes::SITE_ID_REQUIRED)),
        "user_id" => fields.user_id = text(token_code(codes::USER_ID_REQUIRED)),
        "cid" => fields.cid = text(token_code(codes::CID_REQUIRED)),
        "policy" => fields.policy = text(token_code(codes::POLICY_REQUIRED)),
        "token" => {
            out.legacy_v1 = true;
            if fields.policy.is_none() {
                fields.policy = text(token_code(codes::POLICY_REQUIRED));
            }
        }
        "response_format" => fields.response_format = text(token_code(codes::RESPONSE_FORMAT)),
        "key_rotation" => match value {
            Value::Bool(b) => fields.key_rotation = Some(*b),
            _ => problems.push(problem(
                token_code(codes::KEY_ROTATION),
                key,
                "key_rotation should be a boolean",
            )),
        },
        "timestamp" => fields.timestamp = text(None),
        "hash" => fields.hash = text(None),
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

fn string(
    value: &Value,
    key: &str,
    code: Option<ProblemCode>,
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

/// Checks that the members the server needs are present and not empty.
pub(super) fn check_presence(members: &Members<'_>, problems: &mut Vec<Problem>) {
    for (name, code) in [
        ("drm_type", server(ServerCode::INVALID_DRM_TYPE)),
        ("site_id", token_code(codes::SITE_ID_REQUIRED)),
        ("user_id", token_code(codes::USER_ID_REQUIRED)),
        ("cid", token_code(codes::CID_REQUIRED)),
        ("timestamp", None),
        ("hash", None),
    ] {
        if !members.present.contains(name) {
            problems.push(problem(code, name, &format!("{name} is missing")));
        }
    }
    if !members.present.contains("policy") && !members.legacy_v1 {
        problems.push(problem(
            token_code(codes::POLICY_REQUIRED),
            "policy",
            "policy is missing",
        ));
    }
    let fields = &members.fields;
    for (name, value, code) in [
        ("user_id", &fields.user_id, codes::USER_ID_REQUIRED),
        ("cid", &fields.cid, codes::CID_REQUIRED),
        ("site_id", &fields.site_id, codes::SITE_ID_REQUIRED),
    ] {
        if value.as_deref() == Some("") {
            problems.push(problem(token_code(code), name, &format!("{name} is empty")));
        }
    }
}

/// Checks the values of `drm_type`, `response_format`, `timestamp` and `hash`.
pub(super) fn check_values(fields: &TokenFields, problems: &mut Vec<Problem>) {
    if let Some(report) = fields.drm_type.as_deref().map(drm_type_report) {
        if report.form == DrmTypeForm::Unknown {
            problems.push(problem(
                server(ServerCode::INVALID_DRM_TYPE),
                "drm_type",
                &format!(
                    "drm_type {:?} is not PlayReady, Widevine, FairPlay, NCG or Wiseplay (in any case): {}",
                    report.seen,
                    answers(ServerCode::INVALID_DRM_TYPE)
                ),
            ));
        }
    }
    if let Some(f) = &fields.response_format {
        if ResponseFormat::from_wire(f).is_none() {
            problems.push(problem(
                token_code(codes::RESPONSE_FORMAT),
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
                server(ServerCode::TOKEN_EXPIRED),
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
                server(ServerCode::HASH_MISMATCH),
                "hash",
                "hash is not the standard base64 of a SHA-256 digest (44 characters)",
            ));
        }
    }
}

/// The DRM a `drm_type` value names, compared without regard to case, and the form it takes.
pub(super) fn drm_type_report(seen: &str) -> DrmTypeReport {
    let known = DrmType::ALL
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(seen));
    let form = match known {
        None => DrmTypeForm::Unknown,
        Some(t) if t.as_str() == seen => DrmTypeForm::Canonical,
        Some(t) if t.lower_name() == seen => DrmTypeForm::LowerCase,
        Some(_) => DrmTypeForm::OtherCase,
    };
    let note = match (known, form) {
        (Some(t), DrmTypeForm::LowerCase | DrmTypeForm::OtherCase) => Some(format!(
            "written {:?}, canonical {:?}: the license server ignores the case of drm_type (server release notes 4.3.0; \
             the vendor's own sample tokens are lower case), so this is accepted; this toolkit writes the canonical name",
            clip(seen),
            t.as_str()
        )),
        _ => None,
    };
    DrmTypeReport {
        seen: clip(seen),
        canonical: known.map(DrmType::as_str),
        form,
        note,
    }
}

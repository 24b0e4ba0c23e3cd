//! The checks that need keys or a clock: the policy (site key), the hash (access key) and the
//! token's age (the validity window).

use drm_policy::{Policy, ServerCode};
use subtle::ConstantTimeEq;

use super::InspectOptions;
use super::report::{HashReport, PolicyReport, TimeReport, TimeStatus, TokenFields};
use super::{answers, clip};
use crate::credentials::{AccessKey, SiteKey};
use crate::drm_type::DrmType;
use crate::envelope::{HashInput, decrypt_policy, token_hash};
use crate::timestamp::Timestamp;

pub(super) fn policy_report(field: Option<&str>, key: &SiteKey) -> PolicyReport {
    let mut report = PolicyReport {
        decrypted: false,
        plaintext: None,
        json: None,
        violations: Vec::new(),
        advisories: Vec::new(),
        error: None,
    };
    let Some(field) = field else {
        report.error = Some("the token has no policy field".to_owned());
        return report;
    };
    match decrypt_policy(field, key) {
        Err(e) => {
            report.error = Some(format!(
                "{e}; when the policy does not decrypt with the site's key, {} or {}",
                answers(ServerCode::SITE_KEY_DECRYPT_FAILED),
                answers(ServerCode::CUSTOMDATA_DECRYPT_FAILED)
            ));
        }
        Ok(bytes) => {
            report.decrypted = true;
            match String::from_utf8(bytes) {
                Err(_) => report.error = Some("the decrypted policy is not UTF-8".to_owned()),
                Ok(text) => {
                    report.json = serde_json::from_str(&text).ok();
                    match Policy::from_json(&text) {
                        Ok(policy) => report.advisories = policy.advisories(),
                        Err(e) => report.violations = e.into_violations(),
                    }
                    report.plaintext = Some(text);
                }
            }
        }
    }
    report
}

pub(super) fn hash_report(
    fields: &TokenFields,
    key: &AccessKey,
    policy: Option<&PolicyReport>,
) -> HashReport {
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
            note: None,
        };
    };
    let given = fields.hash.as_deref().unwrap_or_default();
    let matches = |expected: &str| bool::from(expected.as_bytes().ct_eq(given.as_bytes()));
    let expected = token_hash(key, &input);
    if matches(&expected) {
        return HashReport {
            valid: true,
            expected: Some(expected),
            hint: None,
            note: None,
        };
    }
    if let Some(report) = other_case_match(&input, key, &matches) {
        return report;
    }
    let mut hint = format!(
        "hash mismatch: {}. Check that the access key (not the site key) is the site's, \
         that the hash covers access_key+drm_type+site_id+user_id+cid+policy+timestamp exactly as written in the token \
         (the same policy text, not a re-encryption; the same timestamp string), as UTF-8, encoded in standard base64",
        answers(ServerCode::HASH_MISMATCH)
    );
    if policy.is_some_and(|p| !p.decrypted) {
        hint.push_str(
            "; the site key did not open the policy either: check both keys belong to this site",
        );
    }
    HashReport {
        valid: false,
        expected: Some(expected),
        hint: Some(hint),
        note: None,
    }
}

/// The server ignores the case of `drm_type` in the hash check (release notes 4.3.0): a hash
/// made over another spelling of the same DRM (canonical or lower case) is accepted.
fn other_case_match(
    input: &HashInput<'_>,
    key: &AccessKey,
    matches: &dyn Fn(&str) -> bool,
) -> Option<HashReport> {
    let drm = DrmType::ALL
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(input.drm_type))?;
    [drm.as_str(), drm.lower_name()]
        .into_iter()
        .filter(|name| *name != input.drm_type)
        .find_map(|name| {
            let expected = token_hash(key, &HashInput { drm_type: name, ..*input });
            matches(&expected).then(|| HashReport {
                valid: true,
                expected: Some(expected),
                hint: None,
                note: Some(format!(
                    "the hash was made over drm_type {name:?}, the token says {:?}: the license server ignores the case \
                     of drm_type in the hash check (release notes 4.3.0)",
                    clip(input.drm_type)
                )),
            })
        })
}

pub(super) fn time_report(timestamp: Option<&str>, options: &InspectOptions<'_>) -> TimeReport {
    let window = options.validity_secs;
    let parsed = timestamp.and_then(|t| Timestamp::parse(t).ok());
    let (status, age, hint) = match parsed {
        None => (
            TimeStatus::Invalid,
            None,
            Some(format!(
                "the timestamp is missing or malformed: the license server cannot date the token; {}",
                answers(ServerCode::TOKEN_EXPIRED)
            )),
        ),
        Some(ts) => {
            let age = options.now.unix_seconds() - ts.unix_seconds();
            if age < 0 {
                (
                    TimeStatus::NotYetValid,
                    Some(age),
                    Some(format!(
                        "the timestamp is {} s in the future: {}. \
                         The minting clock is ahead or not in UTC",
                        -age,
                        answers(ServerCode::TOKEN_EXPIRED)
                    )),
                )
            } else if age > window {
                (
                    TimeStatus::Expired,
                    Some(age),
                    Some(format!(
                        "the token is {age} s old, beyond the {window} s window: {}. \
                         Mint the token just before the license request and never cache it \
                         (token validity is not the license duration of the policy)",
                        answers(ServerCode::TOKEN_EXPIRED)
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

//! The rules a typed policy must follow beyond its types.
//!
//! Stricter than the official Python sample, on purpose (each is a way a policy can be accepted
//! by the sample and then misbehave on the license server):
//! - `expire_date` must be a real UTC date and time (`2025-19-59T29:59:59Z` passes the sample's
//!   regex; not here);
//! - durations (`license_duration`, `rental_duration`, `playback_duration`, `renewal_duration`)
//!   and `max_stream_per_user` must be within `0..=2147483647` (the sample accepts `-5`);
//! - a numeric-string `renewal_duration` must be decimal digits only;
//! - one `security_policy` entry per `track_type`;
//! - an `external_key` must hold at least one key (code 1018).
//!
//! Advice that is ours, not an official rule, is an [`Advisory`] (no code, never a rejection):
//! a `rental_duration` or `playback_duration` above 0 without `persistent: true` (both only
//! act on offline licenses; 0, the server default, is always fine).
//!
//! Key material is lower-case hex of exact length and WisePlay values are within their ranges by
//! construction (see [`crate::read`] for how JSON input is checked).

use crate::codes;
use crate::model::*;
use crate::schema::Field;
use crate::violation::{PolicyError, Violations};

/// The largest duration the license server takes (a signed 32-bit integer).
pub const MAX_DURATION: i64 = 2_147_483_647;

impl Policy {
    /// Checks every rule and returns every violation, or `Ok(())`.
    ///
    /// # Errors
    /// A [`PolicyError`] listing each violation with its JSON path and official code.
    pub fn validate(&self) -> Result<(), PolicyError> {
        let mut v = Violations::default();
        self.check_into(&mut v);
        v.into_result(())
    }

    pub(crate) fn check_into(&self, v: &mut Violations) {
        if let Some(p) = &self.playback_policy {
            check_playback(p, &policy_fields::playback_policy.path("$"), v);
        }
        let list = policy_fields::security_policy.path("$");
        // At most one entry per track type: `seen` holds each type once (linear in the entries).
        let mut seen = Vec::new();
        for (i, entry) in self.security_policy.iter().enumerate() {
            if seen.contains(&entry.track_type) {
                let field = security_fields::track_type;
                v.push(
                    field.code,
                    &field.path(&format!("{list}[{i}]")),
                    format!(
                        "track_type {} appears in more than one security_policy entry",
                        entry.track_type
                    ),
                );
            } else {
                seen.push(entry.track_type);
            }
        }
        if let Some(e) = &self.external_key {
            if e.is_empty() {
                v.push(
                    codes::EXTERNAL_KEY_EMPTY,
                    &policy_fields::external_key.path("$"),
                    "external_key is set but holds no key",
                );
            }
        }
    }
}

/// Advice about a policy that is valid: the license server accepts it, but part of it probably
/// does not do what was meant. These rules are this project's, not the official samples': an
/// advisory has no official code and never makes a policy invalid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Advisory {
    /// JSON path of the value concerned.
    pub path: String,
    /// What is probably not meant, and what to do instead.
    pub message: String,
}

impl Policy {
    /// Advice about this policy (empty when there is none). Not violations: see [`Advisory`].
    pub fn advisories(&self) -> Vec<Advisory> {
        let mut out = Vec::new();
        if let Some(p) = &self.playback_policy {
            offline_advice(p, &mut out);
        }
        out
    }
}

/// `rental_duration` / `playback_duration` above 0 need `persistent: true`; 0 is the server's
/// default (the official PHP sample always writes it) and is fine either way.
fn offline_advice(p: &PlaybackPolicy, out: &mut Vec<Advisory>) {
    if p.persistent == Some(true) {
        return;
    }
    for (field, value) in [
        ("rental_duration", p.rental_duration),
        ("playback_duration", p.playback_duration),
    ] {
        if let Some(n) = value.filter(|n| *n > 0) {
            out.push(Advisory {
                path: format!("$.playback_policy.{field}"),
                message: format!(
                    "{field} {n} only acts on offline (persistent) licenses and persistent is not true: \
                     the license is a streaming one. Set persistent to true for an offline rental, or drop {field} \
                     (advice of this project, not an official rule; no official code)"
                ),
            });
        }
    }
}

fn check_range(v: &mut Violations, at: &str, field: Field, value: Option<i64>) {
    if let Some(n) = value {
        if !(0..=MAX_DURATION).contains(&n) {
            v.push(
                field.code,
                &field.path(at),
                format!(
                    "{} must be an integer within 0..={MAX_DURATION}, got {n}",
                    field.key
                ),
            );
        }
    }
}

/// The rules of `playback_policy`, the object at `at`.
fn check_playback(p: &PlaybackPolicy, at: &str, v: &mut Violations) {
    use playback_fields as f;
    check_range(v, at, f::license_duration, p.license_duration);
    check_range(v, at, f::rental_duration, p.rental_duration);
    check_range(v, at, f::playback_duration, p.playback_duration);
    check_range(v, at, f::max_stream_per_user, p.max_stream_per_user);
    match &p.renewal_duration {
        Some(RenewalDuration::Seconds(n)) => check_range(v, at, f::renewal_duration, Some(*n)),
        Some(RenewalDuration::Text(t)) => {
            let digits = !t.is_empty() && t.len() <= 10 && t.bytes().all(|b| b.is_ascii_digit());
            match t.parse::<i64>() {
                Ok(n) if digits => check_range(v, at, f::renewal_duration, Some(n)),
                _ => v.push(
                    f::renewal_duration.code,
                    &f::renewal_duration.path(at),
                    format!(
                        "renewal_duration as a string must be decimal digits, got {:?}",
                        clip(t)
                    ),
                ),
            }
        }
        None => {}
    }
    if let Some(date) = &p.expire_date {
        if !is_utc_datetime(date) {
            v.push(
                f::expire_date.code,
                &f::expire_date.path(at),
                format!(
                    "expire_date must be a real UTC time as YYYY-MM-DDTHH:MM:SSZ, got {:?}",
                    clip(date)
                ),
            );
        }
    }
}

/// Whether `text` is exactly `YYYY-MM-DDTHH:MM:SSZ` naming a real instant (no leap seconds).
pub fn is_utc_datetime(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return false;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
        num(0..4),
        num(5..7),
        num(8..10),
        num(11..13),
        num(14..16),
        num(17..19),
    ) else {
        return false;
    };
    let (Ok(year), Ok(month)) = (i32::try_from(year), u8::try_from(month)) else {
        return false;
    };
    let Ok(month) = time::Month::try_from(month) else {
        return false;
    };
    let days_in_month = u32::from(month.length(year));
    (1..=days_in_month).contains(&day) && hour < 24 && minute < 60 && second < 60
}

/// At most 64 characters of a value, for messages.
pub(crate) fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_datetimes() {
        assert!(is_utc_datetime("2025-12-31T23:59:59Z"));
        assert!(is_utc_datetime("2024-02-29T00:00:00Z"));
        for bad in [
            "2025-02-29T00:00:00Z",
            "2025-19-59T29:59:59Z",
            "2025-,1-01T00:00:00Z",
            "2025-12-31T23:59:59.000Z",
            "2025-12-31 23:59:59Z",
            "2025-12-31T24:00:00Z",
            "2100-02-29T00:00:00Z",
        ] {
            assert!(!is_utc_datetime(bad), "{bad}");
        }
    }
}

//! Tells a gateway refusal of the request's timestamp (clock skew) apart from bad credentials.

use crate::error::Error;
use crate::signature::MAX_CLOCK_SKEW_MS;

/// Words of a gateway message that point at the timestamp rather than the credentials.
const SKEW_WORDS: &[&str] = &["timestamp", "expired", "clock", "skew"];

/// Turns a gateway authentication refusal into [`Error::ClockSkew`] when its text names the
/// timestamp, or when the server's `Date` is more than five minutes from the signing clock.
pub(crate) fn classify_clock_skew(
    error: Error,
    timestamp_ms: u64,
    server_ms: Option<u64>,
) -> Error {
    let Error::Gateway {
        status,
        error_code,
        message,
        details,
        body,
    } = error
    else {
        return error;
    };
    let skew_ms = server_ms.map(|server| {
        i64::try_from(i128::from(timestamp_ms) - i128::from(server)).unwrap_or(i64::MAX)
    });
    let text = format!("{message} {}", details.as_deref().unwrap_or_default()).to_ascii_lowercase();
    let words = SKEW_WORDS.iter().any(|w| text.contains(w));
    let date_far = skew_ms.is_some_and(|s| s.unsigned_abs() > MAX_CLOCK_SKEW_MS);
    if (status == 401 || status == 403) && (words || date_far) {
        Error::ClockSkew {
            status,
            error_code,
            message,
            details,
            skew_ms,
            body,
        }
    } else {
        Error::Gateway {
            status,
            error_code,
            message,
            details,
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_timestamp_rejection_is_clock_skew() {
        let gateway = |details: &str| Error::Gateway {
            status: 401,
            error_code: "200".into(),
            message: "Authentication Failed".to_owned(),
            details: Some(details.to_owned()),
            body: String::new(),
        };
        let skew = classify_clock_skew(gateway("timestamp is too old"), 1_000, None);
        assert!(matches!(skew, Error::ClockSkew { .. }), "{skew:?}");
        let by_date = classify_clock_skew(gateway("nope"), 10_000_000, Some(1_000));
        assert!(
            matches!(
                by_date,
                Error::ClockSkew {
                    skew_ms: Some(9_999_000),
                    ..
                }
            ),
            "{by_date:?}"
        );
        let signature = classify_clock_skew(gateway("signature mismatch"), 1_000, Some(1_000));
        assert!(matches!(signature, Error::Gateway { .. }), "{signature:?}");
    }
}

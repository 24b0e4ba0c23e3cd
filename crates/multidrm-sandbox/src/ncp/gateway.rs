//! The emulated API Gateway: required headers, the ±5-minute clock window and signature v2,
//! verified by the emulator's own short HMAC code (not the client's signer, so that a bug in
//! one is caught by the other).

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use ncp_policy_api::signature::{
    DEFAULT_REGION_CODE, HEADER_ACCESS_KEY, HEADER_REGION_CODE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use ncp_policy_api::{AccessKey, SecretKey};
use sha2::Sha256;

use super::errors::GatewayRejection;

/// What the gateway accepts.
pub(crate) struct GatewayRules<'a> {
    pub(crate) access_key: &'a AccessKey,
    pub(crate) secret_key: &'a SecretKey,
    pub(crate) max_skew_ms: u64,
    pub(crate) strict_headers: bool,
    /// With `strict_headers`: also require a JSON `Content-Type` (not on license calls, whose
    /// bodies are CDM challenges and whose official helpers send none).
    pub(crate) json_content_type: bool,
}

/// NCP signature v2: base64(HMAC-SHA256(secret, `METHOD target\ntimestamp\naccess-key`)).
pub(crate) fn expected_signature(
    method: &str,
    target: &str,
    timestamp_ms: &str,
    access_key: &str,
    secret_key: &str,
) -> String {
    #[allow(clippy::expect_used)]
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    for part in [method, " ", target, "\n", timestamp_ms, "\n", access_key] {
        mac.update(part.as_bytes());
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Compares the received signature text with the expected one in constant time.
fn signature_matches(received: &str, expected: &str) -> bool {
    let (a, b) = (received.trim().as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A header's value as text; absent, empty or non-UTF-8 counts as missing.
pub(crate) fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.trim().is_empty())
}

/// Checks a request the way the gateway does, in this order: the three authentication headers
/// are present, the access key is known, the timestamp is canonical decimal milliseconds within
/// `max_skew_ms` of `now_ms`, the signature over `METHOD target\ntimestamp\naccess-key` (target
/// exactly as received, query included) matches; then, when strict, `x-ncp-region_code: KR`
/// and a JSON `Content-Type`.
pub(crate) fn check(
    headers: &HeaderMap,
    method: &str,
    target: &str,
    now_ms: i64,
    rules: &GatewayRules<'_>,
) -> Result<(), GatewayRejection> {
    let timestamp =
        header(headers, HEADER_TIMESTAMP).ok_or(GatewayRejection::MissingAuthHeader {
            header: HEADER_TIMESTAMP,
        })?;
    let access_key =
        header(headers, HEADER_ACCESS_KEY).ok_or(GatewayRejection::MissingAuthHeader {
            header: HEADER_ACCESS_KEY,
        })?;
    let signature =
        header(headers, HEADER_SIGNATURE).ok_or(GatewayRejection::MissingAuthHeader {
            header: HEADER_SIGNATURE,
        })?;
    if access_key != rules.access_key.expose_secret() {
        return Err(GatewayRejection::UnknownAccessKey);
    }
    let timestamp_ms = parse_timestamp(timestamp).ok_or(GatewayRejection::MalformedTimestamp)?;
    let skew_ms = i64::try_from(timestamp_ms)
        .unwrap_or(i64::MAX)
        .saturating_sub(now_ms);
    if skew_ms.unsigned_abs() > rules.max_skew_ms {
        return Err(GatewayRejection::TimestampOutOfWindow { skew_ms });
    }
    let expected = expected_signature(
        method,
        target,
        timestamp,
        rules.access_key.expose_secret(),
        rules.secret_key.expose_secret(),
    );
    if !signature_matches(signature, &expected) {
        return Err(GatewayRejection::SignatureMismatch);
    }
    if rules.strict_headers {
        let region_ok = header(headers, HEADER_REGION_CODE)
            .is_some_and(|region| region.trim().eq_ignore_ascii_case(DEFAULT_REGION_CODE));
        if !region_ok {
            return Err(GatewayRejection::BadHeader {
                header: HEADER_REGION_CODE,
            });
        }
        let json_ok = !rules.json_content_type
            || header(headers, "content-type").is_some_and(|value| {
                value
                    .split(';')
                    .next()
                    .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
            });
        if !json_ok {
            return Err(GatewayRejection::BadHeader {
                header: "Content-Type",
            });
        }
    }
    Ok(())
}

/// Decimal milliseconds in canonical form (digits only, no leading zero): the signer renders
/// the number it signs, so any other spelling could never verify.
fn parse_timestamp(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use ncp_policy_api::signature::sign;

    use super::*;

    const NOW: i64 = 1_700_000_000_000;
    const TARGET: &str = "/api/v1/policy?pageNo=1&pageSize=20";

    fn keys() -> (AccessKey, SecretKey) {
        (AccessKey::new("AK"), SecretKey::new("SK"))
    }

    fn signed(method: &str, target: &str, ts: i64, secret: &str) -> HeaderMap {
        let (ak, _) = keys();
        let signature = sign(
            method,
            target,
            u64::try_from(ts).expect("positive"),
            &ak,
            &SecretKey::new(secret),
        );
        let mut headers = HeaderMap::new();
        let pairs = [
            (HEADER_TIMESTAMP, ts.to_string()),
            (HEADER_ACCESS_KEY, "AK".to_owned()),
            (HEADER_SIGNATURE, signature),
            (HEADER_REGION_CODE, "KR".to_owned()),
            ("content-type", "application/json".to_owned()),
        ];
        for (name, value) in pairs {
            headers.insert(name, HeaderValue::from_str(&value).expect("header"));
        }
        headers
    }

    fn run(headers: &HeaderMap, method: &str, target: &str) -> Result<(), GatewayRejection> {
        let (ak, sk) = keys();
        let rules = GatewayRules {
            access_key: &ak,
            secret_key: &sk,
            max_skew_ms: 300_000,
            strict_headers: true,
            json_content_type: true,
        };
        check(headers, method, target, NOW, &rules)
    }

    /// `vectors/license/ncp.json` (computed with `shared/tools/ncp_sign.py`, re-checked with
    /// `openssl dgst -hmac`): the emulator's own signer against the published values.
    #[test]
    fn own_signer_matches_the_license_vectors() {
        let (ak, sk, ts) = (
            "NCPTESTACCESSKEY0001",
            "NCPTESTSECRETKEY000000000000000000000001",
            "1700000000000",
        );
        for (method, target, signature) in [
            (
                "POST",
                "/api/v1/license",
                "PU1vpnIHe2NJKSnHtjTYQq3Mjx5jsyKKECnKBQ/lh+I=",
            ),
            (
                "GET",
                "/api/v1/license/fairPlay",
                "7Hoo3GWBlc4QqMJr6+VVa3u84ejKaIBV/POqx/v3dRI=",
            ),
            (
                "GET",
                "/api/v1/license/fairPlayBinary",
                "DycuM0lKOEr8VJTyDGvk1sHFFwJsQnNLd5/hp3vpvyE=",
            ),
        ] {
            assert_eq!(
                expected_signature(method, target, ts, ak, sk),
                signature,
                "{target}"
            );
        }
    }

    #[test]
    fn accepts_a_good_request() {
        assert_eq!(
            run(&signed("GET", TARGET, NOW, "SK"), "GET", TARGET),
            Ok(())
        );
    }

    #[test]
    fn wrong_secret() {
        assert_eq!(
            run(&signed("GET", TARGET, NOW, "other"), "GET", TARGET),
            Err(GatewayRejection::SignatureMismatch)
        );
    }

    #[test]
    fn target_and_method_are_signed() {
        let headers = signed("GET", TARGET, NOW, "SK");
        assert_eq!(
            run(&headers, "GET", "/api/v1/policy?pageNo=2&pageSize=20"),
            Err(GatewayRejection::SignatureMismatch)
        );
        assert_eq!(
            run(&headers, "GET", "/api/v1/policy?pageSize=20&pageNo=1"),
            Err(GatewayRejection::SignatureMismatch),
            "query order matters"
        );
        assert_eq!(
            run(&headers, "DELETE", TARGET),
            Err(GatewayRejection::SignatureMismatch)
        );
    }

    #[test]
    fn clock_window_edges() {
        for (offset, ok) in [
            (300_000, true),
            (-300_000, true),
            (300_001, false),
            (-300_001, false),
        ] {
            let result = run(&signed("GET", TARGET, NOW + offset, "SK"), "GET", TARGET);
            if ok {
                assert_eq!(result, Ok(()), "{offset}");
            } else {
                assert_eq!(
                    result,
                    Err(GatewayRejection::TimestampOutOfWindow { skew_ms: offset }),
                    "{offset}"
                );
            }
        }
    }

    #[test]
    fn missing_headers_in_order() {
        for name in [HEADER_TIMESTAMP, HEADER_ACCESS_KEY, HEADER_SIGNATURE] {
            let mut headers = signed("GET", TARGET, NOW, "SK");
            headers.remove(name);
            assert_eq!(
                run(&headers, "GET", TARGET),
                Err(GatewayRejection::MissingAuthHeader { header: name })
            );
        }
    }

    #[test]
    fn unknown_access_key() {
        let mut headers = signed("GET", TARGET, NOW, "SK");
        headers.insert(HEADER_ACCESS_KEY, HeaderValue::from_static("someone-else"));
        assert_eq!(
            run(&headers, "GET", TARGET),
            Err(GatewayRejection::UnknownAccessKey)
        );
    }

    #[test]
    fn malformed_timestamps() {
        for bad in [
            "abc",
            "1700000000000.0",
            "-1",
            "+1700000000000",
            "01700000000000",
            "1.7e12",
        ] {
            let mut headers = signed("GET", TARGET, NOW, "SK");
            headers.insert(
                HEADER_TIMESTAMP,
                HeaderValue::from_str(bad).expect("header"),
            );
            assert_eq!(
                run(&headers, "GET", TARGET),
                Err(GatewayRejection::MalformedTimestamp),
                "{bad}"
            );
        }
    }

    #[test]
    fn seconds_instead_of_milliseconds_is_out_of_window() {
        let headers = signed("GET", TARGET, NOW / 1000, "SK");
        assert!(matches!(
            run(&headers, "GET", TARGET),
            Err(GatewayRejection::TimestampOutOfWindow { .. })
        ));
    }

    #[test]
    fn strict_headers() {
        let mut headers = signed("GET", TARGET, NOW, "SK");
        headers.remove(HEADER_REGION_CODE);
        assert_eq!(
            run(&headers, "GET", TARGET),
            Err(GatewayRejection::BadHeader {
                header: HEADER_REGION_CODE
            })
        );
        let mut headers = signed("GET", TARGET, NOW, "SK");
        headers.insert("content-type", HeaderValue::from_static("text/plain"));
        assert_eq!(
            run(&headers, "GET", TARGET),
            Err(GatewayRejection::BadHeader {
                header: "Content-Type"
            })
        );
        let mut headers = signed("GET", TARGET, NOW, "SK");
        headers.insert(
            "content-type",
            HeaderValue::from_static("Application/JSON; charset=UTF-8"),
        );
        assert_eq!(run(&headers, "GET", TARGET), Ok(()));
    }
}

//! Issue 10, class 5: inspect is linear in the number of JSON members. These tokens fill the
//! 4 MiB limit with members (the quadratic duplicate check took ~55 s for 160,000); they are
//! checked by what is reported, not by timing.
#![allow(clippy::unwrap_used, missing_docs)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_token::Timestamp;
use drm_token::inspect::{InspectError, InspectOptions, MAX_TOKEN_BYTES, inspect};

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `n` distinct four-character member names.
fn distinct_keys(n: usize) -> impl Iterator<Item = String> {
    (0..n).map(|mut i| {
        let mut key = String::with_capacity(4);
        for _ in 0..4 {
            key.push(char::from(ALPHABET[i % ALPHABET.len()]));
            i /= ALPHABET.len();
        }
        key
    })
}

fn token_of(members: impl Iterator<Item = String>) -> String {
    let body: Vec<String> = members.map(|k| format!("\"{k}\":0")).collect();
    let token = STANDARD.encode(format!("{{{}}}", body.join(",")));
    assert!(token.len() <= MAX_TOKEN_BYTES, "{} bytes", token.len());
    token
}

fn options() -> InspectOptions<'static> {
    InspectOptions::new(Timestamp::parse("2025-06-01T12:34:56Z").unwrap())
}

#[test]
fn distinct_members_filling_the_limit_are_each_reported_once() {
    let n = 340_000;
    let report = inspect(&token_of(distinct_keys(n)), &options()).unwrap();
    assert_eq!(report.key_order.len(), n);
    let unknown = report
        .problems
        .iter()
        .filter(|p| p.message.starts_with("unknown member"))
        .count();
    assert_eq!(unknown, n);
    assert!(
        !report
            .problems
            .iter()
            .any(|p| p.message.contains("more than once"))
    );
}

#[test]
fn four_hundred_fifty_thousand_duplicate_members_are_handled() {
    let n = 450_000;
    let report = inspect(
        &token_of(std::iter::repeat_n("a".to_owned(), n)),
        &options(),
    )
    .unwrap();
    assert_eq!(report.key_order.len(), n);
    let duplicates = report
        .problems
        .iter()
        .filter(|p| p.message.contains("more than once"))
        .count();
    assert_eq!(duplicates, n - 1);
}

#[test]
fn one_byte_over_the_limit_is_refused_before_decoding() {
    let token = "A".repeat(MAX_TOKEN_BYTES + 1);
    assert_eq!(
        inspect(&token, &options()).unwrap_err(),
        InspectError::TooLarge {
            len: MAX_TOKEN_BYTES + 1,
            limit: MAX_TOKEN_BYTES
        }
    );
}

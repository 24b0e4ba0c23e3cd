//! Reads the HTTP `Date` header (IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`) to estimate the
//! difference between the local clock and the server's.

use time::PrimitiveDateTime;
use time::macros::format_description;

/// Epoch milliseconds of an IMF-fixdate, or `None` for anything else (dates before 1970
/// included).
pub(crate) fn parse_ms(value: &str) -> Option<u64> {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let date = PrimitiveDateTime::parse(value.trim(), format).ok()?;
    let ms = date.assume_utc().unix_timestamp_nanos() / 1_000_000;
    u64::try_from(ms).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_imf_fixdate() {
        assert_eq!(
            parse_ms("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(parse_ms("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_ms("Tue, 14 Nov 2023 22:13:20 GMT"),
            Some(1_700_000_000_000)
        );
        assert_eq!(parse_ms("yesterday"), None);
        assert_eq!(parse_ms("Sun, 06 Nov 1994 08:49:37 PST"), None);
    }
}

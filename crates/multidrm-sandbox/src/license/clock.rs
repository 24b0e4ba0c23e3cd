//! The emulator's clock (injectable, so tests can be exact about token age) and the token
//! timestamp format `yyyy-MM-ddTHH:mm:ssZ`, read by the emulator's own code.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Where the license emulator reads "now" from.
#[derive(Debug, Default)]
pub struct LicenseClock {
    /// `i64::MIN` = follow the system clock; anything else is a fixed Unix time in seconds.
    fixed: AtomicI64,
    offset: AtomicI64,
}

const SYSTEM: i64 = i64::MIN;

impl LicenseClock {
    /// A clock following the system clock.
    pub fn system() -> Self {
        Self {
            fixed: AtomicI64::new(SYSTEM),
            offset: AtomicI64::new(0),
        }
    }

    /// Now, Unix seconds: the fixed time if one is set, else the system clock, plus the offset.
    pub fn now(&self) -> i64 {
        let base = match self.fixed.load(Ordering::Relaxed) {
            SYSTEM => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            fixed => fixed,
        };
        base.saturating_add(self.offset.load(Ordering::Relaxed))
    }

    /// Freezes the clock at a Unix time (seconds).
    pub fn set_fixed(&self, unix_seconds: i64) {
        self.fixed
            .store(unix_seconds.max(SYSTEM + 1), Ordering::Relaxed);
    }

    /// Follows the system clock again.
    pub fn follow_system(&self) {
        self.fixed.store(SYSTEM, Ordering::Relaxed);
    }

    /// Adds seconds to every reading (a server whose clock is ahead or behind).
    pub fn set_offset(&self, seconds: i64) {
        self.offset.store(seconds, Ordering::Relaxed);
    }
}

/// Reads `yyyy-MM-ddTHH:mm:ssZ` (exactly 20 characters, literal `T` and `Z`) as Unix seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = &b[range];
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let month_ok = (1..=12).contains(&month);
    if !month_ok || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Writes Unix seconds as `yyyy-MM-ddTHH:mm:ssZ` (years 0–9999).
pub fn format_timestamp(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2019-07-17T08:57:04Z"), Some(1_563_353_824));
        assert_eq!(parse_timestamp("2024-02-29T23:59:59Z"), Some(1_709_251_199));
        assert_eq!(format_timestamp(1_563_353_824), "2019-07-17T08:57:04Z");
    }

    #[test]
    fn rejects_other_spellings() {
        for bad in [
            "2019-07-17 08:57:04Z",
            "2019-07-17T08:57:04",
            "2019-07-17T08:57:04.000Z",
            "2019-07-17T08:57:04+00:00",
            "2023-02-29T00:00:00Z",
            "2019-13-01T00:00:00Z",
            "2019-07-17T24:00:00Z",
            "+019-07-17T08:57:04Z",
            "",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn round_trip() {
        for t in [0, 86_399, 951_782_400, 1_700_000_000, 4_102_444_800] {
            assert_eq!(parse_timestamp(&format_timestamp(t)), Some(t));
        }
    }

    #[test]
    fn fixed_and_offset_clock() {
        let clock = LicenseClock::system();
        clock.set_fixed(1_000);
        clock.set_offset(-10);
        assert_eq!(clock.now(), 990);
        clock.follow_system();
        assert!(clock.now() > 1_700_000_000);
    }
}

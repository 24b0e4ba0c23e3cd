//! The emulator's clock (injectable, so tests can be exact about token age) and the token
//! timestamp format `yyyy-MM-ddTHH:mm:ssZ`, read by the emulator's own code (the calendar
//! rules are the `time` crate's).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

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
    // At most four digits each, so the conversions cannot fail; `time` checks the calendar.
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

/// Writes Unix seconds as `yyyy-MM-ddTHH:mm:ssZ` (years 0–9999; the epoch outside the years
/// `time` represents).
pub fn format_timestamp(unix: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
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

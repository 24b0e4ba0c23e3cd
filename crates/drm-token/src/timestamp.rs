//! The token timestamp: UTC, `yyyy-MM-ddTHH:mm:ssZ`, no fractional seconds.

use std::fmt;
use std::str::FromStr;

use crate::error::{TokenError, clip};

/// A token timestamp: whole seconds in UTC, formatted `yyyy-MM-ddTHH:mm:ssZ`
/// (e.g. `2025-06-01T12:34:56Z`).
///
/// The license server accepts a token for 600 seconds after this instant (a per-site setting)
/// and rejects one dated in the future (error 7011): mint tokens just before the license
/// request, with a UTC clock, and never cache them.
///
/// Years 1970 to 9999 only. The formatted text is kept, so minting never formats again.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    unix: i64,
    text: [u8; 20],
}

/// The first second of year 10000: the largest accepted timestamp is one second before.
const MAX_UNIX: i64 = 253_402_300_800;

impl Timestamp {
    /// From seconds since the Unix epoch.
    ///
    /// # Errors
    /// [`TokenError::Timestamp`] outside 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z.
    pub fn from_unix(seconds: i64) -> Result<Self, TokenError> {
        if !(0..MAX_UNIX).contains(&seconds) {
            return Err(TokenError::Timestamp {
                value: seconds.to_string(),
            });
        }
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut text = *b"0000-00-00T00:00:00Z";
        put(&mut text[0..4], year as u32);
        put(&mut text[5..7], month);
        put(&mut text[8..10], day);
        put(&mut text[11..13], (secs / 3600) as u32);
        put(&mut text[14..16], (secs / 60 % 60) as u32);
        put(&mut text[17..19], (secs % 60) as u32);
        Ok(Self {
            unix: seconds,
            text,
        })
    }

    /// The current time of the system clock (the only function here that reads a clock).
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let secs = i64::try_from(secs)
            .unwrap_or(MAX_UNIX - 1)
            .min(MAX_UNIX - 1);
        // In range by construction.
        Self::from_unix(secs).unwrap_or(Self {
            unix: 0,
            text: *b"1970-01-01T00:00:00Z",
        })
    }

    /// Parses exactly `yyyy-MM-ddTHH:mm:ssZ` naming a real instant (no fractional seconds, no
    /// offset, no leap second).
    ///
    /// # Errors
    /// [`TokenError::Timestamp`].
    pub fn parse(text: &str) -> Result<Self, TokenError> {
        let err = || TokenError::Timestamp { value: clip(text) };
        if !drm_policy::validate::is_utc_datetime(text) {
            return Err(err());
        }
        let b = text.as_bytes();
        let num = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0i64, |acc, &c| acc * 10 + i64::from(c - b'0'))
        };
        let days = days_from_civil(num(0..4), num(5..7), num(8..10));
        let seconds = days * 86_400 + num(11..13) * 3600 + num(14..16) * 60 + num(17..19);
        Self::from_unix(seconds).map_err(|_| err())
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(&self) -> i64 {
        self.unix
    }

    /// The wire text, e.g. `2025-06-01T12:34:56Z`.
    pub fn as_str(&self) -> &str {
        // Built from ASCII digits and separators only.
        std::str::from_utf8(&self.text).unwrap_or("1970-01-01T00:00:00Z")
    }

    /// The wire text as bytes.
    pub const fn as_bytes(&self) -> &[u8; 20] {
        &self.text
    }
}

fn put(dst: &mut [u8], mut value: u32) {
    for slot in dst.iter_mut().rev() {
        *slot = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.as_str())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Timestamp {
    type Err = TokenError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = TokenError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let t = Timestamp::from_unix(1_748_781_296).unwrap();
        assert_eq!(t.as_str(), "2025-06-01T12:34:56Z");
        assert_eq!(Timestamp::parse("2025-06-01T12:34:56Z").unwrap(), t);
        assert_eq!(
            Timestamp::from_unix(0).unwrap().as_str(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_unix(MAX_UNIX - 1).unwrap().as_str(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            Timestamp::parse("2024-02-29T23:59:59Z")
                .unwrap()
                .unix_seconds(),
            1_709_251_199
        );
        assert!(Timestamp::from_unix(-1).is_err());
        assert!(Timestamp::from_unix(MAX_UNIX).is_err());
        for bad in [
            "2025-06-01T12:34:56.000Z",
            "2025-06-01 12:34:56Z",
            "2025-02-29T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_every_day_boundary_sample() {
        let mut s = 0;
        while s < MAX_UNIX {
            let t = Timestamp::from_unix(s).unwrap();
            assert_eq!(Timestamp::parse(t.as_str()).unwrap().unix_seconds(), s);
            s += 86_400 * 37 + 3_607;
        }
    }
}

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
        let at = time::OffsetDateTime::from_unix_timestamp(seconds).map_err(|_| {
            TokenError::Timestamp {
                value: seconds.to_string(),
            }
        })?;
        let mut text = *b"0000-00-00T00:00:00Z";
        // Years 1970..=9999: four digits, never negative.
        put(&mut text[0..4], at.year().unsigned_abs());
        put(&mut text[5..7], u32::from(u8::from(at.month())));
        put(&mut text[8..10], u32::from(at.day()));
        put(&mut text[11..13], u32::from(at.hour()));
        put(&mut text[14..16], u32::from(at.minute()));
        put(&mut text[17..19], u32::from(at.second()));
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
        // Checked above: ASCII digits at these places, a real date and time.
        let num = |r: std::ops::Range<usize>| {
            b[r].iter()
                .fold(0u16, |acc, &c| acc * 10 + u16::from(c - b'0'))
        };
        let small = |r| u8::try_from(num(r)).map_err(|_| err());
        let month = time::Month::try_from(small(5..7)?).map_err(|_| err())?;
        let date = time::Date::from_calendar_date(i32::from(num(0..4)), month, small(8..10)?)
            .map_err(|_| err())?;
        let clock = time::Time::from_hms(small(11..13)?, small(14..16)?, small(17..19)?)
            .map_err(|_| err())?;
        let seconds = date.with_time(clock).assume_utc().unix_timestamp();
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

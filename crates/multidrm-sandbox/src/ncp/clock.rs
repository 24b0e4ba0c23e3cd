//! The emulator's clock: the system clock plus a configurable offset (to emulate a server whose
//! clock is off), and the calendar arithmetic used to mint site ids.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the epoch on the system clock, shifted by `offset_ms`.
pub(crate) fn now_ms(offset_ms: i64) -> i64 {
    let system = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    system.saturating_add(offset_ms)
}

/// `yyyyMMddHHmm` (UTC) of an epoch-milliseconds instant.
pub(crate) fn compact_utc_minutes(epoch_ms: i64) -> String {
    let seconds = epoch_ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}",
        in_day / 3600,
        (in_day % 3600) / 60
    )
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(compact_utc_minutes(0), "197001010000");
        // 2023-11-14T22:13:20Z
        assert_eq!(compact_utc_minutes(1_700_000_000_000), "202311142213");
        // 2000-02-29T12:34:00Z (leap day)
        assert_eq!(compact_utc_minutes(951_827_640_000), "200002291234");
        // 2025-09-03T14:17:59Z
        assert_eq!(compact_utc_minutes(1_756_909_079_000), "202509031417");
    }

    #[test]
    fn offset_shifts_the_clock() {
        let base = now_ms(0);
        let ahead = now_ms(3_600_000);
        assert!(ahead - base >= 3_600_000 - 1_000);
    }
}

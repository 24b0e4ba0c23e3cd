//! The emulator's clock: the system clock plus a configurable offset (to emulate a server whose
//! clock is off), and the UTC date text used to mint site ids.

use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// Milliseconds since the epoch on the system clock, shifted by `offset_ms`.
pub(crate) fn now_ms(offset_ms: i64) -> i64 {
    let system = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    system.saturating_add(offset_ms)
}

/// `yyyyMMddHHmm` (UTC) of an epoch-milliseconds instant (the epoch itself outside the years
/// `time` represents, ±9999).
pub(crate) fn compact_utc_minutes(epoch_ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp(epoch_ms.div_euclid(1000))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}{:02}{:02}{:02}{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute()
    )
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

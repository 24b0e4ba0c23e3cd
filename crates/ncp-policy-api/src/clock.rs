//! Time sources. Signing needs the current time in epoch milliseconds; the client asks a
//! [`Clock`] for it on every attempt, so tests can run it fast, slow or frozen.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        now_ms()
    }
}

/// The system clock's current time in epoch milliseconds (0 if the clock is before 1970).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A clock that stands still until told otherwise.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicU64);

impl FixedClock {
    /// A clock showing `ms`.
    pub fn new(ms: u64) -> Self {
        Self(AtomicU64::new(ms))
    }

    /// Sets the time.
    pub fn set(&self, ms: u64) {
        self.0.store(ms, Ordering::SeqCst);
    }

    /// Moves the time forward.
    pub fn advance(&self, ms: u64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The system clock shifted by a fixed offset (to simulate a machine whose clock is wrong).
#[derive(Debug, Clone, Copy, Default)]
pub struct SkewedClock {
    offset_ms: i64,
}

impl SkewedClock {
    /// The system clock plus `offset_ms` (negative: behind).
    pub fn new(offset_ms: i64) -> Self {
        Self { offset_ms }
    }
}

impl Clock for SkewedClock {
    fn now_ms(&self) -> u64 {
        now_ms().saturating_add_signed(self.offset_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_and_skewed() {
        let fixed = FixedClock::new(10);
        fixed.advance(5);
        assert_eq!(fixed.now_ms(), 15);
        fixed.set(1);
        assert_eq!(fixed.now_ms(), 1);
        let ahead = SkewedClock::new(3_600_000).now_ms();
        assert!(ahead > now_ms() + 3_500_000);
    }
}

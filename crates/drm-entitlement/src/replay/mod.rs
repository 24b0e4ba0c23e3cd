//! Replay protection: a `Challenge` seen within a window is refused.
//!
//! Nothing time-bound is signed in the protocol and the `Challenge` is chosen by the client, so a
//! captured signed request could be replayed verbatim for as long as the user token is valid
//! (spec §5). A [`ReplayGuard`] remembers every accepted `Challenge` for a window (choose it at
//! least as long as the lifetime of a user token) and refuses a second use.
//!
//! [`MemoryReplayGuard`] (the default) is bounded and local to one process;
//! `RedisReplayGuard` (feature `redis`) shares the record between instances.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[cfg(feature = "redis")]
mod redis_store;
#[cfg(feature = "redis")]
pub use redis_store::{DEFAULT_KEY_PREFIX as REDIS_DEFAULT_KEY_PREFIX, RedisReplayGuard};

/// Whether a `Challenge` is used for the first time within the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Freshness {
    /// First use: recorded now.
    Fresh,
    /// Seen before within the window: refuse the request.
    Replayed,
}

/// The replay store could not answer. Callers must refuse the request (fail closed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// The store is unreachable or answered with an error.
    #[error("replay store unavailable: {reason}")]
    Unavailable {
        /// What went wrong (no credentials).
        reason: String,
    },
    /// The store did not answer in time.
    #[error("replay store timed out")]
    Timeout,
}

/// The future returned by [`ReplayGuard::check_and_record`].
pub type ReplayFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Freshness, ReplayError>> + Send + 'a>>;

/// Records challenges and tells whether one was seen before.
///
/// Implementations must be atomic: two concurrent calls with the same key must not both get
/// [`Freshness::Fresh`].
pub trait ReplayGuard: Send + Sync {
    /// Records `key` (a lower-case challenge) at `now`; answers whether it was fresh.
    fn check_and_record<'a>(&'a self, key: &'a str, now: SystemTime) -> ReplayFuture<'a>;
}

impl<G: ReplayGuard + ?Sized> ReplayGuard for std::sync::Arc<G> {
    fn check_and_record<'a>(&'a self, key: &'a str, now: SystemTime) -> ReplayFuture<'a> {
        (**self).check_and_record(key, now)
    }
}

/// Default window: one hour.
pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(3600);
/// Default capacity of the in-memory store: 100 000 challenges (a few MiB).
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// A bounded in-memory replay store for a single process.
///
/// Entries expire after the window. When the store is full, the oldest entry is evicted so
/// memory stays bounded; size the capacity for your peak request rate × window (evictions are
/// counted in [`MemoryReplayGuard::evictions`] and mean the effective window shrank).
#[derive(Debug)]
pub struct MemoryReplayGuard {
    window: Duration,
    capacity: usize,
    evictions: AtomicU64,
    inner: Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    expiry: HashMap<String, Duration>,
    order: VecDeque<(String, Duration)>,
}

impl Default for MemoryReplayGuard {
    fn default() -> Self {
        Self::new(DEFAULT_REPLAY_WINDOW, DEFAULT_REPLAY_CAPACITY)
    }
}

impl MemoryReplayGuard {
    /// A store remembering challenges for `window`, holding at most `capacity` (at least 1).
    pub fn new(window: Duration, capacity: usize) -> Self {
        Self {
            window,
            capacity: capacity.max(1),
            evictions: AtomicU64::new(0),
            inner: Mutex::new(MemoryInner::default()),
        }
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// How many unexpired entries were evicted because the store was full.
    pub fn evictions(&self) -> u64 {
        self.evictions.load(Ordering::Relaxed)
    }

    /// Number of challenges currently remembered.
    pub fn len(&self) -> usize {
        self.lock().expiry.len()
    }

    /// Whether no challenge is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // matters for safety (worst case an entry is forgotten), so poisoning is ignored.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The synchronous check behind [`ReplayGuard::check_and_record`].
    pub fn record(&self, key: &str, now: SystemTime) -> Freshness {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let mut inner = self.lock();
        let MemoryInner { expiry, order } = &mut *inner;
        while let Some((k, exp)) = order.front() {
            if *exp > now {
                break;
            }
            if expiry.get(k) == Some(exp) {
                expiry.remove(k);
            }
            order.pop_front();
        }
        if expiry.get(key).is_some_and(|exp| *exp > now) {
            return Freshness::Replayed;
        }
        while expiry.len() >= self.capacity {
            let Some((k, exp)) = order.pop_front() else {
                break;
            };
            if expiry.get(&k) == Some(&exp) {
                expiry.remove(&k);
                self.evictions.fetch_add(1, Ordering::Relaxed);
            }
        }
        let exp = now.saturating_add(self.window);
        expiry.insert(key.to_owned(), exp);
        order.push_back((key.to_owned(), exp));
        Freshness::Fresh
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn check_and_record<'a>(&'a self, key: &'a str, now: SystemTime) -> ReplayFuture<'a> {
        let result = self.record(key, now);
        Box::pin(std::future::ready(Ok(result)))
    }
}

/// A guard that remembers nothing: every challenge is fresh. Only for tests and deployments
/// that accept replays knowingly.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReplayGuard;

impl ReplayGuard for NoReplayGuard {
    fn check_and_record<'a>(&'a self, _key: &'a str, _now: SystemTime) -> ReplayFuture<'a> {
        Box::pin(std::future::ready(Ok(Freshness::Fresh)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + secs)
    }

    #[test]
    fn refuses_within_window_and_forgets_after() {
        let g = MemoryReplayGuard::new(Duration::from_secs(60), 10);
        assert_eq!(g.record("a", at(0)), Freshness::Fresh);
        assert_eq!(g.record("a", at(59)), Freshness::Replayed);
        assert_eq!(g.record("b", at(59)), Freshness::Fresh);
        assert_eq!(g.record("a", at(60)), Freshness::Fresh);
        assert_eq!(g.record("a", at(61)), Freshness::Replayed);
        assert_eq!(g.len(), 2);
    }

    #[test]
    fn bounded_by_capacity() {
        let g = MemoryReplayGuard::new(Duration::from_secs(60), 3);
        for k in ["a", "b", "c", "d"] {
            assert_eq!(g.record(k, at(0)), Freshness::Fresh);
        }
        assert_eq!(g.len(), 3);
        assert_eq!(g.evictions(), 1);
        assert_eq!(g.record("d", at(1)), Freshness::Replayed);
        // "a" was evicted (the oldest): the effective window shrank, as documented.
        assert_eq!(g.record("a", at(1)), Freshness::Fresh);
    }

    #[test]
    fn expired_entries_free_room_without_eviction() {
        let g = MemoryReplayGuard::new(Duration::from_secs(10), 2);
        g.record("a", at(0));
        g.record("b", at(0));
        assert_eq!(g.record("c", at(20)), Freshness::Fresh);
        assert_eq!(g.evictions(), 0);
        assert_eq!(g.len(), 1);
    }
}

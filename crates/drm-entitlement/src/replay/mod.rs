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
pub use redis_store::{
    DEFAULT_KEY_PREFIX as REDIS_DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT as REDIS_DEFAULT_TIMEOUT,
    RedisReplayGuard,
};

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
    /// The in-memory store holds `capacity` unexpired challenges: a new one cannot be recorded
    /// without forgetting one that could still be replayed, so the request is refused.
    #[error("replay store full ({capacity} unexpired challenges)")]
    Full {
        /// The store's capacity.
        capacity: usize,
    },
}

/// The future returned by [`ReplayGuard::check_and_record`].
pub type ReplayFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Freshness, ReplayError>> + Send + 'a>>;

/// The future returned by [`ReplayGuard::check_ready`].
pub type ReadyFuture<'a> = Pin<Box<dyn Future<Output = Result<(), ReplayError>> + Send + 'a>>;

/// How full a bounded store is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplayFill {
    /// Challenges remembered now.
    pub entries: usize,
    /// Most challenges the store can remember.
    pub capacity: usize,
}

/// Records challenges and tells whether one was seen before.
///
/// Implementations must be atomic: two concurrent calls with the same key must not both get
/// [`Freshness::Fresh`], and must fail closed: when a challenge cannot be recorded (store full,
/// unreachable), the answer is an error, never `Fresh`.
pub trait ReplayGuard: Send + Sync {
    /// Records `key` (a lower-case challenge) at `now`; answers whether it was fresh.
    fn check_and_record<'a>(&'a self, key: &'a str, now: SystemTime) -> ReplayFuture<'a>;

    /// Whether the store can answer now (readiness probes). Default: always ready.
    fn check_ready(&self) -> ReadyFuture<'_> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// How full the store is, for bounded stores (metrics). Default: `None`.
    fn fill(&self) -> Option<ReplayFill> {
        None
    }
}

impl<G: ReplayGuard + ?Sized> ReplayGuard for std::sync::Arc<G> {
    fn check_and_record<'a>(&'a self, key: &'a str, now: SystemTime) -> ReplayFuture<'a> {
        (**self).check_and_record(key, now)
    }

    fn check_ready(&self) -> ReadyFuture<'_> {
        (**self).check_ready()
    }

    fn fill(&self) -> Option<ReplayFill> {
        (**self).fill()
    }
}

/// Default window: one hour.
pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(3600);
/// Default capacity of the in-memory store: 1,000,000 challenges, about 64 MiB when full.
///
/// With the default window of 3600 s this fits an average of 277 new challenges per second
/// (1,000,000 / 3600) sustained over the hour. Beyond that the store fills and new requests are
/// refused with 1006 until entries expire; size `capacity ≥ peak rate × window`, or use the
/// Redis store, for more.
pub const DEFAULT_REPLAY_CAPACITY: usize = 1_000_000;

/// A bounded in-memory replay store for a single process.
///
/// Entries expire after the window. When the store holds `capacity` unexpired entries, a new
/// challenge is refused with [`ReplayError::Full`] (fail closed): an unexpired entry is never
/// evicted, since that would let its request be replayed. Each entry costs about 64 bytes (the
/// challenge is kept as its 128-bit UUID value).
#[derive(Debug)]
pub struct MemoryReplayGuard {
    window: Duration,
    capacity: usize,
    refusals: AtomicU64,
    inner: Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    /// Challenge → expiry (milliseconds since the epoch).
    expiry: HashMap<u128, u64>,
    /// Insertion order, for expiring from the front.
    order: VecDeque<(u128, u64)>,
}

impl Default for MemoryReplayGuard {
    fn default() -> Self {
        Self::new(DEFAULT_REPLAY_WINDOW, DEFAULT_REPLAY_CAPACITY)
    }
}

/// The 128-bit identity of a key: the UUID value of a challenge, or the first 16 bytes of the
/// SHA-256 of any other key.
fn key_id(key: &str) -> u128 {
    if let Ok(uuid) = uuid::Uuid::try_parse(key) {
        return uuid.as_u128();
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(key.as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_be_bytes(first)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl MemoryReplayGuard {
    /// A store remembering challenges for `window`, holding at most `capacity` (at least 1).
    /// A zero `window` remembers nothing; services refuse it as a configuration error.
    pub fn new(window: Duration, capacity: usize) -> Self {
        Self {
            window,
            capacity: capacity.max(1),
            refusals: AtomicU64::new(0),
            inner: Mutex::new(MemoryInner::default()),
        }
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many new challenges were refused because the store was full.
    pub fn full_refusals(&self) -> u64 {
        self.refusals.load(Ordering::Relaxed)
    }

    /// Number of challenges currently remembered (expired ones included until the next call).
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
    pub fn record(&self, key: &str, now: SystemTime) -> Result<Freshness, ReplayError> {
        let id = key_id(key);
        let now = millis(now.duration_since(UNIX_EPOCH).unwrap_or_default());
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
        if expiry.get(&id).is_some_and(|exp| *exp > now) {
            return Ok(Freshness::Replayed);
        }
        if expiry.len() >= self.capacity {
            self.refusals.fetch_add(1, Ordering::Relaxed);
            return Err(ReplayError::Full {
                capacity: self.capacity,
            });
        }
        let exp = now.saturating_add(millis(self.window));
        expiry.insert(id, exp);
        order.push_back((id, exp));
        Ok(Freshness::Fresh)
    }
}

impl ReplayGuard for MemoryReplayGuard {
    fn check_and_record<'a>(&'a self, key: &'a str, now: SystemTime) -> ReplayFuture<'a> {
        Box::pin(std::future::ready(self.record(key, now)))
    }

    fn fill(&self) -> Option<ReplayFill> {
        Some(ReplayFill {
            entries: self.len(),
            capacity: self.capacity,
        })
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

    const A: &str = "00000000-0000-4000-8000-00000000000a";
    const B: &str = "00000000-0000-4000-8000-00000000000b";
    const C: &str = "00000000-0000-4000-8000-00000000000c";
    const D: &str = "00000000-0000-4000-8000-00000000000d";

    #[test]
    fn refuses_within_window_and_forgets_after() {
        let g = MemoryReplayGuard::new(Duration::from_secs(60), 10);
        assert_eq!(g.record(A, at(0)), Ok(Freshness::Fresh));
        assert_eq!(g.record(A, at(59)), Ok(Freshness::Replayed));
        assert_eq!(g.record(B, at(59)), Ok(Freshness::Fresh));
        assert_eq!(g.record(A, at(60)), Ok(Freshness::Fresh));
        assert_eq!(g.record(A, at(61)), Ok(Freshness::Replayed));
        assert_eq!(g.len(), 2);
    }

    #[test]
    fn full_store_refuses_new_challenges_and_never_evicts() {
        let g = MemoryReplayGuard::new(Duration::from_secs(60), 3);
        for k in [A, B, C] {
            assert_eq!(g.record(k, at(0)), Ok(Freshness::Fresh));
        }
        assert_eq!(g.record(D, at(1)), Err(ReplayError::Full { capacity: 3 }));
        assert_eq!(g.full_refusals(), 1);
        // Every remembered challenge is still refused as a replay.
        for k in [A, B, C] {
            assert_eq!(g.record(k, at(1)), Ok(Freshness::Replayed));
        }
        assert_eq!(
            g.fill(),
            Some(ReplayFill {
                entries: 3,
                capacity: 3
            })
        );
    }

    #[test]
    fn expired_entries_free_room() {
        let g = MemoryReplayGuard::new(Duration::from_secs(10), 2);
        g.record(A, at(0)).unwrap();
        g.record(B, at(0)).unwrap();
        assert_eq!(g.record(C, at(20)), Ok(Freshness::Fresh));
        assert_eq!(g.full_refusals(), 0);
        assert_eq!(g.len(), 1);
    }

    #[test]
    fn case_of_a_uuid_does_not_matter_and_other_keys_work() {
        let g = MemoryReplayGuard::new(Duration::from_secs(10), 4);
        g.record(&A.to_ascii_uppercase(), at(0)).unwrap();
        assert_eq!(g.record(A, at(1)), Ok(Freshness::Replayed));
        assert_eq!(g.record("not-a-uuid", at(1)), Ok(Freshness::Fresh));
        assert_eq!(g.record("not-a-uuid", at(2)), Ok(Freshness::Replayed));
    }
}

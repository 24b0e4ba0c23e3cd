//! What the handlers share, built once from the configuration.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use drm_entitlement::replay::ReplayGuard;
use drm_entitlement::{Entitler, Rendering, Verifier};
use drm_token::DrmType;

use crate::auth::ViewerAuth;
use crate::issuer::Issuer;
use crate::metrics::Metrics;

/// Shortest time between two "replay store full" warnings.
const FULL_WARNING_INTERVAL_SECS: u64 = 10;

/// The state every handler reads.
pub(crate) struct App {
    pub(crate) verifier: Verifier,
    pub(crate) guard: Arc<dyn ReplayGuard>,
    pub(crate) entitler: Arc<dyn Entitler>,
    pub(crate) issuer: Issuer,
    pub(crate) viewer_auth: Option<ViewerAuth>,
    pub(crate) content_url_template: String,
    pub(crate) license_url: String,
    pub(crate) heartbeat_seconds: u32,
    pub(crate) default_drm_type: DrmType,
    pub(crate) anonymous_user_id: String,
    pub(crate) timeout: Duration,
    pub(crate) renderings: BTreeMap<String, Rendering>,
    pub(crate) metrics: Arc<Metrics>,
    /// Whether a Redis replay store is configured (readiness checks it).
    pub(crate) shared_replay_store: bool,
    /// The token proxy (`[license_proxy]`), when configured.
    pub(crate) license_proxy: Option<crate::license_proxy::LicenseProxy>,
    last_full_warning: AtomicU64,
}

/// The parts of [`App`] that come from the configuration.
pub(crate) struct AppParts {
    pub(crate) verifier: Verifier,
    pub(crate) guard: Arc<dyn ReplayGuard>,
    pub(crate) entitler: Arc<dyn Entitler>,
    pub(crate) issuer: Issuer,
    pub(crate) viewer_auth: Option<ViewerAuth>,
    pub(crate) content_url_template: String,
    pub(crate) license_url: String,
    pub(crate) heartbeat_seconds: u32,
    pub(crate) default_drm_type: DrmType,
    pub(crate) anonymous_user_id: String,
    pub(crate) timeout: Duration,
    pub(crate) renderings: BTreeMap<String, Rendering>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) shared_replay_store: bool,
    pub(crate) license_proxy: Option<crate::license_proxy::LicenseProxy>,
}

impl From<AppParts> for App {
    fn from(p: AppParts) -> Self {
        Self {
            verifier: p.verifier,
            guard: p.guard,
            entitler: p.entitler,
            issuer: p.issuer,
            viewer_auth: p.viewer_auth,
            content_url_template: p.content_url_template,
            license_url: p.license_url,
            heartbeat_seconds: p.heartbeat_seconds,
            default_drm_type: p.default_drm_type,
            anonymous_user_id: p.anonymous_user_id,
            timeout: p.timeout,
            renderings: p.renderings,
            metrics: p.metrics,
            shared_replay_store: p.shared_replay_store,
            license_proxy: p.license_proxy,
            last_full_warning: AtomicU64::new(0),
        }
    }
}

/// Unix seconds now.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

impl App {
    /// The `ContentUrl` for a video: the template with `{video_id}` percent-encoded.
    pub(crate) fn content_url(&self, video_id: &str, drm_type: DrmType) -> String {
        self.content_url_template
            .replace("{video_id}", &percent_encode(video_id))
            .replace("{drm_type}", drm_type.lower_name())
    }

    /// How answers to `player_type` are signed (lexical unless configured).
    pub(crate) fn rendering_for(&self, player_type: &str) -> Rendering {
        self.renderings
            .get(player_type)
            .cloned()
            .unwrap_or_default()
    }

    /// Logs that the replay store is full, at most once per interval.
    pub(crate) fn warn_store_full(&self, capacity: usize) {
        let now = unix_now();
        let last = self.last_full_warning.load(Ordering::Relaxed);
        if now >= last + FULL_WARNING_INTERVAL_SECS
            && self
                .last_full_warning
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                capacity,
                "replay store full of unexpired challenges: new requests are refused with 1006 \
                 (raise replay_capacity, shorten replay_window_seconds or use redis_url)"
            );
        }
    }

    /// Refreshes the replay-store gauges (before a scrape).
    pub(crate) fn update_gauges(&self) {
        if let Some(fill) = self.guard.fill() {
            self.metrics
                .replay_entries
                .set(i64::try_from(fill.entries).unwrap_or(i64::MAX));
            self.metrics
                .replay_capacity
                .set(i64::try_from(fill.capacity).unwrap_or(i64::MAX));
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so an id cannot change the
/// structure of the URL (`../`, `?`, `#`).
pub(crate) fn percent_encode(text: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn ids_cannot_change_the_url_structure() {
        assert_eq!(percent_encode("movie-1_a.b~"), "movie-1_a.b~");
        assert_eq!(percent_encode("../x?y#z é"), "..%2Fx%3Fy%23z%20%C3%A9");
    }
}

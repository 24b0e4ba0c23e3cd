//! The server's Prometheus metrics (`GET /metrics`). Labels hold route names, outcome codes and
//! fixed reason words only — never a user, a video id, a token or a URL.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// `route` + `code`: the DIVA `ResponseCode`, or the HTTP status of the other routes.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct Outcome {
    pub(crate) route: &'static str,
    pub(crate) code: u32,
}

/// `route`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct Route {
    pub(crate) route: &'static str,
}

/// `reason`: `replayed`, `store_full`, `store_unavailable`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct Reason {
    pub(crate) reason: &'static str,
}

/// `drm` + HTTP `status` + the license server's `server_code` (0: none or not in the table).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct LicenseOutcome {
    pub(crate) drm: &'static str,
    pub(crate) status: u16,
    pub(crate) server_code: u32,
}

/// `drm`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct DrmLabel {
    pub(crate) drm: &'static str,
}

/// `upstream`: `redis`, `jwks`, `entitler`, `minting`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct Upstream {
    pub(crate) upstream: &'static str,
}

/// Every metric of the server, and the registry that renders them.
pub(crate) struct Metrics {
    registry: Registry,
    pub(crate) requests: Family<Outcome, Counter>,
    pub(crate) latency: Family<Route, Histogram>,
    pub(crate) replay_refusals: Family<Reason, Counter>,
    pub(crate) replay_entries: Gauge,
    pub(crate) replay_capacity: Gauge,
    pub(crate) upstream_errors: Family<Upstream, Counter>,
    pub(crate) open_connections: Gauge,
    pub(crate) license_requests: Family<LicenseOutcome, Counter>,
    pub(crate) license_latency: Family<DrmLabel, Histogram>,
    pub(crate) license_upstream_latency: Family<DrmLabel, Histogram>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

fn latency_histogram() -> Histogram {
    // 50 µs … ~3.3 s.
    Histogram::new(exponential_buckets(0.000_05, 3.0, 11))
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("multidrm");
        let requests = Family::<Outcome, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by route and outcome code (DIVA ResponseCode or HTTP status)",
            requests.clone(),
        );
        let latency = Family::<Route, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        let replay_refusals = Family::<Reason, Counter>::default();
        registry.register(
            "replay_refusals",
            "DIVA requests refused by the replay guard, by reason",
            replay_refusals.clone(),
        );
        let replay_entries = Gauge::default();
        registry.register(
            "replay_store_entries",
            "Challenges held by the in-memory replay store",
            replay_entries.clone(),
        );
        let replay_capacity = Gauge::default();
        registry.register(
            "replay_store_capacity",
            "Capacity of the in-memory replay store",
            replay_capacity.clone(),
        );
        let upstream_errors = Family::<Upstream, Counter>::default();
        registry.register(
            "upstream_errors",
            "Failures of a dependency (redis, jwks, entitler, minting)",
            upstream_errors.clone(),
        );
        let open_connections = Gauge::default();
        registry.register(
            "open_connections",
            "Connections open now",
            open_connections.clone(),
        );
        let license_requests = Family::<LicenseOutcome, Counter>::default();
        registry.register(
            "license_requests",
            "License proxy answers, by DRM, HTTP status and license-server error code",
            license_requests.clone(),
        );
        let license_latency = Family::<DrmLabel, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "license_request_duration_seconds",
            "Time to answer a license proxy request, by DRM",
            license_latency.clone(),
        );
        let license_upstream_latency = Family::<DrmLabel, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "license_upstream_duration_seconds",
            "Time the license server took to answer the proxy, by DRM",
            license_upstream_latency.clone(),
        );
        Self {
            registry,
            license_requests,
            license_latency,
            license_upstream_latency,
            requests,
            latency,
            replay_refusals,
            replay_entries,
            replay_capacity,
            upstream_errors,
            open_connections,
        }
    }

    /// Counts one answered request.
    pub(crate) fn answered(&self, route: &'static str, code: u32, seconds: f64) {
        self.requests.get_or_create(&Outcome { route, code }).inc();
        self.latency
            .get_or_create(&Route { route })
            .observe(seconds);
    }

    /// Counts one license proxy answer.
    pub(crate) fn license_answered(
        &self,
        drm: &'static str,
        status: u16,
        server_code: u32,
        seconds: f64,
    ) {
        let outcome = LicenseOutcome {
            drm,
            status,
            server_code,
        };
        self.license_requests.get_or_create(&outcome).inc();
        self.license_latency
            .get_or_create(&DrmLabel { drm })
            .observe(seconds);
    }

    /// Records how long the license server took.
    pub(crate) fn license_upstream(&self, drm: &'static str, seconds: f64) {
        self.license_upstream_latency
            .get_or_create(&DrmLabel { drm })
            .observe(seconds);
    }

    /// Counts one replay refusal.
    pub(crate) fn replay_refused(&self, reason: &'static str) {
        self.replay_refusals.get_or_create(&Reason { reason }).inc();
    }

    /// Counts one dependency failure.
    pub(crate) fn upstream_error(&self, upstream: &'static str) {
        self.upstream_errors
            .get_or_create(&Upstream { upstream })
            .inc();
    }

    /// The Prometheus text exposition.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

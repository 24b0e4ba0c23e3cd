//! Emulator of the NAVER Cloud One Click Multi DRM management API behind the API Gateway
//! (signature v2), served over real HTTP by [`Sandbox`](crate::Sandbox).
//!
//! # What it checks, in order
//!
//! 1. **Fault switch** ([`NcpEmulator::faults`]): a queued failure is answered first, before
//!    any check (every request, faulted or not, lands in [`NcpEmulator::requests`]).
//! 2. **Gateway** (answers `{"error":{"errorCode","message","details"}}`):
//!    * `x-ncp-apigw-timestamp`, `x-ncp-iam-access-key`, `x-ncp-apigw-signature-v2` present,
//!      the access key known, the timestamp canonical decimal milliseconds within
//!      ±[`NcpSettings::max_clock_skew_ms`] (5 minutes) of the emulator's clock, and the
//!      signature equal to base64(HMAC-SHA256(secret, `METHOD target\ntimestamp\naccess-key`))
//!      over the request target **exactly as received** (path and query, byte for byte).
//!      Any failure: HTTP 401, `errorCode` `"200"`, `message` `"Authentication Failed"`;
//!      `details` says which check failed (never a credential).
//!    * With [`NcpSettings::strict_headers`] (default): `x-ncp-region_code: KR` and a JSON
//!      `Content-Type` on every call (the docs mark both required, even for GET). Otherwise
//!      HTTP 400, `errorCode` `"100"`, `"Bad Request Exception"`. Same answer for a body over
//!      [`NcpSettings::max_body_bytes`].
//!    * A method and path that name no operation: HTTP 404, `errorCode` `"300"`,
//!      `"Not Found Exception"`.
//! 3. **Service** (answers `{"error":{"code","name","message"}}` with the statuses listed on
//!    [`ServiceErrorCode`]): malformed JSON is `280001`; a missing, mistyped or out-of-range
//!    field or parameter is `280003` with a message naming it (`drmPolicyConfig.widevine.
//!    securityLevel: must be between 1 and 5`); unknown ids, duplicate names, the protected
//!    built-in policy and site on/off state have their own codes.
//!
//! Successes use the envelope `{"success": true, "content": …}` plus `"total"` on lists.
//!
//! # Operations (spec §3, current paths)
//!
//! | Method & path | |
//! |---|---|
//! | `GET /api/v1/policy?pageNo&pageSize` | list (policy 0 "Basic" is built in) |
//! | `GET/PUT/DELETE /api/v1/policy/{policyId}` | get / full replace / delete |
//! | `POST /api/v1/policy` | create (body of spec §4, strict: current lower-case DRM keys) |
//! | `POST /api/v1/policy/{policyId}/copy` | copy as `Copy_<name>` (no body or `{}`) |
//! | `GET /api/v1/policy/policyLog?policyId&pageNo&pageSize&startTime&endTime` | event log |
//! | `GET/POST /api/v1/sites`, `GET/PUT /api/v1/sites/{siteId}` | sites |
//! | `PUT /api/v1/sites/{siteId}/on`, `…/off` | switch a site |
//! | `GET /api/v1/sites/siteLog?siteId&pageNo&pageSize&startTime&endTime` | event log |
//! | `GET /api/v1/license/statistics?siteId&searchCondition&searchKeyword&status&…` | license history |
//! | `POST /api/v1/license` (`x-drm-token`) | a fake license (see the `issue` module), no JSON `Content-Type` needed |
//! | `GET /api/v1/license/fairPlay`, `…/fairPlayBinary` (`x-drm-token`) | the site's sandbox FairPlay certificate, base64 / DER |
//!
//! Pages are 1-based, `pageSize` 1..=100 (default 20), `total` counts all matching items.
//! Requests are validated strictly (types included: `hdcpEnforcement` must be a string, levels
//! integers) so that a client's drift shows up in tests; responses can be made to drift the
//! other way with [`ResponseDrift`] (old `wideVine`/`playReady`/`fairPlay` keys,
//! `drmPolicyConfig` as a one-element array, numbers as strings).
//!
//! The license history is seeded by tests with [`NcpEmulator::record_license`]. Licenses
//! themselves are issued at `POST /api/v1/license` after the gateway check (signature v2
//! verified by the emulator's own HMAC code) and an `x-drm-token` check: the site exists and
//! is on, `drmType`, `responseFormat`, `contentId`, `userId`.

mod clock;
mod drift;
mod errors;
mod faults;
mod fields;
mod gateway;
mod issue;
mod license;
mod policy;
mod query;
mod request_log;
mod routes;
mod site;
mod store;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ncp_policy_api::signature::{
    HEADER_ACCESS_KEY, HEADER_REGION_CODE, HEADER_SIGNATURE, HEADER_TIMESTAMP, MAX_CLOCK_SKEW_MS,
};
use ncp_policy_api::{AccessKey, SecretKey};
use serde_json::Value;

pub use drift::ResponseDrift;
pub use errors::{GatewayRejection, ServiceErrorCode};
pub use faults::{FaultResponse, FaultSwitch};
pub use issue::DRM_TOKEN_HEADER;
pub use license::{LicenseRecord, LicenseStatus};
pub use request_log::RecordedRequest;
pub use site::SiteStatus;

use gateway::GatewayRules;
use request_log::RequestLog;
use routes::{Answer, ServiceRequest};
use store::Store;

/// The access key the emulator accepts by default (a public test value).
pub const DEFAULT_ACCESS_KEY: &str = "sandbox-access-key";
/// The secret key the emulator accepts by default (a public test value).
pub const DEFAULT_SECRET_KEY: &str = "sandbox-secret-key";
/// Default limit on request bodies.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// Settings of the NCP emulator.
#[derive(Clone)]
pub struct NcpSettings {
    /// Accepted access key.
    pub access_key: String,
    /// Accepted secret key (a test credential; `Debug` still hides it).
    pub secret_key: String,
    /// Added to the system clock to get the emulator's clock, in milliseconds: emulates a
    /// gateway whose clock is ahead (positive) or behind (negative).
    pub clock_offset_ms: i64,
    /// Largest accepted distance between a request timestamp and the emulator's clock
    /// (5 minutes, as documented).
    pub max_clock_skew_ms: u64,
    /// Require `x-ncp-region_code: KR` and `Content-Type: application/json` on every call.
    pub strict_headers: bool,
    /// Shape of responses (current by default).
    pub response_drift: ResponseDrift,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Accept an `x-drm-token` without `userId` (the docs require it; one copy of NAVER's
    /// helper omits it).
    pub license_user_id_optional: bool,
}

impl Default for NcpSettings {
    fn default() -> Self {
        Self {
            access_key: DEFAULT_ACCESS_KEY.to_owned(),
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            clock_offset_ms: 0,
            max_clock_skew_ms: MAX_CLOCK_SKEW_MS,
            strict_headers: true,
            response_drift: ResponseDrift::CURRENT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            license_user_id_optional: false,
        }
    }
}

impl fmt::Debug for NcpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NcpSettings")
            .field("access_key", &self.access_key)
            .field("secret_key", &"[redacted]")
            .field("clock_offset_ms", &self.clock_offset_ms)
            .field("max_clock_skew_ms", &self.max_clock_skew_ms)
            .field("strict_headers", &self.strict_headers)
            .field("response_drift", &self.response_drift)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("license_user_id_optional", &self.license_user_id_optional)
            .finish()
    }
}

struct Inner {
    settings: NcpSettings,
    access_key: AccessKey,
    secret_key: SecretKey,
    store: Mutex<Store>,
    drift: Mutex<ResponseDrift>,
    faults: FaultSwitch,
    log: RequestLog,
}

/// The NCP emulator: cheap to clone, shared state inside.
#[derive(Clone)]
pub struct NcpEmulator {
    inner: Arc<Inner>,
}

impl fmt::Debug for NcpEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NcpEmulator")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl NcpEmulator {
    /// An emulator with these settings and a fresh account (only policy 0 "Basic").
    pub fn new(settings: NcpSettings) -> Self {
        let now = clock::now_ms(settings.clock_offset_ms);
        Self {
            inner: Arc::new(Inner {
                access_key: AccessKey::new(settings.access_key.clone()),
                secret_key: SecretKey::new(settings.secret_key.clone()),
                store: Mutex::new(Store::new(now)),
                drift: Mutex::new(settings.response_drift),
                faults: FaultSwitch::default(),
                log: RequestLog::default(),
                settings,
            }),
        }
    }

    /// The accepted access key.
    pub fn access_key(&self) -> &str {
        &self.inner.settings.access_key
    }

    /// The accepted secret key.
    pub fn secret_key(&self) -> &str {
        &self.inner.settings.secret_key
    }

    /// The settings it was built with.
    pub fn settings(&self) -> &NcpSettings {
        &self.inner.settings
    }

    /// The emulator's clock, epoch milliseconds (system clock plus the configured offset).
    pub fn now_ms(&self) -> i64 {
        clock::now_ms(self.inner.settings.clock_offset_ms)
    }

    /// The fault switch (fail the next calls, delay responses).
    pub fn faults(&self) -> &FaultSwitch {
        &self.inner.faults
    }

    /// Every request received so far (oldest first, the last 10 000 at most).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.log.snapshot()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.inner.log.clear();
    }

    /// The current response shape.
    pub fn response_drift(&self) -> ResponseDrift {
        *lock(&self.inner.drift)
    }

    /// Changes the response shape from now on.
    pub fn set_response_drift(&self, drift: ResponseDrift) {
        *lock(&self.inner.drift) = drift;
    }

    /// Adds a record to the license history (licenses the emulator issues are not recorded).
    pub fn record_license(&self, record: LicenseRecord) {
        lock(&self.inner.store).record_license(record);
    }

    /// Forces a site's status (e.g. [`SiteStatus::Creating`]); `false` if the site is unknown.
    pub fn set_site_status(&self, site_id: &str, status: SiteStatus) -> bool {
        lock(&self.inner.store).set_site_status(site_id, status)
    }

    /// Number of policies, the built-in one included.
    pub fn policy_count(&self) -> usize {
        lock(&self.inner.store).policy_count()
    }

    /// Number of sites.
    pub fn site_count(&self) -> usize {
        lock(&self.inner.store).site_count()
    }

    /// Empties the account back to policy 0 alone (faults and the request log are kept).
    pub fn reset(&self) {
        *lock(&self.inner.store) = Store::new(self.now_ms());
    }

    /// The axum router serving the API (every path goes through one handler so that the
    /// gateway answers unknown paths in its own shape).
    pub fn router(&self) -> Router {
        Router::new().fallback(handle).with_state(self.clone())
    }

    fn rules(&self, json_content_type: bool) -> GatewayRules<'_> {
        GatewayRules {
            access_key: &self.inner.access_key,
            secret_key: &self.inner.secret_key,
            max_skew_ms: self.inner.settings.max_clock_skew_ms,
            strict_headers: self.inner.settings.strict_headers,
            json_content_type,
        }
    }

    async fn answer(&self, request: Request) -> Answered {
        let (parts, body) = request.into_parts();
        let method = parts.method.as_str();
        let target = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |target| target.as_str());
        let now_ms = self.now_ms();
        let license_route = issue::LicenseRoute::of(method, parts.uri.path());
        let rules = self.rules(license_route.is_none());
        if let Err(rejection) = gateway::check(&parts.headers, method, target, now_ms, &rules) {
            return Answered::json(rejection.status(), &rejection.body());
        }
        let body = match self.read_body(&parts.headers, body).await {
            Ok(body) => body,
            Err(rejection) => return Answered::json(rejection.status(), &rejection.body()),
        };
        if let Some(route) = license_route {
            let answer = issue::run(
                &lock(&self.inner.store),
                route,
                &parts.headers,
                parts.uri.query(),
                &body,
                self.inner.settings.license_user_id_optional,
            );
            return match answer {
                issue::IssueAnswer::Reply(reply) => Answered {
                    status: StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK),
                    content_type: reply.content_type,
                    body: reply.body,
                },
                issue::IssueAnswer::Service(error) => {
                    Answered::json(error.code.status(), &error.body())
                }
            };
        }
        let service_request = ServiceRequest {
            method,
            path: parts.uri.path(),
            query: parts.uri.query(),
            body: &body,
            now_ms,
            drift: self.response_drift(),
        };
        let answer = routes::dispatch(&mut lock(&self.inner.store), &service_request);
        match answer {
            Answer::Ok(reply) => Answered::json(StatusCode::OK, &reply.body()),
            Answer::Service(error) => Answered::json(error.code.status(), &error.body()),
            Answer::Gateway(rejection) => Answered::json(rejection.status(), &rejection.body()),
        }
    }

    async fn read_body(
        &self,
        headers: &axum::http::HeaderMap,
        body: Body,
    ) -> Result<Bytes, GatewayRejection> {
        let limit = self.inner.settings.max_body_bytes;
        let declared = gateway::header(headers, header::CONTENT_LENGTH.as_str())
            .and_then(|length| length.trim().parse::<u64>().ok());
        let too_large = GatewayRejection::BodyTooLarge { limit };
        if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
            return Err(too_large);
        }
        axum::body::to_bytes(body, limit)
            .await
            .map_err(|_| too_large)
    }
}

async fn handle(State(emulator): State<NcpEmulator>, request: Request) -> Response {
    let plan = emulator.inner.faults.next_plan();
    let mut record = RecordedRequest {
        method: request.method().as_str().to_owned(),
        target: request.uri().path_and_query().map_or_else(
            || request.uri().path().to_owned(),
            |t| t.as_str().to_owned(),
        ),
        timestamp: header_text(&request, HEADER_TIMESTAMP),
        access_key: header_text(&request, HEADER_ACCESS_KEY),
        signature: header_text(&request, HEADER_SIGNATURE),
        region_code: header_text(&request, HEADER_REGION_CODE),
        content_type: header_text(&request, header::CONTENT_TYPE.as_str()),
        status: 0,
        faulted: plan.failure.is_some(),
    };
    let response = if let Some(failure) = plan.failure {
        record.status = failure.status;
        fault_response(failure)
    } else {
        let answered = emulator.answer(request).await;
        record.status = answered.status.as_u16();
        answered.into_response()
    };
    tracing::debug!(
        method = %record.method,
        target = %record.target,
        status = record.status,
        faulted = record.faulted,
        "ncp emulator request"
    );
    emulator.inner.log.push(record);
    if let Some(delay) = plan.delay {
        tokio::time::sleep(delay).await;
    }
    response
}

fn header_text(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// One answer: status, content type and body (JSON for the API, bytes for licenses).
struct Answered {
    status: StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Answered {
    fn json(status: StatusCode, body: &Value) -> Self {
        Self {
            status,
            content_type: "application/json;charset=UTF-8",
            body: body.to_string().into_bytes(),
        }
    }

    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        response
    }
}

fn fault_response(failure: FaultResponse) -> Response {
    let status = StatusCode::from_u16(failure.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = (status, failure.body).into_response();
    if let Ok(content_type) = HeaderValue::from_str(&failure.content_type) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}

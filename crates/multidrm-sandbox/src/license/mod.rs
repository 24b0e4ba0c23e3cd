//! Emulator of the DoveRunner (PallyCon) license server, served over real HTTP by
//! [`Sandbox`](crate::Sandbox), following `license.md` §7.3.
//!
//! # Endpoints (each also with a trailing `/`; `OPTIONS` answers a permissive CORS preflight)
//!
//! | Method & path | |
//! |---|---|
//! | `POST /ri/licenseManager.do` | license for Widevine, PlayReady, FairPlay, NCG, Wiseplay; Widevine `08 04` → service certificate |
//! | `GET /ri/licenseManager.do?mode=getserverinfo` | NCG server info (no token); another `mode` → 9999 |
//! | `GET\|POST /ri/fpsKeyManager.do?siteId=S` | FairPlay certificate, base64 text |
//! | `GET\|POST /ri/fpsCert.do?siteId=S` | FairPlay certificate, DER |
//! | `GET\|POST /ri/widevineCert.do?siteId=S` | Widevine service certificate, binary |
//! | `GET\|POST /ri/clearkey/licenseManager.do?siteId=S&cid=C` | W3C JWK Set of the keys the KMS emulator issued for `C` |
//!
//! # Checks, in order (first failure answers HTTP 200 `{"errorCode":"…","message":"…"}`)
//!
//! 1. `mode=` other than `getserverinfo` → 9999.
//! 2. Token: header `pallycon-customdata-v2` → URL parameter `pallycon-customdata-v2` (spaces
//!    read as `+`, percent-decoding) → PlayReady SOAP `CustomData`; none → 7010 (7206 for a
//!    PlayReady SOAP body). `doverunner-customdata-v2` only with
//!    [`LicenseSettings::accept_doverunner_header`].
//! 3. Not base64 → 7009; not a JSON object, a hashed field missing or not a string, a
//!    malformed `timestamp`, an unknown `response_format`, a non-boolean `key_rotation` → 7013.
//! 4. Legacy custom data (`{"drm_type","site_id","data"}`): bad shape 7007, unknown or
//!    stopped site 1003 / 1004, `data` not decrypting to JSON 7008, else 8701 (the emulator has
//!    no callback page).
//! 5. Unknown `site_id` → 1003; stopped site → 1004.
//! 6. `drm_type` not one of PlayReady, Widevine, FairPlay, NCG, Wiseplay in any case → 7018.
//! 7. Hash over the token's literal `drm_type`, then over the canonical casing → 7019.
//! 8. `now < timestamp - skew` or `now - timestamp > token_duration + skew` → 7011 (per-site
//!    duration, default 600 s; skew [`LicenseSettings::clock_skew_secs`], default 0; the clock
//!    is [`LicenseEmulator::clock`]).
//! 9. Policy: not base64 or not decrypting under the site key → 7016; not a JSON object → 7013.
//! 10. Per DRM (see `challenge`): NCG form with another DRM's token 7021, Widevine empty or a
//!     PlayReady SOAP body 7107, a Widevine request whose PSSH `content_id` is another title's
//!     7012,
//!     PlayReady empty 7204 / not XML 7205, FairPlay no SPC 7305 / not base64 7317, asset id ≠
//!     cid 7012 (with [`LicenseSettings::fairplay_asset_id_must_match_cid`]), NCG / Wiseplay
//!     empty 9001.
//!
//! The token check is the emulator's own code (`token`), not `drm-token`'s.

mod certs;
mod challenge;
mod clearkey;
mod clock;
mod codes;
mod fairplay;
mod json_reply;
mod lookup;
mod site;
mod token;
mod widevine;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub use certs::{fairplay_certificate, widevine_service_certificate};
pub use challenge::SERVICE_CERTIFICATE_REQUEST;
pub use clock::{LicenseClock, format_timestamp, parse_timestamp};
pub use codes::LicenseErrorCode;
pub use lookup::{CLIENT_META_HEADER, DOVERUNNER_TOKEN_HEADER, TOKEN_HEADER};
pub use site::{
    DEFAULT_ACCESS_KEY, DEFAULT_SITE_ID, DEFAULT_SITE_KEY, DEFAULT_TOKEN_DURATION_SECS,
    LicenseAccessKey, LicenseSite, LicenseSiteKey,
};
pub use token::{ResponseShape, TokenDrm};

pub(crate) use challenge::{Granted, grant};
pub(crate) use token::CheckedToken;

use crate::kms::KmsEmulator;
use challenge::is_ncg_form;
pub(crate) use lookup::QueryParams;
use lookup::{find_token, looks_like_playready};
use token::CheckContext;

/// License requests and the Widevine service-certificate request.
pub const LICENSE_PATH: &str = "/ri/licenseManager.do";
/// ClearKey licenses.
pub const CLEARKEY_PATH: &str = "/ri/clearkey/licenseManager.do";
/// FairPlay certificate, base64 text.
pub const FPS_KEY_MANAGER_PATH: &str = "/ri/fpsKeyManager.do";
/// FairPlay certificate, DER.
pub const FPS_CERT_PATH: &str = "/ri/fpsCert.do";
/// Widevine service certificate, binary.
pub const WIDEVINE_CERT_PATH: &str = "/ri/widevineCert.do";
/// Largest request body by default: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

const JSON: &str = "application/json;charset=UTF-8";

/// Settings of the license emulator.
#[derive(Debug, Clone)]
pub struct LicenseSettings {
    /// The sites of the account; the first is the test site `multidrm sandbox` announces.
    pub sites: Vec<LicenseSite>,
    /// Clock difference tolerated on both ends of a token's validity window (default 0).
    pub clock_skew_secs: u64,
    /// Write `errorCode` as a JSON number instead of a string.
    pub numeric_error_codes: bool,
    /// Also look for the token under `doverunner-customdata-v2` (unconfirmed name).
    pub accept_doverunner_header: bool,
    /// FairPlay: an asset id after the SPC (`spc=…&<assetId>`) must equal the token's `cid`
    /// (7012). Off by default: the asset id is a client convention the server is not known to read.
    pub fairplay_asset_id_must_match_cid: bool,
    /// A Widevine `08 04` request needs a valid token like any license request (default).
    pub service_certificate_needs_token: bool,
    /// Largest request body (larger: HTTP 413).
    pub max_body_bytes: usize,
}

impl Default for LicenseSettings {
    fn default() -> Self {
        Self {
            sites: vec![LicenseSite::default()],
            clock_skew_secs: 0,
            numeric_error_codes: false,
            accept_doverunner_header: false,
            fairplay_asset_id_must_match_cid: false,
            service_certificate_needs_token: true,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// One answer of the emulator, independent of HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseReply {
    /// HTTP status (200 for license-server errors too).
    pub status: u16,
    /// `Content-Type` of the body.
    pub content_type: &'static str,
    /// `Content-Disposition`, for the DER certificate.
    pub content_disposition: Option<&'static str>,
    /// The body (empty only for the 204 preflight answer).
    pub body: Vec<u8>,
}

impl LicenseReply {
    fn ok(content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            status: 200,
            content_type,
            content_disposition: None,
            body,
        }
    }

    fn plain(status: u16, text: &str) -> Self {
        Self {
            status,
            content_type: "text/plain;charset=UTF-8",
            content_disposition: None,
            body: text.as_bytes().to_vec(),
        }
    }

    /// The error code of a license-server error answer, if this is one.
    pub fn error_code(&self) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        match value.get("errorCode")? {
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

struct Inner {
    settings: LicenseSettings,
    sites: Mutex<Vec<LicenseSite>>,
    clock: LicenseClock,
    kms: KmsEmulator,
    requests: AtomicU64,
}

/// The license emulator: cheap to clone, shared state inside.
#[derive(Clone)]
pub struct LicenseEmulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LicenseEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LicenseEmulator")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LicenseEmulator {
    /// An emulator whose ClearKey endpoint serves the keys `kms` issues.
    pub fn new(settings: LicenseSettings, kms: KmsEmulator) -> Self {
        Self {
            inner: Arc::new(Inner {
                sites: Mutex::new(settings.sites.clone()),
                settings,
                clock: LicenseClock::system(),
                kms,
                requests: AtomicU64::new(0),
            }),
        }
    }

    /// The settings it was built with.
    pub fn settings(&self) -> &LicenseSettings {
        &self.inner.settings
    }

    /// The clock tokens are checked against: freeze it or offset it in tests.
    pub fn clock(&self) -> &LicenseClock {
        &self.inner.clock
    }

    /// The test site (the first site), if any.
    pub fn test_site(&self) -> Option<LicenseSite> {
        lock(&self.inner.sites).first().cloned()
    }

    /// A site by id.
    pub fn site(&self, site_id: &str) -> Option<LicenseSite> {
        lock(&self.inner.sites)
            .iter()
            .find(|site| site.site_id == site_id)
            .cloned()
    }

    /// Adds a site, or replaces the one with the same id.
    pub fn put_site(&self, site: LicenseSite) {
        let mut sites = lock(&self.inner.sites);
        match sites.iter_mut().find(|s| s.site_id == site.site_id) {
            Some(existing) => *existing = site,
            None => sites.push(site),
        }
    }

    /// Stops (or restarts) a site's service; `false` if the site is unknown.
    pub fn set_site_stopped(&self, site_id: &str, stopped: bool) -> bool {
        self.update_site(site_id, |site| site.stopped = stopped)
    }

    /// Sets a site's token duration; `false` if the site is unknown.
    pub fn set_token_duration(&self, site_id: &str, secs: u64) -> bool {
        self.update_site(site_id, |site| site.token_duration_secs = secs)
    }

    fn update_site(&self, site_id: &str, change: impl FnOnce(&mut LicenseSite)) -> bool {
        let mut sites = lock(&self.inner.sites);
        sites
            .iter_mut()
            .find(|site| site.site_id == site_id)
            .map(change)
            .is_some()
    }

    /// How many requests reached the emulator (preflights included).
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// Answers one request: `path` without the query, `query` the raw query string.
    pub fn handle(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> LicenseReply {
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let path = path.strip_suffix('/').unwrap_or(path);
        if *method == Method::OPTIONS {
            return LicenseReply::plain(204, "");
        }
        let known = [
            LICENSE_PATH,
            CLEARKEY_PATH,
            FPS_KEY_MANAGER_PATH,
            FPS_CERT_PATH,
            WIDEVINE_CERT_PATH,
        ];
        if !known.contains(&path) {
            return LicenseReply::plain(404, "no such license-server endpoint");
        }
        if *method != Method::GET && *method != Method::POST {
            return LicenseReply::plain(405, "method not allowed: use GET or POST");
        }
        let query = QueryParams::parse(query);
        let answer = match path {
            LICENSE_PATH => self.license(headers, &query, body),
            CLEARKEY_PATH => self.clearkey(&query, body),
            FPS_KEY_MANAGER_PATH => self.cert_site(&query).map(|site| {
                use base64::Engine as _;
                let text = base64::engine::general_purpose::STANDARD
                    .encode(fairplay_certificate(&site.site_id));
                LicenseReply::ok("text/plain;charset=UTF-8", text.into_bytes())
            }),
            FPS_CERT_PATH => self.cert_site(&query).map(|site| LicenseReply {
                content_disposition: Some("attachment;filename=cert_license_fps_com.der;"),
                ..LicenseReply::ok(
                    "application/x-x509-ca-cert",
                    fairplay_certificate(&site.site_id),
                )
            }),
            _ => self.cert_site(&query).map(|_| {
                LicenseReply::ok("application/octet-stream", widevine_service_certificate())
            }),
        };
        answer.unwrap_or_else(|code| self.error(code))
    }

    fn error(&self, code: LicenseErrorCode) -> LicenseReply {
        let body = code.body(self.inner.settings.numeric_error_codes);
        LicenseReply::ok(JSON, body.to_string().into_bytes())
    }

    fn license(
        &self,
        headers: &HeaderMap,
        query: &QueryParams,
        body: &[u8],
    ) -> Result<LicenseReply, LicenseErrorCode> {
        if let Some(mode) = query.get("mode") {
            if mode.eq_ignore_ascii_case("getserverinfo") {
                return Ok(ncg_server_info());
            }
            return Err(LicenseErrorCode::UnsupportedMode);
        }
        let settings = &self.inner.settings;
        let token = find_token(headers, query, body, settings.accept_doverunner_header);
        let Some(token) = token else {
            if !settings.service_certificate_needs_token && body == SERVICE_CERTIFICATE_REQUEST {
                return Ok(LicenseReply::ok(
                    "application/octet-stream",
                    widevine_service_certificate(),
                ));
            }
            return Err(if looks_like_playready(body) {
                LicenseErrorCode::NoPlayReadyCustomData
            } else {
                LicenseErrorCode::TokenNotFound
            });
        };
        let find = |id: &str| self.site(id);
        let ctx = CheckContext {
            site: &find,
            now: self.inner.clock.now(),
            skew_secs: settings.clock_skew_secs,
        };
        let checked = token::check(&token, &ctx)?;
        let granted = grant(
            &checked,
            body,
            query,
            settings.fairplay_asset_id_must_match_cid,
        )?;
        let client_meta = headers
            .get(CLIENT_META_HEADER)
            .and_then(|v| v.to_str().ok());
        Ok(granted_reply(&checked, granted, client_meta))
    }

    fn cert_site(&self, query: &QueryParams) -> Result<LicenseSite, LicenseErrorCode> {
        let site_id = query
            .get_any_case("siteId")
            .ok_or(LicenseErrorCode::MissingParameter)?;
        let site = self.site(site_id).ok_or(LicenseErrorCode::SiteNotFound)?;
        if site.stopped {
            return Err(LicenseErrorCode::SiteStopped);
        }
        Ok(site)
    }

    fn clearkey(&self, query: &QueryParams, body: &[u8]) -> Result<LicenseReply, LicenseErrorCode> {
        let site = self.cert_site(query)?;
        let cid = query.get("cid").ok_or(LicenseErrorCode::MissingParameter)?;
        let issued = self.inner.kms.issued_keys(cid);
        tracing::debug!(site = %site.site_id, keys = issued.len(), "clearkey request");
        let set = clearkey::jwk_set(&issued, body)?;
        Ok(LicenseReply::ok(JSON, set.to_string().into_bytes()))
    }

    /// The axum router serving every endpoint (one handler, so that unknown paths, methods and
    /// preflights are answered in one place).
    pub fn router(&self) -> Router {
        Router::new().fallback(serve).with_state(self.clone())
    }
}

/// The reply for a granted request, in the token's response format.
pub(crate) fn granted_reply(
    token: &CheckedToken,
    granted: Granted,
    client_meta: Option<&str>,
) -> LicenseReply {
    match granted {
        Granted::ServiceCertificate(bytes) => LicenseReply::ok("application/octet-stream", bytes),
        Granted::License(license) => match token.shape {
            ResponseShape::Original => LicenseReply::ok(license.content_type, license.bytes),
            ResponseShape::Json => {
                let doc = json_reply::json_license(token, &license, client_meta);
                LicenseReply::ok(JSON, doc.to_string().into_bytes())
            }
        },
    }
}

/// The NCG SDK's first call: deterministic opaque bytes (the real format is not public).
fn ncg_server_info() -> LicenseReply {
    use sha2::{Digest, Sha256};
    let mut body = b"NCG-SERVER-INFO multidrm-sandbox\n".to_vec();
    body.extend_from_slice(hex::encode(Sha256::digest(b"ncg server info")).as_bytes());
    LicenseReply::ok("application/octet-stream", body)
}

/// Parses a raw query the way the license endpoints do (for the NCP emulator).
pub(crate) fn query_params(raw: Option<&str>) -> QueryParams {
    QueryParams::parse(raw)
}

/// Whether a request body looks like the NCG SDK's form (for tests and the NCP emulator).
pub fn is_ncg_request(body: &[u8]) -> bool {
    is_ncg_form(body)
}

fn cors(headers: &mut HeaderMap, requested: Option<HeaderValue>) {
    let pairs = [
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
        (
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST, GET, OPTIONS"),
        ),
        (
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("3600"),
        ),
        (
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("*"),
        ),
    ];
    for (name, value) in pairs {
        headers.insert(name, value);
    }
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        requested.unwrap_or_else(|| HeaderValue::from_static("*")),
    );
}

async fn serve(State(emulator): State<LicenseEmulator>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let requested = parts
        .headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned();
    let limit = emulator.inner.settings.max_body_bytes;
    let reply = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => emulator.handle(
            &parts.method,
            parts.uri.path(),
            parts.uri.query(),
            &parts.headers,
            &bytes,
        ),
        Err(_) => LicenseReply::plain(413, "request body too large"),
    };
    tracing::debug!(
        method = %parts.method,
        path = parts.uri.path(),
        status = reply.status,
        "license emulator request"
    );
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, reply.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    if let Some(disposition) = reply.content_disposition {
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static(disposition),
        );
    }
    cors(headers, requested);
    response
}

//! Emulator of the DoveRunner KMS CPIX endpoint (`POST /v2/cpix/doverunner/getKey/{token}`).
//!
//! * Accepts the request shapes of the official clients (Python/C++ order, Java/XSD order, the
//!   2020 docs with comments and empty `DRMSystem` children, any namespace prefix, a BOM).
//! * A known KMS token gets keys; the KIDs are **replaced** by the KMS's own, derived (with the
//!   key and explicit IV) by HMAC-SHA256 from a sandbox secret per (content id, track, period),
//!   so the same title always gets the same keys.
//! * Per DRM: Widevine PSSH (provider, content id, key-rotation suffix and
//!   `crypto_period_index`), PlayReady 4.3 header (checksum, LA_URL, `PERIOD_INDEX`), FairPlay
//!   `skd://` URI and HLS lines, WisePlay (placeholder payload), NCG CEK, NCG-HLS and clear-key
//!   HLS key URIs and lines.
//! * The response is in the KMS's own element order (not XSD order).
//! * Errors (unknown token, malformed XML, invalid request) are JSON bodies
//!   `{"errorCode": …, "message": …}` with a 4xx status, or with 200 when
//!   [`KmsSettings::errors_with_status_200`] is set (what the official clients expect).

mod derive;
mod error;
mod issued;
mod request;
mod response;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

pub use derive::DerivedKey;
use error::KmsError;
use issued::IssuedKeys;
pub use issued::{MAX_ISSUED_CONTENT_IDS, MAX_KEYS_PER_CONTENT_ID};

/// Path of the KMS endpoint; the KMS token follows as the last segment.
pub const KMS_PATH: &str = "/v2/cpix/doverunner/getKey/";

/// The legacy path the official clients v1.6.0 still use; served as an alias.
pub const KMS_LEGACY_PATH: &str = "/v2/cpix/pallycon/getKey/";

/// The KMS token the emulator accepts by default (a public test value).
pub const DEFAULT_KMS_TOKEN: &str = "sandbox-kms-token";

/// The default key-derivation secret (a public test value).
pub const DEFAULT_KMS_SECRET: &str = "multidrm-sandbox-kms-secret";

/// The PlayReady LA_URL written into headers by default (the one in DoveRunner's 4.3 headers).
pub const DEFAULT_PLAYREADY_LA_URL: &str = "https://license.pallycon.com/ri/licenseManager.do";

/// The NCG-HLS key URL by default (2020 docs pattern).
pub const DEFAULT_NCG_HLS_KEY_URL: &str = "https://license.pallycon.com/ri/hlskeyPackager.do";

/// The clear-key HLS key URL base by default (a placeholder: the real form is not public).
pub const DEFAULT_CLEAR_KEY_URL: &str = "https://example.invalid/doverunner-clearkey";

/// Largest request body accepted: 1 MiB.
pub const MAX_REQUEST_BYTES: usize = 1 << 20;

/// The key-derivation secret of the emulator. `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct KmsSecret(Vec<u8>);

impl KmsSecret {
    /// A secret from bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The secret bytes.
    pub fn expose_secret(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for KmsSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KmsSecret([redacted])")
    }
}

impl From<&str> for KmsSecret {
    fn from(s: &str) -> Self {
        Self(s.as_bytes().to_vec())
    }
}

/// Settings of the KMS emulator.
#[derive(Debug, Clone)]
pub struct KmsSettings {
    /// The KMS token accepted in the path.
    pub token: String,
    /// The secret keys, KIDs and IVs are derived from.
    pub secret: KmsSecret,
    /// Widevine PSSH `provider` (`doverunner`; the PallyCon-era KMS wrote `inkaentworks`).
    pub widevine_provider: String,
    /// PlayReady header `LA_URL`.
    pub playready_la_url: String,
    /// NCG site id written into NCG-HLS key URIs (`sid=`).
    pub ncg_site_id: String,
    /// NCG-HLS key URL (before `?sid=…`).
    pub ncg_hls_key_url: String,
    /// Base of the clear-key HLS key URIs (`{base}/aes128?cid=…`, `{base}/sampleaes?cid=…`).
    pub clear_key_url: String,
    /// Answer errors with HTTP 200 and a JSON body (how the official clients detect KMS errors)
    /// instead of a 4xx status.
    pub errors_with_status_200: bool,
}

impl Default for KmsSettings {
    fn default() -> Self {
        Self {
            token: DEFAULT_KMS_TOKEN.to_owned(),
            secret: KmsSecret::from(DEFAULT_KMS_SECRET),
            widevine_provider: "doverunner".to_owned(),
            playready_la_url: DEFAULT_PLAYREADY_LA_URL.to_owned(),
            ncg_site_id: "DEMO".to_owned(),
            ncg_hls_key_url: DEFAULT_NCG_HLS_KEY_URL.to_owned(),
            clear_key_url: DEFAULT_CLEAR_KEY_URL.to_owned(),
            errors_with_status_200: false,
        }
    }
}

/// A fault a test can switch on to exercise client error handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KmsFault {
    /// Every request gets HTTP 500 with a JSON error body.
    InternalError,
    /// Every request gets HTTP 200 with a JSON error body.
    JsonErrorWithStatus200,
    /// Every request gets HTTP 200 with a body that is neither XML nor JSON.
    Garbage,
}

/// One answer of the emulator, independent of HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsReply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` of the body.
    pub content_type: &'static str,
    /// The body: CPIX XML, or a JSON error.
    pub body: String,
}

impl KmsReply {
    fn error(settings: &KmsSettings, e: &KmsError) -> Self {
        Self {
            status: if settings.errors_with_status_200 {
                200
            } else {
                e.status()
            },
            content_type: "application/json;charset=UTF-8",
            body: e.body(),
        }
    }
}

#[derive(Debug)]
struct Shared {
    settings: KmsSettings,
    fault: Mutex<Option<KmsFault>>,
    requests: AtomicU64,
    issued: Mutex<IssuedKeys>,
}

/// The KMS emulator: cheap to clone, shared state inside.
#[derive(Debug, Clone)]
pub struct KmsEmulator {
    shared: Arc<Shared>,
}

impl KmsEmulator {
    /// An emulator with these settings.
    pub fn new(settings: KmsSettings) -> Self {
        Self {
            shared: Arc::new(Shared {
                settings,
                fault: Mutex::new(None),
                requests: AtomicU64::new(0),
                issued: Mutex::new(IssuedKeys::default()),
            }),
        }
    }

    /// The accepted KMS token.
    pub fn token(&self) -> &str {
        &self.shared.settings.token
    }

    /// The settings.
    pub fn settings(&self) -> &KmsSettings {
        &self.shared.settings
    }

    /// Switches a fault on (or off with `None`).
    pub fn set_fault(&self, fault: Option<KmsFault>) {
        *self
            .shared
            .fault
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = fault;
    }

    /// How many requests reached the endpoint (including rejected ones).
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// The keys this emulator has actually handed out for a content id (in a successful CPIX
    /// answer), in issue order; empty for a content id it never answered for. The license
    /// emulator's ClearKey endpoint serves exactly these.
    pub fn issued_keys(&self, content_id: &str) -> Vec<DerivedKey> {
        self.shared
            .issued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(content_id)
    }

    /// Forgets which keys were issued (the derivation is unchanged).
    pub fn forget_issued_keys(&self) {
        self.shared
            .issued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The key material the emulator hands out for a content id, track type (`HD`, `SD`, …;
    /// `#N` for the N-th key of a request without usage rules) and optional period index.
    pub fn derive_key(&self, content_id: &str, track: &str, period: Option<u64>) -> DerivedKey {
        derive::derive(
            self.shared.settings.secret.expose_secret(),
            content_id,
            track,
            period,
        )
    }

    /// Answers one POST: `token` is the last path segment, `key_rotation` the
    /// `key-rotation=true` query flag, `body` the request body.
    pub fn handle(&self, token: &str, key_rotation: bool, body: &[u8]) -> KmsReply {
        self.shared.requests.fetch_add(1, Ordering::Relaxed);
        let settings = &self.shared.settings;
        let fault = *self
            .shared
            .fault
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match fault {
            Some(KmsFault::InternalError) => {
                let mut r = KmsReply::error(settings, &KmsError::Injected);
                r.status = 500;
                return r;
            }
            Some(KmsFault::JsonErrorWithStatus200) => {
                let mut r = KmsReply::error(settings, &KmsError::Injected);
                r.status = 200;
                return r;
            }
            Some(KmsFault::Garbage) => {
                return KmsReply {
                    status: 200,
                    content_type: "text/plain",
                    body: "<html>sandbox garbage</html".to_owned(),
                };
            }
            None => {}
        }
        match self.answer(token, key_rotation, body) {
            Ok(xml) => KmsReply {
                status: 200,
                content_type: "application/xml;charset=UTF-8",
                body: xml,
            },
            Err(e) => KmsReply::error(settings, &e),
        }
    }

    fn answer(&self, token: &str, key_rotation: bool, body: &[u8]) -> Result<String, KmsError> {
        let settings = &self.shared.settings;
        if token.is_empty() || token != settings.token {
            return Err(KmsError::InvalidToken);
        }
        if body.len() > MAX_REQUEST_BYTES {
            return Err(KmsError::TooLarge(MAX_REQUEST_BYTES));
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| KmsError::MalformedXml("the body is not UTF-8".to_owned()))?;
        let req = request::parse(text)?;
        let built = response::build(settings, &req, key_rotation)?;
        self.shared
            .issued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .record(req.content_id.as_str(), &built.keys);
        Ok(built.xml)
    }

    /// The axum router serving the KMS endpoint (and its legacy `pallycon` alias).
    pub fn router(&self) -> Router {
        Router::new()
            .route(&format!("{KMS_PATH}{{*token}}"), any(serve))
            .route(&format!("{KMS_LEGACY_PATH}{{*token}}"), any(serve))
            .route(KMS_PATH, any(serve_no_token))
            .route(KMS_LEGACY_PATH, any(serve_no_token))
            .with_state(self.clone())
    }
}

fn key_rotation_flag(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .any(|kv| kv.eq_ignore_ascii_case("key-rotation=true"))
    })
}

fn to_response(reply: KmsReply) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, reply.body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    response
}

async fn serve(
    State(kms): State<KmsEmulator>,
    method: Method,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    respond(kms, method, &token, query.as_deref(), body).await
}

async fn serve_no_token(
    State(kms): State<KmsEmulator>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Body,
) -> Response {
    respond(kms, method, "", query.as_deref(), body).await
}

async fn respond(
    kms: KmsEmulator,
    method: Method,
    token: &str,
    query: Option<&str>,
    body: Body,
) -> Response {
    let settings = kms.settings().clone();
    if method != Method::POST {
        kms.shared.requests.fetch_add(1, Ordering::Relaxed);
        return to_response(KmsReply::error(&settings, &KmsError::MethodNotAllowed));
    }
    let bytes = match axum::body::to_bytes(body, MAX_REQUEST_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            kms.shared.requests.fetch_add(1, Ordering::Relaxed);
            return to_response(KmsReply::error(
                &settings,
                &KmsError::TooLarge(MAX_REQUEST_BYTES),
            ));
        }
    };
    let reply = kms.handle(token, key_rotation_flag(query), &bytes);
    tracing::debug!(
        status = reply.status,
        len = bytes.len(),
        "kms emulator request"
    );
    to_response(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let s = format!("{:?}", KmsSettings::default());
        assert!(!s.contains(DEFAULT_KMS_SECRET), "{s}");
        assert!(s.contains("[redacted]"));
    }

    #[test]
    fn rotation_flag() {
        assert!(key_rotation_flag(Some("key-rotation=true")));
        assert!(key_rotation_flag(Some("a=1&key-rotation=TRUE")));
        assert!(!key_rotation_flag(Some("key-rotation=false")));
        assert!(!key_rotation_flag(None));
    }
}

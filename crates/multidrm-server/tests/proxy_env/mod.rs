//! The sandbox and a token proxy in front of it, shared by the license_proxy* tests.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

#[path = "../support/mod.rs"]
pub mod support;
use drm_token::{DrmType, JsonStyle, Policy, ResponseFormat, SiteCredentials, Timestamp};
use multidrm_sandbox::license::{DEFAULT_ACCESS_KEY, DEFAULT_SITE_ID, DEFAULT_SITE_KEY};
use multidrm_sandbox::{Sandbox, SandboxOptions};
use multidrm_server::{RunningServer, Server, ServerConfig};
use serde_json::{Value, json};
use support::common::TempDir;
use support::{JWT_SECRET, SECRET, hs256, now};

pub const USER: &str = "alice";
pub const CID: &str = "movie-1";
pub const ORIGIN: &str = "https://player.example";
pub const WIDEVINE_CHALLENGE: &[u8] = &[0x08, 0x01, 0x12, 0x10, 0xaa, 0xbb, 0xcc, 0xdd];
pub const SERVICE_CERTIFICATE_REQUEST: &[u8] = &[0x08, 0x04];
pub const SOAP: &str = r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><AcquireLicense xmlns="http://schemas.microsoft.com/DRM/2007/03/protocols"><challenge><Challenge><LA><Version>1</Version><ContentHeader><WRMHEADER/></ContentHeader></LA></Challenge></challenge></AcquireLicense></soap:Body></soap:Envelope>"#;
/// The SPC of the sandbox's FairPlay body vectors, base64.
pub const SPC_BASE64: &str = "8PHy8/T19vf4+fr7/P3+//v/+//7//v/AQ==";
/// `pallycon-client-meta` of the official proxy samples' README (base64 JSON, `device_info`).
pub const CLIENT_META: &str = "ewoJImRldmljZV9pbmZvIjogewoJCSJkZXZpY2VfbW9kZWwiOiAiaVBob25lIFNFIChpUGhvbmU4LDQpIiwKCQkib3NfdmVyc2lvbiI6IjE1LjcuMiIKCX0KfQ==";

/// Site credentials of the `[doverunner]` table.
pub struct Site<'a> {
    pub id: &'a str,
    pub key: &'a str,
    pub access: &'a str,
}

pub const TEST_SITE: Site<'static> = Site {
    id: DEFAULT_SITE_ID,
    key: DEFAULT_SITE_KEY,
    access: DEFAULT_ACCESS_KEY,
};

pub fn config_toml(site: &Site<'_>, proxy: &str) -> String {
    format!(
        r#"
bind = "127.0.0.1:0"
secret = "{SECRET}"
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"

[doverunner]
site_id = "{}"
site_key = "{}"
access_key = "{}"

[[rules]]
users = ["{USER}"]
videos = ["*"]

[token_endpoint]
jwt_hs256_secret = "{JWT_SECRET}"
cors_origins = ["{ORIGIN}"]

[license_proxy]
timeout_seconds = 2
connect_timeout_seconds = 1
{proxy}
"#,
        site.id, site.key, site.access
    )
}

/// The sandbox and a proxy in front of it.
pub struct Env {
    pub sb: Sandbox,
    pub proxy: RunningServer,
    pub _dir: TempDir,
    pub http: reqwest::Client,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// 200 with a non-empty body that is not a license-server error.
    pub fn assert_license(&self) {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        assert!(!self.body.is_empty());
        assert!(!self.body.starts_with(b"{\"errorCode"));
    }

    /// A JSON error with `status` (never an empty body).
    pub fn assert_error(&self, status: u16) -> Value {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(self.header("content-type").starts_with("application/json"));
        self.json()
    }
}

pub fn proxy_table(sb: &Sandbox) -> String {
    format!(
        "license_url = \"{}\"\nclearkey_url = \"{}\"\n",
        sb.license_url(),
        sb.clearkey_url()
    )
}

impl Env {
    pub async fn start() -> Self {
        Self::custom(&TEST_SITE, proxy_table, |s| s).await
    }

    pub async fn custom(
        site: &Site<'_>,
        proxy: impl FnOnce(&Sandbox) -> String,
        customize: impl FnOnce(Server) -> Server,
    ) -> Self {
        let sb = Sandbox::start(SandboxOptions::default()).await.unwrap();
        let table = proxy(&sb);
        Self::on(sb, site, &table, customize).await
    }

    /// A proxy with `[license_proxy]` keys `proxy` in front of a running sandbox.
    pub async fn on(
        sb: Sandbox,
        site: &Site<'_>,
        proxy: &str,
        customize: impl FnOnce(Server) -> Server,
    ) -> Self {
        let dir = TempDir::new();
        let toml = config_toml(site, proxy);
        let config = ServerConfig::from_toml(&toml, dir.0.clone()).unwrap();
        let server = customize(Server::from_config(&config).unwrap());
        Self {
            sb,
            proxy: server.bind().await.unwrap(),
            _dir: dir,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.unwrap();
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    pub fn post(&self, target: &str, body: impl Into<Vec<u8>>) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{target}", self.proxy.base_url()))
            .bearer_auth(viewer(USER))
            .body(body.into())
    }

    /// `POST /drm/{drm}?content_id=CID` as `alice`.
    pub async fn license(&self, drm: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.send(self.post(&format!("/drm/{drm}?content_id={CID}"), body))
            .await
    }

    /// The emulator's answer to a token minted here (no proxy in between).
    pub async fn direct(&self, drm: DrmType, body: impl Into<Vec<u8>>) -> Reply {
        let token = mint(drm, 0);
        self.send(
            self.http
                .post(self.sb.license_url())
                .header("pallycon-customdata-v2", token)
                .body(body.into()),
        )
        .await
    }

    pub async fn metrics(&self) -> String {
        let url = format!("{}/metrics", self.proxy.base_url());
        self.http
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

/// A viewer JWT for `user`, valid 10 minutes.
pub fn viewer(user: &str) -> String {
    hs256(&json!({"sub": user, "exp": now() + 600}))
}

/// A license token for the sandbox's test site, `age_secs` old.
pub fn mint(drm: DrmType, age_secs: i64) -> String {
    let creds =
        SiteCredentials::from_strs(DEFAULT_SITE_ID, DEFAULT_SITE_KEY, DEFAULT_ACCESS_KEY).unwrap();
    drm_token::TokenRequest::new(drm, USER, CID)
        .response_format(ResponseFormat::Original)
        .mint_with_policy(
            &creds,
            &Policy::new(),
            JsonStyle::Compact,
            Timestamp::from_unix(now() - age_secs).unwrap(),
        )
        .unwrap()
}

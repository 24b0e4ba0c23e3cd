//! The `[license_proxy]` table of the server configuration.

use std::collections::BTreeMap;
use std::path::PathBuf;

use drm_secret::SecretString;
use serde::Deserialize;

/// Where licenses come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum UpstreamKind {
    /// The DoveRunner license server (`license_url`), token in `pallycon-customdata-v2`.
    #[default]
    Doverunner,
    /// NAVER Cloud One Click Multi DRM: `POST /api/v1/license` with `x-drm-token`, signed per
    /// request with signature v2 (`[license_proxy.ncp]`).
    Ncp,
}

/// A `response_format` as configured: what the license server is asked for, or what the
/// player gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum FormatConfig {
    /// The DRM's own license bytes (what HTML5 players and CDMs expect).
    #[default]
    Original,
    /// DoveRunner's JSON answer (`license`, `device_info`, durations).
    Json,
}

/// NCP credentials and endpoint for `upstream = "ncp"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct NcpUpstreamConfig {
    /// API endpoint (default `https://multi-drm.apigw.ntruss.com`).
    #[serde(default = "default_ncp_endpoint")]
    pub endpoint: String,
    /// NCP API access key.
    pub access_key: SecretString,
    /// NCP API secret key.
    pub secret_key: SecretString,
    /// The One Click Multi DRM site id (`siteId` of the `x-drm-token`).
    pub site_id: String,
}

fn default_ncp_endpoint() -> String {
    ncp_policy_api::PUBLIC_ENDPOINT.to_owned()
}
fn default_license_url() -> String {
    format!(
        "{}{}",
        drm_license::CURRENT_HOST,
        drm_license::server::LICENSE_PATH
    )
}
fn default_timeout() -> u64 {
    10
}
fn default_connect_timeout() -> u64 {
    3
}
fn default_max_challenge() -> usize {
    drm_license::request::MAX_CHALLENGE_LEN
}
fn default_token_header() -> String {
    drm_license::request::TOKEN_HEADER.to_owned()
}

/// The token proxy: `POST /drm/{drm}?content_id=C` (see the crate README).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LicenseProxyConfig {
    /// `doverunner` (default) or `ncp`.
    #[serde(default)]
    pub upstream: UpstreamKind,
    /// The DoveRunner license endpoint (default the current host's `/ri/licenseManager.do`);
    /// the other endpoints are derived from it unless set below.
    #[serde(default = "default_license_url")]
    pub license_url: String,
    /// The ClearKey endpoint (default derived from `license_url`).
    #[serde(default)]
    pub clearkey_url: Option<String>,
    /// The FairPlay certificate as base64 text (default derived: `fpsKeyManager.do`).
    #[serde(default)]
    pub fps_cert_url: Option<String>,
    /// The FairPlay certificate as DER (default derived: `fpsCert.do`).
    #[serde(default)]
    pub fps_cert_der_url: Option<String>,
    /// The Widevine service certificate (default derived: `widevineCert.do`).
    #[serde(default)]
    pub widevine_cert_url: Option<String>,
    /// What the minted tokens ask the license server for (`response_format`): `original`
    /// (default) or `json` (adds `device_info` and the license's durations).
    #[serde(default)]
    pub upstream_response_format: FormatConfig,
    /// What the player gets: `original` (default; a `json` upstream answer is converted) or
    /// `json` (the upstream's JSON answer as is; needs `upstream_response_format = "json"`).
    #[serde(default)]
    pub player_response_format: FormatConfig,
    /// Name of the token header sent upstream (default `pallycon-customdata-v2`).
    #[serde(default = "default_token_header")]
    pub token_header: String,
    /// Whole-call deadline of each upstream request, in seconds (default 10).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Connect timeout of upstream requests, in seconds (default 3).
    #[serde(default = "default_connect_timeout")]
    pub connect_timeout_seconds: u64,
    /// Largest challenge accepted from a player, in bytes (default 1 MiB).
    #[serde(default = "default_max_challenge")]
    pub max_challenge_bytes: usize,
    /// Policy of the proxy's tokens instead of the server's `policy_file` (relative to the
    /// configuration file).
    #[serde(default)]
    pub policy_file: Option<PathBuf>,
    /// Per-content policies: content id → policy file.
    #[serde(default)]
    pub content_policy_files: BTreeMap<String, PathBuf>,
    /// Origins allowed by CORS; absent = the `[token_endpoint]` list.
    #[serde(default)]
    pub cors_origins: Option<Vec<String>>,
    /// NCP upstream settings (required with `upstream = "ncp"`).
    #[serde(default)]
    pub ncp: Option<NcpUpstreamConfig>,
}

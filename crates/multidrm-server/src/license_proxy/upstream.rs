//! The license server behind the proxy: DoveRunner (token in `pallycon-customdata-v2`) or NCP
//! One Click Multi DRM (`x-drm-token`, signed per request). Both go through `drm-http`: one
//! deadline per call, bounded bodies, no redirects, retried only when never sent.

use std::time::Duration;

use drm_http::{HttpClient, TransportError};
use drm_license::ncp::NcpLicenseError;
use drm_license::response::{CertificateForm, read_certificate, read_license};
use drm_license::{
    ClientMeta, Drm, License, LicenseClient, LicenseServer, LicenseToken, NcpLicenseClient,
    PlayReadyStyle, RequestOptions, ResponseError, ResponseFormat,
};
use ncp_policy_api::DrmToken;

use super::config::{LicenseProxyConfig, UpstreamKind};
use crate::config::ConfigError;

/// What the upstream said, before it is turned into an answer for the player.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The request could not be built from the player's input (400).
    BadRequest(String),
    /// The network, the deadline, an oversized body (502 / 504).
    Transport(TransportError),
    /// The license server's error body, or an unusable answer.
    Response(ResponseError),
    /// NCP's own error envelope.
    Ncp {
        /// HTTP status NCP answered.
        status: u16,
        /// NCP's code.
        code: Option<String>,
        /// NCP's message.
        message: Option<String>,
    },
    /// The upstream does not offer this (NCP: ClearKey, NCG, WisePlay).
    Unsupported(&'static str),
}

impl From<TransportError> for Failure {
    fn from(e: TransportError) -> Self {
        Failure::Transport(e)
    }
}

impl From<ResponseError> for Failure {
    fn from(e: ResponseError) -> Self {
        Failure::Response(e)
    }
}

impl From<NcpLicenseError> for Failure {
    fn from(e: NcpLicenseError) -> Self {
        match e {
            NcpLicenseError::Transport(t) => Failure::Transport(t),
            NcpLicenseError::Response(r) => Failure::Response(r),
            NcpLicenseError::Ncp {
                status,
                code,
                message,
            } => Failure::Ncp {
                status,
                code,
                message,
            },
            other => Failure::BadRequest(other.to_string()),
        }
    }
}

/// A license as the upstream answered it: the raw body (for a `json` player) and the license
/// in `original` form.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) raw: Vec<u8>,
    pub(crate) license: License,
}

/// The configured upstream.
pub(crate) enum Upstream {
    DoveRunner(LicenseClient),
    Ncp {
        client: NcpLicenseClient,
        site_id: String,
    },
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Upstream::DoveRunner(c) => f
                .debug_struct("DoveRunner")
                .field("license_url", &c.server().license_url())
                .finish(),
            Upstream::Ncp { .. } => f.debug_struct("Ncp").finish_non_exhaustive(),
        }
    }
}

fn invalid(key: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        reason: reason.into(),
    }
}

fn http_client(config: &LicenseProxyConfig) -> Result<HttpClient, ConfigError> {
    if config.timeout_seconds == 0 {
        return Err(invalid("license_proxy.timeout_seconds", "must be above 0"));
    }
    HttpClient::builder()
        .connect_timeout(Duration::from_secs(config.connect_timeout_seconds.max(1)))
        .deadline(Duration::from_secs(config.timeout_seconds))
        .user_agent(concat!("multidrm-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| invalid("license_proxy", e.to_string()))
}

fn server(config: &LicenseProxyConfig) -> Result<LicenseServer, ConfigError> {
    let url_error = |key: &'static str| move |e: drm_license::UrlError| invalid(key, e.to_string());
    let mut server = LicenseServer::from_license_url(&config.license_url)
        .map_err(url_error("license_proxy.license_url"))?;
    if let Some(url) = &config.clearkey_url {
        server = server
            .with_clearkey_url(url)
            .map_err(url_error("license_proxy.clearkey_url"))?;
    }
    if config.fps_cert_url.is_some() || config.fps_cert_der_url.is_some() {
        let base64 = config
            .fps_cert_url
            .clone()
            .unwrap_or_else(|| server.fps_cert_base64_url().to_owned());
        let der = config
            .fps_cert_der_url
            .clone()
            .unwrap_or_else(|| server.fps_cert_der_url().to_owned());
        server = server
            .with_fps_cert_urls(&base64, &der)
            .map_err(url_error("license_proxy.fps_cert_url"))?;
    }
    if let Some(url) = &config.widevine_cert_url {
        server = server
            .with_widevine_cert_url(url)
            .map_err(url_error("license_proxy.widevine_cert_url"))?;
    }
    Ok(server)
}

impl Upstream {
    /// The upstream of `config`.
    pub(crate) fn from_config(config: &LicenseProxyConfig) -> Result<Self, ConfigError> {
        let http = http_client(config)?;
        // A license request that reached the server is never repeated; one that never left
        // (connection refused) is retried by the client's default policy.
        match config.upstream {
            UpstreamKind::Doverunner => {
                // Challenges are forwarded byte for byte (§7.2 rule 4), labelled as the
                // official proxies label them; a PlayReady key message is not unwrapped here.
                let options = RequestOptions::default()
                    .playready(PlayReadyStyle::OctetStream)
                    .token_header(&config.token_header)
                    .map_err(|e| invalid("license_proxy.token_header", e.to_string()))?;
                let client = LicenseClient::new(http, server(config)?).with_options(options);
                Ok(Upstream::DoveRunner(client))
            }
            UpstreamKind::Ncp => {
                let ncp = config.ncp.as_ref().ok_or_else(|| {
                    invalid("license_proxy.ncp", "required with upstream = \"ncp\"")
                })?;
                if ncp.access_key.is_empty() || ncp.secret_key.is_empty() {
                    return Err(invalid(
                        "license_proxy.ncp",
                        "access_key and secret_key must not be empty",
                    ));
                }
                let access = ncp_policy_api::AccessKey::new(ncp.access_key.expose_secret());
                let secret = ncp_policy_api::SecretKey::new(ncp.secret_key.expose_secret());
                let client = NcpLicenseClient::new(http, &ncp.endpoint, access, secret);
                Ok(Upstream::Ncp {
                    client,
                    site_id: ncp.site_id.clone(),
                })
            }
        }
    }

    /// `true` when the upstream mints DoveRunner tokens (NCP takes an `x-drm-token`).
    pub(crate) fn wants_token(&self) -> bool {
        matches!(self, Upstream::DoveRunner(_))
    }

    /// A license for `drm`. `token` is the fresh DoveRunner token (DoveRunner upstream).
    pub(crate) async fn license(
        &self,
        request: LicenseCall<'_>,
        token: Option<&LicenseToken>,
    ) -> Result<Answer, Failure> {
        match self {
            Upstream::DoveRunner(client) => {
                let token = token.ok_or(Failure::Unsupported("a license token"))?;
                doverunner_license(client, request, token).await
            }
            Upstream::Ncp { client, site_id } => ncp_license(client, site_id, request).await,
        }
    }

    /// ClearKey keys of `cid` (DoveRunner's ClearKey endpoint: GET, no token).
    pub(crate) async fn clearkey(&self, site_id: &str, cid: &str) -> Result<Answer, Failure> {
        let Upstream::DoveRunner(client) = self else {
            return Err(Failure::Unsupported("ClearKey"));
        };
        let request = client
            .server()
            .clearkey_request(site_id, cid)
            .map_err(|e| Failure::BadRequest(e.to_string()))?;
        let response = client.send(&request).await?;
        let license = read_license(
            Drm::ClearKey,
            ResponseFormat::Original,
            response.status(),
            response.body(),
        )?;
        Ok(Answer {
            raw: response.body().to_vec(),
            license,
        })
    }

    /// NCG's `mode=getserverinfo` answer (no token).
    pub(crate) async fn ncg_server_info(&self) -> Result<Vec<u8>, Failure> {
        let Upstream::DoveRunner(client) = self else {
            return Err(Failure::Unsupported("NCG"));
        };
        let request = client.server().ncg_server_info_request();
        let response = client.send(&request).await?;
        let license = read_license(
            Drm::Ncg,
            ResponseFormat::Original,
            response.status(),
            response.body(),
        )?;
        Ok(license.into_original_body())
    }

    /// A certificate: FairPlay (`der` or base64 text, as served) or the Widevine service
    /// certificate. Returns the bytes to hand the player, in the form asked for.
    pub(crate) async fn certificate(
        &self,
        which: Certificate,
        site_id: &str,
    ) -> Result<Vec<u8>, Failure> {
        match self {
            Upstream::DoveRunner(client) => doverunner_certificate(client, which, site_id).await,
            Upstream::Ncp { client, site_id } => ncp_certificate(client, site_id, which).await,
        }
    }
}

/// Which certificate a player asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Certificate {
    /// FairPlay as base64 text (`fpsKeyManager.do`).
    FairPlayBase64,
    /// FairPlay as DER (`fpsCert.do`).
    FairPlayDer,
    /// The Widevine service certificate (`widevineCert.do`).
    Widevine,
}

/// One license call's input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LicenseCall<'a> {
    pub(crate) drm: Drm,
    pub(crate) challenge: &'a [u8],
    pub(crate) client_meta: Option<&'a ClientMeta>,
    pub(crate) format: ResponseFormat,
    pub(crate) user_id: &'a str,
    pub(crate) content_id: &'a str,
}

async fn doverunner_license(
    client: &LicenseClient,
    call: LicenseCall<'_>,
    token: &LicenseToken,
) -> Result<Answer, Failure> {
    let built = client
        .server()
        .license_request(
            client.options(),
            call.drm,
            call.challenge,
            token,
            call.client_meta,
        )
        .map_err(|e| Failure::BadRequest(e.to_string()))?;
    let response = client.send(&built.request).await?;
    let license = read_license(call.drm, call.format, response.status(), response.body())?;
    Ok(Answer {
        raw: response.body().to_vec(),
        license,
    })
}

fn ncp_drm_type(drm: Drm) -> Result<&'static str, Failure> {
    match drm {
        Drm::Widevine => Ok("WIDEVINE"),
        Drm::PlayReady => Ok("PLAYREADY"),
        Drm::FairPlay => Ok("FAIRPLAY"),
        Drm::Ncg => Err(Failure::Unsupported("NCG")),
        Drm::WisePlay => Err(Failure::Unsupported("WisePlay")),
        Drm::ClearKey => Err(Failure::Unsupported("ClearKey")),
    }
}

fn ncp_token(site_id: &str, call: &LicenseCall<'_>) -> Result<DrmToken, Failure> {
    let format = match call.format {
        ResponseFormat::Original => "ORIGINAL",
        _ => "JSON",
    };
    Ok(DrmToken {
        site_id: site_id.to_owned(),
        content_id: call.content_id.to_owned(),
        drm_type: ncp_drm_type(call.drm)?.to_owned(),
        response_format: format.to_owned(),
        user_id: call.user_id.to_owned(),
    })
}

async fn ncp_license(
    client: &NcpLicenseClient,
    site_id: &str,
    call: LicenseCall<'_>,
) -> Result<Answer, Failure> {
    let token = ncp_token(site_id, &call)?;
    let license = client
        .license(&token, call.drm, call.challenge, call.format)
        .await?;
    // NCP's raw JSON is not kept by the client: a `json` player gets the converted license
    // (the configuration refuses that combination).
    Ok(Answer {
        raw: license.original_body().to_vec(),
        license,
    })
}

async fn doverunner_certificate(
    client: &LicenseClient,
    which: Certificate,
    site_id: &str,
) -> Result<Vec<u8>, Failure> {
    let server = client.server();
    let request = match which {
        Certificate::FairPlayBase64 => server.fairplay_certificate_request(site_id, false),
        Certificate::FairPlayDer => server.fairplay_certificate_request(site_id, true),
        Certificate::Widevine => server.widevine_certificate_request(site_id),
    }
    .map_err(|e| Failure::BadRequest(e.to_string()))?;
    let response = client.send(&request).await?;
    let form = match which {
        // The base64 text is checked to decode, then handed on as the text it was.
        Certificate::FairPlayBase64 => CertificateForm::Base64,
        _ => CertificateForm::Binary,
    };
    read_certificate(form, response.status(), response.body())?;
    Ok(response.body().to_vec())
}

async fn ncp_certificate(
    client: &NcpLicenseClient,
    site_id: &str,
    which: Certificate,
) -> Result<Vec<u8>, Failure> {
    use base64::Engine as _;
    let binary = match which {
        Certificate::FairPlayBase64 => false,
        Certificate::FairPlayDer => true,
        Certificate::Widevine => return Err(Failure::Unsupported("the Widevine certificate")),
    };
    // [inferred] NCP's certificate call takes an x-drm-token; only its site id matters.
    let token = DrmToken {
        site_id: site_id.to_owned(),
        content_id: "fairplay-certificate".to_owned(),
        drm_type: "FAIRPLAY".to_owned(),
        response_format: "ORIGINAL".to_owned(),
        user_id: "multidrm-proxy".to_owned(),
    };
    let der = client.fairplay_certificate(&token, binary).await?;
    Ok(if binary {
        der
    } else {
        base64::engine::general_purpose::STANDARD
            .encode(der)
            .into_bytes()
    })
}

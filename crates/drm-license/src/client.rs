//! The DoveRunner license client (feature `client`), on the shared HTTP core `drm-http`: every
//! call has the client's deadline, bodies are read up to the body limit, redirects are not
//! followed, and a request is retried only when it was never sent (connection failure) — a
//! license request that reached the server is never repeated.

use drm_http::{Attempt, HttpClient, Request, Response, RetryPolicy, TransportError};
use drm_token::ResponseFormat;

use crate::client_meta::ClientMeta;
use crate::drm::Drm;
use crate::request::{Method, RequestError, RequestOptions, UpstreamRequest};
use crate::response::{CertificateForm, License, ResponseError, read_certificate, read_license};
use crate::server::LicenseServer;
use crate::token::LicenseToken;

/// Why a license call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The request could not be built.
    #[error("invalid license request")]
    Request(#[source] RequestError),
    /// The network: connection, timeout or deadline, oversized body.
    #[error("license server unreachable")]
    Transport(#[source] TransportError),
    /// The answer is an error or no usable license.
    #[error("license server answer")]
    Response(#[source] ResponseError),
}

impl ClientError {
    /// The license server's error, when it answered with one.
    pub fn server_error(&self) -> Option<&crate::response::ServerError> {
        match self {
            ClientError::Response(ResponseError::Server(e)) => Some(e),
            _ => None,
        }
    }
}

impl From<TransportError> for ClientError {
    fn from(e: TransportError) -> Self {
        ClientError::Transport(e)
    }
}

impl From<RequestError> for ClientError {
    fn from(e: RequestError) -> Self {
        ClientError::Request(e)
    }
}

impl From<ResponseError> for ClientError {
    fn from(e: ResponseError) -> Self {
        ClientError::Response(e)
    }
}

/// A DoveRunner license-server client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LicenseClient {
    http: HttpClient,
    server: LicenseServer,
    options: RequestOptions,
    retry: RetryPolicy,
}

fn to_http(request: &UpstreamRequest) -> Request {
    let method = match request.method {
        Method::Get => drm_http::Method::Get,
        Method::Post => drm_http::Method::Post,
    };
    let mut out = Request::new(method, request.url.clone());
    for h in &request.headers {
        out = if h.sensitive {
            out.sensitive_header(h.name.clone(), h.value.clone())
        } else {
            out.header(h.name.clone(), h.value.clone())
        };
    }
    if request.method == Method::Post {
        out = out.body(request.body.clone());
    }
    out
}

impl LicenseClient {
    /// A client of `server` over `http` (its deadline and body limit apply to every call), with
    /// default request options and retries of never-sent requests (see [`RetryPolicy`]).
    pub fn new(http: HttpClient, server: LicenseServer) -> Self {
        Self {
            http,
            server,
            options: RequestOptions::default(),
            retry: RetryPolicy::default(),
        }
    }

    /// Replaces the request options (token header name, PlayReady style).
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Replaces the retry policy (only never-sent requests are ever retried).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The server.
    pub fn server(&self) -> &LicenseServer {
        &self.server
    }

    /// The request options.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// Sends a built request and returns the raw answer (any status), within the client's
    /// deadline; retried only while it was never sent.
    ///
    /// # Errors
    /// [`TransportError`] for the network, the deadline or an oversized body.
    pub async fn send(&self, request: &UpstreamRequest) -> Result<Response, TransportError> {
        let http = &self.http;
        http.within_deadline(self.retry.run(|attempt| async move {
            match http.send(to_http(request)).await {
                Ok(response) => Attempt::Done(Ok(response)),
                Err(e) if !e.request_sent() => Attempt::retry(e.with_attempts(attempt)),
                Err(e) => Attempt::Done(Err(e.with_attempts(attempt))),
            }
        }))
        .await
    }

    /// Requests a license for `drm` and reads the answer ([`read_license`]); `format` is the
    /// `response_format` the token asks for.
    ///
    /// # Errors
    /// [`ClientError`]: the request, the network, or the answer (a license-server error is
    /// [`ClientError::server_error`]).
    pub async fn license(
        &self,
        drm: Drm,
        challenge: &[u8],
        token: &LicenseToken,
        client_meta: Option<&ClientMeta>,
        format: ResponseFormat,
    ) -> Result<License, ClientError> {
        let built =
            self.server
                .license_request(&self.options, drm, challenge, token, client_meta)?;
        let response = self.send(&built.request).await?;
        Ok(read_license(
            drm,
            format,
            response.status(),
            response.body(),
        )?)
    }

    /// The Widevine service certificate through the license endpoint (`08 04`).
    ///
    /// # Errors
    /// As [`LicenseClient::license`].
    pub async fn service_certificate(
        &self,
        token: &LicenseToken,
        client_meta: Option<&ClientMeta>,
    ) -> Result<Vec<u8>, ClientError> {
        let request = self
            .server
            .service_certificate_request(&self.options, token, client_meta)?;
        self.certificate(&request, CertificateForm::Binary).await
    }

    /// The FairPlay certificate of `site_id`, as DER bytes (fetched from `fpsCert.do` when
    /// `der`, else from `fpsKeyManager.do` and base64-decoded).
    ///
    /// # Errors
    /// As [`LicenseClient::license`].
    pub async fn fairplay_certificate(
        &self,
        site_id: &str,
        der: bool,
    ) -> Result<Vec<u8>, ClientError> {
        let request = self.server.fairplay_certificate_request(site_id, der)?;
        let form = if der {
            CertificateForm::Binary
        } else {
            CertificateForm::Base64
        };
        self.certificate(&request, form).await
    }

    /// The Widevine service certificate of `site_id` from `widevineCert.do`.
    ///
    /// # Errors
    /// As [`LicenseClient::license`].
    pub async fn widevine_certificate(&self, site_id: &str) -> Result<Vec<u8>, ClientError> {
        let request = self.server.widevine_certificate_request(site_id)?;
        self.certificate(&request, CertificateForm::Binary).await
    }

    /// The ClearKey license of `cid` as the official proxies fetch it (GET, no token).
    ///
    /// # Errors
    /// As [`LicenseClient::license`].
    pub async fn clearkey(&self, site_id: &str, cid: &str) -> Result<License, ClientError> {
        let request = self.server.clearkey_request(site_id, cid)?;
        let response = self.send(&request).await?;
        Ok(read_license(
            Drm::ClearKey,
            ResponseFormat::Original,
            response.status(),
            response.body(),
        )?)
    }

    /// NCG's `mode=getserverinfo` answer (GET, no token), checked for an error body.
    ///
    /// # Errors
    /// As [`LicenseClient::license`].
    pub async fn ncg_server_info(&self) -> Result<Vec<u8>, ClientError> {
        let request = self.server.ncg_server_info_request();
        let response = self.send(&request).await?;
        let license = read_license(
            Drm::Ncg,
            ResponseFormat::Original,
            response.status(),
            response.body(),
        )?;
        Ok(license.into_original_body())
    }

    async fn certificate(
        &self,
        request: &UpstreamRequest,
        form: CertificateForm,
    ) -> Result<Vec<u8>, ClientError> {
        let response = self.send(request).await?;
        Ok(read_certificate(form, response.status(), response.body())?)
    }
}

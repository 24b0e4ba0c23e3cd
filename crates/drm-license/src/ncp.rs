//! License issuance through NAVER Cloud One Click Multi DRM (feature `ncp`): the signed calls
//! of `ncp_policy_api::license_issue`, sent over `drm-http`. Every attempt is signed afresh
//! with the clock's time; only never-sent requests are retried; every call has the client's
//! deadline.

use std::sync::Arc;

use drm_http::{Attempt, HttpClient, Request, Response, RetryPolicy, TransportError};
use drm_token::ResponseFormat;
use ncp_policy_api::license_issue::{
    LicenseIssueRequest, LicenseTokenError, fairplay_certificate_request, license_issue_request,
};
use ncp_policy_api::model::envelope::{ErrorBody, parse_error_body};
use ncp_policy_api::request::Method as NcpMethod;
use ncp_policy_api::{AccessKey, Clock, DrmToken, SecretKey, SystemClock};

use crate::drm::Drm;
use crate::fairplay;
use crate::response::{
    CertificateForm, License, ResponseError, read_certificate, read_license,
    starts_like_json_object,
};

/// Why an NCP license call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NcpLicenseError {
    /// The `x-drm-token` breaks a documented rule.
    #[error("invalid x-drm-token")]
    Token(#[source] LicenseTokenError),
    /// The FairPlay body has no accepted shape.
    #[error("invalid FairPlay body")]
    FairPlayBody(#[source] fairplay::NotAnSpc),
    /// The network: connection, timeout or deadline, oversized body.
    #[error("NCP license endpoint unreachable")]
    Transport(#[source] TransportError),
    /// NCP's own error envelope (`{"error":{…}}`, service or API Gateway).
    #[error("NCP answered HTTP {status} with error {}: {}", code.as_deref().unwrap_or("?"), message.as_deref().unwrap_or(""))]
    Ncp {
        /// HTTP status.
        status: u16,
        /// The service's `code` or the gateway's `errorCode`.
        code: Option<String>,
        /// The message.
        message: Option<String>,
    },
    /// The answer is a DoveRunner error or no usable license.
    #[error("license answer")]
    Response(#[source] ResponseError),
}

impl From<TransportError> for NcpLicenseError {
    fn from(e: TransportError) -> Self {
        NcpLicenseError::Transport(e)
    }
}

/// A One Click Multi DRM license client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct NcpLicenseClient {
    http: HttpClient,
    endpoint: String,
    access_key: AccessKey,
    secret_key: SecretKey,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
}

fn to_http(endpoint: &str, req: &LicenseIssueRequest) -> Request {
    let method = match req.method {
        NcpMethod::Get => drm_http::Method::Get,
        _ => drm_http::Method::Post,
    };
    let mut out = Request::new(method, req.url(endpoint));
    for (name, value) in &req.headers {
        out = if LicenseIssueRequest::is_sensitive(name) || name.eq_ignore_ascii_case("x-drm-token")
        {
            out.sensitive_header(*name, value.clone())
        } else {
            out.header(*name, value.clone())
        };
    }
    if req.method == NcpMethod::Post {
        out = out.body(req.body.clone());
    }
    out
}

fn ncp_error(status: u16, body: &[u8]) -> Option<NcpLicenseError> {
    if !starts_like_json_object(body) {
        return None;
    }
    let (code, message) = match parse_error_body(body)? {
        ErrorBody::Service(e) => (e.code, e.message),
        ErrorBody::Gateway(e) => (e.error_code, e.message),
        _ => (None, None),
    };
    Some(NcpLicenseError::Ncp {
        status,
        code,
        message,
    })
}

impl NcpLicenseClient {
    /// A client of `endpoint` (e.g. `ncp_policy_api::PUBLIC_ENDPOINT`) with the system clock.
    pub fn new(
        http: HttpClient,
        endpoint: &str,
        access_key: AccessKey,
        secret_key: SecretKey,
    ) -> Self {
        Self {
            http,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            access_key,
            secret_key,
            clock: Arc::new(SystemClock),
            retry: RetryPolicy::default(),
        }
    }

    /// Replaces the clock (tests, or a clock corrected for the gateway's skew).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the retry policy (only never-sent requests are ever retried).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    async fn send<F>(&self, build: F) -> Result<Response, NcpLicenseError>
    where
        F: Fn(u64) -> Result<LicenseIssueRequest, LicenseTokenError>,
    {
        let http = &self.http;
        let build = &build;
        http.within_deadline(self.retry.run(|attempt| async move {
            let request = match build(self.clock.now_ms()) {
                Ok(r) => r,
                Err(e) => return Attempt::Done(Err(NcpLicenseError::Token(e))),
            };
            match http.send(to_http(&self.endpoint, &request)).await {
                Ok(response) => Attempt::Done(Ok(response)),
                Err(e) if !e.request_sent() => Attempt::retry(e.with_attempts(attempt).into()),
                Err(e) => Attempt::Done(Err(e.with_attempts(attempt).into())),
            }
        }))
        .await
    }

    /// `POST /api/v1/license`: a license for `drm` (Widevine, PlayReady or FairPlay; a raw
    /// FairPlay SPC is sent as `spc=` + percent-encoded base64, other FairPlay shapes unchanged).
    ///
    /// # Errors
    /// [`NcpLicenseError`]: the token, the network, NCP's envelope, or the answer.
    pub async fn license(
        &self,
        token: &DrmToken,
        drm: Drm,
        challenge: &[u8],
        format: ResponseFormat,
    ) -> Result<License, NcpLicenseError> {
        let body = if drm == Drm::FairPlay {
            fairplay::upstream_body(challenge)
                .map_err(NcpLicenseError::FairPlayBody)?
                .1
        } else {
            challenge.to_vec()
        };
        let response = self
            .send(|ts| license_issue_request(token, &body, ts, &self.access_key, &self.secret_key))
            .await?;
        if let Some(e) = ncp_error(response.status(), response.body()) {
            return Err(e);
        }
        read_license(drm, format, response.status(), response.body())
            .map_err(NcpLicenseError::Response)
    }

    /// `GET /api/v1/license/fairPlay` (base64, decoded here) or `…/fairPlayBinary`: the FairPlay
    /// certificate bytes.
    ///
    /// # Errors
    /// As [`NcpLicenseClient::license`].
    pub async fn fairplay_certificate(
        &self,
        token: &DrmToken,
        binary: bool,
    ) -> Result<Vec<u8>, NcpLicenseError> {
        let response = self
            .send(|ts| {
                fairplay_certificate_request(token, binary, ts, &self.access_key, &self.secret_key)
            })
            .await?;
        if let Some(e) = ncp_error(response.status(), response.body()) {
            return Err(e);
        }
        let form = if binary {
            CertificateForm::Binary
        } else {
            CertificateForm::Base64
        };
        read_certificate(form, response.status(), response.body())
            .map_err(NcpLicenseError::Response)
    }
}

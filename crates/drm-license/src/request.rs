//! Upstream requests to the DoveRunner license server, as plain values (spec `license.md` §2):
//! method, URL, headers, body. Nothing here does I/O; the `client` feature sends them, and a
//! proxy can send them with its own transport.

use std::fmt;

use crate::client_meta::{CLIENT_META_HEADER, ClientMeta};
use crate::drm::Drm;
use crate::fairplay::{self, NotAnSpc, SpcShape};
use crate::playready::{self, KeyMessageError};
use crate::server::{LicenseServer, with_query};
use crate::token::{LicenseToken, is_header_name, is_header_value};

/// The header that carries the token, by default.
pub const TOKEN_HEADER: &str = "pallycon-customdata-v2";
/// The Widevine service-certificate request: `SignedMessage { type: SERVICE_CERTIFICATE_REQUEST }`.
pub const SERVICE_CERTIFICATE_REQUEST: [u8; 2] = [0x08, 0x04];
/// The `SOAPAction` of a PlayReady license acquisition.
pub const PLAYREADY_SOAP_ACTION: &str =
    "http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense";
/// Largest challenge accepted (1 MiB; real challenges are a few kilobytes).
pub const MAX_CHALLENGE_LEN: usize = 1024 * 1024;
/// Largest token accepted as a header value.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// `application/octet-stream`.
pub const OCTET_STREAM: &str = "application/octet-stream";
/// `application/x-www-form-urlencoded`.
pub const FORM: &str = "application/x-www-form-urlencoded";
/// `application/json`.
pub const JSON: &str = "application/json";
/// `text/xml; charset=utf-8`.
pub const SOAP_XML: &str = "text/xml; charset=utf-8";

/// HTTP method of an upstream request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET (certificates, ClearKey, NCG server info).
    Get,
    /// POST (licenses).
    Post,
}

impl Method {
    /// `GET` or `POST`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How PlayReady challenges are labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlayReadyStyle {
    /// `text/xml; charset=utf-8` and `SOAPAction` (Android SDK, Video.js sample; default).
    #[default]
    Soap,
    /// `application/octet-stream`, no `SOAPAction` (the official proxies).
    OctetStream,
}

/// One request header. `sensitive` ones (the token) are redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Header {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
    /// Whether the value is a credential.
    pub sensitive: bool,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &dyn fmt::Debug = if self.sensitive {
            &"[redacted]"
        } else {
            &self.value
        };
        write!(f, "{}: {:?}", self.name, value)
    }
}

/// A request to send to the license server.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamRequest {
    /// Method.
    pub method: Method,
    /// Full URL (never carries the token).
    pub url: String,
    /// Headers, in the order to send them.
    pub headers: Vec<Header>,
    /// Body (empty for GET).
    pub body: Vec<u8>,
}

impl UpstreamRequest {
    fn get(url: String) -> Self {
        Self {
            method: Method::Get,
            url,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    fn header(mut self, name: &str, value: &str, sensitive: bool) -> Self {
        self.headers.push(Header {
            name: name.to_owned(),
            value: value.to_owned(),
            sensitive,
        });
        self
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }
}

impl fmt::Debug for UpstreamRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpstreamRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Why an upstream request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The challenge is empty.
    #[error("the {drm} challenge is empty")]
    EmptyChallenge {
        /// DRM.
        drm: Drm,
    },
    /// The challenge is larger than [`MAX_CHALLENGE_LEN`].
    #[error("the {drm} challenge is {len} bytes, more than the {max} accepted")]
    ChallengeTooLarge {
        /// DRM.
        drm: Drm,
        /// Length received.
        len: usize,
        /// Limit.
        max: usize,
    },
    /// A FairPlay body of no accepted shape.
    #[error(transparent)]
    FairPlayBody(#[from] NotAnSpc),
    /// A PlayReady key message that cannot be unwrapped.
    #[error(transparent)]
    KeyMessage(#[from] KeyMessageError),
    /// The token cannot be sent as a header value (its text is never quoted).
    #[error(
        "the license token must be 1..={MAX_TOKEN_LEN} bytes of visible ASCII (a base64 token)"
    )]
    TokenValue,
    /// A configured header name is not an HTTP token.
    #[error("{name:?} is not a valid HTTP header name")]
    HeaderName {
        /// The name.
        name: String,
    },
    /// A site id or content id that is empty, too long or not printable.
    #[error("{field} must be 1..=128 printable characters")]
    Id {
        /// `siteId` or `cid`.
        field: &'static str,
    },
}

/// Header names and styles of the requests a [`LicenseServer`] builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOptions {
    token_header: String,
    client_meta_header: String,
    playready: PlayReadyStyle,
}

impl Default for RequestOptions {
    fn default() -> Self {
        Self {
            token_header: TOKEN_HEADER.to_owned(),
            client_meta_header: CLIENT_META_HEADER.to_owned(),
            playready: PlayReadyStyle::default(),
        }
    }
}

fn header_name(name: &str) -> Result<String, RequestError> {
    if is_header_name(name) {
        Ok(name.to_owned())
    } else {
        Err(RequestError::HeaderName {
            name: name.chars().take(64).collect(),
        })
    }
}

impl RequestOptions {
    /// The token header name (default [`TOKEN_HEADER`]).
    ///
    /// # Errors
    /// [`RequestError::HeaderName`] for a name HTTP cannot carry.
    pub fn token_header(mut self, name: &str) -> Result<Self, RequestError> {
        self.token_header = header_name(name)?;
        Ok(self)
    }

    /// The client meta header name (default [`CLIENT_META_HEADER`]).
    ///
    /// # Errors
    /// [`RequestError::HeaderName`] for a name HTTP cannot carry.
    pub fn client_meta_header(mut self, name: &str) -> Result<Self, RequestError> {
        self.client_meta_header = header_name(name)?;
        Ok(self)
    }

    /// How PlayReady challenges are labelled.
    pub fn playready(mut self, style: PlayReadyStyle) -> Self {
        self.playready = style;
        self
    }

    /// The token header name in use.
    pub fn token_header_name(&self) -> &str {
        &self.token_header
    }
}

fn check_id(value: &str, field: &'static str) -> Result<(), RequestError> {
    if is_header_value(value, 128) {
        Ok(())
    } else {
        Err(RequestError::Id { field })
    }
}

fn check_challenge(drm: Drm, challenge: &[u8]) -> Result<(), RequestError> {
    if challenge.is_empty() {
        return Err(RequestError::EmptyChallenge { drm });
    }
    if challenge.len() > MAX_CHALLENGE_LEN {
        return Err(RequestError::ChallengeTooLarge {
            drm,
            len: challenge.len(),
            max: MAX_CHALLENGE_LEN,
        });
    }
    Ok(())
}

/// A built license request plus, for FairPlay, the shape of the player's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltLicenseRequest {
    /// The request.
    pub request: UpstreamRequest,
    /// FairPlay only: which body shape the challenge had.
    pub spc_shape: Option<SpcShape>,
    /// PlayReady only: the body was an EME `PlayReadyKeyMessage`, unwrapped to its SOAP
    /// challenge (sent with the `SOAPAction` it listed).
    pub unwrapped_key_message: bool,
}

impl LicenseServer {
    /// The license request for `drm` carrying `challenge` (spec §2.5): `POST` to the license
    /// URL, the DRM's content type, the token in the token header, the client meta when given.
    ///
    /// Bodies are forwarded byte for byte, except a FairPlay body of raw SPC bytes, which
    /// becomes `spc=` + percent-encoded base64 (see [`fairplay`]), and, in the
    /// [`PlayReadyStyle::Soap`] style, an EME `PlayReadyKeyMessage`, which is unwrapped to its SOAP
    /// challenge (see [`playready`]). ClearKey is
    /// the Android SDK's shape (`POST application/json` of the EME request); the official
    /// proxies' token-less GET is [`LicenseServer::clearkey_request`].
    ///
    /// # Errors
    /// [`RequestError`] for an empty or oversized challenge, a FairPlay body of no accepted
    /// shape, or a token that is no header value.
    pub fn license_request(
        &self,
        options: &RequestOptions,
        drm: Drm,
        challenge: &[u8],
        token: &LicenseToken,
        client_meta: Option<&ClientMeta>,
    ) -> Result<BuiltLicenseRequest, RequestError> {
        check_challenge(drm, challenge)?;
        let mut spc_shape = None;
        let mut key_message = None;
        let (content_type, body) = match drm {
            Drm::Widevine => (OCTET_STREAM, challenge.to_vec()),
            Drm::PlayReady => match options.playready {
                PlayReadyStyle::Soap => {
                    key_message = playready::unwrap_key_message(challenge)?;
                    let soap = key_message.as_ref().map(|m| m.challenge.clone());
                    (SOAP_XML, soap.unwrap_or_else(|| challenge.to_vec()))
                }
                PlayReadyStyle::OctetStream => (OCTET_STREAM, challenge.to_vec()),
            },
            Drm::FairPlay => {
                let (shape, body) = fairplay::upstream_body(challenge)?;
                spc_shape = Some(shape);
                (FORM, body)
            }
            Drm::Ncg => (FORM, challenge.to_vec()),
            Drm::WisePlay | Drm::ClearKey => (JSON, challenge.to_vec()),
        };
        let mut request = self.post(options, content_type, body, token, client_meta)?;
        if drm == Drm::PlayReady && options.playready == PlayReadyStyle::Soap {
            let listed = key_message.as_ref().and_then(|m| m.header("SOAPAction"));
            let action = listed.filter(|a| is_header_value(a, 1024));
            request = request.header("SOAPAction", action.unwrap_or(PLAYREADY_SOAP_ACTION), false);
        }
        Ok(BuiltLicenseRequest {
            request,
            spc_shape,
            unwrapped_key_message: key_message.is_some(),
        })
    }

    /// The Widevine service-certificate request: `POST` of the two bytes `08 04` to the
    /// license URL, with a token (spec §1.2; \[inferred\] the server wants one, §8.3 q6).
    ///
    /// # Errors
    /// [`RequestError::TokenValue`] for a token that is no header value.
    pub fn service_certificate_request(
        &self,
        options: &RequestOptions,
        token: &LicenseToken,
        client_meta: Option<&ClientMeta>,
    ) -> Result<UpstreamRequest, RequestError> {
        let body = SERVICE_CERTIFICATE_REQUEST.to_vec();
        self.post(options, OCTET_STREAM, body, token, client_meta)
    }

    fn post(
        &self,
        options: &RequestOptions,
        content_type: &str,
        body: Vec<u8>,
        token: &LicenseToken,
        client_meta: Option<&ClientMeta>,
    ) -> Result<UpstreamRequest, RequestError> {
        if !is_header_value(token.expose_secret(), MAX_TOKEN_LEN) {
            return Err(RequestError::TokenValue);
        }
        let mut request = UpstreamRequest {
            method: Method::Post,
            url: self.license_url().to_owned(),
            headers: Vec::new(),
            body,
        }
        .header("Content-Type", content_type, false)
        .header(&options.token_header, token.expose_secret(), true);
        if let Some(meta) = client_meta {
            request = request.header(&options.client_meta_header, meta.as_str(), false);
        }
        Ok(request)
    }

    /// NCG's first call: `GET …/licenseManager.do?mode=getserverinfo`, without a token.
    pub fn ncg_server_info_request(&self) -> UpstreamRequest {
        UpstreamRequest::get(with_query(self.license_url(), &[("mode", "getserverinfo")]))
    }

    /// ClearKey as the official proxies fetch it: `GET
    /// …/clearkey/licenseManager.do?siteId=S&cid=C`, no token, no other header.
    ///
    /// # Errors
    /// [`RequestError::Id`] for an empty, long or non-printable id.
    pub fn clearkey_request(
        &self,
        site_id: &str,
        cid: &str,
    ) -> Result<UpstreamRequest, RequestError> {
        check_id(site_id, "siteId")?;
        check_id(cid, "cid")?;
        let url = with_query(self.clearkey_url(), &[("siteId", site_id), ("cid", cid)]);
        Ok(UpstreamRequest::get(url))
    }

    /// The FairPlay certificate: `GET fpsKeyManager.do?siteId=S` (base64 text) or, with `der`,
    /// `GET fpsCert.do?siteId=S` (binary DER). No token.
    ///
    /// # Errors
    /// [`RequestError::Id`] for an empty, long or non-printable site id.
    pub fn fairplay_certificate_request(
        &self,
        site_id: &str,
        der: bool,
    ) -> Result<UpstreamRequest, RequestError> {
        check_id(site_id, "siteId")?;
        let base = if der {
            self.fps_cert_der_url()
        } else {
            self.fps_cert_base64_url()
        };
        Ok(UpstreamRequest::get(with_query(
            base,
            &[("siteId", site_id)],
        )))
    }

    /// The Widevine service certificate: `GET widevineCert.do?siteId=S` (binary). No token.
    ///
    /// # Errors
    /// [`RequestError::Id`] for an empty, long or non-printable site id.
    pub fn widevine_certificate_request(
        &self,
        site_id: &str,
    ) -> Result<UpstreamRequest, RequestError> {
        check_id(site_id, "siteId")?;
        Ok(UpstreamRequest::get(with_query(
            self.widevine_cert_url(),
            &[("siteId", site_id)],
        )))
    }
}

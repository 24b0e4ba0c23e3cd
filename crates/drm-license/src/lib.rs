#![doc = include_str!("../README.md")]

#[cfg(feature = "client")]
pub mod client;
pub mod client_meta;
mod drm;
pub mod fairplay;
#[cfg(feature = "ncp")]
pub mod ncp;
pub mod playready;
pub mod request;
pub mod response;
pub mod server;
mod token;

pub use client_meta::{CLIENT_META_HEADER, ClientMeta, ClientMetaError, DeviceMeta};
pub use drm::{Drm, UnknownDrm};
pub use drm_policy::ServerCode;
pub use drm_token::ResponseFormat;
pub use fairplay::SpcShape;
pub use request::{
    BuiltLicenseRequest, Header, Method, PlayReadyStyle, RequestError, RequestOptions,
    TOKEN_HEADER, UpstreamRequest,
};
pub use response::{
    CallbackError, CertificateForm, Classified, DeviceInfo, License, LicenseDetails, ResponseError,
    ServerError, classify, json_to_original, read_certificate, read_license,
};
pub use server::{CURRENT_HOST, KNOWN_HOSTS, LicenseServer, UrlError};
pub use token::LicenseToken;

#[cfg(feature = "client")]
pub use client::{ClientError, LicenseClient};
#[cfg(feature = "client")]
pub use drm_http;
#[cfg(feature = "ncp")]
pub use ncp::{NcpLicenseClient, NcpLicenseError};

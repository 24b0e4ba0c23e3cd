#![doc = include_str!("../README.md")]

mod app;
mod auth;
mod config;
mod diva;
mod formats;
mod http;
mod issuer;
mod license_proxy;
mod listener;
mod log_text;
mod metrics;
mod ops;
mod server;
mod service;
mod token_endpoint;
mod viewer;

pub use config::{
    ConfigError, DEFAULT_MAX_CONNECTIONS, DEFAULT_VIDEO_ID_PATTERN, DivaFieldsConfig,
    DoveRunnerConfig, ResponseRenderingConfig, ServerConfig, TokenEndpointConfig,
};
pub use issuer::{DEFAULT_POLICY_JSON, parse_drm_type};
pub use license_proxy::{FormatConfig, LicenseProxyConfig, NcpUpstreamConfig, UpstreamKind};
pub use server::{RunningServer, Server};
pub use service::{BoxError, HttpService, ResponseBody, ResponseFuture};

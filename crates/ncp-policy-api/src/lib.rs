#![doc = include_str!("../README.md")]

pub mod clock;
pub mod drm_token;
pub mod error;
pub mod license_issue;
pub mod model;
pub mod request;
pub mod secret;
pub mod signature;

#[cfg(feature = "client")]
pub mod client;

pub use clock::{Clock, FixedClock, SkewedClock, SystemClock};
pub use drm_token::{DrmToken, DrmTokenError};
pub use error::Error;
#[cfg(feature = "client")]
pub use error::{TransportError, TransportKind};
pub use model::codes::{GatewayCode, ServiceCode};
pub use model::envelope::{Envelope, ErrorBody, ListPage, decode};
pub use model::license::{LicenseRecord, LicenseStatus};
pub use model::log::{PolicyLogEntry, SiteLogEntry};
pub use model::policy::{
    Cgms, DrmPolicyConfig, FairPlayConfig, HdcpEnforcement, HdcpSrmRule, PlayReadyConfig, Policy,
    PolicyName, PolicyRequest, PolicyStatus, WidevineConfig, WidevineHdcp,
};
pub use model::query::{
    LicenseHistoryQuery, Page, PolicyLogQuery, SearchCondition, SiteLogQuery, StatusFilter,
    TimeRange,
};
pub use model::site::{FairPlayCert, Site, SiteId, SiteName, SiteRequest, SiteStatus};
pub use model::time::ApiTime;
pub use model::validate::{Problem, ValidationError};
pub use request::{ApiRequest, GOV_ENDPOINT, Method, PUBLIC_ENDPOINT};
pub use secret::{AccessKey, SecretKey, SecretString};
pub use signature::{SignedHeaders, sign, signed_headers, string_to_sign};

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, Paginator, RetryPolicy};

//! Every operation of the API as a plain value (method, signed request target, JSON body),
//! built without any I/O. The client sends these; other transports can too.

use std::fmt;

use crate::error::Error;
use crate::model::policy::PolicyRequest;
use crate::model::query::{LicenseHistoryQuery, Page, PolicyLogQuery, SiteLogQuery};
use crate::model::site::{SiteId, SiteRequest};
use crate::secret::{AccessKey, SecretKey};
use crate::signature::{SignedHeaders, encode_component, request_target, signed_headers};

/// Base URL of the public (commercial) zone.
pub const PUBLIC_ENDPOINT: &str = "https://multi-drm.apigw.ntruss.com";
/// Base URL of the public-sector (gov) zone. Policy copy is not documented there.
pub const GOV_ENDPOINT: &str = "https://multi-drm.apigw.gov-ntruss.com";

/// HTTP methods used by the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl Method {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Delete => "DELETE",
        }
    }

    /// Whether repeating the call cannot change the outcome (GET, PUT, DELETE): only those are
    /// retried. A POST (create, copy) is never retried.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Self::Post)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One API call, ready to sign and send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// Method.
    pub method: Method,
    /// Request target (path and encoded query): the exact bytes sent and signed.
    pub target: String,
    /// JSON body, if any.
    pub body: Option<String>,
}

fn page_pairs(page: Page) -> [(&'static str, String); 2] {
    [
        ("pageNo", page.number().to_string()),
        ("pageSize", page.size().to_string()),
    ]
}

fn target(path: &str, pairs: &[(&'static str, String)]) -> String {
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    request_target(path, &borrowed)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::Config {
        message: format!("cannot serialize the request body: {e}"),
    })
}

impl ApiRequest {
    fn new(method: Method, target: String, body: Option<String>) -> Self {
        Self {
            method,
            target,
            body,
        }
    }

    /// `GET /api/v1/policy?pageNo=&pageSize=`.
    pub fn list_policies(page: Page) -> Self {
        Self::new(
            Method::Get,
            target("/api/v1/policy", &page_pairs(page)),
            None,
        )
    }

    /// `GET /api/v1/policy/{policyId}`.
    pub fn get_policy(policy_id: i64) -> Self {
        Self::new(Method::Get, format!("/api/v1/policy/{policy_id}"), None)
    }

    /// `POST /api/v1/policy` (validated first).
    ///
    /// # Errors
    /// [`Error::Validation`] for a field the API would refuse.
    pub fn create_policy(policy: &PolicyRequest) -> Result<Self, Error> {
        policy.validate()?;
        Ok(Self::new(
            Method::Post,
            "/api/v1/policy".to_owned(),
            Some(json(policy)?),
        ))
    }

    /// `PUT /api/v1/policy/{policyId}` (a full replace; validated first).
    ///
    /// # Errors
    /// [`Error::Validation`] for a field the API would refuse.
    pub fn update_policy(policy_id: i64, policy: &PolicyRequest) -> Result<Self, Error> {
        policy.validate()?;
        Ok(Self::new(
            Method::Put,
            format!("/api/v1/policy/{policy_id}"),
            Some(json(policy)?),
        ))
    }

    /// `DELETE /api/v1/policy/{policyId}`.
    pub fn delete_policy(policy_id: i64) -> Self {
        Self::new(Method::Delete, format!("/api/v1/policy/{policy_id}"), None)
    }

    /// `POST /api/v1/policy/{policyId}/copy` with an empty JSON object (public zone only).
    pub fn copy_policy(policy_id: i64) -> Self {
        Self::new(
            Method::Post,
            format!("/api/v1/policy/{policy_id}/copy"),
            Some("{}".to_owned()),
        )
    }

    /// `GET /api/v1/policy/policyLog?pageNo=&pageSize=&policyId=&startTime=&endTime=`.
    ///
    /// # Errors
    /// [`Error::Validation`] for an inverted or negative time window.
    pub fn policy_log(query: &PolicyLogQuery, page: Page) -> Result<Self, Error> {
        query.time.validate()?;
        let mut pairs = page_pairs(page).to_vec();
        pairs.push(("policyId", query.policy_id.to_string()));
        query.time.push(&mut pairs);
        Ok(Self::new(
            Method::Get,
            target("/api/v1/policy/policyLog", &pairs),
            None,
        ))
    }

    /// `GET /api/v1/sites?pageNo=&pageSize=`.
    pub fn list_sites(page: Page) -> Self {
        Self::new(
            Method::Get,
            target("/api/v1/sites", &page_pairs(page)),
            None,
        )
    }

    /// `GET /api/v1/sites/{siteId}`.
    pub fn get_site(site_id: &SiteId) -> Self {
        Self::new(Method::Get, site_path(site_id, ""), None)
    }

    /// `POST /api/v1/sites` (validated first).
    ///
    /// # Errors
    /// [`Error::Validation`] for a field the API would refuse.
    pub fn create_site(site: &SiteRequest) -> Result<Self, Error> {
        site.validate()?;
        Ok(Self::new(
            Method::Post,
            "/api/v1/sites".to_owned(),
            Some(json(site)?),
        ))
    }

    /// `PUT /api/v1/sites/{siteId}` (validated first).
    ///
    /// # Errors
    /// [`Error::Validation`] for a field the API would refuse.
    pub fn update_site(site_id: &SiteId, site: &SiteRequest) -> Result<Self, Error> {
        site.validate()?;
        Ok(Self::new(
            Method::Put,
            site_path(site_id, ""),
            Some(json(site)?),
        ))
    }

    /// `PUT /api/v1/sites/{siteId}/on`.
    pub fn site_on(site_id: &SiteId) -> Self {
        Self::new(Method::Put, site_path(site_id, "/on"), None)
    }

    /// `PUT /api/v1/sites/{siteId}/off`.
    pub fn site_off(site_id: &SiteId) -> Self {
        Self::new(Method::Put, site_path(site_id, "/off"), None)
    }

    /// `GET /api/v1/sites/siteLog?pageNo=&pageSize=&siteId=&startTime=&endTime=`.
    ///
    /// # Errors
    /// [`Error::Validation`] for an inverted or negative time window.
    pub fn site_log(query: &SiteLogQuery, page: Page) -> Result<Self, Error> {
        query.time.validate()?;
        let mut pairs = page_pairs(page).to_vec();
        if let Some(site) = &query.site_id {
            pairs.push(("siteId", site.as_str().to_owned()));
        }
        query.time.push(&mut pairs);
        Ok(Self::new(
            Method::Get,
            target("/api/v1/sites/siteLog", &pairs),
            None,
        ))
    }

    /// `GET /api/v1/license/statistics?siteId=&searchCondition=&searchKeyword=&startTime=&endTime=&pageNo=&pageSize=&status=`.
    ///
    /// # Errors
    /// [`Error::Validation`] for an inverted or negative time window or an empty keyword.
    pub fn license_history(query: &LicenseHistoryQuery, page: Page) -> Result<Self, Error> {
        query.time.validate()?;
        let mut pairs: Vec<(&'static str, String)> =
            vec![("siteId", query.site_id.as_str().to_owned())];
        if let Some((condition, keyword)) = &query.search {
            if keyword.is_empty() {
                return Err(crate::model::validate::ValidationError::new(
                    "searchKeyword",
                    crate::model::validate::Problem::Required,
                )
                .into());
            }
            pairs.push(("searchCondition", condition.as_str().to_owned()));
            pairs.push(("searchKeyword", keyword.clone()));
        }
        query.time.push(&mut pairs);
        pairs.extend(page_pairs(page));
        if let Some(status) = query.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        Ok(Self::new(
            Method::Get,
            target("/api/v1/license/statistics", &pairs),
            None,
        ))
    }

    /// The path without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or(&self.target)
    }

    /// Signs this request: the full header set for `timestamp_ms`.
    pub fn sign(
        &self,
        timestamp_ms: u64,
        access_key: &AccessKey,
        secret_key: &SecretKey,
        region_code: &str,
    ) -> SignedHeaders {
        signed_headers(
            self.method.as_str(),
            &self.target,
            timestamp_ms,
            access_key,
            secret_key,
            region_code,
        )
    }
}

fn site_path(site_id: &SiteId, suffix: &str) -> String {
    format!(
        "/api/v1/sites/{}{suffix}",
        encode_component(site_id.as_str())
    )
}

//! The One Click Multi DRM operations: one method per documented endpoint (policies, sites,
//! logs, license history), each a thin wrapper of an [`ApiRequest`] constructor.

use crate::error::Error;
use crate::model::envelope::ListPage;
use crate::model::license::LicenseRecord;
use crate::model::log::{PolicyLogEntry, SiteLogEntry};
use crate::model::policy::{Policy, PolicyRequest};
use crate::model::query::{LicenseHistoryQuery, Page, PolicyLogQuery, SiteLogQuery};
use crate::model::site::{Site, SiteId, SiteRequest};
use crate::request::ApiRequest;

use super::Client;
use super::paginator::Paginator;

impl Client {
    /// One page of policies.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn list_policies(&self, page: Page) -> Result<ListPage<Policy>, Error> {
        self.list(&ApiRequest::list_policies(page)).await
    }

    /// Every policy, page after page.
    pub fn policies(&self, page_size: u32) -> Paginator<'_, Policy> {
        Paginator::new(self, page_size, |page| Ok(ApiRequest::list_policies(page)))
    }

    /// One policy.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn get_policy(&self, policy_id: i64) -> Result<Policy, Error> {
        self.call(&ApiRequest::get_policy(policy_id)).await
    }

    /// Creates a policy (validated first; never retried).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn create_policy(&self, policy: &PolicyRequest) -> Result<Policy, Error> {
        self.call(&ApiRequest::create_policy(policy)?).await
    }

    /// Replaces a policy's settings (validated first).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn update_policy(
        &self,
        policy_id: i64,
        policy: &PolicyRequest,
    ) -> Result<Policy, Error> {
        self.call(&ApiRequest::update_policy(policy_id, policy)?)
            .await
    }

    /// Deletes a policy. Returns the deleted policy when the server sends it.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn delete_policy(&self, policy_id: i64) -> Result<Option<Policy>, Error> {
        self.call(&ApiRequest::delete_policy(policy_id)).await
    }

    /// Copies a policy (`Copy_<name>`, new id; public zone only; never retried).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn copy_policy(&self, policy_id: i64) -> Result<Policy, Error> {
        self.call(&ApiRequest::copy_policy(policy_id)).await
    }

    /// One page of a policy's event log.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn policy_log(
        &self,
        query: &PolicyLogQuery,
        page: Page,
    ) -> Result<ListPage<PolicyLogEntry>, Error> {
        self.list(&ApiRequest::policy_log(query, page)?).await
    }

    /// A policy's whole event log, page after page.
    pub fn policy_log_pages(
        &self,
        query: PolicyLogQuery,
        page_size: u32,
    ) -> Paginator<'_, PolicyLogEntry> {
        Paginator::new(self, page_size, move |page| {
            ApiRequest::policy_log(&query, page)
        })
    }

    /// One page of sites.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn list_sites(&self, page: Page) -> Result<ListPage<Site>, Error> {
        self.list(&ApiRequest::list_sites(page)).await
    }

    /// Every site, page after page.
    pub fn sites(&self, page_size: u32) -> Paginator<'_, Site> {
        Paginator::new(self, page_size, |page| Ok(ApiRequest::list_sites(page)))
    }

    /// One site.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn get_site(&self, site_id: &SiteId) -> Result<Site, Error> {
        self.call(&ApiRequest::get_site(site_id)).await
    }

    /// Creates a site (validated first; never retried).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn create_site(&self, site: &SiteRequest) -> Result<Site, Error> {
        self.call(&ApiRequest::create_site(site)?).await
    }

    /// Updates a site (validated first).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn update_site(&self, site_id: &SiteId, site: &SiteRequest) -> Result<Site, Error> {
        self.call(&ApiRequest::update_site(site_id, site)?).await
    }

    /// Turns a site ON (it issues licenses).
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn site_on(&self, site_id: &SiteId) -> Result<Site, Error> {
        self.call(&ApiRequest::site_on(site_id)).await
    }

    /// Turns a site OFF.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn site_off(&self, site_id: &SiteId) -> Result<Site, Error> {
        self.call(&ApiRequest::site_off(site_id)).await
    }

    /// One page of the site event log.
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn site_log(
        &self,
        query: &SiteLogQuery,
        page: Page,
    ) -> Result<ListPage<SiteLogEntry>, Error> {
        self.list(&ApiRequest::site_log(query, page)?).await
    }

    /// The whole site event log, page after page.
    pub fn site_log_pages(
        &self,
        query: SiteLogQuery,
        page_size: u32,
    ) -> Paginator<'_, SiteLogEntry> {
        Paginator::new(self, page_size, move |page| {
            ApiRequest::site_log(&query, page)
        })
    }

    /// One page of a site's license history ("statistics").
    ///
    /// # Errors
    /// See [`Error`].
    pub async fn license_history(
        &self,
        query: &LicenseHistoryQuery,
        page: Page,
    ) -> Result<ListPage<LicenseRecord>, Error> {
        self.list(&ApiRequest::license_history(query, page)?).await
    }

    /// A site's whole license history, page after page.
    pub fn license_history_pages(
        &self,
        query: LicenseHistoryQuery,
        page_size: u32,
    ) -> Paginator<'_, LicenseRecord> {
        Paginator::new(self, page_size, move |page| {
            ApiRequest::license_history(&query, page)
        })
    }
}

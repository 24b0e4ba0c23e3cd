//! The in-memory state of the emulated account: policies, sites, their event logs and the
//! license history, with the operations of spec §3.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::clock::compact_utc_minutes;
use super::drift::ResponseDrift;
use super::errors::{ServiceError, ServiceErrorCode};
use super::license::{LicenseFilter, LicenseRecord};
use super::policy::{BASIC_POLICY_ID, BASIC_POLICY_NAME, Policy, PolicyInput};
use super::query::Query;
use super::site::{Site, SiteInput, SiteStatus};

/// What a successful operation returns: the `content` and, for lists, the `total`.
#[derive(Debug, PartialEq)]
pub(crate) struct Reply {
    pub(crate) content: Value,
    pub(crate) total: Option<usize>,
}

impl Reply {
    fn one(content: Value) -> Self {
        Self {
            content,
            total: None,
        }
    }

    fn list(items: Vec<Value>, total: usize) -> Self {
        Self {
            content: Value::Array(items),
            total: Some(total),
        }
    }

    /// The success envelope.
    pub(crate) fn body(&self) -> Value {
        match self.total {
            Some(total) => json!({"success": true, "content": self.content, "total": total}),
            None => json!({"success": true, "content": self.content}),
        }
    }
}

type Outcome = Result<Reply, ServiceError>;

#[derive(Debug, Clone)]
struct LogEntry {
    subject: String,
    description: String,
    time_ms: i64,
}

/// Most log entries and license records kept; older ones are dropped first.
const MAX_LOG_ENTRIES: usize = 10_000;

/// The account's state.
#[derive(Debug)]
pub(crate) struct Store {
    policies: BTreeMap<i64, Policy>,
    next_policy_id: i64,
    sites: Vec<Site>,
    site_serial: u64,
    policy_log: Vec<LogEntry>,
    site_log: Vec<LogEntry>,
    licenses: Vec<LicenseRecord>,
}

impl Store {
    /// A fresh account: only the built-in policy 0 "Basic".
    pub(crate) fn new(now_ms: i64) -> Self {
        let mut policies = BTreeMap::new();
        policies.insert(BASIC_POLICY_ID, Policy::basic(now_ms));
        Self {
            policies,
            next_policy_id: 1,
            sites: Vec::new(),
            site_serial: 0,
            policy_log: Vec::new(),
            site_log: Vec::new(),
            licenses: Vec::new(),
        }
    }

    fn policy(&self, id: i64) -> Result<&Policy, ServiceError> {
        self.policies.get(&id).ok_or_else(|| policy_not_found(id))
    }

    fn check_policy_name_free(&self, name: &str, except: Option<i64>) -> Result<(), ServiceError> {
        let taken = self
            .policies
            .values()
            .any(|policy| policy.name == name && Some(policy.id) != except);
        if taken {
            return Err(ServiceError::new(
                ServiceErrorCode::PolicyNameDuplicated,
                format!("a policy named {name} already exists"),
            ));
        }
        Ok(())
    }

    fn log_policy(&mut self, id: i64, description: String, now_ms: i64) {
        push_bounded(
            &mut self.policy_log,
            LogEntry {
                subject: id.to_string(),
                description,
                time_ms: now_ms,
            },
        );
    }

    fn log_site(&mut self, id: &str, description: String, now_ms: i64) {
        push_bounded(
            &mut self.site_log,
            LogEntry {
                subject: id.to_owned(),
                description,
                time_ms: now_ms,
            },
        );
    }

    fn allocate_policy_id(&mut self) -> i64 {
        let id = self.next_policy_id;
        self.next_policy_id += 1;
        id
    }

    /// `GET /api/v1/policy`
    pub(crate) fn list_policies(&self, query: &Query, drift: ResponseDrift) -> Outcome {
        let page = query.page()?;
        let all: Vec<&Policy> = self.policies.values().collect();
        let (items, total) = page.slice(all);
        Ok(Reply::list(
            items.into_iter().map(|p| p.render(drift)).collect(),
            total,
        ))
    }

    /// `GET /api/v1/policy/{policyId}`
    pub(crate) fn get_policy(&self, id: i64, drift: ResponseDrift) -> Outcome {
        Ok(Reply::one(self.policy(id)?.render(drift)))
    }

    /// `POST /api/v1/policy`
    pub(crate) fn create_policy(
        &mut self,
        body: &Value,
        now_ms: i64,
        drift: ResponseDrift,
    ) -> Outcome {
        let input = PolicyInput::parse(body)?;
        self.check_policy_name_free(&input.name, None)?;
        let id = self.allocate_policy_id();
        let policy = Policy::from_input(id, input, now_ms);
        let rendered = policy.render(drift);
        self.log_policy(id, format!("Policy {} created", policy.name), now_ms);
        self.policies.insert(id, policy);
        Ok(Reply::one(rendered))
    }

    /// `PUT /api/v1/policy/{policyId}`
    pub(crate) fn update_policy(
        &mut self,
        id: i64,
        body: &Value,
        now_ms: i64,
        drift: ResponseDrift,
    ) -> Outcome {
        self.policy(id)?;
        refuse_basic(id, "updated")?;
        let input = PolicyInput::parse(body)?;
        self.check_policy_name_free(&input.name, Some(id))?;
        let policy = self
            .policies
            .get_mut(&id)
            .ok_or_else(|| policy_not_found(id))?;
        policy.replace(input, now_ms);
        let rendered = policy.render(drift);
        let description = format!("Policy {} updated", policy.name);
        self.log_policy(id, description, now_ms);
        Ok(Reply::one(rendered))
    }

    /// `DELETE /api/v1/policy/{policyId}`
    pub(crate) fn delete_policy(&mut self, id: i64, now_ms: i64, drift: ResponseDrift) -> Outcome {
        self.policy(id)?;
        refuse_basic(id, "deleted")?;
        if let Some(site) = self.sites.iter().find(|site| site.policy_id == id) {
            return Err(ServiceError::new(
                ServiceErrorCode::PolicyInUse,
                format!("policy {id} is used by site {}", site.id),
            ));
        }
        let mut policy = self
            .policies
            .remove(&id)
            .ok_or_else(|| policy_not_found(id))?;
        policy.status = "DELETED";
        policy.updated_ms = now_ms;
        self.log_policy(id, format!("Policy {} deleted", policy.name), now_ms);
        Ok(Reply::one(policy.render(drift)))
    }

    /// `POST /api/v1/policy/{policyId}/copy`: the copy is named `Copy_<name>`.
    pub(crate) fn copy_policy(&mut self, id: i64, now_ms: i64, drift: ResponseDrift) -> Outcome {
        let source = self.policy(id)?.clone();
        let name = format!("Copy_{}", source.name);
        self.check_policy_name_free(&name, None)?;
        let new_id = self.allocate_policy_id();
        let copy = source.copy_as(new_id, name, now_ms);
        let rendered = copy.render(drift);
        self.log_policy(
            new_id,
            format!("Policy {} copied from policy {id}", copy.name),
            now_ms,
        );
        self.policies.insert(new_id, copy);
        Ok(Reply::one(rendered))
    }

    /// `GET /api/v1/policy/policyLog`: newest first; `policyId` required.
    pub(crate) fn policy_log(&self, query: &Query) -> Outcome {
        let page = query.page()?;
        let policy_id = query.required_int_in("policyId", 0, i64::MAX)?;
        let window = query.time_window()?;
        let subject = policy_id.to_string();
        let matching: Vec<&LogEntry> = self
            .policy_log
            .iter()
            .rev()
            .filter(|entry| entry.subject == subject && window.contains(entry.time_ms))
            .collect();
        let (items, total) = page.slice(matching);
        let content = items
            .into_iter()
            .map(|entry| {
                json!({
                    "policyId": policy_id,
                    "description": entry.description,
                    "timestamp": entry.time_ms,
                })
            })
            .collect();
        Ok(Reply::list(content, total))
    }

    fn site_index(&self, id: &str) -> Result<usize, ServiceError> {
        self.sites
            .iter()
            .position(|site| site.id == id)
            .ok_or_else(|| {
                ServiceError::new(
                    ServiceErrorCode::SiteNotFound,
                    format!("site {id} not found"),
                )
            })
    }

    fn render_site(&self, site: &Site) -> Value {
        let policy_name = self
            .policies
            .get(&site.policy_id)
            .map_or(BASIC_POLICY_NAME, |policy| policy.name.as_str());
        site.render(policy_name)
    }

    fn check_site_name_free(&self, name: &str, except: Option<&str>) -> Result<(), ServiceError> {
        let taken = self
            .sites
            .iter()
            .any(|site| site.name == name && Some(site.id.as_str()) != except);
        if taken {
            return Err(ServiceError::new(
                ServiceErrorCode::SiteNameDuplicated,
                format!("a site named {name} already exists"),
            ));
        }
        Ok(())
    }

    /// A new site id shaped like the real ones: `drm-<yyyyMMddHHmm><2 digits>-<5 chars>`.
    fn mint_site_id(&mut self, now_ms: i64) -> String {
        self.site_serial += 1;
        let digest = Sha256::digest(format!("{now_ms}/{}", self.site_serial));
        let suffix: String = digest
            .iter()
            .take(5)
            .map(|byte| {
                char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[usize::from(*byte) % 36])
            })
            .collect();
        format!(
            "drm-{}{:02}-{suffix}",
            compact_utc_minutes(now_ms),
            self.site_serial % 100
        )
    }

    /// `GET /api/v1/sites`
    pub(crate) fn list_sites(&self, query: &Query) -> Outcome {
        let page = query.page()?;
        let (items, total) = page.slice(self.sites.iter().collect());
        Ok(Reply::list(
            items
                .into_iter()
                .map(|site| self.render_site(site))
                .collect(),
            total,
        ))
    }

    /// `GET /api/v1/sites/{siteId}`
    pub(crate) fn get_site(&self, id: &str) -> Outcome {
        let index = self.site_index(id)?;
        Ok(Reply::one(self.render_site(&self.sites[index])))
    }

    /// `POST /api/v1/sites`: the site is `READY` and off; turn it on to issue licenses.
    pub(crate) fn create_site(&mut self, body: &Value, now_ms: i64) -> Outcome {
        let input = SiteInput::parse(body)?;
        let policy_id = input.policy_id.unwrap_or(BASIC_POLICY_ID);
        self.policy(policy_id)?;
        self.check_site_name_free(&input.name, None)?;
        let site = Site {
            id: self.mint_site_id(now_ms),
            name: input.name,
            status: SiteStatus::Ready,
            enabled: false,
            policy_id,
            fair_play_cert: input.fair_play_cert,
        };
        let rendered = self.render_site(&site);
        self.log_site(&site.id, format!("Site {} created", site.name), now_ms);
        self.sites.push(site);
        Ok(Reply::one(rendered))
    }

    /// `PUT /api/v1/sites/{siteId}`: an omitted `policyId` / `fairPlayCert` keeps the current one.
    pub(crate) fn update_site(&mut self, id: &str, body: &Value, now_ms: i64) -> Outcome {
        let index = self.site_index(id)?;
        let input = SiteInput::parse(body)?;
        if let Some(policy_id) = input.policy_id {
            self.policy(policy_id)?;
        }
        self.check_site_name_free(&input.name, Some(id))?;
        let site = &mut self.sites[index];
        site.name = input.name;
        if let Some(policy_id) = input.policy_id {
            site.policy_id = policy_id;
        }
        if input.fair_play_cert.is_some() {
            site.fair_play_cert = input.fair_play_cert;
        }
        let description = format!("Site {} updated", site.name);
        let rendered = self.render_site(&self.sites[index]);
        self.log_site(id, description, now_ms);
        Ok(Reply::one(rendered))
    }

    /// `PUT /api/v1/sites/{siteId}/on` and `…/off`.
    pub(crate) fn switch_site(&mut self, id: &str, on: bool, now_ms: i64) -> Outcome {
        let index = self.site_index(id)?;
        let site = &mut self.sites[index];
        match (on, site.enabled) {
            (true, true) => {
                return Err(ServiceError::new(
                    ServiceErrorCode::SiteStatusNotOff,
                    format!("site {id} is already on"),
                ));
            }
            (false, false) => {
                return Err(ServiceError::new(
                    ServiceErrorCode::SiteStatusNotOn,
                    format!("site {id} is not on"),
                ));
            }
            _ => {}
        }
        site.enabled = on;
        site.status = if on {
            SiteStatus::Running
        } else {
            SiteStatus::Ready
        };
        let description = format!(
            "Site {} turned {}",
            site.name,
            if on { "on" } else { "off" }
        );
        let rendered = self.render_site(&self.sites[index]);
        self.log_site(id, description, now_ms);
        Ok(Reply::one(rendered))
    }

    /// `GET /api/v1/sites/siteLog`: newest first, optional `siteId` and time filters.
    pub(crate) fn site_log(&self, query: &Query) -> Outcome {
        let page = query.page()?;
        let site_id = query.get("siteId");
        let window = query.time_window()?;
        let matching: Vec<&LogEntry> = self
            .site_log
            .iter()
            .rev()
            .filter(|entry| {
                site_id.is_none_or(|id| entry.subject == id) && window.contains(entry.time_ms)
            })
            .collect();
        let (items, total) = page.slice(matching);
        let content = items
            .into_iter()
            .map(|entry| {
                json!({
                    "siteId": entry.subject,
                    "description": entry.description,
                    "timestamp": entry.time_ms,
                })
            })
            .collect();
        Ok(Reply::list(content, total))
    }

    /// `GET /api/v1/license/statistics`: newest first; `siteId` required and must exist.
    pub(crate) fn license_history(&self, query: &Query) -> Outcome {
        let page = query.page()?;
        let site_id = query
            .get("siteId")
            .ok_or_else(|| ServiceError::invalid("siteId", "is required"))?;
        self.site_index(site_id)?;
        let filter = LicenseFilter::parse(query)?;
        let mut matching: Vec<&LicenseRecord> = self
            .licenses
            .iter()
            .filter(|record| record.site_id == site_id && filter.matches(record))
            .collect();
        matching.sort_by_key(|record| std::cmp::Reverse(record.time_ms));
        let (items, total) = page.slice(matching);
        Ok(Reply::list(
            items.into_iter().map(LicenseRecord::render).collect(),
            total,
        ))
    }

    /// Adds a license issuance record (test seeding).
    pub(crate) fn record_license(&mut self, record: LicenseRecord) {
        push_bounded(&mut self.licenses, record);
    }

    /// Sets a site's status directly (test seeding), e.g. to `CREATING`.
    pub(crate) fn set_site_status(&mut self, id: &str, status: SiteStatus) -> bool {
        let Some(site) = self.sites.iter_mut().find(|site| site.id == id) else {
            return false;
        };
        site.status = status;
        site.enabled = status == SiteStatus::Running;
        true
    }

    /// A site that may issue licenses: it exists (281003) and is on (281005).
    pub(crate) fn license_site(&self, id: &str) -> Result<(), ServiceError> {
        let site = &self.sites[self.site_index(id)?];
        if !site.enabled {
            return Err(ServiceError::new(
                ServiceErrorCode::SiteStatusNotOn,
                format!("site {id} is not on: turn it on to issue licenses"),
            ));
        }
        Ok(())
    }

    /// Number of policies, the built-in one included.
    pub(crate) fn policy_count(&self) -> usize {
        self.policies.len()
    }

    /// Number of sites.
    pub(crate) fn site_count(&self) -> usize {
        self.sites.len()
    }
}

fn policy_not_found(id: i64) -> ServiceError {
    ServiceError::new(
        ServiceErrorCode::PolicyNotFound,
        format!("policy {id} not found"),
    )
}

fn refuse_basic(id: i64, verb: &str) -> Result<(), ServiceError> {
    if id == BASIC_POLICY_ID {
        return Err(ServiceError::new(
            ServiceErrorCode::PolicyNotModifiable,
            format!("the built-in policy {BASIC_POLICY_NAME} cannot be {verb}"),
        ));
    }
    Ok(())
}

fn push_bounded<T>(items: &mut Vec<T>, item: T) {
    if items.len() >= MAX_LOG_ENTRIES {
        items.remove(0);
    }
    items.push(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;
    const D: ResponseDrift = ResponseDrift::CURRENT;

    fn policy_body(name: &str) -> Value {
        json!({
            "policyName": name,
            "persistent": false,
            "rentalDuration": 0,
            "playbackDuration": 0,
            "drmPolicyConfig": {
                "widevine": {"useYn": true},
                "playready": {"useYn": true},
                "fairplay": {"useYn": true}
            }
        })
    }

    fn q(text: &str) -> Query {
        Query::parse(Some(text))
    }

    fn code(outcome: Outcome) -> ServiceErrorCode {
        outcome.expect_err("an error").code
    }

    #[test]
    fn starts_with_basic() {
        let store = Store::new(NOW);
        let reply = store.list_policies(&Query::default(), D).expect("list");
        assert_eq!(reply.total, Some(1));
        assert_eq!(reply.content[0]["policyId"], 0);
        assert_eq!(reply.content[0]["policyName"], "Basic");
    }

    #[test]
    fn policy_life_cycle() {
        let mut store = Store::new(NOW);
        let created = store
            .create_policy(&policy_body("Movies"), NOW, D)
            .expect("create");
        let id = created.content["policyId"].as_i64().expect("id");
        assert_eq!(id, 1);
        assert_eq!(
            code(store.create_policy(&policy_body("Movies"), NOW, D)),
            ServiceErrorCode::PolicyNameDuplicated
        );
        let updated = store
            .update_policy(id, &policy_body("Series"), NOW + 1, D)
            .expect("update");
        assert_eq!(updated.content["policyName"], "Series");
        assert_eq!(updated.content["policyUpdateTime"], NOW + 1);
        let copy = store.copy_policy(id, NOW + 2, D).expect("copy");
        assert_eq!(copy.content["policyName"], "Copy_Series");
        assert_eq!(copy.content["policyId"], 2);
        assert_eq!(
            code(store.copy_policy(id, NOW, D)),
            ServiceErrorCode::PolicyNameDuplicated
        );
        let deleted = store.delete_policy(id, NOW + 3, D).expect("delete");
        assert_eq!(deleted.content["policyStatus"], "DELETED");
        assert_eq!(
            code(store.get_policy(id, D)),
            ServiceErrorCode::PolicyNotFound
        );
        let log = store.policy_log(&q("policyId=1")).expect("log");
        assert_eq!(log.total, Some(3));
        assert!(
            log.content[0]["description"]
                .as_str()
                .expect("text")
                .contains("deleted")
        );
    }

    #[test]
    fn basic_is_protected() {
        let mut store = Store::new(NOW);
        assert_eq!(
            code(store.update_policy(0, &policy_body("Other"), NOW, D)),
            ServiceErrorCode::PolicyNotModifiable
        );
        assert_eq!(
            code(store.delete_policy(0, NOW, D)),
            ServiceErrorCode::PolicyNotModifiable
        );
        assert_eq!(
            store.copy_policy(0, NOW, D).expect("copy").content["policyName"],
            "Copy_Basic"
        );
    }

    #[test]
    fn policy_log_needs_policy_id() {
        let store = Store::new(NOW);
        let err = store.policy_log(&Query::default()).expect_err("missing");
        assert_eq!(err.message, "policyId: is required");
    }

    #[test]
    fn site_life_cycle() {
        let mut store = Store::new(NOW);
        let policy = store
            .create_policy(&policy_body("Movies"), NOW, D)
            .expect("policy");
        let policy_id = policy.content["policyId"].as_i64().expect("id");
        let site = store
            .create_site(&json!({"siteName": "web", "policyId": policy_id}), NOW)
            .expect("site");
        let id = site.content["siteId"].as_str().expect("id").to_owned();
        assert!(id.starts_with("drm-20231114221301-"), "{id}");
        assert_eq!(site.content["policyName"], "Movies");
        assert_eq!(site.content["siteStatus"], "READY");
        assert_eq!(site.content["siteEnabledYn"], false);
        assert_eq!(
            code(store.delete_policy(policy_id, NOW, D)),
            ServiceErrorCode::PolicyInUse
        );
        assert_eq!(
            code(store.switch_site(&id, false, NOW)),
            ServiceErrorCode::SiteStatusNotOn
        );
        let on = store.switch_site(&id, true, NOW).expect("on");
        assert_eq!(on.content["siteStatus"], "RUNNING");
        assert_eq!(
            code(store.switch_site(&id, true, NOW)),
            ServiceErrorCode::SiteStatusNotOff
        );
        let updated = store
            .update_site(&id, &json!({"siteName": "web2"}), NOW)
            .expect("update");
        assert_eq!(updated.content["policyId"], policy_id);
        assert_eq!(updated.content["siteName"], "web2");
        assert_eq!(
            code(store.create_site(&json!({"siteName": "web2"}), NOW)),
            ServiceErrorCode::SiteNameDuplicated
        );
        assert_eq!(
            code(store.create_site(&json!({"siteName": "other", "policyId": 99}), NOW)),
            ServiceErrorCode::PolicyNotFound
        );
        assert_eq!(
            code(store.get_site("drm-nope")),
            ServiceErrorCode::SiteNotFound
        );
        let log = store.site_log(&q(&format!("siteId={id}"))).expect("log");
        assert_eq!(log.total, Some(3));
    }

    #[test]
    fn site_ids_are_distinct() {
        let mut store = Store::new(NOW);
        let a = store.mint_site_id(NOW);
        let b = store.mint_site_id(NOW);
        assert_ne!(a, b);
        assert_eq!(a.len(), "drm-20231114221301-abcde".len());
    }

    #[test]
    fn license_history_requires_known_site() {
        let mut store = Store::new(NOW);
        assert_eq!(
            store
                .license_history(&Query::default())
                .expect_err("siteId")
                .message,
            "siteId: is required"
        );
        assert_eq!(
            code(store.license_history(&q("siteId=drm-x"))),
            ServiceErrorCode::SiteNotFound
        );
        let site = store
            .create_site(&json!({"siteName": "web"}), NOW)
            .expect("site");
        let id = site.content["siteId"].as_str().expect("id").to_owned();
        for time_ms in [3, 1, 2] {
            store.record_license(LicenseRecord {
                site_id: id.clone(),
                user_id: "u".to_owned(),
                content_id: "c".to_owned(),
                drm_type: "Widevine".to_owned(),
                device_id: "d".to_owned(),
                device_model: "m".to_owned(),
                status: super::super::license::LicenseStatus::Success,
                time_ms,
            });
        }
        let reply = store
            .license_history(&q(&format!("siteId={id}&pageSize=2")))
            .expect("history");
        assert_eq!(reply.total, Some(3));
        assert_eq!(reply.content[0]["createdTime"], 3);
        assert_eq!(reply.content[1]["createdTime"], 2);
    }
}

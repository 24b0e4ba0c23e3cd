//! The emulator against `ncp-policy-api`'s own sans-IO requests and response model: every
//! request the crate builds is accepted, and every response (current or drifted shape) decodes.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{SystemTime, UNIX_EPOCH};

use multidrm_sandbox::ncp::{
    LicenseRecord as SeedRecord, LicenseStatus as SeedStatus, NcpSettings, ResponseDrift,
};
use multidrm_sandbox::{Sandbox, SandboxOptions};
use ncp_policy_api::signature::DEFAULT_REGION_CODE;
use ncp_policy_api::{
    AccessKey, ApiRequest, DrmPolicyConfig, Envelope, Error, LicenseHistoryQuery, LicenseRecord,
    Page, Policy, PolicyLogEntry, PolicyLogQuery, PolicyName, PolicyRequest, SearchCondition,
    SecretKey, Site, SiteId, SiteLogEntry, SiteLogQuery, SiteName, SiteRequest, StatusFilter,
    decode,
};
use serde::de::DeserializeOwned;

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

struct Harness {
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Harness {
    async fn start(drift: ResponseDrift) -> Self {
        let sandbox = Sandbox::start(SandboxOptions {
            ncp: NcpSettings {
                response_drift: drift,
                ..NcpSettings::default()
            },
            ..SandboxOptions::default()
        })
        .await
        .unwrap();
        Self {
            sandbox,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
        secret: &str,
    ) -> Result<Envelope<T>, Error> {
        let headers = request.sign(
            now_ms(),
            &AccessKey::new(self.sandbox.ncp_access_key()),
            &SecretKey::new(secret),
            DEFAULT_REGION_CODE,
        );
        let url = format!("{}{}", self.sandbox.ncp_endpoint(), request.target);
        let mut builder = self
            .http
            .request(request.method.as_str().parse().unwrap(), url);
        for (name, value) in headers.iter() {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = builder.send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.bytes().await.unwrap();
        decode(status, &body)
    }

    async fn ok<T: DeserializeOwned>(&self, request: &ApiRequest) -> Envelope<T> {
        self.call(request, self.sandbox.ncp_secret_key())
            .await
            .unwrap_or_else(|e| panic!("{} {}: {e:?}", request.method.as_str(), request.target))
    }
}

async fn full_tour(drift: ResponseDrift) {
    let api = Harness::start(drift).await;

    let policies: Envelope<Vec<Policy>> = api.ok(&ApiRequest::list_policies(Page::default())).await;
    assert_eq!(policies.total, Some(1));
    assert_eq!(policies.content[0].policy_id, 0);

    let mut request = PolicyRequest::new(PolicyName::new("Compat_Policy").unwrap());
    request.persistent = true;
    request.rental_duration = 3600;
    request.drm_policy_config = DrmPolicyConfig::all_enabled();
    request.drm_policy_config.widevine.security_level = Some(5);
    request.drm_policy_config.playready.security_level = Some(3000);
    let created: Envelope<Policy> = api.ok(&ApiRequest::create_policy(&request).unwrap()).await;
    let policy = created.content;
    let id = policy.policy_id;
    assert_eq!(policy.policy_name.as_deref(), Some("Compat_Policy"));
    assert_eq!(policy.rental_duration, Some(3600));
    let config = policy.drm_policy_config.clone().unwrap();
    assert_eq!(config.widevine.security_level, Some(5));
    assert_eq!(config.playready.security_level, Some(3000));
    assert_eq!(config.fairplay.use_yn, Some(true));

    let round_trip = policy.to_request().unwrap();
    let fetched: Envelope<Policy> = api.ok(&ApiRequest::get_policy(id)).await;
    assert_eq!(fetched.content.policy_id, id);

    let mut renamed = round_trip.clone();
    renamed.policy_name = PolicyName::new("Compat_Renamed").unwrap();
    let updated: Envelope<Policy> = api
        .ok(&ApiRequest::update_policy(id, &renamed).unwrap())
        .await;
    assert_eq!(
        updated.content.policy_name.as_deref(),
        Some("Compat_Renamed")
    );

    let copy: Envelope<Policy> = api.ok(&ApiRequest::copy_policy(id)).await;
    assert_eq!(
        copy.content.policy_name.as_deref(),
        Some("Copy_Compat_Renamed")
    );

    let log: Envelope<Vec<PolicyLogEntry>> = api
        .ok(&ApiRequest::policy_log(&PolicyLogQuery::new(id), Page::default()).unwrap())
        .await;
    assert_eq!(log.total, Some(2));
    assert_eq!(log.content[0].policy_id, Some(id));

    let site_request = SiteRequest {
        policy_id: Some(id),
        ..SiteRequest::new(SiteName::new("compat_site").unwrap())
    };
    let site: Envelope<Site> = api
        .ok(&ApiRequest::create_site(&site_request).unwrap())
        .await;
    let site_id = SiteId::new(site.content.site_id.clone()).unwrap();
    assert_eq!(site.content.policy_name.as_deref(), Some("Compat_Renamed"));
    let sites: Envelope<Vec<Site>> = api.ok(&ApiRequest::list_sites(Page::default())).await;
    assert_eq!(sites.total, Some(1));
    let _: Envelope<Site> = api.ok(&ApiRequest::get_site(&site_id)).await;
    let _: Envelope<Site> = api
        .ok(&ApiRequest::update_site(&site_id, &site_request).unwrap())
        .await;
    let on: Envelope<Site> = api.ok(&ApiRequest::site_on(&site_id)).await;
    assert_eq!(on.content.site_enabled_yn, Some(true));
    let off: Envelope<Site> = api.ok(&ApiRequest::site_off(&site_id)).await;
    assert_eq!(off.content.site_enabled_yn, Some(false));
    let site_log: Envelope<Vec<SiteLogEntry>> = api
        .ok(&ApiRequest::site_log(
            &SiteLogQuery {
                site_id: Some(site_id.clone()),
                ..SiteLogQuery::default()
            },
            Page::default(),
        )
        .unwrap())
        .await;
    assert_eq!(site_log.total, Some(4));

    api.sandbox.ncp().record_license(SeedRecord {
        site_id: site_id.as_str().to_owned(),
        user_id: "user one@example.com".to_owned(),
        content_id: "movie".to_owned(),
        drm_type: "Widevine".to_owned(),
        device_id: "dev".to_owned(),
        device_model: "Pixel".to_owned(),
        status: SeedStatus::Success,
        time_ms: i64::try_from(now_ms()).unwrap(),
    });
    let history_query = LicenseHistoryQuery {
        search: Some((SearchCondition::UserId, "user one@example.com".to_owned())),
        status: Some(StatusFilter::Success),
        ..LicenseHistoryQuery::new(site_id.clone())
    };
    let history: Envelope<Vec<LicenseRecord>> = api
        .ok(&ApiRequest::license_history(&history_query, Page::default()).unwrap())
        .await;
    assert_eq!(history.total, Some(1));
    assert_eq!(
        history.content[0].user_id.as_deref(),
        Some("user one@example.com")
    );
    assert!(history.content[0].license_status.is_some());
    assert!(history.content[0].created_time.is_some());

    let copy_id = copy.content.policy_id;
    let deleted: Envelope<Policy> = api.ok(&ApiRequest::delete_policy(copy_id)).await;
    assert_eq!(deleted.content.policy_id, copy_id);

    match api
        .call::<Policy>(
            &ApiRequest::get_policy(copy_id),
            api.sandbox.ncp_secret_key(),
        )
        .await
    {
        Err(Error::Api { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (404, "289001"))
        }
        other => panic!("expected a service error, got {other:?}"),
    }
    match api
        .call::<Policy>(&ApiRequest::get_policy(0), "wrong-secret")
        .await
    {
        Err(Error::Gateway {
            status,
            error_code,
            message,
            ..
        }) => {
            assert_eq!((status, error_code.as_str()), (401, "200"));
            assert_eq!(message, "Authentication Failed");
        }
        other => panic!("expected a gateway error, got {other:?}"),
    }
}

#[tokio::test]
async fn current_shape() {
    full_tour(ResponseDrift::CURRENT).await;
}

#[tokio::test]
async fn legacy_shape() {
    full_tour(ResponseDrift::LEGACY).await;
}

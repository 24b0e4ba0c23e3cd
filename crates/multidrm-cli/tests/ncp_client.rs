//! The `ncp-policy-api` client against the NCP emulator of `multidrm-sandbox`, over loopback.
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use multidrm_sandbox::ncp::{
    FaultResponse, LicenseRecord as SeededRecord, LicenseStatus as SeededStatus, NcpSettings,
    ResponseDrift,
};
use multidrm_sandbox::{Sandbox, SandboxOptions};
use ncp_policy_api::{
    AccessKey, Client, ClientBuilder, Clock, Error, LicenseHistoryQuery, LicenseStatus, Page,
    PolicyLogQuery, PolicyName, PolicyRequest, RetryPolicy, SearchCondition, SecretKey, SiteId,
    SiteLogQuery, SiteName, SiteRequest, SiteStatus, SkewedClock, StatusFilter,
};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).await.unwrap()
}

async fn sandbox_with(ncp: NcpSettings) -> Sandbox {
    Sandbox::start(SandboxOptions {
        ncp,
        ..SandboxOptions::default()
    })
    .await
    .unwrap()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    }
}

fn builder(sandbox: &Sandbox) -> ClientBuilder {
    Client::builder(
        AccessKey::new(sandbox.ncp_access_key()),
        SecretKey::new(sandbox.ncp_secret_key()),
    )
    .endpoint(sandbox.ncp_endpoint())
    .retry_policy(fast_retries())
}

fn client(sandbox: &Sandbox) -> Client {
    builder(sandbox).build().unwrap()
}

fn policy(name: &str) -> PolicyRequest {
    PolicyRequest::new(PolicyName::new(name).unwrap())
}

/// The real clock, moved forward one second every time it is read: two attempts can never
/// share a timestamp.
#[derive(Debug, Default)]
struct SteppingClock(AtomicU64);

impl Clock for SteppingClock {
    fn now_ms(&self) -> u64 {
        ncp_policy_api::clock::now_ms() + 1_000 * self.0.fetch_add(1, Ordering::SeqCst)
    }
}

#[tokio::test]
async fn policy_crud() {
    let sb = sandbox().await;
    let c = client(&sb);

    let basic = c.get_policy(0).await.unwrap();
    assert_eq!(basic.policy_name.as_deref(), Some("Basic"));

    let mut body = policy("movies_hd");
    body.drm_policy_config.playready.security_level = Some(2000);
    let created = c.create_policy(&body).await.unwrap();
    let id = created.policy_id;
    assert_ne!(id, 0);
    assert_eq!(created.policy_name.as_deref(), Some("movies_hd"));
    let config = created.drm_policy_config.as_ref().unwrap();
    assert_eq!(config.playready.security_level, Some(2000));

    let fetched = c.get_policy(id).await.unwrap();
    assert_eq!(fetched.policy_id, id);

    let mut change = fetched.to_request().unwrap();
    change.persistent = true;
    change.rental_duration = 3600;
    change.playback_duration = 600;
    let updated = c.update_policy(id, &change).await.unwrap();
    assert_eq!(updated.rental_duration, Some(3600));
    assert_eq!(updated.persistent, Some(true));

    let copy = c.copy_policy(id).await.unwrap();
    assert_ne!(copy.policy_id, id);
    assert_eq!(copy.policy_name.as_deref(), Some("Copy_movies_hd"));

    let list = c.list_policies(Page::default()).await.unwrap();
    assert_eq!(list.total, Some(3));
    assert!(list.items.iter().any(|p| p.policy_id == id));

    let log = c
        .policy_log(&PolicyLogQuery::new(id), Page::default())
        .await
        .unwrap();
    assert!(!log.items.is_empty());
    assert!(log.items.iter().all(|e| e.policy_id == Some(id)));

    c.delete_policy(copy.policy_id).await.unwrap();
    let deleted = c.delete_policy(id).await.unwrap();
    assert!(deleted.is_none_or(|p| p.policy_id == id));
    let gone = c.get_policy(id).await.unwrap_err();
    assert!(
        matches!(&gone, Error::Api { status: 404, code, .. } if code == "289001"),
        "{gone:?}"
    );
}

#[tokio::test]
async fn site_crud_on_off_and_log() {
    let sb = sandbox().await;
    let c = client(&sb);
    let pol = c.create_policy(&policy("site_policy")).await.unwrap();

    let mut body = SiteRequest::new(SiteName::new("web_site").unwrap());
    body.policy_id = Some(pol.policy_id);
    let site = c.create_site(&body).await.unwrap();
    assert_eq!(site.policy_id, Some(pol.policy_id));
    assert_eq!(site.policy_name.as_deref(), Some("site_policy"));
    let id = SiteId::new(site.site_id.clone()).unwrap();

    let got = c.get_site(&id).await.unwrap();
    assert_eq!(got.site_name.as_deref(), Some("web_site"));

    let renamed = c
        .update_site(&id, &SiteRequest::new(SiteName::new("web-site-2").unwrap()))
        .await
        .unwrap();
    assert_eq!(renamed.site_name.as_deref(), Some("web-site-2"));

    let on = c.site_on(&id).await.unwrap();
    assert_eq!(on.site_enabled_yn, Some(true));
    assert_eq!(on.site_status, Some(SiteStatus::Running));
    let again = c.site_on(&id).await.unwrap_err();
    assert!(
        matches!(&again, Error::Api { code, name, .. } if code == "281006" && name.as_deref() == Some("SITE_STATUS_NOT_OFF")),
        "{again:?}"
    );
    let off = c.site_off(&id).await.unwrap();
    assert_eq!(off.site_enabled_yn, Some(false));

    let sites = c.sites(10).collect_all().await.unwrap();
    assert_eq!(sites.len(), 1);

    let log = c
        .site_log(
            &SiteLogQuery {
                site_id: Some(id.clone()),
                ..SiteLogQuery::default()
            },
            Page::default(),
        )
        .await
        .unwrap();
    assert!(log.items.len() >= 3, "{log:?}");
    assert!(
        log.items
            .iter()
            .all(|e| e.site_id.as_deref() == Some(id.as_str()))
    );

    let missing = c
        .get_site(&SiteId::new("drm-nope").unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(&missing, Error::Api { code, .. } if code == "281003"),
        "{missing:?}"
    );
}

#[tokio::test]
async fn pagination_walks_every_page() {
    let sb = sandbox().await;
    let c = client(&sb);
    for i in 0..24 {
        c.create_policy(&policy(&format!("paged_{i:02}")))
            .await
            .unwrap();
    }
    sb.ncp().clear_requests();
    let mut pages = c.policies(10);
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = pages.next_page().await.unwrap() {
        sizes.push(page.items.len());
        ids.extend(page.items.iter().map(|p| p.policy_id));
    }
    assert_eq!(sizes, [10, 10, 5]);
    assert_eq!(pages.total(), Some(25));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 25);
    let targets: Vec<String> = sb.ncp().requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/api/v1/policy?pageNo=1&pageSize=10",
            "/api/v1/policy?pageNo=2&pageSize=10",
            "/api/v1/policy?pageNo=3&pageSize=10",
        ]
    );
    assert_eq!(c.policies(100).collect_all().await.unwrap().len(), 25);
}

#[tokio::test]
async fn service_errors_are_typed() {
    let sb = sandbox().await;
    let c = client(&sb);
    c.create_policy(&policy("dup_name")).await.unwrap();
    let dup = c.create_policy(&policy("dup_name")).await.unwrap_err();
    assert!(
        matches!(&dup, Error::Api { status: 409, code, name, .. } if code == "289002" && name.as_deref() == Some("POLICY_NAME_DUPLICATED")),
        "{dup:?}"
    );
    assert!(!dup.is_retryable());
    let basic = c.delete_policy(0).await.unwrap_err();
    assert!(matches!(basic, Error::Api { .. }), "{basic:?}");
    // Refused before sending: nothing reaches the emulator.
    sb.ncp().clear_requests();
    let mut bad = policy("bad_level");
    bad.drm_policy_config.widevine.security_level = Some(9);
    let err = c.create_policy(&bad).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.field == "drmPolicyConfig.widevine.securityLevel"),
        "{err:?}"
    );
    assert!(sb.ncp().requests().is_empty());
}

#[tokio::test]
async fn gateway_errors_are_typed_and_wrong_secret_is_rejected() {
    let sb = sandbox().await;
    let wrong = Client::builder(
        AccessKey::new(sb.ncp_access_key()),
        SecretKey::new("not-the-secret"),
    )
    .endpoint(sb.ncp_endpoint())
    .build()
    .unwrap();
    let err = wrong.list_policies(Page::default()).await.unwrap_err();
    match &err {
        Error::Gateway {
            status,
            error_code,
            message,
            ..
        } => {
            assert_eq!(*status, 401);
            assert_eq!(error_code, "200");
            assert_eq!(message, "Authentication Failed");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(
        sb.ncp().requests().len(),
        1,
        "authentication failures are not retried"
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("not-the-secret") && !shown.contains(sb.ncp_secret_key()));

    let unknown = Client::builder(AccessKey::new("who-am-i"), SecretKey::new("x"))
        .endpoint(sb.ncp_endpoint())
        .build()
        .unwrap();
    let err = unknown.get_policy(0).await.unwrap_err();
    assert!(
        matches!(&err, Error::Gateway { status: 401, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn skewed_client_clock_is_reported_as_clock_skew() {
    let sb = sandbox().await;
    let c = builder(&sb)
        .clock(Arc::new(SkewedClock::new(-10 * 60 * 1000)))
        .build()
        .unwrap();
    let err = c.list_policies(Page::default()).await.unwrap_err();
    match &err {
        Error::ClockSkew {
            status, skew_ms, ..
        } => {
            assert_eq!(*status, 401);
            // The Date header gives the estimate (one-second resolution).
            let skew = skew_ms.unwrap();
            assert!((-602_000..=-598_000).contains(&skew), "{skew}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("clock skew"), "{err}");
    assert!(!err.is_retryable());
    // Four minutes off is still accepted.
    let ok = builder(&sb)
        .clock(Arc::new(SkewedClock::new(4 * 60 * 1000)))
        .build()
        .unwrap();
    ok.list_policies(Page::default()).await.unwrap();
}

#[tokio::test]
async fn skewed_gateway_clock_is_reported_as_clock_skew() {
    let sb = sandbox_with(NcpSettings {
        clock_offset_ms: 30 * 60 * 1000,
        ..NcpSettings::default()
    })
    .await;
    let err = client(&sb).get_policy(0).await.unwrap_err();
    assert!(matches!(err, Error::ClockSkew { .. }), "{err:?}");
}

#[tokio::test]
async fn a_503_is_retried_with_a_fresh_timestamp_and_signature() {
    let sb = sandbox().await;
    let c = builder(&sb)
        .clock(Arc::new(SteppingClock::default()))
        .build()
        .unwrap();
    sb.ncp().faults().fail_next(1);
    let page = c.list_policies(Page::default()).await.unwrap();
    assert_eq!(page.total, Some(1));
    let requests = sb.ncp().requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let (first, second) = (&requests[0], &requests[1]);
    assert!(first.faulted);
    assert_eq!(first.status, 503);
    assert!(!second.faulted);
    assert_eq!(second.status, 200);
    assert_eq!(first.target, second.target);
    assert_ne!(first.timestamp, second.timestamp);
    assert_ne!(first.signature, second.signature);
    let (t1, t2): (u64, u64) = (
        first.timestamp.as_deref().unwrap().parse().unwrap(),
        second.timestamp.as_deref().unwrap().parse().unwrap(),
    );
    assert!(t2 > t1);
}

#[tokio::test]
async fn a_429_and_a_500_are_retried_too() {
    let sb = sandbox().await;
    let c = client(&sb);
    sb.ncp()
        .faults()
        .fail_next_with(1, FaultResponse::quota_exceeded());
    sb.ncp()
        .faults()
        .fail_next_with(1, FaultResponse::internal_error());
    c.get_policy(0).await.unwrap();
    assert_eq!(sb.ncp().requests().len(), 3);
}

#[tokio::test]
async fn retries_stop_after_the_policy_limit() {
    let sb = sandbox().await;
    let c = client(&sb);
    sb.ncp().faults().fail_next(10);
    let err = c.get_policy(0).await.unwrap_err();
    assert!(matches!(&err, Error::Http { status: 503, .. }), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(sb.ncp().requests().len(), 3, "one attempt and two retries");
}

#[tokio::test]
async fn a_post_is_not_retried() {
    let sb = sandbox().await;
    let c = client(&sb);
    sb.ncp().faults().fail_next(1);
    let err = c.create_policy(&policy("once_only")).await.unwrap_err();
    assert!(matches!(&err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(sb.ncp().requests().len(), 1);
    assert_eq!(sb.ncp().policy_count(), 1);
    sb.ncp().faults().fail_next(1);
    assert!(c.copy_policy(0).await.is_err());
    assert_eq!(sb.ncp().requests().len(), 2);
    // The caller decides to try again.
    c.create_policy(&policy("once_only")).await.unwrap();
    assert_eq!(sb.ncp().policy_count(), 2);
}

#[tokio::test]
async fn a_slow_response_hits_the_read_timeout() {
    let sb = sandbox().await;
    let c = builder(&sb)
        .read_timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::NONE)
        .build()
        .unwrap();
    sb.ncp().faults().delay_next(1, Duration::from_secs(3));
    let err = c.get_policy(0).await.unwrap_err();
    match &err {
        Error::Transport(t) => {
            assert!(t.is_timeout(), "{t:?}");
            assert!(!t.is_connect());
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_timed_out_get_is_retried() {
    let sb = sandbox().await;
    let c = builder(&sb)
        .read_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    sb.ncp().faults().delay_next(1, Duration::from_secs(3));
    c.get_policy(0).await.unwrap();
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    // Bind and drop a listener to get a port nobody serves.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = Client::builder(AccessKey::new("a"), SecretKey::new("s"))
        .endpoint(format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::NONE)
        .build()
        .unwrap();
    let err = c.get_policy(0).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.is_connect()),
        "{err:?}"
    );
}

#[tokio::test]
async fn legacy_response_drift_is_absorbed() {
    let sb = sandbox().await;
    let c = client(&sb);
    let mut body = policy("drifting");
    body.persistent = true;
    body.rental_duration = 120;
    body.drm_policy_config.playready.security_level = Some(3000);
    let current = c.create_policy(&body).await.unwrap();
    sb.ncp().set_response_drift(ResponseDrift::LEGACY);
    let legacy = c.get_policy(current.policy_id).await.unwrap();
    assert_eq!(legacy.rental_duration, Some(120));
    assert_eq!(legacy.drm_policy_config, current.drm_policy_config);
    let all = c.policies(50).collect_all().await.unwrap();
    assert_eq!(all.len(), 2);
}

#[tokio::test]
async fn license_history_with_filters() {
    let sb = sandbox().await;
    let c = client(&sb);
    let site = c
        .create_site(&SiteRequest::new(SiteName::new("history").unwrap()))
        .await
        .unwrap();
    let now = sb.ncp().now_ms();
    for (i, (user, status)) in [
        ("user@example.com", SeededStatus::Success),
        ("user@example.com", SeededStatus::Fail),
        ("someone-else", SeededStatus::Success),
    ]
    .into_iter()
    .enumerate()
    {
        sb.ncp().record_license(SeededRecord {
            site_id: site.site_id.clone(),
            user_id: user.to_owned(),
            content_id: format!("movie-{i}"),
            drm_type: "Widevine".to_owned(),
            device_id: "dev".to_owned(),
            device_model: "Pixel".to_owned(),
            status,
            time_ms: now - 1_000 * i64::try_from(i).unwrap(),
        });
    }
    let site_id = SiteId::new(site.site_id.clone()).unwrap();
    let all = c
        .license_history_pages(LicenseHistoryQuery::new(site_id.clone()), 2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);

    let mut query = LicenseHistoryQuery::new(site_id);
    query.search = Some((SearchCondition::UserId, "user@example.com".to_owned()));
    query.status = Some(StatusFilter::Success);
    let page = c.license_history(&query, Page::default()).await.unwrap();
    assert_eq!(page.total, Some(1));
    let record = &page.items[0];
    assert_eq!(record.user_id.as_deref(), Some("user@example.com"));
    assert_eq!(record.license_status, Some(LicenseStatus::Success));
    assert!(
        record
            .created_time
            .as_ref()
            .and_then(|t| t.millis())
            .is_some()
    );
    // The '@' went over the wire encoded, and was signed that way.
    let sent = sb.ncp().requests().pop().unwrap();
    assert!(
        sent.target.contains("searchKeyword=user%40example.com"),
        "{}",
        sent.target
    );
    assert_eq!(sent.status, 200);
}

#[tokio::test]
async fn every_request_carries_the_full_header_set() {
    let sb = sandbox().await;
    client(&sb).get_policy(0).await.unwrap();
    let r = sb.ncp().requests().pop().unwrap();
    assert_eq!(r.access_key.as_deref(), Some(sb.ncp_access_key()));
    assert_eq!(r.region_code.as_deref(), Some("KR"));
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert!(r.signature.is_some() && r.timestamp.is_some());
}

//! Maps a method and path to an operation of spec §3 (current paths only).

use serde_json::Value;

use super::drift::ResponseDrift;
use super::errors::{GatewayRejection, ServiceError, ServiceErrorCode};
use super::query::Query;
use super::store::{Reply, Store};

/// Prefix of every One Click Multi DRM management path.
pub(crate) const API_PREFIX: &str = "/api/v1/";

/// The answer to a request that passed the gateway.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The operation succeeded.
    Ok(Reply),
    /// The service refused it.
    Service(ServiceError),
    /// No resource matches: the gateway answers.
    Gateway(GatewayRejection),
}

/// Which operation a request names, with its path parameters.
#[derive(Debug, PartialEq, Eq)]
enum Route<'a> {
    ListPolicies,
    CreatePolicy,
    PolicyLog,
    GetPolicy(&'a str),
    UpdatePolicy(&'a str),
    DeletePolicy(&'a str),
    CopyPolicy(&'a str),
    ListSites,
    CreateSite,
    SiteLog,
    GetSite(&'a str),
    UpdateSite(&'a str),
    SwitchSite(&'a str, bool),
    LicenseHistory,
}

fn route<'a>(method: &str, path: &'a str) -> Option<Route<'a>> {
    let rest = path.strip_prefix(API_PREFIX)?;
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|segment| segment.is_empty()) {
        return None;
    }
    let route = match (method, segments.as_slice()) {
        ("GET", ["policy"]) => Route::ListPolicies,
        ("POST", ["policy"]) => Route::CreatePolicy,
        ("GET", ["policy", "policyLog"]) => Route::PolicyLog,
        ("GET", ["policy", id]) => Route::GetPolicy(id),
        ("PUT", ["policy", id]) => Route::UpdatePolicy(id),
        ("DELETE", ["policy", id]) => Route::DeletePolicy(id),
        ("POST", ["policy", id, "copy"]) => Route::CopyPolicy(id),
        ("GET", ["sites"]) => Route::ListSites,
        ("POST", ["sites"]) => Route::CreateSite,
        ("GET", ["sites", "siteLog"]) => Route::SiteLog,
        ("GET", ["sites", id]) => Route::GetSite(id),
        ("PUT", ["sites", id]) => Route::UpdateSite(id),
        ("PUT", ["sites", id, "on"]) => Route::SwitchSite(id, true),
        ("PUT", ["sites", id, "off"]) => Route::SwitchSite(id, false),
        ("GET", ["license", "statistics"]) => Route::LicenseHistory,
        _ => return None,
    };
    Some(route)
}

/// A request as the service sees it.
pub(crate) struct ServiceRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) body: &'a [u8],
    pub(crate) now_ms: i64,
    pub(crate) drift: ResponseDrift,
}

/// Runs one request against the store.
pub(crate) fn dispatch(store: &mut Store, request: &ServiceRequest<'_>) -> Answer {
    let Some(route) = route(request.method, request.path) else {
        return Answer::Gateway(GatewayRejection::NotFound);
    };
    match run(store, &route, request) {
        Ok(reply) => Answer::Ok(reply),
        Err(error) => Answer::Service(error),
    }
}

fn run(
    store: &mut Store,
    route: &Route<'_>,
    request: &ServiceRequest<'_>,
) -> Result<Reply, ServiceError> {
    let query = Query::parse(request.query);
    let (now, drift) = (request.now_ms, request.drift);
    match *route {
        Route::ListPolicies => store.list_policies(&query, drift),
        Route::CreatePolicy => store.create_policy(&json_body(request.body)?, now, drift),
        Route::PolicyLog => store.policy_log(&query),
        Route::GetPolicy(id) => store.get_policy(policy_id(id)?, drift),
        Route::UpdatePolicy(id) => {
            let id = policy_id(id)?;
            store.update_policy(id, &json_body(request.body)?, now, drift)
        }
        Route::DeletePolicy(id) => store.delete_policy(policy_id(id)?, now, drift),
        Route::CopyPolicy(id) => {
            let id = policy_id(id)?;
            if !request.body.iter().all(u8::is_ascii_whitespace) {
                json_body(request.body)?;
            }
            store.copy_policy(id, now, drift)
        }
        Route::ListSites => store.list_sites(&query),
        Route::CreateSite => store.create_site(&json_body(request.body)?, now),
        Route::SiteLog => store.site_log(&query),
        Route::GetSite(id) => store.get_site(id),
        Route::UpdateSite(id) => store.update_site(id, &json_body(request.body)?, now),
        Route::SwitchSite(id, on) => store.switch_site(id, on, now),
        Route::LicenseHistory => store.license_history(&query),
    }
}

fn policy_id(segment: &str) -> Result<i64, ServiceError> {
    segment
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= 0)
        .ok_or_else(|| ServiceError::invalid("policyId", "must be a non-negative integer"))
}

fn json_body(body: &[u8]) -> Result<Value, ServiceError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ServiceError::new(
            ServiceErrorCode::JsonParseFailed,
            "request body is required",
        ));
    }
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        ServiceError::new(
            ServiceErrorCode::JsonParseFailed,
            format!(
                "request body is not valid JSON (line {}, column {})",
                error.line(),
                error.column()
            ),
        )
    })?;
    if !value.is_object() {
        return Err(ServiceError::new(
            ServiceErrorCode::JsonParseFailed,
            "request body must be a JSON object",
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_current_paths() {
        assert_eq!(route("GET", "/api/v1/policy"), Some(Route::ListPolicies));
        assert_eq!(
            route("GET", "/api/v1/policy/policyLog"),
            Some(Route::PolicyLog)
        );
        assert_eq!(
            route("GET", "/api/v1/policy/12"),
            Some(Route::GetPolicy("12"))
        );
        assert_eq!(
            route("POST", "/api/v1/policy/12/copy"),
            Some(Route::CopyPolicy("12"))
        );
        assert_eq!(route("GET", "/api/v1/sites/siteLog"), Some(Route::SiteLog));
        assert_eq!(
            route("PUT", "/api/v1/sites/drm-1/off"),
            Some(Route::SwitchSite("drm-1", false))
        );
        assert_eq!(
            route("GET", "/api/v1/license/statistics"),
            Some(Route::LicenseHistory)
        );
    }

    #[test]
    fn refuses_old_and_odd_paths() {
        for (method, path) in [
            ("PUT", "/api/v1/12"),
            ("GET", "/api/v1/policy/"),
            ("GET", "/api/v1//policy"),
            ("PATCH", "/api/v1/policy/1"),
            ("GET", "/api/v2/policy"),
            ("DELETE", "/api/v1/sites/drm-1"),
            ("GET", "/"),
        ] {
            assert_eq!(route(method, path), None, "{method} {path}");
        }
    }

    #[test]
    fn bodies() {
        assert_eq!(
            json_body(b"  ").expect_err("empty").code,
            ServiceErrorCode::JsonParseFailed
        );
        assert_eq!(
            json_body(b"{\"a\":").expect_err("truncated").code,
            ServiceErrorCode::JsonParseFailed
        );
        assert_eq!(
            json_body(b"[1]").expect_err("array").code,
            ServiceErrorCode::JsonParseFailed
        );
        assert!(json_body(b"{}").is_ok());
    }

    #[test]
    fn policy_ids() {
        assert_eq!(policy_id("0").expect("zero"), 0);
        for bad in ["-1", "x", "1.0", "99999999999999999999"] {
            assert!(policy_id(bad).is_err(), "{bad}");
        }
    }

    fn request<'a>(
        method: &'a str,
        path: &'a str,
        query: Option<&'a str>,
        body: &'a [u8],
    ) -> ServiceRequest<'a> {
        ServiceRequest {
            method,
            path,
            query,
            body,
            now_ms: 1_700_000_000_000,
            drift: ResponseDrift::CURRENT,
        }
    }

    #[test]
    fn dispatches_to_the_store() {
        let mut store = Store::new(0);
        let Answer::Ok(reply) =
            dispatch(&mut store, &request("GET", "/api/v1/policy/0", None, b""))
        else {
            panic!("basic policy");
        };
        assert_eq!(reply.content["policyName"], "Basic");
        assert!(matches!(
            dispatch(&mut store, &request("GET", "/api/v1/nothing", None, b"")),
            Answer::Gateway(GatewayRejection::NotFound)
        ));
        assert!(matches!(
            dispatch(
                &mut store,
                &request("POST", "/api/v1/policy/0/copy", None, b"{oops")
            ),
            Answer::Service(ServiceError {
                code: ServiceErrorCode::JsonParseFailed,
                ..
            })
        ));
        assert!(matches!(
            dispatch(
                &mut store,
                &request("POST", "/api/v1/policy/0/copy", None, b"{}")
            ),
            Answer::Ok(_)
        ));
        assert!(matches!(
            dispatch(
                &mut store,
                &request("GET", "/api/v1/policy", Some("pageSize=500"), b"")
            ),
            Answer::Service(ServiceError {
                code: ServiceErrorCode::InvalidParameter,
                ..
            })
        ));
    }

    #[test]
    fn hostile_bodies_are_refused_without_panicking() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let deep_object = format!("{}1{}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
        let bodies: Vec<Vec<u8>> = vec![
            deep.into_bytes(),
            deep_object.into_bytes(),
            b"{\"policyName\": 1e400}".to_vec(),
            b"{\"policyName\": \"\\u0000ab\"}".to_vec(),
            "{\"policyName\": \"\u{d55c}\u{ad6d}\u{c5b4}\"}"
                .as_bytes()
                .to_vec(),
            vec![0xff, 0xfe, 0x00],
            b"{\"persistent\": true, \"rentalDuration\": 18446744073709551616}".to_vec(),
            b"{\"drmPolicyConfig\": [{\"widevine\": {}}]}".to_vec(),
            b"{\"siteName\": {\"nested\": true}}".to_vec(),
        ];
        let mut store = Store::new(0);
        for body in &bodies {
            for path in ["/api/v1/policy", "/api/v1/sites"] {
                let answer = dispatch(&mut store, &request("POST", path, None, body));
                assert!(
                    matches!(
                        answer,
                        Answer::Service(ServiceError {
                            code: ServiceErrorCode::JsonParseFailed
                                | ServiceErrorCode::InvalidParameter,
                            ..
                        })
                    ),
                    "{path}: {answer:?}"
                );
            }
        }
        assert_eq!(store.policy_count(), 1);
        assert_eq!(store.site_count(), 0);
    }
}

//! The token proxy (`[license_proxy]`) over real loopback sockets: the proxy in-process, the
//! sandbox's license-server emulator (and KMS emulator) as its upstream.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod proxy_env;

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use drm_entitlement::{Channel, Decision, DecisionFuture, EntitlementQuery, Entitler};
use drm_token::DrmType;
use proxy_env::support::{hs256, now};
use proxy_env::*;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// A license for every DRM shape.

#[tokio::test]
async fn widevine_license_is_the_emulators_license() {
    let env = Env::start().await;
    let reply = env.license("widevine", WIDEVINE_CHALLENGE).await;
    reply.assert_license();
    assert_eq!(reply.header("content-type"), "application/octet-stream");
    assert_eq!(reply.header("cache-control"), "no-store");
    let direct = env.direct(DrmType::Widevine, WIDEVINE_CHALLENGE).await;
    direct.assert_license();
    assert_eq!(reply.body, direct.body);
}

#[tokio::test]
async fn widevine_service_certificate_request_08_04() {
    let env = Env::start().await;
    let reply = env.license("widevine", SERVICE_CERTIFICATE_REQUEST).await;
    reply.assert_license();
    assert_eq!(
        reply.body,
        multidrm_sandbox::license::widevine_service_certificate()
    );
}

#[tokio::test]
async fn playready_license_is_soap_xml() {
    let env = Env::start().await;
    let reply = env.license("playready", SOAP).await;
    reply.assert_license();
    assert!(reply.header("content-type").starts_with("text/xml"));
    let direct = env.direct(DrmType::PlayReady, SOAP).await;
    assert_eq!(reply.body, direct.body);
}

async fn fairplay_ckc(env: &Env, body: &str, content_type: Option<&str>) -> Vec<u8> {
    let mut request = env.post(&format!("/drm/fairplay?content_id={CID}"), body);
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    let reply = env.send(request).await;
    reply.assert_license();
    let text = String::from_utf8(reply.body).unwrap();
    let ckc = STANDARD.decode(text.trim()).unwrap();
    assert!(ckc.starts_with(b"CKC1"));
    ckc
}

#[tokio::test]
async fn fairplay_raw_form_and_bare_base64_spc_get_the_same_ckc() {
    let env = Env::start().await;
    let form = "application/x-www-form-urlencoded";
    let raw = STANDARD.decode(SPC_BASE64).unwrap();
    let mut request = env.post(&format!("/drm/fairplay?content_id={CID}"), raw);
    request = request.header("content-type", "application/octet-stream");
    let reply = env.send(request).await;
    reply.assert_license();
    let from_raw = STANDARD
        .decode(String::from_utf8(reply.body).unwrap().trim())
        .unwrap();
    let encoded = format!(
        "spc={}",
        SPC_BASE64
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let from_form = fairplay_ckc(&env, &encoded, Some(form)).await;
    let from_bare = fairplay_ckc(&env, SPC_BASE64, None).await;
    assert_eq!(from_form, from_bare);
    assert_eq!(from_raw, from_bare);
}

#[tokio::test]
async fn ncg_license_and_server_info() {
    let env = Env::start().await;
    let form = "mode=license&encryptedKey=AAAA&encryptedData=BBBB&signature=CCCC";
    let request = env
        .post(&format!("/drm/ncg?content_id={CID}"), form)
        .header("content-type", "application/x-www-form-urlencoded");
    let reply = env.send(request).await;
    reply.assert_license();
    let info = env
        .send(env.http.get(format!(
            "{}/drm/ncg?mode=getserverinfo",
            env.proxy.base_url()
        )))
        .await;
    info.assert_license();
    assert!(info.body.starts_with(b"NCG-SERVER-INFO"));
}

#[tokio::test]
async fn wiseplay_license() {
    let env = Env::start().await;
    let request = env
        .post(
            &format!("/drm/wiseplay?content_id={CID}"),
            r#"{"version":"1.0","payload":"AAAA"}"#,
        )
        .header("content-type", "application/json");
    env.send(request).await.assert_license();
}

/// (kid, key) pairs of a CPIX answer.
fn cpix_keys(xml: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut keys = Vec::new();
    for chunk in xml.split("<cpix:ContentKey ").skip(1) {
        let kid_start = chunk.find("kid=\"").unwrap() + 5;
        let kid: Vec<u8> = (0..16)
            .map(|i| {
                let hex = chunk[kid_start..kid_start + 36].replace('-', "");
                u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()
            })
            .collect();
        let start = chunk.find("<pskc:PlainValue>").unwrap() + 17;
        let end = chunk.find("</pskc:PlainValue>").unwrap();
        keys.push((kid, STANDARD.decode(&chunk[start..end]).unwrap()));
    }
    keys
}

const CPIX_REQUEST: &str = r#"<cpix:CPIX id="CID" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"><cpix:ContentKeyList><cpix:ContentKey kid="0f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5"/></cpix:ContentKeyList><cpix:DRMSystemList><cpix:DRMSystem kid="0f2d4a1c-5b6e-4c7d-8e9f-a0b1c2d3e4f5" systemId="EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED"/></cpix:DRMSystemList></cpix:CPIX>"#;

#[tokio::test]
async fn clearkey_returns_the_kms_keys_as_a_jwk_set() {
    let env = Env::start().await;
    let kms = env
        .http
        .post(format!("{}{}", env.sb.kms_url(), env.sb.kms_token()))
        .body(CPIX_REQUEST.replace("CID", CID))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let issued = cpix_keys(&kms);
    assert_eq!(issued.len(), 1, "{kms}");
    let reply = env.license("clearkey", Vec::new()).await;
    reply.assert_license();
    assert_eq!(reply.header("content-type"), "application/json");
    let set = reply.json();
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{set}");
    assert_eq!(keys[0]["kty"], "oct");
    assert_eq!(keys[0]["kid"], URL_SAFE_NO_PAD.encode(&issued[0].0));
    assert_eq!(keys[0]["k"], URL_SAFE_NO_PAD.encode(&issued[0].1));
}

// ---------------------------------------------------------------------------------------------
// Refusals.

#[tokio::test]
async fn missing_or_invalid_jwt_is_401() {
    let env = Env::start().await;
    let url = format!("{}/drm/widevine?content_id={CID}", env.proxy.base_url());
    let missing = env
        .send(env.http.post(&url).body(WIDEVINE_CHALLENGE.to_vec()))
        .await;
    assert_eq!(missing.assert_error(401)["error"], "missing_token");
    let forged = format!("{}x", viewer(USER));
    let invalid = env
        .send(
            env.http
                .post(&url)
                .bearer_auth(forged)
                .body(WIDEVINE_CHALLENGE.to_vec()),
        )
        .await;
    assert_eq!(invalid.assert_error(401)["error"], "invalid_token");
    let expired = hs256(&json!({"sub": USER, "exp": now() - 3_600}));
    let old = env
        .send(
            env.http
                .post(&url)
                .bearer_auth(expired)
                .body(WIDEVINE_CHALLENGE.to_vec()),
        )
        .await;
    old.assert_error(401);
    assert_eq!(env.sb.license().request_count(), 0);
}

#[tokio::test]
async fn not_entitled_is_403_and_never_reaches_the_license_server() {
    let env = Env::start().await;
    let request = env
        .http
        .post(format!(
            "{}/drm/widevine?content_id={CID}",
            env.proxy.base_url()
        ))
        .bearer_auth(viewer("mallory"))
        .body(WIDEVINE_CHALLENGE.to_vec());
    let reply = env.send(request).await;
    assert_eq!(reply.assert_error(403)["error"], "not_entitled");
    assert_eq!(env.sb.license().request_count(), 0);
}

#[tokio::test]
async fn missing_content_id_or_empty_challenge_is_400() {
    let env = Env::start().await;
    let reply = env
        .send(env.post("/drm/widevine", WIDEVINE_CHALLENGE))
        .await;
    reply.assert_error(400);
    env.license("widevine", Vec::new()).await.assert_error(400);
    let unknown = env.license("primetime", WIDEVINE_CHALLENGE).await;
    unknown.assert_error(404);
}

#[tokio::test]
async fn unknown_site_id_is_403_with_error_code_1003() {
    let site = Site {
        id: "NOPE",
        ..TEST_SITE
    };
    let env = Env::custom(&site, proxy_table, |s| s).await;
    let body = env
        .license("widevine", WIDEVINE_CHALLENGE)
        .await
        .assert_error(403);
    assert_eq!(body["errorCode"], "1003", "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn wrong_access_key_is_403_with_error_code_7019() {
    let site = Site {
        access: "wrong-access-key-wrong-access-ke",
        ..TEST_SITE
    };
    let env = Env::custom(&site, proxy_table, |s| s).await;
    let body = env
        .license("widevine", WIDEVINE_CHALLENGE)
        .await
        .assert_error(403);
    assert_eq!(body["errorCode"], "7019", "{body}");
    assert!(body["remedy"].as_str().is_some(), "{body}");
    let metrics = env.metrics().await;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("multidrm_license_requests")
                && l.contains("drm=\"widevine\"")
                && l.contains("status=\"403\"")
                && l.contains("server_code=\"7019\"")),
        "{metrics}"
    );
}

/// A port nobody listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn upstream_down_is_502_json_after_the_connect_retry() {
    let port = closed_port();
    let env = Env::custom(
        &TEST_SITE,
        |_| format!("license_url = \"http://127.0.0.1:{port}/ri/licenseManager.do\"\n"),
        |s| s,
    )
    .await;
    let body = env
        .license("widevine", WIDEVINE_CHALLENGE)
        .await
        .assert_error(502);
    assert_eq!(body["error"], "upstream_unreachable");
    let metrics = env.metrics().await;
    assert!(metrics.contains("status=\"502\""), "{metrics}");
}

/// Accepts connections, reads, never answers; counts the connections.
async fn hanging_server() -> (u16, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(Mutex::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            *counter.lock().unwrap() += 1;
            held.push(socket);
        }
    });
    (port, accepted)
}

#[tokio::test]
async fn upstream_hang_is_504_and_the_sent_request_is_not_repeated() {
    let (port, accepted) = hanging_server().await;
    let env = Env::custom(
        &TEST_SITE,
        |_| format!("license_url = \"http://127.0.0.1:{port}/ri/licenseManager.do\"\n"),
        |s| s,
    )
    .await;
    let body = env
        .license("widevine", WIDEVINE_CHALLENGE)
        .await
        .assert_error(504);
    assert_eq!(body["error"], "upstream_timeout");
    // The request reached the server: it was not sent a second time.
    assert_eq!(*accepted.lock().unwrap(), 1);
}

// ---------------------------------------------------------------------------------------------
// json upstream, device_info, CORS, logs, metrics.

/// Remembers every query.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<EntitlementQuery>>>);

impl Entitler for Recording {
    fn decide<'a>(&'a self, query: &'a EntitlementQuery) -> DecisionFuture<'a> {
        self.0.lock().unwrap().push(query.clone());
        Box::pin(async { Decision::Allow })
    }
}

#[tokio::test]
async fn json_upstream_original_player_gets_the_license_and_device_info_reaches_the_entitler() {
    let recording = Recording::default();
    let seen = recording.clone();
    let env = Env::custom(
        &TEST_SITE,
        |sb| format!("{}upstream_response_format = \"json\"\n", proxy_table(sb)),
        move |s| s.with_entitler(recording),
    )
    .await;
    let request = env
        .post(
            &format!("/drm/widevine?content_id={CID}"),
            WIDEVINE_CHALLENGE,
        )
        .header("pallycon-client-meta", CLIENT_META);
    let reply = env.send(request).await;
    reply.assert_license();
    let direct = env.direct(DrmType::Widevine, WIDEVINE_CHALLENGE).await;
    assert_eq!(reply.body, direct.body, "the json answer is converted");
    let queries = seen.0.lock().unwrap().clone();
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert_eq!(queries[0].channel, Channel::LicenseProxy);
    assert_eq!(queries[0].device_id, None);
    assert_eq!(queries[1].channel, Channel::LicenseDevice);
    assert!(queries[1].device_id.as_ref().is_some_and(|d| !d.is_empty()));
    assert_eq!(queries[1].user, USER);
    assert_eq!(queries[1].video_id, CID);
}

#[tokio::test]
async fn json_player_gets_the_upstreams_json() {
    let env = Env::custom(
        &TEST_SITE,
        |sb| {
            format!(
                "{}upstream_response_format = \"json\"\nplayer_response_format = \"json\"\n",
                proxy_table(sb)
            )
        },
        |s| s,
    )
    .await;
    let request = env
        .post(
            &format!("/drm/widevine?content_id={CID}"),
            WIDEVINE_CHALLENGE,
        )
        .header("pallycon-client-meta", CLIENT_META);
    let reply = env.send(request).await;
    reply.assert_license();
    let body = reply.json();
    assert!(body["license"].as_str().is_some(), "{body}");
    assert_eq!(body["device_info"]["device_model"], "iPhone SE (iPhone8,4)");
}

#[tokio::test]
async fn cors_preflight_for_authorization_and_client_meta() {
    let env = Env::start().await;
    let preflight = |origin: &'static str| {
        env.http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/drm/widevine?content_id={CID}", env.proxy.base_url()),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, pallycon-client-meta",
            )
    };
    let allowed = env.send(preflight(ORIGIN)).await;
    assert!(allowed.status == 200 || allowed.status == 204);
    assert_eq!(allowed.header("access-control-allow-origin"), ORIGIN);
    let headers = allowed
        .header("access-control-allow-headers")
        .to_lowercase();
    assert!(headers.contains("authorization"), "{headers}");
    assert!(headers.contains("pallycon-client-meta"), "{headers}");
    assert!(
        allowed
            .header("access-control-allow-methods")
            .contains("POST")
    );
    let other = env.send(preflight("https://evil.example")).await;
    assert_eq!(other.header("access-control-allow-origin"), "");
}

#[tokio::test]
async fn metrics_count_answers_by_drm_status_and_server_code() {
    let env = Env::start().await;
    env.license("widevine", WIDEVINE_CHALLENGE)
        .await
        .assert_license();
    env.license("playready", SOAP).await.assert_license();
    let metrics = env.metrics().await;
    for drm in ["widevine", "playready"] {
        assert!(
            metrics
                .lines()
                .any(|l| l.starts_with("multidrm_license_requests")
                    && l.contains(&format!("drm=\"{drm}\""))
                    && l.contains("status=\"200\"")
                    && l.contains("server_code=\"0\"")
                    && l.ends_with(" 1")),
            "{metrics}"
        );
    }
}

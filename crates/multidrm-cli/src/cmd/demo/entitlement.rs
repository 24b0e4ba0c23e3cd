//! Demo section: a DIVA player against the entitlement service, over loopback.

use drm_entitlement::client::EntitlementClient;
use drm_entitlement::{EntitlementRequest, EntitlementResponse, ResponseStatus, SharedSecret};
use drm_token::Timestamp;
use drm_token::inspect::{InspectOptions, TimeStatus, inspect};
use multidrm_server::{Server, ServerConfig};

use super::report::{Report, shorten};
use super::token::{
    TUTORIAL_ACCESS_KEY, TUTORIAL_SITE_ID, TUTORIAL_SITE_KEY, tutorial_credentials,
};
use crate::failure::{CmdResult, Failure};

const SECRET: &str = "demo-shared-secret";

pub(crate) async fn run(report: &mut Report) -> CmdResult {
    report.section("DIVA entitlement (service + player, signed both ways)");
    report.line("The player asks the service whether a user may play a video; the signed answer carries the");
    report.line(
        "content URL and a fresh license token. Requests are HMAC-signed with secret + Challenge.",
    );
    let config_text = format!(
        r#"bind = "127.0.0.1:0"
secret = "{SECRET}"
require_signature = true
heartbeat_seconds = 30
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"

[doverunner]
site_id = "{TUTORIAL_SITE_ID}"
site_key = "{TUTORIAL_SITE_KEY}"
access_key = "{TUTORIAL_ACCESS_KEY}"

[[rules]]
users = ["alice"]
videos = ["*"]
"#
    );
    let config =
        ServerConfig::from_toml(&config_text, std::env::temp_dir()).map_err(Failure::usage)?;
    let service = Server::from_config(&config)
        .map_err(Failure::usage)?
        .bind()
        .await
        .map_err(Failure::usage)?;
    let base = service.base_url();
    report.value(
        "service",
        &base,
        "POST /tokenize and POST /heartbeat; rule: alice may play anything",
    );
    let result = player(report, &base).await;
    let _ = service.shutdown().await;
    result
}

async fn player(report: &mut Report, base: &str) -> CmdResult {
    let secret = SharedSecret::new(SECRET);
    let tokenize_url = format!("{base}/tokenize");
    let heartbeat_url = format!("{base}/heartbeat");
    let client = EntitlementClient::new(&tokenize_url, &heartbeat_url, secret.clone())
        .map_err(Failure::usage)?;
    let video = EntitlementRequest::tokenize()
        .user("alice")
        .video_id("bigbuckbunny")
        .drm_type("widevine");
    let entitlement = client
        .tokenize(video.clone())
        .await
        .map_err(Failure::remote)?;
    report.ok("tokenize: the response signature verifies (key = Challenge + secret)");
    report.value(
        "ContentUrl",
        &entitlement.content_url,
        "where the player fetches the manifest",
    );
    report.value(
        "LicenseURL",
        &entitlement.license_url,
        "where the player sends its license request",
    );
    let token = entitlement.auth_token.expose_secret();
    report.value(
        "AuthToken",
        &shorten(token, 24),
        "a DoveRunner license token minted for alice / bigbuckbunny",
    );

    let credentials = tutorial_credentials()?;
    let options = InspectOptions::new(Timestamp::now())
        .site_key(credentials.site_key())
        .access_key(credentials.access_key());
    let inspection = inspect(token, &options).map_err(Failure::input)?;
    let fields = &inspection.fields;
    let for_alice =
        fields.user_id.as_deref() == Some("alice") && fields.cid.as_deref() == Some("bigbuckbunny");
    let hash_ok = inspection.hash.as_ref().is_some_and(|h| h.valid);
    if !(for_alice && hash_ok && inspection.time.status == TimeStatus::Valid) {
        return Err(Failure::remote(
            "the AuthToken does not inspect as a valid token for alice",
        ));
    }
    report.ok("AuthToken inspects as valid: user alice, cid bigbuckbunny, hash matches, fresh");

    let interval = entitlement.heartbeat.unwrap_or_default();
    let beat = client
        .heartbeat(video.clone(), interval)
        .await
        .map_err(Failure::remote)?;
    report.ok(&format!(
        "heartbeat: signed \"ok\" (fresh Challenge {}), next in {} s",
        shorten(&beat.challenge, 8),
        beat.next.unwrap_or(interval).as_secs()
    ));

    // Replay: the same signed request, sent twice.
    let signed = video.clone().sign(&secret).map_err(Failure::input)?;
    let body = signed.to_json_string().into_bytes();
    let challenge = signed.raw_challenge().unwrap_or_default().to_owned();
    let url = format!("{base}/tokenize");
    let _first = client
        .post_raw(&url, body.clone())
        .await
        .map_err(Failure::remote)?;
    let (_, second) = client.post_raw(&url, body).await.map_err(Failure::remote)?;
    let answer = EntitlementResponse::from_slice(&second).map_err(Failure::remote)?;
    answer
        .verify(&challenge, &secret)
        .map_err(Failure::remote)?;
    if answer.status().ok() != Some(ResponseStatus::Ko) {
        return Err(Failure::remote("a replayed Challenge was accepted"));
    }
    report.ok(&format!(
        "replay: the same signed request sent again gets a signed \"ko\" (ResponseCode {}: {})",
        answer.response_code().unwrap_or_default(),
        answer.message().unwrap_or_default()
    ));

    let bob = EntitlementRequest::tokenize()
        .user("bob")
        .video_id("bigbuckbunny")
        .drm_type("widevine");
    match client.tokenize(bob).await {
        Err(error) => report.ok(&format!("bob is not entitled: {error}")),
        Ok(_) => return Err(Failure::remote("bob was entitled against the rules")),
    }
    report.line("Try it yourself: multidrm entitlement serve --config service.toml, and");
    report.line("  multidrm entitlement sign-request --secret S < request.json");
    Ok(())
}

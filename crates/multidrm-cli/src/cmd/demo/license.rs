//! Demo section: a simulated player gets licenses through the token proxy from the
//! license-server emulator, and meets the license server's classic refusals, explained.

use std::collections::BTreeSet;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use drm_cpix::client::{KmsClient, KmsToken};
use drm_cpix::{ContentId, CpixRequest, DrmSystem, EncryptionScheme, TrackSelection};
use drm_license::drm_http::{HttpClient, Request, Response};
use drm_license::{Drm, LicenseClient, LicenseServer, LicenseToken, ResponseFormat, ServerCode};
use drm_policy::TrackType;
use drm_token::{DrmType, JsonStyle, Policy, SiteCredentials, Timestamp, TokenRequest};
use multidrm_sandbox::Sandbox;
use multidrm_sandbox::license::LicenseSite;
use multidrm_server::{RunningServer, Server, ServerConfig};

use super::report::Report;
use crate::failure::{CmdResult, Failure};

/// The title of the CPIX section: its keys are the ones ClearKey must hand out.
const TITLE: &str = "demo-title-001";
const USER: &str = "alice";
const JWT_SECRET: &str = "demo-viewer-jwt-secret-of-32-bytes!";
/// A Widevine-shaped challenge (the emulator reads it; a real CDM would send ~2 KB).
const WIDEVINE_CHALLENGE: &[u8] = &[0x08, 0x01, 0x12, 0x10, 0xaa, 0xbb, 0xcc, 0xdd];
/// A FairPlay SPC (opaque bytes here) as the Shaka and HTML5 samples post it.
const SPC: &[u8] = &[0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0x01];

pub(crate) async fn run(report: &mut Report, sandbox: &Sandbox) -> CmdResult {
    report.section("License acquisition through the token proxy (license-server emulator)");
    report.line(
        "A player posts its CDM's challenge with its own login JWT; the proxy checks the user,",
    );
    report.line(
        "mints a fresh license token for that one request and forwards the challenge unchanged.",
    );
    let site = sandbox
        .license()
        .test_site()
        .ok_or_else(|| Failure::usage("the sandbox has no license site"))?;
    let creds = SiteCredentials::from_strs(
        &site.site_id,
        site.site_key.expose_secret(),
        site.access_key.expose_secret(),
    )
    .map_err(Failure::usage)?;
    let proxy = start_proxy(sandbox, &site).await?;
    let base = proxy.base_url();
    report.value(
        "proxy",
        &format!("{base}/drm/{{drm}}?content_id=C"),
        "the official samples' route; Authorization: Bearer <viewer JWT>",
    );
    report.value("license server", &sandbox.license_url(), "the emulator");
    let result = player(report, sandbox, &base, &site, &creds).await;
    let _ = proxy.shutdown().await;
    result
}

async fn start_proxy(sandbox: &Sandbox, site: &LicenseSite) -> Result<RunningServer, Failure> {
    let text = format!(
        r#"bind = "127.0.0.1:0"
secret = "demo-shared-secret"
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "{license}"

[doverunner]
site_id = "{site}"
site_key = "{key}"
access_key = "{access}"

[[rules]]
users = ["{USER}"]
videos = ["*"]

[token_endpoint]
jwt_hs256_secret = "{JWT_SECRET}"

[license_proxy]
license_url = "{license}"
clearkey_url = "{clearkey}"
timeout_seconds = 5
"#,
        license = sandbox.license_url(),
        clearkey = sandbox.clearkey_url(),
        site = site.site_id,
        key = site.site_key.expose_secret(),
        access = site.access_key.expose_secret(),
    );
    let config = ServerConfig::from_toml(&text, std::env::temp_dir()).map_err(Failure::usage)?;
    Server::from_config(&config)
        .map_err(Failure::usage)?
        .bind()
        .await
        .map_err(Failure::usage)
}

/// The viewer's login JWT (HS256, `sub` = the user), as an identity provider would issue it.
fn viewer_jwt() -> Result<String, Failure> {
    let exp = Timestamp::now().unix_seconds() + 3_600;
    let claims = serde_json::json!({ "sub": USER, "exp": exp });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .map_err(|e| Failure::usage(format!("cannot sign the viewer JWT: {e}")))
}

fn http() -> Result<HttpClient, Failure> {
    HttpClient::builder()
        .deadline(Duration::from_secs(10))
        .build()
        .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))
}

async fn player(
    report: &mut Report,
    sandbox: &Sandbox,
    base: &str,
    site: &LicenseSite,
    creds: &SiteCredentials,
) -> CmdResult {
    let http = http()?;
    let jwt = viewer_jwt()?;
    let post = |drm: &str, body: Vec<u8>| {
        Request::post(format!("{base}/drm/{drm}?content_id={TITLE}"))
            .header("authorization", format!("Bearer {jwt}"))
            .body(body)
    };
    let widevine = send(&http, post("widevine", WIDEVINE_CHALLENGE.to_vec())).await?;
    report.ok(&format!(
        "fresh token: a Widevine license of {} bytes (HTTP 200)",
        widevine.body().len()
    ));
    refusals(report, sandbox, site, creds).await?;
    let form = format!(
        "spc={}",
        STANDARD
            .encode(SPC)
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let request = post("fairplay", form.into_bytes())
        .header("content-type", "application/x-www-form-urlencoded");
    let ckc = send(&http, request).await?;
    let text = String::from_utf8_lossy(ckc.body());
    let decoded = STANDARD
        .decode(text.trim())
        .map_err(|_| Failure::remote("the FairPlay answer is not a base64 CKC"))?;
    report.ok(&format!(
        "FairPlay SPC as a form body (spc=<percent-encoded base64>): a base64 CKC of {} bytes",
        decoded.len()
    ));
    clearkey(report, sandbox, &http, post("clearkey", Vec::new())).await
}

/// One call that must answer 200 with a body.
async fn send(http: &HttpClient, request: Request) -> Result<Response, Failure> {
    let response = http.send(request).await.map_err(Failure::remote)?;
    if response.status() != 200 || response.body().is_empty() {
        return Err(Failure::remote(format!(
            "the proxy answered HTTP {}: {}",
            response.status(),
            String::from_utf8_lossy(response.body())
        )));
    }
    Ok(response)
}

/// Tokens the proxy would never mint (it always mints fresh ones), sent straight to the
/// emulator: each refusal with its code, the published message and what to do.
async fn refusals(
    report: &mut Report,
    sandbox: &Sandbox,
    site: &LicenseSite,
    creds: &SiteCredentials,
) -> CmdResult {
    report.line("Tokens the proxy never sends, posted straight to the license server:");
    let server = LicenseServer::from_license_url(&sandbox.license_url()).map_err(Failure::usage)?;
    let client = LicenseClient::new(http()?, server);
    let now = Timestamp::now().unix_seconds();
    let wrong = SiteCredentials::from_strs(
        &site.site_id,
        site.site_key.expose_secret(),
        "not-the-access-key-of-this-site!",
    )
    .map_err(Failure::usage)?;
    let cases = [
        ("a 10-minute-old token", creds, now - 601),
        ("a token timestamped 10 minutes ahead", creds, now + 600),
        ("a token hashed with a wrong access key", &wrong, now),
    ];
    for (what, with, at) in cases {
        let token = mint(with, at)?;
        let outcome = client
            .license(
                Drm::Widevine,
                WIDEVINE_CHALLENGE,
                &token,
                None,
                ResponseFormat::Original,
            )
            .await;
        let code = match outcome {
            Ok(_) => return Err(Failure::remote(format!("{what} got a license"))),
            Err(e) => e.server_error().and_then(|s| s.code()).ok_or_else(|| {
                Failure::remote(format!("{what}: not a license-server error: {e}"))
            })?,
        };
        explain(report, what, code);
    }
    Ok(())
}

fn mint(creds: &SiteCredentials, unix: i64) -> Result<LicenseToken, Failure> {
    let token = TokenRequest::new(DrmType::Widevine, USER, TITLE)
        .mint_with_policy(
            creds,
            &Policy::new(),
            JsonStyle::Compact,
            Timestamp::from_unix(unix).map_err(Failure::usage)?,
        )
        .map_err(Failure::usage)?;
    Ok(LicenseToken::new(&token))
}

fn explain(report: &mut Report, what: &str, code: ServerCode) {
    report.value(
        &format!("errorCode {}", code.get()),
        code.message().unwrap_or("(not in the published table)"),
        what,
    );
    if let Some(remedy) = code.remedy() {
        report.value("what to do", remedy, "");
    }
}

/// ClearKey through the proxy: the JWK Set must hold the keys the KMS issued for the title.
async fn clearkey(
    report: &mut Report,
    sandbox: &Sandbox,
    http: &HttpClient,
    request: Request,
) -> CmdResult {
    let answer = send(http, request).await?;
    let set: serde_json::Value = serde_json::from_slice(answer.body())
        .map_err(|_| Failure::remote("the ClearKey answer is not JSON"))?;
    let served: BTreeSet<(String, String)> = set["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| Some((k["kid"].as_str()?.to_owned(), k["k"].as_str()?.to_owned())))
        .collect();
    let issued = kms_keys(sandbox).await?;
    if served.is_empty() || !issued.is_superset(&served) {
        return Err(Failure::remote(format!(
            "ClearKey served {} keys that are not the KMS's {} keys of {TITLE}",
            served.len(),
            issued.len()
        )));
    }
    report.ok(&format!(
        "ClearKey: a W3C JWK Set of {} keys, each the KMS key of section 2 for {TITLE}",
        served.len()
    ));
    Ok(())
}

/// (kid, key) as base64url, of the KMS's keys for the title (the CPIX section's request).
async fn kms_keys(sandbox: &Sandbox) -> Result<BTreeSet<(String, String)>, Failure> {
    let tracks = [
        TrackType::Audio,
        TrackType::Sd,
        TrackType::Hd,
        TrackType::Uhd1,
    ];
    let request = CpixRequest::builder(ContentId::new(TITLE).map_err(Failure::input)?)
        .drm_systems([DrmSystem::Widevine])
        .tracks(TrackSelection::keys(tracks).map_err(Failure::input)?)
        .scheme(EncryptionScheme::Cbcs)
        .build()
        .map_err(Failure::input)?;
    let token = KmsToken::new(sandbox.kms_token()).map_err(Failure::usage)?;
    let client = KmsClient::builder()
        .base_url(sandbox.kms_url())
        .build(token)
        .map_err(Failure::usage)?;
    let response = client.get_keys(&request).await.map_err(Failure::remote)?;
    Ok(response
        .keys()
        .iter()
        .filter_map(|k| {
            let key = k.key.as_ref()?;
            Some((
                URL_SAFE_NO_PAD.encode(k.key_id.as_bytes()),
                URL_SAFE_NO_PAD.encode(key.expose_secret()),
            ))
        })
        .collect())
}

//! Demo section: manage DRM policies on the NAVER Cloud emulator with signed requests.

use multidrm_sandbox::Sandbox;
use ncp_policy_api::{AccessKey, Client, Page, PolicyName, PolicyRequest, SecretKey};

use super::report::Report;
use crate::failure::{CmdResult, Failure};

pub(crate) async fn run(report: &mut Report, sandbox: &Sandbox) -> CmdResult {
    report.section("DRM policies on NAVER Cloud One Click Multi DRM (API emulator)");
    report.line("Every call is signed with NCP signature v2 (HMAC-SHA256 of method, path, timestamp, access key).");
    report.value(
        "endpoint",
        &sandbox.ncp_endpoint(),
        "the emulator checks signatures, the ±5 min clock window and headers like the real gateway",
    );
    let client = Client::builder(
        AccessKey::new(sandbox.ncp_access_key()),
        SecretKey::new(sandbox.ncp_secret_key()),
    )
    .endpoint(sandbox.ncp_endpoint())
    .build()
    .map_err(Failure::usage)?;

    let name = PolicyName::new("demo_offline_1h").map_err(Failure::input)?;
    let mut request = PolicyRequest::new(name);
    request.persistent = true;
    request.rental_duration = 3600;
    request.validate().map_err(Failure::input)?;
    let created = client
        .create_policy(&request)
        .await
        .map_err(Failure::remote)?;
    report.value(
        "created policy",
        &format!(
            "id {} \"{}\"",
            created.policy_id,
            created.policy_name.as_deref().unwrap_or("")
        ),
        "persistent, 1-hour rental, Widevine + PlayReady + FairPlay",
    );

    let page = client
        .list_policies(Page::first(20))
        .await
        .map_err(Failure::remote)?;
    let names: Vec<String> = page
        .items
        .iter()
        .map(|p| {
            format!(
                "{} \"{}\"",
                p.policy_id,
                p.policy_name.as_deref().unwrap_or("")
            )
        })
        .collect();
    report.value(
        "policies",
        &names.join(", "),
        &format!(
            "{} in total; policy 0 \"Basic\" is built in",
            page.total.unwrap_or(names.len() as u64)
        ),
    );
    if !page.items.iter().any(|p| p.policy_id == created.policy_id) {
        return Err(Failure::remote(
            "the created policy is missing from the list",
        ));
    }
    report.ok("the new policy is listed");

    let wrong = Client::builder(
        AccessKey::new(sandbox.ncp_access_key()),
        SecretKey::new("not-the-secret"),
    )
    .endpoint(sandbox.ncp_endpoint())
    .build()
    .map_err(Failure::usage)?;
    match wrong.list_policies(Page::first(1)).await {
        Err(error) => report.ok(&format!(
            "a wrong secret key is refused by the gateway: {error}"
        )),
        Ok(_) => return Err(Failure::remote("a wrongly signed request was accepted")),
    }
    report.line(
        "Try it yourself: multidrm sandbox   then   multidrm ncp policy list --endpoint URL \\",
    );
    report.line("  --access-key A --secret-key S");
    Ok(())
}

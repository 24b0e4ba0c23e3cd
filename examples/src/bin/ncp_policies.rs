//! List and create DRM policies on NAVER Cloud One Click Multi DRM.
//!
//! Every call is signed with the API Gateway's signature v2 and a fresh timestamp; a request
//! body is checked against the documented rules before it is sent; a refusal comes back as a
//! typed error with the service's code.
//!
//! The sandbox's NCP emulator stands in for the API (it checks signatures, the five-minute clock
//! window and headers like the real gateway): for production, drop the `endpoint` line (or call
//! `.gov_zone()`) and read the keys from `NCP_ACCESS_KEY` / `NCP_SECRET_KEY`.
//!
//! Run: `cargo run -p multidrm-examples --bin ncp_policies` (loopback only).

use multidrm::ncp_policy_api::Error as NcpError;
use multidrm::prelude::*;
use multidrm_sandbox::{Sandbox, SandboxOptions};

#[tokio::main]
async fn main() -> multidrm::Result<()> {
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;
    let client = NcpClient::builder(
        NcpAccessKey::new(sandbox.ncp_access_key()),
        NcpSecretKey::new(sandbox.ncp_secret_key()),
    )
    .endpoint(sandbox.ncp_endpoint())
    .build()?;

    let before = client.list_policies(Page::first(20)).await?;
    println!("{} policies before:", before.total.unwrap_or_default());
    print_policies(&before.items);

    // An offline rental: persistent licenses valid for 48 hours, Widevine at hardware level.
    let mut rental = PolicyRequest::new(PolicyName::new("rental_48h")?);
    rental.persistent = true;
    rental.rental_duration = 48 * 3600;
    rental.drm_policy_config.widevine.security_level = Some(5);
    let created = client.create_policy(&rental).await?;
    println!(
        "created policy {} \"{}\"",
        created.policy_id,
        created.policy_name.as_deref().unwrap_or_default()
    );

    // Streaming only, with the default DRM settings.
    let streaming = client
        .create_policy(&PolicyRequest::new(PolicyName::new("streaming")?))
        .await?;
    println!(
        "created policy {} \"{}\"",
        streaming.policy_id,
        streaming.policy_name.as_deref().unwrap_or_default()
    );

    // Every page, however many there are.
    let all = client.policies(100).collect_all().await?;
    println!("{} policies after:", all.len());
    print_policies(&all);

    // The service refuses a second policy with the same name; the error says why.
    match client.create_policy(&rental).await {
        Err(NcpError::Api { code, name, .. }) => println!(
            "a duplicate name is refused: {code} {}",
            name.unwrap_or_default()
        ),
        Err(other) => return Err(other.into()),
        Ok(policy) => {
            eprintln!(
                "unexpected: the duplicate was created as {}",
                policy.policy_id
            );
            std::process::exit(1);
        }
    }

    sandbox.shutdown().await;
    Ok(())
}

fn print_policies(policies: &[NcpPolicy]) {
    for policy in policies {
        println!(
            "  {:>3}  {:<12} persistent: {}",
            policy.policy_id,
            policy.policy_name.as_deref().unwrap_or_default(),
            policy.persistent.unwrap_or_default()
        );
    }
}

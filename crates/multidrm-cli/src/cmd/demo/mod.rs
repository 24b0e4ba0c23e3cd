//! `multidrm demo`: every capability end to end on loopback, as a report a newcomer can read.
//!
//! Each section runs a real flow against real components — the library crates, the loopback
//! emulators of `multidrm-sandbox` and the entitlement service — and explains what each value is
//! for. Nothing leaves the loopback interface; the credentials are the public tutorial values of
//! the DoveRunner docs and the sandbox's test credentials.

mod cpix;
mod entitlement;
mod license;
mod ncp;
mod report;
mod token;

use clap::Args;

use multidrm_sandbox::{Sandbox, SandboxOptions};

use crate::failure::{CmdResult, Failure};
use crate::output::runtime;
use report::Report;

/// Arguments of `multidrm demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {}

/// Runs every section in order and prints the report on stdout.
pub(crate) fn run(_args: DemoArgs) -> CmdResult {
    let mut report = Report::stdout();
    report.title("multidrm demo: DoveRunner Multi-DRM end to end, on loopback");
    report.line("Every value below is computed live; nothing leaves 127.0.0.1.");
    token::run(&mut report)?;
    runtime()?.block_on(async {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .map_err(|e| Failure::usage(format!("cannot start the loopback emulators: {e}")))?;
        let result = networked(&mut report, &sandbox).await;
        sandbox.shutdown().await;
        result
    })?;
    report.done();
    Ok(())
}

/// The sections that talk to the loopback emulators.
async fn networked(report: &mut Report, sandbox: &Sandbox) -> CmdResult {
    cpix::run(report, sandbox).await?;
    ncp::run(report, sandbox).await?;
    entitlement::run(report).await?;
    license::run(report, sandbox).await?;
    Ok(())
}

//! `multidrm sandbox`: both loopback emulators until Ctrl-C.

use std::net::IpAddr;

use clap::Args;
use multidrm_sandbox::{Sandbox, SandboxOptions};

use crate::failure::{CmdResult, Failure};
use crate::output::runtime;

/// Arguments of `multidrm sandbox`.
#[derive(Debug, Args)]
pub(crate) struct SandboxArgs {
    /// Address to listen on (keep it on loopback).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port of the KMS emulator (0 = any free port).
    #[arg(long, default_value_t = 0)]
    kms_port: u16,
    /// Port of the NCP emulator (0 = any free port).
    #[arg(long, default_value_t = 0)]
    ncp_port: u16,
}

/// Starts both emulators, announces them with one JSON line on stdout, serves until Ctrl-C.
pub(crate) fn run(args: SandboxArgs) -> CmdResult {
    runtime()?.block_on(async move {
        let options = SandboxOptions {
            bind: args.bind,
            kms_port: args.kms_port,
            ncp_port: args.ncp_port,
            ..SandboxOptions::default()
        };
        let sandbox = Sandbox::start(options)
            .await
            .map_err(|e| Failure::usage(format!("cannot start the sandbox: {e}")))?;
        // One line, flushed, so scripts can read it as soon as the servers accept connections.
        crate::output::announce(&sandbox.announcement().to_string())?;
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| Failure::usage(format!("cannot wait for Ctrl-C: {e}")))?;
        sandbox.shutdown().await;
        Ok(())
    })
}

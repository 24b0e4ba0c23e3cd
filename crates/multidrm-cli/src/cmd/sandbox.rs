//! `multidrm sandbox`: the loopback emulators (KMS, license server, NCP) until Ctrl-C.

use std::net::IpAddr;

use clap::Args;
use multidrm_sandbox::{LicenseSettings, Sandbox, SandboxOptions};

use crate::failure::{CmdResult, Failure};
use crate::output::server_runtime;

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
    /// Port of the license-server emulator (0 = any free port).
    #[arg(long, default_value_t = 0)]
    license_port: u16,
    /// License emulator: tolerated clock difference for token timestamps, seconds.
    #[arg(long, default_value_t = 0)]
    license_clock_skew: u64,
    /// License emulator: token duration of the test site, seconds.
    #[arg(long, default_value_t = multidrm_sandbox::license::DEFAULT_TOKEN_DURATION_SECS)]
    license_token_duration: u64,
    /// License emulator: write `errorCode` as a JSON number instead of a string.
    #[arg(long)]
    license_numeric_error_codes: bool,
    /// License emulator: also accept the token under `doverunner-customdata-v2`.
    #[arg(long)]
    license_accept_doverunner_header: bool,
}

/// Starts the emulators, announces them with one JSON line on stdout, serves until Ctrl-C.
pub(crate) fn run(args: SandboxArgs) -> CmdResult {
    server_runtime(None)?.block_on(async move {
        let mut license = LicenseSettings {
            clock_skew_secs: args.license_clock_skew,
            numeric_error_codes: args.license_numeric_error_codes,
            accept_doverunner_header: args.license_accept_doverunner_header,
            ..LicenseSettings::default()
        };
        for site in &mut license.sites {
            site.token_duration_secs = args.license_token_duration;
        }
        let options = SandboxOptions {
            bind: args.bind,
            kms_port: args.kms_port,
            ncp_port: args.ncp_port,
            license_port: args.license_port,
            license,
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

//! `multidrm`: DoveRunner (PallyCon) Multi-DRM license tokens, CPIX keys, NAVER Cloud One Click
//! Multi DRM policies and DIVA entitlement from a shell. See `multidrm --help`.
// Doc comments here are clap's `--help` text, where a URL is plain text, not a rustdoc link.
#![allow(rustdoc::bare_urls)]

mod cmd;
mod failure;
mod input;
mod logging;
mod output;
mod secret_arg;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// DoveRunner (PallyCon) Multi-DRM toolkit: license tokens, CPIX keys, NAVER Cloud policies,
/// DIVA entitlement.
#[derive(Debug, Parser)]
#[command(name = "multidrm", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Mint and inspect license tokens (pallycon-customdata-v2).
    #[command(subcommand)]
    Token(cmd::token::TokenCmd),
    /// Validate license policy files.
    #[command(subcommand)]
    Policy(cmd::policy::PolicyCmd),
    /// Build CPIX requests, parse KMS responses, fetch keys from the KMS.
    #[command(subcommand)]
    Cpix(cmd::cpix::CpixCmd),
    /// Decode PSSH boxes (Widevine, PlayReady…).
    #[command(subcommand)]
    Pssh(cmd::pssh::PsshCmd),
    /// NAVER Cloud One Click Multi DRM: signatures, policies, sites, license history.
    #[command(subcommand)]
    Ncp(cmd::ncp::NcpCmd),
    /// DIVA entitlement: sign and verify messages, run the entitlement service.
    #[command(subcommand)]
    Entitlement(cmd::entitlement::EntitlementCmd),
    /// License requests: send one and explain the answer, explain error codes, certificates.
    #[command(subcommand)]
    License(cmd::license::LicenseCmd),
    /// Run the HTTP server: DIVA entitlement, the token endpoint, health, readiness, metrics.
    Serve(cmd::serve::ServeArgs),
    /// Serve the loopback emulators of the KMS and the NCP API until Ctrl-C.
    Sandbox(cmd::sandbox::SandboxArgs),
    /// Run every capability end to end on loopback emulators and explain what happened.
    Demo(cmd::demo::DemoArgs),
    /// Play a protected clip in your browser through the sandbox and the token proxy, step by step.
    Playground(cmd::playground::PlaygroundArgs),
}

/// The server allocates a few short-lived buffers per request; mimalloc serves them from
/// thread-local pages at a fraction of glibc malloc's cost, at the price of a longer latency
/// tail at saturation (both measured in the server README). Feature `mimalloc`, on by default.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before anything opens a file: a closed stdout must be seen as closed.
    output::init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_exit(&e),
    };
    // The demo provokes refusals on purpose (replay, wrong secret): keep its stderr quiet.
    // The server logs every request (info), as text or JSON.
    let _log_flush = match &cli.command {
        Command::Serve(a) | Command::Entitlement(cmd::entitlement::EntitlementCmd::Serve(a)) => {
            logging::init("info", a.log_format())
        }
        Command::Demo(_) => logging::init("error", cmd::serve::LogFormat::Text),
        _ => logging::init("warn", cmd::serve::LogFormat::Text),
    };
    let result = match cli.command {
        Command::Token(c) => cmd::token::run(c),
        Command::Policy(c) => cmd::policy::run(c),
        Command::Cpix(c) => cmd::cpix::run(c),
        Command::Pssh(c) => cmd::pssh::run(c),
        Command::Ncp(c) => cmd::ncp::run(c),
        Command::Entitlement(c) => cmd::entitlement::run(c),
        Command::License(c) => cmd::license::run(c),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Sandbox(a) => cmd::sandbox::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Playground(a) => cmd::playground::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Prints clap's help, version or usage error. Help and version go to stdout and succeed only
/// if they were written; usage errors go to stderr (best effort) and exit 2.
fn clap_exit(e: &clap::Error) -> ExitCode {
    let printed = e.print();
    if e.use_stderr() {
        ExitCode::from(2)
    } else if printed.is_ok() && output::stdout_open() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

//! `multidrm serve --config FILE` (and its alias `multidrm entitlement serve`): the HTTP server
//! of `multidrm-server` — DIVA, the token endpoint, health, readiness and metrics.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use multidrm_server::{ConfigError, Server, ServerConfig};
use serde_json::json;

use crate::failure::{CmdResult, Failure};
use crate::output::server_runtime;

/// How log lines are written to stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum LogFormat {
    /// `key=value` text, values quoted.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The TOML configuration (see the multidrm-server README).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Log format on stderr (filter with RUST_LOG; default level info).
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Threads answering requests (default: one per CPU, or TOKIO_WORKER_THREADS).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    worker_threads: Option<u16>,
}

impl ServeArgs {
    /// The requested log format.
    pub(crate) fn log_format(&self) -> LogFormat {
        self.log_format
    }
}

fn print_line(text: &str) -> CmdResult {
    // A server's announcement: a closed stdout is not an error (see `output::announce`).
    crate::output::announce(text)
}

/// Runs the server until Ctrl-C or SIGTERM, then drains in-flight requests.
pub(crate) fn run(a: ServeArgs) -> CmdResult {
    let config = ServerConfig::load(&a.config).map_err(config_failure)?;
    let server = Server::from_config(&config).map_err(config_failure)?;
    // Room for max_connections sockets: raise the soft descriptor limit up to the hard one.
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(error = ?e.to_string(), "cannot raise the open-file limit");
    }
    let rt = server_runtime(a.worker_threads.map(usize::from))?;
    rt.block_on(async move {
        let running = server.bind().await.map_err(config_failure)?;
        // One JSON line, flushed, once the socket is bound: scripts wait for it.
        print_line(&json!({ "listening": running.local_addr().to_string() }).to_string())?;
        running
            .shutdown_on(shutdown_signal())
            .await
            .map_err(|e| Failure::remote(format!("the server stopped: {e}")))
    })
}

fn config_failure(e: ConfigError) -> Failure {
    let text = error_chain(&e);
    match e {
        ConfigError::Bind { .. } => Failure::remote(text),
        _ => Failure::usage(text),
    }
}

/// The error and its sources, `: `-separated.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {},
            () = term => {},
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

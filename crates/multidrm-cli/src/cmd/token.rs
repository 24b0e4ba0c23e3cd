//! `multidrm token …`.

use clap::Subcommand;

use crate::failure::{CmdResult, Failure};

/// Subcommands of `multidrm token`.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCmd {
    /// Not available yet in this build.
    Unavailable,
}

/// Runs `multidrm token …`.
pub(crate) fn run(cmd: TokenCmd) -> CmdResult {
    match cmd {
        TokenCmd::Unavailable => Err(Failure::usage("this command is not available yet")),
    }
}

//! `multidrm policy …`.

use clap::Subcommand;

use crate::failure::{CmdResult, Failure};

/// Subcommands of `multidrm policy`.
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCmd {
    /// Not available yet in this build.
    Unavailable,
}

/// Runs `multidrm policy …`.
pub(crate) fn run(cmd: PolicyCmd) -> CmdResult {
    match cmd {
        PolicyCmd::Unavailable => Err(Failure::usage("this command is not available yet")),
    }
}

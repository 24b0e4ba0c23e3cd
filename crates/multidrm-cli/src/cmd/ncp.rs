//! `multidrm ncp …`.

use clap::Subcommand;

use crate::failure::{CmdResult, Failure};

/// Subcommands of `multidrm ncp`.
#[derive(Debug, Subcommand)]
pub(crate) enum NcpCmd {
    /// Not available yet in this build.
    Unavailable,
}

/// Runs `multidrm ncp …`.
pub(crate) fn run(cmd: NcpCmd) -> CmdResult {
    match cmd {
        NcpCmd::Unavailable => Err(Failure::usage("this command is not available yet")),
    }
}

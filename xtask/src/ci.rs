//! `cargo xtask ci`: what CI checks, in the order that fails fastest.
//!
//! 1. `cargo fmt --all --check`
//! 2. `cargo clippy --workspace --all-targets --all-features -- -D warnings`
//! 3. `cargo test --workspace --all-features` (the README's test command; it includes the
//!    browser end-to-end test, whose tools `.ci/run` installs)
//! 4. `cargo doc --workspace --no-deps --all-features` with `RUSTDOCFLAGS=-D warnings`
//! 5. `cargo check -p multidrm --no-default-features --features X` for every feature the facade's
//!    `Cargo.toml` declares (read from the file, so a new feature is checked without editing this),
//!    and `multidrm-cli` without its default `mimalloc` feature (the system-allocator build)
//! 6. `cargo deny check bans licenses sources` (required under `CI`; skipped with a message
//!    elsewhere when cargo-deny is not installed)
//!
//! Each step's wall-clock time is printed at the end.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::cmd::{available, cargo};

/// Runs every step; stops at the first failure.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    let mut timings: Vec<(String, Duration)> = Vec::new();
    let mut step = |name: &str, args: &[&str], env: &[(&str, &str)]| -> Result<(), String> {
        let start = Instant::now();
        let result = cargo(root, args, env);
        timings.push((name.to_owned(), start.elapsed()));
        result
    };
    step("fmt", &["fmt", "--all", "--check"], &[])?;
    step(
        "clippy",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    step("test", &["test", "--workspace", "--all-features"], &[])?;
    step(
        "doc",
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    for feature in facade_features(root)? {
        step(
            &format!("check multidrm --features {feature}"),
            &[
                "check",
                "-p",
                "multidrm",
                "--no-default-features",
                "--features",
                &feature,
            ],
            &[],
        )?;
    }
    step(
        "check multidrm-cli with the system allocator",
        &[
            "check",
            "-p",
            "multidrm-cli",
            "--no-default-features",
            "--features",
            "rustls",
        ],
        &[],
    )?;
    if available("cargo-deny", &["--version"]) {
        step(
            "deny",
            &["deny", "check", "bans", "licenses", "sources"],
            &[],
        )?;
    } else if std::env::var_os("CI").is_some() {
        return Err(
            "CI is set and cargo-deny is not installed (cargo install --locked cargo-deny)".into(),
        );
    } else {
        eprintln!(
            "xtask: cargo-deny not installed; skipping `cargo deny check` (cargo install --locked cargo-deny)"
        );
    }
    report(&timings);
    Ok(())
}

/// Every feature in `crates/multidrm/Cargo.toml` except `default`, in file order.
fn facade_features(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("crates/multidrm/Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let features = doc
        .get("features")
        .and_then(|f| f.as_table())
        .ok_or_else(|| format!("{}: no [features] table", path.display()))?;
    Ok(features
        .iter()
        .map(|(name, _)| name.to_owned())
        .filter(|name| name != "default")
        .collect())
}

fn report(timings: &[(String, Duration)]) {
    let total: Duration = timings.iter().map(|(_, d)| *d).sum();
    eprintln!("xtask: ci passed in {:.0} s", total.as_secs_f64());
    for (name, took) in timings {
        eprintln!("xtask:   {:>7.1} s  {name}", took.as_secs_f64());
    }
}

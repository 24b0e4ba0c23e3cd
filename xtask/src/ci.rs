//! `cargo xtask ci`.

use std::path::Path;

use crate::cmd::{available, cargo};

/// The facade's features, each of which must build and test on its own.
const FACADE_FEATURES: &[&str] = &["token", "cpix", "ncp", "entitlement", "full"];

/// fmt, clippy -D warnings, tests, docs -D warnings, per-feature facade checks, cargo deny.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    cargo(root, &["fmt", "--all", "--check"], &[])?;
    cargo(
        root,
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
    cargo(root, &["test", "--workspace", "--all-features"], &[])?;
    cargo(
        root,
        &["doc", "--workspace", "--all-features", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    for feature in FACADE_FEATURES {
        cargo(
            root,
            &[
                "test",
                "-p",
                "multidrm",
                "--no-default-features",
                "--features",
                &format!("{feature},rustls"),
            ],
            &[],
        )?;
    }
    if available("cargo-deny", &["--version"]) {
        cargo(root, &["deny", "check", "bans", "licenses", "sources"], &[])?;
    } else {
        eprintln!(
            "xtask: cargo-deny not installed; skipping `cargo deny check` (cargo install cargo-deny)"
        );
    }
    Ok(())
}

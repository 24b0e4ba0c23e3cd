//! The test clip: ffmpeg makes it, Shaka Packager encrypts it as ClearKey-signalled CENC DASH.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Length of the test clip in seconds (the test asserts playback past 3 s).
pub const CLIP_SECONDS: u32 = 6;

/// The manifest's file name inside the packaged folder.
pub const MANIFEST: &str = "manifest.mpd";

/// One content key as Shaka Packager's `--keys` takes it (32 hex digits each).
#[derive(Clone)]
pub struct ContentKey {
    /// Key id, 32 hex digits.
    pub kid_hex: String,
    /// Key, 32 hex digits.
    pub key_hex: String,
}

impl fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContentKey")
            .field("kid_hex", &self.kid_hex)
            .finish_non_exhaustive()
    }
}

impl ContentKey {
    /// Reads the keys out of the command line `multidrm cpix get … --format shaka` prints
    /// (`--keys label=…:key_id=…:key=…,…`).
    ///
    /// # Errors
    /// No `--keys` argument, or an entry without `key_id=` / `key=` of 32 hex digits.
    pub fn from_shaka_args(command_line: &str) -> Result<Vec<Self>, String> {
        let mut words = command_line.split_whitespace();
        let keys = loop {
            match words.next() {
                Some("--keys") => break words.next().ok_or("--keys has no value")?,
                Some(w) if w.starts_with("--keys=") => break &w["--keys=".len()..],
                Some(_) => {}
                None => return Err("no --keys in the Shaka arguments".into()),
            }
        };
        keys.split(',')
            .map(|entry| {
                let field = |name: &str| {
                    entry
                        .split(':')
                        .find_map(|f| f.strip_prefix(name))
                        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
                        .map(str::to_ascii_lowercase)
                        .ok_or_else(|| format!("a --keys entry lacks {name}<32 hex digits>"))
                };
                Ok(Self {
                    kid_hex: field("key_id=")?,
                    key_hex: field("key=")?,
                })
            })
            .collect()
    }
}

/// Makes `<dir>/clip.mp4`: [`CLIP_SECONDS`] of lavfi `testsrc` (H.264, 320x240, 25 fps) and a
/// 440 Hz sine (AAC).
///
/// # Errors
/// ffmpeg cannot be started or fails (its last output lines are in the message).
pub fn make_clip(ffmpeg: &Path, dir: &Path) -> Result<PathBuf, String> {
    let out = dir.join("clip.mp4");
    let seconds = CLIP_SECONDS.to_string();
    let mut cmd = Command::new(ffmpeg);
    cmd.args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"])
        .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"])
        .args(["-t", &seconds])
        .args([
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-pix_fmt",
            "yuv420p",
        ])
        .args(["-g", "25", "-c:a", "aac", "-b:a", "64k"])
        .arg(&out);
    run(cmd, "ffmpeg")?;
    Ok(out)
}

/// Packages `clip` into `out_dir` as static DASH (2 s segments), every stream encrypted
/// (`cenc`) with the first of `keys` and the W3C Common PSSH signalled
/// (`--protection_systems CommonSystem`), which Shaka Player maps to `org.w3.clearkey`.
/// Returns the manifest's path.
///
/// # Errors
/// No key, or the packager cannot be started or fails.
pub fn package(
    packager: &Path,
    clip: &Path,
    out_dir: &Path,
    keys: &[ContentKey],
) -> Result<PathBuf, String> {
    let key = keys.first().ok_or("no content key to package with")?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let input = clip
        .canonicalize()
        .map_err(|e| format!("{}: {e}", clip.display()))?;
    let stream = |kind: &str| {
        format!(
            "in={},stream={kind},init_segment={kind}/init.mp4,segment_template={kind}/$Number$.m4s",
            input.display()
        )
    };
    let mut cmd = Command::new(packager);
    cmd.current_dir(out_dir)
        .arg(stream("video"))
        .arg(stream("audio"))
        .args(["--enable_raw_key_encryption", "--keys"])
        .arg(format!("label=:key_id={}:key={}", key.kid_hex, key.key_hex))
        .args(["--protection_scheme", "cenc"])
        .args(["--protection_systems", "CommonSystem"])
        .args(["--segment_duration", "2", "--generate_static_live_mpd"])
        .args(["--mpd_output", MANIFEST]);
    run(cmd, "Shaka Packager")?;
    Ok(out_dir.join(MANIFEST))
}

/// Runs `cmd`; a failure carries the last lines it printed (neither tool echoes keys).
fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    let output = cmd
        .output()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{what} failed ({}): {}",
        output.status,
        tail.join(" | ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_the_shaka_export() {
        let line = "--enable_raw_key_encryption --keys label=:key_id=2F05477FC24BB4FAEFD86517156DAFFC:key=b50d1b25559be9bd0a3cbe8ab59232fc --protection_scheme cenc";
        let keys = ContentKey::from_shaka_args(line).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid_hex, "2f05477fc24bb4faefd86517156daffc");
        assert_eq!(keys[0].key_hex, "b50d1b25559be9bd0a3cbe8ab59232fc");
    }

    #[test]
    fn several_labelled_keys_are_read() {
        let line = "--keys label=SD:key_id=00000000000000000000000000000001:key=00000000000000000000000000000002,label=AUDIO:key_id=00000000000000000000000000000003:key=00000000000000000000000000000004";
        let keys = ContentKey::from_shaka_args(line).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[1].kid_hex, "00000000000000000000000000000003");
    }

    #[test]
    fn a_missing_keys_argument_is_an_error() {
        assert!(ContentKey::from_shaka_args("--protection_scheme cenc").is_err());
        assert!(ContentKey::from_shaka_args("--keys label=:key_id=12:key=34").is_err());
    }

    #[test]
    fn debug_hides_the_key() {
        let key = ContentKey {
            kid_hex: "00".repeat(16),
            key_hex: "ab".repeat(16),
        };
        assert!(!format!("{key:?}").contains("abab"));
    }
}

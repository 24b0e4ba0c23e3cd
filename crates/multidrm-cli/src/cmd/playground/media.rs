//! The playground's title: keys from the KMS emulator (through `multidrm cpix get`, as a user
//! runs it), a clip made by ffmpeg, encrypted by Shaka Packager as ClearKey-signalled CENC DASH.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The manifest's file name inside a packaged title's folder.
pub(crate) const MANIFEST: &str = "manifest.mpd";

/// One content key as the KMS issued it.
#[derive(Clone)]
pub(crate) struct ContentKey {
    /// Key id, 32 lowercase hex digits.
    pub(crate) kid_hex: String,
    /// The key, 32 lowercase hex digits.
    pub(crate) key_hex: String,
}

impl fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContentKey")
            .field("kid_hex", &self.kid_hex)
            .finish_non_exhaustive()
    }
}

/// The keys the KMS at `kms_url` issues for `cid`: `multidrm cpix get … --format shaka` run
/// as a child of this very binary (the token through the environment).
pub(crate) fn kms_keys(
    kms_url: &str,
    kms_token: &str,
    cid: &str,
) -> Result<Vec<ContentKey>, String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let output = Command::new(me)
        .args(["cpix", "get", "--cid", cid, "--drm", "widevine"])
        .args(["--tracks", "all", "--scheme", "cenc", "--format", "shaka"])
        .args(["--kms-url", kms_url])
        .env("DOVERUNNER_KMS_TOKEN", kms_token)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run multidrm cpix get: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "multidrm cpix get failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    parse_shaka_keys(&String::from_utf8_lossy(&output.stdout))
}

/// The `--keys label=…:key_id=…:key=…,…` entries of a Shaka Packager command line.
pub(crate) fn parse_shaka_keys(command_line: &str) -> Result<Vec<ContentKey>, String> {
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
            Ok(ContentKey {
                kid_hex: field("key_id=")?,
                key_hex: field("key=")?,
            })
        })
        .collect()
}

/// A 6-second 320×240 test pattern with a tone, H.264/AAC, as `dir/clip.mp4`.
pub(crate) fn make_clip(ffmpeg: &Path, dir: &Path) -> Result<PathBuf, String> {
    let out = dir.join("clip.mp4");
    let mut cmd = Command::new(ffmpeg);
    cmd.args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"])
        .args(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"])
        .args(["-t", "6", "-c:v", "libx264", "-profile:v", "baseline"])
        .args([
            "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", "-b:a", "64k",
        ])
        .arg(&out);
    run(cmd, "ffmpeg")?;
    Ok(out)
}

/// Encrypts `clip` with the first of `keys` (cenc, ClearKey signalled through the common
/// PSSH) into `out_dir` as DASH.
pub(crate) fn package(
    packager: &Path,
    clip: &Path,
    out_dir: &Path,
    keys: &[ContentKey],
) -> Result<(), String> {
    let key = keys.first().ok_or("the KMS issued no content key")?;
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
        .args([
            "--protection_scheme",
            "cenc",
            "--protection_systems",
            "CommonSystem",
        ])
        .args(["--segment_duration", "2", "--generate_static_live_mpd"])
        .args(["--mpd_output", MANIFEST]);
    run(cmd, "Shaka Packager")
}

fn run(mut cmd: Command, what: &str) -> Result<(), String> {
    let output = cmd
        .stdin(Stdio::null())
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
        let keys = parse_shaka_keys(line).unwrap();
        assert_eq!(keys[0].kid_hex, "2f05477fc24bb4faefd86517156daffc");
        assert_eq!(keys[0].key_hex, "b50d1b25559be9bd0a3cbe8ab59232fc");
    }

    #[test]
    fn a_line_without_keys_is_refused() {
        assert!(parse_shaka_keys("--protection_scheme cenc").is_err());
    }
}

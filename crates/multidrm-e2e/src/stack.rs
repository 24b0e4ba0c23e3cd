//! The real stack as child processes, as a user runs it: `multidrm sandbox` (KMS and
//! license-server emulators) and `multidrm serve --config FILE` (the server with its
//! `[license_proxy]`), each found through the JSON line it announces itself with on stdout.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::ScratchDir;
use crate::media::ContentKey;

/// How long a server may take to announce itself.
const ANNOUNCE_DEADLINE: Duration = Duration::from_secs(30);

/// The `multidrm` binary: `$MULTIDRM_BIN`, else `multidrm` in the Cargo target folder that
/// holds the running test (`target/debug/deps/<test>` → `target/debug/multidrm`), which
/// `cargo test --workspace` builds before any test runs.
pub fn multidrm_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("MULTIDRM_BIN").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(bin));
    }
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let bin = profile_dir.join("multidrm");
    bin.is_file().then_some(bin)
}

/// A child process that announced itself; killed when dropped.
#[derive(Debug)]
pub struct Announced {
    child: Child,
    /// The announce line.
    pub line: Value,
    _logs: ScratchDir,
    interrupt: bool,
}

impl Announced {
    /// Starts `bin args…` in `dir` and waits for its first stdout line (a JSON object).
    /// Its stderr goes to a log file whose last lines are quoted when it fails to announce.
    ///
    /// # Errors
    /// It cannot start, exits, prints something else, or stays silent past the deadline.
    pub fn start(bin: &Path, args: &[&str], dir: Option<&Path>) -> Result<Self, String> {
        let logs = ScratchDir::new("logs").map_err(|e| e.to_string())?;
        let log_path = logs.path().join("stderr.log");
        let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        if let Some(dir) = dir {
            cmd.current_dir(dir);
        }
        let what = format!("multidrm {}", args.first().copied().unwrap_or_default());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {what}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first = String::new();
            let read = reader.read_line(&mut first).map(|_| first);
            let _ = tx.send(read);
            // Keep draining so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let failed = |child: &mut Child, why: String| {
            let _ = child.kill();
            let _ = child.wait();
            let mut text = String::new();
            let _ = std::fs::File::open(&log_path).and_then(|mut f| f.read_to_string(&mut text));
            let tail: Vec<&str> = text.lines().rev().take(6).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            format!("{what}: {why}; stderr: {}", tail.join(" | "))
        };
        let line = match rx.recv_timeout(ANNOUNCE_DEADLINE) {
            Ok(Ok(line)) if !line.trim().is_empty() => line,
            Ok(Ok(_)) => return Err(failed(&mut child, "exited without announcing".into())),
            Ok(Err(e)) => return Err(failed(&mut child, format!("stdout: {e}"))),
            Err(_) => return Err(failed(&mut child, "no announce line within 30 s".into())),
        };
        let line: Value = match serde_json::from_str(line.trim()) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return Err(failed(
                    &mut child,
                    "announced something else than a JSON object".into(),
                ));
            }
        };
        Ok(Self {
            child,
            line,
            _logs: logs,
            interrupt: false,
        })
    }

    /// On drop: SIGINT (Ctrl-C) so it cleans up (the playground's work folder); kill after 10 s.
    #[must_use]
    pub fn interrupted_on_drop(mut self) -> Self {
        self.interrupt = true;
        self
    }

    /// A string field of the announce line.
    ///
    /// # Errors
    /// The field is missing or not a string.
    pub fn field(&self, name: &str) -> Result<String, String> {
        self.line
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("the announce line has no string {name:?}"))
    }
}

impl Drop for Announced {
    fn drop(&mut self) {
        if self.interrupt {
            let pid = self.child.id().to_string();
            let _ = Command::new("kill").args(["-INT", &pid]).status();
            for _ in 0..100 {
                if !matches!(self.child.try_wait(), Ok(None)) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `multidrm sandbox`, started on free loopback ports.
#[derive(Debug)]
pub struct Sandbox {
    /// The process and its announce line.
    pub process: Announced,
}

impl Sandbox {
    /// Starts it.
    ///
    /// # Errors
    /// See [`Announced::start`].
    pub fn start(bin: &Path) -> Result<Self, String> {
        Ok(Self {
            process: Announced::start(bin, &["sandbox"], None)?,
        })
    }

    /// The keys the KMS emulator issues for `cid`, through
    /// `multidrm cpix get --cid CID --drm widevine --scheme cenc --format shaka` (one key for
    /// every track); the KMS token goes through the environment, not the command line.
    ///
    /// # Errors
    /// The command fails or prints no usable `--keys`.
    pub fn cpix_keys(&self, bin: &Path, cid: &str) -> Result<Vec<ContentKey>, String> {
        let kms_url = self.process.field("kms_url")?;
        let kms_token = self.process.field("kms_token")?;
        let output = Command::new(bin)
            .args(["cpix", "get", "--cid", cid, "--drm", "widevine"])
            .args(["--tracks", "all", "--scheme", "cenc", "--format", "shaka"])
            .args(["--kms-url", &kms_url])
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
        ContentKey::from_shaka_args(&String::from_utf8_lossy(&output.stdout))
    }

    /// The emulator's own ClearKey URL for `cid` (`clearkey_url?siteId=<test site>&cid=CID`).
    ///
    /// # Errors
    /// The announce line lacks `clearkey_url` or `license_site_id`.
    pub fn clearkey_url_for(&self, cid: &str) -> Result<String, String> {
        let base = self.process.field("clearkey_url")?;
        let site = self.process.field("license_site_id")?;
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("siteId", &site)
            .append_pair("cid", cid)
            .finish();
        Ok(format!("{base}?{query}"))
    }
}

/// What the server's configuration says about the viewer and the license path.
#[derive(Debug, Clone)]
pub struct ProxySettings<'a> {
    /// HS256 secret of the viewers' bearer JWTs (`[token_endpoint] jwt_hs256_secret`).
    pub jwt_secret: &'a str,
    /// Users entitled to every content id in `titles` (one `[[rules]]` table).
    pub entitled_users: &'a [&'a str],
    /// The content ids they may play.
    pub titles: &'a [&'a str],
    /// The page's origin, allowed by CORS.
    pub page_origin: &'a str,
}

impl Sandbox {
    /// A `multidrm serve` configuration whose `[license_proxy]` points at this sandbox's
    /// license-server emulator (`license_url`, `clearkey_url`) with its test site's credentials.
    ///
    /// # Errors
    /// The announce line lacks one of the fields.
    pub fn proxy_config(&self, settings: &ProxySettings<'_>) -> Result<String, String> {
        let field = |name: &str| self.process.field(name).map(|v| toml_string(&v));
        let list = |items: &[&str]| {
            let quoted: Vec<String> = items.iter().map(|i| toml_string(i)).collect();
            format!("[{}]", quoted.join(", "))
        };
        Ok(format!(
            r#"bind = "127.0.0.1:0"
secret = "e2e-diva-shared-secret-not-used-by-the-browser"
content_url_template = "http://127.0.0.1/media/{{video_id}}/manifest.mpd"
license_url = {license_url}

[doverunner]
site_id = {site_id}
site_key = {site_key}
access_key = {access_key}

[[rules]]
users = {users}
videos = {videos}

[token_endpoint]
jwt_hs256_secret = {jwt}
cors_origins = {origins}

[license_proxy]
license_url = {license_url}
clearkey_url = {clearkey_url}
"#,
            license_url = field("license_url")?,
            clearkey_url = field("clearkey_url")?,
            site_id = field("license_site_id")?,
            site_key = field("license_site_key")?,
            access_key = field("license_access_key")?,
            users = list(settings.entitled_users),
            videos = list(settings.titles),
            jwt = toml_string(settings.jwt_secret),
            origins = list(&[settings.page_origin]),
        ))
    }
}

/// A TOML basic string (JSON escaping is valid TOML for these values).
fn toml_string(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

/// `multidrm serve --config FILE`.
#[derive(Debug)]
pub struct Server {
    /// The process and its announce line.
    pub process: Announced,
    _dir: ScratchDir,
}

impl Server {
    /// Writes `config` (TOML) to a folder of its own as `server.toml` and starts the server
    /// there (relative paths in the config resolve against that folder), after writing each of
    /// `files` (name, content) beside it.
    ///
    /// # Errors
    /// A file cannot be written, or see [`Announced::start`].
    pub fn start(bin: &Path, config: &str, files: &[(&str, &str)]) -> Result<Self, String> {
        let dir = ScratchDir::new("server").map_err(|e| e.to_string())?;
        for (name, content) in files {
            std::fs::write(dir.path().join(name), content).map_err(|e| format!("{name}: {e}"))?;
        }
        let path = dir.path().join("server.toml");
        std::fs::write(&path, config).map_err(|e| format!("server.toml: {e}"))?;
        let path = path.to_string_lossy().into_owned();
        let process = Announced::start(bin, &["serve", "--config", &path], Some(dir.path()))?;
        Ok(Self { process, _dir: dir })
    }

    /// `http://127.0.0.1:P`.
    ///
    /// # Errors
    /// The announce line lacks `listening`.
    pub fn origin(&self) -> Result<String, String> {
        Ok(format!("http://{}", self.process.field("listening")?))
    }

    /// The license proxy's ClearKey URL for `cid` (`POST /drm/clearkey?content_id=CID`).
    ///
    /// # Errors
    /// The announce line lacks `listening`.
    pub fn clearkey_url_for(&self, cid: &str) -> Result<String, String> {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("content_id", cid)
            .finish();
        Ok(format!("{}/drm/clearkey?{query}", self.origin()?))
    }
}

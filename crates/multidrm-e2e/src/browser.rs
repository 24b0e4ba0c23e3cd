//! Headless Chromium through chromedriver (WebDriver), and the page's playback report.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde::Deserialize;

use crate::ScratchDir;

/// Chromium's flags: headless, and nothing that reaches out of the machine (its network is
/// closed; without these Chromium keeps trying Google's hosts).
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--autoplay-policy=no-user-gesture-required",
    "--window-size=800,600",
];

/// A chromedriver process on a loopback port; killed when dropped.
#[derive(Debug)]
pub struct Chromedriver {
    child: Child,
    addr: SocketAddr,
}

impl Chromedriver {
    /// Starts `chromedriver` on a free port and waits (up to 20 s) until it accepts connections.
    ///
    /// # Errors
    /// It cannot be started or never listens.
    pub fn start(chromedriver: &Path) -> Result<Self, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port for chromedriver: {e}"))?
            .port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", chromedriver.display()))?;
        let mut driver = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect_timeout(&driver.addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                return Err(format!("chromedriver exited at start ({status})"));
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not listen within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    /// `http://127.0.0.1:P`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One player error as the page recorded it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlayerError {
    /// Shaka's error code (e.g. 6007 LICENSE_REQUEST_FAILED, 1001 BAD_HTTP_STATUS).
    pub code: u32,
    /// Shaka's error category.
    pub category: u32,
    /// Shaka's severity (2 = critical).
    pub severity: u32,
    /// The error's text.
    pub message: String,
    /// The HTTP status of a failed request inside the error.
    pub http_status: Option<u16>,
    /// The start of that response's body.
    pub http_body: Option<String>,
}

/// The page's report (`window.e2e.report()`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// `starting`, `loaded`, `playing`, `failed`, `unsupported`.
    pub phase: String,
    /// `video.currentTime`.
    pub current_time: f64,
    /// `getVideoPlaybackQuality().totalVideoFrames`.
    pub frames: u64,
    /// Every error the player raised.
    pub errors: Vec<PlayerError>,
    /// HTTP status of each license response the player accepted.
    pub license_statuses: Vec<u16>,
    /// License requests the player sent.
    pub license_requests: u32,
    /// The key ids the CDM holds (lowercase hex) and their EME status (`usable`, …).
    #[serde(default)]
    pub key_statuses: std::collections::BTreeMap<String, String>,
}

impl Report {
    /// Playback passed `seconds` with frames decoded and no player error.
    pub fn played_past(&self, seconds: f64) -> bool {
        self.current_time > seconds && self.frames > 0 && self.errors.is_empty()
    }

    /// The HTTP statuses of failed requests named in the errors.
    pub fn failed_statuses(&self) -> Vec<u16> {
        self.errors.iter().filter_map(|e| e.http_status).collect()
    }
}

/// A headless Chromium session with its own new, empty profile.
pub struct Browser {
    client: Client,
    _profile: ScratchDir,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser").finish_non_exhaustive()
    }
}

impl Browser {
    /// Opens Chromium (`chromium` binary) through `driver`.
    ///
    /// # Errors
    /// The profile folder cannot be made or the session cannot be created.
    pub async fn open(driver: &Chromedriver, chromium: &Path) -> Result<Self, String> {
        let profile = ScratchDir::new("chromium-profile").map_err(|e| e.to_string())?;
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| (*s).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": chromium, "args": args }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .map_err(|e| format!("cannot open a Chromium session: {e}"))?;
        Ok(Self {
            client,
            _profile: profile,
        })
    }

    /// Opens `url` and polls the page's report every 200 ms until playback passed `seconds`,
    /// a player error was raised, or `deadline` elapsed; returns the last report.
    ///
    /// # Errors
    /// Navigation or script execution failed.
    pub async fn play(
        &self,
        url: &str,
        seconds: f64,
        deadline: Duration,
    ) -> Result<Report, String> {
        self.client
            .goto(url)
            .await
            .map_err(|e| format!("cannot open the page: {e}"))?;
        let until = Instant::now() + deadline;
        loop {
            let report = self.report().await?;
            if report.played_past(seconds) || !report.errors.is_empty() || Instant::now() > until {
                return Ok(report);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The page's report now.
    ///
    /// # Errors
    /// The script failed or answered something else than a report.
    pub async fn report(&self) -> Result<Report, String> {
        let value = self
            .client
            .execute(
                "return window.e2e ? window.e2e.report() : null;",
                Vec::new(),
            )
            .await
            .map_err(|e| format!("cannot read the page's report: {e}"))?;
        if value.is_null() {
            return Ok(Report {
                phase: "no-page-script".into(),
                current_time: 0.0,
                frames: 0,
                errors: Vec::new(),
                license_statuses: Vec::new(),
                license_requests: 0,
                key_statuses: Default::default(),
            });
        }
        serde_json::from_value(value.clone()).map_err(|e| format!("bad report {value}: {e}"))
    }

    /// Writes a PNG screenshot of the page to `path` (parent folders created).
    ///
    /// # Errors
    /// The screenshot cannot be taken or written.
    pub async fn screenshot(&self, path: &Path) -> Result<PathBuf, String> {
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|e| format!("cannot take a screenshot: {e}"))?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(path, png).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path.to_path_buf())
    }

    /// Ends the session (Chromium exits).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

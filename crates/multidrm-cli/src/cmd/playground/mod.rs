//! `multidrm playground`: the sandbox, the server with its token proxy, a packaged title and a
//! page that plays it in the browser, showing every step of the license exchange.
//!
//! Everything runs in this process on loopback: the emulators (`multidrm-sandbox`), the server
//! (`multidrm-server` with `[license_proxy]` pointed at the emulators), and the page's own site
//! ([`site`]). The third-party programs (Shaka Packager, ffmpeg, Shaka Player) are found by
//! [`tools`]; a missing one ends the command with exit 1 and how to get it.

mod media;
mod site;
mod tools;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use multidrm_sandbox::{Sandbox, SandboxOptions};
use multidrm_server::{Server, ServerConfig};

use crate::failure::{CmdResult, Failure};
use crate::output::runtime;

/// The content id of the playground's title (the one `alice` is entitled to).
pub(crate) const TITLE: &str = "playground-movie";
/// A content id nobody is entitled to (the "no entitlement" case).
pub(crate) const LOCKED_TITLE: &str = "playground-locked";
/// The viewer entitled to [`TITLE`].
pub(crate) const VIEWER: &str = "alice";
/// A viewer with a valid token and no entitlement (the "wrong user" case).
pub(crate) const OTHER_VIEWER: &str = "mallory";
/// HS256 secret of the viewers' JWTs; a loopback playground's, printed nowhere.
const JWT_SECRET: &str = "playground-viewer-jwt-secret-0123456789";

/// Arguments of `multidrm playground`.
#[derive(Debug, Args)]
pub(crate) struct PlaygroundArgs {
    /// Address of the page (keep it on loopback; port 0 = any free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    bind: SocketAddr,
    /// Shaka Packager (default `$MULTIDRM_SHAKA_PACKAGER`, else `packager` on PATH).
    #[arg(long, value_name = "PATH")]
    packager: Option<PathBuf>,
    /// Shaka Player: its `dist` folder, or the URL of `shaka-player.compiled.js`
    /// (default `$MULTIDRM_SHAKA_PLAYER_DIR`).
    #[arg(long, value_name = "DIR|URL")]
    shaka_player: Option<String>,
    /// Serve this DASH folder (with `manifest.mpd`) instead of packaging the test clip; it must
    /// be encrypted with the keys `multidrm cpix get --cid <--cid>` gets from the sandbox's KMS.
    #[arg(long, value_name = "DIR")]
    media: Option<PathBuf>,
    /// Content id of the title (the KMS keys and the license).
    #[arg(long, default_value = TITLE)]
    cid: String,
}

/// Starts everything, prints `{"playground": URL}`, serves until Ctrl-C.
pub(crate) fn run(args: PlaygroundArgs) -> CmdResult {
    let tools = tools::find(
        args.packager.as_deref(),
        args.shaka_player.as_deref(),
        args.media.is_none(),
    )
    .map_err(Failure::input)?;
    let work =
        WorkDir::new().map_err(|e| Failure::usage(format!("cannot make a work folder: {e}")))?;
    runtime()?.block_on(async move {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .map_err(|e| Failure::usage(format!("cannot start the sandbox: {e}")))?;
        let (kms_url, kms_token) = (sandbox.kms_url(), sandbox.kms_token().to_owned());
        let cid = args.cid.clone();
        let keys = tokio::task::spawn_blocking(move || media::kms_keys(&kms_url, &kms_token, &cid))
            .await
            .map_err(|e| Failure::usage(e.to_string()))?
            .map_err(Failure::remote)?;
        let media_dir = match &args.media {
            Some(dir) => dir.clone(),
            None => package(&tools, &work, &keys).await?,
        };
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .map_err(|e| Failure::remote(format!("cannot bind {}: {e}", args.bind)))?;
        let page_addr = listener
            .local_addr()
            .map_err(|e| Failure::remote(e.to_string()))?;
        let origin = format!("http://{page_addr}");
        let config_path = work.path.join("server.toml");
        std::fs::write(&config_path, server_config(&sandbox, &origin, &args.cid))
            .map_err(|e| Failure::usage(format!("server.toml: {e}")))?;
        let config = ServerConfig::load(&config_path).map_err(|e| Failure::usage(e.to_string()))?;
        let server = Server::from_config(&config)
            .map_err(|e| Failure::usage(e.to_string()))?
            .bind()
            .await
            .map_err(|e| Failure::remote(e.to_string()))?;
        let proxy_origin = format!("http://{}", server.local_addr());
        let state = site::State {
            player: tools.player.clone(),
            media_dir,
            proxy_origin,
            cid: args.cid.clone(),
            keys,
            jwt_secret: JWT_SECRET.to_owned(),
        };
        let server_task = tokio::spawn(server.shutdown_on(ctrl_c()));
        let site_task = tokio::spawn(site::serve(listener, state));
        crate::output::announce(
            &serde_json::json!({ "playground": format!("{origin}/") }).to_string(),
        )?;
        let _ = server_task.await;
        site_task.abort();
        sandbox.shutdown().await;
        drop(work);
        Ok(())
    })
}

async fn ctrl_c() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Makes the clip and packages it with `keys` into `work/media/`.
async fn package(
    tools: &tools::Tools,
    work: &WorkDir,
    keys: &[media::ContentKey],
) -> Result<PathBuf, Failure> {
    let ffmpeg = tools
        .ffmpeg
        .clone()
        .ok_or_else(|| Failure::input("missing: ffmpeg"))?;
    let (packager, dir, keys) = (tools.packager.clone(), work.path.clone(), keys.to_vec());
    tokio::task::spawn_blocking(move || {
        let clip = media::make_clip(&ffmpeg, &dir)?;
        let out = dir.join("media");
        media::package(&packager, &clip, &out, &keys)?;
        Ok::<_, String>(out)
    })
    .await
    .map_err(|e| Failure::usage(e.to_string()))?
    .map_err(Failure::remote)
}

/// The server's configuration: the proxy at the sandbox's emulators, `alice` entitled to `cid`.
fn server_config(sandbox: &Sandbox, page_origin: &str, cid: &str) -> String {
    let q = |v: &str| serde_json::Value::from(v).to_string();
    // The test site's credentials: public test values the sandbox announces.
    let announced = sandbox.announcement();
    let field = |name: &str| {
        q(announced
            .get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default())
    };
    format!(
        r#"bind = "127.0.0.1:0"
secret = "playground-diva-shared-secret-unused"
content_url_template = "http://127.0.0.1/media/{{video_id}}/manifest.mpd"
license_url = {license_url}

[doverunner]
site_id = {site_id}
site_key = {site_key}
access_key = {access_key}

[[rules]]
users = [{viewer}]
videos = [{cid}]

[token_endpoint]
jwt_hs256_secret = {jwt}
cors_origins = [{origin}]

[license_proxy]
license_url = {license_url}
clearkey_url = {clearkey_url}
"#,
        license_url = q(&sandbox.license_url()),
        clearkey_url = q(&sandbox.clearkey_url()),
        site_id = field("license_site_id"),
        site_key = field("license_site_key"),
        access_key = field("license_access_key"),
        viewer = q(VIEWER),
        cid = q(cid),
        jwt = q(JWT_SECRET),
        origin = q(page_origin),
    )
}

/// A private folder under the system's temporary folder, removed on drop.
struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    fn new() -> std::io::Result<Self> {
        let path = std::env::temp_dir().join(format!("multidrm-playground-{}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

//! A real player plays our protected video: Chromium's ClearKey CDM and Shaka Player play DASH
//! that Shaka Packager encrypted with the keys `multidrm cpix get` got from the KMS emulator of
//! `multidrm sandbox`, the license coming through the token proxy of `multidrm serve`
//! (`[license_proxy]`: bearer JWT → 401, entitlement → 403) from the sandbox's license-server
//! emulator's ClearKey endpoint.
//!
//! Needs ffmpeg, Shaka Packager, Shaka Player, Chromium, chromedriver (`multidrm_e2e::tools`)
//! and the `multidrm` binary (`cargo test --workspace` builds it; or `$MULTIDRM_BIN`). Under
//! `CI` a missing one fails the test; elsewhere the test is skipped with a message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use multidrm_e2e::browser::{Browser, Chromedriver, Report};
use multidrm_e2e::media::{self, ContentKey, MANIFEST};
use multidrm_e2e::site::{Playback, Site};
use multidrm_e2e::stack::{ProxySettings, Sandbox, Server, multidrm_bin};
use multidrm_e2e::tools::{self, Tools};
use multidrm_e2e::{ScratchDir, jwt};

/// One browser at a time: two Chromiums on a 2-core machine only slow each other down.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const JWT_SECRET: &str = "e2e-viewer-jwt-secret-0123456789abcdef";
const VIEWER: &str = "alice";
/// The content ids `alice` is entitled to (the `[[rules]]` of the server): every title the
/// cases ask for, so that a failing case fails for its keys, not for its entitlement.
const ENTITLED_TITLES: &[&str] = &[
    "e2e-movie",
    "e2e-never-issued",
    "e2e-title-a",
    "e2e-title-b",
];
/// How long a failing case is watched before it counts as "did not play".
const FAILURE_WATCH: Duration = Duration::from_secs(12);
/// The overall deadline for a case that must play.
const PLAY_DEADLINE: Duration = Duration::from_secs(40);

/// Everything a case needs: the tools, the binary, the sandbox, a media folder.
struct Stack {
    tools: Tools,
    bin: PathBuf,
    sandbox: Sandbox,
    media: ScratchDir,
}

/// The tools and the `multidrm` binary, or `None` (outside CI) after a message.
fn stack(test: &str) -> Option<Stack> {
    let tools = tools::require(test)?;
    let Some(bin) = multidrm_bin() else {
        let why =
            "the multidrm binary was not found (cargo build -p multidrm-cli, or set MULTIDRM_BIN)";
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: CI is set and {why}"
        );
        eprintln!("{test}: SKIPPED (outside CI): {why}");
        return None;
    };
    let sandbox = Sandbox::start(&bin).expect("multidrm sandbox");
    let media = ScratchDir::new("stack-media").expect("scratch folder");
    Some(Stack {
        tools,
        bin,
        sandbox,
        media,
    })
}

impl Stack {
    /// Makes the clip and packages it as `title/` with `keys`.
    fn package(&self, title: &str, keys: &[ContentKey]) {
        let clip = self.media.path().join("clip.mp4");
        if !clip.is_file() {
            media::make_clip(&self.tools.ffmpeg, self.media.path()).expect("clip");
        }
        media::package(
            &self.tools.packager,
            &clip,
            &self.media.path().join("site").join(title),
            keys,
        )
        .expect("package");
    }

    /// Plays `title` through the license proxy of `multidrm serve` for `cid` with `jwt`: the
    /// page's license URL is `POST /drm/clearkey?content_id=CID` with `Authorization: Bearer`;
    /// the proxy authenticates the viewer, entitles them, and fetches the JWK Set from the
    /// sandbox's ClearKey endpoint. The report and the session.
    async fn play(&self, title: &str, cid: &str, jwt: &str, must_play: bool) -> (Report, Session) {
        let site = Site::start(
            &self.tools.shaka_player_dir,
            &self.media.path().join("site"),
            None,
        )
        .await
        .expect("site");
        let config = self
            .sandbox
            .proxy_config(&ProxySettings {
                jwt_secret: JWT_SECRET,
                entitled_users: &[VIEWER],
                titles: ENTITLED_TITLES,
                page_origin: &site.origin(),
            })
            .expect("config");
        let server = Server::start(&self.bin, &config, &[]).expect("multidrm serve");
        let driver = Chromedriver::start(&self.tools.chromedriver).expect("chromedriver");
        let browser = Browser::open(&driver, &self.tools.chromium)
            .await
            .expect("browser");
        let manifest = site.media_url(&format!("{title}/{MANIFEST}"));
        let license = server.clearkey_url_for(cid).expect("proxy URL");
        let url = site.page_url(&Playback {
            manifest_url: &manifest,
            license_url: &license,
            jwt,
        });
        let watch = if must_play {
            PLAY_DEADLINE
        } else {
            FAILURE_WATCH
        };
        let report = browser.play(&url, 3.0, watch).await.expect("page");
        (
            report,
            Session {
                browser,
                _driver: driver,
                _server: server,
                _site: site,
            },
        )
    }
}

/// A site, a chromedriver and a browser, in the order they must stop.
struct Session {
    browser: Browser,
    _driver: Chromedriver,
    _server: Server,
    _site: Site,
}

/// `target/e2e-output` (or `$MULTIDRM_E2E_OUTPUT`).
fn output_dir() -> PathBuf {
    std::env::var_os("MULTIDRM_E2E_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
            tmp.parent().map(|t| t.join("e2e-output")).unwrap_or(tmp)
        })
}

fn viewer_jwt() -> String {
    jwt::hs256(JWT_SECRET, VIEWER, 300).expect("jwt")
}

#[tokio::test]
async fn through_the_proxy_an_entitled_viewer_plays_kms_keys_past_three_seconds() {
    let Some(stack) = stack("kms_keys_play_past_three_seconds") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let keys = stack
        .sandbox
        .cpix_keys(&stack.bin, "e2e-movie")
        .expect("KMS keys");
    stack.package("movie", &keys);
    let (report, session) = stack.play("movie", "e2e-movie", &viewer_jwt(), true).await;
    let shot = session
        .browser
        .screenshot(&output_dir().join("proxy-playing.png"))
        .await
        .expect("screenshot");
    session.browser.close().await;
    assert!(report.played_past(3.0), "did not play: {report:?}");
    assert_eq!(report.license_statuses, vec![200], "{report:?}");
    // The CDM took the proxy's JWK Set: it holds exactly the packaged key ids, usable.
    let packaged: BTreeMap<String, String> = keys
        .iter()
        .map(|k| (k.kid_hex.to_ascii_lowercase(), "usable".to_owned()))
        .collect();
    assert_eq!(report.key_statuses, packaged, "{report:?}");
    eprintln!("screenshot: {}", Path::new(&shot).display());
}

#[tokio::test]
async fn a_title_whose_keys_the_kms_never_issued_does_not_play() {
    let Some(stack) = stack("a_title_whose_keys_the_kms_never_issued") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    // Keys of our own, and a content id nobody asked the KMS about.
    let keys = [ContentKey {
        kid_hex: "d0376d53da1df818792f7c5bbf45dffc".into(),
        key_hex: "00112233445566778899aabbccddeeff".into(),
    }];
    stack.package("never-issued", &keys);
    let (report, session) = stack
        .play("never-issued", "e2e-never-issued", &viewer_jwt(), false)
        .await;
    session.browser.close().await;
    assert!(
        !report.played_past(3.0),
        "played without issued keys: {report:?}"
    );
    assert!(report.current_time < 1.0, "{report:?}");
    assert!(!report.errors.is_empty(), "no player error: {report:?}");
    eprintln!("never issued: {report:?}");
}

#[tokio::test]
async fn content_keyed_for_another_title_does_not_play() {
    let Some(stack) = stack("content_keyed_for_another_title") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    // The KMS issued keys for both titles; the content carries one title's keys, the player
    // asks for the other's license.
    let keys = stack
        .sandbox
        .cpix_keys(&stack.bin, "e2e-title-a")
        .expect("KMS keys");
    stack
        .sandbox
        .cpix_keys(&stack.bin, "e2e-title-b")
        .expect("KMS keys");
    stack.package("title-a", &keys);
    let (report, session) = stack
        .play("title-a", "e2e-title-b", &viewer_jwt(), false)
        .await;
    session.browser.close().await;
    assert!(
        !report.played_past(3.0),
        "played with another title's license: {report:?}"
    );
    assert!(report.current_time < 1.0, "{report:?}");
    eprintln!("another title: {report:?}");
}

#[tokio::test]
async fn through_the_proxy_a_wrong_jwt_gets_401_and_does_not_play() {
    let Some(stack) = stack("through_the_proxy_a_wrong_jwt_gets_401") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let keys = stack
        .sandbox
        .cpix_keys(&stack.bin, "e2e-movie")
        .expect("KMS keys");
    stack.package("movie", &keys);
    let wrong = jwt::hs256("not-the-viewer-secret-of-this-server", VIEWER, 300).expect("jwt");
    let (report, session) = stack.play("movie", "e2e-movie", &wrong, false).await;
    session.browser.close().await;
    assert!(
        !report.played_past(3.0),
        "played with a wrong JWT: {report:?}"
    );
    assert!(report.failed_statuses().contains(&401), "{report:?}");
}

#[tokio::test]
async fn through_the_proxy_a_viewer_not_entitled_gets_403_and_does_not_play() {
    let Some(stack) = stack("through_the_proxy_a_viewer_not_entitled_gets_403") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let keys = stack
        .sandbox
        .cpix_keys(&stack.bin, "e2e-movie")
        .expect("KMS keys");
    stack.package("movie", &keys);
    let mallory = jwt::hs256(JWT_SECRET, "mallory", 300).expect("jwt");
    let (report, session) = stack.play("movie", "e2e-movie", &mallory, false).await;
    session.browser.close().await;
    assert!(
        !report.played_past(3.0),
        "played without entitlement: {report:?}"
    );
    assert!(report.failed_statuses().contains(&403), "{report:?}");
}

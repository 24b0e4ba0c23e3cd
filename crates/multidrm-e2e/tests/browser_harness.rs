//! The browser harness checked on its own: Chromium + Shaka Player play content Shaka Packager
//! encrypted, with the license from the site's in-test ClearKey endpoint (bearer JWT checked).
//! `browser_stack.rs` runs the same harness through `multidrm sandbox` and `multidrm serve`.
//!
//! Needs ffmpeg, Shaka Packager, Shaka Player, Chromium and chromedriver (see
//! `multidrm_e2e::tools`); under `CI` a missing one fails the test, elsewhere it is skipped.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use multidrm_e2e::browser::{Browser, Chromedriver, Report};
use multidrm_e2e::media::{self, ContentKey, MANIFEST};
use multidrm_e2e::site::{InTestLicense, Playback, Site};
use multidrm_e2e::tools::{self, Tools};
use multidrm_e2e::{ScratchDir, jwt};

/// One browser at a time: two Chromiums on a 2-core machine only slow each other down.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const JWT_SECRET: &str = "e2e-viewer-jwt-secret-0123456789abcdef";
const VIEWER: &str = "alice";
/// How long a failing case is watched before it counts as "did not play".
const FAILURE_WATCH: Duration = Duration::from_secs(12);
/// The overall deadline for a case that must play.
const PLAY_DEADLINE: Duration = Duration::from_secs(40);

/// The W3C ClearKey example pair (EME spec, `clearkey_w3c.json` of the license vectors).
fn held_key() -> ContentKey {
    ContentKey {
        kid_hex: "2f05477fc24bb4faefd86517156daffc".into(),
        key_hex: "b50d1b25559be9bd0a3cbe8ab59232fc".into(),
    }
}

/// A key the license endpoint never hands out.
fn unknown_key() -> ContentKey {
    ContentKey {
        kid_hex: "d0376d53da1df818792f7c5bbf45dffc".into(),
        key_hex: "00112233445566778899aabbccddeeff".into(),
    }
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

/// The media folder: `held/` packaged with [`held_key`], `unknown/` with [`unknown_key`];
/// made once per test process.
fn media(tools: &Tools) -> &'static PathBuf {
    static MEDIA: OnceLock<(ScratchDir, PathBuf)> = OnceLock::new();
    &MEDIA
        .get_or_init(|| {
            let dir = ScratchDir::new("media").expect("scratch folder");
            let clip = media::make_clip(&tools.ffmpeg, dir.path()).expect("clip");
            let root = dir.path().join("site");
            media::package(&tools.packager, &clip, &root.join("held"), &[held_key()])
                .expect("package with the held key");
            media::package(
                &tools.packager,
                &clip,
                &root.join("unknown"),
                &[unknown_key()],
            )
            .expect("package with the unknown key");
            (dir, root)
        })
        .1
}

/// A site, a chromedriver and a browser, in the order they must stop.
struct Session {
    browser: Browser,
    _driver: Chromedriver,
    _site: Site,
}

/// Plays `title` (`held` or `unknown`) with `jwt` through the in-test license endpoint.
async fn play(tools: &Tools, title: &str, jwt: &str, must_play: bool) -> (Report, Session) {
    let site = Site::start(
        &tools.shaka_player_dir,
        media(tools),
        Some(InTestLicense {
            jwt_secret: JWT_SECRET.into(),
            entitled_users: vec![VIEWER.into()],
            keys: vec![held_key()],
        }),
    )
    .await
    .expect("site");
    let driver = Chromedriver::start(&tools.chromedriver).expect("chromedriver");
    let browser = Browser::open(&driver, &tools.chromium)
        .await
        .expect("browser");
    let manifest = site.media_url(&format!("{title}/{MANIFEST}"));
    let license = site.license_url();
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
    let session = Session {
        browser,
        _driver: driver,
        _site: site,
    };
    (report, session)
}

#[tokio::test]
async fn harness_plays_past_three_seconds_with_the_in_test_license() {
    let Some(tools) = tools::require("harness_plays_past_three_seconds") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let token = jwt::hs256(JWT_SECRET, VIEWER, 300).unwrap();
    let (report, session) = play(&tools, "held", &token, true).await;
    let shot = session
        .browser
        .screenshot(&output_dir().join("harness-playing.png"))
        .await
        .unwrap();
    session.browser.close().await;
    assert!(report.played_past(3.0), "did not play: {report:?}");
    assert_eq!(report.license_statuses, vec![200], "{report:?}");
    eprintln!("screenshot: {}", shot.display());
}

#[tokio::test]
async fn harness_wrong_jwt_gets_401_and_does_not_play() {
    let Some(tools) = tools::require("harness_wrong_jwt_gets_401") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let token = jwt::hs256("not-the-viewer-secret-of-this-site", VIEWER, 300).unwrap();
    let (report, session) = play(&tools, "held", &token, false).await;
    session.browser.close().await;
    assert!(
        !report.played_past(3.0),
        "played with a wrong JWT: {report:?}"
    );
    assert!(report.failed_statuses().contains(&401), "{report:?}");
    eprintln!("wrong JWT: {report:?}");
}

#[tokio::test]
async fn harness_non_entitled_user_gets_403_and_does_not_play() {
    let Some(tools) = tools::require("harness_non_entitled_user_gets_403") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let token = jwt::hs256(JWT_SECRET, "mallory", 300).unwrap();
    let (report, session) = play(&tools, "held", &token, false).await;
    session.browser.close().await;
    assert!(
        !report.played_past(3.0),
        "played without entitlement: {report:?}"
    );
    assert!(report.failed_statuses().contains(&403), "{report:?}");
    eprintln!("not entitled: {report:?}");
}

#[tokio::test]
async fn harness_title_with_keys_the_server_lacks_does_not_play() {
    let Some(tools) = tools::require("harness_title_with_keys_the_server_lacks") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let token = jwt::hs256(JWT_SECRET, VIEWER, 300).unwrap();
    let (report, session) = play(&tools, "unknown", &token, false).await;
    session.browser.close().await;
    assert!(
        !report.played_past(3.0),
        "played without its key: {report:?}"
    );
    assert!(report.current_time < 1.0, "{report:?}");
    eprintln!("unknown keys: {report:?}");
}

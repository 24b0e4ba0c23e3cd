//! `multidrm playground` in a real browser: its page plays the packaged title through the token
//! proxy (KMS key ids held by the CDM, past 3 s), and its "expired token" case gets 401 and
//! does not play. The playing page's screenshot is `target/e2e-output/playground.png`
//! (`docs/playground.png` is a copy of it).
//!
//! Needs the same tools as `browser_stack.rs`; under `CI` a missing one fails the test.

use std::path::PathBuf;
use std::time::Duration;

use multidrm_e2e::browser::{Browser, Chromedriver};
use multidrm_e2e::stack::{Announced, multidrm_bin};
use multidrm_e2e::tools;

/// One browser at a time.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn output_dir() -> PathBuf {
    std::env::var_os("MULTIDRM_E2E_OUTPUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
            tmp.parent().map(|t| t.join("e2e-output")).unwrap_or(tmp)
        })
}

/// The playground started with the tools `multidrm_e2e::tools` found, or `None` outside CI.
fn playground(test: &str) -> Option<(tools::Tools, Announced)> {
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
    let packager = tools.packager.to_string_lossy().into_owned();
    let player = tools.shaka_player_dir.to_string_lossy().into_owned();
    let process = Announced::start(
        &bin,
        &[
            "playground",
            "--packager",
            &packager,
            "--shaka-player",
            &player,
        ],
        None,
    )
    .expect("multidrm playground")
    .interrupted_on_drop();
    Some((tools, process))
}

#[tokio::test]
async fn the_playground_page_plays_through_the_proxy_and_shows_the_expired_case() {
    let Some((tools, process)) = playground("the_playground_page_plays") else {
        return;
    };
    let _one = ONE_BROWSER.lock().await;
    let url = process.field("playground").expect("playground URL");
    let driver = Chromedriver::start(&tools.chromedriver).expect("chromedriver");
    let browser = Browser::open(&driver, &tools.chromium)
        .await
        .expect("browser");

    let report = browser
        .play(&url, 3.0, Duration::from_secs(40))
        .await
        .expect("page");
    let shot = browser
        .screenshot(&output_dir().join("playground.png"))
        .await
        .expect("screenshot");
    assert!(report.played_past(3.0), "did not play: {report:?}");
    assert_eq!(report.license_statuses, vec![200], "{report:?}");
    assert_eq!(report.key_statuses.len(), 1, "{report:?}");
    assert!(
        report.key_statuses.values().all(|s| s == "usable"),
        "{report:?}"
    );
    eprintln!("screenshot: {}", shot.display());

    let expired = browser
        .play(&format!("{url}?case=expired"), 3.0, Duration::from_secs(12))
        .await
        .expect("page");
    browser
        .screenshot(&output_dir().join("playground-expired.png"))
        .await
        .expect("screenshot");
    browser.close().await;
    assert!(
        !expired.played_past(3.0),
        "played with an expired token: {expired:?}"
    );
    assert!(expired.failed_statuses().contains(&401), "{expired:?}");
}

//! Log lines quote and escape request values, so a crafted `VideoId` cannot forge fields.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use drm_entitlement::{SharedSecret, codes};
use support::*;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn log_values_are_quoted_and_escaped() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .init();
    let s = start(&config_toml("", "")).await;
    let forged = "x\" response_code=0 ALLOWED\nINFO forged=1";
    let req = player("alice", forged)
        .sign(&SharedSecret::new(SECRET))
        .unwrap();
    let ch = req.raw_challenge().unwrap().to_owned();
    let resp = post(&s.base(), "/tokenize", req.to_json_string()).await;
    assert_eq!(signed_code(&resp, &ch), codes::INVALID_FIELD);
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("entitlement request answered"))
        .unwrap_or_else(|| panic!("no request line in {text}"));
    assert!(
        line.contains(r#"video_id="x\" response_code=0 ALLOWED\nINFO forged=1""#),
        "{line}"
    );
    assert!(line.contains("response_code=1001"), "{line}");
    assert!(
        !text.lines().any(|l| l.starts_with("INFO forged")),
        "{text}"
    );
    assert!(!text.contains(SECRET));
}

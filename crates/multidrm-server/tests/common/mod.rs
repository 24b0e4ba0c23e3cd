//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

#[path = "../../../drm-entitlement/tests/common/redis_server.rs"]
mod redis_server;

#[allow(unused_imports)] // not every test binary starts a Redis server
pub use redis_server::RedisServer;

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("multidrm-server-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    pub fn write(&self, name: &str, content: &str) -> std::path::PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, content).expect("write temp file");
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// POSTs `chunks` chunks of `size` spaces with `Transfer-Encoding: chunked` (no Content-Length)
/// over a raw socket; returns the status and body of the answer.
pub async fn raw_chunked_post(
    addr: std::net::SocketAddr,
    path: &str,
    chunks: usize,
    size: usize,
) -> (u16, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.expect("write");
    let chunk = format!("{size:x}\r\n{}\r\n", " ".repeat(size));
    for _ in 0..chunks {
        // The server may answer and close before everything is sent.
        if s.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out);
    let status: u16 = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let start = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers")
        + 4;
    (status, out[start..].to_vec())
}

/// Checks with `drm_token::inspect` that `token` is an acceptable DoveRunner license token for
/// `user`, `cid` and `drm_type`: minted with the tests' site credentials (policy decrypts with
/// the site key and is valid, hash matches with the access key, timestamp within 600 s).
pub fn assert_license_token(token: &str, user: &str, cid: &str, drm_type: &str) {
    let site_key = drm_token::SiteKey::new(SITE_KEY).expect("site key");
    let access_key = drm_token::AccessKey::new(ACCESS_KEY).expect("access key");
    let options = drm_token::InspectOptions::new(drm_token::Timestamp::now())
        .site_key(&site_key)
        .access_key(&access_key);
    let report = drm_token::inspect(token, &options).expect("a license token");
    assert!(report.is_acceptable(), "{report:#?}");
    let f = &report.fields;
    assert_eq!(f.user_id.as_deref(), Some(user));
    assert_eq!(f.cid.as_deref(), Some(cid));
    assert_eq!(f.drm_type.as_deref(), Some(drm_type));
    assert_eq!(f.site_id.as_deref(), Some(SITE_ID));
    let policy = report.policy.as_ref().expect("policy checked");
    assert!(
        policy.decrypted && policy.violations.is_empty(),
        "{policy:?}"
    );
}

/// The tests' DoveRunner site (the public tutorial values).
pub const SITE_ID: &str = "TUTO";
/// Site key.
pub const SITE_KEY: &str = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC";
/// Access key.
pub const ACCESS_KEY: &str = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20";

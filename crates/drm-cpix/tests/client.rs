//! The KMS client against a scripted loopback HTTP server: request form, key-rotation query,
//! KMS (JSON) errors, HTTP errors, bounded retries on transport failures only, timeouts, body
//! limit, and the token never showing in errors.
#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use drm_cpix::client::{ClientError, KmsClient, KmsToken};
use drm_cpix::{CpixRequest, DrmSystem};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "c2VjcmV0LXRva2Vu+/=";
const RESPONSE_01: &str =
    include_str!("data/samples/constructed/01_readme_demotest_single_key.response.xml");

/// What the scripted server does with one connection.
#[derive(Clone)]
enum Reply {
    /// Answer with this status and body.
    Http(u16, String),
    /// Close the connection without answering.
    Drop,
    /// Read the request and never answer.
    Hang,
    /// Announce a huge body.
    Huge,
    /// Announce a body, then send one byte of it every 1.5 s.
    Drip,
}

#[derive(Debug, Clone)]
struct Seen {
    request_line: String,
    headers: Vec<String>,
    body: String,
}

struct Server {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap().to_owned();
    let headers: Vec<String> = lines.filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let len: usize = headers
        .iter()
        .find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    Some(Seen {
        request_line,
        headers,
        body: String::from_utf8_lossy(&buf[head_end..]).into_owned(),
    })
}

/// Serves the replies in order (the last one repeats).
async fn serve(replies: Vec<Reply>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    tokio::spawn(async move {
        let mut i = 0usize;
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let reply = replies[i.min(replies.len() - 1)].clone();
            i += 1;
            let seen = seen2.clone();
            tokio::spawn(async move {
                let Some(req) = read_request(&mut sock).await else {
                    return;
                };
                seen.lock().unwrap().push(req);
                match reply {
                    Reply::Http(status, body) => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.write_all(body.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                    Reply::Drop => drop(sock),
                    Reply::Hang => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                    }
                    Reply::Huge => {
                        let _ = sock
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n<x")
                            .await;
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                    Reply::Drip => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
                        let _ = sock.write_all(head.as_bytes()).await;
                        for _ in 0..1000 {
                            tokio::time::sleep(Duration::from_millis(1500)).await;
                            if sock.write_all(b"<").await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    Server {
        url: format!("http://{addr}/v2/cpix/doverunner/getKey/"),
        seen,
    }
}

fn client(url: &str) -> KmsClient {
    KmsClient::builder()
        .base_url(url)
        .retry_backoff(Duration::from_millis(10))
        .read_timeout(Duration::from_millis(500))
        .build(TOKEN.parse::<KmsToken>().unwrap())
        .unwrap()
}

fn request(period: u32) -> CpixRequest {
    CpixRequest::builder("demotest".parse().unwrap())
        .drm_systems([
            DrmSystem::Widevine,
            DrmSystem::PlayReady,
            DrmSystem::FairPlay,
        ])
        .period_index(period)
        .build()
        .unwrap()
}

fn assert_no_token(e: &ClientError) {
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("c2VjcmV0LXRva2Vu"), "token leaked: {text}");
    }
}

#[tokio::test]
async fn posts_xml_with_the_token_in_the_path() {
    let server = serve(vec![Reply::Http(200, RESPONSE_01.to_owned())]).await;
    let req = request(0);
    let response = client(&server.url).get_keys(&req).await.unwrap();
    assert_eq!(response.keys().len(), 1);
    assert_eq!(
        response.keys()[0].request_key_id,
        Some(req.keys()[0].key_id)
    );
    let seen = server.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].request_line,
        format!("POST /v2/cpix/doverunner/getKey/{TOKEN} HTTP/1.1")
    );
    assert!(
        seen[0]
            .headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("content-type: application/xml"))
    );
    assert_eq!(seen[0].body, req.to_xml());
}

#[tokio::test]
async fn key_rotation_adds_the_query() {
    let server = serve(vec![Reply::Http(500, "boom".into())]).await;
    let _ = client(&server.url).get_keys(&request(5)).await;
    let seen = server.seen.lock().unwrap();
    assert!(
        seen[0]
            .request_line
            .contains(&format!("getKey/{TOKEN}?key-rotation=true HTTP/1.1"))
    );
}

#[tokio::test]
async fn a_json_body_is_a_kms_error_on_any_status() {
    for status in [200, 401] {
        let body = format!(r#"{{"errorCode":"4001","message":"bad token {TOKEN}"}}"#);
        let server = serve(vec![Reply::Http(status, body)]).await;
        let err = client(&server.url).get_keys(&request(0)).await.unwrap_err();
        match &err {
            ClientError::Kms {
                status: s,
                error_code,
                message,
                raw_body,
            } => {
                assert_eq!(*s, status);
                assert_eq!(error_code.as_deref(), Some("4001"));
                assert_eq!(message.as_deref(), Some("bad token [redacted]"));
                assert!(raw_body.contains("\"errorCode\":\"4001\""));
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("4001"));
        assert_no_token(&err);
        assert_eq!(server.seen.lock().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn an_http_error_keeps_status_and_body_and_is_not_retried() {
    let server = serve(vec![Reply::Http(503, "<html>busy</html>".into())]).await;
    let err = client(&server.url).get_keys(&request(0)).await.unwrap_err();
    assert_eq!(
        err,
        ClientError::Http {
            status: 503,
            body: "<html>busy</html>".into()
        }
    );
    assert_eq!(server.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn transport_failures_are_retried_then_succeed() {
    let server = serve(vec![
        Reply::Drop,
        Reply::Drop,
        Reply::Http(200, RESPONSE_01.to_owned()),
    ])
    .await;
    let response = client(&server.url).get_keys(&request(0)).await.unwrap();
    assert_eq!(response.content_id(), "demotest");
    assert_eq!(server.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn retries_are_bounded() {
    let server = serve(vec![Reply::Drop]).await;
    let err = client(&server.url).get_keys(&request(0)).await.unwrap_err();
    match &err {
        ClientError::Transport(t) => assert_eq!(t.attempts(), 3),
        other => panic!("{other:?}"),
    }
    assert_no_token(&err);
    assert_eq!(server.seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_without_the_url() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = KmsClient::builder()
        .base_url(format!("http://{addr}/v2/cpix/doverunner/getKey/"))
        .max_retries(1)
        .retry_backoff(Duration::from_millis(1))
        .build(TOKEN.parse().unwrap())
        .unwrap();
    let err = c.get_keys(&request(0)).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_no_token(&err);
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let server = serve(vec![Reply::Hang]).await;
    let c = KmsClient::builder()
        .base_url(&server.url)
        .read_timeout(Duration::from_millis(200))
        .max_retries(0)
        .build(TOKEN.parse().unwrap())
        .unwrap();
    let err = c.get_keys(&request(0)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_no_token(&err);
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let server = serve(vec![Reply::Huge]).await;
    let err = client(&server.url).get_keys(&request(0)).await.unwrap_err();
    assert!(matches!(err, ClientError::BodyTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn a_response_for_another_title_is_refused() {
    let server = serve(vec![Reply::Http(200, RESPONSE_01.to_owned())]).await;
    let req = CpixRequest::builder("other".parse().unwrap())
        .drm(DrmSystem::Widevine)
        .build()
        .unwrap();
    let err = client(&server.url).get_keys(&req).await.unwrap_err();
    assert!(matches!(err, ClientError::Response { .. }), "{err:?}");
}

#[tokio::test]
async fn json_escaped_and_percent_encoded_echoes_of_the_token_are_scrubbed() {
    let escaped = TOKEN.replace('/', "\\/");
    let encoded = TOKEN
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3d");
    let body = format!(
        r#"{{"errorCode":"4001","message":"bad token {escaped}","url":"/getKey/{encoded}"}}"#
    );
    let server = serve(vec![Reply::Http(401, body)]).await;
    let err = client(&server.url).get_keys(&request(0)).await.unwrap_err();
    match &err {
        ClientError::Kms {
            message, raw_body, ..
        } => {
            assert_eq!(message.as_deref(), Some("bad token [redacted]"));
            assert!(raw_body.contains("bad token [redacted]"), "{raw_body}");
            assert!(raw_body.contains("/getKey/[redacted]"), "{raw_body}");
            assert!(!raw_body.contains(&escaped) && !raw_body.contains(&encoded));
        }
        other => panic!("{other:?}"),
    }
    assert_no_token(&err);
}

#[tokio::test]
async fn a_drip_feeding_server_hits_the_whole_call_deadline() {
    let server = serve(vec![Reply::Drip]).await;
    let c = KmsClient::builder()
        .base_url(&server.url)
        .read_timeout(Duration::from_secs(2))
        .total_timeout(Duration::from_secs(3))
        .retry_backoff(Duration::from_millis(10))
        .build(TOKEN.parse().unwrap())
        .unwrap();
    let err = c.get_keys(&request(0)).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_no_token(&err);
}

//! drm-http against real loopback sockets: tokio `TcpListener` servers written here, speaking
//! HTTP/1.1 by hand so each test controls every byte (and every pause) the client sees.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use drm_http::{
    Attempt, HttpClient, Method, Request, Response, RetryPolicy, TransportError, TransportKind,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "TOKEN-SECRET-c2VjcmV0";

/// A loopback server: every connection is handed to `handler` (with the connection's number,
/// from 0) after its request head and body were read.
struct Server {
    port: u16,
    requests: Arc<AtomicU32>,
}

impl Server {
    async fn start<F, Fut>(handler: F) -> Self
    where
        F: Fn(u32, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicU32::new(0));
        let counter = requests.clone();
        let handler = Arc::new(handler);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let handler = handler.clone();
                let counter = counter.clone();
                tokio::spawn(async move {
                    if read_request(&mut stream).await {
                        let n = counter.fetch_add(1, Ordering::SeqCst);
                        handler(n, stream).await;
                    }
                });
            }
        });
        Self { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn secret_url(&self) -> String {
        self.url(&format!("/getKey/{TOKEN}?key-rotation=true"))
    }

    fn requests(&self) -> u32 {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request head plus a `Content-Length` body; false when the peer went away.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return true;
            }
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

async fn answer(mut stream: TcpStream, status: &str, headers: &str, body: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(text.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn client(deadline: Duration, limit: usize) -> HttpClient {
    HttpClient::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(2))
        .deadline(deadline)
        .body_limit(limit)
        .build()
        .unwrap()
}

fn assert_no_url(error: &TransportError, server: &Server) {
    let port = format!("127.0.0.1:{}", server.port);
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("getKey"), "path leaked: {text}");
        assert!(!text.contains(&port), "address leaked: {text}");
        assert!(!text.contains("http://"), "URL leaked: {text}");
    }
}

#[tokio::test]
async fn drip_feed_hits_the_overall_deadline() {
    let server = Server::start(|_, mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        // One byte every 1.5 s: never trips the 2 s read timeout.
        for _ in 0..1000 {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            if stream.write_all(b"x").await.is_err() {
                return;
            }
        }
    })
    .await;
    let http = client(Duration::from_secs(4), 1 << 20);
    let error = http
        .send(Request::get(server.secret_url()))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.message().contains("deadline"), "{error}");
    assert!(error.request_sent());
    assert_no_url(&error, &server);
}

#[tokio::test]
async fn a_request_deadline_overrides_the_client_one() {
    let server = Server::start(|_, stream| async move {
        tokio::time::sleep(Duration::from_secs(600)).await;
        drop(stream);
    })
    .await;
    let http = client(Duration::from_secs(600), 1 << 20);
    let error = http
        .send(Request::get(server.url("/slow")).deadline(Duration::from_millis(300)))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    let server = Server::start(|_, mut stream| async move {
        let head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = format!("{:x}\r\n{}\r\n", 100, "y".repeat(100));
        // Without a limit this would never end.
        while stream.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await;
    let http = client(Duration::from_secs(600), 1000);
    let error = http
        .send(Request::get(server.secret_url()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::BodyTooLarge, "{error:?}");
    assert_eq!(error.body_limit(), Some(1000));
    assert!(
        error.to_string().contains("body exceeds 1000 bytes"),
        "{error}"
    );
    assert_no_url(&error, &server);
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_accepted_one_more_byte_is_not() {
    let server = Server::start(|n, stream| async move {
        let body = if n == 0 {
            "z".repeat(64)
        } else {
            "z".repeat(65)
        };
        answer(stream, "200 OK", "", &body).await;
    })
    .await;
    let http = client(Duration::from_secs(600), 64);
    let ok = http.send(Request::get(server.url("/a"))).await.unwrap();
    assert_eq!(ok.body().len(), 64);
    let error = http.send(Request::get(server.url("/b"))).await.unwrap_err();
    assert!(error.is_body_too_large(), "{error:?}");
}

#[tokio::test]
async fn connect_refused_is_connect_and_never_sent() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let http = client(Duration::from_secs(600), 1 << 20);
    let url = format!("http://127.0.0.1:{port}/getKey/{TOKEN}");
    let error = http.send(Request::post(url)).await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert!(!error.is_timeout());
    assert!(!error.request_sent());
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains(&format!(":{port}")), "{text}");
    }
}

#[tokio::test]
async fn a_connection_dropped_after_the_request_counts_as_sent() {
    let server = Server::start(|_, stream| async move { drop(stream) }).await;
    let http = client(Duration::from_secs(600), 1 << 20);
    let error = http
        .send(Request::get(server.secret_url()))
        .await
        .unwrap_err();
    assert!(error.request_sent(), "{error:?}");
    assert!(!error.is_connect());
    assert_no_url(&error, &server);
}

#[tokio::test]
async fn malformed_http_names_no_url() {
    let server = Server::start(|_, mut stream| async move {
        let _ = stream.write_all(b"NOT HTTP AT ALL\r\n\r\n").await;
    })
    .await;
    let http = client(Duration::from_secs(600), 1 << 20);
    let error = http
        .send(Request::get(server.secret_url()))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportKind::Other, "{error:?}");
    assert_no_url(&error, &server);
}

/// One attempt against `url`: 503 is retryable (with the server's `Retry-After`).
async fn attempt(http: &HttpClient, url: &str, n: u32) -> Attempt<Response, TransportError> {
    match http.send(Request::get(url)).await {
        Ok(r) if r.status() == 503 => Attempt::Retry {
            retry_after: r.retry_after(),
            error: TransportError::new(TransportKind::Other, "HTTP 503").with_attempts(n),
        },
        Ok(r) => Attempt::Done(Ok(r)),
        Err(e) => Attempt::Done(Err(e.with_attempts(n))),
    }
}

#[tokio::test]
async fn retry_calls_the_closure_for_every_attempt() {
    let server = Server::start(|n, stream| async move {
        if n < 2 {
            answer(stream, "503 Service Unavailable", "", "busy").await;
        } else {
            answer(stream, "200 OK", "", "done").await;
        }
    })
    .await;
    let http = client(Duration::from_secs(600), 1 << 20);
    let url = server.url("/x");
    let calls = AtomicU32::new(0);
    let policy = RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    };
    let response = policy
        .run(|n| {
            calls.fetch_add(1, Ordering::SeqCst);
            let (http, url) = (&http, &url);
            async move { attempt(http, url, n).await }
        })
        .await
        .unwrap();
    assert_eq!(response.body(), b"done");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn retries_run_out_with_the_attempt_count() {
    let server = Server::start(|_, stream| async move {
        answer(stream, "503 Service Unavailable", "", "busy").await;
    })
    .await;
    let http = client(Duration::from_secs(600), 1 << 20);
    let url = server.url("/x");
    let policy = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    };
    let error = policy
        .run(|n| {
            let (http, url) = (&http, &url);
            async move { attempt(http, url, n).await }
        })
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_long_retry_after_is_capped() {
    // An hour-long Retry-After: without the cap this test would not end.
    let server = Server::start(|n, stream| async move {
        if n == 0 {
            answer(
                stream,
                "503 Service Unavailable",
                "retry-after: 3600\r\n",
                "",
            )
            .await;
        } else {
            answer(stream, "200 OK", "", "ok").await;
        }
    })
    .await;
    let http = client(Duration::from_secs(600), 1 << 20);
    let url = server.url("/x");
    let policy = RetryPolicy {
        max_retries: 1,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(20),
    };
    let response = http
        .within_deadline(policy.run(|n| {
            let (http, url) = (&http, &url);
            async move { attempt(http, url, n).await }
        }))
        .await
        .unwrap();
    assert_eq!(response.body(), b"ok");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn the_deadline_covers_a_whole_retry_loop() {
    let server = Server::start(|_, stream| async move {
        answer(stream, "503 Service Unavailable", "retry-after: 1\r\n", "").await;
    })
    .await;
    let http = client(Duration::from_millis(1500), 1 << 20);
    let url = server.url("/x");
    let policy = RetryPolicy {
        max_retries: 1000,
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(1),
    };
    let error = http
        .within_deadline(policy.run(|n| {
            let (http, url) = (&http, &url);
            async move { attempt(http, url, n).await }
        }))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let server = Server::start(|n, stream| async move {
        if n == 0 {
            answer(stream, "302 Found", "location: /elsewhere\r\n", "").await;
        } else {
            answer(stream, "200 OK", "", "followed").await;
        }
    })
    .await;
    let http = client(Duration::from_secs(600), 1 << 20);
    let response = http.send(Request::get(server.secret_url())).await.unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.header("Location"), Some("/elsewhere"));
    let error = response.redirect_error().unwrap();
    assert_eq!(error.kind(), TransportKind::Redirect);
    assert!(!error.to_string().contains("elsewhere"));
    assert_eq!(server.requests(), 1, "the redirect was not followed");
}

#[tokio::test]
async fn method_headers_and_body_reach_the_server() {
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    let tx = Arc::new(std::sync::Mutex::new(Some(tx)));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 1024];
        while !data.ends_with(b"hello") {
            let n = stream.read(&mut buf).await.unwrap();
            data.extend_from_slice(&buf[..n]);
        }
        if let Some(tx) = tx.lock().unwrap().take() {
            let _ = tx.send(String::from_utf8_lossy(&data).into_owned());
        }
        answer(stream, "201 Created", "x-answer: yes\r\n", "made").await;
    });
    let http = client(Duration::from_secs(600), 1 << 20);
    let request = Request::new(Method::Put, format!("http://127.0.0.1:{port}/thing"))
        .header("content-type", "text/plain")
        .sensitive_header("authorization", "Bearer abc")
        .body("hello");
    assert!(!format!("{request:?}").contains("abc"));
    assert!(!format!("{request:?}").contains("/thing"));
    let response = http.send(request).await.unwrap();
    let seen = rx.await.unwrap();
    assert!(seen.starts_with("PUT /thing HTTP/1.1\r\n"), "{seen}");
    assert!(seen.contains("authorization: Bearer abc\r\n"), "{seen}");
    assert!(seen.contains("content-type: text/plain\r\n"), "{seen}");
    assert_eq!(response.status(), 201);
    assert!(response.is_success());
    assert_eq!(response.header("X-Answer"), Some("yes"));
    assert_eq!(response.into_body(), b"made");
}

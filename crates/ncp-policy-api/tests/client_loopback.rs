//! The client against tiny hand-written HTTP servers on loopback: things the emulator does not
//! do (redirects, oversized bodies, a base path in the endpoint).
#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, missing_docs)]

use std::sync::{Arc, Mutex};

use ncp_policy_api::signature::{self, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use ncp_policy_api::{AccessKey, Client, Error, RetryPolicy, SecretKey, TransportKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server saw: request line and headers of each request.
type Seen = Arc<Mutex<Vec<String>>>;

/// Serves `response` (raw HTTP) to every connection; returns the base URL and the requests.
async fn serve(response: Vec<u8>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let response = response.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = socket.write_all(&response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

fn response(status: &str, extra_headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn client(endpoint: &str) -> Client {
    Client::builder(AccessKey::new("ak"), SecretKey::new("sk"))
        .endpoint(endpoint)
        .retry_policy(RetryPolicy::NONE)
        .build()
        .unwrap()
}

fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
        .unwrap()
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let (url, seen) = serve(response(
        "302 Found",
        "Location: http://127.0.0.1:9/elsewhere\r\n",
        "",
    ))
    .await;
    let err = client(&url).get_policy(0).await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportKind::Redirect),
        "{err:?}"
    );
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = format!("{{\"content\":\"{}\"}}", "x".repeat(4096));
    let (url, _) = serve(response("200 OK", "", &big)).await;
    let c = Client::builder(AccessKey::new("ak"), SecretKey::new("sk"))
        .endpoint(&url)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = c.get_policy(0).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_base_path_is_part_of_the_signed_target() {
    let (url, seen) = serve(response(
        "200 OK",
        "",
        r#"{"success":true,"content":{"policyId":0,"policyName":"Basic"}}"#,
    ))
    .await;
    let policy = client(&format!("{url}/gateway/"))
        .get_policy(0)
        .await
        .unwrap();
    assert_eq!(policy.policy_name.as_deref(), Some("Basic"));
    let head = seen.lock().unwrap()[0].clone();
    assert!(
        head.starts_with("GET /gateway/api/v1/policy/0 HTTP/1.1\r\n"),
        "{head}"
    );
    let ts: u64 = header(&head, HEADER_TIMESTAMP).parse().unwrap();
    assert!(signature::verify(
        "GET",
        "/gateway/api/v1/policy/0",
        ts,
        &AccessKey::new("ak"),
        &SecretKey::new("sk"),
        header(&head, HEADER_SIGNATURE),
    ));
    assert_eq!(header(&head, "x-ncp-region_code"), "KR");
    assert_eq!(header(&head, "content-type"), "application/json");
    assert!(!head.contains("sk\r\n"), "the secret key never travels");
}

#[tokio::test]
async fn a_gateway_error_with_status_200_is_still_an_error() {
    let (url, _) = serve(response(
        "200 OK",
        "",
        r#"{"error":{"errorCode":"210","message":"Permission Denied"}}"#,
    ))
    .await;
    let err = client(&url)
        .list_sites(Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Gateway { error_code, status: 200, .. } if error_code == "210"),
        "{err:?}"
    );
}

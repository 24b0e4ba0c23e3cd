//! `multidrm ncp policy list --timeout 2` against a loopback server that drip-feeds its answer
//! (one byte every 1.5 s, so the read timeout never trips): the call ends at its deadline with
//! a timeout (exit status 3), however long the server would go on.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Serves every connection: reads the request head, announces a large body, then sends one
/// byte of it every 1.5 s until the client goes away.
fn drip_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if stream.read(&mut byte).unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{";
                if stream.write_all(answer.as_bytes()).is_err() {
                    return;
                }
                loop {
                    std::thread::sleep(Duration::from_millis(1500));
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn policy_list_against_a_drip_feeding_server_ends_at_its_deadline() {
    let port = drip_server();
    let out = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .env_remove("NCP_ACCESS_KEY")
        .env_remove("NCP_SECRET_KEY")
        .env_remove("NCP_ENDPOINT")
        .args([
            "ncp",
            "policy",
            "list",
            "--endpoint",
            &format!("http://127.0.0.1:{port}"),
            "--access-key",
            "ak",
            "--secret-key",
            "sk-never-shown",
            "--read-timeout",
            "2",
            "--timeout",
            "2",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "stderr: {stderr}");
    assert!(stderr.contains("timed out"), "{stderr}");
    assert!(stderr.contains("deadline"), "{stderr}");
    assert!(!stderr.contains("sk-never-shown"), "{stderr}");
}

/// Serves `GET /api/v1/policy?pageNo=N&pageSize=2` from five policies, two per page.
fn paged_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if stream.read(&mut byte).unwrap_or(0) == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let page: u64 = head
                .split("pageNo=")
                .nth(1)
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let items: Vec<String> = ((page - 1) * 2 + 1..=(page * 2).min(5))
                .map(|id| {
                    format!(r#"{{"policyId":{id},"policyName":"p{id}","policyStatus":"READY"}}"#)
                })
                .collect();
            let body = format!(
                r#"{{"success":true,"total":5,"content":[{}]}}"#,
                items.join(",")
            );
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    port
}

#[test]
fn policy_list_streams_every_page_into_one_document() {
    let port = paged_server();
    let out = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .env_remove("NCP_ACCESS_KEY")
        .env_remove("NCP_SECRET_KEY")
        .env_remove("NCP_ENDPOINT")
        .args([
            "ncp",
            "policy",
            "list",
            "--page-size",
            "2",
            "--endpoint",
            &format!("http://127.0.0.1:{port}"),
            "--access-key",
            "ak",
            "--secret-key",
            "sk-never-shown",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stderr: {stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["total"], 5);
    let ids: Vec<i64> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["policyId"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}

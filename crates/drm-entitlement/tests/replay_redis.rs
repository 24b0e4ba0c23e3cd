//! The Redis replay store against a real `redis-server` on loopback.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use drm_entitlement::replay::{Freshness, RedisReplayGuard, ReplayError, ReplayGuard};

#[tokio::test]
async fn shared_between_two_guards_and_expires() {
    let Some(server) = common::RedisServer::start() else {
        return;
    };
    let a = RedisReplayGuard::new(&server.url(), Duration::from_millis(400)).unwrap();
    let b = RedisReplayGuard::new(&server.url(), Duration::from_millis(400)).unwrap();
    a.ping().await.unwrap();
    let now = SystemTime::now();
    let key = uuid::Uuid::new_v4().to_string();
    assert_eq!(a.check_and_record(&key, now).await, Ok(Freshness::Fresh));
    assert_eq!(b.check_and_record(&key, now).await, Ok(Freshness::Replayed));
    assert_eq!(a.check_and_record(&key, now).await, Ok(Freshness::Replayed));
    // Redis expires the key after the window (poll rather than assume a duration).
    let mut fresh_again = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if b.check_and_record(&key, now).await == Ok(Freshness::Fresh) {
            fresh_again = true;
            break;
        }
    }
    assert!(fresh_again, "the key never expired");
}

#[tokio::test]
async fn concurrent_uses_of_one_challenge_admit_exactly_one() {
    let Some(server) = common::RedisServer::start() else {
        return;
    };
    let guard = Arc::new(RedisReplayGuard::new(&server.url(), Duration::from_secs(60)).unwrap());
    let key = uuid::Uuid::new_v4().to_string();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let g = guard.clone();
        let k = key.clone();
        tasks.push(tokio::spawn(async move {
            g.check_and_record(&k, SystemTime::now()).await
        }));
    }
    let mut fresh = 0;
    for t in tasks {
        if t.await.unwrap() == Ok(Freshness::Fresh) {
            fresh += 1;
        }
    }
    assert_eq!(fresh, 1);
}

#[tokio::test]
async fn an_unreachable_store_fails_closed() {
    // A port nothing listens on (bound then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let guard = RedisReplayGuard::new(
        &format!("redis://127.0.0.1:{port}"),
        Duration::from_secs(60),
    )
    .unwrap()
    .with_timeout(Duration::from_secs(1));
    let err = guard
        .check_and_record("k", SystemTime::now())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        ReplayError::Unavailable { .. } | ReplayError::Timeout
    ));
    assert!(!format!("{guard:?}").contains(&port.to_string()));
}

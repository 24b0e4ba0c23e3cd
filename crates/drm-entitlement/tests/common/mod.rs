//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

mod redis_server;

#[allow(unused_imports)] // not every test binary starts a Redis server
pub use redis_server::RedisServer;

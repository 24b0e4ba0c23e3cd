//! A replay store in Redis, shared by every instance of a service.

use std::time::{Duration, SystemTime};

use redis::aio::MultiplexedConnection;

use super::{Freshness, ReplayError, ReplayFuture, ReplayGuard};

/// Default prefix of the Redis keys.
pub const DEFAULT_KEY_PREFIX: &str = "multidrm:entitlement:challenge:";

/// A [`ReplayGuard`] backed by Redis: `SET prefix+challenge 1 NX PX window`, atomic across
/// instances; expiry is handled by Redis (the `now` argument is not used). Any Redis failure or
/// a response slower than the timeout is an error, so the request is refused (fail closed).
pub struct RedisReplayGuard {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    window: Duration,
    timeout: Duration,
    prefix: String,
}

impl std::fmt::Debug for RedisReplayGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The connection info may hold a password: not printed.
        f.debug_struct("RedisReplayGuard")
            .field("window", &self.window)
            .field("timeout", &self.timeout)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn unavailable(e: &redis::RedisError) -> ReplayError {
    // The kind and category only: an error's text could echo connection details.
    ReplayError::Unavailable {
        reason: format!("{:?} ({})", e.kind(), e.category()),
    }
}

impl RedisReplayGuard {
    /// A guard for the Redis at `url` (`redis://[:password@]host:port[/db]`). The connection is
    /// opened lazily and re-opened after a failure.
    pub fn new(url: &str, window: Duration) -> Result<Self, ReplayError> {
        let client = redis::Client::open(url).map_err(|e| unavailable(&e))?;
        Ok(Self {
            client,
            connection: tokio::sync::Mutex::new(None),
            window,
            timeout: Duration::from_secs(2),
            prefix: DEFAULT_KEY_PREFIX.to_owned(),
        })
    }

    /// Sets the time allowed for connecting and for each command (default 2 s).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the key prefix (default [`DEFAULT_KEY_PREFIX`]).
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Opens the connection now and checks it with `PING`.
    pub async fn ping(&self) -> Result<(), ReplayError> {
        let mut conn = self.connection().await?;
        let ping = redis::cmd("PING");
        let fut = ping.query_async::<String>(&mut conn);
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => {
                self.forget_connection().await;
                Err(unavailable(&e))
            }
            Err(_) => Err(ReplayError::Timeout),
        }
    }

    async fn connection(&self) -> Result<MultiplexedConnection, ReplayError> {
        let mut slot = self.connection.lock().await;
        if let Some(conn) = slot.as_ref() {
            return Ok(conn.clone());
        }
        let fut = self.client.get_multiplexed_async_connection();
        let conn = match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => return Err(unavailable(&e)),
            Err(_) => return Err(ReplayError::Timeout),
        };
        *slot = Some(conn.clone());
        Ok(conn)
    }

    async fn forget_connection(&self) {
        *self.connection.lock().await = None;
    }

    async fn record(&self, key: &str) -> Result<Freshness, ReplayError> {
        let mut conn = self.connection().await?;
        let millis = u64::try_from(self.window.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut cmd = redis::cmd("SET");
        cmd.arg(format!("{}{key}", self.prefix))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(millis);
        let fut = cmd.query_async::<Option<String>>(&mut conn);
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(Some(_))) => Ok(Freshness::Fresh),
            Ok(Ok(None)) => Ok(Freshness::Replayed),
            Ok(Err(e)) => {
                self.forget_connection().await;
                Err(unavailable(&e))
            }
            Err(_) => {
                self.forget_connection().await;
                Err(ReplayError::Timeout)
            }
        }
    }
}

impl ReplayGuard for RedisReplayGuard {
    fn check_and_record<'a>(&'a self, key: &'a str, _now: SystemTime) -> ReplayFuture<'a> {
        Box::pin(self.record(key))
    }
}

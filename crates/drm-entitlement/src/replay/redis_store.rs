//! A replay store in Redis, shared by every instance of a service.

use std::time::{Duration, SystemTime};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Freshness, ReadyFuture, ReplayError, ReplayFuture, ReplayGuard};

/// Default prefix of the Redis keys.
pub const DEFAULT_KEY_PREFIX: &str = "multidrm:entitlement:challenge:";

/// Default time allowed for connecting and for each command.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// A [`ReplayGuard`] backed by Redis: `SET prefix+challenge 1 NX PX window`, atomic across
/// instances; expiry is handled by Redis (the `now` argument is not used).
///
/// Commands go through one multiplexed connection ([`redis::aio::ConnectionManager`]): concurrent
/// requests are pipelined on it instead of queueing behind a lock, and it reconnects by itself
/// after a failure. Every command has a deadline. Any Redis failure or a response slower than the
/// timeout is an error, so the request is refused (fail closed). `rediss://` URLs use TLS
/// (rustls, with the platform's and the Mozilla root certificates).
pub struct RedisReplayGuard {
    client: redis::Client,
    connection: tokio::sync::OnceCell<ConnectionManager>,
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
    /// A guard for the Redis at `url` (`redis://[:password@]host:port[/db]`, or `rediss://…`
    /// for TLS). The connection is opened on first use; once open it reconnects by itself.
    pub fn new(url: &str, window: Duration) -> Result<Self, ReplayError> {
        let client = redis::Client::open(url).map_err(|e| unavailable(&e))?;
        Ok(Self {
            client,
            connection: tokio::sync::OnceCell::new(),
            window,
            timeout: DEFAULT_TIMEOUT,
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

    /// Opens the connection if needed and checks it with `PING`.
    pub async fn ping(&self) -> Result<(), ReplayError> {
        let mut conn = self.connection().await?;
        let ping = redis::cmd("PING");
        self.bounded(ping.query_async::<String>(&mut conn))
            .await
            .map(drop)
    }

    async fn connection(&self) -> Result<ConnectionManager, ReplayError> {
        let open = || async {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(self.timeout)
                .set_response_timeout(self.timeout)
                .set_number_of_retries(1)
                .set_max_delay(1000);
            let fut = self.client.get_connection_manager_with_config(config);
            match tokio::time::timeout(self.timeout, fut).await {
                Ok(Ok(conn)) => Ok(conn),
                Ok(Err(e)) => Err(unavailable(&e)),
                Err(_) => Err(ReplayError::Timeout),
            }
        };
        self.connection.get_or_try_init(open).await.cloned()
    }

    /// Runs a command future under the timeout.
    async fn bounded<T>(
        &self,
        fut: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, ReplayError> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) if e.is_timeout() => Err(ReplayError::Timeout),
            Ok(Err(e)) => Err(unavailable(&e)),
            Err(_) => Err(ReplayError::Timeout),
        }
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
        match self
            .bounded(cmd.query_async::<Option<String>>(&mut conn))
            .await?
        {
            Some(_) => Ok(Freshness::Fresh),
            None => Ok(Freshness::Replayed),
        }
    }
}

impl ReplayGuard for RedisReplayGuard {
    fn check_and_record<'a>(&'a self, key: &'a str, _now: SystemTime) -> ReplayFuture<'a> {
        Box::pin(self.record(key))
    }

    fn check_ready(&self) -> ReadyFuture<'_> {
        Box::pin(self.ping())
    }
}

//! The retry policy: a closure is called once per attempt (so a signed API signs every attempt
//! afresh), with exponential back-off and the server's `Retry-After` honoured up to a cap.

use std::future::Future;
use std::time::Duration;

/// How failed calls are retried: up to `max_retries` more attempts, waiting `initial_backoff`
/// before the first retry and twice as long before each further one, a server's `Retry-After`
/// honoured when longer, and no single wait longer than `max_backoff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first one (0 disables retries).
    pub max_retries: u32,
    /// Delay before the first retry; doubled for each further retry.
    pub initial_backoff: Duration,
    /// Cap of any single delay, `Retry-After` included.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries.
    pub const NONE: Self = Self {
        max_retries: 0,
        initial_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
    };

    /// The delay before retry number `retry` (0-based), given the server's `Retry-After`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(16)));
        retry_after
            .unwrap_or(exponential)
            .max(exponential)
            .min(self.max_backoff)
    }

    /// Calls `attempt` with the attempt number (1, 2, …) until it returns
    /// [`Attempt::Done`] or the retries are used up, sleeping [`RetryPolicy::delay`] in
    /// between. After the last allowed attempt, a [`Attempt::Retry`] error is returned as is.
    ///
    /// # Errors
    /// The error of the last attempt.
    pub async fn run<T, E, F, Fut>(&self, mut attempt: F) -> Result<T, E>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Attempt<T, E>>,
    {
        let mut number = 1u32;
        loop {
            match attempt(number).await {
                Attempt::Done(result) => return result,
                Attempt::Retry { error, retry_after } => {
                    if number > self.max_retries {
                        return Err(error);
                    }
                    tokio::time::sleep(self.delay(number - 1, retry_after)).await;
                    number += 1;
                }
            }
        }
    }
}

impl Default for RetryPolicy {
    /// 2 retries, 200 ms then 400 ms, at most 5 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// What one attempt of a [`RetryPolicy::run`] produced.
#[derive(Debug)]
pub enum Attempt<T, E> {
    /// Final: returned as is (success, or an error not worth retrying).
    Done(Result<T, E>),
    /// A failure worth another attempt, if any is left.
    Retry {
        /// The error, returned when no attempt is left.
        error: E,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
}

impl<T, E> Attempt<T, E> {
    /// A retryable failure without `Retry-After`.
    pub fn retry(error: E) -> Self {
        Self::Retry {
            error,
            retry_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_retries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(500),
        };
        assert_eq!(policy.delay(0, None), Duration::from_millis(100));
        assert_eq!(policy.delay(1, None), Duration::from_millis(200));
        assert_eq!(policy.delay(3, None), Duration::from_millis(500));
        assert_eq!(
            policy.delay(0, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(60))),
            Duration::from_millis(500)
        );
    }
}

//! The fault switch: make the next calls fail or answer slowly, to test retries and timeouts.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::json;

/// A canned failure answered instead of the real response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultResponse {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type` of the body.
    pub content_type: String,
    /// The body, sent as is.
    pub body: String,
}

impl FaultResponse {
    /// 503 with a non-JSON (HTML) body, as a load balancer in front of the gateway answers.
    pub fn service_unavailable() -> Self {
        Self {
            status: 503,
            content_type: "text/html".to_owned(),
            body: "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"
                .to_owned(),
        }
    }

    /// 429 with the gateway's `Quota Exceeded` body (code `400`).
    pub fn quota_exceeded() -> Self {
        Self::json(
            429,
            &json!({"error": {"errorCode": "400", "message": "Quota Exceeded",
                              "details": "request quota exceeded"}}),
        )
    }

    /// 500 with the service's `EXCEPTION` body (code `280000`).
    pub fn internal_error() -> Self {
        Self::json(
            500,
            &json!({"error": {"code": "280000", "name": "EXCEPTION",
                              "message": "internal server error"}}),
        )
    }

    /// Any status with a JSON body.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self {
            status,
            content_type: "application/json".to_owned(),
            body: body.to_string(),
        }
    }
}

#[derive(Debug, Default)]
struct FaultState {
    failures: VecDeque<FaultResponse>,
    one_shot_delays: VecDeque<Duration>,
    delay: Option<Duration>,
}

/// Handle on the emulator's faults; cheap to clone, shared with the running server.
///
/// Faults apply to the next requests whatever they are, before any gateway check; each failed
/// request still appears in the request log.
#[derive(Debug, Clone, Default)]
pub struct FaultSwitch {
    state: Arc<Mutex<FaultState>>,
}

/// What to do with one request, decided when it arrives.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    pub(crate) failure: Option<FaultResponse>,
    pub(crate) delay: Option<Duration>,
}

impl FaultSwitch {
    fn with<R>(&self, action: impl FnOnce(&mut FaultState) -> R) -> R {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        action(&mut state)
    }

    /// Fails the next `count` requests with 503 (see [`FaultResponse::service_unavailable`]).
    pub fn fail_next(&self, count: usize) {
        self.fail_next_with(count, FaultResponse::service_unavailable());
    }

    /// Fails the next `count` requests with `response` (queued after pending failures).
    pub fn fail_next_with(&self, count: usize, response: FaultResponse) {
        self.with(|state| {
            state.failures.extend(std::iter::repeat_n(response, count));
        });
    }

    /// Delays every response by `delay` until [`clear_delay`](Self::clear_delay).
    pub fn set_delay(&self, delay: Duration) {
        self.with(|state| state.delay = Some(delay));
    }

    /// Delays only the next `count` responses by `delay` (on top of any standing delay).
    pub fn delay_next(&self, count: usize, delay: Duration) {
        self.with(|state| {
            state
                .one_shot_delays
                .extend(std::iter::repeat_n(delay, count))
        });
    }

    /// Removes the standing delay.
    pub fn clear_delay(&self) {
        self.with(|state| state.delay = None);
    }

    /// Removes every pending fault and delay.
    pub fn clear(&self) {
        self.with(|state| *state = FaultState::default());
    }

    /// How many queued failures are still to be served.
    pub fn pending_failures(&self) -> usize {
        self.with(|state| state.failures.len())
    }

    /// Takes what applies to the request that just arrived.
    pub(crate) fn next_plan(&self) -> FaultPlan {
        self.with(|state| {
            let one_shot = state.one_shot_delays.pop_front();
            let delay = match (state.delay, one_shot) {
                (Some(standing), Some(extra)) => Some(standing.saturating_add(extra)),
                (standing, extra) => standing.or(extra),
            };
            FaultPlan {
                failure: state.failures.pop_front(),
                delay,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_consumed_in_order() {
        let faults = FaultSwitch::default();
        faults.fail_next(1);
        faults.fail_next_with(1, FaultResponse::quota_exceeded());
        assert_eq!(faults.pending_failures(), 2);
        assert_eq!(faults.next_plan().failure.map(|f| f.status), Some(503));
        assert_eq!(faults.next_plan().failure.map(|f| f.status), Some(429));
        assert!(faults.next_plan().failure.is_none());
    }

    #[test]
    fn delays_add_up() {
        let faults = FaultSwitch::default();
        faults.set_delay(Duration::from_millis(10));
        faults.delay_next(1, Duration::from_millis(5));
        assert_eq!(faults.next_plan().delay, Some(Duration::from_millis(15)));
        assert_eq!(faults.next_plan().delay, Some(Duration::from_millis(10)));
        faults.clear_delay();
        assert_eq!(faults.next_plan().delay, None);
    }

    #[test]
    fn clear_resets_everything() {
        let faults = FaultSwitch::default();
        faults.fail_next(3);
        faults.set_delay(Duration::from_secs(1));
        faults.clear();
        let plan = faults.next_plan();
        assert!(plan.failure.is_none() && plan.delay.is_none());
    }

    #[test]
    fn canned_bodies() {
        let quota: serde_json::Value =
            serde_json::from_str(&FaultResponse::quota_exceeded().body).expect("json");
        assert_eq!(quota["error"]["errorCode"], "400");
        let internal: serde_json::Value =
            serde_json::from_str(&FaultResponse::internal_error().body).expect("json");
        assert_eq!(internal["error"]["code"], "280000");
        assert!(
            serde_json::from_str::<serde_json::Value>(&FaultResponse::service_unavailable().body)
                .is_err()
        );
    }
}

//! The log of requests the emulator received, so tests can see what a client sent (for example
//! that a retry was signed again with a fresh timestamp).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

/// Most requests kept; older ones are dropped first.
const MAX_REQUESTS: usize = 10_000;

/// One request as received, with the status it was answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, as received.
    pub method: String,
    /// The request target (path and query) exactly as received.
    pub target: String,
    /// `x-ncp-apigw-timestamp`, if sent.
    pub timestamp: Option<String>,
    /// `x-ncp-iam-access-key`, if sent.
    pub access_key: Option<String>,
    /// `x-ncp-apigw-signature-v2`, if sent.
    pub signature: Option<String>,
    /// `x-ncp-region_code`, if sent.
    pub region_code: Option<String>,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// The HTTP status of the answer.
    pub status: u16,
    /// Whether the answer came from the fault switch.
    pub faulted: bool,
}

/// The shared, bounded log.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestLog {
    entries: Arc<Mutex<VecDeque<RecordedRequest>>>,
}

impl RequestLog {
    pub(crate) fn push(&self, request: RecordedRequest) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_REQUESTS {
            entries.pop_front();
        }
        entries.push_back(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(status: u16) -> RecordedRequest {
        RecordedRequest {
            method: "GET".to_owned(),
            target: "/api/v1/policy".to_owned(),
            timestamp: None,
            access_key: None,
            signature: None,
            region_code: None,
            content_type: None,
            status,
            faulted: false,
        }
    }

    #[test]
    fn bounded_and_ordered() {
        let log = RequestLog::default();
        for status in 0..(MAX_REQUESTS as u16 + 2) {
            log.push(request(status));
        }
        let entries = log.snapshot();
        assert_eq!(entries.len(), MAX_REQUESTS);
        assert_eq!(entries[0].status, 2);
        log.clear();
        assert!(log.snapshot().is_empty());
    }
}

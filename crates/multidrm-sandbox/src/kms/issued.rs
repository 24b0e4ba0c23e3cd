//! The keys the KMS emulator actually handed out, per content id: what the license emulator's
//! ClearKey endpoint may return. A content id the KMS never answered for has no keys, even
//! though derivation would give it some.

use std::collections::{BTreeMap, VecDeque};

use super::derive::DerivedKey;

/// Most content ids remembered; the oldest is forgotten first.
pub const MAX_ISSUED_CONTENT_IDS: usize = 10_000;

/// Most keys remembered per content id (key rotation adds one per period).
pub const MAX_KEYS_PER_CONTENT_ID: usize = 4_096;

/// Issued keys by content id, bounded.
#[derive(Debug, Default)]
pub(crate) struct IssuedKeys {
    by_cid: BTreeMap<String, Vec<DerivedKey>>,
    order: VecDeque<String>,
}

impl IssuedKeys {
    /// Records the keys of one successful answer (duplicates by KID are ignored).
    pub(crate) fn record(&mut self, content_id: &str, keys: &[DerivedKey]) {
        if !self.by_cid.contains_key(content_id) {
            if self.order.len() >= MAX_ISSUED_CONTENT_IDS {
                if let Some(oldest) = self.order.pop_front() {
                    self.by_cid.remove(&oldest);
                }
            }
            self.order.push_back(content_id.to_owned());
        }
        let known = self.by_cid.entry(content_id.to_owned()).or_default();
        for key in keys {
            if known.len() >= MAX_KEYS_PER_CONTENT_ID {
                break;
            }
            if !known.iter().any(|k| k.key_id == key.key_id) {
                known.push(key.clone());
            }
        }
    }

    /// The keys issued for a content id, in issue order (empty if none).
    pub(crate) fn get(&self, content_id: &str) -> Vec<DerivedKey> {
        self.by_cid.get(content_id).cloned().unwrap_or_default()
    }

    /// Forgets everything.
    pub(crate) fn clear(&mut self) {
        self.by_cid.clear();
        self.order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kms::derive::derive;

    #[test]
    fn records_deduplicates_and_forgets_the_oldest() {
        let mut issued = IssuedKeys::default();
        let a = derive(b"s", "a", "HD", None);
        issued.record("a", &[a.clone(), a.clone()]);
        assert_eq!(issued.get("a"), vec![a]);
        assert!(issued.get("b").is_empty());
        for i in 0..MAX_ISSUED_CONTENT_IDS {
            issued.record(&format!("c{i}"), &[derive(b"s", "c", "HD", None)]);
        }
        assert!(issued.get("a").is_empty(), "oldest forgotten");
        assert_eq!(issued.get("c1").len(), 1);
    }
}

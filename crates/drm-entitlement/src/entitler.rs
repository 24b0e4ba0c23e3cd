//! Entitlement decisions: may this user play this video?
//!
//! [`RuleSet`] is the configuration-driven default; implement [`Entitler`] for anything else
//! (a subscription database, a geo check…). The same decision serves DIVA tokenize and heartbeat
//! calls and the plain token endpoint.

use std::future::Future;
use std::pin::Pin;

use crate::codes;

/// Which call asks for the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// A DIVA tokenize (`Type` 1) request.
    Tokenize,
    /// A DIVA heartbeat (`Type` 2) request.
    Heartbeat,
    /// The plain token endpoint (`GET /api/drm/token`).
    TokenEndpoint,
    /// The license proxy (`POST /drm/{drm}`), before the challenge is forwarded.
    LicenseProxy,
    /// The license proxy after the license server answered `json` with `device_info`:
    /// [`EntitlementQuery::device_id`] is set, so device limits can be enforced.
    LicenseDevice,
}

/// What is being decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntitlementQuery {
    /// The user: DIVA's `User` field, or the JWT `sub` of the token endpoint.
    pub user: String,
    /// The video / content id.
    pub video_id: String,
    /// The DRM type as asked (may be empty).
    pub drm_type: String,
    /// Which call asks.
    pub channel: Channel,
    /// The device the license server named (`device_info.device_id`), on
    /// [`Channel::LicenseDevice`] only.
    pub device_id: Option<String>,
}

impl EntitlementQuery {
    /// A query.
    pub fn new(
        user: impl Into<String>,
        video_id: impl Into<String>,
        drm_type: impl Into<String>,
        channel: Channel,
    ) -> Self {
        Self {
            user: user.into(),
            video_id: video_id.into(),
            drm_type: drm_type.into(),
            channel,
            device_id: None,
        }
    }
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Play; the license token is minted for the requesting user id.
    Allow,
    /// Play, minting the license token for `user_id` (e.g. the account behind an opaque DIVA
    /// `User` session token).
    AllowAs {
        /// The user id written into the DoveRunner license token.
        user_id: String,
    },
    /// Refuse with a `ResponseCode` and a message shown to the player.
    Deny {
        /// The code ([`codes::NOT_ENTITLED`] or your own).
        code: codes::ResponseCode,
        /// Why (shown to the user; no secrets).
        message: String,
    },
}

impl Decision {
    /// A refusal with [`codes::NOT_ENTITLED`].
    pub fn not_entitled() -> Self {
        Decision::Deny {
            code: codes::NOT_ENTITLED,
            message: "not entitled".into(),
        }
    }

    /// Whether playback is allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allow | Decision::AllowAs { .. })
    }
}

/// The future returned by [`Entitler::decide`].
pub type DecisionFuture<'a> = Pin<Box<dyn Future<Output = Decision> + Send + 'a>>;

/// Decides entitlements. Implementations must answer (not hang): the service wraps the call in
/// a timeout and answers "ko" with [`codes::SERVICE_UNAVAILABLE`] when it expires.
pub trait Entitler: Send + Sync {
    /// Decides `query`.
    fn decide<'a>(&'a self, query: &'a EntitlementQuery) -> DecisionFuture<'a>;
}

impl<E: Entitler + ?Sized> Entitler for std::sync::Arc<E> {
    fn decide<'a>(&'a self, query: &'a EntitlementQuery) -> DecisionFuture<'a> {
        (**self).decide(query)
    }
}

/// One rule: the listed users may play the listed videos; `"*"` matches anything.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// User ids (DIVA `User`, JWT `sub`), or `"*"`.
    pub users: Vec<String>,
    /// Video ids (DIVA `VideoId`, token endpoint `content_id`), or `"*"`.
    pub videos: Vec<String>,
}

impl Rule {
    /// Whether the rule covers `user` and `video_id` (exact, case-sensitive match).
    pub fn matches(&self, user: &str, video_id: &str) -> bool {
        let any = |list: &[String], value: &str| list.iter().any(|x| x == "*" || x == value);
        any(&self.users, user) && any(&self.videos, video_id)
    }
}

/// A list of [`Rule`]s: a request is entitled when any rule matches. Empty = nobody.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

impl RuleSet {
    /// A rule set.
    pub fn new(rules: Vec<Rule>) -> Self {
        Self { rules }
    }

    /// Whether `user` may play `video_id`.
    pub fn allows(&self, user: &str, video_id: &str) -> bool {
        self.rules.iter().any(|r| r.matches(user, video_id))
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

impl Entitler for RuleSet {
    fn decide<'a>(&'a self, query: &'a EntitlementQuery) -> DecisionFuture<'a> {
        let decision = if self.allows(&query.user, &query.video_id) {
            Decision::Allow
        } else {
            Decision::not_entitled()
        };
        Box::pin(std::future::ready(decision))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let rules = RuleSet::new(vec![
            Rule {
                users: vec!["alice".into()],
                videos: vec!["*".into()],
            },
            Rule {
                users: vec!["*".into()],
                videos: vec!["free-1".into()],
            },
        ]);
        assert!(rules.allows("alice", "anything"));
        assert!(rules.allows("bob", "free-1"));
        assert!(!rules.allows("bob", "paid-1"));
        assert!(!rules.allows("Alice", "paid-1"));
        assert!(!RuleSet::default().allows("alice", "x"));
    }
}

//! Minting DoveRunner license tokens with `drm-token`, the policy prepared once at start.

use drm_token::{
    DEFAULT_VALIDITY_SECS, DrmType, JsonStyle, PreparedPolicy, SiteCredentials, Timestamp,
    TokenRequest,
};

use crate::config::{ConfigError, ServerConfig};

/// The default policy of minted tokens when no `policy_file` is configured.
pub const DEFAULT_POLICY_JSON: &str = r#"{"policy_version": 2}"#;

/// A freshly minted license token.
pub(crate) struct Minted {
    pub(crate) token: zeroize::Zeroizing<String>,
    pub(crate) timestamp: Timestamp,
}

/// Site credentials and the prepared (pre-encrypted) policy: the hot path only hashes and
/// encodes.
pub(crate) struct Issuer {
    credentials: SiteCredentials,
    prepared: PreparedPolicy,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("site_id", &self.credentials.site_id())
            .finish_non_exhaustive()
    }
}

impl Issuer {
    pub(crate) fn from_config(config: &ServerConfig) -> Result<Self, ConfigError> {
        let d = &config.doverunner;
        let credentials = SiteCredentials::from_strs(
            &d.site_id,
            d.site_key.expose_secret(),
            d.access_key.expose_secret(),
        )
        .map_err(|e| ConfigError::Invalid {
            key: "doverunner",
            reason: e.to_string(),
        })?;
        let policy_text = match &config.policy_file {
            Some(path) => {
                let path = config.resolve(path);
                std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?
            }
            None => DEFAULT_POLICY_JSON.to_owned(),
        };
        let prepared = PreparedPolicy::from_json(&policy_text, &credentials, JsonStyle::Compact)
            .map_err(|e| ConfigError::Invalid {
                key: "policy_file",
                reason: e.to_string(),
            })?;
        Ok(Self {
            credentials,
            prepared,
        })
    }

    /// Mints a token for (`user_id`, `cid`, `drm_type`) at the current time.
    pub(crate) fn mint(
        &self,
        drm_type: DrmType,
        user_id: &str,
        cid: &str,
    ) -> Result<Minted, drm_token::TokenError> {
        let timestamp = Timestamp::now();
        let token = TokenRequest::new(drm_type, user_id, cid).mint(
            &self.credentials,
            &self.prepared,
            timestamp,
        )?;
        Ok(Minted {
            token: zeroize::Zeroizing::new(token),
            timestamp,
        })
    }
}

impl Issuer {
    /// The site id of the credentials.
    pub(crate) fn site_id(&self) -> &str {
        self.credentials.site_id().as_str()
    }

    /// Prepares (encrypts once) another policy under the same credentials.
    pub(crate) fn prepare(
        &self,
        policy_json: &str,
    ) -> Result<PreparedPolicy, drm_token::TokenError> {
        PreparedPolicy::from_json(policy_json, &self.credentials, JsonStyle::Compact)
    }

    /// Mints `request` at the current time with `policy` (the server's policy when `None`).
    pub(crate) fn mint_request(
        &self,
        request: TokenRequest<'_>,
        policy: Option<&PreparedPolicy>,
    ) -> Result<Minted, drm_token::TokenError> {
        let timestamp = Timestamp::now();
        let prepared = policy.unwrap_or(&self.prepared);
        let token = request.mint(&self.credentials, prepared, timestamp)?;
        Ok(Minted {
            token: zeroize::Zeroizing::new(token),
            timestamp,
        })
    }
}

/// The DRM type of a request: the names in any case (`widevine`, `Widevine`, `WIDEVINE`) and
/// the EME key-system names players use (`com.widevine.alpha`, `com.microsoft.playready…`,
/// `com.apple.fps…`); empty → `default`.
pub fn parse_drm_type(text: &str, default: DrmType) -> Option<DrmType> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Some(default);
    }
    if lower == "com.widevine.alpha" {
        return Some(DrmType::Widevine);
    }
    if lower.starts_with("com.microsoft.playready") {
        return Some(DrmType::PlayReady);
    }
    if lower.starts_with("com.apple.fps") {
        return Some(DrmType::FairPlay);
    }
    DrmType::from_name(&lower)
}

/// When a token minted at `ts` stops being accepted (default site setting: 600 s).
pub(crate) fn expires_at(ts: Timestamp) -> String {
    Timestamp::from_unix(ts.unix_seconds() + DEFAULT_VALIDITY_SECS)
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drm_type_names() {
        let d = DrmType::Widevine;
        assert_eq!(parse_drm_type("", d), Some(DrmType::Widevine));
        assert_eq!(parse_drm_type("PLAYREADY", d), Some(DrmType::PlayReady));
        assert_eq!(parse_drm_type("FairPlay", d), Some(DrmType::FairPlay));
        assert_eq!(
            parse_drm_type("com.widevine.alpha", d),
            Some(DrmType::Widevine)
        );
        assert_eq!(
            parse_drm_type("com.microsoft.playready.recommendation", d),
            Some(DrmType::PlayReady)
        );
        assert_eq!(
            parse_drm_type("com.apple.fps.1_0", d),
            Some(DrmType::FairPlay)
        );
        assert_eq!(parse_drm_type("clearkey", d), None);
    }
}

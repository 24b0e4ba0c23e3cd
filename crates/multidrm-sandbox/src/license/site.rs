//! The license emulator's sites: id, site key, access key, token duration, running or stopped.

use std::fmt;

drm_secret::secret_newtype!(
    /// A site key: the 32 characters whose bytes are the AES-256 key of the policy.
    pub LicenseSiteKey
);

drm_secret::secret_newtype!(
    /// A site's access key: the first part of the token hash input.
    pub LicenseAccessKey
);

/// The test site every sandbox has (public test values, announced by `multidrm sandbox`).
pub const DEFAULT_SITE_ID: &str = "TEST";
/// The test site's key (exactly 32 characters, a public test value).
pub const DEFAULT_SITE_KEY: &str = "sandbox-license-site-key-32chars";
/// The test site's access key (a public test value).
pub const DEFAULT_ACCESS_KEY: &str = "sandbox-license-access-key-32chr";
/// Token duration of a site unless set otherwise (the DoveRunner default, 600 s).
pub const DEFAULT_TOKEN_DURATION_SECS: u64 = 600;

/// One site of the emulated DoveRunner account.
#[derive(Clone)]
pub struct LicenseSite {
    /// Site id, e.g. `TEST`.
    pub site_id: String,
    /// Site key (policy encryption). Must be 32 bytes to decrypt anything.
    pub site_key: LicenseSiteKey,
    /// Access key (token hash).
    pub access_key: LicenseAccessKey,
    /// How long a token stays valid after its `timestamp`, in seconds.
    pub token_duration_secs: u64,
    /// A stopped site answers `1004` to every token.
    pub stopped: bool,
}

impl LicenseSite {
    /// A running site with the default token duration.
    pub fn new(site_id: &str, site_key: &str, access_key: &str) -> Self {
        Self {
            site_id: site_id.to_owned(),
            site_key: LicenseSiteKey::new(site_key),
            access_key: LicenseAccessKey::new(access_key),
            token_duration_secs: DEFAULT_TOKEN_DURATION_SECS,
            stopped: false,
        }
    }

    /// The site key as an AES-256 key, if it is 32 bytes long.
    pub(crate) fn aes_key(&self) -> Option<[u8; 32]> {
        self.site_key.expose_secret().as_bytes().try_into().ok()
    }
}

impl Default for LicenseSite {
    fn default() -> Self {
        Self::new(DEFAULT_SITE_ID, DEFAULT_SITE_KEY, DEFAULT_ACCESS_KEY)
    }
}

impl fmt::Debug for LicenseSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LicenseSite")
            .field("site_id", &self.site_id)
            .field("site_key", &self.site_key)
            .field("access_key", &self.access_key)
            .field("token_duration_secs", &self.token_duration_secs)
            .field("stopped", &self.stopped)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_usable_and_debug_is_redacted() {
        let site = LicenseSite::default();
        assert_eq!(DEFAULT_SITE_KEY.len(), 32);
        assert!(site.aes_key().is_some());
        let text = format!("{site:?}");
        assert!(!text.contains(DEFAULT_SITE_KEY), "{text}");
        assert!(!text.contains(DEFAULT_ACCESS_KEY), "{text}");
        let settings = format!("{:?}", super::super::LicenseSettings::default());
        assert!(!settings.contains(DEFAULT_SITE_KEY), "{settings}");
        assert!(!settings.contains(DEFAULT_ACCESS_KEY), "{settings}");
    }
}

//! Secret newtypes for the NCP credentials.
//!
//! Both keys print as `[redacted]` in `Debug`, have no `Display`, and are wiped from memory when
//! dropped. Reading the value takes an explicit [`AccessKey::expose_secret`] /
//! [`SecretKey::expose_secret`] call so that every place a key leaves the type is easy to find.

drm_secret::secret_newtype!(
    /// The NCP API access key id (`x-ncp-iam-access-key`).
    ///
    /// The access key travels in clear in a request header, but together with the secret key it
    /// identifies an account, so it is handled as a secret all the same.
    pub AccessKey
);

drm_secret::secret_newtype!(
    /// The NCP API secret key: the HMAC key of the signature v2. Never sent over the wire.
    pub SecretKey
);

/// Any other secret text carried in a request or response body (FairPlay key URLs, pass
/// phrases, application secret keys). Serializes to its value, since the API needs it.
pub use drm_secret::SecretString;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let ak = AccessKey::new("AK-VISIBLE");
        let sk = SecretKey::new(String::from("SK-VISIBLE"));
        assert_eq!(format!("{ak:?}"), "AccessKey([redacted])");
        assert_eq!(format!("{sk:?}"), "SecretKey([redacted])");
        assert_eq!(ak.expose_secret(), "AK-VISIBLE");
        assert_eq!(sk.expose_secret(), "SK-VISIBLE");
    }
}

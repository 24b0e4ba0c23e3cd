//! The shared secret of the DIVA signature scheme.

drm_secret::secret_newtype!(
    /// The secret shared between the player-side entitlement provider and the back end.
    ///
    /// It is part of every HMAC key (`secret + Challenge` for requests, `Challenge + secret` for
    /// responses). `Debug` prints `[redacted]`, there is no `Display`, and the bytes are wiped
    /// when the value is dropped. Read it only through [`SharedSecret::expose_secret`].
    pub SharedSecret
);

/// Other secret text of the service configuration (site key, access key, JWT secret).
pub use drm_secret::SecretString;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = SharedSecret::new("hunter2");
        assert_eq!(format!("{s:?}"), "SharedSecret([redacted])");
        assert_eq!(s.expose_secret(), "hunter2");
    }
}

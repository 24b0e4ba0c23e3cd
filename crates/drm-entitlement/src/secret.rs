//! The shared secret of the DIVA signature scheme.

use std::fmt;

use zeroize::Zeroizing;

/// The secret shared between the player-side entitlement provider and the back end.
///
/// It is part of every HMAC key (`secret + Challenge` for requests, `Challenge + secret` for
/// responses). `Debug` prints `[redacted]`, there is no `Display`, and the bytes are wiped when
/// the value is dropped. Read it only through [`SharedSecret::expose_secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct SharedSecret(Zeroizing<String>);

impl SharedSecret {
    /// Wraps a secret. Any string is accepted, including the empty one (the scheme does not
    /// forbid it, although a deployment should not use it).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret text.
    ///
    /// **Security warning:** do not log, print or put the returned text into an error message.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SharedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedSecret([redacted])")
    }
}

impl From<String> for SharedSecret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SharedSecret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl<'de> serde::Deserialize<'de> for SharedSecret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(<String as serde::Deserialize>::deserialize(deserializer)?);
        Ok(Self::new(text.as_str()))
    }
}

/// Any other secret text (DoveRunner keys, a JWT secret, a Redis URL with a password): `Debug`
/// prints `[redacted]`, no `Display`, wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(Zeroizing::new(secret.into()))
    }

    /// The secret text.
    ///
    /// **Security warning:** do not log, print or put the returned text into an error message.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(<String as serde::Deserialize>::deserialize(deserializer)?);
        Ok(Self::new(text.as_str()))
    }
}

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

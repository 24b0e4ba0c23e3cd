//! Secret newtypes for the NCP credentials.
//!
//! Both keys print as `[redacted]` in `Debug`, have no `Display`, and are wiped from memory when
//! dropped. Reading the value takes an explicit [`AccessKey::expose_secret`] /
//! [`SecretKey::expose_secret`] call so that every place a key leaves the type is easy to find.

use std::fmt;

use zeroize::Zeroize;

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Wraps a key value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The key value. Never log it or put it in an error message.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

secret_type!(
    /// The NCP API access key id (`x-ncp-iam-access-key`).
    ///
    /// The access key travels in clear in a request header, but together with the secret key it
    /// identifies an account, so it is handled as a secret all the same.
    AccessKey
);

secret_type!(
    /// The NCP API secret key: the HMAC key of the signature v2. Never sent over the wire.
    SecretKey
);

secret_type!(
    /// Any other secret text carried in a request or response body (FairPlay key URLs, pass
    /// phrases, application secret keys). Serializes to its value, since the API needs it.
    SecretString
);

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for SecretString {}

impl serde::Serialize for SecretString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

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

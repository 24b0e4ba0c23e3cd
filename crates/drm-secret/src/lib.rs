#![doc = include_str!("../README.md")]

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Secret text: redacted in `Debug`, no `Display`, zeroized on drop, compared in constant time.
#[derive(Clone, Default)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret value.
    ///
    /// # Security
    /// Never log it, format it into an error or put it in a URL that can end up in one.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in bytes (not secret in any of the protocols this toolkit speaks).
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for SecretString {}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl<'de> serde::Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        Ok(Self::new(text))
    }
}

impl serde::Serialize for SecretString {
    /// Serializes the value itself: a request body that must carry the secret (an API field)
    /// is an explicit use. Never serialize secrets into logs or reports.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Defines a named secret type around [`SecretString`]: `new`, `expose_secret`, `is_empty`,
/// `Debug` as `Name([redacted])`, constant-time `PartialEq`, `From<String>`, `From<&str>` and
/// serde `Deserialize`.
#[macro_export]
macro_rules! secret_newtype {
    ($(#[$meta:meta])* $vis:vis $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        $vis struct $name($crate::SecretString);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self($crate::SecretString::new(value))
            }

            /// The secret value. Never log it or put it in an error message.
            pub fn expose_secret(&self) -> &str {
                self.0.expose_secret()
            }

            /// Whether the secret is empty.
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(value: String) -> Self {
                Self::new(value)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl<'de> $crate::__private::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$crate::SecretString as $crate::__private::Deserialize<'de>>::deserialize(deserializer).map(Self)
            }
        }
    };
}

#[doc(hidden)]
pub mod __private {
    pub use serde::{Deserialize, Deserializer};
}

#[cfg(test)]
#[allow(unreachable_pub)] // the macro's methods are `pub`, for a private test type
mod tests {
    use super::*;

    secret_newtype!(
        /// A test secret.
        TestSecret
    );

    #[test]
    fn debug_never_shows_the_value() {
        let s = TestSecret::new("very-secret-value");
        assert_eq!(format!("{s:?}"), "TestSecret([redacted])");
        assert_eq!(
            format!("{:?}", SecretString::new("very-secret-value")),
            "SecretString([redacted])"
        );
        assert_eq!(s.expose_secret(), "very-secret-value");
    }

    #[test]
    fn equality_and_conversions() {
        assert_eq!(TestSecret::from("a"), TestSecret::new(String::from("a")));
        assert_ne!(SecretString::new("a"), SecretString::new("b"));
        assert!(TestSecret::new("").is_empty());
    }
}

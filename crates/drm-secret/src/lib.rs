#![doc = include_str!("../README.md")]

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

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

/// `N` secret bytes (a key): redacted in `Debug`, no `Display`, zeroized on drop, compared in
/// constant time. Not `Copy`, so every copy of a key is an explicit `clone()`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes<const N: usize>([u8; N]);

impl<const N: usize> SecretBytes<N> {
    /// Wraps key bytes.
    pub const fn new(bytes: [u8; N]) -> Self {
        Self(bytes)
    }

    /// The key bytes.
    ///
    /// # Security
    /// Never log them, format them into an error or copy them into a type that is not secret.
    pub const fn expose_secret(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> fmt::Debug for SecretBytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes<{N}>([redacted])")
    }
}

impl<const N: usize> PartialEq for SecretBytes<N> {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl<const N: usize> Eq for SecretBytes<N> {}

/// Declares a named secret type; the only way a secret type is declared in this workspace.
///
/// Three forms:
///
/// - `secret_newtype!(/// docs
///   pub Name)` — secret text around [`SecretString`]: `new`, `expose_secret`, `is_empty`,
///   `From<String>`, `From<&str>`, serde `Deserialize`;
/// - `secret_newtype!(/// docs
///   pub Name; checked)` — secret text whose constructor the caller writes (to validate it):
///   only a private `from_secret_string` is generated, plus `expose_secret` and `is_empty`;
/// - `secret_newtype!(/// docs
///   pub Name: [u8; 32])` — secret bytes around [`SecretBytes`]: `from_bytes` (`const`),
///   `expose_secret` (`&[u8; N]`).
///
/// Every form has `Clone`, `Debug` as `Name([redacted])`, no `Display`, zeroizing on drop and a
/// constant-time `PartialEq` (written out, never derived).
#[macro_export]
macro_rules! secret_newtype {
    ($(#[$meta:meta])* $vis:vis $name:ident: [u8; $len:literal]) => {
        $(#[$meta])*
        #[derive(Clone)]
        $vis struct $name($crate::SecretBytes<$len>);

        impl $name {
            /// The secret from its raw bytes.
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                Self($crate::SecretBytes::new(bytes))
            }

            /// The secret bytes. Never log them or put them in an error message.
            pub const fn expose_secret(&self) -> &[u8; $len] {
                self.0.expose_secret()
            }
        }

        $crate::__secret_common!($name);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident; checked) => {
        $(#[$meta])*
        #[derive(Clone)]
        $vis struct $name($crate::SecretString);

        impl $name {
            /// Wraps an already checked secret value.
            #[allow(dead_code)]
            fn from_secret_string(value: $crate::SecretString) -> Self {
                Self(value)
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

        $crate::__secret_common!($name);
    };
    ($(#[$meta:meta])* $vis:vis $name:ident) => {
        $crate::secret_newtype!($(#[$meta])* $vis $name; checked);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self::from_secret_string($crate::SecretString::new(value))
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

/// `Debug` and constant-time `PartialEq`/`Eq` of a [`secret_newtype!`] type (whose inner value
/// compares in constant time).
#[doc(hidden)]
#[macro_export]
macro_rules! __secret_common {
    ($name:ident) => {
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl ::std::cmp::PartialEq for $name {
            /// Constant time in the contents.
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }

        impl ::std::cmp::Eq for $name {}
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

    secret_newtype!(
        /// A test key.
        TestKey: [u8; 4]
    );

    secret_newtype!(
        /// A checked test secret.
        Checked; checked
    );

    impl Checked {
        fn new(text: &str) -> Option<Self> {
            (text.len() == 3).then(|| Self::from_secret_string(SecretString::new(text)))
        }
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = TestSecret::new("very-secret-value");
        assert_eq!(format!("{s:?}"), "TestSecret([redacted])");
        assert_eq!(
            format!("{:?}", SecretString::new("very-secret-value")),
            "SecretString([redacted])"
        );
        assert_eq!(s.expose_secret(), "very-secret-value");
        let k = TestKey::from_bytes([0xc0, 0xff, 0xee, 0x11]);
        assert_eq!(format!("{k:?}"), "TestKey([redacted])");
        assert_eq!(
            format!("{:?}", SecretBytes::new([7u8; 2])),
            "SecretBytes<2>([redacted])"
        );
        assert_eq!(k.expose_secret(), &[0xc0, 0xff, 0xee, 0x11]);
        let c = Checked::new("abc").unwrap();
        assert_eq!(format!("{c:?}"), "Checked([redacted])");
        assert!(Checked::new("ab").is_none());
        assert_eq!(c.expose_secret(), "abc");
        assert!(!c.is_empty());
    }

    #[test]
    fn equality_and_conversions() {
        assert_eq!(TestSecret::from("a"), TestSecret::new(String::from("a")));
        assert_ne!(TestSecret::from("a"), TestSecret::new("b"));
        assert_ne!(SecretString::new("a"), SecretString::new("b"));
        assert!(TestSecret::new("").is_empty());
        assert_eq!(TestKey::from_bytes([1; 4]), TestKey::from_bytes([1; 4]));
        assert_ne!(
            TestKey::from_bytes([1; 4]),
            TestKey::from_bytes([1, 1, 1, 2])
        );
        assert_eq!(Checked::new("abc"), Checked::new("abc"));
    }

    #[test]
    fn bytes_are_wiped_on_zeroize() {
        let mut k = SecretBytes::new([9u8; 8]);
        k.zeroize();
        assert_eq!(k.expose_secret(), &[0u8; 8]);
    }
}

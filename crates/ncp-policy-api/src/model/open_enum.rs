//! Open enums: the documented wire values as variants plus an `Unknown` case that keeps any
//! other value, so that a new status on the server never breaks decoding. Requests refuse
//! `Unknown` values in validation.

/// Declares an open string enum with its wire spellings.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this crate does not know, kept as received.
            Unknown(String),
        }

        impl $name {
            /// Every documented value, in documentation order.
            pub const KNOWN: &'static [&'static str] = &[$($wire),*];

            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(other) => other.as_str(),
                }
            }

            /// Whether this is one of the documented values.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }

            /// Reads a wire value: exact match first, then ignoring ASCII case; anything else
            /// becomes `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                $( if value == $wire { return Self::$variant; } )*
                $( if value.eq_ignore_ascii_case($wire) { return Self::$variant; } )*
                Self::Unknown(value.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                match serde_json::Value::deserialize(d)? {
                    serde_json::Value::String(s) => Ok(Self::from_wire(&s)),
                    serde_json::Value::Number(n) => Ok(Self::from_wire(&n.to_string())),
                    other => Err(D::Error::custom(format!(
                        "expected a string, found {}",
                        $crate::model::lenient::kind(&other)
                    ))),
                }
            }
        }
    };
}

pub(crate) use open_enum;

//! The One Click Multi DRM API model: request bodies (written strictly, with the current field
//! names) and response objects (read leniently, see spec §5), the success envelope and the two
//! error shapes.

pub(crate) mod lenient;
pub(crate) mod open_enum;

/// `Display`, `FromStr`, `TryFrom<&str>`, `TryFrom<String>` and `From<T> for String` for a
/// validated text newtype `T(String)` whose `T::new` checks the value.
macro_rules! validated_text {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::model::validate::ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::model::validate::ValidationError;
            fn try_from(value: &str) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::model::validate::ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

pub mod codes;
pub mod envelope;
pub mod license;
pub mod log;
pub mod policy;
pub mod query;
pub mod site;
pub mod time;
pub mod validate;

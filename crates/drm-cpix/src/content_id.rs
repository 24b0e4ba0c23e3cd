//! The content id (CID) a request asks keys for, written to `CPIX@id`.
//!
//! DoveRunner documents the CID as "unique, at most 200 alphanumeric characters"; real CIDs also
//! use `-`, `_` and `.` (`test-content-01`, `cpix-test-cid`). The KMS derives the Widevine
//! `content_id`, the FairPlay `skd://` asset id and the NCG key URIs from it, so this crate
//! accepts exactly `A-Z a-z 0-9 - _ .`, 1 to 200 characters. It does **not** require an XML
//! `NCName` (the 2.3 XSD types `@id` as `xs:ID`, so a CID starting with a digit is schema-invalid,
//! but the KMS does not care).

use std::fmt;
use std::str::FromStr;

/// Longest content id: 200 characters.
pub const MAX_CONTENT_ID_LEN: usize = 200;

/// A validated content id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId(String);

/// Why a text is not a valid content id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidContentId {
    /// The text is empty.
    #[error("content id is empty")]
    Empty,
    /// The text is longer than [`MAX_CONTENT_ID_LEN`].
    #[error("content id has {len} characters, more than the limit of {max}")]
    TooLong {
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A character outside `A-Z a-z 0-9 - _ .`.
    #[error(
        "content id has the character {character:?} at position {position}: only A-Z, a-z, 0-9, \
         '-', '_' and '.' are allowed"
    )]
    Character {
        /// The offending character.
        character: char,
        /// Its position (in characters, from 0).
        position: usize,
    },
}

impl ContentId {
    /// Validates a content id.
    ///
    /// # Errors
    /// [`InvalidContentId`] naming the problem.
    pub fn new(text: &str) -> Result<Self, InvalidContentId> {
        if text.is_empty() {
            return Err(InvalidContentId::Empty);
        }
        let len = text.chars().count();
        if len > MAX_CONTENT_ID_LEN {
            return Err(InvalidContentId::TooLong {
                len,
                max: MAX_CONTENT_ID_LEN,
            });
        }
        if let Some((position, character)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(InvalidContentId::Character {
                character,
                position,
            });
        }
        Ok(Self(text.to_owned()))
    }

    /// The content id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ContentId {
    type Err = InvalidContentId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for ContentId {
    type Error = InvalidContentId;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl AsRef<str> for ContentId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for ContentId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ContentId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn accepts_real_content_ids() {
        for ok in [
            "demotest",
            "test-content-01",
            "cpix-test-cid",
            "1movie",
            "a.b_c",
        ] {
            assert_eq!(ContentId::new(ok).unwrap().as_str(), ok);
        }
        assert!(ContentId::new(&"a".repeat(200)).is_ok());
    }

    #[test]
    fn rejects_bad_content_ids() {
        assert_eq!(ContentId::new(""), Err(InvalidContentId::Empty));
        assert_eq!(
            ContentId::new(&"a".repeat(201)),
            Err(InvalidContentId::TooLong { len: 201, max: 200 })
        );
        assert_eq!(
            ContentId::new("movies/big"),
            Err(InvalidContentId::Character {
                character: '/',
                position: 6
            })
        );
        assert!(ContentId::new("a b").is_err());
        assert!(ContentId::new("a\"b").is_err());
        assert!(ContentId::new("é").is_err());
    }
}

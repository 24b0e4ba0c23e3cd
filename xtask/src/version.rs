//! Semantic versions and how a release bumps them.

use std::fmt;

/// A `MAJOR.MINOR.PATCH` version (pre-release and build suffixes are not used by this project).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Version {
    pub(crate) major: u64,
    pub(crate) minor: u64,
    pub(crate) patch: u64,
}

impl Version {
    /// Parses `X.Y.Z`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let number = |s: &str| {
            if s.is_empty()
                || !s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() > 1 && s.starts_with('0'))
            {
                Err(format!(
                    "invalid version {text:?}: expected MAJOR.MINOR.PATCH"
                ))
            } else {
                s.parse::<u64>()
                    .map_err(|_| format!("invalid version {text:?}: number too large"))
            }
        };
        match parts.as_slice() {
            [major, minor, patch] => Ok(Self {
                major: number(major)?,
                minor: number(minor)?,
                patch: number(patch)?,
            }),
            _ => Err(format!(
                "invalid version {text:?}: expected MAJOR.MINOR.PATCH"
            )),
        }
    }

    /// The version a release of kind `bump` produces from `self`.
    pub(crate) fn bumped(self, bump: &str) -> Result<Self, String> {
        let next = match bump {
            "patch" => Self {
                patch: self.patch + 1,
                ..self
            },
            "minor" => Self {
                minor: self.minor + 1,
                patch: 0,
                ..self
            },
            "major" => Self {
                major: self.major + 1,
                minor: 0,
                patch: 0,
            },
            explicit => Self::parse(explicit)?,
        };
        if next <= self {
            return Err(format!(
                "the new version {next} must be greater than the current {self}"
            ));
        }
        Ok(next)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps() {
        let v = Version::parse("0.1.9").unwrap();
        assert_eq!(v.bumped("patch").unwrap().to_string(), "0.1.10");
        assert_eq!(v.bumped("minor").unwrap().to_string(), "0.2.0");
        assert_eq!(v.bumped("major").unwrap().to_string(), "1.0.0");
        assert_eq!(v.bumped("0.3.0").unwrap().to_string(), "0.3.0");
    }

    #[test]
    fn refuses_bad_or_backward_versions() {
        let v = Version::parse("0.2.0").unwrap();
        assert!(v.bumped("0.1.0").is_err());
        assert!(v.bumped("0.2.0").is_err());
        assert!(v.bumped("banana").is_err());
        assert!(Version::parse("1.2").is_err());
        assert!(Version::parse("01.2.3").is_err());
    }
}

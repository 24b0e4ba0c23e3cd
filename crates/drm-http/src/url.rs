//! Base URLs of the services: checked once when a client is built.

use std::fmt;

/// An `http` or `https` base URL with a host and no query, fragment or user info, split into
/// its origin (`https://host:port`) and path prefix (without a trailing `/`).
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    path: String,
}

/// Why a text cannot be a base URL. The text itself is never quoted (it may carry a password or
/// a token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidBaseUrl {
    /// Not an absolute URL.
    NotAUrl,
    /// The scheme is not `http` or `https`.
    Scheme,
    /// No host.
    NoHost,
    /// A query or fragment.
    QueryOrFragment,
    /// A user name or password.
    UserInfo,
}

impl InvalidBaseUrl {
    /// What is wrong, in words.
    pub fn reason(self) -> &'static str {
        match self {
            Self::NotAUrl => "not a URL",
            Self::Scheme => "the scheme must be http or https",
            Self::NoHost => "the base URL has no host",
            Self::QueryOrFragment => "the base URL must not have a query or fragment",
            Self::UserInfo => "the base URL must not carry a user name or password",
        }
    }
}

impl fmt::Display for InvalidBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for InvalidBaseUrl {}

impl BaseUrl {
    /// Checks and splits `text` (surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`InvalidBaseUrl`].
    pub fn parse(text: &str) -> Result<Self, InvalidBaseUrl> {
        let url = reqwest::Url::parse(text.trim()).map_err(|_| InvalidBaseUrl::NotAUrl)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(InvalidBaseUrl::Scheme);
        }
        if url.host_str().is_none() {
            return Err(InvalidBaseUrl::NoHost);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(InvalidBaseUrl::QueryOrFragment);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidBaseUrl::UserInfo);
        }
        Ok(Self {
            origin: url.origin().ascii_serialization(),
            path: url.path().trim_end_matches('/').to_owned(),
        })
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The path prefix without a trailing `/` (empty for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Origin and path prefix, without a trailing `/`.
    pub fn as_string(&self) -> String {
        format!("{}{}", self.origin, self.path)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.as_string()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_and_splits() {
        let u = BaseUrl::parse(" http://127.0.0.1:9/prefix/ ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(u.origin(), "http://127.0.0.1:9");
        assert_eq!(u.path(), "/prefix");
        assert_eq!(u.as_string(), "http://127.0.0.1:9/prefix");
        let root = BaseUrl::parse("https://x.example").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(root.as_string(), "https://x.example");
        assert_eq!(BaseUrl::parse("ftp://x/"), Err(InvalidBaseUrl::Scheme));
        assert_eq!(BaseUrl::parse("not a url"), Err(InvalidBaseUrl::NotAUrl));
        assert_eq!(
            BaseUrl::parse("http://x/?a=b"),
            Err(InvalidBaseUrl::QueryOrFragment)
        );
        assert_eq!(
            BaseUrl::parse("http://u:pw@x/"),
            Err(InvalidBaseUrl::UserInfo)
        );
    }
}

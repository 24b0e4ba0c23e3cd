//! The one transport error of every client: a kind, how many attempts were made, whether the
//! request may have left this machine, and a message that never holds a URL.

use std::fmt;
use std::time::Duration;

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// Connecting failed (refused, DNS, TLS handshake…): the request was never sent.
    Connect,
    /// A connect or read timeout, or the call's overall deadline, elapsed.
    Timeout,
    /// The response body is larger than the limit ([`TransportError::body_limit`]).
    BodyTooLarge,
    /// The server answered with a redirect, which is never followed
    /// ([`crate::Response::redirect_error`]).
    Redirect,
    /// The HTTP client could not be set up (e.g. no TLS back-end compiled in) or the request
    /// could not be built (e.g. a URL that does not parse).
    Setup,
    /// Anything else while sending or receiving (connection reset, malformed HTTP…).
    Other,
}

impl TransportKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "connection failed",
            Self::Timeout => "timed out",
            Self::BodyTooLarge => "response too large",
            Self::Redirect => "redirect not followed",
            Self::Setup => "HTTP client setup failed",
            Self::Other => "transport error",
        }
    }
}

/// A transport failure. Opaque on purpose: no HTTP-library type leaks out, and neither `Display`
/// nor `Debug` ever shows a URL (URLs can carry tokens), only the reason.
#[derive(Clone, PartialEq, Eq)]
pub struct TransportError {
    kind: TransportKind,
    message: String,
    attempts: u32,
    sent: bool,
    body_limit: Option<usize>,
}

impl TransportError {
    /// A transport error of `kind` after one attempt. `message` must not hold a URL or a secret.
    /// The request counts as possibly sent unless `kind` is [`TransportKind::Connect`] or
    /// [`TransportKind::Setup`].
    pub fn new(kind: TransportKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            attempts: 1,
            sent: !matches!(kind, TransportKind::Connect | TransportKind::Setup),
            body_limit: None,
        }
    }

    /// The error of a body longer than `limit` bytes ("body exceeds N bytes").
    pub fn body_too_large(limit: usize) -> Self {
        let mut error = Self::new(
            TransportKind::BodyTooLarge,
            format!("body exceeds {limit} bytes"),
        );
        error.body_limit = Some(limit);
        error
    }

    /// The error of a call that outlived its overall deadline.
    pub fn deadline_exceeded(deadline: Duration) -> Self {
        Self::new(
            TransportKind::Timeout,
            format!(
                "the call exceeded its deadline of {}",
                show_duration(deadline)
            ),
        )
    }

    pub(crate) fn with_sent(mut self, sent: bool) -> Self {
        self.sent = sent;
        self
    }

    /// The same error, counted as the outcome of `attempts` attempts (set by the retry loop).
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// Whether a connect or read timeout or the overall deadline elapsed.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    /// Whether the connection could not be established.
    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }

    /// Whether the response body exceeded its limit.
    pub fn is_body_too_large(&self) -> bool {
        self.kind == TransportKind::BodyTooLarge
    }

    /// How many attempts were made (1 unless a retry loop set it).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// `false` only when the request certainly never reached the server (no connection could be
    /// established, or it could not even be built), so even a non-idempotent request may be sent
    /// again. `true` means it may have been received.
    pub fn request_sent(&self) -> bool {
        self.sent
    }

    /// The limit of a [`TransportKind::BodyTooLarge`] error.
    pub fn body_limit(&self) -> Option<usize> {
        self.body_limit
    }

    /// The reason, without the kind (never a URL).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.describe(), self.message)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("attempts", &self.attempts)
            .field("request_sent", &self.sent)
            .finish()
    }
}

impl std::error::Error for TransportError {}

/// Sorts a reqwest error into a [`TransportError`] whose message holds the whole cause chain
/// but no URL: the error's own URL is dropped, and `url` (the request's, possibly carrying a
/// token) is cut out of any cause that quotes it.
pub(crate) fn from_reqwest(error: reqwest::Error, url: &str) -> TransportError {
    let kind = if error.is_timeout() {
        TransportKind::Timeout
    } else if error.is_connect() {
        TransportKind::Connect
    } else if error.is_builder() {
        TransportKind::Setup
    } else {
        TransportKind::Other
    };
    let sent = !(error.is_connect() || error.is_builder());
    let error = error.without_url();
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    TransportError::new(kind, scrub_url(message, url)).with_sent(sent)
}

/// `text` with every occurrence of `url` (and of its path and query, which hold tokens in some
/// APIs) replaced by `[url]`.
fn scrub_url(text: String, url: &str) -> String {
    let mut text = text;
    if !url.is_empty() && text.contains(url) {
        text = text.replace(url, "[url]");
    }
    if let Some(rest) = url.split_once("://").map(|(_, rest)| rest) {
        if let Some(path) = rest.find('/').map(|i| &rest[i..]) {
            if path.len() > 1 && text.contains(path) {
                text = text.replace(path, "[path]");
            }
        }
    }
    text
}

/// `1.5 s`, `250 ms`, `2 s`.
pub(crate) fn show_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else if d.as_secs() == 0 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_kind_and_attempts() {
        let e = TransportError::new(TransportKind::Connect, "refused").with_attempts(3);
        assert_eq!(
            e.to_string(),
            "connection failed: refused (after 3 attempts)"
        );
        assert!(!e.request_sent());
        assert_eq!(
            TransportError::body_too_large(10).to_string(),
            "response too large: body exceeds 10 bytes"
        );
        assert_eq!(
            TransportError::deadline_exceeded(Duration::from_millis(1500)).to_string(),
            "timed out: the call exceeded its deadline of 1.500 s"
        );
    }

    #[test]
    fn urls_are_cut_out() {
        let url = "http://127.0.0.1:9/getKey/SECRET-TOKEN?x=1";
        let text = scrub_url(format!("bad {url} and /getKey/SECRET-TOKEN?x=1"), url);
        assert!(!text.contains("SECRET-TOKEN"), "{text}");
    }
}

//! The license server's JSON error body (spec `license.md` §3.3, §4.3):
//! `{"errorCode":"7011","message":"Token is expired."}`, HTTP 200 as a rule.

use std::fmt;

use drm_policy::ServerCode;
use serde::Serialize;
use serde_json::{Map, Value};

/// The inner error of code 8002: what the legacy callback page returned, carried as JSON text
/// `{"ERROR":"…","MESSAGE":"…"}` in the outer `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackError {
    /// The callback page's own code (`ERROR`).
    pub code: Option<String>,
    /// The callback page's own message (`MESSAGE`).
    pub message: Option<String>,
}

/// An error answer of the license server.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerError {
    status: u16,
    code_text: String,
    code: Option<ServerCode>,
    message: Option<String>,
    callback: Option<CallbackError>,
    detail: Option<String>,
    raw: Vec<u8>,
}

/// Longest server-supplied text kept in `Display` output.
const SHOWN: usize = 200;

fn clip(text: &str) -> String {
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(SHOWN)
        .collect();
    if text.chars().count() > SHOWN {
        out.push('…');
    }
    out
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The error code value of a JSON object, if it is an error body: `errorCode` (or the Korean
/// docs' misspelling `eccorCode`) present and neither `null` nor `""`.
pub(crate) fn error_code_of(map: &Map<String, Value>) -> Option<String> {
    let value = map.get("errorCode").or_else(|| map.get("eccorCode"))?;
    match value {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        other => Some(text_of(other).unwrap_or_else(|| other.to_string())),
    }
}

fn callback_of(code: Option<ServerCode>, message: Option<&str>) -> Option<CallbackError> {
    if code != Some(ServerCode::CALLBACK_CUSTOM_ERROR) {
        return None;
    }
    let inner: Map<String, Value> = serde_json::from_str(message?.trim()).ok()?;
    Some(CallbackError {
        code: inner.get("ERROR").and_then(text_of),
        message: inner.get("MESSAGE").and_then(text_of),
    })
}

impl ServerError {
    pub(crate) fn from_map(
        status: u16,
        code_text: String,
        map: &Map<String, Value>,
        raw: &[u8],
    ) -> Self {
        let code = ServerCode::parse(&code_text);
        let message = map.get("message").and_then(text_of);
        let callback = callback_of(code, message.as_deref());
        Self {
            status,
            code,
            callback,
            detail: map.get("body").and_then(text_of),
            message,
            code_text,
            raw: raw.to_vec(),
        }
    }

    /// The HTTP status it came with (200 as a rule).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The code as the server wrote it (a string or a number in JSON), e.g. `"7011"`.
    pub fn code_text(&self) -> &str {
        &self.code_text
    }

    /// The code, when `errorCode` is a number (known to the table or not).
    pub fn code(&self) -> Option<ServerCode> {
        self.code
    }

    /// The server's `message`, as sent.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The published meaning of the code ([`ServerCode::message`]).
    pub fn meaning(&self) -> Option<&'static str> {
        self.code.and_then(ServerCode::message)
    }

    /// What to do about it ([`ServerCode::remedy`]).
    pub fn remedy(&self) -> Option<&'static str> {
        self.code.and_then(ServerCode::remedy)
    }

    /// For 8002: the callback page's own code and message.
    pub fn callback(&self) -> Option<&CallbackError> {
        self.callback.as_ref()
    }

    /// The optional `body` text field (read by the Android SDK).
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    /// The body exactly as received (for a proxy that passes it on).
    pub fn raw_body(&self) -> &[u8] {
        &self.raw
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "license server error {}", clip(&self.code_text))?;
        match (self.meaning(), self.message.as_deref()) {
            (Some(meaning), Some(message)) if meaning.trim() != message.trim() => {
                write!(f, " ({meaning}): {}", clip(message))?;
            }
            (Some(meaning), _) => write!(f, ": {meaning}")?,
            (None, Some(message)) => write!(f, ": {}", clip(message))?,
            (None, None) => {}
        }
        if let Some(cb) = &self.callback {
            write!(
                f,
                "; callback error {}: {}",
                clip(cb.code.as_deref().unwrap_or("?")),
                clip(cb.message.as_deref().unwrap_or(""))
            )?;
        }
        if self.status != 200 {
            write!(f, " (HTTP {})", self.status)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerError")
            .field("status", &self.status)
            .field("code", &self.code_text)
            .field("message", &self.message)
            .field("callback", &self.callback)
            .field("raw_len", &self.raw.len())
            .finish()
    }
}

impl std::error::Error for ServerError {}

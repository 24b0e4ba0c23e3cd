//! Format checks of a request's fields, each field looked up once.

use super::{EntitlementRequest, MAX_FIELD_CHARS, MAX_VIDEO_ID_CHARS, RequestFields, text_field};
use crate::error::FieldError;
use crate::formats::FieldFormats;
use crate::message::REQUEST_KEYS;

/// The signed keys that are not text fields (read as codes or as the Challenge).
const NOT_TEXT: [&str; 3] = ["Type", "AssetState", "Challenge"];

/// The text of every signed key by its position in [`REQUEST_KEYS`] (`""` for the keys of
/// [`NOT_TEXT`]), each looked up once.
struct Texts<'a>([&'a str; REQUEST_KEYS.len()]);

impl<'a> Texts<'a> {
    fn read(request: &'a EntitlementRequest) -> Result<Self, FieldError> {
        let mut out = [""; REQUEST_KEYS.len()];
        for (slot, key) in out.iter_mut().zip(REQUEST_KEYS) {
            if !NOT_TEXT.contains(&key) {
                *slot = text_field(&request.body, key)?;
            }
        }
        Ok(Self(out))
    }

    fn get(&self, key: &str) -> &'a str {
        REQUEST_KEYS
            .iter()
            .position(|k| *k == key)
            .map_or("", |i| self.0[i])
    }

    /// The text fields, in signing order.
    fn pairs(&self) -> impl Iterator<Item = (&'static str, &'a str)> + '_ {
        REQUEST_KEYS
            .into_iter()
            .zip(self.0)
            .filter(|(key, _)| !NOT_TEXT.contains(key))
    }
}

/// The fields checked against a closed set of values, in signing order.
const CLOSED: [&str; 5] = [
    "VideoKind",
    "PlayerType",
    "VideoSourceFormat",
    "DRMType",
    "AuthType",
];

/// The free-form fields that may not start or end with white space.
const TRIMMED: [&str; 4] = ["User", "VideoSourceName", "ContentKeyData", "Other"];

/// [`EntitlementRequest::validate_with`].
pub(super) fn validate(
    request: &EntitlementRequest,
    formats: &FieldFormats,
) -> Result<RequestFields, FieldError> {
    let request_type = request.request_type()?;
    let asset_state = request.asset_state()?;
    let challenge = request.challenge()?;
    let texts = Texts::read(request)?;
    for (key, text) in texts.pairs() {
        plain_text(key, text)?;
    }
    for key in CLOSED {
        formats.check_closed(key, texts.get(key))?;
    }
    for key in TRIMMED {
        let text = texts.get(key);
        if text.trim() != text {
            return Err(invalid(key, "starts or ends with white space"));
        }
    }
    user(texts.get("User"))?;
    video_id(texts.get("VideoId"), formats)?;
    video_source(texts.get("VideoSource"))?;
    let owned = |key| texts.get(key).to_owned();
    Ok(RequestFields {
        request_type,
        user: owned("User"),
        video_id: owned("VideoId"),
        video_source: owned("VideoSource"),
        video_kind: owned("VideoKind"),
        asset_state,
        player_type: owned("PlayerType"),
        video_source_format: owned("VideoSourceFormat"),
        video_source_name: owned("VideoSourceName"),
        drm_type: owned("DRMType"),
        auth_type: owned("AuthType"),
        content_key_data: owned("ContentKeyData"),
        other: owned("Other"),
        challenge,
    })
}

fn invalid(field: &'static str, reason: impl Into<String>) -> FieldError {
    FieldError::Invalid {
        field,
        reason: reason.into(),
    }
}

/// At most [`MAX_FIELD_CHARS`] characters, none of them a control character.
fn plain_text(key: &'static str, text: &str) -> Result<(), FieldError> {
    // A text of at most MAX_FIELD_CHARS bytes has at most as many characters.
    if text.len() > MAX_FIELD_CHARS && text.chars().count() > MAX_FIELD_CHARS {
        return Err(invalid(
            key,
            format!("longer than {MAX_FIELD_CHARS} characters"),
        ));
    }
    let control = if text.is_ascii() {
        text.bytes().any(|b| b.is_ascii_control())
    } else {
        text.chars().any(char::is_control)
    };
    if control {
        return Err(invalid(key, "contains control characters"));
    }
    Ok(())
}

fn user(user: &str) -> Result<(), FieldError> {
    if user == "null" {
        return Err(invalid(
            "User",
            "the text \"null\" is not a user (send an empty string)",
        ));
    }
    Ok(())
}

fn video_id(id: &str, formats: &FieldFormats) -> Result<(), FieldError> {
    formats.check_video_id(id)?;
    if id.chars().count() > MAX_VIDEO_ID_CHARS || matches!(id, "." | "..") {
        return Err(invalid(
            "VideoId",
            format!("must be at most {MAX_VIDEO_ID_CHARS} characters and not a dot segment"),
        ));
    }
    Ok(())
}

/// Empty, or an http(s) URL.
fn video_source(source: &str) -> Result<(), FieldError> {
    if source.is_empty() {
        return Ok(());
    }
    let parsed =
        url::Url::parse(source).map_err(|e| invalid("VideoSource", format!("not a URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("VideoSource", "must be an http or https URL"));
    }
    Ok(())
}

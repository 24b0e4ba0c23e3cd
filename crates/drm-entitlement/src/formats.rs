//! The formats DIVA request fields are checked against before their signature is trusted.
//!
//! The request signature concatenates values without separators, so characters can move from
//! one field to its neighbour without changing the signature (`VideoId "movie-12"` + empty
//! `VideoKind` signs like `"movie-1"` + `"2"`). Every field with a closed set of values is
//! therefore checked against that set, `VideoId` against a pattern, and free-form fields may not
//! start or end with white space; a shifted request then fails one of the checks (code 1001).
//!
//! What this cannot catch: a shift between two free-form fields (`User` "alice" + `VideoId`
//! "42" against "alice4" + "2" when both are valid ids). Use TLS, and decide entitlement from
//! the authenticated identity and the catalog rather than from the split of the values alone.

use std::sync::Arc;

use crate::error::FieldError;

/// Longest `VideoId` of the default pattern.
pub const DEFAULT_VIDEO_ID_MAX: usize = 128;

/// The default `VideoKind` values (compared case-insensitively; empty is always accepted).
pub const DEFAULT_VIDEO_KINDS: &[&str] = &[
    "video",
    "vod",
    "live",
    "replay",
    "clip",
    "highlight",
    "highlights",
    "trailer",
    "linear",
    "event",
];
/// The default `PlayerType` values (platform names).
pub const DEFAULT_PLAYER_TYPES: &[&str] = &[
    "html5",
    "web",
    "ios",
    "ipados",
    "tvos",
    "android",
    "androidtv",
    "firetv",
    "roku",
    "tizen",
    "webos",
    "chromecast",
    "xbox",
    "playstation",
    "smarttv",
];
/// The default `VideoSourceFormat` values.
pub const DEFAULT_VIDEO_SOURCE_FORMATS: &[&str] = &[
    "dash",
    "hls",
    "mss",
    "smooth",
    "smoothstreaming",
    "mp4",
    "progressive",
    "cmaf",
];
/// The default `AuthType` values.
pub const DEFAULT_AUTH_TYPES: &[&str] = &["token", "open"];
/// The `DRMType` values: DoveRunner names and EME key systems (case-insensitive).
pub const DRM_TYPES: &[&str] = &[
    "widevine",
    "playready",
    "fairplay",
    "ncg",
    "wiseplay",
    "com.widevine.alpha",
    "com.microsoft.playready",
    "com.microsoft.playready.recommendation",
    "com.microsoft.playready.recommendation.3000",
    "com.microsoft.playready.hardware",
    "com.microsoft.playready.software",
    "com.apple.fps",
    "com.apple.fps.1_0",
    "com.apple.fps.2_0",
    "com.apple.fps.3_0",
    "com.huawei.wiseplay",
];

/// A check of `VideoId` (e.g. a compiled regular expression).
pub type VideoIdCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// The accepted values of the closed-set fields and the `VideoId` check.
#[derive(Clone)]
pub struct FieldFormats {
    video_kinds: Vec<String>,
    player_types: Vec<String>,
    video_source_formats: Vec<String>,
    auth_types: Vec<String>,
    video_id: Option<(VideoIdCheck, String)>,
}

impl std::fmt::Debug for FieldFormats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FieldFormats")
            .field("video_kinds", &self.video_kinds)
            .field("player_types", &self.player_types)
            .field("video_source_formats", &self.video_source_formats)
            .field("auth_types", &self.auth_types)
            .field("video_id", &self.video_id.as_ref().map(|(_, d)| d))
            .finish()
    }
}

fn owned(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Default for FieldFormats {
    fn default() -> Self {
        Self {
            video_kinds: owned(DEFAULT_VIDEO_KINDS),
            player_types: owned(DEFAULT_PLAYER_TYPES),
            video_source_formats: owned(DEFAULT_VIDEO_SOURCE_FORMATS),
            auth_types: owned(DEFAULT_AUTH_TYPES),
            video_id: None,
        }
    }
}

/// Whether `id` matches `[A-Za-z0-9._-]{1,128}`.
pub fn default_video_id_check(id: &str) -> bool {
    (1..=DEFAULT_VIDEO_ID_MAX).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

macro_rules! set_list {
    ($($(#[$doc:meta])* $name:ident => $field:ident;)*) => {$(
        $(#[$doc])*
        #[must_use]
        pub fn $name<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
            self.$field = values.into_iter().map(Into::into).collect();
            self
        }
    )*};
}

impl FieldFormats {
    set_list! {
        /// Replaces the accepted `VideoKind` values.
        video_kinds => video_kinds;
        /// Replaces the accepted `PlayerType` values.
        player_types => player_types;
        /// Replaces the accepted `VideoSourceFormat` values.
        video_source_formats => video_source_formats;
        /// Replaces the accepted `AuthType` values.
        auth_types => auth_types;
    }

    /// Replaces the `VideoId` check (default: `[A-Za-z0-9._-]{1,128}`); `description` is what
    /// the "ko" message says is expected.
    #[must_use]
    pub fn video_id_check(mut self, check: VideoIdCheck, description: impl Into<String>) -> Self {
        self.video_id = Some((check, description.into()));
        self
    }

    /// Checks `VideoId` (a non-empty one: an empty id is refused later where it is required).
    pub fn check_video_id(&self, id: &str) -> Result<(), FieldError> {
        if id.is_empty() {
            return Ok(());
        }
        let (ok, expected) = match &self.video_id {
            Some((check, description)) => (check(id), description.as_str()),
            None => (default_video_id_check(id), "[A-Za-z0-9._-]{1,128}"),
        };
        if ok {
            Ok(())
        } else {
            Err(FieldError::Invalid {
                field: "VideoId",
                reason: format!("must match {expected}"),
            })
        }
    }

    /// The accepted values of a closed-set field (the configured list, or the fixed
    /// [`DRM_TYPES`]); `None` for any other field.
    fn accepted(&self, field: &str) -> Option<impl Iterator<Item = &str> + Clone> {
        let (configured, fixed): (&[String], &[&str]) = match field {
            "VideoKind" => (&self.video_kinds, &[]),
            "PlayerType" => (&self.player_types, &[]),
            "VideoSourceFormat" => (&self.video_source_formats, &[]),
            "AuthType" => (&self.auth_types, &[]),
            "DRMType" => (&[], DRM_TYPES),
            _ => return None,
        };
        Some(
            configured
                .iter()
                .map(String::as_str)
                .chain(fixed.iter().copied()),
        )
    }

    /// Checks every closed-set text field of a request.
    pub(crate) fn check_closed(&self, field: &'static str, value: &str) -> Result<(), FieldError> {
        let Some(accepted) = self.accepted(field).filter(|_| !value.is_empty()) else {
            return Ok(());
        };
        if accepted.clone().any(|v| v.eq_ignore_ascii_case(value)) {
            return Ok(());
        }
        Err(FieldError::Invalid {
            field,
            reason: format!(
                "not one of the accepted values ({})",
                accepted.collect::<Vec<_>>().join(", ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_video_id_pattern() {
        assert!(default_video_id_check("movie-12"));
        assert!(default_video_id_check("a.b_c-D9"));
        assert!(!default_video_id_check(""));
        assert!(!default_video_id_check("a b"));
        assert!(!default_video_id_check(&"a".repeat(129)));
        assert!(!default_video_id_check("é"));
    }

    #[test]
    fn closed_sets_are_case_insensitive_and_exact() {
        let f = FieldFormats::default();
        assert!(f.check_closed("DRMType", "Widevine").is_ok());
        assert!(f.check_closed("DRMType", " widevine").is_err());
        assert!(f.check_closed("VideoKind", "2").is_err());
        assert!(f.check_closed("VideoKind", "").is_ok());
        assert!(f.check_closed("AuthType", "Token").is_ok());
    }
}

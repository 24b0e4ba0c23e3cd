//! The DIVA field formats of the configuration: the `VideoId` pattern and the closed sets.

use std::sync::Arc;

use drm_entitlement::FieldFormats;

use crate::config::{ConfigError, ServerConfig};

/// The compiled `video_id_pattern`, anchored so the whole id must match.
pub(crate) fn video_id_regex(pattern: &str) -> Result<regex::Regex, ConfigError> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 20)
        .build()
        .map_err(|e| ConfigError::Invalid {
            key: "video_id_pattern",
            reason: format!("not a regular expression ({e})"),
        })
}

/// The field formats the verifier checks before the signature.
pub(crate) fn field_formats(config: &ServerConfig) -> Result<FieldFormats, ConfigError> {
    let regex = video_id_regex(&config.video_id_pattern)?;
    let mut formats = FieldFormats::default().video_id_check(
        Arc::new(move |id: &str| regex.is_match(id)),
        config.video_id_pattern.clone(),
    );
    let f = &config.diva_fields;
    if let Some(v) = &f.video_kinds {
        formats = formats.video_kinds(v.iter().cloned());
    }
    if let Some(v) = &f.player_types {
        formats = formats.player_types(v.iter().cloned());
    }
    if let Some(v) = &f.video_source_formats {
        formats = formats.video_source_formats(v.iter().cloned());
    }
    if let Some(v) = &f.auth_types {
        formats = formats.auth_types(v.iter().cloned());
    }
    Ok(formats)
}

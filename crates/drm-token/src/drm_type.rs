//! The `drm_type` of a token and its `response_format`.

use std::fmt;
use std::str::FromStr;

use crate::error::{TokenError, clip};

/// The DRM the license is requested for. The wire names are case-sensitive on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DrmType {
    /// `PlayReady` (the default of every official sample).
    PlayReady,
    /// `Widevine`.
    Widevine,
    /// `FairPlay`.
    FairPlay,
    /// `NCG`.
    Ncg,
    /// `Wiseplay` (exactly this casing, as the Java and PHP samples send it).
    WisePlay,
}

impl DrmType {
    /// Every DRM type.
    pub const ALL: [DrmType; 5] = [
        DrmType::PlayReady,
        DrmType::Widevine,
        DrmType::FairPlay,
        DrmType::Ncg,
        DrmType::WisePlay,
    ];

    /// The exact wire name: `PlayReady`, `Widevine`, `FairPlay`, `NCG` or `Wiseplay`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DrmType::PlayReady => "PlayReady",
            DrmType::Widevine => "Widevine",
            DrmType::FairPlay => "FairPlay",
            DrmType::Ncg => "NCG",
            DrmType::WisePlay => "Wiseplay",
        }
    }

    /// The lower-case name used on the command line: `playready`, `widevine`…
    pub const fn lower_name(self) -> &'static str {
        match self {
            DrmType::PlayReady => "playready",
            DrmType::Widevine => "widevine",
            DrmType::FairPlay => "fairplay",
            DrmType::Ncg => "ncg",
            DrmType::WisePlay => "wiseplay",
        }
    }

    /// The value for an exact wire name or its all-lower-case form.
    pub fn from_name(text: &str) -> Option<Self> {
        DrmType::ALL
            .into_iter()
            .find(|d| d.as_str() == text || d.lower_name() == text)
    }
}

impl fmt::Display for DrmType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DrmType {
    type Err = TokenError;

    /// Accepts the wire names (`Widevine`) and their lower-case forms (`widevine`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DrmType::from_name(s).ok_or_else(|| TokenError::DrmType { value: clip(s) })
    }
}

impl TryFrom<&str> for DrmType {
    type Error = TokenError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// How the license server shapes its answer (`response_format`). Not covered by the hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResponseFormat {
    /// `original`: the raw DRM license (default; what HTML5 players expect).
    #[default]
    Original,
    /// `custom` (deprecated in the Java sample).
    Custom,
    /// `json`: a JSON answer with `license` and `device_info`.
    Json,
}

impl ResponseFormat {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            ResponseFormat::Original => "original",
            ResponseFormat::Custom => "custom",
            ResponseFormat::Json => "json",
        }
    }

    /// The value for an exact wire text.
    pub fn from_wire(text: &str) -> Option<Self> {
        match text {
            "original" => Some(ResponseFormat::Original),
            "custom" => Some(ResponseFormat::Custom),
            "json" => Some(ResponseFormat::Json),
            _ => None,
        }
    }
}

impl fmt::Display for ResponseFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ResponseFormat {
    type Err = TokenError;

    /// Exactly `original`, `custom` or `json`; anything else is code 1048.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResponseFormat::from_wire(s).ok_or_else(|| TokenError::ResponseFormat { value: clip(s) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drm_type_names() {
        for d in DrmType::ALL {
            assert_eq!(d.as_str().parse::<DrmType>(), Ok(d));
            assert_eq!(d.lower_name().parse::<DrmType>(), Ok(d));
        }
        assert!("WIDEVINE".parse::<DrmType>().is_err());
        assert!("WisePlay".parse::<DrmType>().is_err());
        assert_eq!(DrmType::WisePlay.as_str(), "Wiseplay");
    }

    #[test]
    fn response_formats() {
        assert_eq!("json".parse(), Ok(ResponseFormat::Json));
        let err = "JSON".parse::<ResponseFormat>().unwrap_err();
        assert_eq!(err.code().map(|c| c.get()), Some(1048));
    }
}

//! Request options: encryption scheme and track selection.

use std::fmt;
use std::str::FromStr;

use drm_policy::TrackType;

use crate::error::RequestError;

/// The common-encryption scheme written to `ContentKey@commonEncryptionScheme` (spec §2.3).
///
/// [`EncryptionScheme::None`] (the official clients' default) omits the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EncryptionScheme {
    /// No attribute (the KMS picks its default).
    #[default]
    None,
    /// `cenc`: AES-CTR, full-sample (DASH Widevine/PlayReady).
    Cenc,
    /// `cbc1`: AES-CBC, full-sample.
    Cbc1,
    /// `cens`: AES-CTR, pattern.
    Cens,
    /// `cbcs`: AES-CBC, pattern (HLS/CMAF FairPlay).
    Cbcs,
}

impl EncryptionScheme {
    /// Every scheme.
    pub const ALL: [EncryptionScheme; 5] = [
        EncryptionScheme::None,
        EncryptionScheme::Cenc,
        EncryptionScheme::Cbc1,
        EncryptionScheme::Cens,
        EncryptionScheme::Cbcs,
    ];

    /// The lower-case name: `none`, `cenc`, `cbc1`, `cens`, `cbcs`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EncryptionScheme::None => "none",
            EncryptionScheme::Cenc => "cenc",
            EncryptionScheme::Cbc1 => "cbc1",
            EncryptionScheme::Cens => "cens",
            EncryptionScheme::Cbcs => "cbcs",
        }
    }

    /// The attribute value, `None` for [`EncryptionScheme::None`].
    pub const fn attribute(self) -> Option<&'static str> {
        match self {
            EncryptionScheme::None => None,
            other => Some(other.as_str()),
        }
    }
}

impl fmt::Display for EncryptionScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EncryptionScheme {
    type Err = RequestError;

    /// Any case; the empty text means `none`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.is_empty() {
            return Ok(EncryptionScheme::None);
        }
        EncryptionScheme::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| RequestError::InvalidScheme {
                value: s.chars().take(64).collect(),
            })
    }
}

/// The track types a multi-key request can name, in the order keys are written
/// (the Python client's order).
pub const KEY_TRACKS: [TrackType; 5] = [
    TrackType::Audio,
    TrackType::Sd,
    TrackType::Hd,
    TrackType::Uhd1,
    TrackType::Uhd2,
];

/// Which keys a request asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum TrackSelection {
    /// One key for every track (`ALL_TRACKS`), sent as a single usage rule
    /// `intendedTrackType="HD"` as every official client does.
    #[default]
    All,
    /// One key per listed track type (a non-empty subset of AUDIO, SD, HD, UHD1, UHD2, kept in
    /// [`KEY_TRACKS`] order without repeats).
    Keys(Vec<TrackType>),
}

impl TrackSelection {
    /// A multi-key selection.
    ///
    /// # Errors
    /// [`RequestError::NoTrack`] when empty, [`RequestError::TrackNotAllowed`] for `ALL` or
    /// `ALL_VIDEO`.
    pub fn keys(tracks: impl IntoIterator<Item = TrackType>) -> Result<Self, RequestError> {
        let mut wanted = Vec::new();
        for t in tracks {
            if !KEY_TRACKS.contains(&t) {
                return Err(RequestError::TrackNotAllowed { track: t });
            }
            wanted.push(t);
        }
        let ordered: Vec<TrackType> = KEY_TRACKS
            .into_iter()
            .filter(|t| wanted.contains(t))
            .collect();
        if ordered.is_empty() {
            return Err(RequestError::NoTrack);
        }
        Ok(TrackSelection::Keys(ordered))
    }

    /// The track type of each key, in request order (`[HD]` for [`TrackSelection::All`]).
    pub fn key_tracks(&self) -> Vec<TrackType> {
        match self {
            TrackSelection::All => vec![TrackType::Hd],
            TrackSelection::Keys(t) => t.clone(),
        }
    }

    /// Number of keys.
    pub fn key_count(&self) -> usize {
        match self {
            TrackSelection::All => 1,
            TrackSelection::Keys(t) => t.len(),
        }
    }

    /// True for [`TrackSelection::All`].
    pub fn is_all(&self) -> bool {
        matches!(self, TrackSelection::All)
    }
}

impl fmt::Display for TrackSelection {
    /// `all`, or the comma-separated track names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrackSelection::All => f.write_str("all"),
            TrackSelection::Keys(t) => {
                let names: Vec<&str> = t.iter().map(|t| t.as_str()).collect();
                f.write_str(&names.join(","))
            }
        }
    }
}

impl FromStr for TrackSelection {
    type Err = RequestError;

    /// `all` (or `ALL_TRACKS`), or a comma-separated list of AUDIO, SD, HD, UHD1, UHD2, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("all") || t.eq_ignore_ascii_case("all_tracks") {
            return Ok(TrackSelection::All);
        }
        let mut tracks = Vec::new();
        for part in t.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let track = KEY_TRACKS
                .into_iter()
                .find(|k| k.as_str().eq_ignore_ascii_case(part))
                .ok_or_else(|| RequestError::InvalidTrack {
                    value: part.chars().take(64).collect(),
                })?;
            tracks.push(track);
        }
        TrackSelection::keys(tracks)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn schemes_parse_any_case() {
        assert_eq!(
            "CBCS".parse::<EncryptionScheme>().unwrap(),
            EncryptionScheme::Cbcs
        );
        assert_eq!(
            "none".parse::<EncryptionScheme>().unwrap(),
            EncryptionScheme::None
        );
        assert_eq!(EncryptionScheme::None.attribute(), None);
        assert_eq!(EncryptionScheme::Cens.attribute(), Some("cens"));
        assert!("aes".parse::<EncryptionScheme>().is_err());
    }

    #[test]
    fn track_selection_parses_and_orders() {
        assert_eq!(
            "all".parse::<TrackSelection>().unwrap(),
            TrackSelection::All
        );
        let t: TrackSelection = "hd,AUDIO,uhd2,HD".parse().unwrap();
        assert_eq!(
            t,
            TrackSelection::Keys(vec![TrackType::Audio, TrackType::Hd, TrackType::Uhd2])
        );
        assert_eq!(t.to_string(), "AUDIO,HD,UHD2");
        assert_eq!(TrackSelection::All.key_tracks(), vec![TrackType::Hd]);
        assert!(matches!(
            "FHD".parse::<TrackSelection>(),
            Err(RequestError::InvalidTrack { .. })
        ));
        assert!(matches!(
            ",".parse::<TrackSelection>(),
            Err(RequestError::NoTrack)
        ));
        assert!(matches!(
            TrackSelection::keys([TrackType::AllVideo]),
            Err(RequestError::TrackNotAllowed { .. })
        ));
    }
}

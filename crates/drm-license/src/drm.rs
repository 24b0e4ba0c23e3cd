//! The DRM a license request is for.

use std::fmt;
use std::str::FromStr;

use drm_token::DrmType;

/// The DRM of a license request: the five token DRM types plus W3C ClearKey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Drm {
    /// Google Widevine.
    Widevine,
    /// Microsoft PlayReady.
    PlayReady,
    /// Apple FairPlay Streaming.
    FairPlay,
    /// INKA NCG (SDK only).
    Ncg,
    /// Huawei WisePlay.
    WisePlay,
    /// W3C Clear Key.
    ClearKey,
}

/// A DRM name that is not one of [`Drm`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown DRM {value:?}: expected widevine, playready, fairplay, ncg, wiseplay or clearkey")]
pub struct UnknownDrm {
    /// The text received (at most 64 characters of it).
    pub value: String,
}

impl Drm {
    /// Every DRM.
    pub const ALL: [Drm; 6] = [
        Drm::Widevine,
        Drm::PlayReady,
        Drm::FairPlay,
        Drm::Ncg,
        Drm::WisePlay,
        Drm::ClearKey,
    ];

    /// The lower-case name used in URLs and on the command line: `widevine`, `playready`,
    /// `fairplay`, `ncg`, `wiseplay`, `clearkey`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Drm::Widevine => "widevine",
            Drm::PlayReady => "playready",
            Drm::FairPlay => "fairplay",
            Drm::Ncg => "ncg",
            Drm::WisePlay => "wiseplay",
            Drm::ClearKey => "clearkey",
        }
    }

    /// The token's `drm_type` for this DRM; `None` for ClearKey, which has no token type.
    pub const fn token_type(self) -> Option<DrmType> {
        match self {
            Drm::Widevine => Some(DrmType::Widevine),
            Drm::PlayReady => Some(DrmType::PlayReady),
            Drm::FairPlay => Some(DrmType::FairPlay),
            Drm::Ncg => Some(DrmType::Ncg),
            Drm::WisePlay => Some(DrmType::WisePlay),
            Drm::ClearKey => None,
        }
    }

    /// The DRM whose token type this is.
    pub const fn from_token_type(drm_type: DrmType) -> Self {
        match drm_type {
            DrmType::Widevine => Drm::Widevine,
            DrmType::PlayReady => Drm::PlayReady,
            DrmType::FairPlay => Drm::FairPlay,
            DrmType::Ncg => Drm::Ncg,
            DrmType::WisePlay => Drm::WisePlay,
        }
    }
}

impl fmt::Display for Drm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Drm {
    type Err = UnknownDrm;

    /// Any letter case: `widevine`, `Widevine`, `WIDEVINE`, `Wiseplay`, `clearkey`…
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Drm::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownDrm {
                value: s.chars().take(64).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_any_case() {
        for drm in Drm::ALL {
            assert_eq!(drm.as_str().parse::<Drm>(), Ok(drm));
            assert_eq!(drm.as_str().to_uppercase().parse::<Drm>(), Ok(drm));
        }
        assert_eq!("Wiseplay".parse::<Drm>(), Ok(Drm::WisePlay));
        assert!("hls".parse::<Drm>().is_err());
    }

    #[test]
    fn token_types_match() {
        for drm in Drm::ALL {
            if let Some(t) = drm.token_type() {
                assert_eq!(Drm::from_token_type(t), drm);
            }
        }
        assert_eq!(Drm::ClearKey.token_type(), None);
    }
}

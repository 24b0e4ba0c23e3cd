//! The nine DRM systems of the DoveRunner KMS: system ids, official names, CLI names.
//!
//! The official clients compare the exact upper-case system-id strings of
//! [`DrmSystem::system_id_str`]; the KMS echoes whatever case the request used, so lookups here
//! ([`DrmSystem::from_system_id`]) compare UUIDs, not strings.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// A DRM system the DoveRunner KMS can produce signalling for (spec §2.3).
///
/// The variant order is the order in which the official clients list `DRMSystem` elements per
/// key ([`DrmSystem::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DrmSystem {
    /// Google Widevine (`WIDEVINE`).
    Widevine,
    /// Microsoft PlayReady (`PLAYREADY`).
    PlayReady,
    /// Apple FairPlay Streaming (`FAIRPLAY`).
    FairPlay,
    /// Huawei WisePlay, same system id as ChinaDRM (`WISEPLAY`).
    WisePlay,
    /// DoveRunner NCG (`NCG`), single-key only.
    Ncg,
    /// NCG HLS with AES-128 (`NCGHLS_AES128`), single-key only.
    NcgHlsAes128,
    /// NCG HLS with SAMPLE-AES (`NCGHLS_SAMPLEAES`), single-key only.
    NcgHlsSampleAes,
    /// Clear-key HLS AES-128 (`AES128`), single-key only.
    Aes128,
    /// Clear-key HLS SAMPLE-AES (`SAMPLEAES`), single-key only.
    SampleAes,
}

/// The Widevine system id as a UUID.
pub const WIDEVINE_SYSTEM_ID: Uuid = Uuid::from_u128(0xEDEF8BA9_79D6_4ACE_A3C8_27DCD51D21ED);
/// The PlayReady system id as a UUID.
pub const PLAYREADY_SYSTEM_ID: Uuid = Uuid::from_u128(0x9A04F079_9840_4286_AB92_E65BE0885F95);
/// The FairPlay system id used in CPIX `DRMSystem@systemId` by DoveRunner.
pub const FAIRPLAY_SYSTEM_ID: Uuid = Uuid::from_u128(0x94CE86FB_07FF_4F43_ADB8_93D2FA968CA2);
/// The WisePlay (ChinaDRM) system id.
pub const WISEPLAY_SYSTEM_ID: Uuid = Uuid::from_u128(0x3D5E6D35_9B9A_41E8_B843_DD3C6E72C42C);
/// The DoveRunner NCG system id.
pub const NCG_SYSTEM_ID: Uuid = Uuid::from_u128(0xD9E4411A_E886_4909_A380_A77F28D52335);
/// The NCG HLS AES-128 system id (= the generic HLS AES-128 id used by SPEKE).
pub const NCGHLS_AES128_SYSTEM_ID: Uuid = Uuid::from_u128(0x81376844_F976_481E_A84E_CC25D39B0B33);
/// The NCG HLS SAMPLE-AES system id.
pub const NCGHLS_SAMPLEAES_SYSTEM_ID: Uuid =
    Uuid::from_u128(0x48582A1D_1FF4_426E_8CD5_06424FCC578C);
/// The clear-key HLS AES-128 system id.
pub const AES128_SYSTEM_ID: Uuid = Uuid::from_u128(0x3EA8778F_7742_4BF9_B18B_E834B2ACBD47);
/// The clear-key HLS SAMPLE-AES system id.
pub const SAMPLEAES_SYSTEM_ID: Uuid = Uuid::from_u128(0xBE58615B_19C4_4684_88B3_C8C57E99E957);

impl DrmSystem {
    /// All nine systems, in the official clients' per-key order.
    pub const ALL: [DrmSystem; 9] = [
        DrmSystem::Widevine,
        DrmSystem::PlayReady,
        DrmSystem::FairPlay,
        DrmSystem::WisePlay,
        DrmSystem::Ncg,
        DrmSystem::NcgHlsAes128,
        DrmSystem::NcgHlsSampleAes,
        DrmSystem::Aes128,
        DrmSystem::SampleAes,
    ];

    /// The system id as a UUID.
    pub const fn system_id(self) -> Uuid {
        match self {
            DrmSystem::Widevine => WIDEVINE_SYSTEM_ID,
            DrmSystem::PlayReady => PLAYREADY_SYSTEM_ID,
            DrmSystem::FairPlay => FAIRPLAY_SYSTEM_ID,
            DrmSystem::WisePlay => WISEPLAY_SYSTEM_ID,
            DrmSystem::Ncg => NCG_SYSTEM_ID,
            DrmSystem::NcgHlsAes128 => NCGHLS_AES128_SYSTEM_ID,
            DrmSystem::NcgHlsSampleAes => NCGHLS_SAMPLEAES_SYSTEM_ID,
            DrmSystem::Aes128 => AES128_SYSTEM_ID,
            DrmSystem::SampleAes => SAMPLEAES_SYSTEM_ID,
        }
    }

    /// The exact upper-case system-id string the official clients send (`DRMSystem@systemId`).
    pub const fn system_id_str(self) -> &'static str {
        match self {
            DrmSystem::Widevine => "EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED",
            DrmSystem::PlayReady => "9A04F079-9840-4286-AB92-E65BE0885F95",
            DrmSystem::FairPlay => "94CE86FB-07FF-4F43-ADB8-93D2FA968CA2",
            DrmSystem::WisePlay => "3D5E6D35-9B9A-41E8-B843-DD3C6E72C42C",
            DrmSystem::Ncg => "D9E4411A-E886-4909-A380-A77F28D52335",
            DrmSystem::NcgHlsAes128 => "81376844-F976-481E-A84E-CC25D39B0B33",
            DrmSystem::NcgHlsSampleAes => "48582A1D-1FF4-426E-8CD5-06424FCC578C",
            DrmSystem::Aes128 => "3EA8778F-7742-4BF9-B18B-E834B2ACBD47",
            DrmSystem::SampleAes => "BE58615B-19C4-4684-88B3-C8C57E99E957",
        }
    }

    /// The official `DrmType` name: `WIDEVINE`, `PLAYREADY`, `FAIRPLAY`, `WISEPLAY`, `NCG`,
    /// `NCGHLS_AES128`, `NCGHLS_SAMPLEAES`, `AES128`, `SAMPLEAES`.
    pub const fn official_name(self) -> &'static str {
        match self {
            DrmSystem::Widevine => "WIDEVINE",
            DrmSystem::PlayReady => "PLAYREADY",
            DrmSystem::FairPlay => "FAIRPLAY",
            DrmSystem::WisePlay => "WISEPLAY",
            DrmSystem::Ncg => "NCG",
            DrmSystem::NcgHlsAes128 => "NCGHLS_AES128",
            DrmSystem::NcgHlsSampleAes => "NCGHLS_SAMPLEAES",
            DrmSystem::Aes128 => "AES128",
            DrmSystem::SampleAes => "SAMPLEAES",
        }
    }

    /// The lower-case name used on the command line and as the JSON field prefix of the
    /// official client's full record (`widevine`, `ncghls_aes128`, …).
    pub const fn cli_name(self) -> &'static str {
        match self {
            DrmSystem::Widevine => "widevine",
            DrmSystem::PlayReady => "playready",
            DrmSystem::FairPlay => "fairplay",
            DrmSystem::WisePlay => "wiseplay",
            DrmSystem::Ncg => "ncg",
            DrmSystem::NcgHlsAes128 => "ncghls_aes128",
            DrmSystem::NcgHlsSampleAes => "ncghls_sampleaes",
            DrmSystem::Aes128 => "aes128",
            DrmSystem::SampleAes => "sampleaes",
        }
    }

    /// True for the systems the KMS supports only with a single key (NCG and clear-key HLS).
    pub const fn is_single_key_only(self) -> bool {
        matches!(
            self,
            DrmSystem::Ncg
                | DrmSystem::NcgHlsAes128
                | DrmSystem::NcgHlsSampleAes
                | DrmSystem::Aes128
                | DrmSystem::SampleAes
        )
    }

    /// True for the systems whose KMS response carries a PSSH box and `ContentProtectionData`
    /// (Widevine, PlayReady, WisePlay).
    pub const fn has_pssh(self) -> bool {
        matches!(
            self,
            DrmSystem::Widevine | DrmSystem::PlayReady | DrmSystem::WisePlay
        )
    }

    /// True for the systems whose KMS response carries a `URIExtXKey` (FairPlay, NCG and the
    /// HLS systems).
    pub const fn has_uri_ext_x_key(self) -> bool {
        !self.has_pssh()
    }

    /// The system with this UUID, if it is one of the nine.
    pub fn from_uuid(id: Uuid) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.system_id() == id)
    }

    /// The system with this system-id text (any case, with or without dashes, optional braces).
    pub fn from_system_id(text: &str) -> Option<Self> {
        if text.len() > 64 {
            return None;
        }
        Uuid::try_parse(text.trim()).ok().and_then(Self::from_uuid)
    }
}

impl fmt::Display for DrmSystem {
    /// The official name (`WIDEVINE`, …).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.official_name())
    }
}

/// Why a text names none of the nine DRM systems.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown DRM system {value:?}: expected one of widevine, playready, fairplay, wiseplay, ncg, \
     ncghls_aes128, ncghls_sampleaes, aes128, sampleaes (or a system id)"
)]
pub struct UnknownDrmSystem {
    /// The rejected text (at most 64 characters of it).
    pub value: String,
}

impl FromStr for DrmSystem {
    type Err = UnknownDrmSystem;

    /// Accepts the official or CLI name in any case (`-` and `_` are interchangeable) or a
    /// system id (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let normalized: String = t
            .chars()
            .take(64)
            .map(|c| {
                if c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Self::ALL
            .into_iter()
            .find(|d| d.cli_name() == normalized)
            .or_else(|| Self::from_system_id(t))
            .ok_or_else(|| UnknownDrmSystem {
                value: s.chars().take(64).collect(),
            })
    }
}

impl TryFrom<&str> for DrmSystem {
    type Error = UnknownDrmSystem;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl serde::Serialize for DrmSystem {
    /// Serialized as the official name (`WIDEVINE`, …).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.official_name())
    }
}

impl<'de> serde::Deserialize<'de> for DrmSystem {
    /// Accepts everything [`FromStr`] accepts.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ids_match_their_strings() {
        for d in DrmSystem::ALL {
            assert_eq!(
                d.system_id().hyphenated().to_string().to_uppercase(),
                d.system_id_str()
            );
            assert_eq!(DrmSystem::from_system_id(d.system_id_str()), Some(d));
            assert_eq!(
                DrmSystem::from_system_id(&d.system_id_str().to_lowercase()),
                Some(d)
            );
            assert_eq!(d.official_name().to_lowercase(), d.cli_name());
        }
    }

    #[test]
    fn names_parse() {
        for d in DrmSystem::ALL {
            assert_eq!(d.official_name().parse::<DrmSystem>().unwrap(), d);
            assert_eq!(d.cli_name().parse::<DrmSystem>().unwrap(), d);
            assert_eq!(d.system_id_str().parse::<DrmSystem>().unwrap(), d);
        }
        assert_eq!(
            "ncghls-aes128".parse::<DrmSystem>().unwrap(),
            DrmSystem::NcgHlsAes128
        );
        assert_eq!(
            "81376844-f976-481e-a84e-cc25d39b0b33"
                .parse::<DrmSystem>()
                .unwrap(),
            DrmSystem::NcgHlsAes128
        );
        assert!("clearkey".parse::<DrmSystem>().is_err());
        assert!("".parse::<DrmSystem>().is_err());
        assert!(
            "00000000-0000-0000-0000-000000000000"
                .parse::<DrmSystem>()
                .is_err()
        );
    }

    #[test]
    fn single_key_only_systems() {
        let single: Vec<_> = DrmSystem::ALL
            .into_iter()
            .filter(|d| d.is_single_key_only())
            .collect();
        assert_eq!(
            single,
            [
                DrmSystem::Ncg,
                DrmSystem::NcgHlsAes128,
                DrmSystem::NcgHlsSampleAes,
                DrmSystem::Aes128,
                DrmSystem::SampleAes
            ]
        );
    }

    #[test]
    fn serde_uses_official_names() {
        let json = serde_json::to_string(&DrmSystem::NcgHlsSampleAes).unwrap();
        assert_eq!(json, "\"NCGHLS_SAMPLEAES\"");
        let back: DrmSystem = serde_json::from_str("\"playready\"").unwrap();
        assert_eq!(back, DrmSystem::PlayReady);
    }
}

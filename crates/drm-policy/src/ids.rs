//! Identifiers shared by every multidrm crate: 16-byte key ids and the track types of DoveRunner.

use std::fmt;
use std::str::FromStr;

/// A 16-byte key identifier (KID), as used in CENC, CPIX and external keys.
///
/// Parsed from 32 hex digits (either case) or a UUID with dashes; printed as 32 lower-case hex
/// digits ([`KeyId::to_hex`]) or a lower-case UUID ([`KeyId::to_uuid_string`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 16]);

impl KeyId {
    /// A key id from its 16 bytes (big-endian UUID byte order).
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The 16 bytes (big-endian UUID byte order).
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// 32 lower-case hex digits, e.g. `6f43c2a5b8f44d3e9c1a2b3c4d5e6f70`.
    pub fn to_hex(&self) -> String {
        hex_lower(&self.0)
    }

    /// The UUID form, lower case with dashes: `6f43c2a5-b8f4-4d3e-9c1a-2b3c4d5e6f70`.
    pub fn to_uuid_string(&self) -> String {
        let h = self.to_hex();
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Why a text is not a key id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid key id {value:?}: expected 32 hex digits or a UUID with dashes")]
pub struct InvalidKeyId {
    /// The rejected text (key ids are not secret).
    pub value: String,
}

impl FromStr for KeyId {
    type Err = InvalidKeyId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || InvalidKeyId {
            value: s.chars().take(64).collect(),
        };
        let compact: String = if s.len() == 36 {
            let b = s.as_bytes();
            if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
                return Err(err());
            }
            s.chars().filter(|c| *c != '-').collect()
        } else {
            s.to_owned()
        };
        crate::hex::decode_array(&compact, HexCase::Any)
            .map(Self)
            .ok_or_else(err)
    }
}

impl TryFrom<&str> for KeyId {
    type Error = InvalidKeyId;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<[u8; 16]> for KeyId {
    fn from(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
}

/// The track types of DoveRunner policies and CPIX requests.
///
/// `ALL` and `ALL_VIDEO` exist only in license policies; CPIX multi-key requests use `AUDIO`,
/// `SD`, `HD`, `UHD1` and `UHD2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrackType {
    /// Every track.
    All,
    /// Every video track.
    AllVideo,
    /// Audio tracks.
    Audio,
    /// Standard definition (≤ 576p).
    Sd,
    /// High definition (720p–1080p).
    Hd,
    /// Ultra HD 4K.
    Uhd1,
    /// Ultra HD 8K.
    Uhd2,
}

impl TrackType {
    /// Every track type, in the order DoveRunner lists them.
    pub const ALL_VALUES: [TrackType; 7] = [
        TrackType::All,
        TrackType::AllVideo,
        TrackType::Audio,
        TrackType::Sd,
        TrackType::Hd,
        TrackType::Uhd1,
        TrackType::Uhd2,
    ];

    /// The wire name: `ALL`, `ALL_VIDEO`, `AUDIO`, `SD`, `HD`, `UHD1`, `UHD2`.
    pub const fn as_str(self) -> &'static str {
        match self {
            TrackType::All => "ALL",
            TrackType::AllVideo => "ALL_VIDEO",
            TrackType::Audio => "AUDIO",
            TrackType::Sd => "SD",
            TrackType::Hd => "HD",
            TrackType::Uhd1 => "UHD1",
            TrackType::Uhd2 => "UHD2",
        }
    }
}

impl Default for TrackType {
    /// `ALL`, the server's default.
    fn default() -> Self {
        TrackType::All
    }
}

impl fmt::Display for TrackType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text is not a track type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid track type {value:?}: expected one of ALL, ALL_VIDEO, AUDIO, SD, HD, UHD1, UHD2")]
pub struct InvalidTrackType {
    /// The rejected text.
    pub value: String,
}

impl FromStr for TrackType {
    type Err = InvalidTrackType;

    /// Exact, case-sensitive wire names (the license server compares them exactly).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TrackType::ALL_VALUES
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| InvalidTrackType {
                value: s.chars().take(64).collect(),
            })
    }
}

impl serde::Serialize for TrackType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for TrackType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

pub use crate::hex::HexCase;

/// Lower-case hex of `bytes` (kept here for existing callers; see [`crate::hex`]).
pub fn hex_lower(bytes: &[u8]) -> String {
    crate::hex::encode_lower(bytes)
}

/// Decodes hex text; `None` on an odd length or a digit outside `case` (kept here for existing
/// callers; see [`crate::hex`]).
pub fn decode_hex(text: &str, case: HexCase) -> Option<Vec<u8>> {
    crate::hex::decode(text, case)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_parses_hex_and_uuid_forms() {
        let a: KeyId = "6F43C2A5B8F44D3E9C1A2B3C4D5E6F70".parse().unwrap();
        let b: KeyId = "6f43c2a5-b8f4-4d3e-9c1a-2b3c4d5e6f70".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_hex(), "6f43c2a5b8f44d3e9c1a2b3c4d5e6f70");
        assert_eq!(a.to_uuid_string(), "6f43c2a5-b8f4-4d3e-9c1a-2b3c4d5e6f70");
    }

    #[test]
    fn key_id_rejects_bad_text() {
        for bad in [
            "",
            "6f43",
            "6f43c2a5b8f44d3e9c1a2b3c4d5e6f7g",
            "6f43c2a5xb8f4-4d3e-9c1a-2b3c4d5e6f70",
        ] {
            assert!(bad.parse::<KeyId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn track_types_round_trip_exactly() {
        for t in TrackType::ALL_VALUES {
            assert_eq!(t.as_str().parse::<TrackType>().unwrap(), t);
        }
        assert!("hd".parse::<TrackType>().is_err());
        assert!("FHD".parse::<TrackType>().is_err());
    }

    #[test]
    fn hex_case_rules() {
        assert_eq!(decode_hex("0aFf", HexCase::Any), Some(vec![0x0a, 0xff]));
        assert_eq!(decode_hex("0aFf", HexCase::Lower), None);
        assert_eq!(decode_hex("0af", HexCase::Any), None);
        assert_eq!(hex_lower(&[0x0a, 0xff]), "0aff");
    }
}

/// A text or number outside a closed value set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {kind}")]
pub struct UnknownValue {
    /// The value set, e.g. `HdcpVersion`.
    pub kind: &'static str,
    /// The rejected value (at most 64 characters of it).
    pub value: String,
}

impl UnknownValue {
    pub(crate) fn new(kind: &'static str, value: &str) -> Self {
        Self {
            kind,
            value: value.chars().take(64).collect(),
        }
    }
}

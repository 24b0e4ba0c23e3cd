//! FairPlay Streaming: `skd://` key URIs (spec §4.4) and, in [`hls`], the HLS key tag lines
//! (`#EXT-X-KEY`, `#EXT-X-SESSION-KEY`) that the KMS returns as `HLSSignalingData`.
//!
//! DoveRunner writes two URI forms:
//! * `skd://{base64 of the 16 KID bytes, big-endian, standard alphabet with padding}` (v2 API);
//! * with key rotation `skd://{content id}{period index as 16 lower-case hex digits}`.
//!
//! The part after `skd://` is what players pass on as the FairPlay asset id.
//!
//! ```
//! use drm_cpix::fairplay::SkdUri;
//!
//! let kid = "cbbc38b6-b50d-ab53-f826-3e06b7382aa3".parse().unwrap();
//! let uri = SkdUri::for_key_id(&kid);
//! assert_eq!(uri.to_string(), "skd://y7w4trUNq1P4Jj4Gtzgqow==");
//! assert_eq!(SkdUri::parse("skd://y7w4trUNq1P4Jj4Gtzgqow==").unwrap().key_id(), Some(kid));
//!
//! let rotated = SkdUri::for_period("cpix-test-cid", 128).unwrap();
//! assert_eq!(rotated.to_string(), "skd://cpix-test-cid0000000000000080");
//! assert_eq!(rotated.rotation(), Some(("cpix-test-cid", 128)));
//! ```

pub mod hls;

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::KeyId;
use uuid::Uuid;

use crate::pssh::PsshBox;

pub use hls::{HlsKeyLine, HlsKeyTag, HlsMethod};

/// The URI scheme prefix of FairPlay key URIs.
pub const SKD_SCHEME: &str = "skd://";

/// The HLS `KEYFORMAT` of FairPlay Streaming.
pub const FAIRPLAY_KEYFORMAT: &str = "com.apple.streamingkeydelivery";

/// The HLS `KEYFORMATVERSIONS` DoveRunner writes.
pub const FAIRPLAY_KEYFORMAT_VERSIONS: &str = "1";

/// The CMAF FairPlay system id (`29701fe4-3cc7-4a34-8c5b-ae90c7439a47`), used in `pssh` boxes
/// of CMAF/fMP4 FairPlay content. It differs from the CPIX `DRMSystem@systemId` DoveRunner uses
/// for FairPlay ([`crate::system::FAIRPLAY_SYSTEM_ID`]).
pub const FAIRPLAY_CMAF_SYSTEM_ID: Uuid = Uuid::from_u128(0x29701FE4_3CC7_4A34_8C5B_AE90C7439A47);

/// Longest key URI accepted: 2048 bytes.
pub const MAX_KEY_URI_LEN: usize = 2048;

/// The empty version-0 CMAF FairPlay `pssh` box DoveRunner's Shaka Packager sample appends to
/// `--pssh` (`00000020 70737368 00000000 29701FE4… 00000000`).
pub fn empty_cmaf_pssh() -> PsshBox {
    PsshBox::v0(FAIRPLAY_CMAF_SYSTEM_ID, Vec::new())
}

/// Why a text is not a usable FairPlay URI or HLS key line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FairPlayError {
    /// The URI does not start with `skd://`.
    #[error("key URI does not start with skd://")]
    NotSkd,
    /// The asset id is empty, too long, or has characters an HLS quoted string cannot hold.
    #[error("invalid FairPlay asset id: {reason}")]
    InvalidAssetId {
        /// What is wrong.
        reason: &'static str,
    },
    /// The line is not an `#EXT-X-KEY` / `#EXT-X-SESSION-KEY` tag.
    #[error("not an HLS key tag line (expected #EXT-X-KEY: or #EXT-X-SESSION-KEY:)")]
    NotKeyTag,
    /// The line is longer than the limit.
    #[error("HLS line of {len} bytes exceeds the limit of {max} bytes")]
    TooLong {
        /// Line length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A malformed attribute list.
    #[error("malformed HLS attribute list at byte {offset}: {reason}")]
    Attribute {
        /// Offset in the attribute list.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// An attribute appears twice.
    #[error("HLS attribute {name} appears more than once")]
    DuplicateAttribute {
        /// The attribute name.
        name: String,
    },
    /// `METHOD` is missing.
    #[error("HLS key tag has no METHOD attribute")]
    MissingMethod,
    /// `IV` is not `0x` followed by 32 hex digits.
    #[error("HLS IV is not 0x followed by 32 hex digits: {value:?}")]
    InvalidIv {
        /// The value (at most 64 characters).
        value: String,
    },
    /// A value that cannot be written in an HLS quoted string.
    #[error("HLS attribute {name} cannot hold {reason}")]
    Unencodable {
        /// The attribute name.
        name: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

/// A FairPlay key URI `skd://{asset id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SkdUri {
    asset_id: String,
}

impl SkdUri {
    /// `skd://` + standard base64 (with padding) of the KID bytes (DoveRunner's v2 form).
    pub fn for_key_id(key_id: &KeyId) -> Self {
        Self {
            asset_id: STANDARD.encode(key_id.as_bytes()),
        }
    }

    /// `skd://{content_id}{period_index:016x}` (DoveRunner's key-rotation form).
    ///
    /// # Errors
    /// [`FairPlayError::InvalidAssetId`] when the content id cannot be carried in an HLS line.
    pub fn for_period(content_id: &str, period_index: u64) -> Result<Self, FairPlayError> {
        Self::from_asset_id(&format!("{content_id}{period_index:016x}"))
    }

    /// `skd://{asset_id}` for any asset id.
    ///
    /// # Errors
    /// [`FairPlayError::InvalidAssetId`] when empty, longer than [`MAX_KEY_URI_LEN`], or holding
    /// whitespace, control characters or `"`.
    pub fn from_asset_id(asset_id: &str) -> Result<Self, FairPlayError> {
        validate_asset_id(asset_id)?;
        Ok(Self {
            asset_id: asset_id.to_owned(),
        })
    }

    /// Parses `skd://…` (scheme case-insensitive, surrounding whitespace ignored).
    ///
    /// # Errors
    /// [`FairPlayError::NotSkd`] or [`FairPlayError::InvalidAssetId`].
    pub fn parse(uri: &str) -> Result<Self, FairPlayError> {
        let uri = uri.trim();
        let scheme = uri.get(..SKD_SCHEME.len()).ok_or(FairPlayError::NotSkd)?;
        if !scheme.eq_ignore_ascii_case(SKD_SCHEME) {
            return Err(FairPlayError::NotSkd);
        }
        Self::from_asset_id(uri.get(SKD_SCHEME.len()..).unwrap_or_default())
    }

    /// The part after `skd://`.
    pub fn asset_id(&self) -> &str {
        &self.asset_id
    }

    /// The KID when the asset id is standard base64 of 16 bytes (the v2 form).
    pub fn key_id(&self) -> Option<KeyId> {
        if self.asset_id.len() != 24 {
            return None;
        }
        STANDARD
            .decode(&self.asset_id)
            .ok()
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .map(KeyId::from_bytes)
    }

    /// `(content id, period index)` when the asset id is a non-empty content id followed by
    /// 16 lower-case hex digits (the key-rotation form).
    pub fn rotation(&self) -> Option<(&str, u64)> {
        let split = self.asset_id.len().checked_sub(16).filter(|s| *s > 0)?;
        let (cid, suffix) = (self.asset_id.get(..split)?, self.asset_id.get(split..)?);
        if !suffix
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return None;
        }
        u64::from_str_radix(suffix, 16).ok().map(|p| (cid, p))
    }
}

impl fmt::Display for SkdUri {
    /// The full URI, `skd://…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{SKD_SCHEME}{}", self.asset_id)
    }
}

impl FromStr for SkdUri {
    type Err = FairPlayError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn validate_asset_id(asset_id: &str) -> Result<(), FairPlayError> {
    if asset_id.is_empty() {
        return Err(FairPlayError::InvalidAssetId { reason: "empty" });
    }
    if asset_id.len() + SKD_SCHEME.len() > MAX_KEY_URI_LEN {
        return Err(FairPlayError::InvalidAssetId {
            reason: "longer than 2048 bytes",
        });
    }
    if asset_id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"')
    {
        return Err(FairPlayError::InvalidAssetId {
            reason: "contains whitespace, a control character or a double quote",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn kid_form_round_trip() {
        let kid: KeyId = "6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3".parse().unwrap();
        let uri = SkdUri::for_key_id(&kid);
        let back: SkdUri = uri.to_string().parse().unwrap();
        assert_eq!(back.key_id(), Some(kid));
        assert_eq!(back.rotation(), None);
    }

    #[test]
    fn rotation_form() {
        let uri = SkdUri::parse("skd://sample-live0000000000000005").unwrap();
        assert_eq!(uri.rotation(), Some(("sample-live", 5)));
        assert_eq!(uri.key_id(), None);
        assert_eq!(SkdUri::parse("SKD://abc").unwrap().asset_id(), "abc");
        assert_eq!(
            SkdUri::parse("skd://0000000000000005").unwrap().rotation(),
            None
        );
    }

    #[test]
    fn bad_uris() {
        for bad in ["", "skd://", "http://x", "skd://a b", "skd://a\"b", "sk"] {
            assert!(SkdUri::parse(bad).is_err(), "{bad}");
        }
        assert!(SkdUri::parse(&format!("skd://{}", "a".repeat(3000))).is_err());
        assert!(SkdUri::for_period("bad\ncid", 1).is_err());
    }

    #[test]
    fn empty_cmaf_box_bytes() {
        let bytes = empty_cmaf_pssh().to_bytes().unwrap();
        assert_eq!(
            drm_policy::hex::encode_lower(&bytes),
            "000000207073736800000000\
             29701fe43cc74a348c5bae90c7439a4700000000"
        );
    }
}

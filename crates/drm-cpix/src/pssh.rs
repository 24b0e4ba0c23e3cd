//! ISO/IEC 23001-7 `pssh` boxes (Protection System Specific Header), versions 0 and 1.
//!
//! Layout: `u32be size | "pssh" | u8 version | u24 flags | 16-byte system id |
//! (v1: u32be KID count, KID[16]…) | u32be data size | data`. DoveRunner's KMS returns
//! version-0 boxes for Widevine, PlayReady and WisePlay; version-1 boxes carry the KIDs in clear.
//!
//! Decoding is bounded ([`MAX_PSSH_LEN`]) and never panics: hostile bytes give a [`PsshError`].
//!
//! ```
//! use drm_cpix::pssh::PsshBox;
//! use drm_cpix::system::WIDEVINE_SYSTEM_ID;
//!
//! let pssh = PsshBox::v0(WIDEVINE_SYSTEM_ID, vec![0x08, 0x01]);
//! let bytes = pssh.to_bytes().unwrap();
//! assert_eq!(bytes.len(), 32 + 2);
//! assert_eq!(PsshBox::parse(&bytes).unwrap(), pssh);
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::KeyId;
pub use uuid::Uuid;

use crate::system::DrmSystem;

/// Largest `pssh` box (and largest base64 text, in decoded bytes) the decoder accepts: 1 MiB.
pub const MAX_PSSH_LEN: usize = 1 << 20;

/// The four-character box type.
pub const PSSH_BOX_TYPE: [u8; 4] = *b"pssh";

/// Why bytes are not a usable `pssh` box.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PsshError {
    /// The input ended before a field could be read.
    #[error(
        "pssh box truncated: {field} needs {needed} bytes at offset {offset}, {available} left"
    )]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// Its offset in the box.
        offset: usize,
        /// Bytes it needs.
        needed: usize,
        /// Bytes that were left.
        available: usize,
    },
    /// The input is larger than [`MAX_PSSH_LEN`].
    #[error("pssh input of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The box type is not `pssh`.
    #[error("not a pssh box: box type is {found:?}")]
    NotPssh {
        /// The box type found (lossy text).
        found: String,
    },
    /// The box size field disagrees with the input length.
    #[error("pssh box size field says {declared} bytes but {actual} bytes were given")]
    SizeMismatch {
        /// The declared box size.
        declared: u64,
        /// The input length.
        actual: usize,
    },
    /// A box version other than 0 or 1.
    #[error("unsupported pssh box version {version} (expected 0 or 1)")]
    UnsupportedVersion {
        /// The version byte.
        version: u8,
    },
    /// The v1 KID count does not fit in the box.
    #[error("pssh KID count {count} does not fit in the remaining {available} bytes")]
    KidCount {
        /// The declared count.
        count: u32,
        /// Bytes left in the box.
        available: usize,
    },
    /// The data size field disagrees with the remaining bytes.
    #[error("pssh data size field says {declared} bytes but {available} bytes remain")]
    DataSizeMismatch {
        /// The declared data size.
        declared: u32,
        /// Bytes left in the box.
        available: usize,
    },
    /// A version-0 box cannot carry KIDs, or a field does not fit its 32-bit size.
    #[error("cannot encode pssh box: {reason}")]
    Unencodable {
        /// What is wrong.
        reason: &'static str,
    },
    /// The text is not standard base64.
    #[error("pssh text is not valid base64: {reason}")]
    Base64 {
        /// The decoder's message (no input echoed).
        reason: String,
    },
}

/// A parsed or to-be-built `pssh` box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PsshBox {
    /// Box version: 0 (no KID list) or 1 (KID list).
    pub version: u8,
    /// The 24-bit flags (0 in practice).
    pub flags: u32,
    /// The DRM system id.
    pub system_id: Uuid,
    /// KIDs of a version-1 box (big-endian UUID bytes); empty for version 0.
    pub key_ids: Vec<KeyId>,
    /// The system-specific data (Widevine protobuf, PlayReady Header Object, WisePlay JSON…).
    pub data: Vec<u8>,
}

impl PsshBox {
    /// A version-0 box.
    pub fn v0(system_id: Uuid, data: Vec<u8>) -> Self {
        Self {
            version: 0,
            flags: 0,
            system_id,
            key_ids: Vec::new(),
            data,
        }
    }

    /// A version-1 box with a KID list.
    pub fn v1(system_id: Uuid, key_ids: Vec<KeyId>, data: Vec<u8>) -> Self {
        Self {
            version: 1,
            flags: 0,
            system_id,
            key_ids,
            data,
        }
    }

    /// The DRM system, when the system id is one of the nine DoveRunner systems.
    pub fn drm_system(&self) -> Option<DrmSystem> {
        DrmSystem::from_uuid(self.system_id)
    }

    /// The encoded size in bytes.
    pub fn encoded_len(&self) -> usize {
        let kids = if self.version >= 1 {
            4 + 16 * self.key_ids.len()
        } else {
            0
        };
        4 + 4 + 4 + 16 + kids + 4 + self.data.len()
    }

    /// Encodes the box.
    ///
    /// # Errors
    /// [`PsshError::UnsupportedVersion`] for a version other than 0/1,
    /// [`PsshError::Unencodable`] for KIDs in a version-0 box, flags wider than 24 bits or a
    /// box larger than 4 GiB.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PsshError> {
        if self.version > 1 {
            return Err(PsshError::UnsupportedVersion {
                version: self.version,
            });
        }
        if self.version == 0 && !self.key_ids.is_empty() {
            return Err(PsshError::Unencodable {
                reason: "a version-0 pssh box has no KID list",
            });
        }
        if self.flags > 0x00ff_ffff {
            return Err(PsshError::Unencodable {
                reason: "pssh flags are 24 bits",
            });
        }
        let total = self.encoded_len();
        let size = u32::try_from(total).map_err(|_| PsshError::Unencodable {
            reason: "pssh box larger than 4 GiB",
        })?;
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&size.to_be_bytes());
        out.extend_from_slice(&PSSH_BOX_TYPE);
        out.push(self.version);
        out.extend_from_slice(&self.flags.to_be_bytes()[1..]);
        out.extend_from_slice(self.system_id.as_bytes());
        if self.version == 1 {
            // Cannot overflow: the whole box fits in u32.
            let count = u32::try_from(self.key_ids.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&count.to_be_bytes());
            for kid in &self.key_ids {
                out.extend_from_slice(kid.as_bytes());
            }
        }
        let data_len = u32::try_from(self.data.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&data_len.to_be_bytes());
        out.extend_from_slice(&self.data);
        Ok(out)
    }

    /// Encodes the box as standard base64 (the form of CPIX `<cpix:PSSH>`).
    ///
    /// # Errors
    /// As [`PsshBox::to_bytes`].
    pub fn to_base64(&self) -> Result<String, PsshError> {
        Ok(STANDARD.encode(self.to_bytes()?))
    }

    /// Parses exactly one box: the size field must equal the input length.
    ///
    /// # Errors
    /// A [`PsshError`] describing the first problem found.
    pub fn parse(bytes: &[u8]) -> Result<Self, PsshError> {
        let (pssh, used) = Self::parse_prefix(bytes)?;
        if used != bytes.len() {
            return Err(PsshError::SizeMismatch {
                declared: used as u64,
                actual: bytes.len(),
            });
        }
        Ok(pssh)
    }

    /// Parses standard base64 text (surrounding whitespace ignored) holding exactly one box.
    ///
    /// # Errors
    /// [`PsshError::Base64`] or any error of [`PsshBox::parse`].
    pub fn from_base64(text: &str) -> Result<Self, PsshError> {
        Self::parse(&decode_base64(text)?)
    }

    /// Parses one or more concatenated boxes (e.g. Shaka Packager's `--pssh` value).
    ///
    /// # Errors
    /// The first box that fails, or [`PsshError::TooLarge`].
    pub fn parse_all(bytes: &[u8]) -> Result<Vec<Self>, PsshError> {
        check_len(bytes.len())?;
        let mut rest = bytes;
        let mut boxes = Vec::new();
        while !rest.is_empty() {
            let (pssh, used) = Self::parse_prefix(rest)?;
            boxes.push(pssh);
            rest = rest.get(used..).unwrap_or_default();
        }
        Ok(boxes)
    }

    /// Parses the box at the start of `bytes`; returns it and the number of bytes it used.
    fn parse_prefix(bytes: &[u8]) -> Result<(Self, usize), PsshError> {
        check_len(bytes.len())?;
        let mut r = Reader::new(bytes);
        let size32 = r.u32("size")?;
        let box_type = r.take("box type", 4)?;
        if box_type != PSSH_BOX_TYPE {
            return Err(PsshError::NotPssh {
                found: String::from_utf8_lossy(box_type).chars().take(8).collect(),
            });
        }
        let declared: u64 = match size32 {
            1 => {
                let hi = u64::from(r.u32("largesize")?);
                let lo = u64::from(r.u32("largesize")?);
                hi << 32 | lo
            }
            0 => bytes.len() as u64,
            n => u64::from(n),
        };
        let header = r.pos as u64;
        if declared < header || declared > bytes.len() as u64 {
            return Err(PsshError::SizeMismatch {
                declared,
                actual: bytes.len(),
            });
        }
        // `declared` <= bytes.len(), so it fits in usize.
        let end = usize::try_from(declared).unwrap_or(bytes.len());
        let mut r = Reader {
            bytes: bytes.get(..end).unwrap_or_default(),
            pos: r.pos,
        };
        let version = r.u8("version")?;
        if version > 1 {
            return Err(PsshError::UnsupportedVersion { version });
        }
        let flags_bytes = r.take("flags", 3)?;
        let flags = flags_bytes
            .iter()
            .fold(0u32, |acc, b| acc << 8 | u32::from(*b));
        let system_id = Uuid::from_bytes(r.array16("system id")?);
        let mut key_ids = Vec::new();
        if version == 1 {
            let count = r.u32("KID count")?;
            let available = r.remaining();
            let needed = usize::try_from(count)
                .ok()
                .and_then(|c| c.checked_mul(16))
                .filter(|n| *n <= available)
                .ok_or(PsshError::KidCount { count, available })?;
            key_ids.reserve(needed / 16);
            for _ in 0..count {
                key_ids.push(KeyId::from_bytes(r.array16("KID")?));
            }
        }
        let data_size = r.u32("data size")?;
        let available = r.remaining();
        if usize::try_from(data_size).ok() != Some(available) {
            return Err(PsshError::DataSizeMismatch {
                declared: data_size,
                available,
            });
        }
        let data = r.take("data", available)?.to_vec();
        Ok((
            Self {
                version,
                flags,
                system_id,
                key_ids,
                data,
            },
            end,
        ))
    }
}

/// One box of a concatenation read by [`scan`]: where it sits, what its header says, and the
/// box or the error of that box alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedBox {
    /// Byte offset of the box in the input.
    pub offset: usize,
    /// Bytes the box spans in the input.
    pub len: usize,
    /// The 32-bit size field as written: `0` means "to the end of the input", `1` that a 64-bit
    /// `largesize` follows.
    pub size_field: u32,
    /// The four-character box type.
    pub box_type: [u8; 4],
    /// The system id, when the box is a `pssh` box long enough to hold one.
    pub system_id: Option<Uuid>,
    /// The decoded box, or why this box does not decode.
    pub result: Result<PsshBox, PsshError>,
}

impl ScannedBox {
    /// The box type as text (lossy).
    pub fn box_type_text(&self) -> String {
        String::from_utf8_lossy(&self.box_type).into_owned()
    }
}

/// The boxes of a concatenation, box by box ([`scan`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PsshScan {
    /// Every box whose size field could be read, in order (each with its own result).
    pub boxes: Vec<ScannedBox>,
    /// Where reading stopped before the end of the input, and why: a size field that runs past
    /// the end or is smaller than a box header, or a header cut short.
    pub unreadable: Option<(usize, PsshError)>,
}

/// Reads one or more concatenated boxes (the `pssh` boxes of an init segment, Shaka Packager's
/// `--pssh` value) box by box: a box whose content does not decode, or that is not a `pssh`
/// box, is reported with its own error and reading goes on with the next one. Reading stops
/// only where the size fields no longer frame the input ([`PsshScan::unreadable`]). A size of
/// 0 makes the box span the rest of the input.
pub fn scan(bytes: &[u8]) -> PsshScan {
    let mut out = PsshScan::default();
    if let Err(e) = check_len(bytes.len()) {
        out.unreadable = Some((0, e));
        return out;
    }
    let mut offset = 0;
    while offset < bytes.len() {
        let rest = bytes.get(offset..).unwrap_or_default();
        match frame(rest) {
            Ok((len, size_field, box_type)) => {
                let frame_bytes = rest.get(..len).unwrap_or_default();
                out.boxes
                    .push(scanned(offset, frame_bytes, size_field, box_type));
                offset += len;
            }
            Err(e) => {
                out.unreadable = Some((offset, e));
                break;
            }
        }
    }
    out
}

/// Box types that may start an MP4 (init or media) segment.
const SEGMENT_BOX_TYPES: [&[u8; 4]; 6] = [b"ftyp", b"styp", b"moov", b"moof", b"sidx", b"emsg"];

/// True when `bytes` starts with a box that begins an MP4 segment (`ftyp`, `moov`, `moof`…)
/// rather than a `pssh` box.
pub fn is_segment(bytes: &[u8]) -> bool {
    bytes
        .get(4..8)
        .is_some_and(|t| SEGMENT_BOX_TYPES.iter().any(|s| s.as_slice() == t))
}

/// The `pssh` boxes of an MP4 segment: the top-level boxes are walked, and the children of
/// `moov` and `moof` (where ISO/IEC 23001-7 puts `pssh` boxes); every `pssh` box found is
/// scanned as by [`scan`] (offsets count from the start of the segment). Where the box sizes no
/// longer frame the input, [`PsshScan::unreadable`] says so.
pub fn scan_segment(bytes: &[u8]) -> PsshScan {
    let mut out = PsshScan::default();
    if let Err(e) = check_len(bytes.len()) {
        out.unreadable = Some((0, e));
        return out;
    }
    walk_boxes(bytes, 0, true, &mut out);
    out
}

fn walk_boxes(bytes: &[u8], base: usize, top: bool, out: &mut PsshScan) {
    let mut offset = 0;
    while offset < bytes.len() && out.unreadable.is_none() {
        let rest = bytes.get(offset..).unwrap_or_default();
        let (len, size_field, box_type) = match frame(rest) {
            Ok(f) => f,
            Err(e) => {
                out.unreadable = Some((base + offset, e));
                return;
            }
        };
        let frame_bytes = rest.get(..len).unwrap_or_default();
        if box_type == PSSH_BOX_TYPE {
            out.boxes
                .push(scanned(base + offset, frame_bytes, size_field, box_type));
        } else if top && (&box_type == b"moov" || &box_type == b"moof") {
            let header = if size_field == 1 { 16 } else { 8 };
            let children = frame_bytes.get(header..).unwrap_or_default();
            walk_boxes(children, base + offset + header, false, out);
        }
        offset += len;
    }
}

/// The length, size field and type of the box at the start of `bytes`.
fn frame(bytes: &[u8]) -> Result<(usize, u32, [u8; 4]), PsshError> {
    let mut r = Reader::new(bytes);
    let size_field = r.u32("size")?;
    let mut box_type = [0u8; 4];
    box_type.copy_from_slice(r.take("box type", 4)?);
    let declared = match size_field {
        1 => u64::from(r.u32("largesize")?) << 32 | u64::from(r.u32("largesize")?),
        0 => bytes.len() as u64,
        n => u64::from(n),
    };
    if declared < r.pos as u64 || declared > bytes.len() as u64 {
        return Err(PsshError::SizeMismatch {
            declared,
            actual: bytes.len(),
        });
    }
    // `declared` <= bytes.len(), so it fits in usize.
    Ok((
        usize::try_from(declared).unwrap_or(bytes.len()),
        size_field,
        box_type,
    ))
}

fn scanned(offset: usize, frame: &[u8], size_field: u32, box_type: [u8; 4]) -> ScannedBox {
    let is_pssh = box_type == PSSH_BOX_TYPE;
    let header = if size_field == 1 { 16 } else { 8 };
    let system_id = frame
        .get(header + 4..header + 20)
        .filter(|_| is_pssh)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(Uuid::from_bytes);
    let result = if is_pssh {
        PsshBox::parse(frame)
    } else {
        Err(PsshError::NotPssh {
            found: String::from_utf8_lossy(&box_type).chars().take(8).collect(),
        })
    };
    ScannedBox {
        offset,
        len: frame.len(),
        size_field,
        box_type,
        system_id,
        result,
    }
}

/// Decodes standard base64 text (padding required; whitespace anywhere, e.g. line breaks, is
/// ignored), refusing inputs that would decode to more than [`MAX_PSSH_LEN`] bytes. Used by all
/// the PSSH-family decoders.
///
/// # Errors
/// [`PsshError::TooLarge`] or [`PsshError::Base64`].
pub fn decode_base64(text: &str) -> Result<Vec<u8>, PsshError> {
    // 4 characters per 3 bytes; refuse before decoding anything huge.
    if text.len() / 4 * 3 > MAX_PSSH_LEN + 3 * 64 {
        return Err(PsshError::TooLarge {
            len: text.len() / 4 * 3,
            max: MAX_PSSH_LEN,
        });
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD.decode(compact).map_err(|e| PsshError::Base64 {
        reason: e.to_string(),
    })?;
    check_len(bytes.len())?;
    Ok(bytes)
}

/// Standard base64 (with padding) of `bytes`, the encoding of every PSSH-family value in CPIX.
pub fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn check_len(len: usize) -> Result<(), PsshError> {
    if len > MAX_PSSH_LEN {
        Err(PsshError::TooLarge {
            len,
            max: MAX_PSSH_LEN,
        })
    } else {
        Ok(())
    }
}

/// A bounds-checked big-endian reader.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], PsshError> {
        let slice = self
            .pos
            .checked_add(n)
            .and_then(|end| self.bytes.get(self.pos..end))
            .ok_or(PsshError::Truncated {
                field,
                offset: self.pos,
                needed: n,
                available: self.remaining(),
            })?;
        self.pos += n;
        Ok(slice)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, PsshError> {
        Ok(self.take(field, 1)?.first().copied().unwrap_or_default())
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, PsshError> {
        let b = self.take(field, 4)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_be_bytes(a))
    }

    fn array16(&mut self, field: &'static str) -> Result<[u8; 16], PsshError> {
        let b = self.take(field, 16)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(b);
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::system::{PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID};

    const SEED_A: &str = "AAAATHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAACwIARIQy7w4trUNq1P4Jj4Gtzgqoxo\
                          MaW5rYWVudHdvcmtzIghkZW1vdGVzdA==";

    #[test]
    fn seed_a_parses_and_reencodes() {
        let b = PsshBox::from_base64(SEED_A).unwrap();
        assert_eq!(b.version, 0);
        assert_eq!(b.system_id, WIDEVINE_SYSTEM_ID);
        assert_eq!(b.drm_system(), Some(DrmSystem::Widevine));
        assert_eq!(b.data.len(), 44);
        assert_eq!(b.to_base64().unwrap(), SEED_A);
    }

    #[test]
    fn v1_round_trip() {
        let kids = vec![
            "cbbc38b6-b50d-ab53-f826-3e06b7382aa3".parse().unwrap(),
            "e2b281ba-fba5-8760-cfa6-5ae6f3ddd630".parse().unwrap(),
        ];
        let b = PsshBox::v1(PLAYREADY_SYSTEM_ID, kids, b"abc".to_vec());
        let bytes = b.to_bytes().unwrap();
        assert_eq!(bytes.len(), b.encoded_len());
        assert_eq!(bytes.len(), 32 + 4 + 32 + 3);
        assert_eq!(PsshBox::parse(&bytes).unwrap(), b);
    }

    #[test]
    fn concatenated_boxes() {
        let a = PsshBox::v0(WIDEVINE_SYSTEM_ID, vec![1, 2, 3]);
        let b = PsshBox::v0(PLAYREADY_SYSTEM_ID, vec![]);
        let mut bytes = a.to_bytes().unwrap();
        bytes.extend(b.to_bytes().unwrap());
        assert_eq!(PsshBox::parse_all(&bytes).unwrap(), vec![a, b]);
        assert!(matches!(
            PsshBox::parse(&bytes),
            Err(PsshError::SizeMismatch { .. })
        ));
    }

    #[test]
    fn largesize_form() {
        let mut bytes = vec![0, 0, 0, 1];
        bytes.extend_from_slice(b"pssh");
        bytes.extend_from_slice(&(8u64 + 8 + 4 + 16 + 4).to_be_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        bytes.extend_from_slice(WIDEVINE_SYSTEM_ID.as_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        let b = PsshBox::parse(&bytes).unwrap();
        assert!(b.data.is_empty());
    }

    #[test]
    fn hostile_inputs_are_typed_errors() {
        let good = PsshBox::v0(WIDEVINE_SYSTEM_ID, vec![9; 10])
            .to_bytes()
            .unwrap();
        for cut in 0..good.len() {
            assert!(PsshBox::parse(&good[..cut]).is_err(), "cut {cut}");
        }
        let mut bad_type = good.clone();
        bad_type[4] = b'm';
        assert!(matches!(
            PsshBox::parse(&bad_type),
            Err(PsshError::NotPssh { .. })
        ));
        let mut bad_version = good.clone();
        bad_version[8] = 2;
        assert_eq!(
            PsshBox::parse(&bad_version),
            Err(PsshError::UnsupportedVersion { version: 2 })
        );
        let mut bad_data = good.clone();
        bad_data[31] = 11;
        assert!(matches!(
            PsshBox::parse(&bad_data),
            Err(PsshError::DataSizeMismatch { .. })
        ));
        let mut huge_count = PsshBox::v1(WIDEVINE_SYSTEM_ID, vec![], vec![])
            .to_bytes()
            .unwrap();
        huge_count[28..32].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            PsshBox::parse(&huge_count),
            Err(PsshError::KidCount { .. })
        ));
        assert!(matches!(
            PsshBox::from_base64("not base64!"),
            Err(PsshError::Base64 { .. })
        ));
    }

    #[test]
    fn scan_goes_on_past_a_bad_box() {
        let a = PsshBox::v0(WIDEVINE_SYSTEM_ID, vec![1, 2, 3])
            .to_bytes()
            .unwrap();
        let mut bad = PsshBox::v0(PLAYREADY_SYSTEM_ID, vec![9; 4])
            .to_bytes()
            .unwrap();
        bad[8] = 7; // version 7
        let mut last = PsshBox::v0(PLAYREADY_SYSTEM_ID, vec![5])
            .to_bytes()
            .unwrap();
        last[0..4].copy_from_slice(&0u32.to_be_bytes()); // size 0: to the end
        let bytes = [a.clone(), bad.clone(), last.clone()].concat();
        let scan = scan(&bytes);
        assert_eq!(scan.boxes.len(), 3);
        assert!(scan.unreadable.is_none());
        assert!(scan.boxes[0].result.is_ok());
        assert_eq!(scan.boxes[1].system_id, Some(PLAYREADY_SYSTEM_ID));
        assert_eq!(
            scan.boxes[1].result,
            Err(PsshError::UnsupportedVersion { version: 7 })
        );
        assert_eq!(scan.boxes[2].size_field, 0);
        assert_eq!(scan.boxes[2].len, last.len());
        assert_eq!(scan.boxes[2].offset, a.len() + bad.len());
        assert_eq!(scan.boxes[2].result.as_ref().unwrap().data, vec![5]);
        // A size running past the end stops the scan after the good box.
        let mut cut = a.clone();
        cut.extend_from_slice(&bad[..20]);
        let scan = super::scan(&cut);
        assert_eq!(scan.boxes.len(), 1);
        assert_eq!(scan.unreadable.as_ref().map(|u| u.0), Some(a.len()));
    }

    #[test]
    fn pssh_boxes_are_found_in_a_segment() {
        let a = PsshBox::v0(WIDEVINE_SYSTEM_ID, vec![1, 2, 3])
            .to_bytes()
            .unwrap();
        let b = PsshBox::v0(PLAYREADY_SYSTEM_ID, vec![4])
            .to_bytes()
            .unwrap();
        let mvhd = [&[0, 0, 0, 12][..], b"mvhd", &[0, 0, 0, 0]].concat();
        let inner = [mvhd, a.clone(), b.clone()].concat();
        let moov_len = u32::try_from(8 + inner.len()).unwrap();
        let moov = [&moov_len.to_be_bytes()[..], b"moov", &inner].concat();
        let ftyp = [&[0, 0, 0, 16][..], b"ftypiso6", &[0, 0, 0, 0]].concat();
        let segment = [ftyp.clone(), moov].concat();
        assert!(is_segment(&segment));
        let scan = scan_segment(&segment);
        assert!(scan.unreadable.is_none());
        assert_eq!(scan.boxes.len(), 2);
        assert_eq!(scan.boxes[0].offset, ftyp.len() + 8 + 12);
        assert_eq!(scan.boxes[1].result.as_ref().unwrap().data, vec![4]);
    }

    #[test]
    fn v0_with_kids_is_unencodable() {
        let mut b = PsshBox::v0(WIDEVINE_SYSTEM_ID, vec![]);
        b.key_ids.push(KeyId::from_bytes([1; 16]));
        assert!(matches!(b.to_bytes(), Err(PsshError::Unencodable { .. })));
    }
}

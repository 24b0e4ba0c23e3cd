//! The PlayReady Header Object (PRO): `u32le total length | u16le record count |
//! { u16le type | u16le length | value }…`, the data of a PlayReady `pssh` box.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{PlayReadyError, RECORD_TYPE_WRM_HEADER, WrmHeader};
use crate::pssh::{MAX_PSSH_LEN, PsshBox, decode_base64};
use crate::system::PLAYREADY_SYSTEM_ID;

/// One record of a PlayReady Header Object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayReadyRecord {
    /// Record type: 1 = WRMHEADER, 3 = embedded license store.
    pub record_type: u16,
    /// The record value (UTF-16LE XML for type 1).
    pub value: Vec<u8>,
}

impl PlayReadyRecord {
    /// A type-1 record holding `xml` as UTF-16LE.
    ///
    /// # Errors
    /// [`PlayReadyError::RecordTooLarge`] when the UTF-16 form exceeds 65535 bytes.
    pub fn wrm_header_xml(xml: &str) -> Result<Self, PlayReadyError> {
        let value: Vec<u8> = xml.encode_utf16().flat_map(u16::to_le_bytes).collect();
        if value.len() > usize::from(u16::MAX) {
            return Err(PlayReadyError::RecordTooLarge {
                len: value.len(),
                bits: 16,
            });
        }
        Ok(Self {
            record_type: RECORD_TYPE_WRM_HEADER,
            value,
        })
    }

    /// The value decoded from UTF-16LE (a leading BOM removed).
    ///
    /// # Errors
    /// [`PlayReadyError::Utf16`] for an odd length or unpaired surrogates.
    pub fn decode_utf16(&self) -> Result<String, PlayReadyError> {
        if self.value.len() % 2 != 0 {
            return Err(PlayReadyError::Utf16 {
                reason: "odd byte length",
            });
        }
        let units = self
            .value
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        let s: String = char::decode_utf16(units)
            .collect::<Result<_, _>>()
            .map_err(|_| PlayReadyError::Utf16 {
                reason: "unpaired surrogate",
            })?;
        Ok(s.trim_start_matches('\u{feff}').to_owned())
    }
}

/// A PlayReady Header Object (the data of a PlayReady `pssh` box, and the value of CPIX
/// `ContentProtectionData` / `SmoothStreamingProtectionHeaderData` for PlayReady).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayReadyObject {
    /// The records in order.
    pub records: Vec<PlayReadyRecord>,
}

impl PlayReadyObject {
    /// A PRO with one WRMHEADER record.
    ///
    /// # Errors
    /// As [`WrmHeader::to_xml`] and [`PlayReadyRecord::wrm_header_xml`].
    pub fn from_wrm_header(header: &WrmHeader) -> Result<Self, PlayReadyError> {
        Ok(Self {
            records: vec![PlayReadyRecord::wrm_header_xml(&header.to_xml()?)?],
        })
    }

    /// Parses a PRO. The length field must equal the input length and the records must fill it.
    ///
    /// # Errors
    /// A [`PlayReadyError`] describing the first problem.
    pub fn parse(bytes: &[u8]) -> Result<Self, PlayReadyError> {
        if bytes.len() > MAX_PSSH_LEN {
            return Err(PlayReadyError::TooLarge {
                len: bytes.len(),
                max: MAX_PSSH_LEN,
            });
        }
        let total = le_u32(bytes, 0, "length")?;
        if u64::from(total) != bytes.len() as u64 {
            return Err(PlayReadyError::LengthMismatch {
                declared: u64::from(total),
                actual: bytes.len(),
            });
        }
        let count = le_u16(bytes, 4, "record count")?;
        let mut offset = 6usize;
        let mut records = Vec::with_capacity(usize::from(count).min(bytes.len() / 4));
        for _ in 0..count {
            let record_type = le_u16(bytes, offset, "record type")?;
            let len = usize::from(le_u16(bytes, offset + 2, "record length")?);
            offset += 4;
            let value = bytes
                .get(offset..offset + len)
                .ok_or(PlayReadyError::Truncated {
                    field: "record value",
                    offset,
                })?
                .to_vec();
            offset += len;
            records.push(PlayReadyRecord { record_type, value });
        }
        if offset != bytes.len() {
            return Err(PlayReadyError::LengthMismatch {
                declared: offset as u64,
                actual: bytes.len(),
            });
        }
        Ok(Self { records })
    }

    /// Parses base64 text of a PRO (CPIX `ContentProtectionData`).
    ///
    /// # Errors
    /// [`PlayReadyError::Pssh`] for bad base64, else as [`PlayReadyObject::parse`].
    pub fn from_base64(text: &str) -> Result<Self, PlayReadyError> {
        Self::parse(&decode_base64(text)?)
    }

    /// Decodes the data of a PlayReady `pssh` box.
    ///
    /// # Errors
    /// [`PlayReadyError::NotPlayReady`] for another system id, else as [`PlayReadyObject::parse`].
    pub fn from_pssh_box(pssh: &PsshBox) -> Result<Self, PlayReadyError> {
        if pssh.system_id != PLAYREADY_SYSTEM_ID {
            return Err(PlayReadyError::NotPlayReady {
                system_id: pssh.system_id,
            });
        }
        Self::parse(&pssh.data)
    }

    /// Encodes the PRO.
    ///
    /// # Errors
    /// [`PlayReadyError::RecordTooLarge`] for a record over 65535 bytes or more than 65535
    /// records.
    pub fn to_bytes(&self) -> Result<Vec<u8>, PlayReadyError> {
        let count =
            u16::try_from(self.records.len()).map_err(|_| PlayReadyError::RecordTooLarge {
                len: self.records.len(),
                bits: 16,
            })?;
        let total: usize = 6 + self
            .records
            .iter()
            .map(|r| 4 + r.value.len())
            .sum::<usize>();
        let total32 = u32::try_from(total).map_err(|_| PlayReadyError::RecordTooLarge {
            len: total,
            bits: 32,
        })?;
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&total32.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        for r in &self.records {
            let len = u16::try_from(r.value.len()).map_err(|_| PlayReadyError::RecordTooLarge {
                len: r.value.len(),
                bits: 16,
            })?;
            out.extend_from_slice(&r.record_type.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&r.value);
        }
        Ok(out)
    }

    /// Encodes the PRO as base64.
    ///
    /// # Errors
    /// As [`PlayReadyObject::to_bytes`].
    pub fn to_base64(&self) -> Result<String, PlayReadyError> {
        Ok(STANDARD.encode(self.to_bytes()?))
    }

    /// Wraps the PRO in a version-0 PlayReady `pssh` box.
    ///
    /// # Errors
    /// As [`PlayReadyObject::to_bytes`].
    pub fn to_pssh_box(&self) -> Result<PsshBox, PlayReadyError> {
        Ok(PsshBox::v0(PLAYREADY_SYSTEM_ID, self.to_bytes()?))
    }

    /// The XML text of the first WRMHEADER record.
    ///
    /// # Errors
    /// [`PlayReadyError::NoWrmHeader`] or [`PlayReadyError::Utf16`].
    pub fn wrm_header_xml(&self) -> Result<String, PlayReadyError> {
        self.records
            .iter()
            .find(|r| r.record_type == RECORD_TYPE_WRM_HEADER)
            .ok_or(PlayReadyError::NoWrmHeader)?
            .decode_utf16()
    }

    /// The parsed first WRMHEADER record.
    ///
    /// # Errors
    /// As [`PlayReadyObject::wrm_header_xml`] and [`WrmHeader::parse_xml`].
    pub fn wrm_header(&self) -> Result<WrmHeader, PlayReadyError> {
        WrmHeader::parse_xml(&self.wrm_header_xml()?)
    }
}

fn le_u16(bytes: &[u8], offset: usize, field: &'static str) -> Result<u16, PlayReadyError> {
    bytes
        .get(offset..offset.saturating_add(2))
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .ok_or(PlayReadyError::Truncated { field, offset })
}

fn le_u32(bytes: &[u8], offset: usize, field: &'static str) -> Result<u32, PlayReadyError> {
    bytes
        .get(offset..offset.saturating_add(4))
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(PlayReadyError::Truncated { field, offset })
}

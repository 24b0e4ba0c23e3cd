//! Widevine PSSH data: the `WidevinePsshData` protobuf (spec §4.2).
//!
//! A hand-written protobuf codec for the fields DoveRunner uses (1–13, 15). Fields are written in
//! field-number order, which reproduces the KMS bytes exactly. Decoding skips unknown fields
//! (recording their numbers), is bounded by the input length and never panics.
//!
//! ```
//! use drm_cpix::widevine::{WidevinePsshData, WidevineAlgorithm};
//!
//! let data = WidevinePsshData {
//!     algorithm: Some(WidevineAlgorithm::AesCtr),
//!     key_ids: vec!["cbbc38b6-b50d-ab53-f826-3e06b7382aa3".parse().unwrap()],
//!     provider: Some("inkaentworks".into()),
//!     content_id: Some(b"demotest".to_vec()),
//!     ..Default::default()
//! };
//! assert_eq!(data.to_base64(), "CAESEMu8OLa1DatT+CY+Brc4KqMaDGlua2FlbnR3b3JrcyIIZGVtb3Rlc3Q=");
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::KeyId;

use crate::pssh::{MAX_PSSH_LEN, PsshBox, PsshError, decode_base64};
use crate::system::WIDEVINE_SYSTEM_ID;

/// Why bytes are not a `WidevinePsshData` message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WidevineError {
    /// The input ended inside a field.
    #[error("widevine pssh data truncated at offset {offset} (in {context})")]
    Truncated {
        /// Where the message ended.
        offset: usize,
        /// What was being read.
        context: &'static str,
    },
    /// A varint longer than 10 bytes or wider than 64 bits.
    #[error("invalid varint at offset {offset}")]
    BadVarint {
        /// Offset of the varint.
        offset: usize,
    },
    /// A known field arrived with another wire type.
    #[error("field {field} ({name}) has wire type {found}, expected {expected}")]
    WireType {
        /// Field number.
        field: u32,
        /// Field name.
        name: &'static str,
        /// Wire type found.
        found: u8,
        /// Wire type expected.
        expected: u8,
    },
    /// An unsupported wire type (groups 3/4 or 6/7).
    #[error("field {field} uses unsupported wire type {wire_type} at offset {offset}")]
    UnsupportedWireType {
        /// Field number.
        field: u64,
        /// Wire type.
        wire_type: u8,
        /// Offset of the tag.
        offset: usize,
    },
    /// Field number 0 (invalid in protobuf).
    #[error("invalid field number 0 at offset {offset}")]
    FieldZero {
        /// Offset of the tag.
        offset: usize,
    },
    /// A key id that is not 16 bytes.
    #[error("key_ids entry has {len} bytes, expected 16")]
    KeyIdLength {
        /// Its length.
        len: usize,
    },
    /// A string field that is not UTF-8.
    #[error("field {name} is not valid UTF-8")]
    InvalidUtf8 {
        /// Field name.
        name: &'static str,
    },
    /// A 32-bit field whose value does not fit.
    #[error("field {name} value {value} does not fit in 32 bits")]
    OutOfRange {
        /// Field name.
        name: &'static str,
        /// The value.
        value: u64,
    },
    /// The input is larger than the PSSH limit.
    #[error("widevine pssh data of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The surrounding PSSH box or base64 text is invalid.
    #[error(transparent)]
    Pssh(#[from] PsshError),
    /// The PSSH box is not a Widevine box.
    #[error("pssh box system id {system_id} is not Widevine")]
    NotWidevine {
        /// The system id found.
        system_id: uuid::Uuid,
    },
}

/// The deprecated `algorithm` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WidevineAlgorithm {
    /// `UNENCRYPTED` (0).
    Unencrypted,
    /// `AESCTR` (1), what DoveRunner always writes.
    AesCtr,
    /// Any other enum value.
    Other(u64),
}

impl WidevineAlgorithm {
    /// The protobuf enum value.
    pub const fn value(self) -> u64 {
        match self {
            WidevineAlgorithm::Unencrypted => 0,
            WidevineAlgorithm::AesCtr => 1,
            WidevineAlgorithm::Other(v) => v,
        }
    }

    /// From the protobuf enum value.
    pub const fn from_value(v: u64) -> Self {
        match v {
            0 => WidevineAlgorithm::Unencrypted,
            1 => WidevineAlgorithm::AesCtr,
            v => WidevineAlgorithm::Other(v),
        }
    }

    /// The proto name (`UNENCRYPTED`, `AESCTR`, or the number).
    pub fn name(self) -> String {
        match self {
            WidevineAlgorithm::Unencrypted => "UNENCRYPTED".to_owned(),
            WidevineAlgorithm::AesCtr => "AESCTR".to_owned(),
            WidevineAlgorithm::Other(v) => v.to_string(),
        }
    }
}

/// The FourCC of a common-encryption scheme name (`cenc`, `cbc1`, `cens`, `cbcs`), as written in
/// `protection_scheme`.
pub fn scheme_fourcc(name: &str) -> Option<u32> {
    match name {
        "cenc" | "cbc1" | "cens" | "cbcs" => {
            let b = name.as_bytes();
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
        _ => None,
    }
}

/// The text of a FourCC when it is four printable ASCII characters (`0x63626373` → `cbcs`).
pub fn fourcc_text(value: u32) -> Option<String> {
    let b = value.to_be_bytes();
    b.iter()
        .all(|c| c.is_ascii_graphic())
        .then(|| b.iter().map(|c| char::from(*c)).collect())
}

/// The `WidevinePsshData` message (only the fields listed; others are skipped on decode).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WidevinePsshData {
    /// 1 `algorithm` (deprecated); DoveRunner writes `AESCTR`.
    pub algorithm: Option<WidevineAlgorithm>,
    /// 2 `key_ids`: 16-byte big-endian KIDs.
    pub key_ids: Vec<KeyId>,
    /// 3 `provider`: `inkaentworks` (PallyCon era) or `doverunner`.
    pub provider: Option<String>,
    /// 4 `content_id`: the UTF-8 content id, plus `%016x` of the period with key rotation.
    pub content_id: Option<Vec<u8>>,
    /// 5 `track_type` (deprecated), e.g. `HD`.
    pub track_type: Option<String>,
    /// 6 `policy`.
    pub policy: Option<String>,
    /// 7 `crypto_period_index`: the key-rotation period.
    pub crypto_period_index: Option<u32>,
    /// 8 `grouped_license`.
    pub grouped_license: Option<Vec<u8>>,
    /// 9 `protection_scheme`: FourCC of the scheme (see [`scheme_fourcc`]).
    pub protection_scheme: Option<u32>,
    /// 10 `crypto_period_seconds`.
    pub crypto_period_seconds: Option<u32>,
    /// 11 `type` (0 SINGLE, 1 ENTITLEMENT, 2 ENTITLED_KEY).
    pub r#type: Option<u64>,
    /// 12 `key_sequence`.
    pub key_sequence: Option<u32>,
    /// 13 `group_ids`.
    pub group_ids: Vec<Vec<u8>>,
    /// 15 `video_feature`, e.g. `HDR`.
    pub video_feature: Option<String>,
    /// Numbers of fields that were present but not modelled (skipped on decode, never written).
    pub skipped_fields: Vec<u64>,
}

impl WidevinePsshData {
    /// The content id as text, when it is UTF-8.
    pub fn content_id_str(&self) -> Option<&str> {
        self.content_id
            .as_deref()
            .and_then(|c| std::str::from_utf8(c).ok())
    }

    /// With key rotation DoveRunner writes `content_id = cid + format!("{:016x}", period)`.
    /// When the content id ends with 16 lower-case hex digits that equal `crypto_period_index`,
    /// returns `(cid, period)`.
    pub fn rotation_content_id(&self) -> Option<(&str, u64)> {
        let text = self.content_id_str()?;
        let period = u64::from(self.crypto_period_index?);
        let split = text.len().checked_sub(16)?;
        let (base, suffix) = (text.get(..split)?, text.get(split..)?);
        (suffix == format!("{period:016x}")).then_some((base, period))
    }

    /// The protection scheme as text (`cbcs`, …), when set and printable.
    pub fn protection_scheme_text(&self) -> Option<String> {
        self.protection_scheme.and_then(fourcc_text)
    }

    /// Encodes the message, fields in number order (skipped fields are not written).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        if let Some(a) = self.algorithm {
            put_varint_field(&mut out, 1, a.value());
        }
        for kid in &self.key_ids {
            put_bytes_field(&mut out, 2, kid.as_bytes());
        }
        if let Some(p) = &self.provider {
            put_bytes_field(&mut out, 3, p.as_bytes());
        }
        if let Some(c) = &self.content_id {
            put_bytes_field(&mut out, 4, c);
        }
        if let Some(t) = &self.track_type {
            put_bytes_field(&mut out, 5, t.as_bytes());
        }
        if let Some(p) = &self.policy {
            put_bytes_field(&mut out, 6, p.as_bytes());
        }
        if let Some(i) = self.crypto_period_index {
            put_varint_field(&mut out, 7, u64::from(i));
        }
        if let Some(g) = &self.grouped_license {
            put_bytes_field(&mut out, 8, g);
        }
        if let Some(s) = self.protection_scheme {
            put_varint_field(&mut out, 9, u64::from(s));
        }
        if let Some(s) = self.crypto_period_seconds {
            put_varint_field(&mut out, 10, u64::from(s));
        }
        if let Some(t) = self.r#type {
            put_varint_field(&mut out, 11, t);
        }
        if let Some(k) = self.key_sequence {
            put_varint_field(&mut out, 12, u64::from(k));
        }
        for g in &self.group_ids {
            put_bytes_field(&mut out, 13, g);
        }
        if let Some(v) = &self.video_feature {
            put_bytes_field(&mut out, 15, v.as_bytes());
        }
        out
    }

    /// Encodes the message as base64 (the form of CPIX `ContentProtectionData` for Widevine).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.to_bytes())
    }

    /// Wraps the message in a version-0 Widevine `pssh` box.
    pub fn to_pssh_box(&self) -> PsshBox {
        PsshBox::v0(WIDEVINE_SYSTEM_ID, self.to_bytes())
    }

    /// Decodes a message.
    ///
    /// # Errors
    /// A [`WidevineError`] for malformed protobuf, wrong wire types, 16-byte KID violations or
    /// non-UTF-8 strings.
    pub fn parse(bytes: &[u8]) -> Result<Self, WidevineError> {
        if bytes.len() > MAX_PSSH_LEN {
            return Err(WidevineError::TooLarge {
                len: bytes.len(),
                max: MAX_PSSH_LEN,
            });
        }
        let mut msg = Self::default();
        let mut r = Reader { bytes, pos: 0 };
        while r.pos < bytes.len() {
            let tag_offset = r.pos;
            let tag = r.varint("tag")?;
            let number = tag >> 3;
            let wire = (tag & 7) as u8;
            if number == 0 {
                return Err(WidevineError::FieldZero { offset: tag_offset });
            }
            let value = match wire {
                0 => Value::Varint(r.varint("varint value")?),
                1 => Value::Fixed(r.take(8, "fixed64 value")?),
                2 => {
                    let len = r.varint("length")?;
                    let len = usize::try_from(len).unwrap_or(usize::MAX);
                    Value::Bytes(r.take(len, "length-delimited value")?)
                }
                5 => Value::Fixed(r.take(4, "fixed32 value")?),
                w => {
                    return Err(WidevineError::UnsupportedWireType {
                        field: number,
                        wire_type: w,
                        offset: tag_offset,
                    });
                }
            };
            let Ok(field) = u32::try_from(number) else {
                msg.skipped_fields.push(number);
                continue;
            };
            match field {
                1 => msg.algorithm = Some(WidevineAlgorithm::from_value(value.varint(1)?)),
                2 => {
                    let b = value.bytes(2)?;
                    let kid: [u8; 16] = b
                        .try_into()
                        .map_err(|_| WidevineError::KeyIdLength { len: b.len() })?;
                    msg.key_ids.push(KeyId::from_bytes(kid));
                }
                3 => msg.provider = Some(value.string(3)?),
                4 => msg.content_id = Some(value.bytes(4)?.to_vec()),
                5 => msg.track_type = Some(value.string(5)?),
                6 => msg.policy = Some(value.string(6)?),
                7 => msg.crypto_period_index = Some(value.u32(7)?),
                8 => msg.grouped_license = Some(value.bytes(8)?.to_vec()),
                9 => msg.protection_scheme = Some(value.u32(9)?),
                10 => msg.crypto_period_seconds = Some(value.u32(10)?),
                11 => msg.r#type = Some(value.varint(11)?),
                12 => msg.key_sequence = Some(value.u32(12)?),
                13 => msg.group_ids.push(value.bytes(13)?.to_vec()),
                15 => msg.video_feature = Some(value.string(15)?),
                _ => msg.skipped_fields.push(number),
            }
        }
        Ok(msg)
    }

    /// Decodes base64 text of the message (CPIX `ContentProtectionData`).
    ///
    /// # Errors
    /// [`WidevineError::Pssh`] for bad base64, else as [`WidevinePsshData::parse`].
    pub fn from_base64(text: &str) -> Result<Self, WidevineError> {
        Self::parse(&decode_base64(text)?)
    }

    /// Decodes the data of a Widevine `pssh` box.
    ///
    /// # Errors
    /// [`WidevineError::NotWidevine`] for another system id, else as [`WidevinePsshData::parse`].
    pub fn from_pssh_box(pssh: &PsshBox) -> Result<Self, WidevineError> {
        if pssh.system_id != WIDEVINE_SYSTEM_ID {
            return Err(WidevineError::NotWidevine {
                system_id: pssh.system_id,
            });
        }
        Self::parse(&pssh.data)
    }
}

fn field_name(field: u32) -> &'static str {
    match field {
        1 => "algorithm",
        2 => "key_ids",
        3 => "provider",
        4 => "content_id",
        5 => "track_type",
        6 => "policy",
        7 => "crypto_period_index",
        8 => "grouped_license",
        9 => "protection_scheme",
        10 => "crypto_period_seconds",
        11 => "type",
        12 => "key_sequence",
        13 => "group_ids",
        15 => "video_feature",
        _ => "unknown",
    }
}

enum Value<'a> {
    Varint(u64),
    Fixed(&'a [u8]),
    Bytes(&'a [u8]),
}

impl<'a> Value<'a> {
    fn wire(&self) -> u8 {
        match self {
            Value::Varint(_) => 0,
            Value::Fixed(b) if b.len() == 8 => 1,
            Value::Fixed(_) => 5,
            Value::Bytes(_) => 2,
        }
    }

    fn mismatch(&self, field: u32, expected: u8) -> WidevineError {
        WidevineError::WireType {
            field,
            name: field_name(field),
            found: self.wire(),
            expected,
        }
    }

    fn varint(&self, field: u32) -> Result<u64, WidevineError> {
        match self {
            Value::Varint(v) => Ok(*v),
            _ => Err(self.mismatch(field, 0)),
        }
    }

    fn u32(&self, field: u32) -> Result<u32, WidevineError> {
        let v = self.varint(field)?;
        u32::try_from(v).map_err(|_| WidevineError::OutOfRange {
            name: field_name(field),
            value: v,
        })
    }

    fn bytes(&self, field: u32) -> Result<&'a [u8], WidevineError> {
        match self {
            Value::Bytes(b) => Ok(b),
            _ => Err(self.mismatch(field, 2)),
        }
    }

    fn string(&self, field: u32) -> Result<String, WidevineError> {
        let b = self.bytes(field)?;
        String::from_utf8(b.to_vec()).map_err(|_| WidevineError::InvalidUtf8 {
            name: field_name(field),
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self, context: &'static str) -> Result<u64, WidevineError> {
        let start = self.pos;
        let mut value = 0u64;
        for i in 0..10 {
            let b = *self.bytes.get(self.pos).ok_or(WidevineError::Truncated {
                offset: self.pos,
                context,
            })?;
            self.pos += 1;
            let part = u64::from(b & 0x7f);
            if i == 9 && part > 1 {
                return Err(WidevineError::BadVarint { offset: start });
            }
            value |= part << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(WidevineError::BadVarint { offset: start })
    }

    fn take(&mut self, n: usize, context: &'static str) -> Result<&'a [u8], WidevineError> {
        let slice = self
            .pos
            .checked_add(n)
            .and_then(|end| self.bytes.get(self.pos..end))
            .ok_or(WidevineError::Truncated {
                offset: self.pos,
                context,
            })?;
        self.pos += n;
        Ok(slice)
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_varint_field(out: &mut Vec<u8>, field: u32, v: u64) {
    put_varint(out, u64::from(field) << 3);
    put_varint(out, v);
}

fn put_bytes_field(out: &mut Vec<u8>, field: u32, b: &[u8]) {
    put_varint(out, u64::from(field) << 3 | 2);
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn seed_b_decodes_and_reencodes() {
        let b64 = "CAESEOKygbr7pYdgz6Za5vPd1jAaCmRvdmVydW5uZXIiD3Rlc3QtY29udGVudC0wMQ==";
        let d = WidevinePsshData::from_base64(b64).unwrap();
        assert_eq!(d.algorithm, Some(WidevineAlgorithm::AesCtr));
        assert_eq!(
            d.key_ids[0].to_uuid_string(),
            "e2b281ba-fba5-8760-cfa6-5ae6f3ddd630"
        );
        assert_eq!(d.provider.as_deref(), Some("doverunner"));
        assert_eq!(d.content_id_str(), Some("test-content-01"));
        assert_eq!(d.to_base64(), b64);
    }

    #[test]
    fn rotation_fields() {
        let d = WidevinePsshData {
            algorithm: Some(WidevineAlgorithm::AesCtr),
            key_ids: vec![KeyId::from_bytes([7; 16])],
            provider: Some("doverunner".into()),
            content_id: Some(b"sample-live0000000000000005".to_vec()),
            track_type: Some("HD".into()),
            crypto_period_index: Some(5),
            protection_scheme: scheme_fourcc("cbcs"),
            ..Default::default()
        };
        let back = WidevinePsshData::parse(&d.to_bytes()).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.rotation_content_id(), Some(("sample-live", 5)));
        assert_eq!(back.protection_scheme_text().as_deref(), Some("cbcs"));
        assert_eq!(scheme_fourcc("cenc"), Some(0x6365_6E63));
        assert_eq!(scheme_fourcc("none"), None);
    }

    #[test]
    fn unknown_fields_are_skipped() {
        // field 99 varint, field 100 bytes, field 101 fixed32, field 102 fixed64, then provider.
        let mut bytes = Vec::new();
        put_varint_field(&mut bytes, 99, 300);
        put_bytes_field(&mut bytes, 100, b"xyz");
        put_varint(&mut bytes, 101 << 3 | 5);
        bytes.extend_from_slice(&[1, 2, 3, 4]);
        put_varint(&mut bytes, 102 << 3 | 1);
        bytes.extend_from_slice(&[1; 8]);
        put_bytes_field(&mut bytes, 3, b"p");
        let d = WidevinePsshData::parse(&bytes).unwrap();
        assert_eq!(d.skipped_fields, vec![99, 100, 101, 102]);
        assert_eq!(d.provider.as_deref(), Some("p"));
    }

    #[test]
    fn hostile_inputs_are_typed_errors() {
        assert!(matches!(
            WidevinePsshData::parse(&[0x12, 0x05, 1, 2]),
            Err(WidevineError::Truncated { .. })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[0x12, 0x02, 1, 2]),
            Err(WidevineError::KeyIdLength { len: 2 })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[0x08; 3]),
            Err(WidevineError::Truncated { .. }) | Err(WidevineError::WireType { .. })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[0x0a, 0x00]),
            Err(WidevineError::WireType { field: 1, .. })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[0x0b]),
            Err(WidevineError::UnsupportedWireType { .. })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[0x00, 0x00]),
            Err(WidevineError::FieldZero { .. })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
            ]),
            Err(WidevineError::BadVarint { .. })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[0x1a, 0x01, 0xff]),
            Err(WidevineError::InvalidUtf8 { name: "provider" })
        ));
        assert!(matches!(
            WidevinePsshData::parse(&[0x38, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            Err(WidevineError::OutOfRange { .. })
        ));
    }
}

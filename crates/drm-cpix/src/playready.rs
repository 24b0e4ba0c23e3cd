//! PlayReady: the PlayReady Header Object (PRO), the `WRMHEADER` XML (versions 4.0–4.3), the
//! little-endian GUID form of KIDs and the AESCTR key checksum (spec §4.3).
//!
//! * PRO: `u32le total length | u16le record count | { u16le type | u16le length | value }…`;
//!   record type 1 holds the `WRMHEADER` as UTF-16LE XML.
//! * KIDs in the header are base64 of the GUID **little-endian** bytes (first three UUID groups
//!   byte-swapped); [`guid_bytes`] / [`key_id_from_guid_bytes`] convert.
//! * `CHECKSUM` (AESCTR) = the first 8 bytes of AES-128-ECB(content key, KID in GUID
//!   little-endian byte order), base64 ([`checksum`], [`verify_checksum`]).
//!
//! ```
//! use drm_cpix::playready::{ChecksumCheck, PlayReadyKid, PlayReadyObject, WrmHeader};
//!
//! let kid = "cbbc38b6-b50d-ab53-f826-3e06b7382aa3".parse().unwrap();
//! let key = [0x11u8; 16];
//! let header = WrmHeader::v4_3(
//!     vec![PlayReadyKid::aes_ctr(kid, &key)],
//!     Some("https://license.pallycon.com/ri/licenseManager.do".into()),
//! );
//! let pro = PlayReadyObject::from_wrm_header(&header).unwrap();
//! let back = PlayReadyObject::parse(&pro.to_bytes().unwrap()).unwrap().wrm_header().unwrap();
//! assert_eq!(back, header);
//! assert_eq!(back.verify_key(&kid, &key), ChecksumCheck::Valid);
//! assert_eq!(back.verify_key(&kid, &[0u8; 16]), ChecksumCheck::Invalid);
//! ```

mod header;
mod kid;
mod object;

pub use header::{PlayReadyAlgorithm, PlayReadyKid, WrmHeader, WrmHeaderVersion};
pub use kid::{
    ChecksumCheck, checksum, checksum_base64, guid_bytes, key_id_from_guid_bytes, kid_base64,
    verify_checksum,
};
pub use object::{PlayReadyObject, PlayReadyRecord};

use crate::pssh::PsshError;

/// The `WRMHEADER` XML namespace.
pub const WRMHEADER_NAMESPACE: &str = "http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader";

/// PRO record type of a rights-management header (`WRMHEADER`).
pub const RECORD_TYPE_WRM_HEADER: u16 = 1;

/// PRO record type of an embedded license store.
pub const RECORD_TYPE_EMBEDDED_LICENSE_STORE: u16 = 3;

/// Why bytes or XML are not a usable PlayReady header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlayReadyError {
    /// The PRO ended inside a field.
    #[error("PlayReady header object truncated: {field} at offset {offset}")]
    Truncated {
        /// The field being read.
        field: &'static str,
        /// Its offset.
        offset: usize,
    },
    /// The PRO length field disagrees with the input.
    #[error("PlayReady header object length field says {declared} bytes but {actual} were given")]
    LengthMismatch {
        /// The declared length.
        declared: u64,
        /// The actual length.
        actual: usize,
    },
    /// The input exceeds the size limit.
    #[error("PlayReady input of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A WRMHEADER record with an odd byte length or invalid UTF-16.
    #[error("WRMHEADER record is not valid UTF-16LE: {reason}")]
    Utf16 {
        /// What is wrong.
        reason: &'static str,
    },
    /// The PRO has no record of type 1.
    #[error("PlayReady header object has no WRMHEADER record")]
    NoWrmHeader,
    /// The XML is malformed.
    #[error("WRMHEADER XML is malformed: {reason}")]
    Xml {
        /// The XML parser's message.
        reason: String,
    },
    /// The root element is not `WRMHEADER`.
    #[error("root element is {found:?}, expected WRMHEADER")]
    NotWrmHeader {
        /// The root element's name.
        found: String,
    },
    /// `WRMHEADER@version` missing or not one of 4.0.0.0 … 4.3.0.0.
    #[error("unsupported WRMHEADER version {version:?}")]
    UnsupportedVersion {
        /// The version text (empty when missing).
        version: String,
    },
    /// A KID value that is not base64 of 16 bytes.
    #[error("{field} is not base64 of 16 bytes: {value:?}")]
    InvalidKid {
        /// Where it was found (`KID`, `KID@VALUE`).
        field: &'static str,
        /// The value (KIDs are not secret; at most 64 characters).
        value: String,
    },
    /// A checksum that is not base64.
    #[error("CHECKSUM is not valid base64: {value:?}")]
    InvalidChecksum {
        /// The value (at most 64 characters).
        value: String,
    },
    /// A number field (KEYLEN) that is not a number.
    #[error("{field} is not a number: {value:?}")]
    InvalidNumber {
        /// Field name.
        field: &'static str,
        /// The value (at most 64 characters).
        value: String,
    },
    /// A header that cannot be written in its version.
    #[error("cannot encode WRMHEADER {version}: {reason}")]
    Unencodable {
        /// The header version.
        version: WrmHeaderVersion,
        /// What is wrong.
        reason: &'static str,
    },
    /// A record or the whole object larger than its length field allows.
    #[error("PlayReady record of {len} bytes does not fit its {bits}-bit length field")]
    RecordTooLarge {
        /// Its length.
        len: usize,
        /// Width of the length field.
        bits: u8,
    },
    /// The surrounding PSSH box or base64 text is invalid.
    #[error(transparent)]
    Pssh(#[from] PsshError),
    /// The PSSH box is not a PlayReady box.
    #[error("pssh box system id {system_id} is not PlayReady")]
    NotPlayReady {
        /// The system id found.
        system_id: uuid::Uuid,
    },
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use drm_policy::KeyId;

    fn key(b64: &str) -> [u8; 16] {
        STANDARD.decode(b64).unwrap().try_into().unwrap()
    }

    /// Regression (fuzz `pssh_decode`): an unknown ALGID clipped to 32 characters ended in a
    /// space, which the next read trimmed, so a header did not survive a write/read round trip.
    #[test]
    fn clipped_algid_survives_a_round_trip() {
        let xml = r#"<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.3.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="0123456789abcdefghijklmnopqrstu vwxyz" VALUE="tji8yw21U6v4Jj4Gtzgqow=="></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>"#;
        let header = WrmHeader::parse_xml(xml).unwrap();
        let again = WrmHeader::parse_xml(&header.to_xml().unwrap()).unwrap();
        assert_eq!(again.kids[0].algorithm, header.kids[0].algorithm);
        assert_eq!(
            header.kids[0]
                .algorithm
                .as_ref()
                .map(|a| a.as_str().to_owned()),
            Some("0123456789abcdefghijklmnopqrstu".to_owned())
        );
    }

    #[test]
    fn guid_byte_order() {
        let kid: KeyId = "cbbc38b6-b50d-ab53-f826-3e06b7382aa3".parse().unwrap();
        assert_eq!(kid_base64(&kid), "tji8yw21U6v4Jj4Gtzgqow==");
        assert_eq!(key_id_from_guid_bytes(guid_bytes(&kid)), kid);
    }

    #[test]
    fn readme_checksum() {
        // README demotest: key from client_readme_python_single_key_output.json.
        let kid: KeyId = "cbbc38b6-b50d-ab53-f826-3e06b7382aa3".parse().unwrap();
        let k = key("lZ29ZzmA4dG98tNiCUlfTg==");
        assert_eq!(checksum_base64(&kid, &k), "HEsvlXUxnWw=");
        assert!(verify_checksum(&kid, &k, &checksum(&kid, &k)));
        assert!(!verify_checksum(&kid, &[0; 16], &checksum(&kid, &k)));
    }

    #[test]
    fn v4_0_round_trip_with_period() {
        let kid: KeyId = "6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3".parse().unwrap();
        let k = key("OlRFK6LSytFr2HnN1HqwWw==");
        let h = WrmHeader::v4_0(
            kid,
            &k,
            Some("https://testtokyo.pallycon.com/ri/playready/licenseManager.do".into()),
        )
        .with_period_index(128);
        let xml = h.to_xml().unwrap();
        assert!(xml.contains("<CHECKSUM>6ibP40uTOZ0=</CHECKSUM>"), "{xml}");
        let back = WrmHeader::parse_xml(&xml).unwrap();
        assert_eq!(back, h);
        assert_eq!(back.period_index(), Some(128));
        assert_eq!(back.verify_key(&kid, &k), ChecksumCheck::Valid);
    }

    #[test]
    fn escaping_in_la_url() {
        let h = WrmHeader::v4_3(vec![], Some("https://x/?a=1&b=<2>".into()));
        let xml = h.to_xml().unwrap();
        assert!(xml.contains("a=1&amp;b=&lt;2&gt;"));
        assert_eq!(WrmHeader::parse_xml(&xml).unwrap(), h);
    }

    #[test]
    fn version_rules() {
        let kid = KeyId::from_bytes([1; 16]);
        let mut h = WrmHeader::v4_3(
            vec![PlayReadyKid::aes_cbc(kid), PlayReadyKid::aes_cbc(kid)],
            None,
        );
        assert!(h.to_xml().is_ok());
        h.version = WrmHeaderVersion::V4_2;
        assert!(matches!(
            h.to_xml(),
            Err(PlayReadyError::Unencodable { .. })
        ));
        h.version = WrmHeaderVersion::V4_0;
        assert!(matches!(
            h.to_xml(),
            Err(PlayReadyError::Unencodable { .. })
        ));
        h.version = WrmHeaderVersion::V4_1;
        assert!(matches!(
            h.to_xml(),
            Err(PlayReadyError::Unencodable { .. })
        ));
        h.kids.pop();
        let xml = h.to_xml().unwrap();
        assert_eq!(WrmHeader::parse_xml(&xml).unwrap(), h);
    }

    #[test]
    fn hostile_xml_is_a_typed_error() {
        for bad in [
            "",
            "<WRMHEADER>",
            "<OTHER version=\"4.3.0.0\"/>",
            "<WRMHEADER version=\"9\"/>",
            "<WRMHEADER version=\"4.3.0.0\"><DATA><PROTECTINFO><KIDS><KID VALUE=\"abc\"/></KIDS></PROTECTINFO></DATA></WRMHEADER>",
            "<WRMHEADER version=\"4.0.0.0\"><DATA><KID>AAAA</KID></DATA></WRMHEADER>",
            "<WRMHEADER version=\"4.0.0.0\"><DATA><LA_URL>&bogus;</LA_URL></DATA></WRMHEADER>",
            "<WRMHEADER version=\"4.0.0.0\"></WRMHEADER><WRMHEADER version=\"4.0.0.0\"/>",
        ] {
            assert!(WrmHeader::parse_xml(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hostile_pro_is_a_typed_error() {
        let pro = PlayReadyObject::from_wrm_header(&WrmHeader::v4_3(vec![], None))
            .unwrap()
            .to_bytes()
            .unwrap();
        for cut in 0..pro.len() {
            assert!(PlayReadyObject::parse(&pro[..cut]).is_err(), "cut {cut}");
        }
        let mut odd = pro.clone();
        odd[6..8].copy_from_slice(&1u16.to_le_bytes());
        odd[8..10].copy_from_slice(&1u16.to_le_bytes());
        odd.truncate(11);
        odd[0..4].copy_from_slice(&11u32.to_le_bytes());
        let obj = PlayReadyObject::parse(&odd).unwrap();
        assert!(matches!(
            obj.wrm_header(),
            Err(PlayReadyError::Utf16 { .. })
        ));
    }
}

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

use std::fmt;
use std::str::FromStr;

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::KeyId;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use crate::pssh::{MAX_PSSH_LEN, PsshBox, PsshError, decode_base64};
use crate::system::PLAYREADY_SYSTEM_ID;

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

// ------------------------------------------------------------------------------------------
// KIDs and checksums

/// The GUID little-endian byte order of a KID (first three groups byte-swapped), as PlayReady
/// writes it: `cbbc38b6-b50d-ab53-…` → `b6 38 bc cb 0d b5 53 ab …`.
pub fn guid_bytes(key_id: &KeyId) -> [u8; 16] {
    let b = key_id.as_bytes();
    let mut g = *b;
    g[0..4].reverse();
    g[4..6].reverse();
    g[6..8].reverse();
    g
}

/// The KID (big-endian UUID bytes) from its GUID little-endian bytes.
pub fn key_id_from_guid_bytes(guid: [u8; 16]) -> KeyId {
    let mut b = guid;
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    KeyId::from_bytes(b)
}

/// Base64 of the GUID little-endian bytes (the `KID`/`VALUE` text of a WRMHEADER).
pub fn kid_base64(key_id: &KeyId) -> String {
    STANDARD.encode(guid_bytes(key_id))
}

/// The AESCTR key checksum: the first 8 bytes of AES-128-ECB(`content_key`, GUID-LE KID).
pub fn checksum(key_id: &KeyId, content_key: &[u8; 16]) -> [u8; 8] {
    let cipher = Aes128::new(content_key.into());
    let mut block = guid_bytes(key_id).into();
    cipher.encrypt_block(&mut block);
    let mut out = [0u8; 8];
    out.copy_from_slice(&block[..8]);
    out
}

/// Base64 of [`checksum`], as written in `CHECKSUM`.
pub fn checksum_base64(key_id: &KeyId, content_key: &[u8; 16]) -> String {
    STANDARD.encode(checksum(key_id, content_key))
}

/// True when `expected` (decoded `CHECKSUM` bytes) is the AESCTR checksum of `key_id` under
/// `content_key`.
pub fn verify_checksum(key_id: &KeyId, content_key: &[u8; 16], expected: &[u8]) -> bool {
    checksum(key_id, content_key).as_slice() == expected
}

/// The outcome of checking a header's checksum against a content key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumCheck {
    /// The checksum matches the key.
    Valid,
    /// The checksum does not match the key (wrong key, or a stale header).
    Invalid,
    /// The KID has no checksum (e.g. `AESCBC`, or an empty `<KIDS>`).
    Missing,
    /// The checksum uses an algorithm this crate does not check (`COCKTAIL`).
    Unsupported,
    /// The header does not list this KID.
    KidNotFound,
}

impl ChecksumCheck {
    /// The lower-case name (`valid`, `invalid`, `missing`, `unsupported`, `kid_not_found`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ChecksumCheck::Valid => "valid",
            ChecksumCheck::Invalid => "invalid",
            ChecksumCheck::Missing => "missing",
            ChecksumCheck::Unsupported => "unsupported",
            ChecksumCheck::KidNotFound => "kid_not_found",
        }
    }
}

// ------------------------------------------------------------------------------------------
// WRMHEADER model

/// A `WRMHEADER@version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WrmHeaderVersion {
    /// `4.0.0.0`: one KID as `<KID>` text with `<PROTECTINFO><KEYLEN/><ALGID/>`.
    V4_0,
    /// `4.1.0.0`: one `<PROTECTINFO><KID …/>` with attributes.
    V4_1,
    /// `4.2.0.0`: `<PROTECTINFO><KIDS><KID …/>…</KIDS>`.
    V4_2,
    /// `4.3.0.0`: as 4.2, with AESCBC allowed (DoveRunner's current output).
    V4_3,
}

impl WrmHeaderVersion {
    /// The attribute text, e.g. `4.3.0.0`.
    pub const fn as_str(self) -> &'static str {
        match self {
            WrmHeaderVersion::V4_0 => "4.0.0.0",
            WrmHeaderVersion::V4_1 => "4.1.0.0",
            WrmHeaderVersion::V4_2 => "4.2.0.0",
            WrmHeaderVersion::V4_3 => "4.3.0.0",
        }
    }
}

impl fmt::Display for WrmHeaderVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WrmHeaderVersion {
    type Err = PlayReadyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "4.0.0.0" => Ok(WrmHeaderVersion::V4_0),
            "4.1.0.0" => Ok(WrmHeaderVersion::V4_1),
            "4.2.0.0" => Ok(WrmHeaderVersion::V4_2),
            "4.3.0.0" => Ok(WrmHeaderVersion::V4_3),
            other => Err(PlayReadyError::UnsupportedVersion {
                version: other.chars().take(32).collect(),
            }),
        }
    }
}

/// A PlayReady content-encryption algorithm (`ALGID`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PlayReadyAlgorithm {
    /// `AESCTR` (cenc), with an AES-ECB checksum.
    AesCtr,
    /// `AESCBC` (cbcs), no checksum.
    AesCbc,
    /// `COCKTAIL` (legacy).
    Cocktail,
    /// Any other text.
    Other(String),
}

impl PlayReadyAlgorithm {
    /// The `ALGID` text.
    pub fn as_str(&self) -> &str {
        match self {
            PlayReadyAlgorithm::AesCtr => "AESCTR",
            PlayReadyAlgorithm::AesCbc => "AESCBC",
            PlayReadyAlgorithm::Cocktail => "COCKTAIL",
            PlayReadyAlgorithm::Other(s) => s,
        }
    }

    /// From the `ALGID` text (exact, case-sensitive names; anything else is `Other`, at most 32
    /// characters, trimmed).
    pub fn from_text(s: &str) -> Self {
        match s.trim() {
            "AESCTR" => PlayReadyAlgorithm::AesCtr,
            "AESCBC" => PlayReadyAlgorithm::AesCbc,
            "COCKTAIL" => PlayReadyAlgorithm::Cocktail,
            // Clip, then trim again: a clipped name must not end in whitespace that the next
            // read would trim (found by the `pssh_decode` fuzz target).
            other => PlayReadyAlgorithm::Other(
                other
                    .chars()
                    .take(32)
                    .collect::<String>()
                    .trim_end()
                    .to_owned(),
            ),
        }
    }
}

/// One KID of a WRMHEADER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlayReadyKid {
    /// The KID (big-endian UUID bytes; converted from the GUID-LE form of the XML).
    pub key_id: KeyId,
    /// `ALGID`, when present.
    pub algorithm: Option<PlayReadyAlgorithm>,
    /// Decoded `CHECKSUM` bytes, when present (8 bytes for AESCTR).
    pub checksum: Option<Vec<u8>>,
}

impl PlayReadyKid {
    /// An `AESCTR` KID with the checksum computed from `content_key`.
    pub fn aes_ctr(key_id: KeyId, content_key: &[u8; 16]) -> Self {
        Self {
            key_id,
            algorithm: Some(PlayReadyAlgorithm::AesCtr),
            checksum: Some(checksum(&key_id, content_key).to_vec()),
        }
    }

    /// An `AESCBC` KID (no checksum).
    pub fn aes_cbc(key_id: KeyId) -> Self {
        Self {
            key_id,
            algorithm: Some(PlayReadyAlgorithm::AesCbc),
            checksum: None,
        }
    }

    /// Checks this KID's checksum against a content key.
    pub fn verify(&self, content_key: &[u8; 16]) -> ChecksumCheck {
        match (&self.checksum, &self.algorithm) {
            (None, _) => ChecksumCheck::Missing,
            (Some(_), Some(PlayReadyAlgorithm::Cocktail | PlayReadyAlgorithm::Other(_))) => {
                ChecksumCheck::Unsupported
            }
            (Some(sum), _) => {
                if verify_checksum(&self.key_id, content_key, sum) {
                    ChecksumCheck::Valid
                } else {
                    ChecksumCheck::Invalid
                }
            }
        }
    }

    /// The checksum as base64, when present.
    pub fn checksum_base64(&self) -> Option<String> {
        self.checksum.as_ref().map(|c| STANDARD.encode(c))
    }
}

/// A `WRMHEADER` (the fields DoveRunner uses plus the common optional ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrmHeader {
    /// `@version`.
    pub version: WrmHeaderVersion,
    /// The KIDs (one for 4.0/4.1; any number, possibly none, for 4.2/4.3).
    pub kids: Vec<PlayReadyKid>,
    /// 4.0 `PROTECTINFO/KEYLEN` (16 when written and not set).
    pub key_len: Option<u32>,
    /// `LA_URL`: the license acquisition URL.
    pub la_url: Option<String>,
    /// `LUI_URL`: the license UI URL.
    pub lui_url: Option<String>,
    /// `DS_ID`: the domain service id.
    pub ds_id: Option<String>,
    /// The raw inner XML of `CUSTOMATTRIBUTES`, e.g. `<PERIOD_INDEX>5</PERIOD_INDEX>`
    /// (written verbatim: it must be well-formed XML).
    pub custom_attributes: Option<String>,
    /// `DECRYPTORSETUP`, e.g. `ONDEMAND`.
    pub decryptor_setup: Option<String>,
}

impl WrmHeader {
    /// A 4.3.0.0 header with these KIDs and LA_URL (DoveRunner's current form).
    pub fn v4_3(kids: Vec<PlayReadyKid>, la_url: Option<String>) -> Self {
        Self {
            version: WrmHeaderVersion::V4_3,
            kids,
            key_len: None,
            la_url,
            lui_url: None,
            ds_id: None,
            custom_attributes: None,
            decryptor_setup: None,
        }
    }

    /// A 4.0.0.0 header for one AESCTR KID (the 2020 docs form).
    pub fn v4_0(key_id: KeyId, content_key: &[u8; 16], la_url: Option<String>) -> Self {
        Self {
            version: WrmHeaderVersion::V4_0,
            kids: vec![PlayReadyKid::aes_ctr(key_id, content_key)],
            key_len: Some(16),
            la_url,
            lui_url: None,
            ds_id: None,
            custom_attributes: None,
            decryptor_setup: None,
        }
    }

    /// Sets `CUSTOMATTRIBUTES` to `<PERIOD_INDEX>{index}</PERIOD_INDEX>` (DoveRunner's key
    /// rotation marker).
    #[must_use]
    pub fn with_period_index(mut self, index: u64) -> Self {
        self.custom_attributes = Some(format!("<PERIOD_INDEX>{index}</PERIOD_INDEX>"));
        self
    }

    /// The `CUSTOMATTRIBUTES/PERIOD_INDEX` number, when present.
    pub fn period_index(&self) -> Option<u64> {
        let ca = self.custom_attributes.as_deref()?;
        let start = ca.find("<PERIOD_INDEX>")? + "<PERIOD_INDEX>".len();
        let end = start + ca.get(start..)?.find("</PERIOD_INDEX>")?;
        ca.get(start..end)?.trim().parse().ok()
    }

    /// The KID entry for `key_id`.
    pub fn kid(&self, key_id: &KeyId) -> Option<&PlayReadyKid> {
        self.kids.iter().find(|k| k.key_id == *key_id)
    }

    /// Checks the checksum of `key_id` against `content_key`.
    pub fn verify_key(&self, key_id: &KeyId, content_key: &[u8; 16]) -> ChecksumCheck {
        self.kid(key_id)
            .map_or(ChecksumCheck::KidNotFound, |k| k.verify(content_key))
    }

    /// Writes the XML in the byte layout DoveRunner uses (no declaration, no whitespace).
    ///
    /// # Errors
    /// [`PlayReadyError::Unencodable`] when the KIDs do not fit the version (4.0/4.1 need
    /// exactly one; 4.0 and 4.2 are AESCTR-only).
    pub fn to_xml(&self) -> Result<String, PlayReadyError> {
        let v = self.version;
        let unencodable = |reason| PlayReadyError::Unencodable { version: v, reason };
        let mut x = String::with_capacity(512);
        x.push_str("<WRMHEADER xmlns=\"");
        x.push_str(WRMHEADER_NAMESPACE);
        x.push_str("\" version=\"");
        x.push_str(v.as_str());
        x.push_str("\"><DATA>");
        match v {
            WrmHeaderVersion::V4_0 => {
                let [kid] = self.kids.as_slice() else {
                    return Err(unencodable("version 4.0 carries exactly one KID"));
                };
                if !matches!(kid.algorithm, None | Some(PlayReadyAlgorithm::AesCtr)) {
                    return Err(unencodable("version 4.0 supports AESCTR only"));
                }
                x.push_str("<PROTECTINFO><KEYLEN>");
                x.push_str(&self.key_len.unwrap_or(16).to_string());
                x.push_str("</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO><KID>");
                x.push_str(&kid_base64(&kid.key_id));
                x.push_str("</KID>");
                if let Some(sum) = kid.checksum_base64() {
                    x.push_str("<CHECKSUM>");
                    x.push_str(&sum);
                    x.push_str("</CHECKSUM>");
                }
            }
            WrmHeaderVersion::V4_1 => {
                let [kid] = self.kids.as_slice() else {
                    return Err(unencodable("version 4.1 carries exactly one KID"));
                };
                x.push_str("<PROTECTINFO>");
                push_kid_element(&mut x, kid);
                x.push_str("</PROTECTINFO>");
            }
            WrmHeaderVersion::V4_2 | WrmHeaderVersion::V4_3 => {
                if v == WrmHeaderVersion::V4_2
                    && self
                        .kids
                        .iter()
                        .any(|k| !matches!(k.algorithm, None | Some(PlayReadyAlgorithm::AesCtr)))
                {
                    return Err(unencodable("version 4.2 supports AESCTR only"));
                }
                x.push_str("<PROTECTINFO><KIDS>");
                for kid in &self.kids {
                    push_kid_element(&mut x, kid);
                }
                x.push_str("</KIDS></PROTECTINFO>");
            }
        }
        push_text_element(&mut x, "LA_URL", self.la_url.as_deref());
        push_text_element(&mut x, "LUI_URL", self.lui_url.as_deref());
        push_text_element(&mut x, "DS_ID", self.ds_id.as_deref());
        if let Some(ca) = &self.custom_attributes {
            x.push_str("<CUSTOMATTRIBUTES>");
            x.push_str(ca);
            x.push_str("</CUSTOMATTRIBUTES>");
        }
        push_text_element(&mut x, "DECRYPTORSETUP", self.decryptor_setup.as_deref());
        x.push_str("</DATA></WRMHEADER>");
        Ok(x)
    }

    /// Parses `WRMHEADER` XML. Unknown elements are ignored; KID values must be base64 of 16
    /// bytes.
    ///
    /// # Errors
    /// A [`PlayReadyError`] for malformed XML, another root, an unsupported version or bad
    /// KID/CHECKSUM/KEYLEN values.
    pub fn parse_xml(xml: &str) -> Result<Self, PlayReadyError> {
        if xml.len() > MAX_PSSH_LEN {
            return Err(PlayReadyError::TooLarge {
                len: xml.len(),
                max: MAX_PSSH_LEN,
            });
        }
        let xml = xml.trim_start_matches('\u{feff}');
        let mut reader = Reader::from_str(xml);
        let mut path: Vec<Vec<u8>> = Vec::new();
        let mut version: Option<WrmHeaderVersion> = None;
        let mut header = WrmHeader::v4_3(Vec::new(), None);
        // 4.0 pieces, combined at the end.
        let mut v40_kid: Option<KeyId> = None;
        let mut v40_checksum: Option<Vec<u8>> = None;
        let mut v40_algid: Option<PlayReadyAlgorithm> = None;
        let mut text = String::new();
        let mut saw_root = false;
        loop {
            let event = reader.read_event().map_err(xml_error)?;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let is_empty = matches!(event, Event::Empty(_));
                    let name = e.local_name().as_ref().to_vec();
                    if path.is_empty() {
                        if saw_root {
                            return Err(PlayReadyError::Xml {
                                reason: "more than one root element".into(),
                            });
                        }
                        saw_root = true;
                        if name != b"WRMHEADER" {
                            return Err(PlayReadyError::NotWrmHeader {
                                found: String::from_utf8_lossy(&name).chars().take(64).collect(),
                            });
                        }
                        let v = attr(e, b"version")?.unwrap_or_default();
                        version = Some(v.parse()?);
                    } else if name == b"KID" && in_protectinfo(&path) {
                        header.kids.push(kid_from_attributes(e)?);
                    } else if name == b"CUSTOMATTRIBUTES"
                        && is_path(&path, &[b"WRMHEADER", b"DATA"])
                    {
                        if is_empty {
                            header.custom_attributes = Some(String::new());
                        } else {
                            let qname = e.name().as_ref().to_vec();
                            let span = reader.read_to_end(QName(&qname)).map_err(xml_error)?;
                            let inner = usize::try_from(span.start)
                                .ok()
                                .zip(usize::try_from(span.end).ok())
                                .and_then(|(s, t)| xml.get(s..t))
                                .unwrap_or_default();
                            header.custom_attributes = Some(inner.to_owned());
                        }
                        continue;
                    }
                    if !is_empty {
                        path.push(name);
                        text.clear();
                    }
                }
                Event::Text(t) => {
                    let s = t.decode().map_err(|e| xml_error(e.into()))?;
                    text.push_str(&s);
                }
                Event::CData(t) => {
                    let s = t.decode().map_err(|e| xml_error(e.into()))?;
                    text.push_str(&s);
                }
                Event::GeneralRef(r) => {
                    let name = r.decode().map_err(|e| xml_error(e.into()))?;
                    let entity = format!("&{name};");
                    let resolved =
                        quick_xml::escape::unescape(&entity).map_err(|e| PlayReadyError::Xml {
                            reason: e.to_string(),
                        })?;
                    text.push_str(&resolved);
                }
                Event::End(_) => {
                    let value = text.trim().to_owned();
                    text.clear();
                    let parent_is_data =
                        path.len() == 3 && is_path(&path, &[b"WRMHEADER", b"DATA"]);
                    let in_pi =
                        path.len() == 4 && is_path(&path, &[b"WRMHEADER", b"DATA", b"PROTECTINFO"]);
                    if let Some(name) = path.last() {
                        match name.as_slice() {
                            b"LA_URL" if parent_is_data => header.la_url = Some(value),
                            b"LUI_URL" if parent_is_data => header.lui_url = Some(value),
                            b"DS_ID" if parent_is_data => header.ds_id = Some(value),
                            b"DECRYPTORSETUP" if parent_is_data => {
                                header.decryptor_setup = Some(value);
                            }
                            b"KID" if parent_is_data => {
                                v40_kid = Some(decode_kid("KID", &value)?);
                            }
                            b"CHECKSUM" if parent_is_data => {
                                v40_checksum = Some(decode_checksum(&value)?);
                            }
                            b"KEYLEN" if in_pi => {
                                header.key_len = Some(value.parse().map_err(|_| {
                                    PlayReadyError::InvalidNumber {
                                        field: "KEYLEN",
                                        value: value.chars().take(64).collect(),
                                    }
                                })?);
                            }
                            b"ALGID" if in_pi => {
                                v40_algid = Some(PlayReadyAlgorithm::from_text(&value));
                            }
                            _ => {}
                        }
                    }
                    path.pop();
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let version = version.ok_or(PlayReadyError::NotWrmHeader {
            found: String::new(),
        })?;
        header.version = version;
        if let Some(key_id) = v40_kid {
            header.kids.insert(
                0,
                PlayReadyKid {
                    key_id,
                    algorithm: v40_algid,
                    checksum: v40_checksum,
                },
            );
        }
        Ok(header)
    }

    /// Wraps the header in a PlayReady Header Object.
    ///
    /// # Errors
    /// As [`WrmHeader::to_xml`] and [`PlayReadyObject::from_wrm_header`].
    pub fn to_object(&self) -> Result<PlayReadyObject, PlayReadyError> {
        PlayReadyObject::from_wrm_header(self)
    }
}

fn in_protectinfo(path: &[Vec<u8>]) -> bool {
    is_path(path, &[b"WRMHEADER", b"DATA", b"PROTECTINFO"])
        && (path.len() == 3 || (path.len() == 4 && path[3] == b"KIDS"))
}

fn is_path(path: &[Vec<u8>], prefix: &[&[u8]]) -> bool {
    path.len() >= prefix.len() && path.iter().zip(prefix).all(|(a, b)| a.as_slice() == *b)
}

fn xml_error(e: quick_xml::Error) -> PlayReadyError {
    PlayReadyError::Xml {
        reason: e.to_string(),
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Result<Option<String>, PlayReadyError> {
    for a in e.attributes() {
        let a = a.map_err(|e| xml_error(e.into()))?;
        if a.key.local_name().as_ref() == name {
            return Ok(Some(a.unescape_value().map_err(xml_error)?.into_owned()));
        }
    }
    Ok(None)
}

fn kid_from_attributes(e: &BytesStart<'_>) -> Result<PlayReadyKid, PlayReadyError> {
    let value = attr(e, b"VALUE")?.unwrap_or_default();
    Ok(PlayReadyKid {
        key_id: decode_kid("KID@VALUE", &value)?,
        algorithm: attr(e, b"ALGID")?.map(|a| PlayReadyAlgorithm::from_text(&a)),
        checksum: attr(e, b"CHECKSUM")?
            .map(|c| decode_checksum(&c))
            .transpose()?,
    })
}

fn decode_kid(field: &'static str, value: &str) -> Result<KeyId, PlayReadyError> {
    STANDARD
        .decode(value.trim())
        .ok()
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(key_id_from_guid_bytes)
        .ok_or_else(|| PlayReadyError::InvalidKid {
            field,
            value: value.chars().take(64).collect(),
        })
}

fn decode_checksum(value: &str) -> Result<Vec<u8>, PlayReadyError> {
    STANDARD
        .decode(value.trim())
        .ok()
        .filter(|b| b.len() <= 64)
        .ok_or_else(|| PlayReadyError::InvalidChecksum {
            value: value.chars().take(64).collect(),
        })
}

fn push_kid_element(x: &mut String, kid: &PlayReadyKid) {
    x.push_str("<KID");
    if let Some(a) = &kid.algorithm {
        x.push_str(" ALGID=\"");
        x.push_str(&quick_xml::escape::escape(a.as_str()));
        x.push('"');
    }
    if let Some(sum) = kid.checksum_base64() {
        x.push_str(" CHECKSUM=\"");
        x.push_str(&sum);
        x.push('"');
    }
    x.push_str(" VALUE=\"");
    x.push_str(&kid_base64(&kid.key_id));
    x.push_str("\"></KID>");
}

fn push_text_element(x: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        x.push('<');
        x.push_str(name);
        x.push('>');
        x.push_str(&quick_xml::escape::partial_escape(v));
        x.push_str("</");
        x.push_str(name);
        x.push('>');
    }
}

// ------------------------------------------------------------------------------------------
// PlayReady Header Object

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

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

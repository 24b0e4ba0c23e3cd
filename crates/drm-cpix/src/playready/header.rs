//! The `WRMHEADER` XML (versions 4.0–4.3): the model, the writer (DoveRunner's byte layout)
//! and the reader (the crate's bounded element tree, matched on local names).

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_policy::KeyId;

use super::kid::{checksum, key_id_from_guid_bytes, kid_base64, verify_checksum};
use super::{ChecksumCheck, PlayReadyError, PlayReadyObject, WRMHEADER_NAMESPACE};
use crate::pssh::MAX_PSSH_LEN;
use crate::response::dom::{self, Node};

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
        let (root, _) = dom::parse_tree(xml.as_bytes()).map_err(tree_error)?;
        if root.local != "WRMHEADER" {
            return Err(PlayReadyError::NotWrmHeader {
                found: root.local.chars().take(64).collect(),
            });
        }
        let mut header = WrmHeader::v4_3(Vec::new(), None);
        header.version = root.attr("version").unwrap_or_default().parse()?;
        // 4.0 pieces, combined at the end.
        let mut v40 = V40Kid::default();
        for data in named(&root, "DATA") {
            read_data(xml, data, &mut header, &mut v40)?;
        }
        if let Some(key_id) = v40.kid {
            header.kids.insert(
                0,
                PlayReadyKid {
                    key_id,
                    algorithm: v40.algid,
                    checksum: v40.checksum,
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

/// The 4.0 KID, spread over `DATA/KID`, `DATA/CHECKSUM` and `DATA/PROTECTINFO/ALGID`.
#[derive(Default)]
struct V40Kid {
    kid: Option<KeyId>,
    checksum: Option<Vec<u8>>,
    algid: Option<PlayReadyAlgorithm>,
}

/// The direct children of `node` with local name `local` (namespaces are not compared).
fn named<'a>(node: &'a Node, local: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
    node.children.iter().filter(move |c| c.local == local)
}

/// The trimmed text of `node`.
fn value(node: &Node) -> String {
    node.text.trim().to_owned()
}

/// Reads one `DATA` element into `header` / `v40`.
fn read_data(
    xml: &str,
    data: &Node,
    header: &mut WrmHeader,
    v40: &mut V40Kid,
) -> Result<(), PlayReadyError> {
    for child in &data.children {
        match child.local.as_str() {
            "PROTECTINFO" => read_protectinfo(child, header, v40)?,
            "LA_URL" => header.la_url = Some(value(child)),
            "LUI_URL" => header.lui_url = Some(value(child)),
            "DS_ID" => header.ds_id = Some(value(child)),
            "DECRYPTORSETUP" => header.decryptor_setup = Some(value(child)),
            "KID" => v40.kid = Some(decode_kid("KID", &value(child))?),
            "CHECKSUM" => v40.checksum = Some(decode_checksum(&value(child))?),
            "CUSTOMATTRIBUTES" => {
                // Kept verbatim: the raw XML between the tags.
                let (start, end) = child.inner;
                header.custom_attributes = Some(xml.get(start..end).unwrap_or_default().to_owned());
            }
            _ => {}
        }
    }
    Ok(())
}

/// Reads `PROTECTINFO`: 4.0 `KEYLEN`/`ALGID`, 4.1 `KID`, 4.2/4.3 `KIDS/KID`.
fn read_protectinfo(
    pi: &Node,
    header: &mut WrmHeader,
    v40: &mut V40Kid,
) -> Result<(), PlayReadyError> {
    for child in &pi.children {
        match child.local.as_str() {
            "KID" => header.kids.push(kid_from_attributes(child)?),
            "KIDS" => {
                for kid in named(child, "KID") {
                    header.kids.push(kid_from_attributes(kid)?);
                }
            }
            "KEYLEN" => {
                let text = value(child);
                header.key_len = Some(text.parse().map_err(|_| PlayReadyError::InvalidNumber {
                    field: "KEYLEN",
                    value: text.chars().take(64).collect(),
                })?);
            }
            "ALGID" => v40.algid = Some(PlayReadyAlgorithm::from_text(&value(child))),
            _ => {}
        }
    }
    Ok(())
}

/// A reader error as a [`PlayReadyError`].
fn tree_error(e: crate::error::ParseError) -> PlayReadyError {
    match e {
        crate::error::ParseError::NotCpix { .. } => PlayReadyError::NotWrmHeader {
            found: String::new(),
        },
        other => PlayReadyError::Xml {
            reason: other.to_string(),
        },
    }
}

fn kid_from_attributes(e: &Node) -> Result<PlayReadyKid, PlayReadyError> {
    let value = e.attr("VALUE").unwrap_or_default();
    Ok(PlayReadyKid {
        key_id: decode_kid("KID@VALUE", value)?,
        algorithm: e.attr("ALGID").map(PlayReadyAlgorithm::from_text),
        checksum: e.attr("CHECKSUM").map(decode_checksum).transpose()?,
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

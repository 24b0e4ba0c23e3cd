//! The CPIX document as written: every `ContentKey`, `ContentKeyPeriod`, `ContentKeyUsageRule`
//! and `DRMSystem` in document order, with attribute values and element texts untouched.
//!
//! This is the input of the official-client JSON export (which compares strings exactly, as the
//! official clients do) and of [`crate::response::CpixResponse`] (which compares UUIDs).

use crate::error::ParseError;
use crate::response::dom::{self, Node, Ns};
use crate::secret::SecretText;

/// A whole CPIX document, as written.
#[derive(Debug, Clone, Default)]
pub struct RawDocument {
    /// `CPIX@id` (DoveRunner's content id), when present.
    pub id: Option<String>,
    /// `CPIX@contentId` (the CPIX 2.3 content id), when present.
    pub content_id: Option<String>,
    /// Every `cpix:ContentKey`.
    pub content_keys: Vec<RawContentKey>,
    /// Every `cpix:ContentKeyPeriod`.
    pub periods: Vec<RawKeyPeriod>,
    /// Every `cpix:ContentKeyUsageRule`.
    pub usage_rules: Vec<RawUsageRule>,
    /// Every `cpix:DRMSystem`.
    pub drm_systems: Vec<RawDrmSystem>,
    /// The parent element (local name) of every `ds:Signature`, in document order.
    pub signatures: Vec<String>,
    /// How many `cpix:DeliveryData` elements (recipients of an encrypted document key).
    pub delivery_data: usize,
}

/// Text of an element: absent, present but empty, or present with text.
///
/// The official Python client tells "absent" (`""` in its JSON) from "empty" (`null`).
pub type ElementText = Option<String>;

/// A `cpix:ContentKey`.
#[derive(Debug, Clone, Default)]
pub struct RawContentKey {
    /// `@kid`.
    pub kid: Option<String>,
    /// `@explicitIV` (base64).
    pub explicit_iv: Option<String>,
    /// `@commonEncryptionScheme`.
    pub common_encryption_scheme: Option<String>,
    /// The text of the first `pskc:PlainValue` below the key (base64 of the key), `None` when
    /// absent, `Some("")` when empty.
    pub plain_value: Option<SecretText>,
    /// True when the key holds a `pskc:EncryptedValue` (document-key encryption).
    pub encrypted: bool,
}

/// A `cpix:ContentKeyPeriod`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawKeyPeriod {
    /// `@id`.
    pub id: Option<String>,
    /// `@index`.
    pub index: Option<String>,
}

/// A filter of a usage rule other than `KeyPeriodFilter`: `LabelFilter`, `VideoFilter`,
/// `AudioFilter`, `BitrateFilter`, or any other child element (which makes the rule unusable).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFilter {
    /// The element's local name (`LabelFilter`, `VideoFilter`, …).
    pub kind: String,
    /// False when the element is not in the CPIX namespace.
    pub cpix_namespace: bool,
    /// Every unprefixed attribute (`label`, `minPixels`, `maxChannels`, …), as written.
    pub attributes: Vec<(String, String)>,
}

impl RawFilter {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A `cpix:ContentKeyUsageRule`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawUsageRule {
    /// `@kid`.
    pub kid: Option<String>,
    /// `@intendedTrackType`.
    pub intended_track_type: Option<String>,
    /// `@periodId` of every `cpix:KeyPeriodFilter` below the rule.
    pub period_ids: Vec<String>,
    /// Attributes of the `KeyPeriodFilter`s other than `periodId`, and whether one lacks it:
    /// any of them makes the rule unusable.
    pub period_filter_problems: Vec<RawFilter>,
    /// Every other filter, in document order.
    pub filters: Vec<RawFilter>,
}

/// A `cpix:HLSSignalingData`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawHlsSignaling {
    /// `@playlist` (`master`, `media`, or absent: media in CPIX 2.1 / the 2020 docs).
    pub playlist: Option<String>,
    /// The base64 text.
    pub base64: String,
}

/// A `cpix:DRMSystem`. `Debug` hides the NCG CEK (NCG's `URIExtXKey`).
#[derive(Clone, Default)]
pub struct RawDrmSystem {
    /// `@kid`.
    pub kid: Option<String>,
    /// `@systemId`, as written (the KMS echoes the request's case).
    pub system_id: Option<String>,
    /// First `cpix:PSSH` child.
    pub pssh: ElementText,
    /// First `cpix:ContentProtectionData` child (DoveRunner: the raw PSSH payload, base64).
    pub content_protection_data: ElementText,
    /// First `cpix:URIExtXKey` child (base64 of the key URI; the NCG CEK for NCG).
    pub uri_ext_x_key: ElementText,
    /// Every `cpix:HLSSignalingData` child.
    pub hls_signaling: Vec<RawHlsSignaling>,
    /// First `cpix:SmoothStreamingProtectionHeaderData` child.
    pub smooth_streaming_protection_header: ElementText,
    /// First `speke:ProtectionHeader` child.
    pub speke_protection_header: ElementText,
}

impl std::fmt::Debug for RawDrmSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let uri = crate::response::debug_uri_ext_x_key(
            self.system_id.as_deref(),
            self.uri_ext_x_key.as_deref(),
        );
        f.debug_struct("RawDrmSystem")
            .field("kid", &self.kid)
            .field("system_id", &self.system_id)
            .field("pssh", &self.pssh)
            .field("content_protection_data", &self.content_protection_data)
            .field("uri_ext_x_key", &uri)
            .field("hls_signaling", &self.hls_signaling)
            .field(
                "smooth_streaming_protection_header",
                &self.smooth_streaming_protection_header,
            )
            .field("speke_protection_header", &self.speke_protection_header)
            .finish()
    }
}

fn text_of(n: Option<&Node>) -> ElementText {
    n.map(|n| n.text.clone())
}

impl RawDocument {
    /// Reads a CPIX document (request or response).
    ///
    /// # Errors
    /// [`ParseError::TooLarge`], [`ParseError::Xml`], [`ParseError::Limit`],
    /// [`ParseError::NotCpix`], [`ParseError::JsonBody`] (a KMS error body).
    pub fn parse(input: &[u8]) -> Result<Self, ParseError> {
        let trimmed = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
        if looks_like_json(trimmed) {
            return Err(ParseError::JsonBody);
        }
        let root = dom::parse(input)?;
        Ok(Self::from_root(&root))
    }

    pub(crate) fn from_root(root: &Node) -> Self {
        RawDocument {
            id: root.attr("id").map(str::to_owned),
            content_id: root.attr("contentId").map(str::to_owned),
            content_keys: root
                .descendants(Ns::Cpix, "ContentKey")
                .into_iter()
                .map(content_key)
                .collect(),
            periods: root
                .descendants(Ns::Cpix, "ContentKeyPeriod")
                .into_iter()
                .map(|p| RawKeyPeriod {
                    id: p.attr("id").map(str::to_owned),
                    index: p.attr("index").map(str::to_owned),
                })
                .collect(),
            usage_rules: root
                .descendants(Ns::Cpix, "ContentKeyUsageRule")
                .into_iter()
                .map(usage_rule)
                .collect(),
            drm_systems: root
                .descendants(Ns::Cpix, "DRMSystem")
                .into_iter()
                .map(drm_system)
                .collect(),
            signatures: signature_parents(root),
            delivery_data: root.descendants(Ns::Cpix, "DeliveryData").len(),
        }
    }
}

fn content_key(k: &Node) -> RawContentKey {
    RawContentKey {
        kid: k.attr("kid").map(str::to_owned),
        explicit_iv: k.attr("explicitIV").map(str::to_owned),
        common_encryption_scheme: k.attr("commonEncryptionScheme").map(str::to_owned),
        plain_value: k
            .descendant(Ns::Pskc, "PlainValue")
            .map(|p| SecretText::new(p.text.clone())),
        encrypted: k.descendant(Ns::Pskc, "EncryptedValue").is_some(),
    }
}

fn raw_filter(f: &Node) -> RawFilter {
    RawFilter {
        kind: f.local.clone(),
        cpix_namespace: f.ns == Ns::Cpix,
        attributes: f.attrs().to_vec(),
    }
}

fn usage_rule(r: &Node) -> RawUsageRule {
    let period_filters: Vec<&Node> = r.children_named(Ns::Cpix, "KeyPeriodFilter").collect();
    RawUsageRule {
        kid: r.attr("kid").map(str::to_owned),
        intended_track_type: r.attr("intendedTrackType").map(str::to_owned),
        period_ids: period_filters
            .iter()
            .filter_map(|f| f.attr("periodId").map(str::to_owned))
            .collect(),
        period_filter_problems: period_filters
            .iter()
            .filter(|f| f.attr("periodId").is_none() || f.attrs().len() > 1)
            .map(|f| raw_filter(f))
            .collect(),
        filters: r
            .children
            .iter()
            .filter(|c| !c.is(Ns::Cpix, "KeyPeriodFilter") && c.ns != Ns::Dsig)
            .map(raw_filter)
            .collect(),
    }
}

fn drm_system(d: &Node) -> RawDrmSystem {
    RawDrmSystem {
        kid: d.attr("kid").map(str::to_owned),
        system_id: d.attr("systemId").map(str::to_owned),
        pssh: text_of(d.child(Ns::Cpix, "PSSH")),
        content_protection_data: text_of(d.child(Ns::Cpix, "ContentProtectionData")),
        uri_ext_x_key: text_of(d.child(Ns::Cpix, "URIExtXKey")),
        hls_signaling: d
            .children_named(Ns::Cpix, "HLSSignalingData")
            .map(|h| RawHlsSignaling {
                playlist: h.attr("playlist").map(str::to_owned),
                base64: h.text.clone(),
            })
            .collect(),
        smooth_streaming_protection_header: text_of(
            d.child(Ns::Cpix, "SmoothStreamingProtectionHeaderData"),
        ),
        speke_protection_header: text_of(d.child(Ns::Speke, "ProtectionHeader")),
    }
}

/// The local name of the parent of every `ds:Signature` (the signed list, or `CPIX`), in
/// document order. Recursion is bounded by the reader's depth limit.
fn signature_parents(root: &Node) -> Vec<String> {
    fn walk(n: &Node, out: &mut Vec<String>) {
        for c in &n.children {
            if c.is(Ns::Dsig, "Signature") {
                out.push(n.local.clone());
            } else {
                walk(c, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

/// True when the body (after leading whitespace) is a JSON object/array, or a whole JSON
/// document of another kind — the KMS's way to report an error.
pub(crate) fn looks_like_json(body: &[u8]) -> bool {
    let t = body.trim_ascii_start();
    match t.first() {
        Some(b'{') | Some(b'[') => true,
        Some(b'<') | None => false,
        Some(_) => serde_json::from_slice::<serde_json::Value>(t).is_ok(),
    }
}

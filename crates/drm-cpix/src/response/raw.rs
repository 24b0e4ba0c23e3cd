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
    /// `CPIX@id` (the content id), when present.
    pub id: Option<String>,
    /// Every `cpix:ContentKey`.
    pub content_keys: Vec<RawContentKey>,
    /// Every `cpix:ContentKeyPeriod`.
    pub periods: Vec<RawKeyPeriod>,
    /// Every `cpix:ContentKeyUsageRule`.
    pub usage_rules: Vec<RawUsageRule>,
    /// Every `cpix:DRMSystem`.
    pub drm_systems: Vec<RawDrmSystem>,
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

/// A `cpix:VideoFilter` or `cpix:AudioFilter` of a usage rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFilter {
    /// `VideoFilter` or `AudioFilter`.
    pub kind: String,
    /// The filter's attributes (`minPixels`, `maxPixels`, `minChannels`, …), as written.
    pub attributes: Vec<(String, String)>,
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
    /// Video and audio filters.
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
        let content_keys = root
            .descendants(Ns::Cpix, "ContentKey")
            .into_iter()
            .map(|k| RawContentKey {
                kid: k.attr("kid").map(str::to_owned),
                explicit_iv: k.attr("explicitIV").map(str::to_owned),
                common_encryption_scheme: k.attr("commonEncryptionScheme").map(str::to_owned),
                plain_value: k
                    .descendant(Ns::Pskc, "PlainValue")
                    .map(|p| SecretText::new(p.text.clone())),
                encrypted: k.descendant(Ns::Pskc, "EncryptedValue").is_some(),
            })
            .collect();
        let periods = root
            .descendants(Ns::Cpix, "ContentKeyPeriod")
            .into_iter()
            .map(|p| RawKeyPeriod {
                id: p.attr("id").map(str::to_owned),
                index: p.attr("index").map(str::to_owned),
            })
            .collect();
        let usage_rules = root
            .descendants(Ns::Cpix, "ContentKeyUsageRule")
            .into_iter()
            .map(|r| RawUsageRule {
                kid: r.attr("kid").map(str::to_owned),
                intended_track_type: r.attr("intendedTrackType").map(str::to_owned),
                period_ids: r
                    .descendants(Ns::Cpix, "KeyPeriodFilter")
                    .into_iter()
                    .filter_map(|f| f.attr("periodId").map(str::to_owned))
                    .collect(),
                filters: r
                    .children
                    .iter()
                    .filter(|c| c.is(Ns::Cpix, "VideoFilter") || c.is(Ns::Cpix, "AudioFilter"))
                    .map(|f| RawFilter {
                        kind: f.local.clone(),
                        attributes: ["minPixels", "maxPixels", "minChannels", "maxChannels"]
                            .into_iter()
                            .filter_map(|a| f.attr(a).map(|v| (a.to_owned(), v.to_owned())))
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let drm_systems = root
            .descendants(Ns::Cpix, "DRMSystem")
            .into_iter()
            .map(|d| RawDrmSystem {
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
            })
            .collect();
        RawDocument {
            id: root.attr("id").map(str::to_owned),
            content_keys,
            periods,
            usage_rules,
            drm_systems,
        }
    }
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

//! The KMS response, read leniently (spec §3.1): matched on namespace URI + local name, in any
//! element order, with any prefixes, tolerating a BOM, comments, unknown elements and
//! upper/lower-case UUIDs.
//!
//! One [`KeyInfo`] per `ContentKeyUsageRule` (the KMS echoes the request's rules, with its own
//! KIDs); without usage rules (docs VOD/Qencode requests) one per `ContentKey`. Each key gathers
//! its `ContentKey` (key, explicit IV), its period (through `KeyPeriodFilter`) and the
//! `DRMSystem` signalling of its KID. [`CpixResponse::parse_for_request`] also pairs each key with
//! the request's key by `intendedTrackType` (+ period), falling back to position, and keeps both
//! KIDs.
//!
//! ```
//! use drm_cpix::response::CpixResponse;
//! use drm_cpix::system::DrmSystem;
//!
//! let xml = r#"<cpix:CPIX id="demo" xmlns:cpix="urn:dashif:org:cpix"
//!     xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
//!   <cpix:ContentKeyList>
//!     <cpix:ContentKey kid="CBBC38B6-B50D-AB53-F826-3E06B7382AA3" explicitIV="MDEyMzQ1Njc4OWFiY2RlZg==">
//!       <cpix:Data><pskc:Secret><pskc:PlainValue>lZ29ZzmA4dG98tNiCUlfTg==</pskc:PlainValue></pskc:Secret></cpix:Data>
//!     </cpix:ContentKey>
//!   </cpix:ContentKeyList>
//!   <cpix:DRMSystemList>
//!     <cpix:DRMSystem kid="cbbc38b6-b50d-ab53-f826-3e06b7382aa3" systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2">
//!       <cpix:URIExtXKey>c2tkOi8veTd3NHRyVU5xMVA0Smo0R3R6Z3Fvdz09</cpix:URIExtXKey>
//!     </cpix:DRMSystem>
//!   </cpix:DRMSystemList>
//! </cpix:CPIX>"#;
//! let response = CpixResponse::parse(xml.as_bytes()).unwrap();
//! let key = &response.keys()[0];
//! assert_eq!(key.key_id.to_hex(), "cbbc38b6b50dab53f8263e06b7382aa3");
//! let fairplay = key.signalling(DrmSystem::FairPlay).unwrap();
//! assert_eq!(fairplay.key_uri.as_deref(), Some("skd://y7w4trUNq1P4Jj4Gtzgqow=="));
//! ```

pub(crate) mod dom;
pub mod raw;
mod rules;

use drm_policy::{KeyId, TrackType};

use crate::b64;
use crate::error::ParseError;
use crate::playready::{PlayReadyError, PlayReadyObject, WrmHeader};
use crate::pssh::{PsshBox, PsshError};
use crate::request::CpixRequest;
use crate::secret::{ContentKey, SecretText};
use crate::system::DrmSystem;
use crate::warning::{CpixWarning, clip64};
use crate::widevine::{WidevineError, WidevinePsshData};

pub use raw::{RawDocument, RawFilter};

/// Where the keys of a response were taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySource {
    /// One key per `ContentKeyUsageRule` (the normal case).
    UsageRules,
    /// The response has no usage rules (the request had none): one key per `ContentKey`.
    ContentKeyList,
}

impl KeySource {
    /// `usage_rules` or `content_key_list`.
    pub const fn as_str(self) -> &'static str {
        match self {
            KeySource::UsageRules => "usage_rules",
            KeySource::ContentKeyList => "content_key_list",
        }
    }
}

/// The signalling of one DRM system for one key. `Debug` hides the NCG CEK (which NCG carries
/// in `URIExtXKey`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DrmSignalling {
    /// `DRMSystem@systemId` as written.
    pub system_id_text: String,
    /// `cpix:PSSH`: base64 of the whole `pssh` box.
    pub pssh: Option<String>,
    /// `cpix:ContentProtectionData`: base64 of the PSSH data payload (DoveRunner's convention).
    pub content_protection_data: Option<String>,
    /// `cpix:SmoothStreamingProtectionHeaderData` (PlayReady).
    pub smooth_streaming_protection_header: Option<String>,
    /// `speke:ProtectionHeader` (PlayReady; same value as `ContentProtectionData`).
    pub speke_protection_header: Option<String>,
    /// `cpix:URIExtXKey` as written (base64).
    pub uri_ext_x_key: Option<String>,
    /// The decoded `URIExtXKey` text: the key URI (FairPlay `skd://…`, NCG-HLS and clear-key
    /// HLS URIs). Not set for NCG, whose `URIExtXKey` is the CEK.
    pub key_uri: Option<String>,
    /// The NCG CEK (`URIExtXKey` of the NCG system, base64 as written).
    pub ncg_cek: Option<SecretText>,
    /// Decoded `HLSSignalingData@playlist="master"` (`#EXT-X-SESSION-KEY` line).
    pub hls_master: Option<String>,
    /// Decoded `HLSSignalingData@playlist="media"`, or the one without `@playlist`
    /// (`#EXT-X-KEY` line).
    pub hls_media: Option<String>,
}

/// `URIExtXKey` as `Debug` may show it: hidden for the NCG system, whose value is the CEK.
pub(crate) fn debug_uri_ext_x_key<'a>(
    system_id: Option<&str>,
    value: Option<&'a str>,
) -> Option<&'a str> {
    let is_ncg = system_id.and_then(DrmSystem::from_system_id) == Some(DrmSystem::Ncg);
    value.map(|v| if is_ncg { "[redacted]" } else { v })
}

impl std::fmt::Debug for DrmSignalling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrmSignalling")
            .field("system_id_text", &self.system_id_text)
            .field("pssh", &self.pssh)
            .field("content_protection_data", &self.content_protection_data)
            .field(
                "smooth_streaming_protection_header",
                &self.smooth_streaming_protection_header,
            )
            .field("speke_protection_header", &self.speke_protection_header)
            .field(
                "uri_ext_x_key",
                &debug_uri_ext_x_key(Some(&self.system_id_text), self.uri_ext_x_key.as_deref()),
            )
            .field("key_uri", &self.key_uri)
            .field("ncg_cek", &self.ncg_cek)
            .field("hls_master", &self.hls_master)
            .field("hls_media", &self.hls_media)
            .finish()
    }
}

impl DrmSignalling {
    /// The decoded `PSSH` box.
    pub fn pssh_box(&self) -> Option<Result<PsshBox, PsshError>> {
        self.pssh.as_deref().map(PsshBox::from_base64)
    }

    /// The Widevine PSSH data, from `ContentProtectionData` or else from the PSSH box.
    pub fn widevine_data(&self) -> Option<Result<WidevinePsshData, WidevineError>> {
        if let Some(cpd) = &self.content_protection_data {
            return Some(WidevinePsshData::from_base64(cpd));
        }
        let pssh = self.pssh_box()?;
        Some(match pssh {
            Ok(b) => WidevinePsshData::from_pssh_box(&b),
            Err(e) => Err(WidevineError::from(e)),
        })
    }

    /// The PlayReady header (WRMHEADER), from the PSSH box or else `ContentProtectionData`.
    pub fn playready_header(&self) -> Option<Result<WrmHeader, PlayReadyError>> {
        let object = if let Some(pssh) = self.pssh_box() {
            pssh.map_err(PlayReadyError::from)
                .and_then(|b| PlayReadyObject::from_pssh_box(&b))
        } else {
            PlayReadyObject::from_base64(self.content_protection_data.as_deref()?)
        };
        Some(object.and_then(|o| o.wrm_header()))
    }
}

/// One content key of a response with everything that belongs to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// `intendedTrackType` of the usage rule, as written (`None` without usage rules).
    pub track_type: Option<String>,
    /// The track of the paired request key (after [`CpixResponse::pair_with_request`]).
    pub request_track: Option<TrackType>,
    /// The KMS's key id.
    pub key_id: KeyId,
    /// The key id as written in the usage rule (or the `ContentKey` without rules).
    pub key_id_text: String,
    /// The request's key id for this key, once paired with the request.
    pub request_key_id: Option<KeyId>,
    /// The content key (`None` when the `PlainValue` is empty or missing).
    pub key: Option<ContentKey>,
    /// The `explicitIV` (16 bytes).
    pub iv: Option<[u8; 16]>,
    /// `ContentKey@commonEncryptionScheme`, when the KMS echoes it.
    pub common_encryption_scheme: Option<String>,
    /// The key-rotation period index (through `KeyPeriodFilter` → `ContentKeyPeriod@index`).
    pub period_index: Option<u64>,
    /// The key period id.
    pub period_id: Option<String>,
    /// The echoed Video/AudioFilter elements.
    pub filters: Vec<RawFilter>,
    /// The signalling per DRM system, in document order.
    pub drm: Vec<(DrmSystem, DrmSignalling)>,
}

impl KeyInfo {
    /// The track type: the usage rule's, else the paired request key's.
    pub fn track(&self) -> Option<TrackType> {
        self.track_type
            .as_deref()
            .and_then(|t| t.parse().ok())
            .or(self.request_track)
    }

    /// The signalling of `system`.
    pub fn signalling(&self, system: DrmSystem) -> Option<&DrmSignalling> {
        self.drm.iter().find(|(s, _)| *s == system).map(|(_, d)| d)
    }

    /// The IV as lower-case hex.
    pub fn iv_hex(&self) -> Option<String> {
        self.iv.as_ref().map(|iv| drm_policy::hex::encode_lower(iv))
    }
}

/// A parsed KMS response.
#[derive(Debug, Clone)]
pub struct CpixResponse {
    content_id: String,
    keys: Vec<KeyInfo>,
    source: KeySource,
    warnings: Vec<CpixWarning>,
    raw: RawDocument,
}

/// Parses a UUID the way Python's `uuid.UUID` does: optional `urn:`/`uuid:` prefix and braces,
/// dashes anywhere, any case.
pub(crate) fn parse_uuid_text(text: &str) -> Option<KeyId> {
    let t = text.trim();
    let t = t.strip_prefix("urn:").unwrap_or(t);
    let t = t.strip_prefix("uuid:").unwrap_or(t);
    let t = t.trim_start_matches('{').trim_end_matches('}');
    if t.len() > 64 {
        return None;
    }
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return None;
    }
    drm_policy::hex::decode(&hex, drm_policy::hex::HexCase::Any)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .map(KeyId::from_bytes)
}

fn invalid_uuid(element: &'static str, attribute: &'static str, value: &str) -> ParseError {
    ParseError::InvalidUuid {
        element,
        attribute,
        value: value.chars().take(64).collect(),
    }
}

/// A base64 element text without the whitespace (line breaks, indentation) a producer may
/// have put inside it; `None` when absent or blank.
fn compact_base64(text: &Option<String>) -> Option<String> {
    let t = text.as_deref()?;
    let compact: String = t.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    (!compact.is_empty()).then_some(compact)
}

impl CpixResponse {
    /// Parses a KMS response.
    ///
    /// # Errors
    /// [`ParseError`]: size/XML/limit problems, a JSON (KMS error) body, a missing or non-UUID
    /// `kid`, a key or IV that is not base64, an IV that is not 16 bytes, an encrypted key.
    pub fn parse(input: &[u8]) -> Result<Self, ParseError> {
        let raw = RawDocument::parse(input)?;
        Self::from_raw(raw)
    }

    /// Parses a KMS response and pairs it with the request it answers
    /// ([`CpixResponse::pair_with_request`]).
    ///
    /// # Errors
    /// As [`CpixResponse::parse`] and [`CpixResponse::pair_with_request`].
    pub fn parse_for_request(request: &CpixRequest, input: &[u8]) -> Result<Self, ParseError> {
        let mut response = Self::parse(input)?;
        response.pair_with_request(request)?;
        Ok(response)
    }

    /// Builds the typed view of a raw document.
    ///
    /// # Errors
    /// As [`CpixResponse::parse`].
    pub fn from_raw(raw: RawDocument) -> Result<Self, ParseError> {
        let mut warnings = Vec::new();
        let content_id = content_id_of(&raw, &mut warnings);
        // 0. What the document carries that this crate does not check or use.
        if !raw.signatures.is_empty() {
            warnings.push(CpixWarning::SignatureNotVerified {
                signed: raw.signatures.clone(),
            });
        }
        // 1. The keys: usable usage rules, else content keys.
        let (source, mut keys) = if raw.usage_rules.is_empty() {
            (KeySource::ContentKeyList, keys_from_content_keys(&raw)?)
        } else {
            (
                KeySource::UsageRules,
                keys_from_usage_rules(&raw, &mut warnings)?,
            )
        };
        // 2. Content keys, joined by KID (UUID comparison), else by position.
        join_content_keys(&raw, &mut keys, &mut warnings)?;
        if raw.delivery_data > 0 {
            warnings.push(CpixWarning::DeliveryDataIgnored {
                recipients: raw.delivery_data,
            });
        }
        // 3. DRM systems, joined by KID; systemId compared as a UUID.
        join_drm_systems(&raw, &mut keys, &mut warnings)?;
        Ok(CpixResponse {
            content_id,
            keys,
            source,
            warnings,
            raw,
        })
    }

    /// Pairs every key with the request key it answers, by `intendedTrackType` and period index,
    /// else by the request's own KID (if the KMS kept it), else by position; sets
    /// [`KeyInfo::request_key_id`] and [`KeyInfo::request_track`].
    ///
    /// # Errors
    /// [`ParseError::ContentIdMismatch`] when the response is for another content id;
    /// [`ParseError::MissingKey`] when a requested track got no key.
    pub fn pair_with_request(&mut self, request: &CpixRequest) -> Result<(), ParseError> {
        let expected = request.content_id().as_str();
        let has_id = self.raw.id.is_some() || self.raw.content_id.is_some();
        if has_id && self.content_id != expected {
            return Err(ParseError::ContentIdMismatch {
                expected: expected.to_owned(),
                found: self.content_id.chars().take(200).collect(),
            });
        }
        let req = request.keys();
        let mut used = vec![false; req.len()];
        let rotation = request
            .key_rotation()
            .then(|| u64::from(request.period_index()));
        for (i, k) in self.keys.iter_mut().enumerate() {
            let period_ok =
                k.period_index.is_none() || rotation.is_none() || k.period_index == rotation;
            let by_kid = req
                .iter()
                .enumerate()
                .position(|(j, r)| !used[j] && r.key_id == k.key_id);
            let by_track = || {
                let t = k.track_type.as_deref()?;
                req.iter()
                    .enumerate()
                    .position(|(j, r)| !used[j] && period_ok && r.track.as_str() == t)
            };
            let by_position = || {
                (k.track_type.is_none()
                    || k.track_type
                        .as_deref()
                        .and_then(|t| t.parse::<TrackType>().ok())
                        .is_none())
                .then_some(i)
                .filter(|j| *j < req.len() && !used[*j])
            };
            let Some(j) = by_kid.or_else(by_track).or_else(by_position) else {
                self.warnings.push(CpixWarning::UnrequestedKey {
                    key_id: k.key_id.to_uuid_string(),
                });
                continue;
            };
            used[j] = true;
            k.request_key_id = Some(req[j].key_id);
            k.request_track = Some(req[j].track);
        }
        if let Some(j) = used.iter().position(|u| !u) {
            return Err(ParseError::MissingKey {
                track: req[j].track,
            });
        }
        Ok(())
    }

    /// The content id: `CPIX@id` (DoveRunner), else `CPIX@contentId` (CPIX 2.3); empty when
    /// both are missing.
    pub fn content_id(&self) -> &str {
        &self.content_id
    }

    /// The keys, in usage-rule (or content-key) order.
    pub fn keys(&self) -> &[KeyInfo] {
        &self.keys
    }

    /// Where the keys were taken from.
    pub fn source(&self) -> KeySource {
        self.source
    }

    /// Things that looked wrong but did not stop parsing (undecodable signalling, keys without
    /// a `PlainValue`, DRM systems that belong to no key…). Never contains key material.
    pub fn warnings(&self) -> &[CpixWarning] {
        &self.warnings
    }

    /// The document as written.
    pub fn raw(&self) -> &RawDocument {
        &self.raw
    }

    /// The key for `track` (by [`KeyInfo::track`]).
    pub fn key_for_track(&self, track: TrackType) -> Option<&KeyInfo> {
        self.keys.iter().find(|k| k.track() == Some(track))
    }
}

/// The content id: DoveRunner's `CPIX@id`, else CPIX 2.3's `CPIX@contentId`.
fn content_id_of(raw: &RawDocument, warnings: &mut Vec<CpixWarning>) -> String {
    match (&raw.id, &raw.content_id) {
        (Some(id), Some(cid)) if id != cid => {
            warnings.push(CpixWarning::ContentIdConflict {
                id: clip64(id),
                content_id: clip64(cid),
            });
            id.clone()
        }
        (Some(id), _) | (None, Some(id)) => id.clone(),
        (None, None) => {
            warnings.push(CpixWarning::ContentIdMissing);
            String::new()
        }
    }
}

fn key_id_of(text: Option<&str>, element: &'static str) -> Result<(KeyId, String), ParseError> {
    let text = text.ok_or(ParseError::MissingAttribute {
        element,
        attribute: "kid",
    })?;
    let key_id = parse_uuid_text(text).ok_or_else(|| invalid_uuid(element, "kid", text))?;
    Ok((key_id, text.to_owned()))
}

/// One key per `ContentKey` (a document without usage rules).
fn keys_from_content_keys(raw: &RawDocument) -> Result<Vec<KeyInfo>, ParseError> {
    raw.content_keys
        .iter()
        .map(|ck| {
            let (key_id, text) = key_id_of(ck.kid.as_deref(), "ContentKey")?;
            Ok(empty_key(None, key_id, text))
        })
        .collect()
}

/// One key per usable `ContentKeyUsageRule`, with its period.
fn keys_from_usage_rules(
    raw: &RawDocument,
    warnings: &mut Vec<CpixWarning>,
) -> Result<Vec<KeyInfo>, ParseError> {
    let mut keys = Vec::new();
    for rule in &raw.usage_rules {
        let (key_id, text) = key_id_of(rule.kid.as_deref(), "ContentKeyUsageRule")?;
        if let Some(reason) = rules::unusable(rule) {
            warnings.push(CpixWarning::UnusableUsageRule {
                key_id: clip64(&text),
                reason,
            });
            continue;
        }
        let mut k = empty_key(rule.intended_track_type.clone(), key_id, text);
        k.filters = rule.filters.clone();
        if let Some(pid) = rule.period_ids.first() {
            k.period_id = Some(pid.clone());
            match raw.periods.iter().find(|p| p.id.as_deref() == Some(pid)) {
                Some(p) => match p.index.as_deref().map(|i| i.trim().parse::<u64>()) {
                    Some(Ok(i)) => k.period_index = Some(i),
                    _ => warnings.push(CpixWarning::PeriodWithoutIndex {
                        period_id: clip64(pid),
                    }),
                },
                None => warnings.push(CpixWarning::UnknownPeriod {
                    period_id: clip64(pid),
                }),
            }
        }
        keys.push(k);
    }
    Ok(keys)
}

/// Joins every key with its `ContentKey`: by KID, else by position when the counts agree.
fn join_content_keys(
    raw: &RawDocument,
    keys: &mut [KeyInfo],
    warnings: &mut Vec<CpixWarning>,
) -> Result<(), ParseError> {
    let mut ck_ids = Vec::with_capacity(raw.content_keys.len());
    for ck in &raw.content_keys {
        let id = match ck.kid.as_deref() {
            Some(t) => {
                Some(parse_uuid_text(t).ok_or_else(|| invalid_uuid("ContentKey", "kid", t))?)
            }
            None => None,
        };
        ck_ids.push(id);
    }
    let same_count = raw.content_keys.len() == keys.len();
    for (i, k) in keys.iter_mut().enumerate() {
        let key_id = k.key_id.to_uuid_string();
        let index = match ck_ids.iter().rposition(|id| *id == Some(k.key_id)) {
            Some(j) => Some(j),
            None if same_count => {
                warnings.push(CpixWarning::PairedByPosition {
                    key_id,
                    position: i + 1,
                });
                Some(i)
            }
            None => {
                warnings.push(CpixWarning::NoContentKey { key_id });
                None
            }
        };
        if let Some(ck) = index.and_then(|j| raw.content_keys.get(j)) {
            apply_content_key(k, ck, raw.delivery_data, warnings)?;
        }
    }
    Ok(())
}

/// Copies key, IV and scheme of `ck` into `k`.
fn apply_content_key(
    k: &mut KeyInfo,
    ck: &raw::RawContentKey,
    recipients: usize,
    warnings: &mut Vec<CpixWarning>,
) -> Result<(), ParseError> {
    let kid_text = k.key_id.to_uuid_string();
    if ck.encrypted && ck.plain_value.is_none() {
        return Err(ParseError::EncryptedValueUnsupported {
            key_id: kid_text,
            recipients,
        });
    }
    match ck.plain_value.as_ref().map(|p| p.expose_secret().trim()) {
        Some(t) if !t.is_empty() => {
            let bytes = b64::decode_strict(t).ok_or(ParseError::InvalidBase64 {
                field: "PlainValue",
                key_id: kid_text.clone(),
            })?;
            k.key = Some(ContentKey::new(bytes));
        }
        _ => warnings.push(CpixWarning::NoPlainValue {
            key_id: kid_text.clone(),
        }),
    }
    if let Some(iv) = ck.explicit_iv.as_deref().filter(|v| !v.trim().is_empty()) {
        let bytes = b64::decode_strict(iv).ok_or(ParseError::InvalidBase64 {
            field: "explicitIV",
            key_id: kid_text.clone(),
        })?;
        let len = bytes.len();
        k.iv = Some(
            <[u8; 16]>::try_from(bytes).map_err(|_| ParseError::InvalidIv {
                key_id: kid_text,
                len,
            })?,
        );
    }
    k.common_encryption_scheme = ck.common_encryption_scheme.clone();
    Ok(())
}

/// Attaches every known `DRMSystem` to the keys of its KID.
fn join_drm_systems(
    raw: &RawDocument,
    keys: &mut [KeyInfo],
    warnings: &mut Vec<CpixWarning>,
) -> Result<(), ParseError> {
    for ds in &raw.drm_systems {
        let Some(sid) = ds.system_id.as_deref() else {
            warnings.push(CpixWarning::DrmSystemWithoutSystemId);
            continue;
        };
        let Some(system) = DrmSystem::from_system_id(sid) else {
            warnings.push(CpixWarning::UnknownDrmSystem {
                system_id: clip64(sid),
            });
            continue;
        };
        let Some(kid_text) = ds.kid.as_deref() else {
            warnings.push(CpixWarning::DrmSystemWithoutKid { system });
            continue;
        };
        let kid =
            parse_uuid_text(kid_text).ok_or_else(|| invalid_uuid("DRMSystem", "kid", kid_text))?;
        let mut matched = false;
        for k in keys.iter_mut().filter(|k| k.key_id == kid) {
            matched = true;
            let sig = signalling(system, sid, ds, &kid, warnings);
            match k.drm.iter_mut().find(|(s, _)| *s == system) {
                Some(slot) => slot.1 = sig,
                None => k.drm.push((system, sig)),
            }
        }
        if !matched {
            warnings.push(CpixWarning::DrmSystemWithoutKey {
                system,
                key_id: kid.to_uuid_string(),
            });
        }
    }
    Ok(())
}

fn empty_key(track_type: Option<String>, key_id: KeyId, key_id_text: String) -> KeyInfo {
    KeyInfo {
        track_type,
        request_track: None,
        key_id,
        key_id_text,
        request_key_id: None,
        key: None,
        iv: None,
        common_encryption_scheme: None,
        period_index: None,
        period_id: None,
        filters: Vec::new(),
        drm: Vec::new(),
    }
}

fn decode_text(
    b64text: &str,
    what: &'static str,
    system: DrmSystem,
    kid: &KeyId,
    warnings: &mut Vec<CpixWarning>,
) -> Option<String> {
    let decoded = b64::decode_strict(b64text.trim()).and_then(|b| String::from_utf8(b).ok());
    if decoded.is_none() {
        warnings.push(CpixWarning::UndecodableText {
            what,
            system,
            key_id: kid.to_uuid_string(),
        });
    }
    decoded
}

fn signalling(
    system: DrmSystem,
    sid: &str,
    ds: &raw::RawDrmSystem,
    kid: &KeyId,
    warnings: &mut Vec<CpixWarning>,
) -> DrmSignalling {
    let uri_ext_x_key = compact_base64(&ds.uri_ext_x_key);
    let (key_uri, ncg_cek) = match (&uri_ext_x_key, system) {
        (Some(u), DrmSystem::Ncg) => (None, Some(SecretText::new(u.clone()))),
        (Some(u), _) => (decode_text(u, "URIExtXKey", system, kid, warnings), None),
        (None, _) => (None, None),
    };
    // CPIX 2.3 `master`, CPIX 2.4 `multiVariant`; `media`, pycpix's `variant`, or none.
    let master = ds
        .hls_signaling
        .iter()
        .find(|h| matches!(h.playlist.as_deref(), Some("master" | "multiVariant")));
    let media = ds
        .hls_signaling
        .iter()
        .find(|h| matches!(h.playlist.as_deref(), Some("media" | "variant")))
        .or_else(|| ds.hls_signaling.iter().find(|h| h.playlist.is_none()));
    let hls =
        |h: Option<&raw::RawHlsSignaling>, what: &'static str, warnings: &mut Vec<CpixWarning>| {
            h.filter(|h| !h.base64.trim().is_empty())
                .and_then(|h| decode_text(&h.base64, what, system, kid, warnings))
        };
    DrmSignalling {
        system_id_text: sid.to_owned(),
        pssh: compact_base64(&ds.pssh),
        content_protection_data: compact_base64(&ds.content_protection_data),
        smooth_streaming_protection_header: compact_base64(&ds.smooth_streaming_protection_header),
        speke_protection_header: compact_base64(&ds.speke_protection_header),
        uri_ext_x_key,
        key_uri,
        ncg_cek,
        hls_master: hls(master, "HLSSignalingData (master)", warnings),
        hls_media: hls(media, "HLSSignalingData (media)", warnings),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn uuid_text_forms() {
        let want: KeyId = "cbbc38b6-b50d-ab53-f826-3e06b7382aa3".parse().unwrap();
        for t in [
            "cbbc38b6-b50d-ab53-f826-3e06b7382aa3",
            "CBBC38B6-B50D-AB53-F826-3E06B7382AA3",
            "{cbbc38b6-b50d-ab53-f826-3e06b7382aa3}",
            "urn:uuid:cbbc38b6-b50d-ab53-f826-3e06b7382aa3",
            "cbbc38b6b50dab53f8263e06b7382aa3",
        ] {
            assert_eq!(parse_uuid_text(t), Some(want), "{t}");
        }
        assert_eq!(parse_uuid_text("cbbc38b6"), None);
        assert_eq!(parse_uuid_text(""), None);
    }
}

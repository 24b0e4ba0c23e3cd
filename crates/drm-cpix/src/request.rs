//! The CPIX request a packager sends to the KMS (spec §2), built from typed options and written
//! in CPIX 2.3 XSD element order with the `cpix`/`pskc`/`speke` prefixes.
//!
//! ```
//! use drm_cpix::request::{CpixRequest, EncryptionScheme, TrackSelection};
//! use drm_cpix::system::DrmSystem;
//!
//! let request = CpixRequest::builder("demotest".parse().unwrap())
//!     .drm_systems([DrmSystem::Widevine, DrmSystem::PlayReady])
//!     .tracks("AUDIO,SD,HD".parse().unwrap())
//!     .scheme(EncryptionScheme::Cenc)
//!     .build()
//!     .unwrap();
//! assert_eq!(request.keys().len(), 3);
//! let xml = request.to_xml();
//! assert!(xml.contains(r#"intendedTrackType="AUDIO""#));
//! assert!(!request.key_rotation());
//! ```
//!
//! Key ids and key-period ids are fresh random UUIDs (v4) unless given with
//! [`CpixRequestBuilder::key_ids`] / [`CpixRequestBuilder::period_ids`]. The KMS replaces the
//! key ids with its own; [`crate::response::CpixResponse::parse_for_request`] pairs them back.

mod filters;
mod options;

use std::fmt::Write as _;

use drm_policy::{KeyId, TrackType};
use uuid::Uuid;

pub use filters::{UsageFilter, ladder, pixel_range, track_for_resolution};
pub use options::{EncryptionScheme, KEY_TRACKS, TrackSelection};

use crate::content_id::ContentId;
use crate::error::{ParseError, RequestError};
use crate::ns;
use crate::system::DrmSystem;

/// Prefix of generated key-period ids (`keyPeriod_{uuid}`), as the official clients write them.
pub const KEY_PERIOD_ID_PREFIX: &str = "keyPeriod_";

/// One key of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestKey {
    /// The track type sent as `intendedTrackType`.
    pub track: TrackType,
    /// The request's key id (the KMS replaces it).
    pub key_id: KeyId,
    /// The `ContentKeyPeriod@id` of this key, when key rotation is on.
    pub period_id: Option<String>,
    /// The usage-rule filter, when filters are on.
    pub filter: Option<UsageFilter>,
}

/// A validated CPIX request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpixRequest {
    content_id: ContentId,
    drm_systems: Vec<DrmSystem>,
    scheme: EncryptionScheme,
    tracks: TrackSelection,
    period_index: u32,
    keys: Vec<RequestKey>,
}

impl CpixRequest {
    /// Starts a request for `content_id` (defaults: no DRM system yet, all tracks in one key,
    /// scheme none, no key rotation, no filters).
    pub fn builder(content_id: ContentId) -> CpixRequestBuilder {
        CpixRequestBuilder {
            content_id,
            drm_systems: Vec::new(),
            scheme: EncryptionScheme::None,
            tracks: TrackSelection::All,
            period_index: 0,
            filters: false,
            key_ids: None,
            period_ids: None,
        }
    }

    /// The content id.
    pub fn content_id(&self) -> &ContentId {
        &self.content_id
    }

    /// The DRM systems, in the official clients' order, without repeats.
    pub fn drm_systems(&self) -> &[DrmSystem] {
        &self.drm_systems
    }

    /// The encryption scheme.
    pub fn scheme(&self) -> EncryptionScheme {
        self.scheme
    }

    /// The track selection.
    pub fn tracks(&self) -> &TrackSelection {
        &self.tracks
    }

    /// The key-rotation period index (0 = no key rotation).
    pub fn period_index(&self) -> u32 {
        self.period_index
    }

    /// True when the period index is above 0: the URL then needs `?key-rotation=true`.
    pub fn key_rotation(&self) -> bool {
        self.period_index > 0
    }

    /// The keys, in request order.
    pub fn keys(&self) -> &[RequestKey] {
        &self.keys
    }

    /// The request XML: UTF-8, CPIX 2.3 XSD element order (ContentKeyList, DRMSystemList,
    /// ContentKeyPeriodList, ContentKeyUsageRuleList), indented by four spaces, one DRMSystem per
    /// key and system. This is the layout of the Java client (`*.request.java-shape.xml`).
    pub fn to_xml(&self) -> String {
        let mut x = String::with_capacity(512 + self.keys.len() * 400);
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
        let _ = writeln!(
            x,
            "<cpix:CPIX id=\"{}\" xmlns:cpix=\"{}\" xmlns:pskc=\"{}\" xmlns:speke=\"{}\">",
            escape(self.content_id.as_str()),
            ns::CPIX,
            ns::PSKC,
            ns::SPEKE
        );
        x.push_str("    <cpix:ContentKeyList>\n");
        for k in &self.keys {
            let _ = write!(
                x,
                "        <cpix:ContentKey kid=\"{}\"",
                k.key_id.to_uuid_string()
            );
            if let Some(s) = self.scheme.attribute() {
                let _ = write!(x, " commonEncryptionScheme=\"{s}\"");
            }
            x.push_str(" />\n");
        }
        x.push_str("    </cpix:ContentKeyList>\n");
        x.push_str("    <cpix:DRMSystemList>\n");
        for k in &self.keys {
            for d in &self.drm_systems {
                let _ = writeln!(
                    x,
                    "        <cpix:DRMSystem kid=\"{}\" systemId=\"{}\" />",
                    k.key_id.to_uuid_string(),
                    d.system_id_str()
                );
            }
        }
        x.push_str("    </cpix:DRMSystemList>\n");
        if self.key_rotation() {
            x.push_str("    <cpix:ContentKeyPeriodList>\n");
            for k in &self.keys {
                if let Some(id) = &k.period_id {
                    let _ = writeln!(
                        x,
                        "        <cpix:ContentKeyPeriod id=\"{}\" index=\"{}\" />",
                        escape(id),
                        self.period_index
                    );
                }
            }
            x.push_str("    </cpix:ContentKeyPeriodList>\n");
        }
        x.push_str("    <cpix:ContentKeyUsageRuleList>\n");
        for k in &self.keys {
            push_usage_rule(&mut x, k);
        }
        x.push_str("    </cpix:ContentKeyUsageRuleList>\n");
        x.push_str("</cpix:CPIX>\n");
        x
    }
}

impl CpixRequest {
    /// Reads a request document back (this crate's, an official client's, the docs' examples),
    /// e.g. to pair a saved response with the request that produced it.
    ///
    /// Keys come from the usage rules (a single `HD` rule is "all tracks"); a document without
    /// usage rules must hold one key (all tracks). DRM systems are the union of the
    /// `DRMSystem@systemId`s; scheme and period index are taken from the first key.
    ///
    /// # Errors
    /// [`ParseError`] for unreadable XML and missing or non-UUID key ids,
    /// [`ParseError::Request`] for content that is not a valid request.
    pub fn from_xml(input: &[u8]) -> Result<Self, ParseError> {
        let raw = crate::response::RawDocument::parse(input)?;
        // 1. Content id: DoveRunner's `@id`, else CPIX 2.3's `@contentId`.
        let id = raw.id.as_deref().or(raw.content_id.as_deref()).ok_or(
            ParseError::MissingAttribute {
                element: "CPIX",
                attribute: "id",
            },
        )?;
        let content_id = ContentId::new(id).map_err(RequestError::from)?;
        // 2. Keys (track, kid, period id) and the selection they make.
        let keys = read_request_keys(&raw)?;
        let filters = raw.usage_rules.iter().any(|r| {
            r.filters
                .iter()
                .any(|f| f.kind == "VideoFilter" || f.kind == "AudioFilter")
        });
        let tracks = if keys.len() == 1 && keys[0].0 == TrackType::Hd && !filters {
            TrackSelection::All
        } else {
            TrackSelection::keys(keys.iter().map(|k| k.0))?
        };
        // 3. Scheme, period index and DRM systems.
        let scheme = match raw
            .content_keys
            .first()
            .and_then(|k| k.common_encryption_scheme.as_deref())
        {
            Some(s) => s.parse()?,
            None => EncryptionScheme::None,
        };
        let period_index = read_period_index(&raw)?;
        let drm_systems: Vec<DrmSystem> = raw
            .drm_systems
            .iter()
            .filter_map(|d| d.system_id.as_deref().and_then(DrmSystem::from_system_id))
            .collect();
        // 4. The builder's key order for this selection.
        let mut order = tracks.key_tracks();
        if filters && !tracks.is_all() {
            order.sort_by_key(|t| *t == TrackType::Audio);
        }
        let by_track = |t: TrackType| keys.iter().find(|k| k.0 == t);
        let key_ids = order
            .iter()
            .filter_map(|t| by_track(*t).map(|k| k.1))
            .collect();
        let mut builder = CpixRequest::builder(content_id)
            .drm_systems(drm_systems)
            .tracks(tracks)
            .scheme(scheme)
            .period_index(period_index)
            .filters(filters)
            .key_ids(key_ids);
        if period_index > 0 {
            let period_ids: Option<Vec<String>> = order
                .iter()
                .map(|t| by_track(*t).and_then(|k| k.2.clone()))
                .collect();
            if let Some(ids) = period_ids {
                builder = builder.period_ids(ids);
            }
        }
        Ok(builder.build()?)
    }
}

/// One key of a request document: track, KID, period id.
type RequestKeyText = (TrackType, KeyId, Option<String>);

fn request_kid(text: Option<&str>, element: &'static str) -> Result<KeyId, ParseError> {
    let t = text.ok_or(ParseError::MissingAttribute {
        element,
        attribute: "kid",
    })?;
    crate::response::parse_uuid_text(t).ok_or_else(|| ParseError::InvalidUuid {
        element,
        attribute: "kid",
        value: t.chars().take(64).collect(),
    })
}

/// The keys of a request document: one per usage rule, else its single `ContentKey` (HD).
fn read_request_keys(
    raw: &crate::response::RawDocument,
) -> Result<Vec<RequestKeyText>, ParseError> {
    let mut keys = Vec::new();
    for rule in &raw.usage_rules {
        let text = rule.intended_track_type.as_deref().unwrap_or("");
        let track = KEY_TRACKS
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| RequestError::InvalidTrack {
                value: text.chars().take(64).collect(),
            })?;
        keys.push((
            track,
            request_kid(rule.kid.as_deref(), "ContentKeyUsageRule")?,
            rule.period_ids.first().cloned(),
        ));
    }
    if raw.usage_rules.is_empty() {
        match raw.content_keys.as_slice() {
            [only] => keys.push((
                TrackType::Hd,
                request_kid(only.kid.as_deref(), "ContentKey")?,
                None,
            )),
            _ => {
                return Err(RequestError::InvalidTrack {
                    value: format!("{} keys without usage rules", raw.content_keys.len()),
                }
                .into());
            }
        }
    }
    Ok(keys)
}

/// The first `ContentKeyPeriod@index` (0 without key rotation).
fn read_period_index(raw: &crate::response::RawDocument) -> Result<u32, ParseError> {
    match raw.periods.first().and_then(|p| p.index.as_deref()) {
        Some(i) => i.trim().parse::<u32>().map_err(|_| {
            ParseError::from(RequestError::InvalidPeriodId {
                value: format!("index {}", i.chars().take(32).collect::<String>()),
            })
        }),
        None => Ok(0),
    }
}

/// Builder of a [`CpixRequest`].
#[derive(Debug, Clone)]
pub struct CpixRequestBuilder {
    content_id: ContentId,
    drm_systems: Vec<DrmSystem>,
    scheme: EncryptionScheme,
    tracks: TrackSelection,
    period_index: u32,
    filters: bool,
    key_ids: Option<Vec<KeyId>>,
    period_ids: Option<Vec<String>>,
}

impl CpixRequestBuilder {
    /// Adds a DRM system.
    pub fn drm(mut self, system: DrmSystem) -> Self {
        self.drm_systems.push(system);
        self
    }

    /// Adds DRM systems.
    pub fn drm_systems(mut self, systems: impl IntoIterator<Item = DrmSystem>) -> Self {
        self.drm_systems.extend(systems);
        self
    }

    /// Sets the track selection (default: [`TrackSelection::All`]).
    pub fn tracks(mut self, tracks: TrackSelection) -> Self {
        self.tracks = tracks;
        self
    }

    /// Sets the encryption scheme (default: [`EncryptionScheme::None`]).
    pub fn scheme(mut self, scheme: EncryptionScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// Sets the key-rotation period index; above 0 turns key rotation on (default 0).
    pub fn period_index(mut self, index: u32) -> Self {
        self.period_index = index;
        self
    }

    /// Writes Video/AudioFilter elements from DoveRunner's pixel table on a multi-key request
    /// (default off, like the official clients). A single-key request covers every track and
    /// gets no filter. With filters the keys are written video ladder first (SD → UHD2), then
    /// AUDIO, as PallyConCpixModule (the origin of the filter shape) does; without, in
    /// [`KEY_TRACKS`] order (AUDIO, SD, HD, UHD1, UHD2) like the Python client.
    pub fn filters(mut self, on: bool) -> Self {
        self.filters = on;
        self
    }

    /// Uses these key ids (one per key, in key order) instead of random ones.
    pub fn key_ids(mut self, ids: Vec<KeyId>) -> Self {
        self.key_ids = Some(ids);
        self
    }

    /// Uses these key-period ids (one per key, in key order) instead of random ones.
    pub fn period_ids(mut self, ids: Vec<String>) -> Self {
        self.period_ids = Some(ids);
        self
    }

    /// Validates the options and builds the request.
    ///
    /// # Errors
    /// [`RequestError::NoDrmSystem`], [`RequestError::SingleKeyOnly`] (NCG and clear-key HLS with
    /// more than one key), [`RequestError::IdCount`], [`RequestError::InvalidPeriodId`],
    /// [`RequestError::DuplicateKeyId`].
    pub fn build(self) -> Result<CpixRequest, RequestError> {
        let drm_systems: Vec<DrmSystem> = DrmSystem::ALL
            .into_iter()
            .filter(|d| self.drm_systems.contains(d))
            .collect();
        if drm_systems.is_empty() {
            return Err(RequestError::NoDrmSystem);
        }
        let with_filters = self.filters && !self.tracks.is_all();
        let mut tracks = self.tracks.key_tracks();
        if with_filters {
            // PallyConCpixModule's layout, where the filter shape comes from: the video ladder
            // from low to high, then audio.
            tracks.sort_by_key(|t| *t == TrackType::Audio);
        }
        if tracks.len() > 1 {
            if let Some(system) = drm_systems.iter().find(|d| d.is_single_key_only()) {
                return Err(RequestError::SingleKeyOnly {
                    system: *system,
                    keys: tracks.len(),
                });
            }
        }
        let key_ids = checked_key_ids(self.key_ids, tracks.len())?;
        let period_ids = if self.period_index == 0 {
            vec![None; tracks.len()]
        } else {
            checked_period_ids(self.period_ids, tracks.len())?
        };
        let filters = if with_filters {
            ladder(&tracks)
        } else {
            vec![None; tracks.len()]
        };
        let keys = tracks
            .into_iter()
            .zip(key_ids)
            .zip(period_ids)
            .zip(filters)
            .map(|(((track, key_id), period_id), filter)| RequestKey {
                track,
                key_id,
                period_id,
                filter,
            })
            .collect();
        Ok(CpixRequest {
            content_id: self.content_id,
            drm_systems,
            scheme: self.scheme,
            tracks: self.tracks,
            period_index: self.period_index,
            keys,
        })
    }
}

/// Writes the `ContentKeyUsageRule` of `k` (with its period and Video/AudioFilter).
fn push_usage_rule(x: &mut String, k: &RequestKey) {
    let _ = write!(
        x,
        "        <cpix:ContentKeyUsageRule intendedTrackType=\"{}\" kid=\"{}\"",
        k.track.as_str(),
        k.key_id.to_uuid_string()
    );
    if k.period_id.is_none() && k.filter.is_none() {
        x.push_str(" />\n");
        return;
    }
    x.push_str(">\n");
    if let Some(id) = &k.period_id {
        let _ = writeln!(
            x,
            "            <cpix:KeyPeriodFilter periodId=\"{}\" />",
            escape(id)
        );
    }
    match k.filter {
        Some(UsageFilter::Video {
            min_pixels,
            max_pixels,
        }) => {
            x.push_str("            <cpix:VideoFilter");
            if let Some(min) = min_pixels {
                let _ = write!(x, " minPixels=\"{min}\"");
            }
            if let Some(max) = max_pixels {
                let _ = write!(x, " maxPixels=\"{max}\"");
            }
            x.push_str(" />\n");
        }
        Some(UsageFilter::Audio) => x.push_str("            <cpix:AudioFilter />\n"),
        None => {}
    }
    x.push_str("        </cpix:ContentKeyUsageRule>\n");
}

/// The caller's key ids (one per key, no repeats), else fresh random ones.
fn checked_key_ids(ids: Option<Vec<KeyId>>, keys: usize) -> Result<Vec<KeyId>, RequestError> {
    let key_ids = match ids {
        Some(ids) if ids.len() != keys => {
            return Err(RequestError::IdCount {
                what: "key ids",
                expected: keys,
                got: ids.len(),
            });
        }
        Some(ids) => ids,
        None => (0..keys)
            .map(|_| KeyId::from_bytes(Uuid::new_v4().into_bytes()))
            .collect(),
    };
    for (i, id) in key_ids.iter().enumerate() {
        if key_ids[..i].contains(id) {
            return Err(RequestError::DuplicateKeyId {
                key_id: id.to_hex(),
            });
        }
    }
    Ok(key_ids)
}

/// The caller's key-period ids (one per key, NCNames), else fresh `keyPeriod_{uuid}` ones.
fn checked_period_ids(
    ids: Option<Vec<String>>,
    keys: usize,
) -> Result<Vec<Option<String>>, RequestError> {
    match ids {
        Some(ids) if ids.len() != keys => Err(RequestError::IdCount {
            what: "key period ids",
            expected: keys,
            got: ids.len(),
        }),
        Some(ids) => {
            if let Some(bad) = ids.iter().find(|id| !is_ncname(id)) {
                return Err(RequestError::InvalidPeriodId {
                    value: bad.chars().take(64).collect(),
                });
            }
            Ok(ids.into_iter().map(Some).collect())
        }
        None => Ok((0..keys)
            .map(|_| Some(format!("{KEY_PERIOD_ID_PREFIX}{}", Uuid::new_v4())))
            .collect()),
    }
}

/// An XML NCName of plain ASCII (what `xs:ID`/`xs:IDREF` need), at most 200 characters.
fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && s.len() <= 200
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Escapes text for a double-quoted XML attribute.
fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cid() -> ContentId {
        "demotest".parse().unwrap()
    }

    #[test]
    fn needs_a_drm_system() {
        assert_eq!(
            CpixRequest::builder(cid()).build(),
            Err(RequestError::NoDrmSystem)
        );
    }

    #[test]
    fn single_key_only_systems_reject_multi_key() {
        for d in DrmSystem::ALL
            .into_iter()
            .filter(|d| d.is_single_key_only())
        {
            let err = CpixRequest::builder(cid())
                .drm(DrmSystem::Widevine)
                .drm(d)
                .tracks("SD,HD".parse().unwrap())
                .build()
                .unwrap_err();
            assert_eq!(err, RequestError::SingleKeyOnly { system: d, keys: 2 });
            assert!(err.to_string().contains("single key"));
            // One key is fine.
            assert!(
                CpixRequest::builder(cid())
                    .drm(d)
                    .tracks("HD".parse().unwrap())
                    .build()
                    .is_ok()
            );
        }
    }

    #[test]
    fn systems_are_ordered_and_deduplicated() {
        let r = CpixRequest::builder(cid())
            .drm_systems([
                DrmSystem::FairPlay,
                DrmSystem::Widevine,
                DrmSystem::FairPlay,
            ])
            .build()
            .unwrap();
        assert_eq!(r.drm_systems(), &[DrmSystem::Widevine, DrmSystem::FairPlay]);
    }

    #[test]
    fn random_ids_are_v4_and_distinct() {
        let r = CpixRequest::builder(cid())
            .drm(DrmSystem::Widevine)
            .tracks("AUDIO,SD,HD,UHD1,UHD2".parse().unwrap())
            .period_index(3)
            .build()
            .unwrap();
        let ids: Vec<_> = r.keys().iter().map(|k| k.key_id).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(Uuid::from_bytes(*id.as_bytes()).get_version_num(), 4);
            assert!(!ids[..i].contains(id));
            assert!(
                r.keys()[i]
                    .period_id
                    .as_deref()
                    .unwrap()
                    .starts_with(KEY_PERIOD_ID_PREFIX)
            );
        }
    }

    #[test]
    fn explicit_ids_are_checked() {
        let kid: KeyId = "a235e63a-7fb4-431f-88b0-92e7fa246b22".parse().unwrap();
        assert!(matches!(
            CpixRequest::builder(cid())
                .drm(DrmSystem::Widevine)
                .tracks("SD,HD".parse().unwrap())
                .key_ids(vec![kid])
                .build(),
            Err(RequestError::IdCount { .. })
        ));
        assert!(matches!(
            CpixRequest::builder(cid())
                .drm(DrmSystem::Widevine)
                .tracks("SD,HD".parse().unwrap())
                .key_ids(vec![kid, kid])
                .build(),
            Err(RequestError::DuplicateKeyId { .. })
        ));
        assert!(matches!(
            CpixRequest::builder(cid())
                .drm(DrmSystem::Widevine)
                .period_index(1)
                .period_ids(vec!["1bad".into()])
                .build(),
            Err(RequestError::InvalidPeriodId { .. })
        ));
    }

    #[test]
    fn scheme_none_omits_the_attribute() {
        let r = CpixRequest::builder(cid())
            .drm(DrmSystem::Widevine)
            .build()
            .unwrap();
        assert!(!r.to_xml().contains("commonEncryptionScheme"));
        assert!(r.to_xml().contains(r#"intendedTrackType="HD""#));
    }
}

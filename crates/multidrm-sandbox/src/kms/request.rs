//! Reads a CPIX request the way the KMS does: namespace-aware (any prefix), order-independent,
//! comments / BOM / unknown elements ignored, `DRMSystem` placeholders (`<cpix:PSSH/>` …) ignored.

use drm_cpix::system::DrmSystem;
use drm_policy::KeyId;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

use super::error::KmsError;

/// The CPIX namespace.
pub(crate) const CPIX_NS: &[u8] = b"urn:dashif:org:cpix";

/// Most keys per request.
pub(crate) const MAX_KEYS: usize = 64;
/// Most elements of each list (DRM systems, rules, periods).
const MAX_ITEMS: usize = 1024;
/// Longest content id (DoveRunner docs: 200 characters).
pub(crate) const MAX_CONTENT_ID: usize = 200;

/// A `ContentKey` of the request.
#[derive(Debug, Clone)]
pub(crate) struct ReqKey {
    pub(crate) kid: KeyId,
    pub(crate) scheme: Option<String>,
}

/// A `DRMSystem` of the request.
#[derive(Debug, Clone)]
pub(crate) struct ReqSystem {
    pub(crate) kid: KeyId,
    /// The systemId text as sent (echoed in the same case).
    pub(crate) system_id: String,
    pub(crate) system: DrmSystem,
}

/// A filter element inside a usage rule, echoed verbatim (local name + attributes in order).
#[derive(Debug, Clone)]
pub(crate) struct ReqFilter {
    pub(crate) local_name: String,
    pub(crate) attrs: Vec<(String, String)>,
}

/// A `ContentKeyUsageRule` of the request.
#[derive(Debug, Clone)]
pub(crate) struct ReqRule {
    pub(crate) kid: KeyId,
    pub(crate) track: String,
    pub(crate) filters: Vec<ReqFilter>,
}

impl ReqRule {
    /// The `periodId` of the rule's `KeyPeriodFilter`, if any.
    pub(crate) fn period_id(&self) -> Option<&str> {
        self.filters
            .iter()
            .find(|f| f.local_name == "KeyPeriodFilter")
            .and_then(|f| f.attrs.iter().find(|(n, _)| n == "periodId"))
            .map(|(_, v)| v.as_str())
    }
}

/// A `ContentKeyPeriod` of the request.
#[derive(Debug, Clone)]
pub(crate) struct ReqPeriod {
    pub(crate) id: String,
    pub(crate) index: u64,
}

/// A parsed request.
#[derive(Debug, Clone, Default)]
pub(crate) struct CpixRequest {
    pub(crate) content_id: String,
    pub(crate) keys: Vec<ReqKey>,
    pub(crate) systems: Vec<ReqSystem>,
    pub(crate) rules: Vec<ReqRule>,
    pub(crate) periods: Vec<ReqPeriod>,
    /// Whether the document had a `ContentKeyUsageRuleList` at all.
    pub(crate) had_rule_list: bool,
    /// Whether the document had a `ContentKeyPeriodList` at all.
    pub(crate) had_period_list: bool,
}

fn malformed(e: impl std::fmt::Display) -> KmsError {
    KmsError::MalformedXml(e.to_string())
}

fn invalid(msg: impl Into<String>) -> KmsError {
    KmsError::InvalidRequest(msg.into())
}

/// Unprefixed attributes by local name, unescaped.
fn attrs(e: &BytesStart<'_>) -> Result<Vec<(String, String)>, KmsError> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(malformed)?;
        let key = a.key;
        if key.as_ref().starts_with(b"xmlns") {
            continue;
        }
        let name = String::from_utf8_lossy(key.local_name().as_ref()).into_owned();
        let value = a.unescape_value().map_err(malformed)?.into_owned();
        out.push((name, value));
    }
    Ok(out)
}

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn kid_attr(attrs: &[(String, String)], element: &str) -> Result<KeyId, KmsError> {
    let text = get(attrs, "kid").ok_or_else(|| invalid(format!("{element} has no kid")))?;
    text.parse()
        .map_err(|_| invalid(format!("{element}@kid {text:?} is not a UUID")))
}

fn push_bounded<T>(list: &mut Vec<T>, item: T, what: &str) -> Result<(), KmsError> {
    if list.len() >= MAX_ITEMS {
        return Err(invalid(format!("too many {what} elements")));
    }
    list.push(item);
    Ok(())
}

/// Parses and validates a request body.
pub(crate) fn parse(body: &str) -> Result<CpixRequest, KmsError> {
    let body = body.trim_start_matches('\u{feff}');
    let mut reader = NsReader::from_str(body);
    let mut req = CpixRequest::default();
    // Local names of the open elements, `None` for elements outside the CPIX namespace.
    let mut path: Vec<Option<Vec<u8>>> = Vec::new();
    let mut saw_root = false;
    let mut root_id: Option<String> = None;
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(malformed)?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let in_cpix = matches!(ns, ResolveResult::Bound(Namespace(n)) if n == CPIX_NS);
                let local = e.local_name().as_ref().to_vec();
                if path.is_empty() {
                    if saw_root {
                        return Err(malformed("more than one root element"));
                    }
                    saw_root = true;
                    if !in_cpix || local != b"CPIX" {
                        return Err(invalid(
                            "the root element is not CPIX in namespace urn:dashif:org:cpix",
                        ));
                    }
                    let a = attrs(e)?;
                    root_id = get(&a, "id")
                        .or_else(|| get(&a, "contentId"))
                        .map(str::to_owned);
                } else if in_cpix {
                    let parent = path.last().and_then(|p| p.as_deref());
                    handle_element(&mut req, parent, &local, e)?;
                }
                if !is_empty {
                    path.push(in_cpix.then_some(local));
                }
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err(malformed("the document ends inside an element"));
    }
    if !saw_root {
        return Err(malformed("no root element"));
    }
    req.content_id = root_id.ok_or_else(|| invalid("CPIX@id (the content id) is missing"))?;
    validate(&req)?;
    attach_stray_systems(&mut req);
    Ok(req)
}

fn handle_element(
    req: &mut CpixRequest,
    parent: Option<&[u8]>,
    local: &[u8],
    e: &BytesStart<'_>,
) -> Result<(), KmsError> {
    match (parent, local) {
        (_, b"ContentKeyUsageRuleList") => req.had_rule_list = true,
        (_, b"ContentKeyPeriodList") => req.had_period_list = true,
        (Some(b"ContentKeyList"), b"ContentKey") => {
            let a = attrs(e)?;
            if req.keys.len() >= MAX_KEYS {
                return Err(invalid(format!("more than {MAX_KEYS} ContentKey elements")));
            }
            req.keys.push(ReqKey {
                kid: kid_attr(&a, "ContentKey")?,
                scheme: get(&a, "commonEncryptionScheme").map(str::to_owned),
            });
        }
        (Some(b"DRMSystemList"), b"DRMSystem") => {
            let a = attrs(e)?;
            let kid = kid_attr(&a, "DRMSystem")?;
            let system_id = get(&a, "systemId")
                .ok_or_else(|| invalid("DRMSystem has no systemId"))?
                .to_owned();
            let system = DrmSystem::from_system_id(&system_id)
                .ok_or_else(|| KmsError::UnsupportedDrm(system_id.chars().take(64).collect()))?;
            push_bounded(
                &mut req.systems,
                ReqSystem {
                    kid,
                    system_id,
                    system,
                },
                "DRMSystem",
            )?;
        }
        (Some(b"ContentKeyPeriodList"), b"ContentKeyPeriod") => {
            let a = attrs(e)?;
            let id = get(&a, "id")
                .ok_or_else(|| invalid("ContentKeyPeriod has no id"))?
                .to_owned();
            let index_text = get(&a, "index").ok_or_else(|| {
                invalid("ContentKeyPeriod has no index (the KMS rotates by index)")
            })?;
            let index = index_text.trim().parse().map_err(|_| {
                invalid(format!(
                    "ContentKeyPeriod@index {index_text:?} is not a number"
                ))
            })?;
            push_bounded(
                &mut req.periods,
                ReqPeriod { id, index },
                "ContentKeyPeriod",
            )?;
        }
        (Some(b"ContentKeyUsageRuleList"), b"ContentKeyUsageRule") => {
            let a = attrs(e)?;
            let kid = kid_attr(&a, "ContentKeyUsageRule")?;
            let track = get(&a, "intendedTrackType")
                .ok_or_else(|| invalid("ContentKeyUsageRule has no intendedTrackType"))?
                .to_owned();
            push_bounded(
                &mut req.rules,
                ReqRule {
                    kid,
                    track,
                    filters: Vec::new(),
                },
                "ContentKeyUsageRule",
            )?;
        }
        (Some(b"ContentKeyUsageRule"), _) => {
            let filter = ReqFilter {
                local_name: String::from_utf8_lossy(local).into_owned(),
                attrs: attrs(e)?,
            };
            if let Some(rule) = req.rules.last_mut() {
                if rule.filters.len() >= 16 {
                    return Err(invalid("too many filters in a ContentKeyUsageRule"));
                }
                rule.filters.push(filter);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The 2020 docs examples send `DRMSystem` elements whose kid matches no `ContentKey` and the KMS
/// still answers them for the (single) key: attach such systems to the only key, once.
fn attach_stray_systems(req: &mut CpixRequest) {
    let Some(only) = req.keys.first().map(|k| k.kid) else {
        return;
    };
    let mut seen: Vec<(KeyId, DrmSystem)> = Vec::new();
    req.systems.retain_mut(|s| {
        if !req.keys.iter().any(|k| k.kid == s.kid) {
            s.kid = only;
        }
        if seen.contains(&(s.kid, s.system)) {
            return false;
        }
        seen.push((s.kid, s.system));
        true
    });
}

const TRACK_TYPES: [&str; 5] = ["AUDIO", "SD", "HD", "UHD1", "UHD2"];

fn validate(req: &CpixRequest) -> Result<(), KmsError> {
    let cid = &req.content_id;
    if cid.is_empty() || cid.chars().count() > MAX_CONTENT_ID {
        return Err(invalid(format!(
            "CPIX@id must be 1 to {MAX_CONTENT_ID} characters"
        )));
    }
    if cid.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid("CPIX@id contains whitespace or control characters"));
    }
    if req.keys.is_empty() {
        return Err(invalid("no ContentKey in ContentKeyList"));
    }
    let known = |kid: &KeyId| req.keys.iter().any(|k| k.kid == *kid);
    for (i, k) in req.keys.iter().enumerate() {
        if req.keys[..i].iter().any(|o| o.kid == k.kid) {
            return Err(invalid(format!(
                "duplicate ContentKey kid {}",
                k.kid.to_uuid_string()
            )));
        }
        if let Some(s) = &k.scheme {
            if !matches!(s.as_str(), "cenc" | "cbc1" | "cens" | "cbcs") {
                return Err(invalid(format!(
                    "commonEncryptionScheme {s:?} is not one of cenc, cbc1, cens, cbcs"
                )));
            }
        }
    }
    for s in &req.systems {
        if !known(&s.kid) && req.keys.len() > 1 {
            return Err(invalid(format!(
                "DRMSystem kid {} has no ContentKey",
                s.kid.to_uuid_string()
            )));
        }
    }
    for (i, r) in req.rules.iter().enumerate() {
        if !known(&r.kid) {
            return Err(invalid(format!(
                "ContentKeyUsageRule kid {} has no ContentKey",
                r.kid.to_uuid_string()
            )));
        }
        if !TRACK_TYPES.contains(&r.track.as_str()) {
            return Err(invalid(format!(
                "intendedTrackType {:?} is not one of AUDIO, SD, HD, UHD1, UHD2",
                r.track.chars().take(32).collect::<String>()
            )));
        }
        if req.rules[..i].iter().any(|o| o.kid == r.kid) {
            return Err(invalid("more than one ContentKeyUsageRule for a kid"));
        }
        if let Some(pid) = r.period_id() {
            if !req.periods.iter().any(|p| p.id == pid) {
                return Err(invalid(format!(
                    "KeyPeriodFilter periodId {:?} matches no ContentKeyPeriod",
                    pid.chars().take(64).collect::<String>()
                )));
            }
        }
    }
    for (i, p) in req.periods.iter().enumerate() {
        if req.periods[..i].iter().any(|o| o.id == p.id) {
            return Err(invalid("duplicate ContentKeyPeriod id"));
        }
    }
    if req.keys.len() > 1 {
        if let Some(s) = req.systems.iter().find(|s| s.system.is_single_key_only()) {
            return Err(KmsError::SingleKeyOnly(s.system.official_name().to_owned()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn any_prefix_and_order() {
        let xml = r#"<?xml version="1.0"?><!-- c --><x:CPIX id="c1" xmlns:x="urn:dashif:org:cpix">
            <x:ContentKeyUsageRuleList><x:ContentKeyUsageRule kid="11111111-2222-3333-4444-555555555555" intendedTrackType="SD"><x:VideoFilter maxPixels="414720"/></x:ContentKeyUsageRule></x:ContentKeyUsageRuleList>
            <x:DRMSystemList><x:DRMSystem kid="11111111-2222-3333-4444-555555555555" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><x:PSSH/></x:DRMSystem></x:DRMSystemList>
            <x:ContentKeyList><x:ContentKey kid="11111111-2222-3333-4444-555555555555"/></x:ContentKeyList>
            <other xmlns="urn:x"><ContentKey kid="bad"/></other>
        </x:CPIX>"#;
        let r = parse(xml).unwrap();
        assert_eq!(r.content_id, "c1");
        assert_eq!(r.keys.len(), 1);
        assert_eq!(r.systems[0].system, DrmSystem::Widevine);
        assert_eq!(r.rules[0].track, "SD");
        assert_eq!(r.rules[0].filters[0].local_name, "VideoFilter");
    }

    #[test]
    fn rejections() {
        let key = r#"<c:ContentKeyList><c:ContentKey kid="11111111-2222-3333-4444-555555555555"/></c:ContentKeyList>"#;
        let wrap = |inner: &str| {
            format!(r#"<c:CPIX id="c" xmlns:c="urn:dashif:org:cpix">{inner}</c:CPIX>"#)
        };
        assert!(matches!(parse("<a>"), Err(KmsError::InvalidRequest(_))));
        assert!(matches!(
            parse(r#"<c:CPIX id="c" xmlns:c="urn:dashif:org:cpix">"#),
            Err(KmsError::MalformedXml(_))
        ));
        assert!(matches!(parse(""), Err(KmsError::MalformedXml(_))));
        assert!(matches!(
            parse("<CPIX id='x'/>"),
            Err(KmsError::InvalidRequest(_))
        ));
        assert!(matches!(parse(&wrap("")), Err(KmsError::InvalidRequest(_))));
        assert!(parse(&wrap(key)).is_ok());
        let bad_drm = format!(
            r#"{key}<c:DRMSystemList><c:DRMSystem kid="11111111-2222-3333-4444-555555555555" systemId="00000000-0000-0000-0000-000000000000"/></c:DRMSystemList>"#
        );
        assert!(matches!(
            parse(&wrap(&bad_drm)),
            Err(KmsError::UnsupportedDrm(_))
        ));
        let bad_track = format!(
            r#"{key}<c:ContentKeyUsageRuleList><c:ContentKeyUsageRule kid="11111111-2222-3333-4444-555555555555" intendedTrackType="FHD"/></c:ContentKeyUsageRuleList>"#
        );
        assert!(matches!(
            parse(&wrap(&bad_track)),
            Err(KmsError::InvalidRequest(_))
        ));
    }
}

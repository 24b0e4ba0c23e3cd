//! Writes the KMS's response: CPIX XML in the KMS's own (non-XSD) element order — ContentKeyList,
//! ContentKeyPeriodList, ContentKeyUsageRuleList, DRMSystemList — with the per-DRM payloads of
//! spec §3.2, indented with four spaces like the documented responses.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_cpix::fairplay::{HlsKeyLine, HlsKeyTag, HlsMethod, SkdUri};
use drm_cpix::playready::{PlayReadyKid, WrmHeader};
use drm_cpix::pssh::PsshBox;
use drm_cpix::system::{DrmSystem, WISEPLAY_SYSTEM_ID};
use drm_cpix::widevine::{WidevineAlgorithm, WidevinePsshData, scheme_fourcc};
use quick_xml::escape::escape;

use super::KmsSettings;
use super::derive::{DerivedKey, derive};
use super::error::KmsError;
use super::request::{CpixRequest, ReqKey, ReqRule};

/// One key of the answer: the request key, its rule, period and derived material.
struct Answer<'a> {
    req: &'a ReqKey,
    rule: Option<&'a ReqRule>,
    period: Option<u64>,
    derived: DerivedKey,
}

/// A built response: the document and the keys it hands out.
pub(crate) struct Built {
    /// The CPIX XML.
    pub(crate) xml: String,
    /// The key material in the document, in `ContentKeyList` order.
    pub(crate) keys: Vec<DerivedKey>,
}

/// Builds the response document for a validated request.
pub(crate) fn build(
    settings: &KmsSettings,
    req: &CpixRequest,
    key_rotation: bool,
) -> Result<Built, KmsError> {
    let cid = req.content_id.as_str();
    let mut answers = Vec::with_capacity(req.keys.len());
    for (i, key) in req.keys.iter().enumerate() {
        let rule = req.rules.iter().find(|r| r.kid == key.kid);
        let period = rule
            .and_then(ReqRule::period_id)
            .and_then(|id| req.periods.iter().find(|p| p.id == id))
            .map(|p| p.index);
        if key_rotation && period.is_none() {
            return Err(KmsError::InvalidRequest(
                "key-rotation=true needs a ContentKeyPeriod (with index) and a KeyPeriodFilter \
                 for every key"
                    .to_owned(),
            ));
        }
        let track = rule.map_or_else(|| format!("#{i}"), |r| r.track.clone());
        let derived = derive(settings.secret.expose_secret(), cid, &track, period);
        answers.push(Answer {
            req: key,
            rule,
            period,
            derived,
        });
    }

    let mut x = String::with_capacity(4096 * answers.len());
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    x.push_str("<cpix:CPIX id=\"");
    x.push_str(&escape(cid));
    x.push_str(
        "\" xmlns:cpix=\"urn:dashif:org:cpix\" xmlns:speke=\"urn:aws:amazon:com:speke\" \
         xmlns:pskc=\"urn:ietf:params:xml:ns:keyprov:pskc\">\n",
    );

    x.push_str("    <cpix:ContentKeyList>\n");
    for a in &answers {
        x.push_str("        <cpix:ContentKey explicitIV=\"");
        x.push_str(&STANDARD.encode(a.derived.iv));
        x.push_str("\" kid=\"");
        x.push_str(&a.derived.key_id.to_uuid_string());
        x.push('"');
        if let Some(s) = &a.req.scheme {
            x.push_str(" commonEncryptionScheme=\"");
            x.push_str(&escape(s.as_str()));
            x.push('"');
        }
        x.push_str(">\n            <cpix:Data>\n                <pskc:Secret>\n                    <pskc:PlainValue>");
        x.push_str(&STANDARD.encode(a.derived.key));
        x.push_str("</pskc:PlainValue>\n                </pskc:Secret>\n            </cpix:Data>\n        </cpix:ContentKey>\n");
    }
    x.push_str("    </cpix:ContentKeyList>\n");

    if !req.periods.is_empty() {
        x.push_str("    <cpix:ContentKeyPeriodList>\n");
        for p in &req.periods {
            x.push_str("        <cpix:ContentKeyPeriod id=\"");
            x.push_str(&escape(p.id.as_str()));
            x.push_str("\" index=\"");
            x.push_str(&p.index.to_string());
            x.push_str("\"/>\n");
        }
        x.push_str("    </cpix:ContentKeyPeriodList>\n");
    }

    if !req.rules.is_empty() {
        x.push_str("    <cpix:ContentKeyUsageRuleList>\n");
        // Rules in request order, each pointing at the KMS's KID.
        for rule in &req.rules {
            let Some(a) = answers.iter().find(|a| a.req.kid == rule.kid) else {
                continue;
            };
            x.push_str("        <cpix:ContentKeyUsageRule intendedTrackType=\"");
            x.push_str(&escape(rule.track.as_str()));
            x.push_str("\" kid=\"");
            x.push_str(&a.derived.key_id.to_uuid_string());
            if rule.filters.is_empty() {
                x.push_str("\"/>\n");
                continue;
            }
            x.push_str("\">\n");
            for f in &rule.filters {
                x.push_str("            <cpix:");
                x.push_str(&f.local_name);
                for (n, v) in &f.attrs {
                    x.push(' ');
                    x.push_str(n);
                    x.push_str("=\"");
                    x.push_str(&escape(v.as_str()));
                    x.push('"');
                }
                x.push_str("/>\n");
            }
            x.push_str("        </cpix:ContentKeyUsageRule>\n");
        }
        x.push_str("    </cpix:ContentKeyUsageRuleList>\n");
    }

    if !req.systems.is_empty() {
        x.push_str("    <cpix:DRMSystemList>\n");
        for s in &req.systems {
            let Some(a) = answers.iter().find(|a| a.req.kid == s.kid) else {
                continue;
            };
            x.push_str("        <cpix:DRMSystem kid=\"");
            x.push_str(&a.derived.key_id.to_uuid_string());
            x.push_str("\" systemId=\"");
            x.push_str(&escape(s.system_id.as_str()));
            x.push_str("\">\n");
            for (element, value) in drm_children(settings, cid, s.system, a)? {
                x.push_str("            <");
                x.push_str(element);
                x.push('>');
                x.push_str(&value);
                x.push_str("</");
                x.push_str(element.split(' ').next().unwrap_or(element));
                x.push_str(">\n");
            }
            x.push_str("        </cpix:DRMSystem>\n");
        }
        x.push_str("    </cpix:DRMSystemList>\n");
    }
    x.push_str("</cpix:CPIX>\n");
    Ok(Built {
        xml: x,
        keys: answers.into_iter().map(|a| a.derived).collect(),
    })
}

fn internal(what: impl std::fmt::Display) -> KmsError {
    KmsError::InvalidRequest(format!("cannot build the response: {what}"))
}

/// `(element start tag content, base64 text)` children of one DRMSystem.
fn drm_children(
    settings: &KmsSettings,
    cid: &str,
    system: DrmSystem,
    a: &Answer<'_>,
) -> Result<Vec<(&'static str, String)>, KmsError> {
    let kid = a.derived.key_id;
    let scheme = a.req.scheme.as_deref();
    let b64 = |s: &str| STANDARD.encode(s.as_bytes());
    let hls = |line: HlsKeyLine| -> Result<Vec<(&'static str, String)>, KmsError> {
        let media = line
            .clone()
            .tag(HlsKeyTag::Key)
            .to_line()
            .map_err(internal)?;
        let master = line
            .tag(HlsKeyTag::SessionKey)
            .to_line()
            .map_err(internal)?;
        Ok(vec![
            ("cpix:HLSSignalingData playlist=\"media\"", b64(&media)),
            ("cpix:HLSSignalingData playlist=\"master\"", b64(&master)),
        ])
    };
    Ok(match system {
        DrmSystem::Widevine => {
            let data = WidevinePsshData {
                algorithm: Some(WidevineAlgorithm::AesCtr),
                key_ids: vec![kid],
                provider: Some(settings.widevine_provider.clone()),
                content_id: Some(match a.period {
                    Some(p) => format!("{cid}{p:016x}").into_bytes(),
                    None => cid.as_bytes().to_vec(),
                }),
                track_type: a.period.and(a.rule.map(|r| r.track.clone())),
                crypto_period_index: a
                    .period
                    .map(|p| u32::try_from(p).map_err(|_| internal("period index exceeds 32 bits")))
                    .transpose()?,
                protection_scheme: scheme.filter(|s| *s != "cenc").and_then(scheme_fourcc),
                ..Default::default()
            };
            let pssh = data.to_pssh_box().to_base64().map_err(internal)?;
            vec![
                ("cpix:ContentProtectionData", data.to_base64()),
                ("cpix:PSSH", pssh),
            ]
        }
        DrmSystem::PlayReady => {
            let pr_kid = match scheme {
                Some("cbcs" | "cbc1") => PlayReadyKid::aes_cbc(kid),
                _ => PlayReadyKid::aes_ctr(kid, &a.derived.key),
            };
            let mut header = WrmHeader::v4_3(vec![pr_kid], Some(settings.playready_la_url.clone()));
            if let Some(p) = a.period {
                header = header.with_period_index(p);
            }
            let pro = header.to_object().map_err(internal)?;
            let pro_b64 = pro.to_base64().map_err(internal)?;
            let pssh = pro
                .to_pssh_box()
                .and_then(|b| b.to_base64().map_err(Into::into))
                .map_err(internal)?;
            vec![
                ("cpix:ContentProtectionData", pro_b64.clone()),
                ("speke:ProtectionHeader", pro_b64.clone()),
                ("cpix:PSSH", pssh),
                ("cpix:SmoothStreamingProtectionHeaderData", pro_b64),
            ]
        }
        DrmSystem::FairPlay => {
            let uri = match a.period {
                Some(p) => SkdUri::for_period(cid, p).map_err(internal)?,
                None => SkdUri::for_key_id(&kid),
            };
            let mut children = hls(HlsKeyLine::fairplay(HlsKeyTag::Key, &uri))?;
            children.push(("cpix:URIExtXKey", b64(&uri.to_string())));
            children
        }
        DrmSystem::WisePlay => {
            // Placeholder payload: DoveRunner's WisePlay PSSH JSON is not public.
            let json = serde_json::json!({
                "version": "V1.0",
                "contentID": b64(cid),
                "kids": [STANDARD.encode(kid.as_bytes())],
            })
            .to_string();
            let pssh = PsshBox::v0(WISEPLAY_SYSTEM_ID, json.clone().into_bytes())
                .to_base64()
                .map_err(internal)?;
            vec![
                ("cpix:ContentProtectionData", b64(&json)),
                ("cpix:PSSH", pssh),
            ]
        }
        DrmSystem::Ncg => vec![("cpix:URIExtXKey", STANDARD.encode(a.derived.ncg_cek))],
        DrmSystem::NcgHlsAes128 | DrmSystem::NcgHlsSampleAes => {
            let uri = format!(
                "{}?sid={}&filename={}&cid={}",
                settings.ncg_hls_key_url,
                url_component(&settings.ncg_site_id),
                url_component(cid),
                url_component(cid)
            );
            let method = if system == DrmSystem::NcgHlsAes128 {
                HlsMethod::Aes128
            } else {
                HlsMethod::SampleAes
            };
            let mut children = hls(HlsKeyLine::with_uri(
                HlsKeyTag::Key,
                method,
                &uri,
                Some(a.derived.iv),
            ))?;
            children.push(("cpix:URIExtXKey", b64(&uri)));
            children
        }
        DrmSystem::Aes128 | DrmSystem::SampleAes => {
            let (path, method) = if system == DrmSystem::Aes128 {
                ("aes128", HlsMethod::Aes128)
            } else {
                ("sampleaes", HlsMethod::SampleAes)
            };
            let uri = format!(
                "{}/{path}?cid={}",
                settings.clear_key_url.trim_end_matches('/'),
                url_component(cid)
            );
            let mut children = hls(HlsKeyLine::with_uri(
                HlsKeyTag::Key,
                method,
                &uri,
                Some(a.derived.iv),
            ))?;
            children.push(("cpix:URIExtXKey", b64(&uri)));
            children
        }
    })
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn url_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

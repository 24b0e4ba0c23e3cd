//! License issuance behind the gateway (`license.md` §5): `POST /api/v1/license` with an
//! `x-drm-token`, and the FairPlay certificate at `GET /api/v1/license/fairPlay` (base64 text)
//! and `…/fairPlayBinary` (DER).
//!
//! `x-drm-token` is standard base64 of a JSON object: `siteId` (a site that exists, 281003,
//! and is on, 281005), `contentId` (3–100 of letters, digits, `-`, `_`), `drmType`
//! (`WIDEVINE` | `PLAYREADY` | `FAIRPLAY`, any case), `responseFormat` (`ORIGINAL` default |
//! `JSON`, any case), `userId` (required unless [`NcpSettings::license_user_id_optional`](super::NcpSettings::license_user_id_optional)).
//! Token problems answer in the service envelope (`280003` naming the field); problems with
//! the body itself (no SPC, empty challenge) in DoveRunner's `{"errorCode","message"}` with
//! HTTP 200, since the DoveRunner license server underneath answers those.

use axum::http::HeaderMap;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use super::errors::ServiceError;
use super::gateway::header;
use super::store::Store;
use crate::license::{
    CheckedToken, LicenseReply, ResponseShape, TokenDrm, fairplay_certificate, grant, granted_reply,
};

/// The header carrying the NCP DRM token.
pub const DRM_TOKEN_HEADER: &str = "x-drm-token";

/// Which license operation a method and path name, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LicenseRoute {
    /// `POST /api/v1/license`
    Issue,
    /// `GET /api/v1/license/fairPlay`
    FairPlayCert,
    /// `GET /api/v1/license/fairPlayBinary`
    FairPlayCertBinary,
}

impl LicenseRoute {
    pub(crate) fn of(method: &str, path: &str) -> Option<Self> {
        match (method, path) {
            ("POST", "/api/v1/license") => Some(Self::Issue),
            ("GET", "/api/v1/license/fairPlay") => Some(Self::FairPlayCert),
            ("GET", "/api/v1/license/fairPlayBinary") => Some(Self::FairPlayCertBinary),
            _ => None,
        }
    }
}

/// What the service answers.
#[derive(Debug)]
pub(crate) enum IssueAnswer {
    /// Bytes (license, certificate, or a DoveRunner JSON error) with HTTP 200.
    Reply(LicenseReply),
    /// A service error in the NCP envelope.
    Service(ServiceError),
}

/// The fields of a valid `x-drm-token`.
#[derive(Debug)]
struct DrmToken {
    site_id: String,
    content_id: String,
    drm: TokenDrm,
    shape: ResponseShape,
    user_id: String,
}

fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, ServiceError> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(ServiceError::invalid(
            &format!("x-drm-token.{name}"),
            "must be a string",
        )),
    }
}

fn required<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str, ServiceError> {
    field(object, name)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ServiceError::invalid(&format!("x-drm-token.{name}"), "is required"))
}

fn read_token(text: &str, user_id_optional: bool) -> Result<DrmToken, ServiceError> {
    let bad = || ServiceError::invalid(DRM_TOKEN_HEADER, "must be base64 of a JSON object");
    let bytes = STANDARD.decode(text.trim()).map_err(|_| bad())?;
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(bad());
    };
    let content_id = required(&object, "contentId")?;
    let id_ok = (3..=100).contains(&content_id.len())
        && content_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !id_ok {
        return Err(ServiceError::invalid(
            "x-drm-token.contentId",
            "must be 3-100 letters, digits, '-' or '_'",
        ));
    }
    let drm = match required(&object, "drmType")?.to_ascii_uppercase().as_str() {
        "WIDEVINE" => TokenDrm::Widevine,
        "PLAYREADY" => TokenDrm::PlayReady,
        "FAIRPLAY" => TokenDrm::FairPlay,
        _ => {
            return Err(ServiceError::invalid(
                "x-drm-token.drmType",
                "must be one of WIDEVINE, PLAYREADY, FAIRPLAY",
            ));
        }
    };
    let shape = match field(&object, "responseFormat")?.map(str::to_ascii_uppercase) {
        None => ResponseShape::Original,
        Some(f) if f == "ORIGINAL" => ResponseShape::Original,
        Some(f) if f == "JSON" => ResponseShape::Json,
        Some(_) => {
            return Err(ServiceError::invalid(
                "x-drm-token.responseFormat",
                "must be ORIGINAL or JSON",
            ));
        }
    };
    let user_id = if user_id_optional {
        field(&object, "userId")?.unwrap_or_default()
    } else {
        required(&object, "userId")?
    };
    Ok(DrmToken {
        site_id: required(&object, "siteId")?.to_owned(),
        content_id: content_id.to_owned(),
        drm,
        shape,
        user_id: user_id.to_owned(),
    })
}

/// Runs one license operation.
pub(crate) fn run(
    store: &Store,
    route: LicenseRoute,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
    user_id_optional: bool,
) -> IssueAnswer {
    let token = match header(headers, DRM_TOKEN_HEADER) {
        Some(text) => read_token(text, user_id_optional).and_then(|token| {
            store.license_site(&token.site_id)?;
            Ok(token)
        }),
        None => Err(ServiceError::invalid(DRM_TOKEN_HEADER, "is required")),
    };
    let token = match token {
        Ok(token) => token,
        Err(error) => return IssueAnswer::Service(error),
    };
    let cert = || fairplay_certificate(&token.site_id);
    let reply = match route {
        LicenseRoute::FairPlayCert => LicenseReply {
            status: 200,
            content_type: "text/plain;charset=UTF-8",
            content_disposition: None,
            body: STANDARD.encode(cert()).into_bytes(),
        },
        LicenseRoute::FairPlayCertBinary => LicenseReply {
            status: 200,
            content_type: "application/octet-stream",
            content_disposition: None,
            body: cert(),
        },
        LicenseRoute::Issue => issue(&token, headers, query, body),
    };
    IssueAnswer::Reply(reply)
}

fn issue(token: &DrmToken, headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> LicenseReply {
    let checked = CheckedToken {
        drm: token.drm,
        site_id: token.site_id.clone(),
        user_id: token.user_id.clone(),
        cid: token.content_id.clone(),
        shape: token.shape,
        policy: Map::new(),
    };
    let query = crate::license::query_params(query);
    match grant(&checked, body, &query, false) {
        Ok(granted) => granted_reply(
            &checked,
            granted,
            header(headers, crate::license::CLIENT_META_HEADER),
        ),
        Err(code) => LicenseReply {
            status: 200,
            content_type: "application/json;charset=UTF-8",
            content_disposition: None,
            body: code.body(false).to_string().into_bytes(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(json: &str) -> String {
        STANDARD.encode(json)
    }

    #[test]
    fn reads_the_documented_template() {
        let t = read_token(
            &token(r#"{"siteId":"drm-1","contentId":"movie_1","drmType":"WIDEVINE","responseFormat":"original","userId":"u"}"#),
            false,
        )
        .expect("valid");
        assert_eq!(t.drm, TokenDrm::Widevine);
        assert_eq!(t.shape, ResponseShape::Original);
    }

    #[test]
    fn names_the_bad_field() {
        for (json, field) in [
            (
                r#"{"siteId":"s","contentId":"ab","drmType":"WIDEVINE","userId":"u"}"#,
                "contentId",
            ),
            (
                r#"{"siteId":"s","contentId":"abc","drmType":"NCG","userId":"u"}"#,
                "drmType",
            ),
            (
                r#"{"siteId":"s","contentId":"abc","drmType":"FAIRPLAY","responseFormat":"XML","userId":"u"}"#,
                "responseFormat",
            ),
            (
                r#"{"siteId":"s","contentId":"abc","drmType":"FAIRPLAY"}"#,
                "userId",
            ),
            (
                r#"{"contentId":"abc","drmType":"FAIRPLAY","userId":"u"}"#,
                "siteId",
            ),
            (r#"[]"#, DRM_TOKEN_HEADER),
        ] {
            let err = read_token(&token(json), false).expect_err(json);
            assert!(err.message.contains(field), "{json}: {}", err.message);
        }
        assert!(
            read_token(
                &token(r#"{"siteId":"s","contentId":"abc","drmType":"fairplay"}"#),
                true
            )
            .is_ok()
        );
    }
}

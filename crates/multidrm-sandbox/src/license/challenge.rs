//! Per-DRM handling of a license request whose token passed: what the body must look like and
//! the deterministic fake license the emulator answers with.
//!
//! | token DRM | body | answer (`original`) |
//! |---|---|---|
//! | Widevine | exactly `08 04` | the service certificate |
//! | Widevine | any other non-empty bytes (empty or a PlayReady SOAP body: 7107) | binary `08 02 12 20` + 32 bytes |
//! | PlayReady | XML (empty: 7204, not XML: 7205) | SOAP `AcquireLicenseResponse` XML |
//! | FairPlay | any shape of [`fairplay`](super::fairplay) (7305 / 7317) | base64 text of the CKC |
//! | NCG | non-empty (9001) | base64 text |
//! | Wiseplay | non-empty (9001) | base64 text |
//!
//! A Widevine license request whose PSSH names another content id (see `widevine`) is 7012.
//! An NCG-shaped body (form fields `encryptedKey` / `encryptedData`) with a token for another
//! DRM is 7021. The fake license bytes are SHA-256 over the DRM, site, user, cid and request,
//! so the same request always gets the same license.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::certs::widevine_service_certificate;
use super::codes::LicenseErrorCode as E;
use super::fairplay::read_spc;
use super::lookup::{QueryParams, looks_like_playready};
use super::token::{CheckedToken, TokenDrm};
use super::widevine;

/// The Widevine service-certificate request.
pub const SERVICE_CERTIFICATE_REQUEST: [u8; 2] = [0x08, 0x04];

/// What a successful request gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Granted {
    /// The Widevine service certificate (answer to `08 04`), always binary.
    ServiceCertificate(Vec<u8>),
    /// A license.
    License(FakeLicense),
}

/// A fake license in its `original` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FakeLicense {
    pub(crate) drm: TokenDrm,
    /// The bytes `original` returns.
    pub(crate) bytes: Vec<u8>,
    /// Their Content-Type.
    pub(crate) content_type: &'static str,
}

impl FakeLicense {
    /// The `license` string of the JSON format: hex for Widevine, the text otherwise.
    pub(crate) fn json_text(&self) -> String {
        match self.drm {
            TokenDrm::Widevine => hex::encode(&self.bytes),
            _ => String::from_utf8_lossy(&self.bytes).into_owned(),
        }
    }
}

/// Whether a body is the NCG SDK's form (`encryptedKey`, `encryptedData` fields).
pub(crate) fn is_ncg_form(body: &[u8]) -> bool {
    std::str::from_utf8(body).is_ok_and(|text| {
        text.split('&').any(|part| {
            let name = part.split('=').next().unwrap_or_default().trim();
            name == "encryptedKey" || name == "encryptedData"
        })
    })
}

/// Checks the body against the token's DRM and answers.
pub(crate) fn grant(
    token: &CheckedToken,
    body: &[u8],
    query: &QueryParams,
    asset_id_must_match: bool,
) -> Result<Granted, E> {
    if token.drm != TokenDrm::Ncg && is_ncg_form(body) {
        return Err(E::NotNcg);
    }
    let license = |request: &[u8], content_type: &'static str| {
        FakeLicense {
            drm: token.drm,
            bytes: Vec::new(),
            content_type,
        }
        .with_digest(&digest(token, request))
    };
    match token.drm {
        TokenDrm::Widevine if body == SERVICE_CERTIFICATE_REQUEST => {
            Ok(Granted::ServiceCertificate(widevine_service_certificate()))
        }
        // Empty, or a PlayReady SOAP challenge sent with a Widevine token.
        TokenDrm::Widevine if body.is_empty() || looks_like_playready(body) => {
            Err(E::WidevineChallenge)
        }
        TokenDrm::PlayReady if body.is_empty() => Err(E::PlayReadyRead),
        TokenDrm::PlayReady if !is_xml(body) => Err(E::PlayReadyParse),
        TokenDrm::FairPlay => {
            let spc = read_spc(body, query)?;
            if asset_id_must_match && spc.asset_id.as_ref().is_some_and(|id| *id != token.cid) {
                return Err(E::CidMismatch);
            }
            Ok(Granted::License(license(
                &spc.spc,
                "text/plain;charset=UTF-8",
            )))
        }
        TokenDrm::Ncg | TokenDrm::WisePlay if body.iter().all(u8::is_ascii_whitespace) => {
            Err(E::MissingParameter)
        }
        TokenDrm::Widevine => {
            let ids = widevine::content_ids(body);
            if !ids.is_empty() && !ids.iter().any(|id| widevine::names_cid(id, &token.cid)) {
                return Err(E::CidMismatch);
            }
            Ok(Granted::License(license(body, "application/octet-stream")))
        }
        TokenDrm::Ncg => Ok(Granted::License(license(body, "application/octet-stream"))),
        TokenDrm::PlayReady => Ok(Granted::License(license(body, "text/xml; charset=utf-8"))),
        TokenDrm::WisePlay => Ok(Granted::License(license(body, "text/plain;charset=UTF-8"))),
    }
}

impl FakeLicense {
    fn with_digest(mut self, digest: &[u8; 32]) -> Self {
        self.bytes = match self.drm {
            TokenDrm::Widevine => {
                // SignedMessage { type: LICENSE (2), msg: 32 bytes }.
                let mut bytes = vec![0x08, 0x02, 0x12, 0x20];
                bytes.extend_from_slice(digest);
                bytes
            }
            TokenDrm::PlayReady => playready_response(digest).into_bytes(),
            TokenDrm::FairPlay => {
                let mut ckc = b"CKC1".to_vec();
                ckc.extend_from_slice(digest);
                STANDARD.encode(ckc).into_bytes()
            }
            TokenDrm::Ncg | TokenDrm::WisePlay => STANDARD.encode(digest).into_bytes(),
        };
        self
    }
}

fn digest(token: &CheckedToken, request: &[u8]) -> [u8; 32] {
    let mut sha = Sha256::new();
    sha.update(b"multidrm-sandbox fake license\0");
    for part in [
        token.drm.canonical().as_bytes(),
        token.site_id.as_bytes(),
        token.user_id.as_bytes(),
        token.cid.as_bytes(),
        request,
    ] {
        sha.update((part.len() as u64).to_be_bytes());
        sha.update(part);
    }
    sha.finalize().into()
}

/// UTF-8 text starting with `<` (after a BOM and whitespace), or UTF-16 (the EME
/// `PlayReadyKeyMessage` a player forgot to unwrap) starting with `<`.
fn is_xml(body: &[u8]) -> bool {
    let utf16 = |bytes: &[u8]| matches!(bytes, [b'<', 0, ..] | [0, b'<', ..]);
    match body {
        [0xff, 0xfe, rest @ ..] | [0xfe, 0xff, rest @ ..] => utf16(rest),
        _ if utf16(body) => true,
        _ => std::str::from_utf8(body).is_ok_and(|text| {
            text.trim_start_matches('\u{feff}')
                .trim_start()
                .starts_with('<')
        }),
    }
}

fn playready_response(digest: &[u8; 32]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>\
<AcquireLicenseResponse xmlns=\"http://schemas.microsoft.com/DRM/2007/03/protocols\">\
<AcquireLicenseResult><Response>\
<LicenseResponse xmlns=\"http://schemas.microsoft.com/DRM/2007/03/protocols/messages\">\
<Version>1</Version><Licenses><License>{}</License></Licenses></LicenseResponse>\
</Response></AcquireLicenseResult></AcquireLicenseResponse></soap:Body></soap:Envelope>",
        STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::super::token::ResponseShape;
    use super::*;

    fn token(drm: TokenDrm) -> CheckedToken {
        CheckedToken {
            drm,
            site_id: "TEST".to_owned(),
            user_id: "user".to_owned(),
            cid: "movie".to_owned(),
            shape: ResponseShape::Original,
            policy: serde_json::Map::new(),
        }
    }

    #[test]
    fn deterministic_and_per_request() {
        let q = QueryParams::default();
        let a = grant(&token(TokenDrm::Widevine), b"challenge", &q, false).expect("ok");
        assert_eq!(
            a,
            grant(&token(TokenDrm::Widevine), b"challenge", &q, false).expect("ok")
        );
        assert_ne!(
            a,
            grant(&token(TokenDrm::Widevine), b"other", &q, false).expect("ok")
        );
        let Granted::License(license) = a else {
            panic!("license")
        };
        assert_eq!(&license.bytes[..4], &[0x08, 0x02, 0x12, 0x20]);
        assert_eq!(license.json_text().len(), 72);
    }

    #[test]
    fn xml_detection() {
        assert!(is_xml(b"  <soap:Envelope/>"));
        assert!(is_xml("\u{feff}<a/>".as_bytes()));
        assert!(is_xml(&[0xff, 0xfe, b'<', 0, b'P', 0]));
        assert!(is_xml(&[b'<', 0, b'P', 0]));
        assert!(!is_xml(&[0x08, 0x01]));
        assert!(!is_xml(b""));
    }

    #[test]
    fn ncg_form_detection() {
        assert!(is_ncg_form(
            b"mode=x&encryptedKey=a&encryptedData=b&signature=c"
        ));
        assert!(!is_ncg_form(b"spc=abc"));
        assert!(!is_ncg_form(&[0x08, 0x04]));
    }
}

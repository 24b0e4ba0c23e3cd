//! Reading the license server's answers (spec `license.md` §3, §7.4): every body is classified
//! **before** any conversion — a body starting with `{` (after whitespace) is parsed as JSON and
//! an `errorCode` in it makes it a [`ServerError`]; only then is a license hex- or
//! base64-decoded. Binary bodies are never JSON-parsed.

mod json_license;
mod server_error;
mod sniff;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drm_token::ResponseFormat;
use serde_json::{Map, Value};

use crate::drm::Drm;

pub use json_license::{DeviceInfo, LicenseDetails};
pub use server_error::{CallbackError, ServerError};
pub use sniff::starts_like_json_object;

/// Why an answer is not a usable license or certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseError {
    /// The license server answered with an error body.
    #[error(transparent)]
    Server(Box<ServerError>),
    /// A non-2xx status without a license-server error body.
    #[error("the license server answered HTTP {status} ({} body bytes, no license-server error)", body.len())]
    Status {
        /// HTTP status.
        status: u16,
        /// The body as received.
        body: Vec<u8>,
    },
    /// A success status with an empty body.
    #[error("the license server answered HTTP {status} with an empty body")]
    Empty {
        /// HTTP status.
        status: u16,
    },
    /// The body starts with `{` but is not a JSON object.
    #[error("the answer starts with `{{` but is not a JSON object: {reason}")]
    InvalidJson {
        /// What the parser said.
        reason: String,
    },
    /// A JSON object with neither `errorCode` nor a string `license`.
    #[error("the JSON answer has neither `errorCode` nor a string `license`")]
    NoLicense,
    /// A Widevine `license` of a JSON answer that is not hex.
    #[error("the Widevine `license` of the JSON answer is not hex: {reason}")]
    Hex {
        /// What is wrong.
        reason: String,
    },
    /// Base64 text (FairPlay CKC or certificate) that does not decode.
    #[error("the {what} is not base64")]
    Base64 {
        /// `FairPlay CKC` or `FairPlay certificate`.
        what: &'static str,
    },
}

/// A body sorted into what it is, before anything is decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum Classified<'a> {
    /// A license-server error body.
    Error(ServerError),
    /// A JSON object without an error code.
    Json(Map<String, Value>),
    /// Anything that does not start with `{`: a license, a certificate, base64 text…
    Bytes(&'a [u8]),
}

/// Sorts a body (see the module docs). Never panics, whatever the bytes; linear time.
///
/// # Errors
/// [`ResponseError::InvalidJson`] for a body that starts with `{` and is not a JSON object;
/// [`ResponseError::Empty`] / [`ResponseError::Status`] for an empty success body or a non-2xx
/// status without an error body.
pub fn classify(status: u16, body: &[u8]) -> Result<Classified<'_>, ResponseError> {
    let success = (200..300).contains(&status);
    if starts_like_json_object(body) {
        let parsed = serde_json::from_slice::<Map<String, Value>>(body);
        match parsed {
            Ok(map) => {
                if let Some(code) = server_error::error_code_of(&map) {
                    return Ok(Classified::Error(ServerError::from_map(
                        status, code, &map, body,
                    )));
                }
                if success {
                    return Ok(Classified::Json(map));
                }
            }
            Err(e) if success => {
                return Err(ResponseError::InvalidJson {
                    reason: e.to_string(),
                });
            }
            Err(_) => {}
        }
    }
    if !success {
        return Err(ResponseError::Status {
            status,
            body: body.to_vec(),
        });
    }
    if body.is_empty() {
        return Err(ResponseError::Empty { status });
    }
    Ok(Classified::Bytes(body))
}

/// A license, in the form a player expects (`original`), with what a JSON answer added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    drm: Drm,
    body: Vec<u8>,
    details: Option<LicenseDetails>,
}

impl License {
    /// The DRM.
    pub fn drm(&self) -> Drm {
        self.drm
    }

    /// The `original`-format body, what a player hands its CDM: Widevine's binary license,
    /// PlayReady's SOAP answer, FairPlay's base64 CKC text, ClearKey's JWK Set…
    pub fn original_body(&self) -> &[u8] {
        &self.body
    }

    /// The `original`-format body, owned.
    pub fn into_original_body(self) -> Vec<u8> {
        self.body
    }

    /// The fields of a JSON answer (`device_info`, durations); `None` for an `original` answer.
    pub fn details(&self) -> Option<&LicenseDetails> {
        self.details.as_ref()
    }

    /// FairPlay: the CKC bytes (the base64 text trimmed and decoded).
    ///
    /// # Errors
    /// [`ResponseError::Base64`] when the text does not decode; for another DRM, the body is
    /// not base64 either.
    pub fn fairplay_ckc(&self) -> Result<Vec<u8>, ResponseError> {
        decode_base64(&self.body, "FairPlay CKC")
    }
}

/// Standard base64 with surrounding and embedded ASCII whitespace ignored.
fn decode_base64(text: &[u8], what: &'static str) -> Result<Vec<u8>, ResponseError> {
    let compact: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return Err(ResponseError::Base64 { what });
    }
    STANDARD
        .decode(&compact)
        .map_err(|_| ResponseError::Base64 { what })
}

fn decode_hex(text: &str) -> Result<Vec<u8>, ResponseError> {
    hex::decode(text.trim()).map_err(|e| ResponseError::Hex {
        reason: e.to_string(),
    })
}

/// The license of a JSON answer (`license` + details): Widevine's `license` is hex of the
/// binary license (either case); other DRMs' is the text `original` would carry.
fn from_json(drm: Drm, map: &Map<String, Value>) -> Result<License, ResponseError> {
    let Some(Value::String(license)) = map.get("license") else {
        return Err(ResponseError::NoLicense);
    };
    let body = match drm {
        Drm::Widevine => decode_hex(license)?,
        _ => license.as_bytes().to_vec(),
    };
    let out = License {
        drm,
        body,
        details: Some(LicenseDetails::from_map(map)),
    };
    if drm == Drm::FairPlay {
        out.fairplay_ckc()?;
    }
    Ok(out)
}

/// Reads a license answer for `drm`. `format` is the `response_format` the token asked for
/// (`custom` is the old name of `json`).
///
/// * an error body → [`ResponseError::Server`], whatever the status;
/// * a JSON object with a string `license` → that license (Widevine hex-decoded), with its
///   [`LicenseDetails`], also when `original` was asked for;
/// * for Widevine, PlayReady and FairPlay, any other JSON object → [`ResponseError::NoLicense`];
///   for ClearKey (a JWK Set is JSON), WisePlay and NCG it is the license itself;
/// * FairPlay `original`: base64 CKC text, checked to decode ([`License::fairplay_ckc`]).
///
/// # Errors
/// [`ResponseError`] as above and as for [`classify`].
pub fn read_license(
    drm: Drm,
    format: ResponseFormat,
    status: u16,
    body: &[u8],
) -> Result<License, ResponseError> {
    let original = |body: &[u8]| License {
        drm,
        body: body.to_vec(),
        details: None,
    };
    match classify(status, body)? {
        Classified::Error(e) => Err(ResponseError::Server(Box::new(e))),
        Classified::Json(map) => {
            let json_asked = format != ResponseFormat::Original;
            let has_license = matches!(map.get("license"), Some(Value::String(_)));
            match drm {
                Drm::Widevine | Drm::PlayReady | Drm::FairPlay => from_json(drm, &map),
                _ if has_license && json_asked => from_json(drm, &map),
                _ => Ok(original(body)),
            }
        }
        Classified::Bytes(bytes) => {
            let license = original(bytes);
            if drm == Drm::FairPlay {
                license.fairplay_ckc()?;
            }
            Ok(license)
        }
    }
}

/// The `json` → `original` conversion a proxy does when the upstream answers JSON and the
/// player wants the license (spec §7.2 rule 8): an error body stays an error (never decoded),
/// Widevine's hex `license` becomes bytes, other DRMs' `license` text is returned as is;
/// [`License::details`] keeps `device_info` for business logic.
///
/// # Errors
/// As [`read_license`].
pub fn json_to_original(drm: Drm, status: u16, body: &[u8]) -> Result<License, ResponseError> {
    read_license(drm, ResponseFormat::Json, status, body)
}

/// Which certificate an answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateForm {
    /// Base64 text (`fpsKeyManager.do`, NCP `/license/fairPlay`): decoded.
    Base64,
    /// Binary (`fpsCert.do` DER, `widevineCert.do`, the answer to `08 04`): as is.
    Binary,
}

/// Reads a certificate answer: an error body is an error; base64 text is decoded.
///
/// # Errors
/// [`ResponseError`] as for [`classify`]; [`ResponseError::Base64`] for base64 text that does
/// not decode; [`ResponseError::NoLicense`] for a JSON object without an error code.
pub fn read_certificate(
    form: CertificateForm,
    status: u16,
    body: &[u8],
) -> Result<Vec<u8>, ResponseError> {
    match classify(status, body)? {
        Classified::Error(e) => Err(ResponseError::Server(Box::new(e))),
        Classified::Json(_) => Err(ResponseError::NoLicense),
        Classified::Bytes(bytes) => match form {
            CertificateForm::Base64 => decode_base64(bytes, "FairPlay certificate"),
            CertificateForm::Binary => Ok(bytes.to_vec()),
        },
    }
}

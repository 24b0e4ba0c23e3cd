//! The emulator's own check of a `pallycon-customdata-v2` value, in the order of
//! `license.md` §7.3: base64 → JSON → legacy custom data → site → `drm_type` → hash → age →
//! policy. Written from the spec with `base64`, `serde_json`, `sha2`, `aes` and `cbc`; it shares
//! no code with `drm-token`, whose tokens it is there to check.

use aes::Aes256;
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::clock::parse_timestamp;
use super::codes::LicenseErrorCode as E;
use super::site::LicenseSite;

/// Standard alphabet, padding optional (a token whose `=` got lost in a URL still decodes).
const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The fixed IV of the policy (and legacy custom data) encryption.
const POLICY_IV: &[u8; 16] = b"0123456789abcdef";

/// The DRM a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenDrm {
    /// `PlayReady`.
    PlayReady,
    /// `Widevine`.
    Widevine,
    /// `FairPlay`.
    FairPlay,
    /// `NCG`.
    Ncg,
    /// `Wiseplay`.
    WisePlay,
}

impl TokenDrm {
    const ALL: [Self; 5] = [
        Self::PlayReady,
        Self::Widevine,
        Self::FairPlay,
        Self::Ncg,
        Self::WisePlay,
    ];

    /// The canonical spelling the official samples send.
    pub fn canonical(self) -> &'static str {
        match self {
            Self::PlayReady => "PlayReady",
            Self::Widevine => "Widevine",
            Self::FairPlay => "FairPlay",
            Self::Ncg => "NCG",
            Self::WisePlay => "Wiseplay",
        }
    }

    /// Any casing of a DRM name (`widevine`, `WIDEVINE`, `WisePlay`…).
    pub fn from_any_case(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|drm| drm.canonical().eq_ignore_ascii_case(text))
    }
}

/// What the token asks the answer to look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseShape {
    /// The DRM's own license bytes (`original`, the default).
    Original,
    /// The JSON document of `license.md` §3.2 (`json`, or its older name `custom`).
    Json,
}

/// A token that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct CheckedToken {
    pub(crate) drm: TokenDrm,
    pub(crate) site_id: String,
    pub(crate) user_id: String,
    pub(crate) cid: String,
    pub(crate) shape: ResponseShape,
    pub(crate) policy: Map<String, Value>,
}

/// What the check needs from the emulator.
pub(crate) struct CheckContext<'a> {
    /// Finds a site by id.
    pub(crate) site: &'a dyn Fn(&str) -> Option<LicenseSite>,
    /// Now, Unix seconds.
    pub(crate) now: i64,
    /// Allowed clock difference on both ends of the validity window, seconds.
    pub(crate) skew_secs: u64,
}

/// Checks one token value (as found in a header, the URL or `CustomData`).
pub(crate) fn check(value: &str, ctx: &CheckContext<'_>) -> Result<CheckedToken, E> {
    let compact: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = LENIENT_B64.decode(compact).map_err(|_| E::TokenParse)?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|_| E::InvalidJson)?;
    let Value::Object(object) = json else {
        return Err(E::InvalidJson);
    };
    if is_legacy_custom_data(&object) {
        return Err(check_legacy(&object, ctx));
    }
    let fields = Fields::read(&object)?;
    let site = find_site(fields.site_id, ctx)?;
    let drm = TokenDrm::from_any_case(fields.drm_type).ok_or(E::InvalidDrmType)?;
    check_hash(&fields, drm, &site)?;
    check_age(fields.timestamp, &site, ctx)?;
    let policy = decrypt_policy(fields.policy, &site)?;
    Ok(CheckedToken {
        drm,
        site_id: fields.site_id.to_owned(),
        user_id: fields.user_id.to_owned(),
        cid: fields.cid.to_owned(),
        shape: fields.shape,
        policy,
    })
}

/// The token fields, borrowed from the JSON.
struct Fields<'a> {
    drm_type: &'a str,
    site_id: &'a str,
    user_id: &'a str,
    cid: &'a str,
    policy: &'a str,
    timestamp: &'a str,
    hash: &'a str,
    shape: ResponseShape,
}

impl<'a> Fields<'a> {
    /// Every hashed field must be a string (`policy` may be called `token`, its v1 name), the
    /// timestamp well-formed, `response_format` known and `key_rotation` a boolean: else 7013.
    fn read(object: &'a Map<String, Value>) -> Result<Self, E> {
        let text = |name: &str| object.get(name).and_then(Value::as_str);
        let required = |name: &str| text(name).ok_or(E::InvalidJson);
        let policy = text("policy")
            .or_else(|| text("token"))
            .ok_or(E::InvalidJson)?;
        let timestamp = required("timestamp")?;
        parse_timestamp(timestamp).ok_or(E::InvalidJson)?;
        let shape = match object.get("response_format") {
            None | Some(Value::Null) => ResponseShape::Original,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("original") => ResponseShape::Original,
            Some(Value::String(s))
                if s.eq_ignore_ascii_case("json") || s.eq_ignore_ascii_case("custom") =>
            {
                ResponseShape::Json
            }
            Some(_) => return Err(E::InvalidJson),
        };
        if !matches!(
            object.get("key_rotation"),
            None | Some(Value::Null | Value::Bool(_))
        ) {
            return Err(E::InvalidJson);
        }
        Ok(Self {
            drm_type: required("drm_type")?,
            site_id: required("site_id")?,
            user_id: required("user_id")?,
            cid: required("cid")?,
            policy,
            timestamp,
            hash: required("hash")?,
            shape,
        })
    }
}

fn find_site(site_id: &str, ctx: &CheckContext<'_>) -> Result<LicenseSite, E> {
    let site = (ctx.site)(site_id).ok_or(E::SiteNotFound)?;
    if site.stopped {
        return Err(E::SiteStopped);
    }
    Ok(site)
}

/// base64(SHA-256(access key ‖ drm_type ‖ site_id ‖ user_id ‖ cid ‖ policy ‖ timestamp)),
/// first with the token's literal `drm_type`, then with the canonical casing.
fn check_hash(fields: &Fields<'_>, drm: TokenDrm, site: &LicenseSite) -> Result<(), E> {
    let expected = |drm_type: &str| {
        let mut sha = Sha256::new();
        for part in [
            site.access_key.expose_secret(),
            drm_type,
            fields.site_id,
            fields.user_id,
            fields.cid,
            fields.policy,
            fields.timestamp,
        ] {
            sha.update(part.as_bytes());
        }
        base64::engine::general_purpose::STANDARD.encode(sha.finalize())
    };
    let matches =
        |drm_type: &str| constant_time_eq(expected(drm_type).as_bytes(), fields.hash.as_bytes());
    if matches(fields.drm_type) || matches(drm.canonical()) {
        Ok(())
    } else {
        Err(E::HashMismatch)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 7011 when `now < timestamp - skew` or `now - timestamp > duration + skew`.
fn check_age(timestamp: &str, site: &LicenseSite, ctx: &CheckContext<'_>) -> Result<(), E> {
    let issued = parse_timestamp(timestamp).ok_or(E::InvalidJson)?;
    let skew = i64::try_from(ctx.skew_secs).unwrap_or(i64::MAX);
    let duration = i64::try_from(site.token_duration_secs).unwrap_or(i64::MAX);
    let age = ctx.now.saturating_sub(issued);
    if age < -skew || age > duration.saturating_add(skew) {
        return Err(E::TokenExpired);
    }
    Ok(())
}

/// AES-256-CBC-decrypts base64 text with the site key and the fixed IV.
fn decrypt(b64: &str, site: &LicenseSite) -> Option<Vec<u8>> {
    let cipher = LENIENT_B64.decode(b64).ok()?;
    let key = site.aes_key()?;
    cbc::Decryptor::<Aes256>::new(&key.into(), POLICY_IV.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&cipher)
        .ok()
}

/// The policy as a JSON object: 7016 if it does not decrypt, 7013 if it is not JSON.
fn decrypt_policy(policy: &str, site: &LicenseSite) -> Result<Map<String, Value>, E> {
    let plain = decrypt(policy, site).ok_or(E::InvalidToken)?;
    match serde_json::from_slice(&plain) {
        Ok(Value::Object(object)) => Ok(object),
        _ => Err(E::InvalidJson),
    }
}

/// Pre-token "PallyCon Custom Data" (`{"drm_type","site_id","data"}`): no hash, no policy.
fn is_legacy_custom_data(object: &Map<String, Value>) -> bool {
    object.contains_key("data")
        && !["hash", "policy", "token", "timestamp"]
            .iter()
            .any(|k| object.contains_key(*k))
}

/// Legacy custom data: 7007 for a bad shape, 1003/1004 for the site, 7008 if `data` does not
/// decrypt to JSON; decrypted data would go to the site's callback page, which the emulator does
/// not have: 8701.
fn check_legacy(object: &Map<String, Value>, ctx: &CheckContext<'_>) -> E {
    let text = |name: &str| object.get(name).and_then(Value::as_str);
    let (Some(site_id), Some(_), Some(data)) = (text("site_id"), text("drm_type"), text("data"))
    else {
        return E::CustomDataParse;
    };
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if LENIENT_B64.decode(&compact).is_err() {
        return E::CustomDataParse;
    }
    let site = match find_site(site_id, ctx) {
        Ok(site) => site,
        Err(e) => return e,
    };
    match decrypt(&compact, &site).map(|plain| serde_json::from_slice::<Value>(&plain)) {
        Some(Ok(Value::Object(_))) => E::CallbackUnreachable,
        _ => E::CustomDataDecrypt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drm_names_in_any_case() {
        assert_eq!(
            TokenDrm::from_any_case("widevine"),
            Some(TokenDrm::Widevine)
        );
        assert_eq!(
            TokenDrm::from_any_case("WISEPLAY"),
            Some(TokenDrm::WisePlay)
        );
        assert_eq!(TokenDrm::from_any_case("ncg"), Some(TokenDrm::Ncg));
        assert_eq!(TokenDrm::from_any_case("ClearKey"), None);
    }

    #[test]
    fn garbage_never_panics() {
        let ctx = CheckContext {
            site: &|_| Some(LicenseSite::default()),
            now: 0,
            skew_secs: 0,
        };
        for value in ["", "%%%", "e30=", "W10=", "bnVsbA==", "eyJkYXRhIjoxfQ=="] {
            assert!(check(value, &ctx).is_err(), "{value}");
        }
    }
}

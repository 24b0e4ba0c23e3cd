//! The license server's error codes (spec `license.md` §4.1): what DoveRunner's license server
//! puts in `errorCode` of its HTTP 200 JSON error body, e.g. `{"errorCode":"7011","message":"Token
//! is expired."}`.
//!
//! **A different namespace from [`ErrorCode`](crate::ErrorCode).** The token samples' client-side
//! codes 1000–1062 (and 2001) reuse numbers that mean something else here: token-client `1003` is
//! "access_key is missing", license-server `1003` is "Cannot find the Site ID."; `2001` is the
//! sample's JSON parser error there and "DB connection failed." here. The two types do not convert
//! into each other; never compare or mix their numbers.
//!
//! The table is the last one DoveRunner published (2020, 67 codes). The live server has gained
//! features since and returns codes not listed here, so [`ServerCode`] is open: any number is
//! representable, and [`ServerCode::message`] is `None` for one the table does not know.

use std::fmt;

/// A license-server error code, e.g. [`ServerCode::TOKEN_EXPIRED`] (`7011`).
///
/// The field is private: build one with [`ServerCode::new`] or [`ServerCode::parse`] (open: a code
/// the table does not know is kept as is), or use a named constant.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServerCode(u32);

impl ServerCode {
    /// The code for a number, known or not.
    pub const fn new(code: u32) -> Self {
        Self(code)
    }

    /// The number, e.g. `7011`.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Reads a code as the server writes it in `errorCode`: decimal digits, optionally surrounded
    /// by whitespace (`"7011"`, `" 7011 "`). `None` for anything else (empty, signs, letters,
    /// more than 9 digits).
    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.trim();
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Self)
    }

    /// `true` when the code is in the published table.
    pub fn is_known(self) -> bool {
        self.entry().is_some()
    }

    /// The name of the constant, e.g. `"TOKEN_EXPIRED"`; `None` for an unknown code.
    pub fn name(self) -> Option<&'static str> {
        self.entry().map(|e| e.name)
    }

    /// The official English message exactly as published (including the table's own grammar and
    /// missing periods), e.g. `"Token is expired."`; `None` for an unknown code.
    pub fn message(self) -> Option<&'static str> {
        self.entry().map(|e| e.message)
    }

    /// What to do about it, for the codes integrators commonly meet; `None` otherwise.
    pub fn remedy(self) -> Option<&'static str> {
        self.entry().and_then(|e| e.remedy)
    }

    /// `true` for codes that (by our reading of their messages) only arise with the deprecated
    /// callback integration: callback page, nonce, callback XML, Content Usage Info URL, package
    /// info. A token or token-proxy integration does not produce them.
    pub fn is_callback_only(self) -> bool {
        self.entry().is_some_and(|e| e.callback_only)
    }

    /// Every code of the published table, in ascending order.
    pub fn all() -> &'static [ServerCode] {
        ALL
    }

    fn entry(self) -> Option<&'static Entry> {
        ENTRIES
            .binary_search_by_key(&self.0, |e| e.code.0)
            .ok()
            .map(|i| &ENTRIES[i])
    }
}

impl fmt::Display for ServerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for ServerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "ServerCode({} {name})", self.0),
            None => write!(f, "ServerCode({})", self.0),
        }
    }
}

impl From<ServerCode> for u32 {
    fn from(code: ServerCode) -> u32 {
        code.0
    }
}

impl serde::Serialize for ServerCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

/// One row of the table.
struct Entry {
    code: ServerCode,
    name: &'static str,
    message: &'static str,
    remedy: Option<&'static str>,
    callback_only: bool,
}

/// One table, in ascending code order, generates the constants, `ENTRIES` (the lookup) and `ALL`.
/// Row: `NAME = code, any|callback, "official message"[, "remedy"];`
macro_rules! server_codes {
    ($($name:ident = $value:literal, $scope:ident, $message:literal $(, $remedy:literal)?;)*) => {
        impl ServerCode {
            $(
                #[doc = concat!("`", stringify!($value), "`: ", $message)]
                pub const $name: ServerCode = ServerCode($value);
            )*
        }

        const ENTRIES: &[Entry] = &[
            $(Entry {
                code: ServerCode::$name,
                name: stringify!($name),
                message: $message,
                remedy: server_codes!(@remedy $($remedy)?),
                callback_only: server_codes!(@callback $scope),
            },)*
        ];

        const ALL: &[ServerCode] = &[$(ServerCode::$name,)*];
    };
    (@remedy $remedy:literal) => { Some($remedy) };
    (@remedy) => { None };
    (@callback any) => { false };
    (@callback callback) => { true };
}

server_codes! {
    TRIAL_LIMIT_EXCEEDED = 1002, any, "Trial plan’s license limit or user limit exceeded.",
        "The trial site reached its license or user limit: move the site to a paid plan in the DoveRunner Console, or remove test users.";
    SITE_NOT_FOUND = 1003, any, "Cannot find the Site ID.",
        "The token's `site_id` is not a site of this license server: copy the Site ID from the DoveRunner Console and check that the request goes to the license host of that account.";
    SITE_SERVICE_STOPPED = 1004, any, "The Site ID's service is stopped.",
        "The site's service is stopped: check the subscription of the site in the DoveRunner Console or ask DoveRunner support.";
    TRIAL_PERIOD_ENDED = 1005, any, "Trial plan period ended.",
        "The trial period is over: move the site to a paid plan in the DoveRunner Console.";
    SITE_KEY_DECRYPT_FAILED = 1006, any, "Failed to decrypt SITE KEY.",
        "The server could not decrypt the site's stored key (server side): contact DoveRunner support with the time of the request.";
    DB_CONNECTION_FAILED = 2001, any, "DB connection failed.",
        "Server-side failure: retry later; if it persists, contact DoveRunner support with the time of the request.";
    DB_ISSUANCE_RECORD_FAILED = 2701, any, "Failed to write license issuance record on DB.",
        "Server-side failure: retry later; if it persists, contact DoveRunner support with the time of the request.";
    DB_FAILURE_RECORD_FAILED = 2702, any, "Failed to write unsuccessful license record on DB.",
        "Server-side failure: retry later; if it persists, contact DoveRunner support with the time of the request.";
    PACKAGE_INFO_NOT_FOUND = 7001, callback, "Cannot find package info.";
    USAGE_INFO_URL_DATA_FAILED = 7002, callback, "Failed to create data for Content Usage Info URL.";
    KEY_DECRYPT_FAILED = 7006, any, "Failed to decrypt KEY on license request.";
    CUSTOMDATA_PARSE_FAILED = 7007, any, "Failed to parse pallycon-customdata.",
        "Legacy PallyCon Custom Data could not be parsed: send a license token (`pallycon-customdata-v2`) instead.";
    CUSTOMDATA_DECRYPT_FAILED = 7008, any, "Failed to decrypt pallycon-customdata.",
        "Legacy PallyCon Custom Data did not decrypt: check the site key and IV, or send a license token instead.";
    TOKEN_PARSE_FAILED = 7009, any, "Failed to parse token.",
        "The token is not base64 of a JSON object: send it exactly as minted, in the `pallycon-customdata-v2` header (in a URL, `+` becomes a space unless percent-encoded).";
    TOKEN_NOT_FOUND = 7010, any, "Cannot find token data.",
        "No token reached the server: send it in the `pallycon-customdata-v2` header and check that no proxy or CORS setting drops that header.";
    TOKEN_EXPIRED = 7011, any, "Token is expired.",
        "The token is older than the site's token duration (600 s unless changed in the Console) or its timestamp is in the future: mint a fresh token right before every license request, with a UTC timestamp from a synchronised clock (`multidrm token inspect` shows its age).";
    CID_MISMATCH = 7012, any, "Does not match with token's CID.",
        "The token's `cid` is not the content ID the content was packaged with: use the same content ID as in the packager's key request.";
    TOKEN_INVALID_JSON = 7013, any, "Invalid JSON data in token.",
        "The token or its decrypted policy is not valid JSON: mint it with an official-format token library and encrypt the policy with the site key.";
    TOKEN_INVALID = 7016, any, "Invalid token.",
        "The token was rejected, usually because the policy does not decrypt with the site's key: check the site key (`multidrm token inspect --site-key`).";
    TOKEN_HISTORY_SAVE_FAILED = 7017, any, "Failed to save token use history.",
        "Server-side failure: retry later; if it persists, contact DoveRunner support with the time of the request.";
    INVALID_DRM_TYPE = 7018, any, "Invalid DRM type in token.",
        "`drm_type` must be one of PlayReady, Widevine, FairPlay, NCG, Wiseplay and match the DRM of the request.";
    HASH_MISMATCH = 7019, any, "The hash values do not match.",
        "The hash was computed over different values: use the site's access key (not the site key) and the exact `drm_type`, `site_id`, `user_id`, `cid`, policy and `timestamp` strings of the token (`multidrm token inspect --access-key` recomputes it).";
    NOT_NCG_DRM_TYPE = 7021, any, "The value of Drm type of not NCG.",
        "An NCG request carried a token whose `drm_type` is not NCG: mint an NCG token for NCG SDK requests.";
    WIDEVINE_REQUEST_DATA_FAILED = 7101, any, "Failed to create Widevine license request data.";
    WIDEVINE_LICENSE_FAILED = 7102, any, "Failed to create Widevine license.";
    WIDEVINE_SERVER_COMMUNICATION_FAILED = 7103, any, "Failed to communicate with Widevine license server.",
        "The server could not reach Widevine's license service: retry later.";
    WIDEVINE_SERVICE_MISSING = 7104, any, "This Site ID does not have Widevine service.",
        "The site has no Widevine service: enable Widevine for the site in the DoveRunner Console.";
    WIDEVINE_DEVICE_ID_MISSING = 7105, any, "Cannot find Widevine Device ID.";
    WIDEVINE_SERVICE_CERT_FAILED = 7106, any, "Failed to get Widevine service cert.";
    WIDEVINE_INVALID_CHALLENGE = 7107, any, "Invalid Widevine license challenge data.",
        "The body is not a Widevine challenge: POST the CDM's message byte for byte (no base64 or JSON wrapping).";
    WIDEVINE_DEVICE_REVOKED = 7110, any, "DRM device certificate revoked from Widevine DRM Proxy (Widevine Proxy internal_status : 127)",
        "Google revoked this device's DRM certificate: the device cannot get licenses unless the policy sets `widevine.override_device_revocation`.";
    WIDEVINE_PROXY_RESPONSE_PARSE_FAILED = 7111, any, "Widevine proxy response parsing fail";
    WIDEVINE_INVALID_PSSH = 7112, any, "Widevine proxy response : invalid widevine pssh data (Widevine Proxy internal_status : 152)",
        "The Widevine PSSH in the challenge is invalid: check the PSSH the packager wrote into the content.";
    WIDEVINE_SERVER_CERT_FILE_FAILED = 7113, any, "Failed to get Widevine server certificate file.";
    PLAYREADY_LICENSE_FAILED = 7201, any, "Failed to create PlayReady license.";
    PLAYREADY_SERVER_COMMUNICATION_FAILED = 7202, any, "Failed to communicate with PlayReady license server.",
        "The server could not reach PlayReady's license service: retry later.";
    PLAYREADY_REQUEST_CREATE_FAILED = 7203, any, "Failed to create request data for PlayReady license.";
    PLAYREADY_REQUEST_READ_FAILED = 7204, any, "Failed to read request data for PlayReady license.";
    PLAYREADY_REQUEST_PARSE_FAILED = 7205, any, "Failed to parse PlayReady request data.",
        "The body is not a PlayReady challenge: POST the SOAP AcquireLicense XML unwrapped from the key message.";
    PLAYREADY_CUSTOMDATA_MISSING = 7206, any, "No PlayReady Customdata in request.",
        "PlayReady request without a token: send it in the `pallycon-customdata-v2` header or in the challenge's SOAP `CustomData` element.";
    FAIRPLAY_SERVICE_CERT_DECRYPT_FAILED = 7300, any, "Failed to decrypt FairPlay Streaming service cert.";
    FAIRPLAY_SERVICE_MISSING = 7301, any, "This Site ID does not have FairPlay Streaming service.",
        "The site has no FairPlay Streaming service: register the FPS certificate and private key for the site in the DoveRunner Console.";
    FAIRPLAY_PRIVATE_KEY_MISSING = 7302, any, "Cannot find private key for FairPlay Streaming.";
    FAIRPLAY_INVALID_KEY = 7303, any, "Invalid FairPlay Streaming key for the Site ID.",
        "The FairPlay credentials registered for the site are invalid: upload the FPS certificate, private key and ASK again.";
    FAIRPLAY_LICENSE_FAILED = 7304, any, "Failed to create FairPlay Streaming license.";
    FAIRPLAY_SPC_MISSING = 7305, any, "FairPlay Streaming SPC value is Null.",
        "The FairPlay request has no SPC: POST `spc=` + percent-encoded base64 of the SPC as `application/x-www-form-urlencoded`.";
    FAIRPLAY_DEVICE_ID_MISSING = 7306, any, "FairPlay Streaming Device ID is Null.";
    FAIRPLAY_INVALID_ASSET_ID = 7308, any, "FairPlay assetId is invalid.",
        "The FairPlay asset id is invalid: check the `skd://` URI the packager wrote and the content ID sent with the SPC.";
    FAIRPLAY_SERVER_CERT_FILE_FAILED = 7315, any, "Failed to get FPS server certificate file.";
    FAIRPLAY_SPC_RSA_DECRYPT_FAILED = 7316, any, "Failed to decrypt Spc with RSA.",
        "The SPC did not decrypt: build it with this site's FairPlay certificate (`fpsKeyManager.do`) and send it unmodified (percent-encode `+`).";
    FAIRPLAY_INVALID_SPC = 7317, any, "FairPlay Spc data is invalid.",
        "The SPC is invalid: send the SPC bytes unmodified, as percent-encoded base64 (`+` read as a space breaks it).";
    CALLBACK_CUSTOM_ERROR = 8002, callback, "Custom Error. Contains error code and message returned from callback page for user authentication. (JSON format) {\"ERROR\":\"custom error code\", \"MESSAGE\":\"custom error message\"}",
        "The callback page of the legacy callback integration returned an error: its own code and message are the `ERROR` and `MESSAGE` of the JSON text in `message`.";
    CALLBACK_INVALID_NONCE = 8004, callback, "Invalid nonce value.";
    CALLBACK_INVALID_XML = 8006, callback, "Invalid XML data from callback page.";
    USAGE_INFO_URL_ACCESS_FAILED = 8701, callback, "Failed to access Content Usage Info URL.";
    USAGE_INFO_URL_INVALID = 8705, callback, "Invalid URL for Content Usage Info.";
    USAGE_INFO_DECRYPT_FAILED = 8706, callback, "Failed to decrypt data from Content Usage Info URL.";
    PLAYBACK_PERIOD_INVALID = 8707, callback, "Invalid start or end datetime for playback period.";
    PLAYBACK_PERIOD_FORMAT_INVALID = 8708, callback, "Invalid datetime format for playback period.";
    PLAYBACK_PERIOD_START_AFTER_END = 8709, callback, "Start of playback period should be earlier than end of the period.";
    PLAYBACK_PERIOD_NOT_STARTED = 8710, callback, "Start of playback period has not come yet.";
    PLAYBACK_PERIOD_OVER = 8711, callback, "Playback period is over.";
    CALLBACK_INVALID_HDCP = 8712, callback, "Invalid HDCP setting.";
    CALLBACK_INVALID_CGMS_A = 8715, callback, "Invalid CGMS-A setting.";
    CALLBACK_INVALID_APS = 8716, callback, "Invalid APS setting.";
    MISSING_REQUEST_PARAMETER = 9001, any, "Missing request parameter.",
        "A request parameter is missing (for example `siteId` on a certificate request).";
    UNSUPPORTED_MODE = 9999, any, "Unsupported mode.",
        "The `mode` query parameter is not supported: only `mode=getserverinfo` (NCG) is known.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_sorted_and_unique() {
        assert_eq!(ALL.len(), 67);
        assert!(ENTRIES.windows(2).all(|w| w[0].code < w[1].code));
        for (entry, code) in ENTRIES.iter().zip(ALL) {
            assert_eq!(entry.code, *code);
            assert_eq!(code.name(), Some(entry.name));
            assert!(!entry.message.is_empty());
            assert!(code.is_known());
        }
    }

    #[test]
    fn callback_only_codes_are_the_callback_ones() {
        let callback: Vec<u32> = ALL
            .iter()
            .filter(|c| c.is_callback_only())
            .map(|c| c.get())
            .collect();
        assert_eq!(
            callback,
            [
                7001, 7002, 8002, 8004, 8006, 8701, 8705, 8706, 8707, 8708, 8709, 8710, 8711, 8712,
                8715, 8716
            ]
        );
    }

    #[test]
    fn the_common_codes_say_what_to_do() {
        for code in [
            7011, 7019, 7012, 7018, 7010, 7009, 7013, 7016, 1003, 1004, 7305, 7021, 8002, 9999,
        ] {
            let code = ServerCode::new(code);
            assert!(code.remedy().is_some_and(|r| r.len() > 20), "{code}");
        }
    }

    #[test]
    fn messages_are_verbatim() {
        assert_eq!(
            ServerCode::TOKEN_EXPIRED.message(),
            Some("Token is expired.")
        );
        assert_eq!(
            ServerCode::HASH_MISMATCH.message(),
            Some("The hash values do not match.")
        );
        assert_eq!(
            ServerCode::NOT_NCG_DRM_TYPE.message(),
            Some("The value of Drm type of not NCG.")
        );
        assert_eq!(
            ServerCode::TRIAL_LIMIT_EXCEEDED.message(),
            Some("Trial plan\u{2019}s license limit or user limit exceeded.")
        );
        assert_eq!(
            ServerCode::WIDEVINE_PROXY_RESPONSE_PARSE_FAILED.message(),
            Some("Widevine proxy response parsing fail")
        );
    }

    #[test]
    fn unknown_codes_are_representable() {
        let code = ServerCode::new(7400);
        assert!(!code.is_known());
        assert_eq!(code.message(), None);
        assert_eq!(code.remedy(), None);
        assert!(!code.is_callback_only());
        assert_eq!(code.to_string(), "7400");
        assert_eq!(format!("{code:?}"), "ServerCode(7400)");
        assert_eq!(
            format!("{:?}", ServerCode::TOKEN_EXPIRED),
            "ServerCode(7011 TOKEN_EXPIRED)"
        );
    }

    #[test]
    fn parse_reads_digits_only() {
        assert_eq!(ServerCode::parse("7011"), Some(ServerCode::TOKEN_EXPIRED));
        assert_eq!(
            ServerCode::parse(" 7019\n"),
            Some(ServerCode::HASH_MISMATCH)
        );
        assert_eq!(ServerCode::parse("99999"), Some(ServerCode::new(99_999)));
        for bad in ["", " ", "+7011", "-1", "7011a", "error code", "1234567890"] {
            assert_eq!(ServerCode::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn token_client_codes_are_another_namespace() {
        // Same number, different meaning: the two tables must never be merged.
        assert_eq!(crate::codes::ACCESS_KEY_REQUIRED.get(), 1003);
        assert_eq!(ServerCode::SITE_NOT_FOUND.get(), 1003);
        assert_eq!(
            ServerCode::SITE_NOT_FOUND.message(),
            Some("Cannot find the Site ID.")
        );
    }
}

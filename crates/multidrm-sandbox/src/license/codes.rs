//! The license-server error codes this emulator answers with, and their messages exactly as the
//! published table has them (`license.md` §4.1). The emulator keeps its own copy of the table
//! so that a typo in a client's copy shows up in tests.

use serde_json::{Value, json};

/// A license-server error the emulator can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LicenseErrorCode {
    /// `1003`: the token's `site_id` (or the `siteId` parameter) names no site.
    SiteNotFound,
    /// `1004`: the site exists but its service is stopped.
    SiteStopped,
    /// `7001`: ClearKey for a content id whose keys the KMS never issued.
    PackageNotFound,
    /// `7007`: legacy custom data that cannot be parsed.
    CustomDataParse,
    /// `7008`: legacy custom data that cannot be decrypted.
    CustomDataDecrypt,
    /// `7009`: the token is not base64.
    TokenParse,
    /// `7010`: no token anywhere in the request.
    TokenNotFound,
    /// `7011`: token older than the site's token duration, or timestamped in the future.
    TokenExpired,
    /// `7012`: the token's `cid` differs from the content the request asks for.
    CidMismatch,
    /// `7013`: the token (or its decrypted policy) is not valid JSON of the expected shape.
    InvalidJson,
    /// `7016`: the policy cannot be decrypted (wrong site key, not base64).
    InvalidToken,
    /// `7018`: `drm_type` is not a known DRM.
    InvalidDrmType,
    /// `7019`: the hash does not match.
    HashMismatch,
    /// `7021`: an NCG request with a token for another DRM.
    NotNcg,
    /// `7107`: an empty Widevine challenge.
    WidevineChallenge,
    /// `7204`: an empty PlayReady challenge.
    PlayReadyRead,
    /// `7205`: a PlayReady challenge that is not XML.
    PlayReadyParse,
    /// `7206`: a PlayReady challenge with no token in the header, URL or `CustomData`.
    NoPlayReadyCustomData,
    /// `7305`: a FairPlay request without an SPC.
    SpcMissing,
    /// `7317`: a FairPlay SPC that is not base64.
    SpcInvalid,
    /// `8701`: valid legacy callback custom data: the emulator has no callback page to call.
    CallbackUnreachable,
    /// `9001`: a required parameter (`siteId`, `cid`, the request body) is missing.
    MissingParameter,
    /// `9999`: an unsupported `mode=`.
    UnsupportedMode,
}

impl LicenseErrorCode {
    /// Every code the emulator can produce.
    pub const ALL: [Self; 23] = [
        Self::SiteNotFound,
        Self::SiteStopped,
        Self::PackageNotFound,
        Self::CustomDataParse,
        Self::CustomDataDecrypt,
        Self::TokenParse,
        Self::TokenNotFound,
        Self::TokenExpired,
        Self::CidMismatch,
        Self::InvalidJson,
        Self::InvalidToken,
        Self::InvalidDrmType,
        Self::HashMismatch,
        Self::NotNcg,
        Self::WidevineChallenge,
        Self::PlayReadyRead,
        Self::PlayReadyParse,
        Self::NoPlayReadyCustomData,
        Self::SpcMissing,
        Self::SpcInvalid,
        Self::CallbackUnreachable,
        Self::MissingParameter,
        Self::UnsupportedMode,
    ];

    /// The numeric code, e.g. `7011`.
    pub fn code(self) -> u16 {
        match self {
            Self::SiteNotFound => 1003,
            Self::SiteStopped => 1004,
            Self::PackageNotFound => 7001,
            Self::CustomDataParse => 7007,
            Self::CustomDataDecrypt => 7008,
            Self::TokenParse => 7009,
            Self::TokenNotFound => 7010,
            Self::TokenExpired => 7011,
            Self::CidMismatch => 7012,
            Self::InvalidJson => 7013,
            Self::InvalidToken => 7016,
            Self::InvalidDrmType => 7018,
            Self::HashMismatch => 7019,
            Self::NotNcg => 7021,
            Self::WidevineChallenge => 7107,
            Self::PlayReadyRead => 7204,
            Self::PlayReadyParse => 7205,
            Self::NoPlayReadyCustomData => 7206,
            Self::SpcMissing => 7305,
            Self::SpcInvalid => 7317,
            Self::CallbackUnreachable => 8701,
            Self::MissingParameter => 9001,
            Self::UnsupportedMode => 9999,
        }
    }

    /// The message, exactly as in the published table.
    pub fn message(self) -> &'static str {
        match self {
            Self::SiteNotFound => "Cannot find the Site ID.",
            Self::SiteStopped => "The Site ID's service is stopped.",
            Self::PackageNotFound => "Cannot find package info.",
            Self::CustomDataParse => "Failed to parse pallycon-customdata.",
            Self::CustomDataDecrypt => "Failed to decrypt pallycon-customdata.",
            Self::TokenParse => "Failed to parse token.",
            Self::TokenNotFound => "Cannot find token data.",
            Self::TokenExpired => "Token is expired.",
            Self::CidMismatch => "Does not match with token's CID.",
            Self::InvalidJson => "Invalid JSON data in token.",
            Self::InvalidToken => "Invalid token.",
            Self::InvalidDrmType => "Invalid DRM type in token.",
            Self::HashMismatch => "The hash values do not match.",
            Self::NotNcg => "The value of Drm type of not NCG.",
            Self::WidevineChallenge => "Invalid Widevine license challenge data.",
            Self::PlayReadyRead => "Failed to read request data for PlayReady license.",
            Self::PlayReadyParse => "Failed to parse PlayReady request data.",
            Self::NoPlayReadyCustomData => "No PlayReady Customdata in request.",
            Self::SpcMissing => "FairPlay Streaming SPC value is Null.",
            Self::SpcInvalid => "FairPlay Spc data is invalid.",
            Self::CallbackUnreachable => "Failed to access Content Usage Info URL.",
            Self::MissingParameter => "Missing request parameter.",
            Self::UnsupportedMode => "Unsupported mode.",
        }
    }

    /// The error body: `{"errorCode":"7011","message":"Token is expired."}`, or with a JSON
    /// number when `numeric` is set.
    pub fn body(self, numeric: bool) -> Value {
        if numeric {
            json!({"errorCode": self.code(), "message": self.message()})
        } else {
            json!({"errorCode": self.code().to_string(), "message": self.message()})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_bodies_have_both_shapes() {
        let mut seen = std::collections::BTreeSet::new();
        for code in LicenseErrorCode::ALL {
            assert!(seen.insert(code.code()), "{code:?}");
        }
        let body = LicenseErrorCode::TokenExpired.body(false);
        assert_eq!(
            body,
            json!({"errorCode": "7011", "message": "Token is expired."})
        );
        let body = LicenseErrorCode::TokenExpired.body(true);
        assert_eq!(body["errorCode"], 7011);
    }
}

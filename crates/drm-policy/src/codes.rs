//! The official DoveRunner token-sample error codes (spec `token.md` §6), as used by the
//! newest official sample (Python v3), plus `2001` (the Java sample's "json parser error") for a
//! policy document that is not JSON or has a key no policy object defines.

/// An official error code, e.g. [`PERSISTENT`] (`1009`, "persistent should be Boolean").
///
/// The number is private: every code is one of the named constants of this module, so a code
/// that no table defines cannot be made up at a call site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(u16);

impl ErrorCode {
    /// The number, e.g. `1009`.
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $value:literal;)*) => {
        $($(#[$doc])* pub const $name: ErrorCode = ErrorCode($value);)*

        const ALL_CODES: [ErrorCode; [$($value),*].len()] = [$($name),*];

        impl ErrorCode {
            /// The constant's name, e.g. `"PERSISTENT"` for 1009.
            pub fn name(self) -> &'static str {
                match self.0 {
                    $($value => stringify!($name),)*
                    _ => "UNKNOWN",
                }
            }
        }
    };
}

codes! {
    /// `user_id` is missing.
    USER_ID_REQUIRED = 1000;
    /// `cid` is missing.
    CID_REQUIRED = 1001;
    /// `site_id` is missing.
    SITE_ID_REQUIRED = 1002;
    /// `access_key` is missing.
    ACCESS_KEY_REQUIRED = 1003;
    /// `site_key` is missing (or, stricter than the sample, not exactly 32 bytes).
    SITE_KEY_REQUIRED = 1004;
    /// The policy is missing.
    POLICY_REQUIRED = 1005;
    /// `playback_policy` is not an object.
    PLAYBACK_POLICY = 1006;
    /// `security_policy` is not a list of objects.
    SECURITY_POLICY = 1007;
    /// `external_key` is not an object.
    EXTERNAL_KEY = 1008;
    /// `persistent` is not a boolean.
    PERSISTENT = 1009;
    /// `license_duration` is not an integer in range.
    LICENSE_DURATION = 1010;
    /// `expire_date` is not `YYYY-MM-DDTHH:MM:SSZ` (a real date).
    EXPIRE_DATE = 1011;
    /// `allowed_track_types` is not one of its values.
    ALLOWED_TRACK_TYPES = 1012;
    /// `track_type` of a security policy is not one of its values.
    SECURITY_TRACK_TYPE = 1013;
    /// `widevine` is not an object.
    WIDEVINE = 1014;
    /// `playready` is not an object.
    PLAYREADY = 1015;
    /// `fairplay` is not an object.
    FAIRPLAY = 1016;
    /// `external_key` is empty.
    EXTERNAL_KEY_EMPTY = 1018;
    /// `mpeg_cenc` is not a list of objects.
    MPEG_CENC = 1019;
    /// `hls_aes` is not a list of objects.
    HLS_AES = 1020;
    /// external `ncg` is not an object.
    EXTERNAL_NCG = 1021;
    /// widevine `security_level` not in 1..=5.
    WIDEVINE_SECURITY_LEVEL = 1022;
    /// widevine `required_hdcp_version` not one of its values.
    WIDEVINE_HDCP_VERSION = 1023;
    /// widevine `required_cgms_flags` not one of its values.
    WIDEVINE_CGMS_FLAGS = 1024;
    /// widevine `disable_analog_output` not a boolean.
    WIDEVINE_DISABLE_ANALOG_OUTPUT = 1025;
    /// widevine `hdcp_srm_rule` not one of its values.
    WIDEVINE_HDCP_SRM_RULE = 1026;
    /// playready `security_level` not 150, 2000 or 3000.
    PLAYREADY_SECURITY_LEVEL = 1027;
    /// playready `digital_video_protection_level` not one of its values.
    PLAYREADY_DIGITAL_VIDEO = 1028;
    /// playready `analog_video_protection_level` not one of its values.
    PLAYREADY_ANALOG_VIDEO = 1029;
    /// playready `digital_audio_protection_level` not one of its values.
    PLAYREADY_DIGITAL_AUDIO = 1030;
    /// playready `require_hdcp_type_1` not a boolean.
    PLAYREADY_REQUIRE_HDCP_TYPE_1 = 1032;
    /// fairplay `hdcp_enforcement` not -1, 0 or 1.
    FAIRPLAY_HDCP_ENFORCEMENT = 1033;
    /// fairplay `allow_airplay` not a boolean.
    FAIRPLAY_ALLOW_AIRPLAY = 1034;
    /// fairplay `allow_av_adapter` not a boolean.
    FAIRPLAY_ALLOW_AV_ADAPTER = 1035;
    /// ncg `allow_mobile_abnormal_device` not a boolean.
    NCG_ALLOW_MOBILE_ABNORMAL_DEVICE = 1036;
    /// ncg `allow_external_display` not a boolean.
    NCG_ALLOW_EXTERNAL_DISPLAY = 1037;
    /// ncg `control_hdcp` not 0, 1 or 2.
    NCG_CONTROL_HDCP = 1038;
    /// mpeg_cenc `track_type` not one of its values.
    MPEG_CENC_TRACK_TYPE = 1039;
    /// mpeg_cenc `key_id` not 32 lower-case hex digits.
    MPEG_CENC_KEY_ID = 1040;
    /// mpeg_cenc `key` not 32 lower-case hex digits.
    MPEG_CENC_KEY = 1041;
    /// mpeg_cenc `iv` not 32 lower-case hex digits.
    MPEG_CENC_IV = 1042;
    /// hls_aes `track_type` not one of its values.
    HLS_AES_TRACK_TYPE = 1043;
    /// hls_aes `key` not 32 lower-case hex digits.
    HLS_AES_KEY = 1044;
    /// hls_aes `iv` not 32 lower-case hex digits.
    HLS_AES_IV = 1045;
    /// external ncg `track_type` not one of its values.
    EXTERNAL_NCG_TRACK_TYPE = 1046;
    /// external ncg `cek` not 64 lower-case hex digits.
    EXTERNAL_NCG_CEK = 1047;
    /// token `response_format` not one of its values.
    RESPONSE_FORMAT = 1048;
    /// `rental_duration` not an integer in range ("should be Integer").
    RENTAL_DURATION = 1049;
    /// `playback_duration` not an integer in range ("should be Integer").
    PLAYBACK_DURATION = 1050;
    /// widevine `override_device_revocation` not a boolean.
    WIDEVINE_OVERRIDE_DEVICE_REVOCATION = 1051;
    /// hls_aes `key_id` not 32 lower-case hex digits.
    HLS_AES_KEY_ID = 1052;
    /// `max_stream_per_user` not an integer in range.
    MAX_STREAM_PER_USER = 1053;
    /// widevine `enable_license_cipher` not a boolean.
    WIDEVINE_ENABLE_LICENSE_CIPHER = 1054;
    /// token `key_rotation` not a boolean.
    KEY_ROTATION = 1055;
    /// `renewal_duration` not an integer or a numeric string.
    RENEWAL_DURATION = 1056;
    /// `wiseplay` is not an object.
    WISEPLAY = 1057;
    /// playready `enable_license_cipher` not a boolean.
    PLAYREADY_ENABLE_LICENSE_CIPHER = 1058;
    /// widevine `allow_test_device` not a boolean.
    WIDEVINE_ALLOW_TEST_DEVICE = 1059;
    /// wiseplay `security_level` not in 1..=3.
    WISEPLAY_SECURITY_LEVEL = 1060;
    /// wiseplay `output_control` not in 0..=3.
    WISEPLAY_OUTPUT_CONTROL = 1061;
    /// security policy `ncg` is not an object.
    NCG = 1062;
    /// The document is not JSON, or has a key that no policy object defines (the Java sample's
    /// "json parser error").
    JSON_PARSE = 2001;
    /// (License-server code, not a client-side one) a token that cannot be dated or is outside
    /// its validity window, "Token is expired"; reported for a malformed token timestamp.
    SERVER_TOKEN_EXPIRED = 7011;
    /// (License-server code) "invalid DRM type": the official samples make an unknown
    /// `drm_type` unrepresentable, so no client-side code exists.
    SERVER_INVALID_DRM_TYPE = 7018;
}

/// Every named code, in numeric order (for exhaustive tests and tables).
pub const ALL: &[ErrorCode] = &ALL_CODES;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_and_distinct() {
        assert!(ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(PERSISTENT.get(), 1009);
        assert_eq!(PERSISTENT.name(), "PERSISTENT");
        assert_eq!(SERVER_INVALID_DRM_TYPE.to_string(), "7018");
    }
}

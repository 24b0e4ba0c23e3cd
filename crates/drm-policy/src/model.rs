//! The license policy (`policy_version` 2) as plain data, with builder-style setters.
//!
//! Every optional field is `None` until set; unset fields are omitted from the JSON, so the
//! license server applies its own default. Build in Rust:
//!
//! ```
//! use drm_policy::{Policy, PlaybackPolicy, SecurityPolicy, TrackType, Widevine, HdcpVersion};
//!
//! let policy = Policy::new()
//!     .playback(PlaybackPolicy::new().persistent(false).license_duration(3600))
//!     .security(SecurityPolicy::new(TrackType::Hd).widevine(Widevine::new().required_hdcp_version(HdcpVersion::V2_2)));
//! assert!(policy.validate().is_ok());
//! assert_eq!(
//!     policy.to_json(drm_policy::JsonStyle::Compact),
//!     r#"{"policy_version":2,"playback_policy":{"persistent":false,"license_duration":3600},"security_policy":[{"track_type":"HD","widevine":{"required_hdcp_version":"HDCP_V2_2"}}]}"#
//! );
//! ```

use std::fmt;

use crate::enums::*;
use crate::hex::HexCase;
use crate::ids::{KeyId, TrackType};
use crate::schema::policy_object;

// The schema: one table per policy object, each row `rust_field: kind Type => "json_key",
// CODE;` in write order (see `crate::schema`). The `FIELDS` constant of each type lists them.

policy_object! {
    /// A license policy, `policy_version` 2. `Policy::new()` alone means "all server defaults".
    /// `policy_version` itself is not a row: it is always written first, and read as exactly 2.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Policy in policy_fields {
        /// `playback_policy`.
        playback_policy: opt PlaybackPolicy => "playback_policy", PLAYBACK_POLICY;
        /// `security_policy`: one entry per track type.
        security_policy: list SecurityPolicy => "security_policy", SECURITY_POLICY;
        /// `external_key`: content keys not managed by DoveRunner.
        external_key: opt ExternalKey => "external_key", EXTERNAL_KEY;
    }
}

impl Policy {
    /// The version this crate models; always written as `policy_version`.
    pub const VERSION: i64 = 2;

    /// An empty policy (`{"policy_version":2}`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `playback_policy`.
    #[must_use]
    pub fn playback(mut self, playback: PlaybackPolicy) -> Self {
        self.playback_policy = Some(playback);
        self
    }

    /// Adds one `security_policy` entry.
    #[must_use]
    pub fn security(mut self, entry: SecurityPolicy) -> Self {
        self.security_policy.push(entry);
        self
    }

    /// Sets `external_key`.
    #[must_use]
    pub fn external(mut self, external: ExternalKey) -> Self {
        self.external_key = Some(external);
        self
    }
}

policy_object! {
    /// `playback_policy`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct PlaybackPolicy in playback_fields {
        /// Offline (persistent) license.
        persistent: opt bool => "persistent", PERSISTENT;
        /// License duration in seconds; 0 = unlimited; takes precedence over `expire_date`.
        license_duration: opt i64 => "license_duration", LICENSE_DURATION;
        /// Absolute expiry, `YYYY-MM-DDTHH:MM:SSZ` (GMT).
        expire_date: opt String => "expire_date", EXPIRE_DATE;
        /// Which track types the license unlocks.
        allowed_track_types: opt AllowedTrackTypes => "allowed_track_types", ALLOWED_TRACK_TYPES;
        /// Offline rental duration in seconds (needs `persistent: true`).
        rental_duration: opt i64 => "rental_duration", RENTAL_DURATION;
        /// Duration after first play in seconds (needs `persistent: true`).
        playback_duration: opt i64 => "playback_duration", PLAYBACK_DURATION;
        /// Concurrent-stream limit per user.
        max_stream_per_user: opt i64 => "max_stream_per_user", MAX_STREAM_PER_USER;
        /// License renewal interval in seconds, as an integer or a numeric string (an `i64`,
        /// or a [`RenewalDuration::Text`]).
        renewal_duration: opt RenewalDuration => "renewal_duration", RENEWAL_DURATION;
    }
}

impl PlaybackPolicy {
    /// An empty playback policy.
    pub fn new() -> Self {
        Self::default()
    }
}

/// `renewal_duration` keeps the form it was given: the official Python sample sends `"60"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenewalDuration {
    /// A JSON integer.
    Seconds(i64),
    /// A JSON string of decimal digits.
    Text(String),
}

impl RenewalDuration {
    /// The number of seconds, if the text form holds a valid number.
    pub fn seconds(&self) -> Option<i64> {
        match self {
            RenewalDuration::Seconds(s) => Some(*s),
            RenewalDuration::Text(t) => t.parse().ok(),
        }
    }
}

impl From<i64> for RenewalDuration {
    fn from(value: i64) -> Self {
        RenewalDuration::Seconds(value)
    }
}

policy_object! {
    /// One `security_policy` entry: the output protections for one track type.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct SecurityPolicy in security_fields {
        /// The track type this entry applies to (always written; server default `ALL`).
        track_type: dflt TrackType => "track_type", SECURITY_TRACK_TYPE;
        /// Widevine settings.
        widevine: opt Widevine => "widevine", WIDEVINE;
        /// PlayReady settings.
        playready: opt PlayReady => "playready", PLAYREADY;
        /// FairPlay settings.
        fairplay: opt FairPlay => "fairplay", FAIRPLAY;
        /// NCG settings.
        ncg: opt NcgSecurity => "ncg", NCG;
        /// WisePlay settings.
        wiseplay: opt WisePlay => "wiseplay", WISEPLAY;
    }
}

impl SecurityPolicy {
    /// An entry for `track_type` with no DRM settings yet.
    pub fn new(track_type: TrackType) -> Self {
        Self {
            track_type,
            ..Self::default()
        }
    }
}

policy_object! {
    /// `security_policy[].widevine`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Widevine in widevine_fields {
        /// `security_level` (1–5).
        security_level: opt WidevineSecurityLevel => "security_level", WIDEVINE_SECURITY_LEVEL;
        /// `required_hdcp_version`.
        required_hdcp_version: opt HdcpVersion => "required_hdcp_version", WIDEVINE_HDCP_VERSION;
        /// `required_cgms_flags`.
        required_cgms_flags: opt CgmsFlags => "required_cgms_flags", WIDEVINE_CGMS_FLAGS;
        /// `disable_analog_output`.
        disable_analog_output: opt bool => "disable_analog_output", WIDEVINE_DISABLE_ANALOG_OUTPUT;
        /// `hdcp_srm_rule`.
        hdcp_srm_rule: opt HdcpSrmRule => "hdcp_srm_rule", WIDEVINE_HDCP_SRM_RULE;
        /// `override_device_revocation`.
        override_device_revocation: opt bool => "override_device_revocation", WIDEVINE_OVERRIDE_DEVICE_REVOCATION;
        /// `enable_license_cipher` (License Cipher SDK).
        enable_license_cipher: opt bool => "enable_license_cipher", WIDEVINE_ENABLE_LICENSE_CIPHER;
        /// `allow_test_device`.
        allow_test_device: opt bool => "allow_test_device", WIDEVINE_ALLOW_TEST_DEVICE;
    }
}

policy_object! {
    /// `security_policy[].playready`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct PlayReady in playready_fields {
        /// `security_level` (150, 2000, 3000).
        security_level: opt PlayReadySecurityLevel => "security_level", PLAYREADY_SECURITY_LEVEL;
        /// `digital_video_protection_level`.
        digital_video_protection_level: opt DigitalVideoProtection => "digital_video_protection_level", PLAYREADY_DIGITAL_VIDEO;
        /// `analog_video_protection_level`.
        analog_video_protection_level: opt AnalogVideoProtection => "analog_video_protection_level", PLAYREADY_ANALOG_VIDEO;
        /// `digital_audio_protection_level`.
        digital_audio_protection_level: opt DigitalAudioProtection => "digital_audio_protection_level", PLAYREADY_DIGITAL_AUDIO;
        /// `require_hdcp_type_1`.
        require_hdcp_type_1: opt bool => "require_hdcp_type_1", PLAYREADY_REQUIRE_HDCP_TYPE_1;
        /// `enable_license_cipher`.
        enable_license_cipher: opt bool => "enable_license_cipher", PLAYREADY_ENABLE_LICENSE_CIPHER;
    }
}

policy_object! {
    /// `security_policy[].fairplay`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct FairPlay in fairplay_fields {
        /// `hdcp_enforcement` (-1, 0, 1).
        hdcp_enforcement: opt HdcpEnforcement => "hdcp_enforcement", FAIRPLAY_HDCP_ENFORCEMENT;
        /// `allow_airplay`.
        allow_airplay: opt bool => "allow_airplay", FAIRPLAY_ALLOW_AIRPLAY;
        /// `allow_av_adapter`.
        allow_av_adapter: opt bool => "allow_av_adapter", FAIRPLAY_ALLOW_AV_ADAPTER;
    }
}

policy_object! {
    /// `security_policy[].ncg`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct NcgSecurity in ncg_security_fields {
        /// `allow_mobile_abnormal_device`.
        allow_mobile_abnormal_device: opt bool => "allow_mobile_abnormal_device", NCG_ALLOW_MOBILE_ABNORMAL_DEVICE;
        /// `allow_external_display`.
        allow_external_display: opt bool => "allow_external_display", NCG_ALLOW_EXTERNAL_DISPLAY;
        /// `control_hdcp` (0, 1, 2).
        control_hdcp: opt ControlHdcp => "control_hdcp", NCG_CONTROL_HDCP;
    }
}

policy_object! {
    /// `security_policy[].wiseplay`.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct WisePlay in wiseplay_fields {
        /// `security_level` (1–3).
        security_level: opt WisePlaySecurityLevel => "security_level", WISEPLAY_SECURITY_LEVEL;
        /// `output_control` (0–3).
        output_control: opt OutputControl => "output_control", WISEPLAY_OUTPUT_CONTROL;
    }
}

macro_rules! empty_constructors {
    ($($ty:ident: $what:literal,)*) => {$(
        impl $ty {
            #[doc = concat!("Empty ", $what, " settings.")]
            pub fn new() -> Self {
                Self::default()
            }
        }
    )*};
}

empty_constructors! {
    Widevine: "Widevine",
    PlayReady: "PlayReady",
    FairPlay: "FairPlay",
    NcgSecurity: "NCG",
    WisePlay: "WisePlay",
}

policy_object! {
    /// `external_key`: content keys managed outside DoveRunner. Empty lists are omitted.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct ExternalKey in external_fields {
        /// CENC keys for PlayReady/Widevine.
        mpeg_cenc: list MpegCencKey => "mpeg_cenc", MPEG_CENC;
        /// HLS sample-AES keys for FairPlay.
        hls_aes: list HlsAesKey => "hls_aes", HLS_AES;
        /// The NCG content encryption key.
        ncg: opt NcgKey => "ncg", EXTERNAL_NCG;
    }
}

impl ExternalKey {
    /// No keys yet (an empty `external_key` is rejected by validation, code 1018).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether no key of any kind is set.
    pub fn is_empty(&self) -> bool {
        self.mpeg_cenc.is_empty() && self.hls_aes.is_empty() && self.ncg.is_none()
    }
}

policy_object! {
    /// `external_key.mpeg_cenc[]`. `iv` is omitted when unset (never `"iv": null`; the Python
    /// sample's `"iv": null` is read as no IV).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct MpegCencKey in mpeg_cenc_fields {
        /// Track type of the key.
        track_type: req TrackType => "track_type", MPEG_CENC_TRACK_TYPE;
        /// Key id.
        key_id: req KeyId => "key_id", MPEG_CENC_KEY_ID;
        /// Content key.
        key: req ContentKey => "key", MPEG_CENC_KEY;
        /// Optional IV.
        iv: nullable Iv => "iv", MPEG_CENC_IV;
    }
}

impl MpegCencKey {
    /// A CENC key without IV.
    pub fn new(track_type: TrackType, key_id: KeyId, key: ContentKey) -> Self {
        Self {
            track_type,
            key_id,
            key,
            iv: None,
        }
    }
}

policy_object! {
    /// `external_key.hls_aes[]`: every field is required.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct HlsAesKey in hls_aes_fields {
        /// Track type of the key.
        track_type: req TrackType => "track_type", HLS_AES_TRACK_TYPE;
        /// Key id.
        key_id: req KeyId => "key_id", HLS_AES_KEY_ID;
        /// Content key.
        key: req ContentKey => "key", HLS_AES_KEY;
        /// IV.
        iv: req Iv => "iv", HLS_AES_IV;
    }
}

policy_object! {
    /// `external_key.ncg`. `track_type` is written only when set (the Python sample sends it;
    /// the docs and the Java and PHP samples have only `cek`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct NcgKey in ncg_key_fields {
        /// Optional track type.
        track_type: opt TrackType => "track_type", EXTERNAL_NCG_TRACK_TYPE;
        /// The 32-byte content encryption key.
        cek: req NcgCek => "cek", EXTERNAL_NCG_CEK;
    }
}

drm_secret::secret_newtype!(
    /// A 16-byte content key. `Debug` prints `ContentKey([redacted])`; zeroized on drop;
    /// compared in constant time. The workspace's one content-key type (16 bytes, what
    /// DoveRunner uses).
    pub ContentKey: [u8; 16]
);

drm_secret::secret_newtype!(
    /// The 32-byte NCG content encryption key. `Debug` prints `NcgCek([redacted])`; zeroized
    /// on drop; compared in constant time.
    pub NcgCek: [u8; 32]
);

impl ContentKey {
    /// From lower-case hex of exactly 32 digits (DoveRunner rejects upper case).
    pub fn from_hex(text: &str) -> Option<Self> {
        crate::hex::decode_array(text, HexCase::Lower).map(Self::from_bytes)
    }
}

impl NcgCek {
    /// From lower-case hex of exactly 64 digits (DoveRunner rejects upper case).
    pub fn from_hex(text: &str) -> Option<Self> {
        crate::hex::decode_array(text, HexCase::Lower).map(Self::from_bytes)
    }
}

/// A 16-byte initialisation vector (not secret).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Iv([u8; 16]);

impl Iv {
    /// From raw bytes.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// From lower-case hex of exactly 32 digits (DoveRunner rejects upper case).
    pub fn from_hex(text: &str) -> Option<Self> {
        crate::hex::decode_array(text, HexCase::Lower).map(Self)
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        crate::hex::encode_lower(&self.0)
    }
}

impl fmt::Debug for Iv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iv({})", self.to_hex())
    }
}

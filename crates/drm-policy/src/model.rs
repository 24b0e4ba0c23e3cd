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
use crate::ids::{HexCase, KeyId, TrackType, decode_hex, hex_lower};

macro_rules! setters {
    ($ty:ident { $($(#[$doc:meta])* $field:ident: $value:ty,)* }) => {
        impl $ty {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, value: impl Into<$value>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

/// A license policy, `policy_version` 2. `Policy::new()` alone means "all server defaults".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// `playback_policy`.
    pub playback_policy: Option<PlaybackPolicy>,
    /// `security_policy`: one entry per track type.
    pub security_policy: Vec<SecurityPolicy>,
    /// `external_key`: content keys not managed by DoveRunner.
    pub external_key: Option<ExternalKey>,
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

/// `playback_policy`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaybackPolicy {
    /// Offline (persistent) license.
    pub persistent: Option<bool>,
    /// License duration in seconds; 0 = unlimited; takes precedence over `expire_date`.
    pub license_duration: Option<i64>,
    /// Absolute expiry, `YYYY-MM-DDTHH:MM:SSZ` (GMT).
    pub expire_date: Option<String>,
    /// Which track types the license unlocks.
    pub allowed_track_types: Option<AllowedTrackTypes>,
    /// Offline rental duration in seconds (needs `persistent: true`).
    pub rental_duration: Option<i64>,
    /// Duration after first play in seconds (needs `persistent: true`).
    pub playback_duration: Option<i64>,
    /// Concurrent-stream limit per user.
    pub max_stream_per_user: Option<i64>,
    /// License renewal interval in seconds, as an integer or a numeric string.
    pub renewal_duration: Option<RenewalDuration>,
}

impl PlaybackPolicy {
    /// An empty playback policy.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(PlaybackPolicy {
    /// Sets `persistent`.
    persistent: bool,
    /// Sets `license_duration` (seconds).
    license_duration: i64,
    /// Sets `expire_date` (`YYYY-MM-DDTHH:MM:SSZ`).
    expire_date: String,
    /// Sets `allowed_track_types`.
    allowed_track_types: AllowedTrackTypes,
    /// Sets `rental_duration` (seconds).
    rental_duration: i64,
    /// Sets `playback_duration` (seconds).
    playback_duration: i64,
    /// Sets `max_stream_per_user`.
    max_stream_per_user: i64,
    /// Sets `renewal_duration` (an `i64`, or a [`RenewalDuration::Text`]).
    renewal_duration: RenewalDuration,
});

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

/// One `security_policy` entry: the output protections for one track type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityPolicy {
    /// The track type this entry applies to (always written; server default `ALL`).
    pub track_type: TrackType,
    /// Widevine settings.
    pub widevine: Option<Widevine>,
    /// PlayReady settings.
    pub playready: Option<PlayReady>,
    /// FairPlay settings.
    pub fairplay: Option<FairPlay>,
    /// NCG settings.
    pub ncg: Option<NcgSecurity>,
    /// WisePlay settings.
    pub wiseplay: Option<WisePlay>,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self::new(TrackType::All)
    }
}

impl SecurityPolicy {
    /// An entry for `track_type` with no DRM settings yet.
    pub fn new(track_type: TrackType) -> Self {
        Self {
            track_type,
            widevine: None,
            playready: None,
            fairplay: None,
            ncg: None,
            wiseplay: None,
        }
    }
}

setters!(SecurityPolicy {
    /// Sets the Widevine settings.
    widevine: Widevine,
    /// Sets the PlayReady settings.
    playready: PlayReady,
    /// Sets the FairPlay settings.
    fairplay: FairPlay,
    /// Sets the NCG settings.
    ncg: NcgSecurity,
    /// Sets the WisePlay settings.
    wiseplay: WisePlay,
});

/// `security_policy[].widevine`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Widevine {
    /// `security_level` (1–5).
    pub security_level: Option<WidevineSecurityLevel>,
    /// `required_hdcp_version`.
    pub required_hdcp_version: Option<HdcpVersion>,
    /// `required_cgms_flags`.
    pub required_cgms_flags: Option<CgmsFlags>,
    /// `disable_analog_output`.
    pub disable_analog_output: Option<bool>,
    /// `hdcp_srm_rule`.
    pub hdcp_srm_rule: Option<HdcpSrmRule>,
    /// `override_device_revocation`.
    pub override_device_revocation: Option<bool>,
    /// `enable_license_cipher` (License Cipher SDK).
    pub enable_license_cipher: Option<bool>,
    /// `allow_test_device`.
    pub allow_test_device: Option<bool>,
}

impl Widevine {
    /// Empty Widevine settings.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(Widevine {
    /// Sets `security_level`.
    security_level: WidevineSecurityLevel,
    /// Sets `required_hdcp_version`.
    required_hdcp_version: HdcpVersion,
    /// Sets `required_cgms_flags`.
    required_cgms_flags: CgmsFlags,
    /// Sets `disable_analog_output`.
    disable_analog_output: bool,
    /// Sets `hdcp_srm_rule`.
    hdcp_srm_rule: HdcpSrmRule,
    /// Sets `override_device_revocation`.
    override_device_revocation: bool,
    /// Sets `enable_license_cipher`.
    enable_license_cipher: bool,
    /// Sets `allow_test_device`.
    allow_test_device: bool,
});

/// `security_policy[].playready`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlayReady {
    /// `security_level` (150, 2000, 3000).
    pub security_level: Option<PlayReadySecurityLevel>,
    /// `digital_video_protection_level`.
    pub digital_video_protection_level: Option<DigitalVideoProtection>,
    /// `analog_video_protection_level`.
    pub analog_video_protection_level: Option<AnalogVideoProtection>,
    /// `digital_audio_protection_level`.
    pub digital_audio_protection_level: Option<DigitalAudioProtection>,
    /// `require_hdcp_type_1`.
    pub require_hdcp_type_1: Option<bool>,
    /// `enable_license_cipher`.
    pub enable_license_cipher: Option<bool>,
}

impl PlayReady {
    /// Empty PlayReady settings.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(PlayReady {
    /// Sets `security_level`.
    security_level: PlayReadySecurityLevel,
    /// Sets `digital_video_protection_level`.
    digital_video_protection_level: DigitalVideoProtection,
    /// Sets `analog_video_protection_level`.
    analog_video_protection_level: AnalogVideoProtection,
    /// Sets `digital_audio_protection_level`.
    digital_audio_protection_level: DigitalAudioProtection,
    /// Sets `require_hdcp_type_1`.
    require_hdcp_type_1: bool,
    /// Sets `enable_license_cipher`.
    enable_license_cipher: bool,
});

/// `security_policy[].fairplay`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FairPlay {
    /// `hdcp_enforcement` (-1, 0, 1).
    pub hdcp_enforcement: Option<HdcpEnforcement>,
    /// `allow_airplay`.
    pub allow_airplay: Option<bool>,
    /// `allow_av_adapter`.
    pub allow_av_adapter: Option<bool>,
}

impl FairPlay {
    /// Empty FairPlay settings.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(FairPlay {
    /// Sets `hdcp_enforcement`.
    hdcp_enforcement: HdcpEnforcement,
    /// Sets `allow_airplay`.
    allow_airplay: bool,
    /// Sets `allow_av_adapter`.
    allow_av_adapter: bool,
});

/// `security_policy[].ncg`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NcgSecurity {
    /// `allow_mobile_abnormal_device`.
    pub allow_mobile_abnormal_device: Option<bool>,
    /// `allow_external_display`.
    pub allow_external_display: Option<bool>,
    /// `control_hdcp` (0, 1, 2).
    pub control_hdcp: Option<ControlHdcp>,
}

impl NcgSecurity {
    /// Empty NCG settings.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(NcgSecurity {
    /// Sets `allow_mobile_abnormal_device`.
    allow_mobile_abnormal_device: bool,
    /// Sets `allow_external_display`.
    allow_external_display: bool,
    /// Sets `control_hdcp`.
    control_hdcp: ControlHdcp,
});

/// `security_policy[].wiseplay`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WisePlay {
    /// `security_level` (1–3).
    pub security_level: Option<WisePlaySecurityLevel>,
    /// `output_control` (0–3).
    pub output_control: Option<OutputControl>,
}

impl WisePlay {
    /// Empty WisePlay settings.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(WisePlay {
    /// Sets `security_level`.
    security_level: WisePlaySecurityLevel,
    /// Sets `output_control`.
    output_control: OutputControl,
});

/// `external_key`: content keys managed outside DoveRunner. Empty lists are omitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalKey {
    /// CENC keys for PlayReady/Widevine.
    pub mpeg_cenc: Vec<MpegCencKey>,
    /// HLS sample-AES keys for FairPlay.
    pub hls_aes: Vec<HlsAesKey>,
    /// The NCG content encryption key.
    pub ncg: Option<NcgKey>,
}

impl ExternalKey {
    /// No keys yet (an empty `external_key` is rejected by validation, code 1018).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a CENC key.
    #[must_use]
    pub fn mpeg_cenc(mut self, key: MpegCencKey) -> Self {
        self.mpeg_cenc.push(key);
        self
    }

    /// Adds an HLS AES key.
    #[must_use]
    pub fn hls_aes(mut self, key: HlsAesKey) -> Self {
        self.hls_aes.push(key);
        self
    }

    /// Sets the NCG key.
    #[must_use]
    pub fn ncg(mut self, key: NcgKey) -> Self {
        self.ncg = Some(key);
        self
    }

    /// Whether no key of any kind is set.
    pub fn is_empty(&self) -> bool {
        self.mpeg_cenc.is_empty() && self.hls_aes.is_empty() && self.ncg.is_none()
    }
}

/// `external_key.mpeg_cenc[]`. `iv` is omitted when unset (never `"iv": null`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MpegCencKey {
    /// Track type of the key.
    pub track_type: TrackType,
    /// Key id.
    pub key_id: KeyId,
    /// Content key.
    pub key: ContentKey,
    /// Optional IV.
    pub iv: Option<Iv>,
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

    /// Sets the IV.
    #[must_use]
    pub fn iv(mut self, iv: Iv) -> Self {
        self.iv = Some(iv);
        self
    }
}

/// `external_key.hls_aes[]`: every field is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlsAesKey {
    /// Track type of the key.
    pub track_type: TrackType,
    /// Key id.
    pub key_id: KeyId,
    /// Content key.
    pub key: ContentKey,
    /// IV.
    pub iv: Iv,
}

/// `external_key.ncg`. `track_type` is written only when set (the Python sample sends it; the
/// docs and the Java and PHP samples have only `cek`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NcgKey {
    /// Optional track type.
    pub track_type: Option<TrackType>,
    /// The 32-byte content encryption key.
    pub cek: NcgCek,
}

macro_rules! key_bytes {
    ($(#[$doc:meta])* $name:ident, $len:literal, secret = $secret:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name([u8; $len]);

        impl $name {
            /// From raw bytes.
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// From lower-case hex of exactly the right length (DoveRunner rejects upper case).
            pub fn from_hex(text: &str) -> Option<Self> {
                decode_hex(text, HexCase::Lower)?.try_into().ok().map(Self)
            }

            /// Lower-case hex.
            pub fn to_hex(&self) -> String {
                hex_lower(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                if $secret {
                    write!(f, concat!(stringify!($name), "([redacted])"))
                } else {
                    write!(f, concat!(stringify!($name), "({})"), self.to_hex())
                }
            }
        }
    };
}

key_bytes!(
    /// A 16-byte content key. `Debug` does not show it.
    ContentKey, 16, secret = true
);
key_bytes!(
    /// A 16-byte initialisation vector.
    Iv, 16, secret = false
);
key_bytes!(
    /// The 32-byte NCG content encryption key. `Debug` does not show it.
    NcgCek, 32, secret = true
);

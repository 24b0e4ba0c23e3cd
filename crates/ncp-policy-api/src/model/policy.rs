//! DRM policies: the create/update body (spec §4) and the policy object of responses.
//!
//! Requests are written with the current field names (`widevine`, `playready`, `fairplay`) and
//! value types; responses are read leniently: the older `wideVine`/`playReady`/`fairPlay` keys,
//! `drmPolicyConfig` as an object or a one-element array, numbers as numbers or numeric strings,
//! and unknown enum words are all accepted.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use super::open_enum::open_enum;
use super::time::ApiTime;
use super::validate::{Problem, ValidationError, check_name, check_one_of, check_range};

/// Largest duration (seconds) the API accepts for `rentalDuration` and `playbackDuration`.
pub const MAX_DURATION_SECONDS: i64 = 2_147_483_647;
/// Widevine security levels: 1 (`SW_SECURE_CRYPTO`) to 5 (`HW_SECURE_ALL`).
pub const WIDEVINE_SECURITY_LEVELS: &[i64] = &[1, 2, 3, 4, 5];
/// PlayReady security levels.
pub const PLAYREADY_SECURITY_LEVELS: &[i64] = &[150, 2000, 3000];
/// PlayReady digital video protection levels.
pub const PLAYREADY_DIGITAL_VIDEO_LEVELS: &[i64] = &[100, 250, 270, 300, 301];
/// PlayReady analog video protection levels.
pub const PLAYREADY_ANALOG_VIDEO_LEVELS: &[i64] = &[100, 150, 200, 201];
/// PlayReady digital audio protection levels.
pub const PLAYREADY_DIGITAL_AUDIO_LEVELS: &[i64] = &[100, 250, 300, 301];

/// A policy name: 3 to 20 characters of `A-Z a-z 0-9 _`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PolicyName(String);

impl PolicyName {
    /// Minimum length.
    pub const MIN_LEN: usize = 3;
    /// Maximum length.
    pub const MAX_LEN: usize = 20;

    /// Validates a name.
    ///
    /// # Errors
    /// When the length or a character is outside the documented rule.
    pub fn new(name: impl Into<String>) -> Result<Self, ValidationError> {
        let name = name.into();
        check_name(
            "policyName",
            &name,
            Self::MIN_LEN,
            Self::MAX_LEN,
            "letters, digits and '_'",
            |c| c.is_ascii_alphanumeric() || c == '_',
        )?;
        Ok(Self(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

validated_text!(PolicyName);

open_enum!(
    /// Widevine HDCP requirement.
    WidevineHdcp {
        /// No HDCP required.
        None => "HDCP_NONE",
        /// HDCP 1.x.
        V1 => "HDCP_V1",
        /// HDCP 2.0.
        V2 => "HDCP_V2",
        /// HDCP 2.1.
        V2_1 => "HDCP_V2_1",
        /// HDCP 2.2.
        V2_2 => "HDCP_V2_2",
        /// No digital output allowed.
        NoDigitalOutput => "HDCP_NO_DIGITAL_OUTPUT",
    }
);

open_enum!(
    /// Widevine CGMS-A copy control.
    Cgms {
        /// Not set.
        None => "CGMS_NONE",
        /// Copying allowed.
        CopyFree => "COPY_FREE",
        /// One copy allowed.
        CopyOnce => "COPY_ONCE",
        /// No copying.
        CopyNever => "COPY_NEVER",
    }
);

open_enum!(
    /// Widevine HDCP SRM rule.
    HdcpSrmRule {
        /// No SRM check.
        None => "HDCP_SRM_RULE_NONE",
        /// Require the current SRM.
        CurrentSrm => "CURRENT_SRM",
    }
);

open_enum!(
    /// FairPlay HDCP enforcement. A string holding a number on the wire.
    HdcpEnforcement {
        /// No HDCP (`"-1"`).
        None => "-1",
        /// HDCP type 0 (`"0"`).
        Type0 => "0",
        /// HDCP type 1 (`"1"`).
        Type1 => "1",
    }
);

open_enum!(
    /// Lifecycle status of a policy.
    PolicyStatus {
        /// Created.
        Created => "CREATED",
        /// Being created.
        Creating => "CREATING",
        /// Ready to use.
        Ready => "READY",
        /// Deleted.
        Deleted => "DELETED",
        /// Being updated.
        Updating => "UPDATING",
    }
);

/// Widevine settings of a policy. Only `useYn` is required in a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WidevineConfig {
    /// Whether Widevine licenses are issued.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub use_yn: Option<bool>,
    /// Security level 1..=5 (`SW_SECURE_CRYPTO` … `HW_SECURE_ALL`).
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub security_level: Option<i64>,
    /// HDCP requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hdcp: Option<WidevineHdcp>,
    /// CGMS-A copy control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgms: Option<Cgms>,
    /// Whether analog output is disabled.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub disable_analog_output_yn: Option<bool>,
    /// HDCP SRM rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hdcp_srm_rule: Option<HdcpSrmRule>,
    /// Whether revoked devices are refused.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_revocation: Option<bool>,
}

/// PlayReady settings of a policy. Only `useYn` is required in a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlayReadyConfig {
    /// Whether PlayReady licenses are issued.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub use_yn: Option<bool>,
    /// Security level: 150, 2000 or 3000.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub security_level: Option<i64>,
    /// Digital video output protection level: 100, 250, 270, 300 or 301.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub digital_video_protection_level: Option<i64>,
    /// Analog video output protection level: 100, 150, 200 or 201.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub analog_video_protection_level: Option<i64>,
    /// Digital audio output protection level: 100, 250, 300 or 301.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub digital_audio_protection_level: Option<i64>,
    /// Whether HDCP is used.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub hdcp_use_yn: Option<bool>,
}

/// FairPlay settings of a policy. Only `useYn` is required in a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FairPlayConfig {
    /// Whether FairPlay licenses are issued.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub use_yn: Option<bool>,
    /// HDCP enforcement (`"-1"`, `"0"` or `"1"`; a string on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hdcp_enforcement: Option<HdcpEnforcement>,
    /// Whether AirPlay is allowed.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_air_play: Option<bool>,
    /// Whether the Lightning AV adaptor is allowed.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub allow_av_adaptor: Option<bool>,
}

/// The three DRM blocks of a policy. Written with the current lower-case keys; the older
/// camel-case keys (`wideVine`, `playReady`, `fairPlay`) are accepted on input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrmPolicyConfig {
    /// Widevine block.
    #[serde(default, alias = "wideVine", alias = "WideVine", alias = "Widevine")]
    pub widevine: WidevineConfig,
    /// PlayReady block.
    #[serde(default, alias = "playReady", alias = "PlayReady")]
    pub playready: PlayReadyConfig,
    /// FairPlay block.
    #[serde(default, alias = "fairPlay", alias = "FairPlay")]
    pub fairplay: FairPlayConfig,
}

impl WidevineConfig {
    /// A block with `useYn` set and every option left to the server's default.
    pub fn enabled(use_yn: bool) -> Self {
        Self {
            use_yn: Some(use_yn),
            ..Self::default()
        }
    }
}

impl PlayReadyConfig {
    /// A block with `useYn` set and every option left to the server's default.
    pub fn enabled(use_yn: bool) -> Self {
        Self {
            use_yn: Some(use_yn),
            ..Self::default()
        }
    }
}

impl FairPlayConfig {
    /// A block with `useYn` set and every option left to the server's default.
    pub fn enabled(use_yn: bool) -> Self {
        Self {
            use_yn: Some(use_yn),
            ..Self::default()
        }
    }
}

impl DrmPolicyConfig {
    /// All three DRMs enabled with the server's defaults.
    pub fn all_enabled() -> Self {
        Self {
            widevine: WidevineConfig::enabled(true),
            playready: PlayReadyConfig::enabled(true),
            fairplay: FairPlayConfig::enabled(true),
        }
    }

    /// Checks every documented value range.
    ///
    /// # Errors
    /// The first field that the API would refuse, with its dotted path.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let w = &self.widevine;
        let p = &self.playready;
        let f = &self.fairplay;
        const WV: &str = "drmPolicyConfig.widevine";
        const PR: &str = "drmPolicyConfig.playready";
        const FP: &str = "drmPolicyConfig.fairplay";
        required(WV, w.use_yn)?;
        if let Some(level) = w.security_level {
            check_one_of(
                &format!("{WV}.securityLevel"),
                level,
                WIDEVINE_SECURITY_LEVELS,
            )?;
        }
        known(
            &format!("{WV}.hdcp"),
            w.hdcp.as_ref().map(|v| (v.is_known(), v.as_str())),
            WidevineHdcp::KNOWN,
        )?;
        known(
            &format!("{WV}.cgms"),
            w.cgms.as_ref().map(|v| (v.is_known(), v.as_str())),
            Cgms::KNOWN,
        )?;
        known(
            &format!("{WV}.hdcpSrmRule"),
            w.hdcp_srm_rule.as_ref().map(|v| (v.is_known(), v.as_str())),
            HdcpSrmRule::KNOWN,
        )?;
        required(PR, p.use_yn)?;
        for (name, value, allowed) in [
            ("securityLevel", p.security_level, PLAYREADY_SECURITY_LEVELS),
            (
                "digitalVideoProtectionLevel",
                p.digital_video_protection_level,
                PLAYREADY_DIGITAL_VIDEO_LEVELS,
            ),
            (
                "analogVideoProtectionLevel",
                p.analog_video_protection_level,
                PLAYREADY_ANALOG_VIDEO_LEVELS,
            ),
            (
                "digitalAudioProtectionLevel",
                p.digital_audio_protection_level,
                PLAYREADY_DIGITAL_AUDIO_LEVELS,
            ),
        ] {
            if let Some(value) = value {
                check_one_of(&format!("{PR}.{name}"), value, allowed)?;
            }
        }
        required(FP, f.use_yn)?;
        known(
            &format!("{FP}.hdcpEnforcement"),
            f.hdcp_enforcement
                .as_ref()
                .map(|v| (v.is_known(), v.as_str())),
            HdcpEnforcement::KNOWN,
        )?;
        Ok(())
    }
}

fn required(block: &str, use_yn: Option<bool>) -> Result<(), ValidationError> {
    match use_yn {
        Some(_) => Ok(()),
        None => Err(ValidationError::new(
            format!("{block}.useYn"),
            Problem::Required,
        )),
    }
}

fn known(
    field: &str,
    value: Option<(bool, &str)>,
    allowed: &'static [&'static str],
) -> Result<(), ValidationError> {
    match value {
        Some((false, actual)) => Err(ValidationError::new(
            field,
            Problem::UnknownValue {
                allowed,
                actual: actual.to_owned(),
            },
        )),
        _ => Ok(()),
    }
}

/// The body of `POST /api/v1/policy` and `PUT /api/v1/policy/{policyId}` (a full replace: every
/// field is sent on update too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRequest {
    /// Name, 3–20 of `A-Z a-z 0-9 _`.
    pub policy_name: PolicyName,
    /// Whether licenses are persistent (must be true when `rentalDuration` is used).
    #[serde(deserialize_with = "req_bool")]
    pub persistent: bool,
    /// Rental duration in seconds (0 = unlimited), 0..=2147483647.
    #[serde(deserialize_with = "lenient::int")]
    pub rental_duration: i64,
    /// Playback duration in seconds (0 = unlimited), 0..=2147483647.
    #[serde(deserialize_with = "lenient::int")]
    pub playback_duration: i64,
    /// The DRM blocks (all three are sent).
    #[serde(alias = "drmConfig", deserialize_with = "req_config")]
    pub drm_policy_config: DrmPolicyConfig,
}

fn req_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    use serde::de::Error as _;
    lenient::opt_bool(d)?.ok_or_else(|| D::Error::custom("expected a boolean, found null"))
}

fn req_config<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DrmPolicyConfig, D::Error> {
    use serde::de::Error as _;
    lenient::opt_one_or_first(d)?.ok_or_else(|| D::Error::custom("drmPolicyConfig is empty"))
}

impl PolicyRequest {
    /// A non-persistent policy with unlimited durations and all three DRMs enabled.
    pub fn new(policy_name: PolicyName) -> Self {
        Self {
            policy_name,
            persistent: false,
            rental_duration: 0,
            playback_duration: 0,
            drm_policy_config: DrmPolicyConfig::all_enabled(),
        }
    }

    /// Checks everything the API documents before the request is sent.
    ///
    /// # Errors
    /// The first offending field, named by its dotted path.
    pub fn validate(&self) -> Result<(), ValidationError> {
        // The name was checked when the `PolicyName` was made; check again in case of a
        // future constructor that skips it.
        PolicyName::new(self.policy_name.as_str())?;
        check_range(
            "rentalDuration",
            self.rental_duration,
            0,
            MAX_DURATION_SECONDS,
        )?;
        check_range(
            "playbackDuration",
            self.playback_duration,
            0,
            MAX_DURATION_SECONDS,
        )?;
        if self.rental_duration > 0 && !self.persistent {
            return Err(ValidationError::new(
                "persistent",
                Problem::Rule("must be true when rentalDuration is used"),
            ));
        }
        self.drm_policy_config.validate()
    }

    /// Reads a request body from JSON (accepting the older key spellings) and validates it.
    ///
    /// # Errors
    /// [`ValidationError`] naming the field, also for malformed JSON (field `body`).
    pub fn from_json(bytes: &[u8]) -> Result<Self, ValidationError> {
        let request: Self = serde_json::from_slice(bytes)
            .map_err(|e| ValidationError::new("body", Problem::Json(e.to_string())))?;
        request.validate()?;
        Ok(request)
    }
}

/// A policy as the API returns it (list items and `content`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// Id (0 is the built-in "Basic" policy).
    #[serde(deserialize_with = "lenient::int", alias = "id")]
    pub policy_id: i64,
    /// Name.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_name: Option<String>,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_status: Option<PolicyStatus>,
    /// Whether the Sub Account is disabled.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub disabled: Option<bool>,
    /// Creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_created_time: Option<ApiTime>,
    /// Last update time.
    #[serde(
        default,
        alias = "policyUpdatedTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_update_time: Option<ApiTime>,
    /// Persistent licenses.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub persistent: Option<bool>,
    /// Rental duration, seconds.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub rental_duration: Option<i64>,
    /// Playback duration, seconds.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub playback_duration: Option<i64>,
    /// DRM blocks (object, or one-element array in older revisions).
    #[serde(
        default,
        alias = "drmConfig",
        deserialize_with = "lenient::opt_one_or_first",
        skip_serializing_if = "Option::is_none"
    )]
    pub drm_policy_config: Option<DrmPolicyConfig>,
    /// Fields this crate does not model, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Policy {
    /// A create/update body with this policy's settings, e.g. to change one field and send it
    /// back. Missing fields take the defaults of [`PolicyRequest::new`].
    ///
    /// # Errors
    /// When the policy's name is not a valid request name (e.g. a long `Copy_…` name).
    pub fn to_request(&self) -> Result<PolicyRequest, ValidationError> {
        let name = PolicyName::new(self.policy_name.clone().unwrap_or_default())?;
        let mut request = PolicyRequest::new(name);
        request.persistent = self.persistent.unwrap_or(false);
        request.rental_duration = self.rental_duration.unwrap_or(0);
        request.playback_duration = self.playback_duration.unwrap_or(0);
        if let Some(config) = &self.drm_policy_config {
            request.drm_policy_config = config.clone();
        }
        Ok(request)
    }
}

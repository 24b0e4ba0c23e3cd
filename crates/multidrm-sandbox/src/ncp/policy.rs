//! DRM policies: the create/update body (spec §4) read strictly, and the policy object rendered
//! in the current field naming (or drifted, see [`ResponseDrift`]).

use serde_json::{Map, Value, json};

use super::drift::ResponseDrift;
use super::errors::ServiceError;
use super::fields::Fields;

/// Id of the built-in policy.
pub(crate) const BASIC_POLICY_ID: i64 = 0;
/// Name of the built-in policy.
pub(crate) const BASIC_POLICY_NAME: &str = "Basic";

const MAX_DURATION: i64 = 2_147_483_647;
const WIDEVINE_HDCP: &[&str] = &[
    "HDCP_NONE",
    "HDCP_V1",
    "HDCP_V2",
    "HDCP_V2_1",
    "HDCP_V2_2",
    "HDCP_NO_DIGITAL_OUTPUT",
];
const WIDEVINE_CGMS: &[&str] = &["CGMS_NONE", "COPY_FREE", "COPY_ONCE", "COPY_NEVER"];
const WIDEVINE_SRM_RULE: &[&str] = &["HDCP_SRM_RULE_NONE", "CURRENT_SRM"];
const PLAYREADY_SECURITY: &[i64] = &[150, 2000, 3000];
const PLAYREADY_DIGITAL_VIDEO: &[i64] = &[100, 250, 270, 300, 301];
const PLAYREADY_ANALOG_VIDEO: &[i64] = &[100, 150, 200, 201];
const PLAYREADY_DIGITAL_AUDIO: &[i64] = &[100, 250, 300, 301];
const FAIRPLAY_HDCP: &[&str] = &["-1", "0", "1"];

/// Widevine block of `drmPolicyConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Widevine {
    use_yn: bool,
    security_level: i64,
    hdcp: &'static str,
    cgms: &'static str,
    disable_analog_output_yn: bool,
    hdcp_srm_rule: &'static str,
    device_revocation: bool,
}

/// PlayReady block of `drmPolicyConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlayReady {
    use_yn: bool,
    security_level: i64,
    digital_video_protection_level: i64,
    analog_video_protection_level: i64,
    digital_audio_protection_level: i64,
    hdcp_use_yn: bool,
}

/// FairPlay block of `drmPolicyConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FairPlay {
    use_yn: bool,
    hdcp_enforcement: &'static str,
    allow_air_play: bool,
    allow_av_adaptor: bool,
}

/// The three DRM blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DrmPolicyConfig {
    widevine: Widevine,
    playready: PlayReady,
    fairplay: FairPlay,
}

impl DrmPolicyConfig {
    /// What the built-in "Basic" policy carries: every DRM on, lowest requirements.
    pub(crate) fn basic() -> Self {
        Self {
            widevine: Widevine {
                use_yn: true,
                security_level: 1,
                hdcp: "HDCP_NONE",
                cgms: "CGMS_NONE",
                disable_analog_output_yn: false,
                hdcp_srm_rule: "HDCP_SRM_RULE_NONE",
                device_revocation: false,
            },
            playready: PlayReady {
                use_yn: true,
                security_level: 150,
                digital_video_protection_level: 100,
                analog_video_protection_level: 100,
                digital_audio_protection_level: 100,
                hdcp_use_yn: false,
            },
            fairplay: FairPlay {
                use_yn: true,
                hdcp_enforcement: "-1",
                allow_air_play: true,
                allow_av_adaptor: true,
            },
        }
    }

    fn parse(fields: &Fields<'_>) -> Result<Self, ServiceError> {
        let defaults = Self::basic();
        let wv = fields.object("widevine")?;
        let widevine = Widevine {
            use_yn: wv.bool("useYn")?,
            security_level: wv
                .optional_int_in("securityLevel", 1, 5)?
                .unwrap_or(defaults.widevine.security_level),
            hdcp: wv
                .optional_string_of("hdcp", WIDEVINE_HDCP)?
                .unwrap_or(defaults.widevine.hdcp),
            cgms: wv
                .optional_string_of("cgms", WIDEVINE_CGMS)?
                .unwrap_or(defaults.widevine.cgms),
            disable_analog_output_yn: wv
                .optional_bool("disableAnalogOutputYn")?
                .unwrap_or(defaults.widevine.disable_analog_output_yn),
            hdcp_srm_rule: wv
                .optional_string_of("hdcpSrmRule", WIDEVINE_SRM_RULE)?
                .unwrap_or(defaults.widevine.hdcp_srm_rule),
            device_revocation: wv
                .optional_bool("deviceRevocation")?
                .unwrap_or(defaults.widevine.device_revocation),
        };
        let pr = fields.object("playready")?;
        let playready = PlayReady {
            use_yn: pr.bool("useYn")?,
            security_level: pr
                .optional_int_of("securityLevel", PLAYREADY_SECURITY)?
                .unwrap_or(defaults.playready.security_level),
            digital_video_protection_level: pr
                .optional_int_of("digitalVideoProtectionLevel", PLAYREADY_DIGITAL_VIDEO)?
                .unwrap_or(defaults.playready.digital_video_protection_level),
            analog_video_protection_level: pr
                .optional_int_of("analogVideoProtectionLevel", PLAYREADY_ANALOG_VIDEO)?
                .unwrap_or(defaults.playready.analog_video_protection_level),
            digital_audio_protection_level: pr
                .optional_int_of("digitalAudioProtectionLevel", PLAYREADY_DIGITAL_AUDIO)?
                .unwrap_or(defaults.playready.digital_audio_protection_level),
            hdcp_use_yn: pr
                .optional_bool("hdcpUseYn")?
                .unwrap_or(defaults.playready.hdcp_use_yn),
        };
        let fp = fields.object("fairplay")?;
        let fairplay = FairPlay {
            use_yn: fp.bool("useYn")?,
            hdcp_enforcement: fp
                .optional_string_of("hdcpEnforcement", FAIRPLAY_HDCP)?
                .unwrap_or(defaults.fairplay.hdcp_enforcement),
            allow_air_play: fp
                .optional_bool("allowAirPlay")?
                .unwrap_or(defaults.fairplay.allow_air_play),
            allow_av_adaptor: fp
                .optional_bool("allowAvAdaptor")?
                .unwrap_or(defaults.fairplay.allow_av_adaptor),
        };
        Ok(Self {
            widevine,
            playready,
            fairplay,
        })
    }

    fn render(&self, drift: ResponseDrift) -> Value {
        let number = |value: i64| render_number(value, drift);
        let widevine = json!({
            "useYn": self.widevine.use_yn,
            "securityLevel": number(self.widevine.security_level),
            "hdcp": self.widevine.hdcp,
            "cgms": self.widevine.cgms,
            "disableAnalogOutputYn": self.widevine.disable_analog_output_yn,
            "hdcpSrmRule": self.widevine.hdcp_srm_rule,
            "deviceRevocation": self.widevine.device_revocation,
        });
        let playready = json!({
            "useYn": self.playready.use_yn,
            "securityLevel": number(self.playready.security_level),
            "digitalVideoProtectionLevel": number(self.playready.digital_video_protection_level),
            "analogVideoProtectionLevel": number(self.playready.analog_video_protection_level),
            "digitalAudioProtectionLevel": number(self.playready.digital_audio_protection_level),
            "hdcpUseYn": self.playready.hdcp_use_yn,
        });
        let fairplay = json!({
            "useYn": self.fairplay.use_yn,
            "hdcpEnforcement": self.fairplay.hdcp_enforcement,
            "allowAirPlay": self.fairplay.allow_air_play,
            "allowAvAdaptor": self.fairplay.allow_av_adaptor,
        });
        let (wv, pr, fp) = if drift.legacy_drm_keys {
            ("wideVine", "playReady", "fairPlay")
        } else {
            ("widevine", "playready", "fairplay")
        };
        let mut config = Map::new();
        config.insert(wv.to_owned(), widevine);
        config.insert(pr.to_owned(), playready);
        config.insert(fp.to_owned(), fairplay);
        if drift.drm_config_as_array {
            Value::Array(vec![Value::Object(config)])
        } else {
            Value::Object(config)
        }
    }
}

fn render_number(value: i64, drift: ResponseDrift) -> Value {
    if drift.numbers_as_strings {
        Value::String(value.to_string())
    } else {
        Value::from(value)
    }
}

/// A validated create/update body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyInput {
    pub(crate) name: String,
    persistent: bool,
    rental_duration: i64,
    playback_duration: i64,
    config: DrmPolicyConfig,
}

impl PolicyInput {
    /// Reads a body strictly: all five top-level fields and all three DRM blocks (current
    /// lower-case keys) are required; inside a block only `useYn` is.
    pub(crate) fn parse(body: &Value) -> Result<Self, ServiceError> {
        let fields = Fields::of(body, "")?;
        let name = validate_name("policyName", fields.string("policyName")?)?;
        let persistent = fields.bool("persistent")?;
        let rental_duration = fields.int_in("rentalDuration", 0, MAX_DURATION)?;
        let playback_duration = fields.int_in("playbackDuration", 0, MAX_DURATION)?;
        if rental_duration > 0 && !persistent {
            return Err(ServiceError::invalid(
                "persistent",
                "must be true when rentalDuration is used",
            ));
        }
        let config = DrmPolicyConfig::parse(&fields.object("drmPolicyConfig")?)?;
        Ok(Self {
            name,
            persistent,
            rental_duration,
            playback_duration,
            config,
        })
    }
}

/// Checks a policy or site name: 3 to 20 of `[A-Za-z0-9_]` (plus `extra` characters).
pub(crate) fn validate_name_with(
    field: &str,
    name: &str,
    extra: &[char],
) -> Result<String, ServiceError> {
    let count = name.chars().count();
    if !(3..=20).contains(&count) {
        return Err(ServiceError::invalid(
            field,
            &format!("must be 3 to 20 characters (got {count})"),
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || extra.contains(c)))
    {
        return Err(ServiceError::invalid(
            field,
            &format!("character {bad:?} is not allowed (letters, digits and _ only)"),
        ));
    }
    Ok(name.to_owned())
}

fn validate_name(field: &str, name: &str) -> Result<String, ServiceError> {
    validate_name_with(field, name, &[])
}

/// A stored policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) status: &'static str,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
    persistent: bool,
    rental_duration: i64,
    playback_duration: i64,
    config: DrmPolicyConfig,
}

impl Policy {
    /// The built-in policy 0 "Basic".
    pub(crate) fn basic(now_ms: i64) -> Self {
        Self {
            id: BASIC_POLICY_ID,
            name: BASIC_POLICY_NAME.to_owned(),
            status: "READY",
            created_ms: now_ms,
            updated_ms: now_ms,
            persistent: false,
            rental_duration: 0,
            playback_duration: 0,
            config: DrmPolicyConfig::basic(),
        }
    }

    /// A new policy from a validated body.
    pub(crate) fn from_input(id: i64, input: PolicyInput, now_ms: i64) -> Self {
        Self {
            id,
            name: input.name,
            status: "READY",
            created_ms: now_ms,
            updated_ms: now_ms,
            persistent: input.persistent,
            rental_duration: input.rental_duration,
            playback_duration: input.playback_duration,
            config: input.config,
        }
    }

    /// Replaces every field from a validated body (update is a full replace).
    pub(crate) fn replace(&mut self, input: PolicyInput, now_ms: i64) {
        self.name = input.name;
        self.persistent = input.persistent;
        self.rental_duration = input.rental_duration;
        self.playback_duration = input.playback_duration;
        self.config = input.config;
        self.updated_ms = now_ms;
    }

    /// A copy under a new id and name.
    pub(crate) fn copy_as(&self, id: i64, name: String, now_ms: i64) -> Self {
        Self {
            id,
            name,
            status: "READY",
            created_ms: now_ms,
            updated_ms: now_ms,
            ..self.clone()
        }
    }

    /// The policy object of responses.
    pub(crate) fn render(&self, drift: ResponseDrift) -> Value {
        json!({
            "disabled": false,
            "policyId": self.id,
            "policyName": self.name,
            "policyStatus": self.status,
            "policyCreatedTime": self.created_ms,
            "policyUpdateTime": self.updated_ms,
            "persistent": self.persistent,
            "rentalDuration": render_number(self.rental_duration, drift),
            "playbackDuration": render_number(self.playback_duration, drift),
            "drmPolicyConfig": self.config.render(drift),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ncp::errors::ServiceErrorCode;

    fn body() -> Value {
        json!({
            "policyName": "Movies_HD",
            "persistent": true,
            "rentalDuration": 3600,
            "playbackDuration": 600,
            "drmPolicyConfig": {
                "widevine": {"useYn": true, "securityLevel": 5, "hdcp": "HDCP_V2_2"},
                "playready": {"useYn": true, "securityLevel": 3000, "digitalVideoProtectionLevel": 301},
                "fairplay": {"useYn": false, "hdcpEnforcement": "1"}
            }
        })
    }

    fn error_message(value: &Value) -> String {
        PolicyInput::parse(value).expect_err("invalid body").message
    }

    #[test]
    fn parses_and_fills_block_defaults() {
        let input = PolicyInput::parse(&body()).expect("valid");
        let policy = Policy::from_input(7, input, 1_700_000_000_000);
        let rendered = policy.render(ResponseDrift::CURRENT);
        assert_eq!(rendered["policyId"], 7);
        assert_eq!(rendered["drmPolicyConfig"]["widevine"]["securityLevel"], 5);
        assert_eq!(rendered["drmPolicyConfig"]["widevine"]["cgms"], "CGMS_NONE");
        assert_eq!(
            rendered["drmPolicyConfig"]["playready"]["analogVideoProtectionLevel"],
            100
        );
        assert_eq!(
            rendered["drmPolicyConfig"]["fairplay"]["hdcpEnforcement"],
            "1"
        );
        assert_eq!(
            rendered["drmPolicyConfig"]["fairplay"]["allowAirPlay"],
            true
        );
        assert_eq!(rendered["policyCreatedTime"], 1_700_000_000_000_i64);
    }

    #[test]
    fn name_length_bounds() {
        for (name, ok) in [
            ("ab", false),
            ("abc", true),
            ("a23456789_123456789b", true),
            ("a23456789_123456789bc", false),
            ("has space", false),
            ("dash-ed", false),
        ] {
            let mut value = body();
            value["policyName"] = json!(name);
            assert_eq!(PolicyInput::parse(&value).is_ok(), ok, "{name}");
        }
    }

    #[test]
    fn every_top_level_field_is_required() {
        for field in [
            "policyName",
            "persistent",
            "rentalDuration",
            "playbackDuration",
            "drmPolicyConfig",
        ] {
            let mut value = body();
            value.as_object_mut().expect("object").remove(field);
            assert_eq!(error_message(&value), format!("{field}: is required"));
        }
    }

    #[test]
    fn every_block_is_required_under_its_current_name() {
        let mut value = body();
        let config = value["drmPolicyConfig"].as_object_mut().expect("object");
        let block = config.remove("widevine").expect("present");
        config.insert("wideVine".to_owned(), block);
        assert_eq!(
            error_message(&value),
            "drmPolicyConfig.widevine: is required"
        );
    }

    #[test]
    fn use_yn_is_required_in_each_block() {
        let mut value = body();
        value["drmPolicyConfig"]["fairplay"] = json!({"hdcpEnforcement": "0"});
        assert_eq!(
            error_message(&value),
            "drmPolicyConfig.fairplay.useYn: is required"
        );
    }

    #[test]
    fn value_ranges() {
        let cases = [
            ("/drmPolicyConfig/widevine/securityLevel", json!(6)),
            ("/drmPolicyConfig/widevine/securityLevel", json!(0)),
            ("/drmPolicyConfig/widevine/hdcp", json!("HDCP_V3")),
            ("/drmPolicyConfig/widevine/cgms", json!("COPY_TWICE")),
            ("/drmPolicyConfig/widevine/hdcpSrmRule", json!("NONE")),
            ("/drmPolicyConfig/playready/securityLevel", json!(1000)),
            (
                "/drmPolicyConfig/playready/digitalVideoProtectionLevel",
                json!(200),
            ),
            (
                "/drmPolicyConfig/playready/analogVideoProtectionLevel",
                json!(250),
            ),
            (
                "/drmPolicyConfig/playready/digitalAudioProtectionLevel",
                json!(270),
            ),
            ("/drmPolicyConfig/fairplay/hdcpEnforcement", json!(-1)),
            ("/drmPolicyConfig/fairplay/hdcpEnforcement", json!("2")),
            ("/rentalDuration", json!(-1)),
            ("/playbackDuration", json!(2_147_483_648_i64)),
            ("/persistent", json!("true")),
        ];
        for (pointer, bad) in cases {
            let mut value = body();
            let (parent, key) = pointer.rsplit_once('/').expect("pointer");
            value
                .pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .expect("parent object")
                .insert(key.to_owned(), bad.clone());
            let err = PolicyInput::parse(&value).expect_err(pointer);
            assert_eq!(err.code, ServiceErrorCode::InvalidParameter, "{pointer}");
            let dotted = pointer.trim_start_matches('/').replace('/', ".");
            assert!(
                err.message.starts_with(&dotted),
                "{pointer}: {}",
                err.message
            );
        }
    }

    #[test]
    fn rental_needs_persistent() {
        let mut value = body();
        value["persistent"] = json!(false);
        assert_eq!(
            error_message(&value),
            "persistent: must be true when rentalDuration is used"
        );
        value["rentalDuration"] = json!(0);
        assert!(PolicyInput::parse(&value).is_ok());
    }

    #[test]
    fn legacy_rendering() {
        let rendered = Policy::basic(0).render(ResponseDrift::LEGACY);
        let config = &rendered["drmPolicyConfig"][0];
        assert_eq!(config["wideVine"]["securityLevel"], "1");
        assert_eq!(config["playReady"]["securityLevel"], "150");
        assert_eq!(config["fairPlay"]["hdcpEnforcement"], "-1");
        assert!(config.get("widevine").is_none());
        assert_eq!(rendered["rentalDuration"], "0");
        assert_eq!(rendered["policyId"], 0);
    }
}

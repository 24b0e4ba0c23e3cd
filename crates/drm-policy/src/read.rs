//! Reading a policy from JSON text, with every violation collected.
//!
//! A value of the wrong JSON type maps to that field's official code (`"persistent": "true"` →
//! 1009, `"license_duration": 3600.0` → 1010, `"track_type": "FHD"` → 1013, a 32-digit `cek` →
//! 1047…). A key that the enclosing object does not define is an error at its path, with the
//! enclosing object's code (2001 at the top level; 1008 for the Python sample's
//! `external_policy`). Then the rules of [`Policy::validate`] run on what could be read.
//!
//! Leniency, on purpose: `"iv": null` in an `mpeg_cenc` entry (what the Python sample writes) is
//! read as "no IV". Strictness, on purpose: key material must be lower-case hex of exact length
//! (as the license server requires), WisePlay values must be within their documented ranges.

use serde_json::{Map, Value};

use crate::codes::{self, ErrorCode};
use crate::enums::*;
use crate::ids::{KeyId, TrackType};
use crate::model::*;
use crate::validate::clip;
use crate::violation::{PolicyError, Violation, Violations};

/// The largest policy document read (1 MiB); real policies are a few kilobytes.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

impl Policy {
    /// Reads and validates a policy JSON document.
    ///
    /// # Errors
    /// Every violation found, each with its JSON path and official code.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let (policy, violations) = read_policy(text.as_bytes());
        Violations(violations).into_result(policy.unwrap_or_default())
    }

    /// Reads and validates a policy JSON document given as bytes (must be UTF-8).
    ///
    /// # Errors
    /// As [`Policy::from_json`].
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let (policy, violations) = read_policy(bytes);
        Violations(violations).into_result(policy.unwrap_or_default())
    }

    /// Reads and validates an already parsed JSON value.
    ///
    /// # Errors
    /// As [`Policy::from_json`].
    pub fn from_json_value(value: &Value) -> Result<Policy, PolicyError> {
        let mut r = Reader::default();
        let policy = r.policy(value);
        r.finish(&policy);
        r.v.into_result(policy)
    }
}

/// Every violation of a policy document (empty when it is valid). Never panics, whatever the input.
pub fn check(bytes: &[u8]) -> Vec<Violation> {
    read_policy(bytes).1
}

fn read_policy(bytes: &[u8]) -> (Option<Policy>, Vec<Violation>) {
    let mut r = Reader::default();
    if bytes.len() > MAX_POLICY_BYTES {
        r.v.push(
            codes::JSON_PARSE,
            "$",
            format!(
                "policy is {} bytes; the limit is {MAX_POLICY_BYTES}",
                bytes.len()
            ),
        );
        return (None, r.v.0);
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            r.v.push(codes::JSON_PARSE, "$", format!("not valid JSON: {e}"));
            return (None, r.v.0);
        }
    };
    let policy = r.policy(&value);
    r.finish(&policy);
    (Some(policy), r.v.0)
}

#[derive(Default)]
struct Reader {
    v: Violations,
    /// `external_key` had members (all unreadable): do not also report it as empty.
    external_had_members: bool,
}

impl Reader {
    fn finish(&mut self, policy: &Policy) {
        policy.check_into(&mut self.v);
        // An `external_key` whose members could not be read is reported at those members, not
        // also as "empty"; one whose members are empty lists is empty (1018).
        let member_errors = self
            .v
            .0
            .iter()
            .any(|v| v.path.starts_with("$.external_key."));
        if self.external_had_members && member_errors {
            self.v.0.retain(|v| v.code != codes::EXTERNAL_KEY_EMPTY);
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a non-integer number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Reader {
    fn object<'a>(
        &mut self,
        value: &'a Value,
        path: &str,
        code: ErrorCode,
        what: &str,
    ) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                self.v.push(
                    code,
                    path,
                    format!("{what} should be an object, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn known_keys(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        code: ErrorCode,
        allowed: &[&str],
    ) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let key_path = format!("{path}.{}", clip(key));
                let message = format!(
                    "unknown field {:?}; expected one of: {}",
                    clip(key),
                    allowed.join(", ")
                );
                self.v.push(code, &key_path, message);
            }
        }
    }

    fn bool(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        code: ErrorCode,
    ) -> Option<bool> {
        match map.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                self.v.push(
                    code,
                    &format!("{path}.{key}"),
                    format!("{key} should be a boolean, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn int(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        code: ErrorCode,
    ) -> Option<i64> {
        let value = map.get(key)?;
        match value {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            Value::Number(n) if n.is_u64() => {
                self.v.push(
                    code,
                    &format!("{path}.{key}"),
                    format!("{key} is out of range: {n}"),
                );
                None
            }
            other => {
                self.v.push(
                    code,
                    &format!("{path}.{key}"),
                    format!("{key} should be an integer, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn str<'a>(
        &mut self,
        map: &'a Map<String, Value>,
        path: &str,
        key: &str,
        code: ErrorCode,
    ) -> Option<&'a str> {
        match map.get(key)? {
            Value::String(s) => Some(s),
            other => {
                self.v.push(
                    code,
                    &format!("{path}.{key}"),
                    format!("{key} should be a string, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn str_enum<T>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        code: ErrorCode,
        parse: fn(&str) -> Option<T>,
        expected: String,
    ) -> Option<T> {
        let text = self.str(map, path, key, code)?;
        let parsed = parse(text);
        if parsed.is_none() {
            self.v.push(
                code,
                &format!("{path}.{key}"),
                format!("{key} {:?} is not one of: {expected}", clip(text)),
            );
        }
        parsed
    }

    fn int_enum<T>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        code: ErrorCode,
        parse: fn(i64) -> Option<T>,
        expected: String,
    ) -> Option<T> {
        let value = self.int(map, path, key, code)?;
        let parsed = parse(value);
        if parsed.is_none() {
            self.v.push(
                code,
                &format!("{path}.{key}"),
                format!("{key} {value} is not one of: {expected}"),
            );
        }
        parsed
    }

    fn track_type(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        code: ErrorCode,
    ) -> Option<TrackType> {
        let values = TrackType::ALL_VALUES.map(TrackType::as_str).join(", ");
        self.str_enum(map, path, "track_type", code, |s| s.parse().ok(), values)
    }

    fn hex<const N: usize>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        code: ErrorCode,
    ) -> Option<[u8; N]> {
        let text = self.str(map, path, key, code)?;
        let bytes = crate::ids::decode_hex(text, crate::ids::HexCase::Lower)
            .and_then(|b| <[u8; N]>::try_from(b).ok());
        if bytes.is_none() {
            self.v.push(
                code,
                &format!("{path}.{key}"),
                format!(
                    "{key} should be {} lower-case hex digits ({N} bytes), got {} characters",
                    N * 2,
                    text.chars().count()
                ),
            );
        }
        bytes
    }

    fn required<T>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        code: ErrorCode,
        value: Option<T>,
    ) -> Option<T> {
        if !map.contains_key(key) {
            self.v
                .push(code, &format!("{path}.{key}"), format!("{key} is required"));
        }
        value
    }

    fn policy(&mut self, value: &Value) -> Policy {
        let mut policy = Policy::default();
        let Some(map) = self.object(value, "$", codes::JSON_PARSE, "the policy") else {
            return policy;
        };
        for key in map.keys() {
            match key.as_str() {
                "policy_version" | "playback_policy" | "security_policy" | "external_key" => {}
                "external_policy" => self.v.push(
                    codes::EXTERNAL_KEY,
                    "$.external_policy",
                    "unknown field \"external_policy\" (the Python sample's misspelling): use \"external_key\"",
                ),
                other => self.v.push(
                    codes::JSON_PARSE,
                    &format!("$.{}", clip(other)),
                    format!(
                        "unknown field {:?}; expected one of: policy_version, playback_policy, security_policy, external_key",
                        clip(other)
                    ),
                ),
            }
        }
        match map.get("policy_version") {
            Some(Value::Number(n)) if n.as_i64() == Some(Policy::VERSION) => {}
            Some(other) => self.v.push(
                codes::JSON_PARSE,
                "$.policy_version",
                format!("policy_version must be 2, got {other}"),
            ),
            None => self.v.push(
                codes::JSON_PARSE,
                "$.policy_version",
                "policy_version is required (2)",
            ),
        }
        if let Some(p) = map.get("playback_policy") {
            policy.playback_policy = self.playback(p);
        }
        if let Some(s) = map.get("security_policy") {
            policy.security_policy = self.security_list(s);
        }
        if let Some(e) = map.get("external_key") {
            policy.external_key = self.external(e);
        }
        policy
    }

    fn playback(&mut self, value: &Value) -> Option<PlaybackPolicy> {
        const PATH: &str = "$.playback_policy";
        let map = self.object(value, PATH, codes::PLAYBACK_POLICY, "playback_policy")?;
        self.known_keys(
            map,
            PATH,
            codes::PLAYBACK_POLICY,
            &[
                "persistent",
                "license_duration",
                "expire_date",
                "allowed_track_types",
                "rental_duration",
                "playback_duration",
                "max_stream_per_user",
                "renewal_duration",
            ],
        );
        let renewal_duration = match map.get("renewal_duration") {
            None => None,
            Some(Value::Number(n)) if n.is_i64() => n.as_i64().map(RenewalDuration::Seconds),
            Some(Value::String(s)) => Some(RenewalDuration::Text(s.clone())),
            Some(other) => {
                self.v.push(
                    codes::RENEWAL_DURATION,
                    "$.playback_policy.renewal_duration",
                    format!(
                        "renewal_duration should be an integer or a numeric string, got {}",
                        type_name(other)
                    ),
                );
                None
            }
        };
        Some(PlaybackPolicy {
            persistent: self.bool(map, PATH, "persistent", codes::PERSISTENT),
            license_duration: self.int(map, PATH, "license_duration", codes::LICENSE_DURATION),
            expire_date: self
                .str(map, PATH, "expire_date", codes::EXPIRE_DATE)
                .map(str::to_owned),
            allowed_track_types: self.str_enum(
                map,
                PATH,
                "allowed_track_types",
                codes::ALLOWED_TRACK_TYPES,
                AllowedTrackTypes::from_wire,
                AllowedTrackTypes::expected(),
            ),
            rental_duration: self.int(map, PATH, "rental_duration", codes::RENTAL_DURATION),
            playback_duration: self.int(map, PATH, "playback_duration", codes::PLAYBACK_DURATION),
            max_stream_per_user: self.int(
                map,
                PATH,
                "max_stream_per_user",
                codes::MAX_STREAM_PER_USER,
            ),
            renewal_duration,
        })
    }

    fn security_list(&mut self, value: &Value) -> Vec<SecurityPolicy> {
        let Value::Array(items) = value else {
            self.v.push(
                codes::SECURITY_POLICY,
                "$.security_policy",
                format!(
                    "security_policy should be an array of objects, got {}",
                    type_name(value)
                ),
            );
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.security(item, &format!("$.security_policy[{i}]")))
            .collect()
    }

    fn security(&mut self, value: &Value, path: &str) -> Option<SecurityPolicy> {
        let map = self.object(
            value,
            path,
            codes::SECURITY_POLICY,
            "a security_policy entry",
        )?;
        self.known_keys(
            map,
            path,
            codes::SECURITY_POLICY,
            &[
                "track_type",
                "widevine",
                "playready",
                "fairplay",
                "ncg",
                "wiseplay",
            ],
        );
        let track_type = self
            .track_type(map, path, codes::SECURITY_TRACK_TYPE)
            .unwrap_or(TrackType::All);
        let mut entry = SecurityPolicy::new(track_type);
        if let Some(w) = map.get("widevine") {
            entry.widevine = self.widevine(w, &format!("{path}.widevine"));
        }
        if let Some(p) = map.get("playready") {
            entry.playready = self.playready(p, &format!("{path}.playready"));
        }
        if let Some(f) = map.get("fairplay") {
            entry.fairplay = self.fairplay(f, &format!("{path}.fairplay"));
        }
        if let Some(n) = map.get("ncg") {
            entry.ncg = self.ncg_security(n, &format!("{path}.ncg"));
        }
        if let Some(w) = map.get("wiseplay") {
            entry.wiseplay = self.wiseplay(w, &format!("{path}.wiseplay"));
        }
        Some(entry)
    }

    fn widevine(&mut self, value: &Value, path: &str) -> Option<Widevine> {
        let map = self.object(value, path, codes::WIDEVINE, "widevine")?;
        self.known_keys(
            map,
            path,
            codes::WIDEVINE,
            &[
                "security_level",
                "required_hdcp_version",
                "required_cgms_flags",
                "disable_analog_output",
                "hdcp_srm_rule",
                "override_device_revocation",
                "enable_license_cipher",
                "allow_test_device",
            ],
        );
        Some(Widevine {
            security_level: self.int_enum(
                map,
                path,
                "security_level",
                codes::WIDEVINE_SECURITY_LEVEL,
                WidevineSecurityLevel::from_value,
                WidevineSecurityLevel::expected(),
            ),
            required_hdcp_version: self.str_enum(
                map,
                path,
                "required_hdcp_version",
                codes::WIDEVINE_HDCP_VERSION,
                HdcpVersion::from_wire,
                HdcpVersion::expected(),
            ),
            required_cgms_flags: self.str_enum(
                map,
                path,
                "required_cgms_flags",
                codes::WIDEVINE_CGMS_FLAGS,
                CgmsFlags::from_wire,
                CgmsFlags::expected(),
            ),
            disable_analog_output: self.bool(
                map,
                path,
                "disable_analog_output",
                codes::WIDEVINE_DISABLE_ANALOG_OUTPUT,
            ),
            hdcp_srm_rule: self.str_enum(
                map,
                path,
                "hdcp_srm_rule",
                codes::WIDEVINE_HDCP_SRM_RULE,
                HdcpSrmRule::from_wire,
                HdcpSrmRule::expected(),
            ),
            override_device_revocation: self.bool(
                map,
                path,
                "override_device_revocation",
                codes::WIDEVINE_OVERRIDE_DEVICE_REVOCATION,
            ),
            enable_license_cipher: self.bool(
                map,
                path,
                "enable_license_cipher",
                codes::WIDEVINE_ENABLE_LICENSE_CIPHER,
            ),
            allow_test_device: self.bool(
                map,
                path,
                "allow_test_device",
                codes::WIDEVINE_ALLOW_TEST_DEVICE,
            ),
        })
    }

    fn playready(&mut self, value: &Value, path: &str) -> Option<PlayReady> {
        let map = self.object(value, path, codes::PLAYREADY, "playready")?;
        self.known_keys(
            map,
            path,
            codes::PLAYREADY,
            &[
                "security_level",
                "digital_video_protection_level",
                "analog_video_protection_level",
                "digital_audio_protection_level",
                "require_hdcp_type_1",
                "enable_license_cipher",
            ],
        );
        Some(PlayReady {
            security_level: self.int_enum(
                map,
                path,
                "security_level",
                codes::PLAYREADY_SECURITY_LEVEL,
                PlayReadySecurityLevel::from_value,
                PlayReadySecurityLevel::expected(),
            ),
            digital_video_protection_level: self.int_enum(
                map,
                path,
                "digital_video_protection_level",
                codes::PLAYREADY_DIGITAL_VIDEO,
                DigitalVideoProtection::from_value,
                DigitalVideoProtection::expected(),
            ),
            analog_video_protection_level: self.int_enum(
                map,
                path,
                "analog_video_protection_level",
                codes::PLAYREADY_ANALOG_VIDEO,
                AnalogVideoProtection::from_value,
                AnalogVideoProtection::expected(),
            ),
            digital_audio_protection_level: self.int_enum(
                map,
                path,
                "digital_audio_protection_level",
                codes::PLAYREADY_DIGITAL_AUDIO,
                DigitalAudioProtection::from_value,
                DigitalAudioProtection::expected(),
            ),
            require_hdcp_type_1: self.bool(
                map,
                path,
                "require_hdcp_type_1",
                codes::PLAYREADY_REQUIRE_HDCP_TYPE_1,
            ),
            enable_license_cipher: self.bool(
                map,
                path,
                "enable_license_cipher",
                codes::PLAYREADY_ENABLE_LICENSE_CIPHER,
            ),
        })
    }

    fn fairplay(&mut self, value: &Value, path: &str) -> Option<FairPlay> {
        let map = self.object(value, path, codes::FAIRPLAY, "fairplay")?;
        self.known_keys(
            map,
            path,
            codes::FAIRPLAY,
            &["hdcp_enforcement", "allow_airplay", "allow_av_adapter"],
        );
        Some(FairPlay {
            hdcp_enforcement: self.int_enum(
                map,
                path,
                "hdcp_enforcement",
                codes::FAIRPLAY_HDCP_ENFORCEMENT,
                HdcpEnforcement::from_value,
                HdcpEnforcement::expected(),
            ),
            allow_airplay: self.bool(map, path, "allow_airplay", codes::FAIRPLAY_ALLOW_AIRPLAY),
            allow_av_adapter: self.bool(
                map,
                path,
                "allow_av_adapter",
                codes::FAIRPLAY_ALLOW_AV_ADAPTER,
            ),
        })
    }

    fn ncg_security(&mut self, value: &Value, path: &str) -> Option<NcgSecurity> {
        let map = self.object(value, path, codes::NCG, "ncg")?;
        self.known_keys(
            map,
            path,
            codes::NCG,
            &[
                "allow_mobile_abnormal_device",
                "allow_external_display",
                "control_hdcp",
            ],
        );
        Some(NcgSecurity {
            allow_mobile_abnormal_device: self.bool(
                map,
                path,
                "allow_mobile_abnormal_device",
                codes::NCG_ALLOW_MOBILE_ABNORMAL_DEVICE,
            ),
            allow_external_display: self.bool(
                map,
                path,
                "allow_external_display",
                codes::NCG_ALLOW_EXTERNAL_DISPLAY,
            ),
            control_hdcp: self.int_enum(
                map,
                path,
                "control_hdcp",
                codes::NCG_CONTROL_HDCP,
                ControlHdcp::from_value,
                ControlHdcp::expected(),
            ),
        })
    }

    fn wiseplay(&mut self, value: &Value, path: &str) -> Option<WisePlay> {
        let map = self.object(value, path, codes::WISEPLAY, "wiseplay")?;
        self.known_keys(
            map,
            path,
            codes::WISEPLAY,
            &["security_level", "output_control"],
        );
        Some(WisePlay {
            security_level: self.int_enum(
                map,
                path,
                "security_level",
                codes::WISEPLAY_SECURITY_LEVEL,
                WisePlaySecurityLevel::from_value,
                WisePlaySecurityLevel::expected(),
            ),
            output_control: self.int_enum(
                map,
                path,
                "output_control",
                codes::WISEPLAY_OUTPUT_CONTROL,
                OutputControl::from_value,
                OutputControl::expected(),
            ),
        })
    }

    fn external(&mut self, value: &Value) -> Option<ExternalKey> {
        const PATH: &str = "$.external_key";
        let map = self.object(value, PATH, codes::EXTERNAL_KEY, "external_key")?;
        self.known_keys(
            map,
            PATH,
            codes::EXTERNAL_KEY,
            &["mpeg_cenc", "hls_aes", "ncg"],
        );
        self.external_had_members = !map.is_empty();
        let mut external = ExternalKey::new();
        if let Some(list) = map.get("mpeg_cenc") {
            external.mpeg_cenc = self.list(
                list,
                "$.external_key.mpeg_cenc",
                codes::MPEG_CENC,
                Self::mpeg_cenc,
            );
        }
        if let Some(list) = map.get("hls_aes") {
            external.hls_aes = self.list(
                list,
                "$.external_key.hls_aes",
                codes::HLS_AES,
                Self::hls_aes,
            );
        }
        if let Some(ncg) = map.get("ncg") {
            external.ncg = self.ncg_key(ncg);
        }
        Some(external)
    }

    fn list<T>(
        &mut self,
        value: &Value,
        path: &str,
        code: ErrorCode,
        each: fn(&mut Self, &Map<String, Value>, &str) -> Option<T>,
    ) -> Vec<T> {
        let Value::Array(items) = value else {
            self.v.push(
                code,
                path,
                format!("should be an array of objects, got {}", type_name(value)),
            );
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if let Some(map) = self.object(item, &item_path, code, "a key entry") {
                if let Some(key) = each(self, map, &item_path) {
                    out.push(key);
                }
            }
        }
        out
    }

    fn mpeg_cenc(&mut self, map: &Map<String, Value>, path: &str) -> Option<MpegCencKey> {
        self.known_keys(
            map,
            path,
            codes::MPEG_CENC,
            &["track_type", "key_id", "key", "iv"],
        );
        let track_type = self.track_type(map, path, codes::MPEG_CENC_TRACK_TYPE);
        let track_type = self.required(
            map,
            path,
            "track_type",
            codes::MPEG_CENC_TRACK_TYPE,
            track_type,
        );
        let key_id = self.hex::<16>(map, path, "key_id", codes::MPEG_CENC_KEY_ID);
        let key_id = self.required(map, path, "key_id", codes::MPEG_CENC_KEY_ID, key_id);
        let key = self.hex::<16>(map, path, "key", codes::MPEG_CENC_KEY);
        let key = self.required(map, path, "key", codes::MPEG_CENC_KEY, key);
        // The Python sample writes `"iv": null` for "no IV": read it as absent.
        let iv = match map.get("iv") {
            None | Some(Value::Null) => None,
            Some(_) => Some(self.hex::<16>(map, path, "iv", codes::MPEG_CENC_IV)?),
        };
        Some(MpegCencKey {
            track_type: track_type?,
            key_id: KeyId::from_bytes(key_id?),
            key: ContentKey::from_bytes(key?),
            iv: iv.map(Iv::from_bytes),
        })
    }

    fn hls_aes(&mut self, map: &Map<String, Value>, path: &str) -> Option<HlsAesKey> {
        self.known_keys(
            map,
            path,
            codes::HLS_AES,
            &["track_type", "key_id", "key", "iv"],
        );
        let track_type = self.track_type(map, path, codes::HLS_AES_TRACK_TYPE);
        let track_type = self.required(
            map,
            path,
            "track_type",
            codes::HLS_AES_TRACK_TYPE,
            track_type,
        );
        let key_id = self.hex::<16>(map, path, "key_id", codes::HLS_AES_KEY_ID);
        let key_id = self.required(map, path, "key_id", codes::HLS_AES_KEY_ID, key_id);
        let key = self.hex::<16>(map, path, "key", codes::HLS_AES_KEY);
        let key = self.required(map, path, "key", codes::HLS_AES_KEY, key);
        let iv = self.hex::<16>(map, path, "iv", codes::HLS_AES_IV);
        let iv = self.required(map, path, "iv", codes::HLS_AES_IV, iv);
        Some(HlsAesKey {
            track_type: track_type?,
            key_id: KeyId::from_bytes(key_id?),
            key: ContentKey::from_bytes(key?),
            iv: Iv::from_bytes(iv?),
        })
    }

    fn ncg_key(&mut self, value: &Value) -> Option<NcgKey> {
        const PATH: &str = "$.external_key.ncg";
        let map = self.object(value, PATH, codes::EXTERNAL_NCG, "external_key.ncg")?;
        self.known_keys(map, PATH, codes::EXTERNAL_NCG, &["track_type", "cek"]);
        let track_type = self.track_type(map, PATH, codes::EXTERNAL_NCG_TRACK_TYPE);
        let cek = self.hex::<32>(map, PATH, "cek", codes::EXTERNAL_NCG_CEK);
        let cek = self.required(map, PATH, "cek", codes::EXTERNAL_NCG_CEK, cek)?;
        Some(NcgKey {
            track_type,
            cek: NcgCek::from_bytes(cek),
        })
    }
}

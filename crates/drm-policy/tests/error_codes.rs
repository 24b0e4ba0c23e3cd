//! One test per official error code a policy document can raise, named after the code.
#![allow(clippy::unwrap_used, missing_docs)]

use drm_policy::Policy;

/// Reads `body` (members after `"policy_version": 2`) and asserts that the first violation has
/// `code` at `path`.
fn assert_violation(body: &str, code: u16, path: &str) {
    let text = if body.is_empty() {
        r#"{"policy_version": 2}"#.to_owned()
    } else {
        format!(r#"{{"policy_version": 2, {body}}}"#)
    };
    let err = Policy::from_json(&text).expect_err(&text);
    let first = &err.violations()[0];
    assert_eq!(
        (first.code.get(), first.path.as_str()),
        (code, path),
        "{text}: {err}"
    );
    assert!(!first.message.is_empty());
}

macro_rules! code_cases {
    ($($name:ident: $body:expr => $code:literal at $path:literal;)*) => {
        $(#[test] fn $name() { assert_violation($body, $code, $path); })*
    };
}

code_cases! {
    code_1006_playback_policy_not_object: r#""playback_policy": []"# => 1006 at "$.playback_policy";
    code_1006_playback_policy_unknown_field: r#""playback_policy": {"duration": 5}"# => 1006 at "$.playback_policy.duration";
    code_1007_security_policy_not_list: r#""security_policy": {"track_type": "ALL"}"# => 1007 at "$.security_policy";
    code_1007_security_entry_not_object: r#""security_policy": [1]"# => 1007 at "$.security_policy[0]";
    code_1008_external_key_not_object: r#""external_key": "x""# => 1008 at "$.external_key";
    code_1008_python_external_policy_name: r#""external_policy": {}"# => 1008 at "$.external_policy";
    code_1009_persistent_string: r#""playback_policy": {"persistent": "true"}"# => 1009 at "$.playback_policy.persistent";
    code_1010_license_duration_float: r#""playback_policy": {"license_duration": 3600.0}"# => 1010 at "$.playback_policy.license_duration";
    code_1010_license_duration_negative: r#""playback_policy": {"license_duration": -5}"# => 1010 at "$.playback_policy.license_duration";
    code_1010_license_duration_too_large: r#""playback_policy": {"license_duration": 2147483648}"# => 1010 at "$.playback_policy.license_duration";
    code_1011_expire_date_not_a_date: r#""playback_policy": {"expire_date": "2025-19-59T29:59:59Z"}"# => 1011 at "$.playback_policy.expire_date";
    code_1011_expire_date_fractional: r#""playback_policy": {"expire_date": "2025-12-31T23:59:59.000Z"}"# => 1011 at "$.playback_policy.expire_date";
    code_1011_expire_date_feb_30: r#""playback_policy": {"expire_date": "2025-02-30T00:00:00Z"}"# => 1011 at "$.playback_policy.expire_date";
    code_1012_allowed_track_types: r#""playback_policy": {"allowed_track_types": "HD_ONLY"}"# => 1012 at "$.playback_policy.allowed_track_types";
    code_1013_track_type_fhd: r#""security_policy": [{"track_type": "FHD"}]"# => 1013 at "$.security_policy[0].track_type";
    code_1013_track_type_duplicate: r#""security_policy": [{"track_type": "HD"}, {"track_type": "HD"}]"# => 1013 at "$.security_policy[1].track_type";
    code_1014_widevine_not_object: r#""security_policy": [{"widevine": true}]"# => 1014 at "$.security_policy[0].widevine";
    code_1015_playready_not_object: r#""security_policy": [{"playready": 1}]"# => 1015 at "$.security_policy[0].playready";
    code_1016_fairplay_not_object: r#""security_policy": [{"fairplay": []}]"# => 1016 at "$.security_policy[0].fairplay";
    code_1018_external_key_empty: r#""external_key": {}"# => 1018 at "$.external_key";
    code_1019_mpeg_cenc_not_list: r#""external_key": {"mpeg_cenc": {}}"# => 1019 at "$.external_key.mpeg_cenc";
    code_1020_hls_aes_not_list: r#""external_key": {"hls_aes": "x"}"# => 1020 at "$.external_key.hls_aes";
    code_1021_external_ncg_not_object: r#""external_key": {"ncg": []}"# => 1021 at "$.external_key.ncg";
    code_1022_widevine_security_level: r#""security_policy": [{"widevine": {"security_level": 6}}]"# => 1022 at "$.security_policy[0].widevine.security_level";
    code_1023_widevine_hdcp_version: r#""security_policy": [{"widevine": {"required_hdcp_version": "HDCP_V3"}}]"# => 1023 at "$.security_policy[0].widevine.required_hdcp_version";
    code_1024_widevine_cgms_flags: r#""security_policy": [{"widevine": {"required_cgms_flags": "COPY"}}]"# => 1024 at "$.security_policy[0].widevine.required_cgms_flags";
    code_1025_widevine_disable_analog_output: r#""security_policy": [{"widevine": {"disable_analog_output": 1}}]"# => 1025 at "$.security_policy[0].widevine.disable_analog_output";
    code_1026_widevine_hdcp_srm_rule: r#""security_policy": [{"widevine": {"hdcp_srm_rule": "NONE"}}]"# => 1026 at "$.security_policy[0].widevine.hdcp_srm_rule";
    code_1027_playready_security_level: r#""security_policy": [{"playready": {"security_level": 1000}}]"# => 1027 at "$.security_policy[0].playready.security_level";
    code_1028_playready_digital_video: r#""security_policy": [{"playready": {"digital_video_protection_level": 200}}]"# => 1028 at "$.security_policy[0].playready.digital_video_protection_level";
    code_1029_playready_analog_video: r#""security_policy": [{"playready": {"analog_video_protection_level": 250}}]"# => 1029 at "$.security_policy[0].playready.analog_video_protection_level";
    code_1030_playready_digital_audio: r#""security_policy": [{"playready": {"digital_audio_protection_level": 270}}]"# => 1030 at "$.security_policy[0].playready.digital_audio_protection_level";
    code_1032_playready_require_hdcp_type_1: r#""security_policy": [{"playready": {"require_hdcp_type_1": "yes"}}]"# => 1032 at "$.security_policy[0].playready.require_hdcp_type_1";
    code_1033_fairplay_hdcp_enforcement: r#""security_policy": [{"fairplay": {"hdcp_enforcement": 2}}]"# => 1033 at "$.security_policy[0].fairplay.hdcp_enforcement";
    code_1034_fairplay_allow_airplay: r#""security_policy": [{"fairplay": {"allow_airplay": null}}]"# => 1034 at "$.security_policy[0].fairplay.allow_airplay";
    code_1035_fairplay_allow_av_adapter: r#""security_policy": [{"fairplay": {"allow_av_adapter": "false"}}]"# => 1035 at "$.security_policy[0].fairplay.allow_av_adapter";
    code_1036_ncg_allow_mobile_abnormal_device: r#""security_policy": [{"ncg": {"allow_mobile_abnormal_device": 0}}]"# => 1036 at "$.security_policy[0].ncg.allow_mobile_abnormal_device";
    code_1037_ncg_allow_external_display: r#""security_policy": [{"ncg": {"allow_external_display": []}}]"# => 1037 at "$.security_policy[0].ncg.allow_external_display";
    code_1038_ncg_control_hdcp: r#""security_policy": [{"ncg": {"control_hdcp": 3}}]"# => 1038 at "$.security_policy[0].ncg.control_hdcp";
    code_1039_mpeg_cenc_track_type: r#""external_key": {"mpeg_cenc": [{"track_type": "4K", "key_id": "00112233445566778899aabbccddeeff", "key": "00112233445566778899aabbccddeeff"}]}"# => 1039 at "$.external_key.mpeg_cenc[0].track_type";
    code_1040_mpeg_cenc_key_id_upper_case: r#""external_key": {"mpeg_cenc": [{"track_type": "HD", "key_id": "00112233445566778899AABBCCDDEEFF", "key": "00112233445566778899aabbccddeeff"}]}"# => 1040 at "$.external_key.mpeg_cenc[0].key_id";
    code_1041_mpeg_cenc_key_short: r#""external_key": {"mpeg_cenc": [{"track_type": "HD", "key_id": "00112233445566778899aabbccddeeff", "key": "0011"}]}"# => 1041 at "$.external_key.mpeg_cenc[0].key";
    code_1042_mpeg_cenc_iv: r#""external_key": {"mpeg_cenc": [{"track_type": "HD", "key_id": "00112233445566778899aabbccddeeff", "key": "00112233445566778899aabbccddeeff", "iv": "zz"}]}"# => 1042 at "$.external_key.mpeg_cenc[0].iv";
    code_1043_hls_aes_track_type: r#""external_key": {"hls_aes": [{"track_type": "hd", "key_id": "00112233445566778899aabbccddeeff", "key": "00112233445566778899aabbccddeeff", "iv": "00112233445566778899aabbccddeeff"}]}"# => 1043 at "$.external_key.hls_aes[0].track_type";
    code_1044_hls_aes_key: r#""external_key": {"hls_aes": [{"track_type": "HD", "key_id": "00112233445566778899aabbccddeeff", "key": 5, "iv": "00112233445566778899aabbccddeeff"}]}"# => 1044 at "$.external_key.hls_aes[0].key";
    code_1045_hls_aes_iv_missing: r#""external_key": {"hls_aes": [{"track_type": "HD", "key_id": "00112233445566778899aabbccddeeff", "key": "00112233445566778899aabbccddeeff"}]}"# => 1045 at "$.external_key.hls_aes[0].iv";
    code_1046_external_ncg_track_type: r#""external_key": {"ncg": {"track_type": "XX", "cek": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}}"# => 1046 at "$.external_key.ncg.track_type";
    code_1047_external_ncg_cek_16_bytes: r#""external_key": {"ncg": {"cek": "00112233445566778899aabbccddeeff"}}"# => 1047 at "$.external_key.ncg.cek";
    code_1049_rental_duration_type: r#""playback_policy": {"persistent": true, "rental_duration": "60"}"# => 1049 at "$.playback_policy.rental_duration";
    code_1050_playback_duration_type: r#""playback_policy": {"persistent": true, "playback_duration": 1.5}"# => 1050 at "$.playback_policy.playback_duration";
    code_1051_widevine_override_device_revocation: r#""security_policy": [{"widevine": {"override_device_revocation": "no"}}]"# => 1051 at "$.security_policy[0].widevine.override_device_revocation";
    code_1052_hls_aes_key_id: r#""external_key": {"hls_aes": [{"track_type": "HD", "key_id": "x", "key": "00112233445566778899aabbccddeeff", "iv": "00112233445566778899aabbccddeeff"}]}"# => 1052 at "$.external_key.hls_aes[0].key_id";
    code_1053_max_stream_per_user: r#""playback_policy": {"max_stream_per_user": "2"}"# => 1053 at "$.playback_policy.max_stream_per_user";
    code_1054_widevine_enable_license_cipher: r#""security_policy": [{"widevine": {"enable_license_cipher": "true"}}]"# => 1054 at "$.security_policy[0].widevine.enable_license_cipher";
    code_1056_renewal_duration_bool: r#""playback_policy": {"renewal_duration": true}"# => 1056 at "$.playback_policy.renewal_duration";
    code_1056_renewal_duration_text_not_digits: r#""playback_policy": {"renewal_duration": "1m"}"# => 1056 at "$.playback_policy.renewal_duration";
    code_1057_wiseplay_not_object: r#""security_policy": [{"wiseplay": "L1"}]"# => 1057 at "$.security_policy[0].wiseplay";
    code_1058_playready_enable_license_cipher: r#""security_policy": [{"playready": {"enable_license_cipher": 0}}]"# => 1058 at "$.security_policy[0].playready.enable_license_cipher";
    code_1059_widevine_allow_test_device: r#""security_policy": [{"widevine": {"allow_test_device": "false"}}]"# => 1059 at "$.security_policy[0].widevine.allow_test_device";
    code_1060_wiseplay_security_level_range: r#""security_policy": [{"wiseplay": {"security_level": 99}}]"# => 1060 at "$.security_policy[0].wiseplay.security_level";
    code_1061_wiseplay_output_control_type: r#""security_policy": [{"wiseplay": {"output_control": "0"}}]"# => 1061 at "$.security_policy[0].wiseplay.output_control";
    code_1062_ncg_not_object: r#""security_policy": [{"ncg": 1}]"# => 1062 at "$.security_policy[0].ncg";
    code_2001_unknown_top_level_field: r#""playback": {}"# => 2001 at "$.playback";
}

#[test]
fn code_2001_not_json() {
    let err = Policy::from_json("{policy").unwrap_err();
    assert_eq!(err.violations()[0].code.get(), 2001);
}

#[test]
fn code_2001_wrong_policy_version() {
    let err = Policy::from_json(r#"{"policy_version": 1}"#).unwrap_err();
    assert_eq!(
        (
            err.violations()[0].code.get(),
            err.violations()[0].path.as_str()
        ),
        (2001, "$.policy_version")
    );
}

#[test]
fn every_violation_is_collected_in_one_pass() {
    let text = r#"{"policy_version": 2,
        "playback_policy": {"persistent": "true", "license_duration": 3600.0, "expire_date": "2025-13-01T00:00:00Z"},
        "security_policy": [{"track_type": "FHD", "widevine": {"security_level": 9}}],
        "external_key": {"ncg": {"cek": "00112233445566778899aabbccddeeff"}}}"#;
    let err = Policy::from_json(text).unwrap_err();
    let mut codes: Vec<u16> = err.violations().iter().map(|v| v.code.get()).collect();
    codes.sort_unstable();
    assert_eq!(codes, [1009, 1010, 1011, 1013, 1022, 1047]);
}

#[test]
fn python_iv_null_reads_as_no_iv_and_is_never_written() {
    let text = r#"{"policy_version": 2, "external_key": {"mpeg_cenc": [{"track_type": "SD", "key_id": "ffeeddccbbaa99887766554433221100", "key": "abcdef0123456789abcdef0123456789", "iv": null}]}}"#;
    let policy = Policy::from_json(text).unwrap();
    assert!(
        !policy
            .to_json(drm_policy::JsonStyle::Compact)
            .contains("iv")
    );
}

#[test]
fn renewal_duration_keeps_its_form() {
    for (given, written) in [
        (r#""60""#, r#""renewal_duration":"60""#),
        ("60", r#""renewal_duration":60"#),
    ] {
        let text =
            format!(r#"{{"policy_version":2,"playback_policy":{{"renewal_duration":{given}}}}}"#);
        let policy = Policy::from_json(&text).unwrap();
        assert!(
            policy
                .to_json(drm_policy::JsonStyle::Compact)
                .contains(written)
        );
    }
}

#[test]
fn hdcp_v2_3_is_accepted() {
    let text = r#"{"policy_version": 2, "security_policy": [{"track_type": "ALL", "widevine": {"required_hdcp_version": "HDCP_V2_3"}}]}"#;
    assert!(Policy::from_json(text).is_ok());
}

#[test]
fn content_keys_do_not_show_in_debug() {
    let text = r#"{"policy_version": 2, "external_key": {"mpeg_cenc": [{"track_type": "SD", "key_id": "ffeeddccbbaa99887766554433221100", "key": "abcdef0123456789abcdef0123456789"}], "ncg": {"cek": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"}}}"#;
    let debug = format!("{:?}", Policy::from_json(text).unwrap());
    assert!(
        !debug.contains("abcdef0123456789abcdef0123456789"),
        "{debug}"
    );
    assert!(
        !debug.contains("00112233445566778899aabbccddeeff00"),
        "{debug}"
    );
    assert!(debug.contains("[redacted]"));
}

/// Regression (fuzz `policy_parse`): `external_key` with only empty lists was accepted, then
/// written as `"external_key":{}`, which reads back as 1018.
#[test]
fn code_1018_external_key_with_only_empty_lists() {
    assert_violation(
        r#""external_key": {"mpeg_cenc": [], "hls_aes": []}"#,
        1018,
        "$.external_key",
    );
}

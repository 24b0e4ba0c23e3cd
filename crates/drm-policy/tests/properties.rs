//! Property tests: valid policies round-trip through JSON; hostile bytes never panic.
#![allow(clippy::unwrap_used, missing_docs)]

use drm_policy::*;
use proptest::prelude::*;

fn opt<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn pick<T: Copy + std::fmt::Debug + 'static>(values: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(values)
}

fn duration() -> impl Strategy<Value = i64> {
    0..=validate::MAX_DURATION
}

fn expire_date() -> impl Strategy<Value = String> {
    (
        1970u32..2200,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_map(|(y, mo, d, h, mi, s)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"))
}

fn playback() -> impl Strategy<Value = PlaybackPolicy> {
    (
        any::<bool>(),
        opt(duration()),
        opt(expire_date()),
        opt(pick(AllowedTrackTypes::VALUES)),
        opt(duration()),
        opt(duration()),
        opt(duration()),
        opt(prop_oneof![
            duration().prop_map(RenewalDuration::Seconds),
            duration().prop_map(|d| RenewalDuration::Text(d.to_string()))
        ]),
    )
        .prop_map(
            |(persistent, license, expire, tracks, rental, playback, streams, renewal)| {
                PlaybackPolicy {
                    persistent: Some(persistent),
                    license_duration: license,
                    expire_date: expire,
                    allowed_track_types: tracks,
                    rental_duration: rental.filter(|_| persistent),
                    playback_duration: playback.filter(|_| persistent),
                    max_stream_per_user: streams,
                    renewal_duration: renewal,
                }
            },
        )
}

fn widevine() -> impl Strategy<Value = Widevine> {
    (
        opt(pick(WidevineSecurityLevel::VALUES)),
        opt(pick(HdcpVersion::VALUES)),
        opt(pick(CgmsFlags::VALUES)),
        opt(any::<bool>()),
        opt(pick(HdcpSrmRule::VALUES)),
        opt(any::<bool>()),
        opt(any::<bool>()),
        opt(any::<bool>()),
    )
        .prop_map(|(a, b, c, d, e, f, g, h)| Widevine {
            security_level: a,
            required_hdcp_version: b,
            required_cgms_flags: c,
            disable_analog_output: d,
            hdcp_srm_rule: e,
            override_device_revocation: f,
            enable_license_cipher: g,
            allow_test_device: h,
        })
}

fn playready() -> impl Strategy<Value = PlayReady> {
    (
        opt(pick(PlayReadySecurityLevel::VALUES)),
        opt(pick(DigitalVideoProtection::VALUES)),
        opt(pick(AnalogVideoProtection::VALUES)),
        opt(pick(DigitalAudioProtection::VALUES)),
        opt(any::<bool>()),
        opt(any::<bool>()),
    )
        .prop_map(|(a, b, c, d, e, f)| PlayReady {
            security_level: a,
            digital_video_protection_level: b,
            analog_video_protection_level: c,
            digital_audio_protection_level: d,
            require_hdcp_type_1: e,
            enable_license_cipher: f,
        })
}

fn security(track_type: TrackType) -> impl Strategy<Value = SecurityPolicy> {
    (
        opt(widevine()),
        opt(playready()),
        opt((
            opt(pick(HdcpEnforcement::VALUES)),
            opt(any::<bool>()),
            opt(any::<bool>()),
        )),
        opt((
            opt(any::<bool>()),
            opt(any::<bool>()),
            opt(pick(ControlHdcp::VALUES)),
        )),
        opt((
            opt(pick(WisePlaySecurityLevel::VALUES)),
            opt(pick(OutputControl::VALUES)),
        )),
    )
        .prop_map(move |(w, p, f, n, wp)| SecurityPolicy {
            track_type,
            widevine: w,
            playready: p,
            fairplay: f.map(|(a, b, c)| FairPlay {
                hdcp_enforcement: a,
                allow_airplay: b,
                allow_av_adapter: c,
            }),
            ncg: n.map(|(a, b, c)| NcgSecurity {
                allow_mobile_abnormal_device: a,
                allow_external_display: b,
                control_hdcp: c,
            }),
            wiseplay: wp.map(|(a, b)| WisePlay {
                security_level: a,
                output_control: b,
            }),
        })
}

fn track() -> impl Strategy<Value = TrackType> {
    pick(&TrackType::ALL_VALUES)
}

fn external() -> impl Strategy<Value = ExternalKey> {
    let mpeg = (
        track(),
        any::<[u8; 16]>(),
        any::<[u8; 16]>(),
        opt(any::<[u8; 16]>()),
    )
        .prop_map(|(t, k, v, iv)| MpegCencKey {
            track_type: t,
            key_id: KeyId::from_bytes(k),
            key: ContentKey::from_bytes(v),
            iv: iv.map(Iv::from_bytes),
        });
    let hls = (
        track(),
        any::<[u8; 16]>(),
        any::<[u8; 16]>(),
        any::<[u8; 16]>(),
    )
        .prop_map(|(t, k, v, iv)| HlsAesKey {
            track_type: t,
            key_id: KeyId::from_bytes(k),
            key: ContentKey::from_bytes(v),
            iv: Iv::from_bytes(iv),
        });
    let ncg = (opt(track()), any::<[u8; 32]>()).prop_map(|(t, c)| NcgKey {
        track_type: t,
        cek: NcgCek::from_bytes(c),
    });
    (
        prop::collection::vec(mpeg, 0..3),
        prop::collection::vec(hls, 0..3),
        opt(ncg),
    )
        .prop_map(|(mpeg_cenc, hls_aes, ncg)| ExternalKey {
            mpeg_cenc,
            hls_aes,
            ncg,
        })
        .prop_filter("external_key needs a key", |e| !e.is_empty())
}

fn policy() -> impl Strategy<Value = Policy> {
    let securities = prop::sample::subsequence(TrackType::ALL_VALUES.to_vec(), 0..4)
        .prop_flat_map(|tracks| tracks.into_iter().map(security).collect::<Vec<_>>());
    (opt(playback()), securities, opt(external())).prop_map(|(p, s, e)| Policy {
        playback_policy: p,
        security_policy: s,
        external_key: e,
    })
}

proptest! {
    #[test]
    fn valid_policies_round_trip_in_both_styles(policy in policy()) {
        prop_assert!(policy.validate().is_ok());
        for style in [JsonStyle::Compact, JsonStyle::Python] {
            let text = policy.to_json(style);
            let back = Policy::from_json(&text).map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
            prop_assert_eq!(&back, &policy);
            prop_assert_eq!(back.to_json(style), text);
        }
        // Both styles carry the same data.
        let compact: serde_json::Value = serde_json::from_str(&policy.to_json(JsonStyle::Compact)).unwrap();
        let python: serde_json::Value = serde_json::from_str(&policy.to_json(JsonStyle::Python)).unwrap();
        prop_assert_eq!(compact, python);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = drm_policy::read::check(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(text in r#"\{"policy_version": ?2(, "(playback_policy|security_policy|external_key)": ?(\{|\[)[ -~]{0,80}(\}|\]))?\}"#) {
        let _ = drm_policy::read::check(text.as_bytes());
    }
}

//! Policy → JSON text, in the spec's key order, unset fields omitted.

use crate::json_style::{JsonStyle, ObjectWriter};
use crate::model::*;

impl Policy {
    /// The policy JSON in `style`: `policy_version` first, then `playback_policy`,
    /// `security_policy`, `external_key`; inside each object the spec's key order; unset fields
    /// and empty lists omitted; `external_key` (never the Python sample's `external_policy`);
    /// never `"iv": null`.
    pub fn to_json(&self, style: JsonStyle) -> String {
        let mut out = String::with_capacity(1024);
        self.write_json(&mut out, style);
        out
    }

    /// Appends the policy JSON to `out` (see [`Policy::to_json`]).
    pub fn write_json(&self, out: &mut String, style: JsonStyle) {
        let mut o = ObjectWriter::begin_trusted(out, style);
        o.int("policy_version", Policy::VERSION);
        if let Some(p) = &self.playback_policy {
            write_playback(o.key("playback_policy"), p, style);
        }
        if !self.security_policy.is_empty() {
            let out = o.key("security_policy");
            write_list(out, style, &self.security_policy, write_security);
        }
        if let Some(e) = &self.external_key {
            write_external(o.key("external_key"), e, style);
        }
        o.end();
    }
}

fn write_list<T>(
    out: &mut String,
    style: JsonStyle,
    items: &[T],
    each: fn(&mut String, &T, JsonStyle),
) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(style.item_separator());
        }
        each(out, item, style);
    }
    out.push(']');
}

fn opt_bool(o: &mut ObjectWriter<'_>, key: &str, value: Option<bool>) {
    if let Some(v) = value {
        o.bool(key, v);
    }
}

fn opt_int(o: &mut ObjectWriter<'_>, key: &str, value: Option<i64>) {
    if let Some(v) = value {
        o.int(key, v);
    }
}

fn opt_str(o: &mut ObjectWriter<'_>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        o.string(key, v);
    }
}

fn write_playback(out: &mut String, p: &PlaybackPolicy, style: JsonStyle) {
    let mut o = ObjectWriter::begin_trusted(out, style);
    opt_bool(&mut o, "persistent", p.persistent);
    opt_int(&mut o, "license_duration", p.license_duration);
    opt_str(&mut o, "expire_date", p.expire_date.as_deref());
    opt_str(
        &mut o,
        "allowed_track_types",
        p.allowed_track_types.map(|t| t.as_str()),
    );
    opt_int(&mut o, "rental_duration", p.rental_duration);
    opt_int(&mut o, "playback_duration", p.playback_duration);
    opt_int(&mut o, "max_stream_per_user", p.max_stream_per_user);
    match &p.renewal_duration {
        Some(RenewalDuration::Seconds(s)) => o.int("renewal_duration", *s),
        Some(RenewalDuration::Text(t)) => o.string("renewal_duration", t),
        None => {}
    }
    o.end();
}

fn write_security(out: &mut String, s: &SecurityPolicy, style: JsonStyle) {
    let mut o = ObjectWriter::begin_trusted(out, style);
    o.string("track_type", s.track_type.as_str());
    if let Some(w) = &s.widevine {
        let mut w_o = ObjectWriter::begin_trusted(o.key("widevine"), style);
        opt_int(
            &mut w_o,
            "security_level",
            w.security_level.map(|v| v.value()),
        );
        opt_str(
            &mut w_o,
            "required_hdcp_version",
            w.required_hdcp_version.map(|v| v.as_str()),
        );
        opt_str(
            &mut w_o,
            "required_cgms_flags",
            w.required_cgms_flags.map(|v| v.as_str()),
        );
        opt_bool(&mut w_o, "disable_analog_output", w.disable_analog_output);
        opt_str(
            &mut w_o,
            "hdcp_srm_rule",
            w.hdcp_srm_rule.map(|v| v.as_str()),
        );
        opt_bool(
            &mut w_o,
            "override_device_revocation",
            w.override_device_revocation,
        );
        opt_bool(&mut w_o, "enable_license_cipher", w.enable_license_cipher);
        opt_bool(&mut w_o, "allow_test_device", w.allow_test_device);
        w_o.end();
    }
    if let Some(p) = &s.playready {
        let mut p_o = ObjectWriter::begin_trusted(o.key("playready"), style);
        opt_int(
            &mut p_o,
            "security_level",
            p.security_level.map(|v| v.value()),
        );
        opt_int(
            &mut p_o,
            "digital_video_protection_level",
            p.digital_video_protection_level.map(|v| v.value()),
        );
        opt_int(
            &mut p_o,
            "analog_video_protection_level",
            p.analog_video_protection_level.map(|v| v.value()),
        );
        opt_int(
            &mut p_o,
            "digital_audio_protection_level",
            p.digital_audio_protection_level.map(|v| v.value()),
        );
        opt_bool(&mut p_o, "require_hdcp_type_1", p.require_hdcp_type_1);
        opt_bool(&mut p_o, "enable_license_cipher", p.enable_license_cipher);
        p_o.end();
    }
    if let Some(f) = &s.fairplay {
        let mut f_o = ObjectWriter::begin_trusted(o.key("fairplay"), style);
        opt_int(
            &mut f_o,
            "hdcp_enforcement",
            f.hdcp_enforcement.map(|v| v.value()),
        );
        opt_bool(&mut f_o, "allow_airplay", f.allow_airplay);
        opt_bool(&mut f_o, "allow_av_adapter", f.allow_av_adapter);
        f_o.end();
    }
    if let Some(n) = &s.ncg {
        let mut n_o = ObjectWriter::begin_trusted(o.key("ncg"), style);
        opt_bool(
            &mut n_o,
            "allow_mobile_abnormal_device",
            n.allow_mobile_abnormal_device,
        );
        opt_bool(&mut n_o, "allow_external_display", n.allow_external_display);
        opt_int(&mut n_o, "control_hdcp", n.control_hdcp.map(|v| v.value()));
        n_o.end();
    }
    if let Some(w) = &s.wiseplay {
        let mut w_o = ObjectWriter::begin_trusted(o.key("wiseplay"), style);
        opt_int(
            &mut w_o,
            "security_level",
            w.security_level.map(|v| v.value()),
        );
        opt_int(
            &mut w_o,
            "output_control",
            w.output_control.map(|v| v.value()),
        );
        w_o.end();
    }
    o.end();
}

fn write_external(out: &mut String, e: &ExternalKey, style: JsonStyle) {
    let mut o = ObjectWriter::begin_trusted(out, style);
    if !e.mpeg_cenc.is_empty() {
        write_list(o.key("mpeg_cenc"), style, &e.mpeg_cenc, |out, k, style| {
            let mut k_o = ObjectWriter::begin_trusted(out, style);
            k_o.string("track_type", k.track_type.as_str());
            k_o.hex("key_id", k.key_id.as_bytes());
            k_o.hex("key", k.key.as_bytes());
            if let Some(iv) = &k.iv {
                k_o.hex("iv", iv.as_bytes());
            }
            k_o.end();
        });
    }
    if !e.hls_aes.is_empty() {
        write_list(o.key("hls_aes"), style, &e.hls_aes, |out, k, style| {
            let mut k_o = ObjectWriter::begin_trusted(out, style);
            k_o.string("track_type", k.track_type.as_str());
            k_o.hex("key_id", k.key_id.as_bytes());
            k_o.hex("key", k.key.as_bytes());
            k_o.hex("iv", k.iv.as_bytes());
            k_o.end();
        });
    }
    if let Some(n) = &e.ncg {
        let mut n_o = ObjectWriter::begin_trusted(o.key("ncg"), style);
        if let Some(t) = n.track_type {
            n_o.string("track_type", t.as_str());
        }
        n_o.hex("cek", n.cek.as_bytes());
        n_o.end();
    }
    o.end();
}

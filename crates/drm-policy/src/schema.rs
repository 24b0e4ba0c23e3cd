//! The policy schema, written once.
//!
//! Every policy object is declared by one table (see `policy_object!` in `model.rs`): one row
//! per member with its Rust field, kind (`opt`ional, `nullable`, `req`uired, `dflt` — defaulted
//! when absent — or `list`), Rust type, JSON key and official code, in write order. From the
//! table come the struct, its setters, the reader (a value of the wrong JSON type gives the
//! row's code at the row's path), both JSON styles of the writer, the member paths the
//! validation rules report at, and an exhaustive test. Adding a member is one row.
//!
//! Each object's table is public as `FIELDS` (e.g. [`crate::PlaybackPolicy::FIELDS`]):
//!
//! ```
//! use drm_policy::PlaybackPolicy;
//!
//! let persistent = &PlaybackPolicy::FIELDS[0];
//! assert_eq!((persistent.key, persistent.json_type, persistent.code.get()), ("persistent", "boolean", 1009));
//! ```

use crate::json_value::Value;

use crate::codes::ErrorCode;
use crate::json_style::{JsonStyle, push_int};
use crate::read::Reader;

/// How a member appears in its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// May be absent; written when set.
    Optional,
    /// May be absent or `null` (read as absent); written when set, never as `null`.
    Nullable,
    /// Must be present; always written.
    Required,
    /// Takes its default when absent; always written.
    Defaulted,
    /// A list of objects; absent means empty; written when not empty.
    List,
}

/// One row of a policy object's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The JSON key, e.g. `license_duration`.
    pub key: &'static str,
    /// The Rust field name.
    pub rust: &'static str,
    /// The JSON type: `boolean`, `integer`, `string`, `integer or string`, `object`, `array`.
    pub json_type: &'static str,
    /// The official code of a wrong value.
    pub code: ErrorCode,
    /// Presence rule.
    pub kind: FieldKind,
}

impl Field {
    /// The member's JSON path inside the object at `parent`, e.g. `$.playback_policy.persistent`.
    pub fn path(&self, parent: &str) -> String {
        format!("{parent}.{}", self.key)
    }
}

/// Where a value is read: the member `key` of the object at `parent` (or, for a list entry, the
/// entry at `parent` of the list `key`), and the code of a wrong value there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    pub(crate) parent: &'a str,
    pub(crate) key: &'a str,
    pub(crate) code: ErrorCode,
    pub(crate) entry: bool,
}

impl<'a> At<'a> {
    pub(crate) fn member(parent: &'a str, key: &'a str, code: ErrorCode) -> Self {
        Self {
            parent,
            key,
            code,
            entry: false,
        }
    }

    /// The JSON path of the value.
    pub(crate) fn path(&self) -> String {
        if self.entry {
            self.parent.to_owned()
        } else {
            format!("{}.{}", self.parent, self.key)
        }
    }

    /// The value's name in messages.
    pub(crate) fn name(&self) -> String {
        if self.entry {
            format!("a {} entry", self.key)
        } else {
            self.key.to_owned()
        }
    }
}

/// A value type of the schema: how it is read from JSON (a wrong value pushes a violation with
/// the code of `at`) and how it is written.
pub(crate) trait Wire: Sized {
    /// The JSON type, for [`Field::json_type`].
    const JSON_TYPE: &'static str;

    /// Reads the value; `None` (after pushing a violation) when it is wrong.
    fn read(r: &mut Reader, value: &Value<'_>, at: &At<'_>) -> Option<Self>;

    /// Appends the value's JSON text.
    fn write(&self, out: &mut String, style: JsonStyle);

    /// A JSON text of the wrong type for this value (for the exhaustive test).
    #[cfg(test)]
    const WRONG: &'static str;

    /// A valid value (for the exhaustive round trip).
    #[cfg(test)]
    fn sample() -> Self;
}

impl Wire for bool {
    const JSON_TYPE: &'static str = "boolean";

    fn read(r: &mut Reader, value: &Value<'_>, at: &At<'_>) -> Option<Self> {
        r.bool(value, at)
    }

    fn write(&self, out: &mut String, _: JsonStyle) {
        out.push_str(if *self { "true" } else { "false" });
    }

    #[cfg(test)]
    const WRONG: &'static str = r#""true""#;

    #[cfg(test)]
    fn sample() -> Self {
        true
    }
}

impl Wire for i64 {
    const JSON_TYPE: &'static str = "integer";

    fn read(r: &mut Reader, value: &Value<'_>, at: &At<'_>) -> Option<Self> {
        r.int(value, at)
    }

    fn write(&self, out: &mut String, _: JsonStyle) {
        push_int(out, *self);
    }

    #[cfg(test)]
    const WRONG: &'static str = "3600.0";

    #[cfg(test)]
    fn sample() -> Self {
        60
    }
}

impl Wire for String {
    const JSON_TYPE: &'static str = "string";

    fn read(r: &mut Reader, value: &Value<'_>, at: &At<'_>) -> Option<Self> {
        r.str(value, at).map(str::to_owned)
    }

    fn write(&self, out: &mut String, style: JsonStyle) {
        crate::json_string::write_string(out, self, style);
    }

    #[cfg(test)]
    const WRONG: &'static str = "20300101";

    #[cfg(test)]
    fn sample() -> Self {
        // The one text member is `expire_date`.
        "2030-01-01T00:00:00Z".to_owned()
    }
}

/// Key material: lower-case hex of exactly `2 * N` digits.
macro_rules! hex_wire {
    ($($ty:ty, $len:literal, $from:path, $bytes:ident;)*) => {$(
        impl Wire for $ty {
            const JSON_TYPE: &'static str = "string";

            fn read(r: &mut Reader, value: &Value<'_>, at: &At<'_>) -> Option<Self> {
                r.hex::<$len>(value, at).map($from)
            }

            fn write(&self, out: &mut String, _: JsonStyle) {
                out.push('"');
                crate::hex::push_lower(out, self.$bytes());
                out.push('"');
            }

            #[cfg(test)]
            const WRONG: &'static str = "\"00\"";

            #[cfg(test)]
            fn sample() -> Self {
                $from([0x5a; $len])
            }
        }
    )*};
}

hex_wire! {
    crate::ids::KeyId, 16, crate::ids::KeyId::from_bytes, as_bytes;
    crate::model::ContentKey, 16, crate::model::ContentKey::from_bytes, expose_secret;
    crate::model::Iv, 16, crate::model::Iv::from_bytes, as_bytes;
    crate::model::NcgCek, 32, crate::model::NcgCek::from_bytes, expose_secret;
}

impl Wire for crate::ids::TrackType {
    const JSON_TYPE: &'static str = "string";

    fn read(r: &mut Reader, value: &Value<'_>, at: &At<'_>) -> Option<Self> {
        r.str_enum(
            value,
            at,
            |s| s.parse().ok(),
            || Self::ALL_VALUES.map(Self::as_str).join(", "),
        )
    }

    fn write(&self, out: &mut String, _: JsonStyle) {
        push_quoted(out, self.as_str());
    }

    #[cfg(test)]
    const WRONG: &'static str = r#""FHD""#;

    #[cfg(test)]
    fn sample() -> Self {
        Self::Hd
    }
}

impl Wire for crate::model::RenewalDuration {
    const JSON_TYPE: &'static str = "integer or string";

    fn read(r: &mut Reader, value: &Value<'_>, at: &At<'_>) -> Option<Self> {
        match value {
            Value::Number(n) if n.is_i64() => n.as_i64().map(Self::Seconds),
            Value::String(s) => Some(Self::Text(s.to_string())),
            other => {
                r.wrong_type(at, "an integer or a numeric string", other);
                None
            }
        }
    }

    fn write(&self, out: &mut String, style: JsonStyle) {
        match self {
            Self::Seconds(s) => push_int(out, *s),
            Self::Text(t) => crate::json_string::write_string(out, t, style),
        }
    }

    #[cfg(test)]
    const WRONG: &'static str = "true";

    #[cfg(test)]
    fn sample() -> Self {
        Self::Text("60".to_owned())
    }
}

/// Appends `"text"` for a text that needs no escaping (wire names of this crate).
pub(crate) fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    out.push_str(text);
    out.push('"');
}

/// Appends a JSON array of `items`.
pub(crate) fn write_list<T: Wire>(out: &mut String, items: &[T], style: JsonStyle) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(style.item_separator());
        }
        item.write(out, style);
    }
    out.push(']');
}

/// Declares a policy object from its table; see the [module docs](self).
///
/// ```text
/// policy_object! {
///     /// docs
///     #[derive(...)]
///     pub struct Name in name_fields {
///         /// docs
///         rust_field: kind Type => "json_key", CODE_CONSTANT;
///     }
/// }
/// ```
///
/// `name_fields` is a crate-private module with one [`Field`] constant per row (named like the
/// Rust field), for the validation rules.
macro_rules! policy_object {
    (@ty opt $ty:ty) => { Option<$ty> };
    (@ty nullable $ty:ty) => { Option<$ty> };
    (@ty req $ty:ty) => { $ty };
    (@ty dflt $ty:ty) => { $ty };
    (@ty list $ty:ty) => { Vec<$ty> };

    (@kind opt) => { $crate::schema::FieldKind::Optional };
    (@kind nullable) => { $crate::schema::FieldKind::Nullable };
    (@kind req) => { $crate::schema::FieldKind::Required };
    (@kind dflt) => { $crate::schema::FieldKind::Defaulted };
    (@kind list) => { $crate::schema::FieldKind::List };

    (@json list $ty:ty) => { "array" };
    (@json $kind:ident $ty:ty) => { <$ty as $crate::schema::Wire>::JSON_TYPE };

    (@read opt $ty:ty, $r:ident, $map:ident, $path:ident, $key:literal, $code:expr) => {
        match $map.get($key) {
            None => None,
            Some(value) => <$ty as $crate::schema::Wire>::read(
                $r, value, &$crate::schema::At::member($path, $key, $code)),
        }
    };
    (@read nullable $ty:ty, $r:ident, $map:ident, $path:ident, $key:literal, $code:expr) => {
        match $map.get($key) {
            None | Some(crate::json_value::Value::Null) => None,
            Some(value) => <$ty as $crate::schema::Wire>::read(
                $r, value, &$crate::schema::At::member($path, $key, $code)),
        }
    };
    (@read req $ty:ty, $r:ident, $map:ident, $path:ident, $key:literal, $code:expr) => {
        match $map.get($key) {
            None => {
                $r.required(&$crate::schema::At::member($path, $key, $code));
                None
            }
            Some(value) => <$ty as $crate::schema::Wire>::read(
                $r, value, &$crate::schema::At::member($path, $key, $code)),
        }
    };
    (@read dflt $ty:ty, $r:ident, $map:ident, $path:ident, $key:literal, $code:expr) => {
        match $map.get($key) {
            None => <$ty>::default(),
            Some(value) => <$ty as $crate::schema::Wire>::read(
                $r, value, &$crate::schema::At::member($path, $key, $code)).unwrap_or_default(),
        }
    };
    (@read list $ty:ty, $r:ident, $map:ident, $path:ident, $key:literal, $code:expr) => {
        match $map.get($key) {
            None => Vec::new(),
            Some(value) => $r.list::<$ty>(value, &$crate::schema::At::member($path, $key, $code)),
        }
    };

    (@take req $v:ident) => { $v? };
    (@take $kind:ident $v:ident) => { $v };

    (@key $o:ident, $key:literal) => {
        $o.key_prewritten(concat!(",\"", $key, "\":"), concat!(", \"", $key, "\": "))
    };
    (@write opt $v:expr, $o:ident, $key:literal, $style:ident) => {
        if let Some(value) = &$v {
            $crate::schema::Wire::write(value, policy_object!(@key $o, $key), $style);
        }
    };
    (@write nullable $v:expr, $o:ident, $key:literal, $style:ident) => {
        policy_object!(@write opt $v, $o, $key, $style)
    };
    (@write list $v:expr, $o:ident, $key:literal, $style:ident) => {
        if !$v.is_empty() {
            $crate::schema::write_list(policy_object!(@key $o, $key), &$v, $style);
        }
    };
    (@write $kind:ident $v:expr, $o:ident, $key:literal, $style:ident) => {
        $crate::schema::Wire::write(&$v, policy_object!(@key $o, $key), $style)
    };

    (@setter opt $field:ident $ty:ty, $key:literal) => {
        #[doc = concat!("Sets `", $key, "`.")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
    (@setter nullable $field:ident $ty:ty, $key:literal) => {
        policy_object!(@setter opt $field $ty, $key);
    };
    (@setter list $field:ident $ty:ty, $key:literal) => {
        #[doc = concat!("Adds one `", $key, "` entry.")]
        #[must_use]
        pub fn $field(mut self, entry: $ty) -> Self {
            self.$field.push(entry);
            self
        }
    };
    (@setter $kind:ident $field:ident $ty:ty, $key:literal) => {};

    (@sample opt $ty:ty) => { Some(<$ty as $crate::schema::Wire>::sample()) };
    (@sample nullable $ty:ty) => { Some(<$ty as $crate::schema::Wire>::sample()) };
    (@sample list $ty:ty) => { vec![<$ty as $crate::schema::Wire>::sample()] };
    (@sample $kind:ident $ty:ty) => { <$ty as $crate::schema::Wire>::sample() };

    (
        $(#[$meta:meta])*
        pub struct $name:ident in $fields:ident {
            $( $(#[$fdoc:meta])* $field:ident : $kind:ident $ty:ty => $key:literal, $code:ident; )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fdoc])* pub $field: policy_object!(@ty $kind $ty), )*
        }

        /// The table's rows, one constant per member, for the validation rules.
        #[allow(non_upper_case_globals, dead_code)]
        pub(crate) mod $fields {
            use super::*;

            $(
                pub(crate) const $field: $crate::schema::Field = $crate::schema::Field {
                    key: $key,
                    rust: stringify!($field),
                    json_type: policy_object!(@json $kind $ty),
                    code: $crate::codes::$code,
                    kind: policy_object!(@kind $kind),
                };
            )*
        }

        impl $name {
            /// This object's schema table: every member in write order.
            pub const FIELDS: &'static [$crate::schema::Field] = &[$($fields::$field),*];

            /// Every JSON key of the object, in write order.
            pub(crate) const KEYS: &'static [&'static str] = &[$($key),*];

            $( policy_object!(@setter $kind $field $ty, $key); )*

            /// Reads the members of `map` (the object at `path`), pushing a violation for
            /// each wrong one; `None` when a required member is missing or wrong.
            #[allow(unused_variables)]
            pub(crate) fn read_members(
                r: &mut $crate::read::Reader,
                map: &crate::json_value::Map<'_>,
                path: &str,
            ) -> Option<Self> {
                $( let $field = policy_object!(@read $kind $ty, r, map, path, $key, $crate::codes::$code); )*
                Some(Self { $( $field: policy_object!(@take $kind $field), )* })
            }

            /// Writes the members, in table order, into an open object.
            #[allow(unused_variables)]
            pub(crate) fn write_members(&self, o: &mut $crate::json_style::ObjectWriter<'_>) {
                let style = o.style();
                $( policy_object!(@write $kind self.$field, o, $key, style); )*
            }

            /// A value with every member set (for the exhaustive test).
            #[cfg(test)]
            pub(crate) fn full_sample() -> Self {
                Self { $( $field: policy_object!(@sample $kind $ty), )* }
            }
        }

        impl $crate::schema::Wire for $name {
            const JSON_TYPE: &'static str = "object";

            fn read(
                r: &mut $crate::read::Reader,
                value: &crate::json_value::Value<'_>,
                at: &$crate::schema::At<'_>,
            ) -> Option<Self> {
                let map = r.object(value, at)?;
                let path = at.path();
                r.known_keys(map, &path, at.code, Self::KEYS);
                Self::read_members(r, map, &path)
            }

            fn write(&self, out: &mut String, style: $crate::json_style::JsonStyle) {
                let mut o = $crate::json_style::ObjectWriter::begin_trusted(out, style);
                self.write_members(&mut o);
                o.end();
            }

            #[cfg(test)]
            const WRONG: &'static str = "[]";

            #[cfg(test)]
            fn sample() -> Self {
                Self::full_sample()
            }
        }
    };
}

pub(crate) use policy_object;

/// The exhaustive test of every table: for each object and each member, a value of the wrong
/// JSON type gives exactly one violation at that member's path, with the row's code; and a
/// policy with every member set survives a round trip through both JSON styles.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::ids::KeyId;
    use crate::model::*;

    fn wrong_value_of_each_member<T: Wire>(
        fields: &[Field],
        wrong: &dyn Fn(&Field) -> &'static str,
    ) {
        for field in fields {
            let text = format!(r#"{{"{}": {}}}"#, field.key, wrong(field));
            let value = Value::parse(&text).unwrap();
            let mut r = Reader::default();
            let _ = T::read(&mut r, &value, &At::member("$", "obj", codes::JSON_PARSE));
            let path = format!("$.obj.{}", field.key);
            let at_member: Vec<_> = r.v.0.iter().filter(|v| v.path == path).collect();
            assert_eq!(at_member.len(), 1, "{text}: {:?}", r.v.0);
            assert_eq!(at_member[0].code, field.code, "{text}");
        }
    }

    macro_rules! each_object {
        ($($ty:ty: { $($rust:literal => $wrong:expr),* $(,)? };)*) => {
            #[test]
            fn every_member_maps_a_wrong_value_to_its_code() {
                $(
                    wrong_value_of_each_member::<$ty>(<$ty>::FIELDS, &|f: &Field| match f.rust {
                        $($rust => $wrong,)*
                        _ => panic!("no wrong value for {}.{}", stringify!($ty), f.rust),
                    });
                )*
            }
        };
    }

    // One wrong value per member type; a new member without one fails the test.
    each_object! {
        PlaybackPolicy: {
            "persistent" => bool::WRONG, "license_duration" => i64::WRONG,
            "expire_date" => String::WRONG, "allowed_track_types" => r#""HD""#,
            "rental_duration" => i64::WRONG, "playback_duration" => i64::WRONG,
            "max_stream_per_user" => i64::WRONG, "renewal_duration" => RenewalDuration::WRONG,
        };
        SecurityPolicy: {
            "track_type" => crate::ids::TrackType::WRONG, "widevine" => Widevine::WRONG,
            "playready" => PlayReady::WRONG, "fairplay" => FairPlay::WRONG,
            "ncg" => NcgSecurity::WRONG, "wiseplay" => WisePlay::WRONG,
        };
        Widevine: {
            "security_level" => "9", "required_hdcp_version" => r#""HDCP_V9""#,
            "required_cgms_flags" => "1", "disable_analog_output" => bool::WRONG,
            "hdcp_srm_rule" => "null", "override_device_revocation" => "0",
            "enable_license_cipher" => bool::WRONG, "allow_test_device" => bool::WRONG,
        };
        PlayReady: {
            "security_level" => "100", "digital_video_protection_level" => "1",
            "analog_video_protection_level" => r#""100""#, "digital_audio_protection_level" => "270",
            "require_hdcp_type_1" => bool::WRONG, "enable_license_cipher" => bool::WRONG,
        };
        FairPlay: {
            "hdcp_enforcement" => "2", "allow_airplay" => bool::WRONG, "allow_av_adapter" => "1",
        };
        NcgSecurity: {
            "allow_mobile_abnormal_device" => bool::WRONG, "allow_external_display" => bool::WRONG,
            "control_hdcp" => "3",
        };
        WisePlay: { "security_level" => "0", "output_control" => "4" };
        ExternalKey: { "mpeg_cenc" => "{}", "hls_aes" => r#""keys""#, "ncg" => NcgKey::WRONG };
        MpegCencKey: {
            "track_type" => "1", "key_id" => KeyId::WRONG, "key" => r#""ABCDEF0123456789ABCDEF0123456789""#,
            "iv" => "7",
        };
        HlsAesKey: {
            "track_type" => r#""hd""#, "key_id" => "[]", "key" => ContentKey::WRONG, "iv" => Iv::WRONG,
        };
        NcgKey: { "track_type" => "null", "cek" => r#""00112233445566778899aabbccddeeff""# };
        Policy: {
            "playback_policy" => PlaybackPolicy::WRONG, "security_policy" => r#"{"track_type": "HD"}"#,
            "external_key" => ExternalKey::WRONG,
        };
    }

    #[test]
    fn a_policy_with_every_member_set_round_trips_in_both_styles() {
        let policy = Policy::full_sample();
        assert_eq!(policy.validate(), Ok(()));
        for style in [JsonStyle::Compact, JsonStyle::Python] {
            let text = policy.to_json(style);
            assert_eq!(Policy::from_json(&text), Ok(policy.clone()), "{text}");
        }
        // Every member of every object was written.
        let text = policy.to_json(JsonStyle::Compact);
        for fields in [
            Policy::FIELDS,
            PlaybackPolicy::FIELDS,
            SecurityPolicy::FIELDS,
            Widevine::FIELDS,
            PlayReady::FIELDS,
            FairPlay::FIELDS,
            NcgSecurity::FIELDS,
            WisePlay::FIELDS,
            ExternalKey::FIELDS,
            MpegCencKey::FIELDS,
            HlsAesKey::FIELDS,
            NcgKey::FIELDS,
        ] {
            for f in fields {
                assert!(text.contains(&format!("\"{}\":", f.key)), "{}", f.key);
            }
        }
    }

    #[test]
    fn required_members_are_reported_missing_with_their_code() {
        let value = Value::parse("{}").unwrap();
        let mut r = Reader::default();
        assert!(HlsAesKey::read(&mut r, &value, &At::member("$", "k", codes::HLS_AES)).is_none());
        let got: Vec<_> = r.v.0.iter().map(|v| (v.path.as_str(), v.code)).collect();
        assert_eq!(
            got,
            [
                ("$.k.track_type", codes::HLS_AES_TRACK_TYPE),
                ("$.k.key_id", codes::HLS_AES_KEY_ID),
                ("$.k.key", codes::HLS_AES_KEY),
                ("$.k.iv", codes::HLS_AES_IV),
            ]
        );
    }
}

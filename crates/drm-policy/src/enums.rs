//! The closed value sets of the policy (spec `token.md` §5), one enum each.

use std::fmt;

macro_rules! str_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, in the order of the spec.
            pub const VALUES: &'static [$name] = &[$($name::$variant,)*];

            /// The exact wire value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)* }
            }

            /// The value for an exact (case-sensitive) wire text.
            pub fn from_wire(text: &str) -> Option<Self> {
                match text { $($wire => Some($name::$variant),)* _ => None }
            }

            /// The wire values joined for messages.
            pub(crate) fn expected() -> String {
                [$($wire,)*].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::ids::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::from_wire(s).ok_or_else(|| crate::ids::UnknownValue::new(stringify!($name), s))
            }
        }

        impl crate::schema::Wire for $name {
            const JSON_TYPE: &'static str = "string";

            fn read(r: &mut crate::read::Reader, value: &crate::json_value::Value<'_>, at: &crate::schema::At<'_>) -> Option<Self> {
                r.str_enum(value, at, Self::from_wire, Self::expected)
            }

            fn write(&self, out: &mut String, _: crate::json_style::JsonStyle) {
                crate::schema::push_quoted(out, self.as_str());
            }

            #[cfg(test)]
            const WRONG: &'static str = "7";

            #[cfg(test)]
            fn sample() -> Self {
                Self::VALUES[0]
            }
        }
    };
}

macro_rules! int_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, in the order of the spec.
            pub const VALUES: &'static [$name] = &[$($name::$variant,)*];

            /// The wire number.
            pub const fn value(self) -> i64 {
                match self { $($name::$variant => $wire,)* }
            }

            /// The value for a wire number.
            pub fn from_value(value: i64) -> Option<Self> {
                match value { $($wire => Some($name::$variant),)* _ => None }
            }

            /// The wire values joined for messages.
            pub(crate) fn expected() -> String {
                [$(stringify!($wire),)*].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl TryFrom<i64> for $name {
            type Error = crate::ids::UnknownValue;

            fn try_from(value: i64) -> Result<Self, Self::Error> {
                Self::from_value(value)
                    .ok_or_else(|| crate::ids::UnknownValue::new(stringify!($name), &value.to_string()))
            }
        }

        impl crate::schema::Wire for $name {
            const JSON_TYPE: &'static str = "integer";

            fn read(r: &mut crate::read::Reader, value: &crate::json_value::Value<'_>, at: &crate::schema::At<'_>) -> Option<Self> {
                r.int_enum(value, at, Self::from_value, Self::expected)
            }

            fn write(&self, out: &mut String, _: crate::json_style::JsonStyle) {
                crate::json_style::push_int(out, self.value());
            }

            #[cfg(test)]
            const WRONG: &'static str = r#""1""#;

            #[cfg(test)]
            fn sample() -> Self {
                Self::VALUES[0]
            }
        }
    };
}

str_enum! {
    /// `playback_policy.allowed_track_types`: which resolutions a license unlocks.
    AllowedTrackTypes {
        /// Every track (server default).
        All = "ALL",
        /// SD only.
        SdOnly = "SD_ONLY",
        /// SD and HD.
        SdHd = "SD_HD",
        /// SD, HD and UHD1.
        SdUhd1 = "SD_UHD1",
        /// SD, HD, UHD1 and UHD2.
        SdUhd2 = "SD_UHD2",
    }
}

str_enum! {
    /// Widevine `required_hdcp_version`. `HDCP_V2_3` is accepted (the Java sample has it; the
    /// Python sample's list lacks it).
    HdcpVersion {
        /// No HDCP required.
        None = "HDCP_NONE",
        /// HDCP 1.x.
        V1 = "HDCP_V1",
        /// HDCP 2.0.
        V2 = "HDCP_V2",
        /// HDCP 2.1.
        V2_1 = "HDCP_V2_1",
        /// HDCP 2.2.
        V2_2 = "HDCP_V2_2",
        /// HDCP 2.3.
        V2_3 = "HDCP_V2_3",
        /// No digital output allowed.
        NoDigitalOutput = "HDCP_NO_DIGITAL_OUTPUT",
    }
}

str_enum! {
    /// Widevine `required_cgms_flags`.
    CgmsFlags {
        /// No CGMS.
        None = "CGMS_NONE",
        /// Copy freely.
        CopyFree = "COPY_FREE",
        /// Copy once.
        CopyOnce = "COPY_ONCE",
        /// Copy never.
        CopyNever = "COPY_NEVER",
    }
}

str_enum! {
    /// Widevine `hdcp_srm_rule`.
    HdcpSrmRule {
        /// No SRM rule.
        None = "HDCP_SRM_RULE_NONE",
        /// Require the current SRM.
        CurrentSrm = "CURRENT_SRM",
    }
}

int_enum! {
    /// Widevine `security_level` (1–5).
    WidevineSecurityLevel {
        /// 1: SW_SECURE_CRYPTO (server default).
        SwSecureCrypto = 1,
        /// 2: SW_SECURE_DECODE.
        SwSecureDecode = 2,
        /// 3: HW_SECURE_CRYPTO.
        HwSecureCrypto = 3,
        /// 4: HW_SECURE_DECODE.
        HwSecureDecode = 4,
        /// 5: HW_SECURE_ALL (L1 only).
        HwSecureAll = 5,
    }
}

int_enum! {
    /// PlayReady `security_level`.
    PlayReadySecurityLevel {
        /// 150 (server default).
        L150 = 150,
        /// 2000.
        L2000 = 2000,
        /// 3000 (hardware).
        L3000 = 3000,
    }
}

int_enum! {
    /// PlayReady `digital_video_protection_level`.
    DigitalVideoProtection {
        /// 100 (server default).
        L100 = 100,
        /// 250.
        L250 = 250,
        /// 270.
        L270 = 270,
        /// 300.
        L300 = 300,
        /// 301.
        L301 = 301,
    }
}

int_enum! {
    /// PlayReady `analog_video_protection_level`.
    AnalogVideoProtection {
        /// 100 (server default).
        L100 = 100,
        /// 150.
        L150 = 150,
        /// 200.
        L200 = 200,
        /// 201.
        L201 = 201,
    }
}

int_enum! {
    /// PlayReady `digital_audio_protection_level`.
    DigitalAudioProtection {
        /// 100 (server default).
        L100 = 100,
        /// 250.
        L250 = 250,
        /// 300.
        L300 = 300,
        /// 301.
        L301 = 301,
    }
}

int_enum! {
    /// FairPlay `hdcp_enforcement`.
    HdcpEnforcement {
        /// -1: no HDCP (server default).
        None = -1,
        /// 0: HDCP type 0.
        Type0 = 0,
        /// 1: HDCP type 1 (2.2+).
        Type1 = 1,
    }
}

int_enum! {
    /// NCG `control_hdcp`.
    ControlHdcp {
        /// 0: none (server default).
        None = 0,
        /// 1: HDCP 1.4.
        Hdcp1_4 = 1,
        /// 2: HDCP 2.2.
        Hdcp2_2 = 2,
    }
}

int_enum! {
    /// WisePlay `security_level` (1–3). Stricter than the Python sample, which accepts any integer.
    WisePlaySecurityLevel {
        /// 1: SW_LEVEL_1.
        SwLevel1 = 1,
        /// 2: HW_LEVEL_2.
        HwLevel2 = 2,
        /// 3: ENHANCED_HW_LEVEL_3.
        EnhancedHwLevel3 = 3,
    }
}

int_enum! {
    /// WisePlay `output_control` (0–3). Stricter than the Python sample, which accepts any integer.
    OutputControl {
        /// 0: HDCP_NONE.
        HdcpNone = 0,
        /// 1: HDCP_V1_4.
        HdcpV1_4 = 1,
        /// 2: HDCP_V2_2.
        HdcpV2_2 = 2,
        /// 3: HDCP_RESTRICTED.
        HdcpRestricted = 3,
    }
}

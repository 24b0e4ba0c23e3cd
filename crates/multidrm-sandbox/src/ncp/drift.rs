//! Switches that make responses look like older revisions of the API, so clients can be
//! tested against the field-name and type drift that the spec (§5) says they must absorb.

/// How far responses drift from the current documented shape. All off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseDrift {
    /// Emit the old DRM block keys `wideVine` / `playReady` / `fairPlay` instead of
    /// `widevine` / `playready` / `fairplay`.
    pub legacy_drm_keys: bool,
    /// Emit `drmPolicyConfig` as a one-element array instead of an object.
    pub drm_config_as_array: bool,
    /// Emit the numeric policy fields (`rentalDuration`, `playbackDuration`, the Widevine and
    /// PlayReady levels) as numeric strings (`"150"`) instead of numbers.
    pub numbers_as_strings: bool,
}

impl ResponseDrift {
    /// The current documented shape (no drift).
    pub const CURRENT: Self = Self {
        legacy_drm_keys: false,
        drm_config_as_array: false,
        numbers_as_strings: false,
    };

    /// Every drift at once: what the older (2023–24) documentation revisions show.
    pub const LEGACY: Self = Self {
        legacy_drm_keys: true,
        drm_config_as_array: true,
        numbers_as_strings: true,
    };
}

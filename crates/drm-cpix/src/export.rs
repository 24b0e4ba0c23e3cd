//! What a packaging engineer feeds to a packager, from a parsed response:
//!
//! * [`official_json`] — the official DoveRunner client's JSON, byte for byte (spec §3.3);
//! * [`full_json`] — every field of the official per-key record plus both KIDs, hex values,
//!   scheme, filters and the PlayReady checksum check;
//! * [`ShakaArgs`] — Shaka Packager raw-key arguments (spec §3.4);
//! * [`qencode_cenc_drm`] — Qencode's `cenc_drm` object.
//!
//! The same exports are methods of [`CpixResponse`].

mod full;
mod official;
mod pyjson;
mod qencode;
mod shaka;

use std::fmt;
use std::str::FromStr;

pub use full::full_json;
pub use official::official_json;
pub use qencode::{DOVERUNNER_LICENSE_URL, QencodeOptions, qencode_cenc_drm};
pub use shaka::{ShakaArgs, ShakaKey, ShakaOptions};

use crate::error::ExportError;
use crate::response::CpixResponse;

/// The export formats of `multidrm cpix parse|get --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ExportFormat {
    /// The official client's JSON.
    #[default]
    Official,
    /// The full JSON.
    Full,
    /// Shaka Packager arguments (one shell line).
    Shaka,
    /// Qencode's `cenc_drm` object.
    Qencode,
}

impl ExportFormat {
    /// Every format.
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Official,
        ExportFormat::Full,
        ExportFormat::Shaka,
        ExportFormat::Qencode,
    ];

    /// `official`, `full`, `shaka`, `qencode`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Official => "official",
            ExportFormat::Full => "full",
            ExportFormat::Shaka => "shaka",
            ExportFormat::Qencode => "qencode",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a text names no export format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {value:?}: expected official, full, shaka or qencode")]
pub struct UnknownFormat {
    /// The rejected text (at most 64 characters).
    pub value: String,
}

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownFormat {
                value: s.chars().take(64).collect(),
            })
    }
}

/// Options of [`CpixResponse::export`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Shaka options.
    pub shaka: ShakaOptions,
    /// Qencode options.
    pub qencode: QencodeOptions,
}

impl CpixResponse {
    /// The official client's JSON (no trailing newline). See [`official_json`].
    ///
    /// # Errors
    /// Where the official client would fail; see [`official_json`].
    pub fn to_official_json(&self) -> Result<String, ExportError> {
        official_json(self.raw())
    }

    /// The full JSON (no trailing newline). See [`full_json`].
    pub fn to_full_json(&self) -> String {
        full_json(self)
    }

    /// Shaka Packager arguments. See [`ShakaArgs`].
    ///
    /// # Errors
    /// See [`ShakaArgs::from_response`].
    pub fn to_shaka_args(&self, options: &ShakaOptions) -> Result<ShakaArgs, ExportError> {
        ShakaArgs::from_response(self, options)
    }

    /// Qencode's `cenc_drm` object as JSON. See [`qencode_cenc_drm`].
    ///
    /// # Errors
    /// See [`qencode_cenc_drm`].
    pub fn to_qencode_cenc_drm(&self, options: &QencodeOptions) -> Result<String, ExportError> {
        qencode_cenc_drm(self, options)
    }

    /// The export in `format`, as the text `multidrm cpix` prints (no trailing newline).
    ///
    /// # Errors
    /// As the chosen export.
    pub fn export(
        &self,
        format: ExportFormat,
        options: &ExportOptions,
    ) -> Result<String, ExportError> {
        match format {
            ExportFormat::Official => self.to_official_json(),
            ExportFormat::Full => Ok(self.to_full_json()),
            ExportFormat::Shaka => Ok(self.to_shaka_args(&options.shaka)?.to_command_line()),
            ExportFormat::Qencode => self.to_qencode_cenc_drm(&options.qencode),
        }
    }
}

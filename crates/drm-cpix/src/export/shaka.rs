//! Shaka Packager raw-key arguments (spec §3.4), as DoveRunner's own Shaka Packager sample
//! builds them:
//!
//! `--enable_raw_key_encryption --keys label=…:key_id=…:key=…,… --protection_scheme … [--iv …]
//! --pssh …`
//!
//! * one key → an empty label (it applies to every stream); several keys → their CPIX
//!   `LabelFilter` labels, else the track names (`AUDIO`, `SD`, …), else `KEY1`, `KEY2`…, to be
//!   matched by `drm_label=` on the streams — never an empty or a repeated label (a label that
//!   two keys claim gets a `_2` suffix on the second);
//! * `--iv` (the KMS's explicit IV) only when FairPlay is in the response;
//! * `--pssh` = the Widevine, PlayReady (and WisePlay) PSSH boxes of every key, hex, followed by
//!   the empty CMAF FairPlay box when FairPlay is in the response.

use drm_policy::hex::encode_lower;

use crate::b64;
use crate::error::ExportError;
use crate::fairplay::empty_cmaf_pssh;
use crate::request::EncryptionScheme;
use crate::response::{CpixResponse, KeyInfo};
use crate::secret::SecretText;
use crate::system::DrmSystem;

/// The labels of one key: its `LabelFilter` labels; else none for the single key of a
/// document (it applies to every stream); else its track name, else `KEY{n}` (1-based
/// position).
fn labels_of(k: &KeyInfo, position: usize, single: bool) -> Vec<String> {
    let from_filters: Vec<String> = k
        .filters
        .iter()
        .filter(|f| f.kind == "LabelFilter")
        .filter_map(|f| f.attr("label"))
        .map(sanitize_label)
        .filter(|l| !l.is_empty())
        .collect();
    if !from_filters.is_empty() {
        return from_filters;
    }
    if single {
        return vec![String::new()];
    }
    let track = k
        .track()
        .map(|t| t.as_str().to_owned())
        .or_else(|| k.track_type.as_deref().map(sanitize_label))
        .filter(|l| !l.is_empty());
    vec![track.unwrap_or_else(|| format!("KEY{position}"))]
}

/// A label Shaka's `--keys` syntax can carry: characters other than letters, digits, `_`, `-`
/// and `.` (the `:`/`,`/`=` separators among them) become `_`.
fn sanitize_label(label: &str) -> String {
    label
        .trim()
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One `--keys` entry per key and label, never an empty label for several keys and never one
/// label twice: an entry repeating (label, key) is dropped, a label another key already holds
/// gets the first free suffix `_2`, `_3`, ….
fn shaka_keys(response: &CpixResponse) -> Result<Vec<ShakaKey>, ExportError> {
    let keys = response.keys();
    // One key for everything: one key and at most one usage rule (an unusable rule that was
    // left out must not turn the remaining key into the key of every stream).
    let single = keys.len() == 1 && response.raw().usage_rules.len() <= 1;
    let mut out: Vec<ShakaKey> = Vec::with_capacity(keys.len());
    for (i, k) in keys.iter().enumerate() {
        let key = k.key.as_ref().ok_or_else(|| ExportError::MissingKeyValue {
            key_id: k.key_id.to_uuid_string(),
        })?;
        let key_id_hex = k.key_id.to_hex();
        for base in labels_of(k, i + 1, single) {
            let taken = |l: &str| out.iter().find(|e| e.label == l).map(|e| &e.key_id_hex);
            if taken(&base) == Some(&key_id_hex) {
                continue;
            }
            let mut label = base.clone();
            let mut n = 2;
            while taken(&label).is_some() {
                label = format!("{base}_{n}");
                n += 1;
            }
            out.push(ShakaKey {
                label,
                key_id_hex: key_id_hex.clone(),
                key_hex: SecretText::new(encode_lower(key.expose_secret())),
            });
        }
    }
    Ok(out)
}

/// Options of the Shaka export.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShakaOptions {
    /// `--protection_scheme`; default: the scheme the KMS echoed, else `cbcs` when FairPlay is
    /// present, else `cenc`. [`EncryptionScheme::None`] counts as "not set".
    pub protection_scheme: Option<EncryptionScheme>,
}

/// One `--keys` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShakaKey {
    /// `label=` (empty for a single key).
    pub label: String,
    /// `key_id=` (32 lower-case hex digits).
    pub key_id_hex: String,
    /// `key=` (32 lower-case hex digits).
    pub key_hex: SecretText,
}

/// Everything Shaka Packager needs for raw-key encryption with the KMS's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShakaArgs {
    /// The keys.
    pub keys: Vec<ShakaKey>,
    /// `--protection_scheme` (`cenc`, `cbc1`, `cens`, `cbcs`).
    pub protection_scheme: String,
    /// `--iv` (hex), FairPlay only.
    pub iv_hex: Option<String>,
    /// `--pssh` (hex of the concatenated boxes), empty when there is no PSSH.
    pub pssh_hex: String,
}

impl ShakaArgs {
    /// Builds the arguments from a parsed response.
    ///
    /// # Errors
    /// [`ExportError::NoKeys`], [`ExportError::MissingKeyValue`], [`ExportError::InvalidPssh`].
    pub fn from_response(
        response: &CpixResponse,
        options: &ShakaOptions,
    ) -> Result<Self, ExportError> {
        let keys = response.keys();
        if keys.is_empty() {
            return Err(ExportError::NoKeys);
        }
        let out_keys = shaka_keys(response)?;
        let has_fairplay = keys
            .iter()
            .any(|k| k.signalling(DrmSystem::FairPlay).is_some());
        let echoed = keys
            .iter()
            .find_map(|k| k.common_encryption_scheme.as_deref())
            .and_then(|s| s.parse::<EncryptionScheme>().ok())
            .filter(|s| *s != EncryptionScheme::None);
        let scheme = options
            .protection_scheme
            .filter(|s| *s != EncryptionScheme::None)
            .or(echoed)
            .unwrap_or(if has_fairplay {
                EncryptionScheme::Cbcs
            } else {
                EncryptionScheme::Cenc
            });
        let iv_hex = if has_fairplay {
            keys.iter().find_map(|k| k.iv_hex())
        } else {
            None
        };
        let mut boxes: Vec<Vec<u8>> = Vec::new();
        for system in [
            DrmSystem::Widevine,
            DrmSystem::PlayReady,
            DrmSystem::WisePlay,
        ] {
            for k in keys {
                let Some(text) = k.signalling(system).and_then(|d| d.pssh.as_deref()) else {
                    continue;
                };
                let bytes = b64::decode_strict(text).ok_or_else(|| ExportError::InvalidPssh {
                    system,
                    key_id: k.key_id.to_uuid_string(),
                })?;
                if !boxes.contains(&bytes) {
                    boxes.push(bytes);
                }
            }
        }
        if has_fairplay {
            if let Ok(b) = empty_cmaf_pssh().to_bytes() {
                boxes.push(b);
            }
        }
        let pssh_hex = boxes.iter().map(|b| encode_lower(b)).collect::<String>();
        Ok(ShakaArgs {
            keys: out_keys,
            protection_scheme: scheme.as_str().to_owned(),
            iv_hex,
            pssh_hex,
        })
    }

    /// The value of `--keys`: `label=…:key_id=…:key=…` entries joined by commas.
    pub fn keys_arg(&self) -> String {
        self.keys
            .iter()
            .map(|k| {
                format!(
                    "label={}:key_id={}:key={}",
                    k.label,
                    k.key_id_hex,
                    k.key_hex.expose_secret()
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The arguments, one per element (ready for `std::process::Command::args`).
    pub fn args(&self) -> Vec<String> {
        let mut a = vec![
            "--enable_raw_key_encryption".to_owned(),
            "--keys".to_owned(),
            self.keys_arg(),
            "--protection_scheme".to_owned(),
            self.protection_scheme.clone(),
        ];
        if let Some(iv) = &self.iv_hex {
            a.push("--iv".to_owned());
            a.push(iv.clone());
        }
        if !self.pssh_hex.is_empty() {
            a.push("--pssh".to_owned());
            a.push(self.pssh_hex.clone());
        }
        a
    }

    /// The arguments as one shell line (values hold no characters a POSIX shell would treat
    /// specially).
    pub fn to_command_line(&self) -> String {
        self.args().join(" ")
    }
}

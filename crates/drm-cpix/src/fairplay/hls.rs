//! HLS key tag lines: `#EXT-X-KEY` (media playlist) and `#EXT-X-SESSION-KEY` (master playlist),
//! as carried (base64) in CPIX `HLSSignalingData`.
//!
//! Written attribute order: `METHOD`, `URI`, `IV`, `KEYFORMAT`, `KEYFORMATVERSIONS`, then any
//! other attributes in their original order — the order of DoveRunner's lines, e.g.
//! `#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://…",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"`.
//!
//! ```
//! use drm_cpix::fairplay::{HlsKeyLine, HlsKeyTag, SkdUri};
//!
//! let uri = SkdUri::parse("skd://y7w4trUNq1P4Jj4Gtzgqow==").unwrap();
//! let line = HlsKeyLine::fairplay(HlsKeyTag::Key, &uri).to_line().unwrap();
//! assert_eq!(
//!     line,
//!     "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://y7w4trUNq1P4Jj4Gtzgqow==\",\
//!      KEYFORMAT=\"com.apple.streamingkeydelivery\",KEYFORMATVERSIONS=\"1\""
//! );
//! assert_eq!(HlsKeyLine::parse(&line).unwrap().uri.as_deref(), Some("skd://y7w4trUNq1P4Jj4Gtzgqow=="));
//! ```

use std::fmt;

use drm_policy::hex::{self, HexCase, encode_lower};

use super::{FAIRPLAY_KEYFORMAT, FAIRPLAY_KEYFORMAT_VERSIONS, FairPlayError, SkdUri};

/// Longest line accepted by [`HlsKeyLine::parse`]: 8 KiB.
pub const MAX_HLS_LINE_LEN: usize = 8192;

/// Which key tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HlsKeyTag {
    /// `#EXT-X-KEY` (media playlist; CPIX `@playlist="media"`).
    Key,
    /// `#EXT-X-SESSION-KEY` (master playlist; CPIX `@playlist="master"`).
    SessionKey,
}

impl HlsKeyTag {
    /// The tag text without the colon, e.g. `#EXT-X-KEY`.
    pub const fn as_str(self) -> &'static str {
        match self {
            HlsKeyTag::Key => "#EXT-X-KEY",
            HlsKeyTag::SessionKey => "#EXT-X-SESSION-KEY",
        }
    }
}

/// The `METHOD` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HlsMethod {
    /// `NONE`.
    None,
    /// `AES-128` (whole-segment AES-128-CBC).
    Aes128,
    /// `SAMPLE-AES` (FairPlay, NCG-HLS SAMPLE-AES, clear-key SAMPLE-AES).
    SampleAes,
    /// `SAMPLE-AES-CTR`.
    SampleAesCtr,
    /// Any other value.
    Other(String),
}

impl HlsMethod {
    /// The attribute value.
    pub fn as_str(&self) -> &str {
        match self {
            HlsMethod::None => "NONE",
            HlsMethod::Aes128 => "AES-128",
            HlsMethod::SampleAes => "SAMPLE-AES",
            HlsMethod::SampleAesCtr => "SAMPLE-AES-CTR",
            HlsMethod::Other(s) => s,
        }
    }

    /// From the attribute value.
    pub fn from_text(s: &str) -> Self {
        match s {
            "NONE" => HlsMethod::None,
            "AES-128" => HlsMethod::Aes128,
            "SAMPLE-AES" => HlsMethod::SampleAes,
            "SAMPLE-AES-CTR" => HlsMethod::SampleAesCtr,
            other => HlsMethod::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for HlsMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One `#EXT-X-KEY` / `#EXT-X-SESSION-KEY` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HlsKeyLine {
    /// The tag.
    pub tag: HlsKeyTag,
    /// `METHOD`.
    pub method: HlsMethod,
    /// `URI` (unquoted).
    pub uri: Option<String>,
    /// `IV` (16 bytes, written as `0x` + 32 lower-case hex digits).
    pub iv: Option<[u8; 16]>,
    /// `KEYFORMAT` (unquoted).
    pub keyformat: Option<String>,
    /// `KEYFORMATVERSIONS` (unquoted).
    pub keyformat_versions: Option<String>,
    /// Other attributes: name and raw value (quotes kept for quoted strings).
    pub other: Vec<(String, String)>,
}

impl HlsKeyLine {
    /// A FairPlay line: `METHOD=SAMPLE-AES`, the `skd://` URI, FairPlay `KEYFORMAT` and
    /// `KEYFORMATVERSIONS="1"`.
    pub fn fairplay(tag: HlsKeyTag, uri: &SkdUri) -> Self {
        Self {
            tag,
            method: HlsMethod::SampleAes,
            uri: Some(uri.to_string()),
            iv: None,
            keyformat: Some(FAIRPLAY_KEYFORMAT.to_owned()),
            keyformat_versions: Some(FAIRPLAY_KEYFORMAT_VERSIONS.to_owned()),
            other: Vec::new(),
        }
    }

    /// A line with a method, a key URI and an IV (the NCG-HLS / clear-key form).
    pub fn with_uri(tag: HlsKeyTag, method: HlsMethod, uri: &str, iv: Option<[u8; 16]>) -> Self {
        Self {
            tag,
            method,
            uri: Some(uri.to_owned()),
            iv,
            keyformat: None,
            keyformat_versions: None,
            other: Vec::new(),
        }
    }

    /// The same line with this IV.
    #[must_use]
    pub fn iv(mut self, iv: [u8; 16]) -> Self {
        self.iv = Some(iv);
        self
    }

    /// The same line with the other tag (media ↔ master form).
    #[must_use]
    pub fn tag(mut self, tag: HlsKeyTag) -> Self {
        self.tag = tag;
        self
    }

    /// Writes the line (no line terminator).
    ///
    /// # Errors
    /// [`FairPlayError::Unencodable`] when a quoted value holds `"`, CR or LF.
    pub fn to_line(&self) -> Result<String, FairPlayError> {
        let mut s = String::with_capacity(160);
        s.push_str(self.tag.as_str());
        s.push_str(":METHOD=");
        s.push_str(self.method.as_str());
        push_quoted(&mut s, "URI", self.uri.as_deref())?;
        if let Some(iv) = &self.iv {
            s.push_str(",IV=0x");
            s.push_str(&encode_lower(iv));
        }
        push_quoted(&mut s, "KEYFORMAT", self.keyformat.as_deref())?;
        push_quoted(
            &mut s,
            "KEYFORMATVERSIONS",
            self.keyformat_versions.as_deref(),
        )?;
        for (name, value) in &self.other {
            if name.contains([',', '=', '\r', '\n']) || value.contains(['\r', '\n']) {
                return Err(FairPlayError::Unencodable {
                    name: "other",
                    reason: "a line break, comma or equals sign",
                });
            }
            s.push(',');
            s.push_str(name);
            s.push('=');
            s.push_str(value);
        }
        Ok(s)
    }

    /// Parses one line (surrounding whitespace ignored).
    ///
    /// # Errors
    /// A [`FairPlayError`] for another tag, a malformed attribute list, a duplicate attribute,
    /// a missing `METHOD` or a bad `IV`.
    pub fn parse(line: &str) -> Result<Self, FairPlayError> {
        let line = line.trim();
        if line.len() > MAX_HLS_LINE_LEN {
            return Err(FairPlayError::TooLong {
                len: line.len(),
                max: MAX_HLS_LINE_LEN,
            });
        }
        let (tag, attrs) = if let Some(rest) = line.strip_prefix("#EXT-X-KEY:") {
            (HlsKeyTag::Key, rest)
        } else if let Some(rest) = line.strip_prefix("#EXT-X-SESSION-KEY:") {
            (HlsKeyTag::SessionKey, rest)
        } else {
            return Err(FairPlayError::NotKeyTag);
        };
        let mut out = Self {
            tag,
            method: HlsMethod::None,
            uri: None,
            iv: None,
            keyformat: None,
            keyformat_versions: None,
            other: Vec::new(),
        };
        let mut seen: Vec<String> = Vec::new();
        let mut has_method = false;
        for (name, raw) in attribute_list(attrs)? {
            if seen.contains(&name) {
                return Err(FairPlayError::DuplicateAttribute { name });
            }
            seen.push(name.clone());
            let unquoted = raw
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .map(str::to_owned);
            match name.as_str() {
                "METHOD" => {
                    has_method = true;
                    out.method = HlsMethod::from_text(raw);
                }
                "URI" => out.uri = Some(unquoted.unwrap_or_else(|| raw.to_owned())),
                "IV" => out.iv = Some(parse_iv(raw)?),
                "KEYFORMAT" => out.keyformat = Some(unquoted.unwrap_or_else(|| raw.to_owned())),
                "KEYFORMATVERSIONS" => {
                    out.keyformat_versions = Some(unquoted.unwrap_or_else(|| raw.to_owned()));
                }
                _ => out.other.push((name, raw.to_owned())),
            }
        }
        if !has_method {
            return Err(FairPlayError::MissingMethod);
        }
        Ok(out)
    }
}

fn push_quoted(
    s: &mut String,
    name: &'static str,
    value: Option<&str>,
) -> Result<(), FairPlayError> {
    if let Some(v) = value {
        if v.contains(['"', '\r', '\n']) {
            return Err(FairPlayError::Unencodable {
                name,
                reason: "a double quote or a line break",
            });
        }
        s.push(',');
        s.push_str(name);
        s.push_str("=\"");
        s.push_str(v);
        s.push('"');
    }
    Ok(())
}

fn parse_iv(raw: &str) -> Result<[u8; 16], FairPlayError> {
    let err = || FairPlayError::InvalidIv {
        value: raw.chars().take(64).collect(),
    };
    let digits = raw
        .strip_prefix("0x")
        .or_else(|| raw.strip_prefix("0X"))
        .ok_or_else(err)?;
    hex::decode_array::<16>(digits, HexCase::Any).ok_or_else(err)
}

/// Splits an HLS attribute list into `(NAME, raw value)` pairs; quoted values keep their quotes.
fn attribute_list(attrs: &str) -> Result<Vec<(String, &str)>, FairPlayError> {
    let bytes = attrs.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let name_start = i;
        while i < bytes.len() && bytes[i] != b'=' {
            if !(bytes[i].is_ascii_uppercase() || bytes[i].is_ascii_digit() || bytes[i] == b'-') {
                return Err(FairPlayError::Attribute {
                    offset: i,
                    reason: "attribute names are A-Z, 0-9 and '-'",
                });
            }
            i += 1;
        }
        if i == name_start || i >= bytes.len() {
            return Err(FairPlayError::Attribute {
                offset: i,
                reason: "expected NAME=value",
            });
        }
        let name = attrs.get(name_start..i).unwrap_or_default().to_owned();
        i += 1; // '='
        let value_start = i;
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += 1;
            }
            if i >= bytes.len() {
                return Err(FairPlayError::Attribute {
                    offset: value_start,
                    reason: "unterminated quoted string",
                });
            }
            i += 1; // closing quote
        } else {
            while i < bytes.len() && bytes[i] != b',' {
                i += 1;
            }
        }
        let value = attrs.get(value_start..i).unwrap_or_default();
        if value.is_empty() {
            return Err(FairPlayError::Attribute {
                offset: value_start,
                reason: "empty value",
            });
        }
        out.push((name, value));
        match bytes.get(i) {
            None => {}
            Some(b',') => {
                i += 1;
                if i == bytes.len() {
                    return Err(FairPlayError::Attribute {
                        offset: i,
                        reason: "trailing comma",
                    });
                }
            }
            Some(_) => {
                return Err(FairPlayError::Attribute {
                    offset: i,
                    reason: "expected ',' after a quoted value",
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ncg_line_round_trip() {
        let line = "#EXT-X-SESSION-KEY:METHOD=AES-128,URI=\"https://license.pallycon.com/ri/hlskeyPackager.do?sid=DEMO&filename=sample-ncg&cid=sample-ncg\",IV=0x30313233343536373839616263646566";
        let parsed = HlsKeyLine::parse(line).unwrap();
        assert_eq!(parsed.tag, HlsKeyTag::SessionKey);
        assert_eq!(parsed.method, HlsMethod::Aes128);
        assert_eq!(parsed.iv, Some(*b"0123456789abcdef"));
        assert_eq!(parsed.to_line().unwrap(), line);
    }

    #[test]
    fn other_attributes_are_kept() {
        let line = "#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://x\",KEYFORMAT=\"com.apple.streamingkeydelivery\",KEYFORMATVERSIONS=\"1\",X-FOO=\"a,b\"";
        let parsed = HlsKeyLine::parse(line).unwrap();
        assert_eq!(
            parsed.other,
            vec![("X-FOO".to_owned(), "\"a,b\"".to_owned())]
        );
        assert_eq!(parsed.to_line().unwrap(), line);
    }

    #[test]
    fn bad_lines() {
        for bad in [
            "",
            "#EXT-X-MAP:URI=\"x\"",
            "#EXT-X-KEY:",
            "#EXT-X-KEY:URI=\"x\"",
            "#EXT-X-KEY:METHOD=AES-128,",
            "#EXT-X-KEY:METHOD=AES-128,URI=\"x",
            "#EXT-X-KEY:METHOD=AES-128,URI=\"x\"y",
            "#EXT-X-KEY:METHOD=AES-128,IV=0x12",
            "#EXT-X-KEY:METHOD=AES-128,METHOD=NONE",
            "#EXT-X-KEY:method=AES-128",
            "#EXT-X-KEY:METHOD=",
        ] {
            assert!(HlsKeyLine::parse(bad).is_err(), "{bad}");
        }
        let mut l = HlsKeyLine::with_uri(HlsKeyTag::Key, HlsMethod::Aes128, "a\"b", None);
        assert!(l.to_line().is_err());
        l.uri = Some("ok".into());
        assert!(l.to_line().is_ok());
    }
}

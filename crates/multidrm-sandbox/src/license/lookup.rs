//! Where a token is found (`license.md` §2.3, §7.3): the `pallycon-customdata-v2` header, then
//! the URL parameter of the same name, then — for PlayReady — the SOAP `CustomData` element.
//! `doverunner-customdata-v2` (header or URL) only when the emulator is told to accept it.

use axum::http::HeaderMap;
use percent_encoding::percent_decode_str;

/// The token header (and URL parameter) every shipping client sends.
pub const TOKEN_HEADER: &str = "pallycon-customdata-v2";
/// The interim 2025 name, accepted only behind [`LicenseSettings::accept_doverunner_header`](super::LicenseSettings::accept_doverunner_header).
pub const DOVERUNNER_TOKEN_HEADER: &str = "doverunner-customdata-v2";
/// The client-meta header.
pub const CLIENT_META_HEADER: &str = "pallycon-client-meta";

/// Parsed query parameters: names as sent, values percent-decoded (a `+` stays a `+`: no form
/// decoding, since the values that matter are base64).
#[derive(Debug, Default)]
pub(crate) struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// Reads a raw query string (without `?`).
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (name, value) = part.split_once('=').unwrap_or((part, ""));
                (decode(name), decode(value))
            })
            .collect();
        Self(pairs)
    }

    /// The first value of a parameter, non-empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// The first value of a parameter whose name matches ignoring ASCII case.
    pub(crate) fn get_any_case(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

/// Percent-decodes (lossy UTF-8); `+` is kept.
pub(crate) fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// A base64 value that went through a form decoder or an unencoded URL has spaces where its
/// `+` were: put them back.
pub(crate) fn repair_base64(text: &str) -> String {
    text.trim().replace(' ', "+")
}

/// Finds the token of a license request, in lookup order.
pub(crate) fn find_token(
    headers: &HeaderMap,
    query: &QueryParams,
    body: &[u8],
    accept_doverunner: bool,
) -> Option<String> {
    let mut names = vec![TOKEN_HEADER];
    if accept_doverunner {
        names.push(DOVERUNNER_TOKEN_HEADER);
    }
    for name in &names {
        let value = headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if let Some(value) = value {
            return Some(value.to_owned());
        }
    }
    for name in &names {
        if let Some(value) = query.get(name) {
            return Some(repair_base64(value));
        }
    }
    soap_custom_data(body)
}

/// Whether a body looks like a PlayReady SOAP challenge.
pub(crate) fn looks_like_playready(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.starts_with('<') && (text.contains("AcquireLicense") || text.contains("Envelope"))
}

/// The text of the first `CustomData` element (any namespace prefix), XML entities decoded.
pub(crate) fn soap_custom_data(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let mut rest = text;
    // Each step moves past one `<…>`: linear in the body length.
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>')?;
        let tag = &after[..end];
        rest = &after[end + 1..];
        let name = tag
            .split([' ', '\t', '\r', '\n', '/'])
            .next()
            .unwrap_or_default();
        let local = name.rsplit(':').next().unwrap_or_default();
        if local == "CustomData" && !tag.ends_with('/') {
            let close = rest.find("</")?;
            let value = unescape(rest[..close].trim());
            return (!value.is_empty()).then_some(value);
        }
    }
    None
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#43;", "+")
        .replace("&#x2B;", "+")
        .replace("&#47;", "/")
        .replace("&#61;", "=")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keeps_plus_and_decodes_percent() {
        let q = QueryParams::parse(Some("a=x+y%2Bz%3D&b=&c"));
        assert_eq!(q.get("a"), Some("x+y+z="));
        assert_eq!(q.get("b"), None);
        assert_eq!(q.get("c"), None);
        assert_eq!(repair_base64("ab c="), "ab+c=");
    }

    #[test]
    fn custom_data_with_any_prefix() {
        let body = br#"<soap:Envelope><soap:Body><AcquireLicense><challenge><Challenge><LA><CustomData>eyJ&#43;</CustomData></LA></Challenge></challenge></AcquireLicense></soap:Body></soap:Envelope>"#;
        assert_eq!(soap_custom_data(body).as_deref(), Some("eyJ+"));
        assert!(looks_like_playready(body));
        let prefixed = b"<a:CustomData attr=\"1\"> tok </a:CustomData>";
        assert_eq!(soap_custom_data(prefixed).as_deref(), Some("tok"));
        assert_eq!(soap_custom_data(b"<CustomData/>"), None);
        assert_eq!(soap_custom_data(b"<CustomData>"), None);
        assert_eq!(soap_custom_data(&[0xff, 0x00]), None);
    }
}

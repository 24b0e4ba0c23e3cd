//! PlayReady key messages: what an EME CDM hands the page is a UTF-16 `PlayReadyKeyMessage`
//! wrapping the SOAP challenge (base64) and the HTTP headers to send it with. The license server
//! wants the SOAP challenge itself (spec `license.md` §2.5, §7.4).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Largest key message read.
pub const MAX_KEY_MESSAGE_LEN: usize = 1024 * 1024;

/// The content of a `PlayReadyKeyMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMessage {
    /// The SOAP `AcquireLicense` challenge (decoded from its base64).
    pub challenge: Vec<u8>,
    /// The `HttpHeaders` it lists (`Content-Type`, `SOAPAction`…), entities decoded.
    pub headers: Vec<(String, String)>,
}

impl KeyMessage {
    /// The value of a listed header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a `PlayReadyKeyMessage` could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyMessageError {
    /// Larger than [`MAX_KEY_MESSAGE_LEN`].
    #[error("the PlayReady key message is larger than {MAX_KEY_MESSAGE_LEN} bytes")]
    TooLarge,
    /// No `<Challenge>` element, or one whose content is not base64.
    #[error("the PlayReady key message has no base64 <Challenge>")]
    Challenge,
}

/// The text of a body in UTF-16LE (with or without BOM) or UTF-8, if it is text at all.
fn text_of(body: &[u8]) -> Option<String> {
    let utf16 = body.strip_prefix(&[0xff, 0xfe]).unwrap_or(body);
    if utf16.len() >= 2 && utf16.len() % 2 == 0 && utf16[1] == 0 && utf16[0] == b'<' {
        let units = utf16
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        return char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok();
    }
    let utf8 = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    std::str::from_utf8(utf8).ok().map(str::to_owned)
}

/// The text between `<tag…>` and `</tag>` (first occurrence), searching from `from`.
fn element<'a>(text: &'a str, tag: &str, mut from: usize) -> Option<(&'a str, usize)> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    loop {
        let start = from + text.get(from..)?.find(&open)?;
        let name_end = start + open.len();
        let after = text.get(name_end..)?;
        // The start tag ends at the next '>' (attributes allowed); `<tagX` is another element.
        if !after.starts_with(['>', ' ', '\t', '\r', '\n']) {
            from = name_end;
            continue;
        }
        let content = name_end + after.find('>')? + 1;
        let end = content + text.get(content..)?.find(&close)?;
        return Some((&text[content..end], end + close.len()));
    }
}

fn unescape(text: &str) -> String {
    text.trim()
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Reads a key message. `Ok(None)` when the body is not one (e.g. already the SOAP challenge).
///
/// # Errors
/// [`KeyMessageError`] for an oversized body or a key message without a base64 challenge.
pub fn unwrap_key_message(body: &[u8]) -> Result<Option<KeyMessage>, KeyMessageError> {
    if body.len() > MAX_KEY_MESSAGE_LEN {
        return Err(KeyMessageError::TooLarge);
    }
    let Some(text) = text_of(body) else {
        return Ok(None);
    };
    if !text.trim_start().starts_with("<PlayReadyKeyMessage") {
        return Ok(None);
    }
    let (encoded, _) = element(&text, "Challenge", 0).ok_or(KeyMessageError::Challenge)?;
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let challenge = STANDARD
        .decode(compact)
        .map_err(|_| KeyMessageError::Challenge)?;
    let mut headers = Vec::new();
    let mut at = 0;
    while let Some((header, next)) = element(&text, "HttpHeader", at) {
        if let (Some((name, _)), Some((value, _))) =
            (element(header, "name", 0), element(header, "value", 0))
        {
            headers.push((unescape(name), unescape(value)));
        }
        at = next;
    }
    Ok(Some(KeyMessage { challenge, headers }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    const MESSAGE: &str = concat!(
        r#"<PlayReadyKeyMessage type="LicenseAcquisition"><LicenseAcquisition Version="1">"#,
        r#"<Challenge encoding="base64encoded">PHNvYXA6RW52ZWxvcGUvPg==</Challenge>"#,
        r#"<HttpHeaders><HttpHeader><name>Content-Type</name><value>text/xml; charset=utf-8</value></HttpHeader>"#,
        r#"<HttpHeader><name>SOAPAction</name><value>"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense"</value></HttpHeader>"#,
        r#"</HttpHeaders></LicenseAcquisition></PlayReadyKeyMessage>"#
    );

    #[test]
    fn utf16_key_message_is_unwrapped() {
        let m = unwrap_key_message(&utf16(MESSAGE)).unwrap().unwrap();
        assert_eq!(m.challenge, b"<soap:Envelope/>");
        assert_eq!(m.header("content-type"), Some("text/xml; charset=utf-8"));
        assert_eq!(
            m.header("SOAPAction"),
            Some("\"http://schemas.microsoft.com/DRM/2007/03/protocols/AcquireLicense\"")
        );
    }

    #[test]
    fn utf8_and_bom_forms_are_read() {
        assert!(unwrap_key_message(MESSAGE.as_bytes()).unwrap().is_some());
        let mut bom = vec![0xff, 0xfe];
        bom.extend(utf16(MESSAGE));
        assert!(unwrap_key_message(&bom).unwrap().is_some());
    }

    #[test]
    fn a_soap_challenge_is_not_a_key_message() {
        assert_eq!(unwrap_key_message(b"<soap:Envelope/>"), Ok(None));
        assert_eq!(unwrap_key_message(&[0x08, 0x01]), Ok(None));
        assert_eq!(
            unwrap_key_message(b"<PlayReadyKeyMessage><Challenge>!!</Challenge>"),
            Err(KeyMessageError::Challenge)
        );
    }
}

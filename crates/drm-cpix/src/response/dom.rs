//! A small, bounded element tree read with quick-xml's `NsReader`: every element carries its
//! resolved namespace and local name (prefixes do not matter), its unprefixed attributes and the
//! concatenated text of its direct text/CDATA children. Comments, processing instructions and
//! the declaration are skipped. [`parse`] reads a CPIX document (a UTF-8 BOM is stripped, a
//! UTF-16 document is transcoded first); [`parse_tree`] reads any XML text (the PlayReady
//! `WRMHEADER`), with each element's inner byte span kept for verbatim copies.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

use crate::error::ParseError;
use crate::ns;

/// Largest accepted document: 4 MiB (a 5-key, 9-DRM response is about 60 KiB).
pub(crate) const MAX_DOCUMENT_LEN: usize = 4 << 20;
const MAX_DEPTH: usize = 32;
const MAX_ELEMENTS: usize = 50_000;
const MAX_ATTRIBUTES: usize = 64;

/// The namespaces this crate looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    Cpix,
    Pskc,
    Speke,
    /// XML-DSig (`ds:Signature`).
    Dsig,
    /// Any other namespace, or none.
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) ns: Ns,
    pub(crate) local: String,
    attrs: Vec<(String, String)>,
    pub(crate) text: String,
    pub(crate) children: Vec<Node>,
    /// Byte range of the element's content (between its start and end tags) in the input.
    pub(crate) inner: (usize, usize),
}

impl Node {
    /// The value of the unprefixed attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The unprefixed attributes, in document order.
    pub(crate) fn attrs(&self) -> &[(String, String)] {
        &self.attrs
    }

    pub(crate) fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// Direct children named `{ns}local`.
    pub(crate) fn children_named<'a>(
        &'a self,
        ns: Ns,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.is(ns, local))
    }

    /// The first direct child named `{ns}local`.
    pub(crate) fn child(&self, ns: Ns, local: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.is(ns, local))
    }

    /// Every descendant (not self) named `{ns}local`, in document order.
    pub(crate) fn descendants<'a>(&'a self, ns: Ns, local: &str) -> Vec<&'a Node> {
        let mut out = Vec::new();
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(n) = stack.pop() {
            if n.is(ns, local) {
                out.push(n);
            }
            stack.extend(n.children.iter().rev());
        }
        out
    }

    /// The first descendant named `{ns}local`.
    pub(crate) fn descendant(&self, ns: Ns, local: &str) -> Option<&Node> {
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(n) = stack.pop() {
            if n.is(ns, local) {
                return Some(n);
            }
            stack.extend(n.children.iter().rev());
        }
        None
    }
}

fn ns_of(resolved: &ResolveResult<'_>) -> Ns {
    match resolved {
        ResolveResult::Bound(Namespace(uri)) => match *uri {
            u if u == ns::CPIX.as_bytes() => Ns::Cpix,
            u if u == ns::PSKC.as_bytes() => Ns::Pskc,
            u if u == ns::SPEKE.as_bytes() => Ns::Speke,
            u if u == ns::DSIG.as_bytes() => Ns::Dsig,
            _ => Ns::Other,
        },
        _ => Ns::Other,
    }
}

fn xml_error(reader: &NsReader<&[u8]>, e: impl std::fmt::Display) -> ParseError {
    ParseError::Xml {
        position: reader.error_position(),
        message: e.to_string().chars().take(200).collect(),
    }
}

fn node(reader: &NsReader<&[u8]>, ns: Ns, start: &BytesStart<'_>) -> Result<Node, ParseError> {
    let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| xml_error(reader, e))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        if attr.key.prefix().is_some() {
            continue; // xsi:…, xml:… — CPIX attributes are unqualified
        }
        if attrs.len() >= MAX_ATTRIBUTES {
            return Err(ParseError::Limit {
                limit: "attributes",
                max: MAX_ATTRIBUTES,
            });
        }
        let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map_err(|e| xml_error(reader, e))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Node {
        ns,
        local,
        attrs,
        text: String::new(),
        children: Vec::new(),
        inner: (0, 0),
    })
}

/// The text encoding a document's first bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

/// Sniffs UTF-16 by its BOM, or by `<` / `<?` written as 16-bit units (XML 1.0 appendix F).
fn sniff(input: &[u8]) -> Encoding {
    match input {
        [0xFF, 0xFE, ..] | [b'<', 0, _, 0, ..] => Encoding::Utf16Le,
        [0xFE, 0xFF, ..] | [0, b'<', 0, _, ..] => Encoding::Utf16Be,
        _ => Encoding::Utf8,
    }
}

/// Transcodes a UTF-16 document (BOM optional) to UTF-8.
fn utf16_to_utf8(input: &[u8], encoding: Encoding) -> Result<String, ParseError> {
    let body = match input {
        [0xFF, 0xFE, rest @ ..] | [0xFE, 0xFF, rest @ ..] => rest,
        _ => input,
    };
    let utf16_error = |reason: &str| ParseError::Xml {
        position: 0,
        message: format!(
            "the document is UTF-16 ({}) but {reason}",
            if encoding == Encoding::Utf16Be {
                "big endian"
            } else {
                "little endian"
            }
        ),
    };
    if body.len() % 2 != 0 {
        return Err(utf16_error("has an odd number of bytes"));
    }
    let units = body.chunks_exact(2).map(|c| match encoding {
        Encoding::Utf16Be => u16::from_be_bytes([c[0], c[1]]),
        _ => u16::from_le_bytes([c[0], c[1]]),
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| utf16_error("holds an unpaired surrogate"))
}

/// Reads the document element of a CPIX document: UTF-8 (BOM tolerated) or UTF-16 (BOM or
/// `<`-sniffed; transcoded first, so error positions count bytes of the UTF-8 transcoding).
pub(crate) fn parse(input: &[u8]) -> Result<Node, ParseError> {
    if input.len() > MAX_DOCUMENT_LEN {
        return Err(ParseError::TooLarge {
            len: input.len(),
            max: MAX_DOCUMENT_LEN,
        });
    }
    let encoding = sniff(input);
    let transcoded;
    let text: &[u8] = if encoding == Encoding::Utf8 {
        input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input)
    } else {
        transcoded = utf16_to_utf8(input, encoding)?;
        transcoded.as_bytes()
    };
    let (root, root_namespace) = parse_tree(text)?;
    if !root.is(Ns::Cpix, "CPIX") {
        return Err(ParseError::NotCpix {
            found: root.local.chars().take(64).collect(),
            namespace: root_namespace.map(|n| n.chars().take(200).collect()),
        });
    }
    Ok(root)
}

/// The element tree being built.
struct Builder {
    stack: Vec<Node>,
    root: Option<Node>,
    root_namespace: Option<String>,
    elements: usize,
}

impl Builder {
    fn close(&mut self, n: Node) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(n),
            None => self.root = Some(n),
        }
    }

    fn open(
        &mut self,
        reader: &NsReader<&[u8]>,
        (ns, uri): (Ns, Option<String>),
        start: &BytesStart<'_>,
        is_empty: bool,
    ) -> Result<(), ParseError> {
        if self.root.is_some() {
            return Err(xml_error(reader, "content after the document element"));
        }
        self.elements += 1;
        if self.elements > MAX_ELEMENTS {
            return Err(ParseError::Limit {
                limit: "elements",
                max: MAX_ELEMENTS,
            });
        }
        if self.stack.is_empty() {
            self.root_namespace = uri;
        }
        let mut n = node(reader, ns, start)?;
        let here = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        n.inner = (here, here);
        if is_empty {
            self.close(n);
        } else {
            if self.stack.len() >= MAX_DEPTH {
                return Err(ParseError::Limit {
                    limit: "depth",
                    max: MAX_DEPTH,
                });
            }
            self.stack.push(n);
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        if let Some(cur) = self.stack.last_mut() {
            cur.text.push_str(text);
        }
    }
}

fn resolve_reference(
    reader: &NsReader<&[u8]>,
    r: &quick_xml::events::BytesRef<'_>,
) -> Result<String, ParseError> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => {
            let name = r.decode().map_err(|e| xml_error(reader, e))?;
            quick_xml::escape::resolve_predefined_entity(&name)
                .map(str::to_owned)
                .ok_or_else(|| xml_error(reader, format!("unknown entity &{name};")))
        }
        Err(e) => Err(xml_error(reader, e)),
    }
}

/// Reads the document element of UTF-8 XML text, whatever its name; also returns the root's
/// namespace URI (when it has one).
pub(crate) fn parse_tree(input: &[u8]) -> Result<(Node, Option<String>), ParseError> {
    let mut reader = NsReader::from_reader(input);
    let mut b = Builder {
        stack: Vec::new(),
        root: None,
        root_namespace: None,
        elements: 0,
    };
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let at_root = b.stack.is_empty();
        let (ns, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => {
                let uri = match (&resolved, at_root) {
                    (ResolveResult::Bound(Namespace(uri)), true) => {
                        Some(String::from_utf8_lossy(uri).into_owned())
                    }
                    _ => None,
                };
                ((ns_of(&resolved), uri), event)
            }
            Err(e) => return Err(xml_error(&reader, e)),
        };
        match event {
            Event::Start(ref e) => b.open(&reader, ns, e, false)?,
            Event::Empty(ref e) => b.open(&reader, ns, e, true)?,
            Event::End(_) => {
                let Some(mut n) = b.stack.pop() else {
                    return Err(xml_error(&reader, "unexpected end tag"));
                };
                n.inner.1 = before.max(n.inner.0);
                b.close(n);
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| xml_error(&reader, e))?;
                b.push_text(&s);
            }
            Event::CData(c) => {
                let s = c.decode().map_err(|e| xml_error(&reader, e))?;
                b.push_text(&s);
            }
            Event::GeneralRef(r) => {
                let s = resolve_reference(&reader, &r)?;
                b.push_text(&s);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !b.stack.is_empty() {
        return Err(xml_error(&reader, "document ends inside an element"));
    }
    let root = b.root.ok_or(ParseError::NotCpix {
        found: String::new(),
        namespace: None,
    })?;
    Ok((root, b.root_namespace))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn prefixes_do_not_matter() {
        let doc = br#"<?xml version="1.0"?><!-- c --><x:CPIX xmlns:x="urn:dashif:org:cpix" xmlns:k="urn:ietf:params:xml:ns:keyprov:pskc" id="a&amp;b"><x:ContentKeyList><x:ContentKey kid="K"><x:Data><k:Secret><k:PlainValue>QU<!-- x -->FB&#x41;<![CDATA[==]]></k:PlainValue></k:Secret></x:Data></x:ContentKey></x:ContentKeyList></x:CPIX>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.attr("id"), Some("a&b"));
        let pv = root.descendant(Ns::Pskc, "PlainValue").unwrap();
        assert_eq!(pv.text, "QUFBA==");
    }

    #[test]
    fn default_namespace_and_bom() {
        let doc = b"\xEF\xBB\xBF<CPIX xmlns=\"urn:dashif:org:cpix\"><ContentKeyList/></CPIX>";
        let root = parse(doc).unwrap();
        assert!(root.child(Ns::Cpix, "ContentKeyList").is_some());
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let doc = "<CPIX xmlns=\"urn:dashif:org:cpix\" id=\"\u{e9}\"><ContentKeyList/></CPIX>";
        let le: Vec<u8> = doc.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = doc.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [
            [&[0xFF, 0xFE][..], &le].concat(),
            le.clone(),
            [&[0xFE, 0xFF][..], &be].concat(),
            be.clone(),
        ] {
            let root = parse(&bytes).unwrap();
            assert_eq!(root.attr("id"), Some("\u{e9}"));
        }
        let mut odd = le;
        odd.push(0);
        let err = parse(&odd).unwrap_err().to_string();
        assert!(err.contains("UTF-16 (little endian)"), "{err}");
    }

    #[test]
    fn inner_spans_cover_the_content() {
        let xml = b"<a><b>x<c/>y</b><d></d></a>";
        let (root, ns) = parse_tree(xml).unwrap();
        assert_eq!(ns, None);
        let b = &root.children[0];
        assert_eq!(&xml[b.inner.0..b.inner.1], b"x<c/>y");
        let d = &root.children[1];
        assert_eq!(d.inner.0, d.inner.1);
    }

    #[test]
    fn rejects_non_cpix_and_garbage() {
        assert!(matches!(parse(b"<CPIX/>"), Err(ParseError::NotCpix { .. })));
        assert!(matches!(parse(b""), Err(ParseError::NotCpix { .. })));
        assert!(matches!(
            parse(b"<a xmlns=\"urn:dashif:org:cpix\"><b></a>"),
            Err(ParseError::Xml { .. })
        ));
        assert!(parse(b"<CPIX xmlns=\"urn:dashif:org:cpix\">&foo;</CPIX>").is_err());
        let deep = format!(
            "<CPIX xmlns=\"urn:dashif:org:cpix\">{}{}</CPIX>",
            "<a>".repeat(40),
            "</a>".repeat(40)
        );
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(ParseError::Limit { limit: "depth", .. })
        ));
    }
}

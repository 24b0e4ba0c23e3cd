//! A small, bounded element tree read with quick-xml's `NsReader`: every element carries its
//! resolved namespace and local name (prefixes do not matter), its unprefixed attributes and the
//! concatenated text of its direct text/CDATA children. Comments, processing instructions and
//! the declaration are skipped; a UTF-8 BOM is stripped.

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
}

impl Node {
    /// The value of the unprefixed attribute `name`.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
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
    })
}

/// Reads the document element of `input`.
pub(crate) fn parse(input: &[u8]) -> Result<Node, ParseError> {
    if input.len() > MAX_DOCUMENT_LEN {
        return Err(ParseError::TooLarge {
            len: input.len(),
            max: MAX_DOCUMENT_LEN,
        });
    }
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut reader = NsReader::from_reader(input);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut elements = 0usize;
    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => (ns_of(&resolved), event),
            Err(e) => return Err(xml_error(&reader, e)),
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                if root.is_some() {
                    return Err(xml_error(&reader, "content after the document element"));
                }
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(ParseError::Limit {
                        limit: "elements",
                        max: MAX_ELEMENTS,
                    });
                }
                let n = node(&reader, ns, e)?;
                if is_empty {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(n),
                        None => root = Some(n),
                    }
                } else {
                    if stack.len() >= MAX_DEPTH {
                        return Err(ParseError::Limit {
                            limit: "depth",
                            max: MAX_DEPTH,
                        });
                    }
                    stack.push(n);
                }
            }
            Event::End(_) => {
                let Some(n) = stack.pop() else {
                    return Err(xml_error(&reader, "unexpected end tag"));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(n),
                    None => root = Some(n),
                }
            }
            Event::Text(t) => {
                if let Some(cur) = stack.last_mut() {
                    let s = t.xml10_content().map_err(|e| xml_error(&reader, e))?;
                    cur.text.push_str(&s);
                }
            }
            Event::CData(c) => {
                if let Some(cur) = stack.last_mut() {
                    let s = c.decode().map_err(|e| xml_error(&reader, e))?;
                    cur.text.push_str(&s);
                }
            }
            Event::GeneralRef(r) => {
                let resolved_text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = r.decode().map_err(|e| xml_error(&reader, e))?;
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| xml_error(&reader, format!("unknown entity &{name};")))?
                            .to_owned()
                    }
                    Err(e) => return Err(xml_error(&reader, e)),
                };
                if let Some(cur) = stack.last_mut() {
                    cur.text.push_str(&resolved_text);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(xml_error(&reader, "document ends inside an element"));
    }
    let root = root.ok_or(ParseError::NotCpix {
        found: String::new(),
    })?;
    if !root.is(Ns::Cpix, "CPIX") {
        return Err(ParseError::NotCpix {
            found: root.local.chars().take(64).collect(),
        });
    }
    Ok(root)
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

//! XML namespaces of CPIX documents.

/// The CPIX namespace (`cpix:` prefix).
pub const CPIX: &str = "urn:dashif:org:cpix";
/// The PSKC namespace (`pskc:` prefix) of `Secret`/`PlainValue`.
pub const PSKC: &str = "urn:ietf:params:xml:ns:keyprov:pskc";
/// The SPEKE namespace (`speke:` prefix) of `ProtectionHeader`.
pub const SPEKE: &str = "urn:aws:amazon:com:speke";
/// The XML-DSig namespace (`ds:` prefix) of `Signature`.
pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";

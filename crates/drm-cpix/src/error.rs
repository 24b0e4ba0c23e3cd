//! Errors of the pure parts of the crate: building requests, parsing responses, exporting.
//!
//! The KMS client has its own error type, [`crate::client::ClientError`] (feature `client`).

use drm_policy::TrackType;

use crate::content_id::InvalidContentId;
use crate::system::DrmSystem;

/// Why a CPIX request cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The content id is not valid (the reason is the source).
    #[error("invalid content id")]
    ContentId(#[from] InvalidContentId),
    /// No DRM system was chosen.
    #[error("no DRM system chosen: name at least one of widevine, playready, fairplay, …")]
    NoDrmSystem,
    /// A multi-key selection names no track.
    #[error("no track chosen: use `all` or a subset of AUDIO, SD, HD, UHD1, UHD2")]
    NoTrack,
    /// A track type that is not a CPIX key track (`ALL`, `ALL_VIDEO`).
    #[error(
        "track type {track} cannot be requested as a key: use `all` or a subset of AUDIO, SD, HD, \
         UHD1, UHD2"
    )]
    TrackNotAllowed {
        /// The rejected track type.
        track: TrackType,
    },
    /// A text that names no track selection.
    #[error(
        "invalid track {value:?}: expected `all` or a comma-separated subset of AUDIO, SD, HD, \
         UHD1, UHD2"
    )]
    InvalidTrack {
        /// The rejected text (at most 64 characters).
        value: String,
    },
    /// A text that names no encryption scheme.
    #[error("invalid encryption scheme {value:?}: expected none, cenc, cbc1, cens or cbcs")]
    InvalidScheme {
        /// The rejected text (at most 64 characters).
        value: String,
    },
    /// NCG and the clear-key HLS systems take a single key only.
    #[error(
        "{system} supports a single key only, but {keys} keys were requested: request one key \
         for all tracks, or leave {system} out of a multi-key request"
    )]
    SingleKeyOnly {
        /// The single-key-only system.
        system: DrmSystem,
        /// How many keys the track selection asks for.
        keys: usize,
    },
    /// A caller-supplied id list does not match the number of keys.
    #[error("{what}: expected {expected} ids, got {got}")]
    IdCount {
        /// Which ids (key ids, period ids).
        what: &'static str,
        /// How many the request needs.
        expected: usize,
        /// How many were given.
        got: usize,
    },
    /// A caller-supplied key-period id is not an XML name.
    #[error("invalid key period id {value:?}: must be an XML NCName (letters, digits, -, _, .)")]
    InvalidPeriodId {
        /// The rejected id (at most 64 characters).
        value: String,
    },
    /// Two keys were given the same key id.
    #[error("key id {key_id} is used for two keys")]
    DuplicateKeyId {
        /// The repeated key id (lower-case hex).
        key_id: String,
    },
}

/// Why a KMS response cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is larger than the limit.
    #[error("CPIX document of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Input length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The body is JSON, which the KMS sends instead of CPIX on an error.
    #[error("the body is a JSON document (a KMS error), not CPIX XML")]
    JsonBody,
    /// The XML is not well-formed (or not UTF-8).
    #[error("malformed XML at byte {position}: {message}")]
    Xml {
        /// Byte offset where the reader stopped.
        position: u64,
        /// What the XML reader reported.
        message: String,
    },
    /// The document is nested deeper, or has more elements or attributes, than the limits.
    #[error("CPIX document exceeds the {limit} limit of {max}")]
    Limit {
        /// Which limit (`depth`, `elements`, `attributes`, `text`).
        limit: &'static str,
        /// The limit's value.
        max: usize,
    },
    /// The root element is not `{urn:dashif:org:cpix}CPIX`.
    #[error(
        "not a CPIX document: {}; expected the element CPIX in the namespace {}",
        describe_root(.found, .namespace.as_deref()),
        crate::ns::CPIX
    )]
    NotCpix {
        /// The root element's local name (at most 64 characters), empty when there is none.
        found: String,
        /// The root element's namespace URI (at most 200 characters), `None` without one.
        namespace: Option<String>,
    },
    /// A required attribute is missing.
    #[error("{element} has no {attribute} attribute")]
    MissingAttribute {
        /// The element's local name.
        element: &'static str,
        /// The attribute's name.
        attribute: &'static str,
    },
    /// A key id or system id is not a UUID.
    #[error("{element}@{attribute} is not a UUID: {value:?}")]
    InvalidUuid {
        /// The element's local name.
        element: &'static str,
        /// The attribute's name.
        attribute: &'static str,
        /// The rejected value (at most 64 characters; ids are not secret).
        value: String,
    },
    /// A base64 value does not decode.
    #[error("{field} of key {key_id} is not valid base64")]
    InvalidBase64 {
        /// Which value (`PlainValue`, `explicitIV`).
        field: &'static str,
        /// The key id the value belongs to.
        key_id: String,
    },
    /// An IV that is not 16 bytes.
    #[error("explicitIV of key {key_id} has {len} bytes, expected 16")]
    InvalidIv {
        /// The key id.
        key_id: String,
        /// The decoded length.
        len: usize,
    },
    /// The key is delivered encrypted (`pskc:EncryptedValue`), which this crate does not decrypt.
    #[error(
        "key {key_id} is delivered encrypted (pskc:EncryptedValue{}): decrypting CPIX content \
         keys is not supported (DoveRunner returns PlainValue)",
        describe_recipients(*.recipients)
    )]
    EncryptedValueUnsupported {
        /// The key id (as written).
        key_id: String,
        /// How many `DeliveryData` elements (recipients of the encrypted document key).
        recipients: usize,
    },
    /// The response has no key for a requested track.
    #[error("the KMS response has no key for the requested track {track}")]
    MissingKey {
        /// The requested track type.
        track: TrackType,
    },
    /// A request document does not describe a valid request (the reason is the source).
    #[error("not a valid request")]
    Request(#[from] RequestError),
    /// The response is for another content id than the request.
    #[error("the KMS response is for content id {found:?}, the request was for {expected:?}")]
    ContentIdMismatch {
        /// The requested content id.
        expected: String,
        /// The content id in the response (at most 200 characters).
        found: String,
    },
}

fn describe_root(found: &str, namespace: Option<&str>) -> String {
    match (found, namespace) {
        ("", _) => "the document has no root element".to_owned(),
        (found, Some(ns)) => format!("the root element is {found:?} in the namespace {ns:?}"),
        (found, None) => format!("the root element is {found:?} in no namespace"),
    }
}

fn describe_recipients(recipients: usize) -> String {
    if recipients == 0 {
        String::new()
    } else {
        format!(
            ", under a document key encrypted for {recipients} recipient(s) in DeliveryDataList"
        )
    }
}

/// Why an export cannot be produced from a parsed response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The response holds no usable key.
    #[error(
        "the response holds no usable content key (usage rules left out as unusable, if any, \
         are in the warnings)"
    )]
    NoKeys,
    /// A key has no key value.
    #[error("key {key_id} has no key value (empty PlainValue)")]
    MissingKeyValue {
        /// The key id.
        key_id: String,
    },
    /// A value the official client decodes is not base64 / UTF-8 / a UUID.
    #[error("{field} cannot be decoded as the official client does: {reason}")]
    Undecodable {
        /// Which field (`key_id`, `PlainValue`, `explicitIV`, `URIExtXKey`).
        field: &'static str,
        /// What is wrong (no key material echoed).
        reason: &'static str,
    },
    /// A PSSH value in the response is not base64.
    #[error("{system} PSSH of key {key_id} is not valid base64")]
    InvalidPssh {
        /// The system.
        system: DrmSystem,
        /// The key id.
        key_id: String,
    },
    /// The export needs one key but the response has several.
    #[error("the response has {count} keys ({tracks}); this export takes one: choose its track")]
    AmbiguousKey {
        /// How many keys.
        count: usize,
        /// Their track types, comma-separated.
        tracks: String,
    },
    /// The requested track is not in the response.
    #[error("the response has no key for track {track}")]
    NoSuchTrack {
        /// The requested track.
        track: TrackType,
    },
}

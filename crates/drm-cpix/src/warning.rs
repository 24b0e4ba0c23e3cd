//! What looked wrong in a CPIX document but did not stop reading it: one typed value per
//! finding, never key material. `Display` gives the sentence `multidrm cpix` prints.

use std::fmt;

use crate::system::DrmSystem;

/// A finding of [`crate::response::CpixResponse`] that did not stop parsing.
///
/// Key ids are lower-case UUID text; ids and attribute names are clipped to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CpixWarning {
    /// Neither `CPIX@id` (DoveRunner) nor `CPIX@contentId` (CPIX 2.3) is present.
    ContentIdMissing,
    /// `CPIX@id` and `CPIX@contentId` disagree; `@id` (DoveRunner's) is used.
    ContentIdConflict {
        /// `CPIX@id`.
        id: String,
        /// `CPIX@contentId`.
        content_id: String,
    },
    /// A `ContentKeyPeriod` named by a `KeyPeriodFilter` has no integer `index`.
    PeriodWithoutIndex {
        /// The period id.
        period_id: String,
    },
    /// A `KeyPeriodFilter` names a period the document does not have.
    UnknownPeriod {
        /// The period id.
        period_id: String,
    },
    /// No `ContentKey` has the key's KID; the key was paired with a `ContentKey` by position.
    PairedByPosition {
        /// The key id.
        key_id: String,
        /// The 1-based position of the `ContentKey` used.
        position: usize,
    },
    /// No `ContentKey` has the key's KID.
    NoContentKey {
        /// The key id.
        key_id: String,
    },
    /// The `ContentKey` carries no (or an empty) `PlainValue`.
    NoPlainValue {
        /// The key id.
        key_id: String,
    },
    /// A usage rule that cannot be applied: CPIX treats a rule whose filter is not understood
    /// as unusable, so its key is mapped to no track (it is left out of the keys).
    UnusableUsageRule {
        /// The rule's key id (as written).
        key_id: String,
        /// What is not understood.
        reason: UnusableRule,
    },
    /// The document carries XML signatures (`ds:Signature`); they were not verified.
    SignatureNotVerified {
        /// Where each signature sits (`CPIX`, `ContentKeyList`, …), in document order.
        signed: Vec<String>,
    },
    /// The document has a `DeliveryDataList` (document key encrypted for recipients) but no
    /// encrypted content key; the delivery data is not used (only `PlainValue` keys are read).
    DeliveryDataIgnored {
        /// How many `DeliveryData` elements.
        recipients: usize,
    },
    /// A `DRMSystem` without `systemId`.
    DrmSystemWithoutSystemId,
    /// A `DRMSystem` whose `systemId` is none of the nine DoveRunner systems.
    UnknownDrmSystem {
        /// The system id as written.
        system_id: String,
    },
    /// A `DRMSystem` without `kid`.
    DrmSystemWithoutKid {
        /// The system.
        system: DrmSystem,
    },
    /// A `DRMSystem` whose `kid` belongs to no key.
    DrmSystemWithoutKey {
        /// The system.
        system: DrmSystem,
        /// The key id.
        key_id: String,
    },
    /// A signalling value that should be base64 of UTF-8 text is not.
    UndecodableText {
        /// Which value (`URIExtXKey`, `HLSSignalingData (media)`, …).
        what: &'static str,
        /// The system.
        system: DrmSystem,
        /// The key id.
        key_id: String,
    },
    /// After pairing with the request: a response key that answers no requested key.
    UnrequestedKey {
        /// The key id.
        key_id: String,
    },
}

/// Why a usage rule is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnusableRule {
    /// A filter element the CPIX 2.3 schema does not define.
    UnknownFilter {
        /// The element's local name.
        filter: String,
    },
    /// A filter attribute the schema does not define for that filter (e.g. `mixPixels`).
    UnknownAttribute {
        /// The filter.
        filter: String,
        /// The attribute.
        attribute: String,
    },
    /// A filter attribute whose value is not of the schema's type (integer, boolean).
    InvalidValue {
        /// The filter.
        filter: String,
        /// The attribute.
        attribute: String,
        /// The value as written.
        value: String,
    },
    /// A filter without an attribute the schema requires (`LabelFilter@label`,
    /// `KeyPeriodFilter@periodId`).
    MissingAttribute {
        /// The filter.
        filter: String,
        /// The attribute.
        attribute: &'static str,
    },
}

impl fmt::Display for UnusableRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnusableRule::UnknownFilter { filter } => {
                write!(f, "{filter} is not a CPIX 2.3 filter")
            }
            UnusableRule::UnknownAttribute { filter, attribute } => write!(
                f,
                "{filter} has an attribute {attribute:?} the CPIX 2.3 schema does not define"
            ),
            UnusableRule::InvalidValue {
                filter,
                attribute,
                value,
            } => write!(f, "{filter}@{attribute} has the invalid value {value:?}"),
            UnusableRule::MissingAttribute { filter, attribute } => {
                write!(f, "{filter} has no {attribute} attribute")
            }
        }
    }
}

impl fmt::Display for CpixWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CpixWarning::ContentIdMissing => {
                f.write_str("CPIX@id (the content id) is missing, and so is CPIX@contentId")
            }
            CpixWarning::ContentIdConflict { id, content_id } => write!(
                f,
                "CPIX@id {id:?} and CPIX@contentId {content_id:?} differ; using CPIX@id"
            ),
            CpixWarning::PeriodWithoutIndex { period_id } => {
                write!(f, "key period {period_id:?} has no integer index")
            }
            CpixWarning::UnknownPeriod { period_id } => {
                write!(
                    f,
                    "KeyPeriodFilter refers to an unknown key period {period_id:?}"
                )
            }
            CpixWarning::PairedByPosition { key_id, position } => write!(
                f,
                "no ContentKey has the KID {key_id}; paired with ContentKey #{position} by position"
            ),
            CpixWarning::NoContentKey { key_id } => write!(f, "no ContentKey has the KID {key_id}"),
            CpixWarning::NoPlainValue { key_id } => write!(f, "key {key_id} has no PlainValue"),
            CpixWarning::UnusableUsageRule { key_id, reason } => write!(
                f,
                "the usage rule of KID {key_id} is unusable and was ignored (its key is mapped \
                 to no track): {reason}"
            ),
            CpixWarning::SignatureNotVerified { signed } => write!(
                f,
                "the document carries {} XML signature(s) (ds:Signature on {}) that were NOT \
                 verified: signature checking is not implemented",
                signed.len(),
                signed.join(", ")
            ),
            CpixWarning::DeliveryDataIgnored { recipients } => write!(
                f,
                "the document has a DeliveryDataList ({recipients} recipient(s) of an encrypted \
                 document key); it was not used: decrypting CPIX documents is not supported, \
                 only keys in PlainValue are read"
            ),
            CpixWarning::DrmSystemWithoutSystemId => f.write_str("a DRMSystem has no systemId"),
            CpixWarning::UnknownDrmSystem { system_id } => {
                write!(f, "unknown DRM system id {system_id:?} ignored")
            }
            CpixWarning::DrmSystemWithoutKid { system } => {
                write!(f, "the {system} DRMSystem has no kid")
            }
            CpixWarning::DrmSystemWithoutKey { system, key_id } => {
                write!(
                    f,
                    "the {system} DRMSystem of KID {key_id} belongs to no key"
                )
            }
            CpixWarning::UndecodableText {
                what,
                system,
                key_id,
            } => write!(
                f,
                "{what} of the {system} DRMSystem of KID {key_id} is not base64 of UTF-8 text"
            ),
            CpixWarning::UnrequestedKey { key_id } => {
                write!(f, "response key {key_id} answers no requested key")
            }
        }
    }
}

/// `text` clipped to 64 characters (ids and names in warnings and errors).
pub(crate) fn clip64(text: &str) -> String {
    text.chars().take(64).collect()
}

//! The license token as it travels on a license request.

drm_secret::secret_newtype!(
    /// A license token (the value of `pallycon-customdata-v2`): a bearer credential for one
    /// license, so it is a secret type — redacted in `Debug`, zeroized on drop, never in a URL.
    pub LicenseToken
);

/// `true` when `value` can be sent as an HTTP header value unchanged: non-empty, visible ASCII
/// and spaces only (no CR, LF or other control characters), at most `max` bytes.
pub(crate) fn is_header_value(value: &str, max: usize) -> bool {
    !value.is_empty() && value.len() <= max && value.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// `true` for an HTTP header name (RFC 9110 token characters), at most 64 bytes.
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

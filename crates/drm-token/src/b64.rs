//! Standard base64 (RFC 4648 §4, `=` padding) encoding on the hot path, with the SIMD
//! encoder of `base64-simd` (AVX2/SSSE3 chosen at run time, scalar otherwise). Decoding uses
//! the `base64` crate.

/// The encoded length of `len` bytes, with padding.
pub(crate) const fn encoded_len(len: usize) -> usize {
    len.div_ceil(3) * 4
}

/// Appends the standard base64 of `input` (with `=` padding) to `out`.
pub(crate) fn append(out: &mut Vec<u8>, input: &[u8]) {
    let start = out.len();
    out.resize(start + encoded_len(input.len()), 0);
    encode_to(input, &mut out[start..]);
}

/// Writes the standard base64 of `input` into `dst`, which must be at least
/// `encoded_len(input.len())` bytes long (extra bytes are left untouched; a shorter `dst` is
/// left untouched entirely).
pub(crate) fn encode_to(input: &[u8], dst: &mut [u8]) {
    if let Some(dst) = dst.get_mut(..encoded_len(input.len())) {
        let _ = base64_simd::STANDARD.encode(input, base64_simd::Out::from_slice(dst));
    }
}

/// The standard base64 of `input` as a new `String` (no second pass to check the text).
pub(crate) fn encode_string(input: &[u8]) -> String {
    base64_simd::STANDARD.encode_to_string(input)
}

/// The standard base64 of `input` as text.
pub(crate) fn encode(input: &[u8]) -> String {
    encode_string(input)
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    #[test]
    fn equals_the_base64_crate_for_every_length() {
        let data: Vec<u8> = (0..600u32).map(|i| (i * 151 + 7) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(
                super::encode(&data[..len]),
                STANDARD.encode(&data[..len]),
                "{len}"
            );
        }
        let mut v = b"prefix:".to_vec();
        super::append(&mut v, b"\xff\x00\x10");
        assert_eq!(v, b"prefix:/wAQ");
    }
}

//! The content ids a Widevine license request names: the emulator's own minimal protobuf walk
//! through `SignedMessage.msg` (2) → `LicenseRequest.content_id` (1) →
//! `ContentIdentification.widevine_pssh_data` / `cenc_id` (1) → `pssh_data` (1, repeated) →
//! `WidevinePsshData.content_id` (4). The KMS writes the title's cid there (with key rotation
//! `cid` + 16 hex digits of the period), so a token for another title is 7012.
//!
//! Anything that does not parse as such a message (a hand-made test challenge) names no
//! content id and is not checked.

/// More pssh entries than this are ignored.
const MAX_PSSH: usize = 64;

/// The length-delimited fields of a protobuf message as (field number, bytes); `None` when the
/// bytes are not a well-formed message.
fn delimited_fields(mut buf: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        let (field, wire) = (key >> 3, key & 7);
        if field == 0 {
            return None;
        }
        match wire {
            0 => {
                varint(&mut buf)?;
            }
            1 => buf = buf.get(8..)?,
            5 => buf = buf.get(4..)?,
            2 => {
                let len = usize::try_from(varint(&mut buf)?).ok()?;
                let value = buf.get(..len)?;
                buf = &buf[len..];
                out.push((field, value));
            }
            _ => return None,
        }
    }
    Some(out)
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn field<'a>(fields: &[(u64, &'a [u8])], number: u64) -> impl Iterator<Item = &'a [u8]> {
    fields
        .iter()
        .filter(move |(n, _)| *n == number)
        .map(|(_, v)| *v)
}

/// The data of a full `pssh` box, or the bytes themselves.
fn pssh_payload(bytes: &[u8]) -> &[u8] {
    if bytes.get(4..8) != Some(b"pssh") {
        return bytes;
    }
    let version = bytes.get(8).copied().unwrap_or(0);
    let mut at = 28;
    if version > 0 {
        let count = bytes
            .get(at..at + 4)
            .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
        at += 4 + count.saturating_mul(16);
    }
    let size = bytes
        .get(at..at + 4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    bytes.get(at + 4..at + 4 + size).unwrap_or_default()
}

/// The content ids in a Widevine license request (empty when it names none).
pub(crate) fn content_ids(challenge: &[u8]) -> Vec<Vec<u8>> {
    let mut ids = Vec::new();
    let Some(signed) = delimited_fields(challenge) else {
        return ids;
    };
    for msg in field(&signed, 2) {
        let Some(request) = delimited_fields(msg) else {
            continue;
        };
        for content in field(&request, 1) {
            let Some(identification) = delimited_fields(content) else {
                continue;
            };
            for holder in field(&identification, 1) {
                let Some(entries) = delimited_fields(holder) else {
                    continue;
                };
                for pssh in field(&entries, 1).take(MAX_PSSH) {
                    let Some(data) = delimited_fields(pssh_payload(pssh)) else {
                        continue;
                    };
                    ids.extend(field(&data, 4).map(<[u8]>::to_vec));
                }
            }
        }
    }
    ids
}

/// Whether a PSSH content id belongs to `cid`: equal, or `cid` + 16 hex digits (rotation).
pub(crate) fn names_cid(content_id: &[u8], cid: &str) -> bool {
    let cid = cid.as_bytes();
    content_id == cid
        || (content_id.len() == cid.len() + 16
            && content_id.starts_with(cid)
            && content_id[cid.len()..].iter().all(u8::is_ascii_hexdigit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delimited(field: u8, value: &[u8]) -> Vec<u8> {
        let mut out = vec![field << 3 | 2];
        let mut len = value.len();
        while len >= 0x80 {
            out.push((len as u8) | 0x80);
            len >>= 7;
        }
        out.push(len as u8);
        out.extend_from_slice(value);
        out
    }

    /// `SignedMessage{type: LICENSE_REQUEST, msg: LicenseRequest{content_id: {widevine_pssh_data: {pssh_data}}}}`.
    fn challenge(pssh_data: &[u8]) -> Vec<u8> {
        let request = delimited(1, &delimited(1, &delimited(1, pssh_data)));
        let mut signed = vec![0x08, 0x01];
        signed.extend(delimited(2, &request));
        signed
    }

    #[test]
    fn finds_the_content_id() {
        let data = [&[0x12, 0x02, 0xaa, 0xbb][..], &delimited(4, b"movie-1")].concat();
        assert_eq!(content_ids(&challenge(&data)), vec![b"movie-1".to_vec()]);
        let boxed = drm_cpix::pssh::PsshBox::v0(drm_cpix::system::WIDEVINE_SYSTEM_ID, data)
            .to_bytes()
            .expect("box");
        assert_eq!(content_ids(&challenge(&boxed)), vec![b"movie-1".to_vec()]);
        assert!(content_ids(&[0x08, 0x01, 0x12, 0x10, 0xaa]).is_empty());
        assert!(content_ids(b"").is_empty());
        assert!(content_ids(&[0xff; 40]).is_empty());
    }

    #[test]
    fn rotation_suffix() {
        assert!(names_cid(b"movie-1", "movie-1"));
        assert!(names_cid(b"movie-10000000000000003", "movie-1"));
        assert!(!names_cid(b"movie-2", "movie-1"));
        assert!(!names_cid(b"movie-1000000000000000x", "movie-1"));
    }
}

//! Certificates the emulator serves: the Widevine service certificate (the 711 bytes of the
//! 2020 DoveRunner docs, Google's `license.widevine.com` certificate) and a per-site FairPlay
//! certificate that is **not** an Apple certificate: a small DER structure naming the site,
//! enough for clients to fetch, base64-decode and compare it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// The Widevine service certificate of the 2020 docs, base64 in lines.
const WIDEVINE_SERVICE_CERT_B64: [&str; 11] = [
    "CsECCAMSEBcFuRfMEgSGiwYzOi93KowYgrSCkgUijgIwggEKAoIBAQCZ7Vs7Mn2rXiTvw7YqlbWYUgrVvMs3UD4G",
    "RbgU2Ha430BRBEGtjOOtsRu4jE5yWl5KngeVKR1YWEAjp+GvDjipEnk5MAhhC28VjIeMfiG/+/7qd+EBnh5Xgeik",
    "X0YmPRTmDoBYqGB63OBPrIRXsTeo1nzN6zNwXZg6IftO7L1KEMpHSQykfqpdQ4IY3brxyt4zkvE9b/tkQv0x4b9A",
    "sMYE0cS6TJUgpL+X7r1gkpr87vVbuvVk4tDnbNfFXHOggrmWEguDWe3OJHBwgmgNb2fG2CxKxfMTRJCnTuw3r0sv",
    "AQxZ6ChD4lgvC2ufXbD8Xm7fZPvTCLRxG88SUAGcn1oJAgMBAAE6FGxpY2Vuc2Uud2lkZXZpbmUuY29tEoADrjRz",
    "FLWoNSl/JxOI+3u4y1J30kmCPN3R2jC5MzlRHrPMveoEuUS5J8EhNG79verJ1BORfm7BdqEEOEYKUDvBlSubpOTO",
    "D8S/wgqYCKqvS/zRnB3PzfV0zKwo0bQQQWz53ogEMBy9szTK/NDUCXhCOmQuVGE98K/PlspKkknYVeQrOnA+8XZ/",
    "apvTbWv4K+drvwy6T95Z0qvMdv62Qke4XEMfvKUiZrYZ/DaXlUP8qcu9u/r6DhpV51Wjx7zmVflkb1gquc9wqgi5",
    "efhn9joLK3/bNixbxOzVVdhbyqnFk8ODyFfUnaq3fkC3hR3f0kmYgI41sljnXXjqwMoW9wRzBMINk+3k6P8cbxfm",
    "JD4/Paj8FwmHDsRfuoI6Jj8M76H3CTsZCZKDJjM3BQQ6Kb2m+bQ0LMjfVDyxoRgvfF//M/EEkPrKWyU2C3YBXpxa",
    "BquO4C8A0ujVmGEEqsxN1HX9lu6c5OMm8huDxwWFd7OHMs3avGpr7RP7DUnTikXrh6X0",
];

/// The Widevine service certificate bytes (answer to `08 04` and `widevineCert.do`).
pub fn widevine_service_certificate() -> Vec<u8> {
    STANDARD
        .decode(WIDEVINE_SERVICE_CERT_B64.concat())
        .unwrap_or_default()
}

/// The sandbox FairPlay certificate of a site, DER: `SEQUENCE { UTF8String label,
/// UTF8String site id, OCTET STRING SHA-256(site id) }`. Deterministic per site.
pub fn fairplay_certificate(site_id: &str) -> Vec<u8> {
    const LABEL: &str = "multidrm-sandbox FairPlay certificate (not issued by Apple)";
    let mut content = Vec::new();
    push_tlv(&mut content, 0x0c, LABEL.as_bytes());
    push_tlv(&mut content, 0x0c, site_id.as_bytes());
    push_tlv(&mut content, 0x04, &Sha256::digest(site_id.as_bytes()));
    let mut der = Vec::with_capacity(content.len() + 4);
    push_tlv(&mut der, 0x30, &content);
    der
}

fn push_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        let len = u16::try_from(len).unwrap_or(u16::MAX);
        out.push(0x82);
        out.extend_from_slice(&len.to_be_bytes());
    }
    out.extend_from_slice(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widevine_certificate_is_the_documented_one() {
        let cert = widevine_service_certificate();
        assert_eq!(cert.len(), 711);
        assert_eq!(
            hex::encode(Sha256::digest(&cert)),
            "515f9fb59fb78ca86001a629b1120e56d681dbfd6f943ec044c7effe33ec54e2"
        );
    }

    #[test]
    fn fairplay_certificate_is_der_and_per_site() {
        let a = fairplay_certificate("TEST");
        assert_eq!(a[0], 0x30);
        assert_eq!(usize::from(a[1]) + 2, a.len());
        assert_ne!(a, fairplay_certificate("OTHR"));
        assert_eq!(a, fairplay_certificate("TEST"));
    }
}

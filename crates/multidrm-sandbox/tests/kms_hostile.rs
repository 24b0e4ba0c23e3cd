//! Hostile bodies never panic the KMS emulator: every truncation and many byte mutations of the
//! sample requests get either CPIX XML (200) or a JSON error body.
#![allow(clippy::unwrap_used, missing_docs)]

use multidrm_sandbox::kms::{DEFAULT_KMS_TOKEN, KmsEmulator, KmsSettings};

const SAMPLES: [&str; 4] = [
    include_str!("data/kms/05_multikey_sd_hd_uhd1_audio_cbcs.request.java-shape.xml"),
    include_str!("data/kms/07_key_rotation_single.request.xml"),
    include_str!("data/kms/04_single_key_all_drms.request.xml"),
    include_str!("data/kms/doc_dash_live_keyrotation_request.xml"),
];

fn check(kms: &KmsEmulator, body: &[u8]) {
    for rotation in [false, true] {
        let reply = kms.handle(DEFAULT_KMS_TOKEN, rotation, body);
        if reply.status == 200 {
            assert!(reply.body.starts_with("<?xml"), "{}", reply.body);
        } else {
            let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
            assert!(v["errorCode"].is_string() && v["message"].is_string());
        }
    }
}

#[test]
fn truncations() {
    let kms = KmsEmulator::new(KmsSettings::default());
    for sample in SAMPLES {
        let bytes = sample.as_bytes();
        for cut in (0..bytes.len()).step_by(7) {
            check(&kms, &bytes[..cut]);
        }
    }
}

#[test]
fn byte_mutations() {
    let kms = KmsEmulator::new(KmsSettings::default());
    // A fixed xorshift sequence: reproducible, no dependency.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const INTERESTING: &[u8] = b"<>/=\"'&;:- \0\xff\xc3x";
    for sample in SAMPLES {
        for _ in 0..400 {
            let mut bytes = sample.as_bytes().to_vec();
            for _ in 0..(next() % 4 + 1) {
                let pos = (next() % bytes.len() as u64) as usize;
                let b = INTERESTING[(next() % INTERESTING.len() as u64) as usize];
                match next() % 3 {
                    0 => bytes[pos] = b,
                    1 => bytes.insert(pos, b),
                    _ => {
                        bytes.remove(pos);
                    }
                }
            }
            check(&kms, &bytes);
        }
    }
}

#[test]
fn many_keys_are_bounded() {
    let kms = KmsEmulator::new(KmsSettings::default());
    let keys: String = (0..100)
        .map(|i| format!("<c:ContentKey kid=\"00000000-0000-4000-8000-{i:012}\"/>"))
        .collect();
    let body = format!(
        "<c:CPIX id=\"t\" xmlns:c=\"urn:dashif:org:cpix\"><c:ContentKeyList>{keys}</c:ContentKeyList></c:CPIX>"
    );
    let reply = kms.handle(DEFAULT_KMS_TOKEN, false, body.as_bytes());
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("INVALID_CPIX_REQUEST"));
}

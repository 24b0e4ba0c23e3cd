//! `multidrm demo` runs every section end to end on loopback and says so.
#![allow(clippy::unwrap_used, missing_docs)]

use std::process::Command;

#[test]
fn demo_runs_every_section_on_loopback() {
    let output = Command::new(env!("CARGO_BIN_EXE_multidrm"))
        .arg("demo")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    for heading in [
        "1. License token",
        "2. Content keys over CPIX",
        "3. DRM policies on NAVER Cloud",
        "4. DIVA entitlement",
        "5. License acquisition through the token proxy",
    ] {
        assert!(
            stdout.contains(heading),
            "missing {heading:?} in:\n{stdout}"
        );
    }
    assert!(stdout.contains("All 5 sections passed"), "{stdout}");
    assert!(
        stdout.contains("--enable_raw_key_encryption"),
        "no Shaka Packager command:\n{stdout}"
    );
    assert!(
        stdout.contains("ResponseCode 1004"),
        "no replay refusal:\n{stdout}"
    );
    // Section 5: a license, both 7011 cases and 7019 explained, a CKC, ClearKey = KMS keys.
    assert!(
        stdout.contains("fresh token: a Widevine license of"),
        "{stdout}"
    );
    assert_eq!(
        stdout
            .matches("errorCode 7011         Token is expired.")
            .count(),
        2,
        "{stdout}"
    );
    assert!(
        stdout.contains("a token timestamped 10 minutes ahead"),
        "{stdout}"
    );
    assert!(
        stdout.contains("errorCode 7019         The hash values do not match."),
        "{stdout}"
    );
    assert!(stdout.contains("what to do"), "{stdout}");
    assert!(stdout.contains("a base64 CKC of"), "{stdout}");
    assert!(
        stdout.contains("ClearKey: a W3C JWK Set of 4 keys, each the KMS key of section 2"),
        "{stdout}"
    );
    // The sandbox site's keys and the player's JWT secret are used but never printed.
    for secret in [
        "sandbox-license-site-key-32chars",
        "sandbox-license-access-key-32chr",
        "demo-viewer-jwt-secret",
    ] {
        assert!(!stdout.contains(secret), "{secret} printed:\n{stdout}");
    }
    // The tutorial secrets are used but never printed.
    assert!(!stdout.contains("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"));
    assert!(!stdout.contains("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"));
}

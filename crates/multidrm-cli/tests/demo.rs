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
    ] {
        assert!(
            stdout.contains(heading),
            "missing {heading:?} in:\n{stdout}"
        );
    }
    assert!(stdout.contains("All 4 sections passed"), "{stdout}");
    assert!(
        stdout.contains("--enable_raw_key_encryption"),
        "no Shaka Packager command:\n{stdout}"
    );
    assert!(
        stdout.contains("ResponseCode 1004"),
        "no replay refusal:\n{stdout}"
    );
    // The tutorial secrets are used but never printed.
    assert!(!stdout.contains("lU5D8s3PWoLls3PWFWkClULlFWk5D8oC"));
    assert!(!stdout.contains("LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20"));
}

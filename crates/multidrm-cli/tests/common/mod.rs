//! Shared by the CLI tests of issue 10: the public tutorial credentials, a `token issue`
//! command line, running the binary on some input, and temporary input files.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The DOCS tutorial's public site key.
pub(crate) const SITE_KEY: &str = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC";
/// The DOCS tutorial's public access key.
pub(crate) const ACCESS_KEY: &str = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20";
/// `token issue` for the tutorial site at a fixed time; credentials come separately.
pub(crate) const ISSUE: &[&str] = &[
    "token",
    "issue",
    "--drm-type",
    "widevine",
    "--user-id",
    "u",
    "--cid",
    "c",
    "--site-id",
    "TUTO",
    "--timestamp",
    "2025-06-01T12:34:56Z",
];

/// `ncp sign` of a fixed request; the keys come separately.
pub(crate) const NCP_SIGN: &[&str] = &[
    "ncp",
    "sign",
    "--method",
    "GET",
    "--target",
    "/api/v1/policy",
    "--timestamp",
    "1",
];

/// `multidrm ARGS` with no secret in its environment and stdout/stderr captured.
pub(crate) fn multidrm(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_multidrm"));
    cmd.args(args).env_remove("RUST_LOG");
    for var in [
        "DOVERUNNER_SITE_KEY",
        "DOVERUNNER_ACCESS_KEY",
        "DOVERUNNER_KMS_TOKEN",
        "NCP_ACCESS_KEY",
        "NCP_SECRET_KEY",
        "MULTIDRM_ENTITLEMENT_SECRET",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// Runs `cmd` with `stdin` piped in. A command that does not read stdin may exit before
/// taking it: a failed write is not an error here.
pub(crate) fn run(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

/// What the command printed on stderr.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh temporary file `multidrm-…-NAME` holding `contents`, removed when the guard drops.
pub(crate) fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> tempfile::TempPath {
    let file = tempfile::Builder::new()
        .prefix("multidrm-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .unwrap();
    std::fs::write(file.path(), contents).unwrap();
    file.into_temp_path()
}

//! Issue 10, class 5 from a shell: oversized stdin and files are refused after reading at most
//! the limit plus one byte, and broken or closed pipes give the contract's exit codes (0/1/2/3),
//! never a panic (101) and never a silent success.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::Write;
use std::process::{Command, ExitStatus, Output, Stdio};

mod common;

use common::{ACCESS_KEY, ISSUE, SITE_KEY, run, stderr};

fn command(args: &[&str]) -> Command {
    let mut cmd = common::multidrm(args);
    cmd.env("DOVERUNNER_SITE_KEY", SITE_KEY)
        .env("DOVERUNNER_ACCESS_KEY", ACCESS_KEY)
        .env("MULTIDRM_ENTITLEMENT_SECRET", "test-shared-secret");
    cmd
}

/// Feeds `total` bytes of `fill` to `args` on stdin. Returns the output and whether the
/// command closed stdin before taking it all (it stopped reading).
fn feed(args: &[&str], prefix: &[u8], fill: u8, total: usize) -> (Output, bool) {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let prefix = prefix.to_vec();
    let writer = std::thread::spawn(move || {
        if stdin.write_all(&prefix).is_err() {
            return true;
        }
        let chunk = vec![fill; 1 << 16];
        let mut sent = prefix.len();
        while sent < total {
            if stdin.write_all(&chunk).is_err() {
                return true;
            }
            sent += chunk.len();
        }
        false
    });
    let out = child.wait_with_output().unwrap();
    (out, writer.join().unwrap())
}

fn code(status: ExitStatus) -> i32 {
    status.code().expect("exited by a signal")
}

/// 64 MiB offered, far beyond every limit (the largest is 16 MiB).
const FLOOD: usize = 64 << 20;

#[test]
fn oversized_stdin_is_refused_without_reading_it_all() {
    for (args, prefix) in [
        (
            &["policy", "validate", "-"][..],
            &b"{\"policy_version\":2,\"x\":\""[..],
        ),
        (&["cpix", "parse", "-"][..], &b"<cpix:CPIX>"[..]),
        (&["pssh", "decode", "-"][..], &b""[..]),
        (&["token", "inspect", "-"][..], &b""[..]),
        (&["entitlement", "sign-request"][..], &b"{\"a\":\""[..]),
        (&["entitlement", "verify-request"][..], &b"{\"a\":\""[..]),
        (
            &["entitlement", "sign-response", "--challenge", "c"][..],
            &b"{\"a\":\""[..],
        ),
        (
            &["entitlement", "verify-response", "--challenge", "c"][..],
            &b"{\"a\":\""[..],
        ),
    ] {
        let (out, stopped) = feed(args, prefix, b'A', FLOOD);
        assert_eq!(code(out.status), 1, "{args:?}: {}", stderr(&out));
        assert!(stopped, "{args:?} read all {FLOOD} bytes");
        let said = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
        assert!(said.contains("larger than the limit"), "{args:?}: {said}");
    }
}

#[test]
fn oversized_policy_on_stdin_for_token_issue_is_refused() {
    let mut args = ISSUE.to_vec();
    args.extend(["--policy", "-"]);
    let (out, stopped) = feed(&args, b"{\"policy_version\":2,\"x\":\"", b'A', FLOOD);
    assert_eq!(code(out.status), 1, "{}", stderr(&out));
    assert!(stopped);
    assert!(stderr(&out).contains("code 2001"), "{}", stderr(&out));
}

#[test]
fn policy_validate_reports_an_oversized_file_as_2001_in_its_list() {
    let dir = std::env::temp_dir().join(format!("multidrm-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big-policy.json");
    let mut text = String::from("{\"policy_version\":2,\"x\":\"");
    text.push_str(&"A".repeat(1 << 20));
    text.push_str("\"}");
    std::fs::write(&path, text).unwrap();
    let out = command(&["policy", "validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(code(out.status), 1);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["code"], 2001);
    assert_eq!(list[0]["path"], "$");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stdin_cannot_serve_two_inputs() {
    let out = command(&[
        "token",
        "issue",
        "--batch",
        "-",
        "--policy",
        "-",
        "--site-id",
        "TUTO",
    ])
    .stdin(Stdio::null())
    .output()
    .unwrap();
    assert_eq!(code(out.status), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot both read stdin"),
        "{}",
        stderr(&out)
    );
}

/// A pipe whose reading end is already closed: every write fails with EPIPE. (The stdin pipe
/// of a process that has exited; `std::io::pipe` is newer than the MSRV.)
fn broken_pipe() -> Stdio {
    let mut reader = Command::new("true").stdin(Stdio::piped()).spawn().unwrap();
    let writer = reader.stdin.take().unwrap();
    reader.wait().unwrap();
    Stdio::from(writer)
}

#[test]
fn stdout_on_a_broken_pipe_fails_with_exit_2() {
    for args in [
        ISSUE.to_vec(),
        vec!["policy", "format", "-"],
        [
            common::NCP_SIGN,
            &["--access-key", "a", "--secret-key", "s"],
        ]
        .concat(),
    ] {
        let mut cmd = command(&args);
        cmd.stdout(broken_pipe());
        let out = run(cmd, b"{\"policy_version\":2}");
        assert_eq!(code(out.status), 2, "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot write to stdout"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn stderr_on_a_broken_pipe_never_panics() {
    // A rejected input (exit 1), a usage error (exit 2) and clap's own usage error (exit 2):
    // each writes on stderr, which fails.
    for (args, expected) in [
        (vec!["policy", "validate", "-"], 1),
        (vec!["policy", "validate", "/nonexistent/policy.json"], 2),
        (vec!["token", "issue", "--no-such-flag"], 2),
    ] {
        let mut cmd = command(&args);
        cmd.stderr(broken_pipe());
        let out = run(cmd, b"{\"policy_version\":3}");
        assert_eq!(code(out.status), expected, "{args:?}");
    }
}

/// Runs `args` through `sh` with descriptor 1 (or 2) closed.
fn with_closed(fd: u8, args: &[&str]) -> Output {
    let script = format!("exec \"$0\" \"$@\" {fd}>&-");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_multidrm"))
        .args(args)
        .env("DOVERUNNER_SITE_KEY", SITE_KEY)
        .env("DOVERUNNER_ACCESS_KEY", ACCESS_KEY)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn closed_stdout_is_a_failure_not_a_silent_success() {
    let out = with_closed(1, ISSUE);
    assert_eq!(code(out.status), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("stdout"), "{}", stderr(&out));
    let help = with_closed(1, &["--help"]);
    assert_eq!(code(help.status), 2);
}

#[test]
fn closed_stderr_keeps_the_exit_status() {
    let ok = with_closed(2, ISSUE);
    assert_eq!(code(ok.status), 0);
    assert!(!ok.stdout.is_empty());
    let bad = with_closed(2, &["policy", "validate", "/nonexistent/policy.json"]);
    assert_eq!(code(bad.status), 2);
}

#[test]
fn stdout_to_dev_null_still_succeeds() {
    let out = command(ISSUE)
        .stdout(std::fs::File::create("/dev/null").unwrap())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(code(out.status), 0, "{}", stderr(&out));
}

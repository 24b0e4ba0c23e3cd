//! Shared output helpers: JSON documents on stdout, warnings on stderr, a runtime for network
//! commands.
//!
//! Broken pipes never panic and never pass for success: a failed write on stdout (a closed
//! pipe, or a closed descriptor, which the standard library would silently send to
//! `/dev/null`) fails the command (exit 2); stderr is best effort (a closed stderr loses the
//! message, not the exit status). Servers' announcements tolerate a closed stdout.

#![allow(dead_code)] // shared by every command module; not all use every helper

use std::fmt;
use std::io::Write;
use std::sync::OnceLock;

use crate::failure::Failure;

/// Whether descriptor 1 was open when the program started.
static STDOUT_OPEN: OnceLock<bool> = OnceLock::new();

/// Records whether stdout is open. Call first thing in `main`, before any file is opened (a
/// file opened later could take the closed descriptor's number).
pub(crate) fn init() {
    let _ = STDOUT_OPEN.set(descriptor_open());
}

/// Whether descriptor 1 is usable. The standard library reopens a closed standard descriptor
/// on `/dev/null` (read-write) before `main`, so writes to a closed stdout would "succeed" and
/// vanish. On Linux such a descriptor is recognised: `/dev/null` opened read-write, where a
/// shell's `>/dev/null` opens it write-only.
#[cfg(target_os = "linux")]
fn descriptor_open() -> bool {
    let target = std::fs::read_link("/proc/self/fd/1");
    if !target.is_ok_and(|t| t == std::path::Path::new("/dev/null")) {
        return true;
    }
    let Ok(info) = std::fs::read_to_string("/proc/self/fdinfo/1") else {
        return true;
    };
    let access_mode = info
        .lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
        .map(|flags| flags & 0o3);
    // O_RDWR (2): the runtime's replacement for a closed descriptor.
    access_mode != Some(2)
}

#[cfg(not(target_os = "linux"))]
fn descriptor_open() -> bool {
    true
}

/// Whether stdout can be written to (as recorded by [`init`]).
pub(crate) fn stdout_open() -> bool {
    *STDOUT_OPEN.get_or_init(descriptor_open)
}

/// The failure for a write on stdout that did not happen.
pub(crate) fn stdout_failure(e: &std::io::Error) -> Failure {
    Failure::usage(format!("cannot write to stdout: {e}"))
}

/// Stdout, locked, or a failure when it is closed.
pub(crate) fn stdout() -> Result<std::io::StdoutLock<'static>, Failure> {
    if !stdout_open() {
        return Err(Failure::usage(
            "cannot write to stdout: it is closed (the output would be lost)",
        ));
    }
    Ok(std::io::stdout().lock())
}

/// Writes `text` on stdout and flushes it.
pub(crate) fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = stdout()?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| stdout_failure(&e))
}

/// Writes `text` and a newline on stdout and flushes it.
pub(crate) fn print_line(text: &str) -> Result<(), Failure> {
    let mut out = stdout()?;
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| stdout_failure(&e))
}

/// Prints a server's one-line announcement: like [`print_line`], except that a closed stdout
/// (a server started with its output discarded) is not an error.
pub(crate) fn announce(text: &str) -> Result<(), Failure> {
    if stdout_open() {
        print_line(text)
    } else {
        Ok(())
    }
}

/// Writes `multidrm: {message}` on stderr. Never panics: a closed stderr drops the line.
pub(crate) fn warn(message: impl fmt::Display) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "multidrm: {message}");
}

/// Prints one JSON document (pretty) on stdout, followed by a newline.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::usage(format!("cannot render JSON: {e}")))?;
    print_line(&text)
}

/// A two-thread tokio runtime for commands that talk to the network.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    server_runtime(Some(2))
}

/// The runtime of a command that serves: `workers` threads, or by default one per CPU (tokio's
/// default, which also honours `TOKIO_WORKER_THREADS`).
pub(crate) fn server_runtime(workers: Option<usize>) -> Result<tokio::runtime::Runtime, Failure> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = workers {
        builder.worker_threads(n);
    }
    builder
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))
}

/// Reads a whole file, or stdin when `path` is `-`, bounded by
/// [`crate::input::DEFAULT_LIMIT`]. Prefer [`crate::input::read_bytes`] with the input's own
/// name and limit.
pub(crate) fn read_input(path: &str) -> Result<Vec<u8>, Failure> {
    crate::input::read_bytes(path, "the input", crate::input::DEFAULT_LIMIT)
}

//! Shared output helpers: JSON documents on stdout, a runtime for network commands.

#![allow(dead_code)] // shared by every command module; not all use every helper

use std::io::Write;

use crate::failure::Failure;

/// Prints one JSON document (pretty) on stdout, followed by a newline.
pub(crate) fn print_json(value: &serde_json::Value) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::usage(format!("cannot render JSON: {e}")))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Failure::usage(format!("cannot write to stdout: {e}")))
}

/// A multi-threaded tokio runtime for commands that talk to the network or serve.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))
}

/// Reads a whole file, or stdin when `path` is `-`.
pub(crate) fn read_input(path: &str) -> Result<Vec<u8>, Failure> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut buf)
            .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
        Ok(buf)
    } else {
        std::fs::read(path).map_err(|e| Failure::usage(format!("cannot read {path}: {e}")))
    }
}

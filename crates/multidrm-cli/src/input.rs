//! Every read of stdin or of a file named on the command line: bounded (at most the limit plus
//! one byte is read, then the command stops with an error naming the input and the limit), and
//! stdin is read by one consumer only (`--policy -` and `--batch -` cannot both have it).

#![allow(dead_code)] // shared by every command module; not all use every helper

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::sync::Mutex;

use crate::failure::Failure;

/// The largest policy file (`drm_policy::read::MAX_POLICY_BYTES`, 1 MiB).
pub(crate) const POLICY_LIMIT: usize = drm_policy::read::MAX_POLICY_BYTES;
/// The largest CPIX document (request or KMS response; `drm_cpix::client::MAX_RESPONSE_LEN`).
pub(crate) const CPIX_LIMIT: usize = drm_cpix::client::MAX_RESPONSE_LEN;
/// The largest PSSH text: the base64 of the largest box set (`drm_cpix::pssh::MAX_PSSH_LEN`),
/// with room for line breaks.
pub(crate) const PSSH_LIMIT: usize = drm_cpix::pssh::MAX_PSSH_LEN * 2;
/// The largest token (`drm_token::inspect::MAX_TOKEN_BYTES`), with room for a line break.
pub(crate) const TOKEN_LIMIT: usize = drm_token::inspect::MAX_TOKEN_BYTES + 2;
/// The largest entitlement message body (16 MiB).
pub(crate) const ENTITLEMENT_LIMIT: usize = 16 << 20;
/// The largest CDM challenge file (`license request --challenge`, 1 MiB).
pub(crate) const CHALLENGE_LIMIT: usize = 1 << 20;
/// The largest NCP request body file (1 MiB).
pub(crate) const NCP_BODY_LIMIT: usize = 1 << 20;
/// The limit of an input without one of its own (16 MiB).
pub(crate) const DEFAULT_LIMIT: usize = 16 << 20;
/// The largest secret file (64 KiB: keys and tokens are far shorter).
pub(crate) const SECRET_LIMIT: usize = 64 << 10;

/// Who reads stdin, once claimed.
static STDIN_OWNER: Mutex<Option<String>> = Mutex::new(None);

/// Reserves stdin for `what` (e.g. `--policy -`). Fails when another input already has it.
pub(crate) fn claim_stdin(what: &str) -> Result<(), Failure> {
    let mut owner = STDIN_OWNER
        .lock()
        .map_err(|_| Failure::usage("stdin: internal lock poisoned"))?;
    match owner.as_deref() {
        Some(other) if other != what => Err(Failure::usage(format!(
            "{what} and {other} cannot both read stdin (`-`): give one of them a file"
        ))),
        _ => {
            *owner = Some(what.to_owned());
            Ok(())
        }
    }
}

/// A reader over stdin (`path` = `-`, claimed for `what`) or the file at `path`.
pub(crate) fn open(path: &str, what: &str) -> Result<Box<dyn Read>, Failure> {
    if path == "-" {
        claim_stdin(what)?;
        Ok(Box::new(std::io::stdin().lock()))
    } else {
        let file =
            File::open(path).map_err(|e| Failure::usage(format!("cannot read {path}: {e}")))?;
        Ok(Box::new(file))
    }
}

/// A buffered reader over [`open`], for line-by-line input.
pub(crate) fn open_lines(path: &str, what: &str) -> Result<BufReader<Box<dyn Read>>, Failure> {
    Ok(BufReader::with_capacity(1 << 18, open(path, what)?))
}

/// Reads all of stdin or the file at `path`, refusing more than `limit` bytes: at most
/// `limit + 1` bytes are ever read.
pub(crate) fn read_bytes(path: &str, what: &str, limit: usize) -> Result<Vec<u8>, Failure> {
    let source = if path == "-" { "stdin" } else { path };
    let reader = open(path, what)?;
    let mut buf = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Failure::usage(format!("cannot read {source}: {e}")))?;
    if buf.len() > limit {
        return Err(too_large(what, source, limit));
    }
    Ok(buf)
}

/// [`read_bytes`] as UTF-8 text.
pub(crate) fn read_text(path: &str, what: &str, limit: usize) -> Result<String, Failure> {
    let bytes = read_bytes(path, what, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let source = if path == "-" { "stdin" } else { path };
        Failure::input(format!(
            "{what}: {source} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The error for an input over its limit.
pub(crate) fn too_large(what: &str, source: &str, limit: usize) -> Failure {
    Failure::input(format!(
        "{what}: {source} is larger than the limit of {limit} bytes; stopped reading after {} bytes",
        limit as u64 + 1
    ))
}

/// Reads one line (without its `\n`) into `line`, keeping at most `limit` bytes of it (the
/// rest of a longer line is skipped, never buffered). `None` at the end of input;
/// `Some(true)` when the line was longer than `limit`.
pub(crate) fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Option<bool>> {
    let mut any = false;
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(any.then_some(too_long));
        }
        any = true;
        let newline = available.iter().position(|&b| b == b'\n');
        let chunk = &available[..newline.unwrap_or(available.len())];
        if !too_long {
            if chunk.len() > limit - line.len() {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let used = newline.map_or(available.len(), |i| i + 1);
        reader.consume(used);
        if newline.is_some() {
            return Ok(Some(too_long));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_over_the_limit_are_flagged_and_skipped() {
        let text = b"short\nthis line is too long\nok";
        let mut reader = std::io::BufReader::with_capacity(4, &text[..]);
        let mut line = Vec::new();
        let mut seen = Vec::new();
        loop {
            line.clear();
            match read_line(&mut reader, &mut line, 8).unwrap() {
                None => break,
                Some(too_long) => seen.push((String::from_utf8(line.clone()).unwrap(), too_long)),
            }
        }
        assert_eq!(
            seen,
            [
                ("short".to_owned(), false),
                (String::new(), true),
                ("ok".to_owned(), false)
            ]
        );
    }
}

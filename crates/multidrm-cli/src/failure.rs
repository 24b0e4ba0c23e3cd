//! How a command fails, and the exit status each kind of failure maps to.
//!
//! The contract (`shared/design.md`): 1 for rejected input (with the official error code where one
//! exists), 2 for usage errors, 3 for remote/transport failures. Messages never carry secrets.

#![allow(dead_code)] // shared by every command module; not all use every helper

use std::fmt;
use std::process::ExitCode;

/// A failed command: what kind of failure, and the message printed on stderr.
#[derive(Debug)]
pub(crate) struct Failure {
    kind: FailureKind,
    message: String,
}

/// The three classes of failure of the command-line contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// The input was read and rejected (exit 1).
    Input,
    /// The command line itself is wrong: missing credential, unreadable file… (exit 2).
    Usage,
    /// A remote peer or the network failed (exit 3).
    Remote,
}

impl Failure {
    /// Rejected input (exit 1).
    pub(crate) fn input(message: impl fmt::Display) -> Self {
        Self {
            kind: FailureKind::Input,
            message: message.to_string(),
        }
    }

    /// Usage error (exit 2).
    pub(crate) fn usage(message: impl fmt::Display) -> Self {
        Self {
            kind: FailureKind::Usage,
            message: message.to_string(),
        }
    }

    /// Remote or transport failure (exit 3).
    pub(crate) fn remote(message: impl fmt::Display) -> Self {
        Self {
            kind: FailureKind::Remote,
            message: message.to_string(),
        }
    }

    /// A failure that has already been reported on stderr (e.g. per-line batch errors) and only
    /// sets the exit status.
    pub(crate) fn silent(kind: FailureKind) -> Self {
        Self {
            kind,
            message: String::new(),
        }
    }

    /// The same failure with `prefix` before its message (e.g. an official code).
    pub(crate) fn with_prefix(mut self, prefix: &str) -> Self {
        self.message.insert_str(0, prefix);
        self
    }

    /// The message printed on stderr.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    /// The class of this failure.
    #[allow(dead_code)]
    pub(crate) fn kind(&self) -> FailureKind {
        self.kind
    }

    /// Prints the message (if any) on stderr and returns the exit status.
    pub(crate) fn report(self) -> ExitCode {
        if !self.message.is_empty() {
            crate::output::warn(&self.message);
        }
        ExitCode::from(match self.kind {
            FailureKind::Input => 1,
            FailureKind::Usage => 2,
            FailureKind::Remote => 3,
        })
    }
}

/// Result of a command.
pub(crate) type CmdResult = Result<(), Failure>;

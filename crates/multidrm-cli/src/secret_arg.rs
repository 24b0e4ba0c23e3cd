//! Secret command-line values, one mechanism for all of them: every secret has a plain flag
//! (`--site-key K`), a file twin (`--site-key-file PATH`, `-` for stdin) and an environment
//! variable (`DOVERUNNER_SITE_KEY`). The plain flag is visible to every user of the machine
//! (`ps`, `/proc/PID/cmdline`), and its `--help` says so.
//!
//! Precedence: the flag or the file (giving both is a usage error), else the environment.
//! A file's content is the secret, minus one trailing line break (`\n` or `\r\n`).
//!
//! Each secret is a small clap `Args` type made by `secret_arg!`; flatten it into a command's
//! arguments and call `resolve()` (or `require()`). The value is a
//! [`drm_secret::SecretString`]: redacted in `Debug`, zeroized on drop.

#![allow(dead_code)] // not every command uses every secret or helper

use drm_secret::SecretString;

use crate::failure::Failure;
use crate::input;

/// Where one secret may come from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sources {
    /// The plain flag, without `--` (e.g. `site-key`).
    pub(crate) flag: &'static str,
    /// The file flag, without `--` (e.g. `site-key-file`).
    pub(crate) file_flag: &'static str,
    /// The environment variable.
    pub(crate) env: &'static str,
}

impl Sources {
    /// `--site-key, --site-key-file or $DOVERUNNER_SITE_KEY`, for messages.
    pub(crate) fn describe(&self) -> String {
        format!("--{}, --{} or ${}", self.flag, self.file_flag, self.env)
    }

    /// The secret from the flag's value, the file, or the environment (`None` if none is set).
    pub(crate) fn resolve(
        &self,
        value: Option<&str>,
        file: Option<&str>,
    ) -> Result<Option<SecretString>, Failure> {
        match (value, file) {
            (Some(_), Some(_)) => Err(Failure::usage(format!(
                "--{} and --{} both give the secret: pass one of them",
                self.flag, self.file_flag
            ))),
            (Some(v), None) => Ok(Some(SecretString::new(v))),
            (None, Some(path)) => self.read_file(path).map(Some),
            (None, None) => match std::env::var(self.env) {
                Ok(v) if !v.is_empty() => Ok(Some(SecretString::new(v))),
                Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(Failure::usage(format!("${} is not UTF-8 text", self.env)))
                }
            },
        }
    }

    fn read_file(&self, path: &str) -> Result<SecretString, Failure> {
        let what = format!("--{}", self.file_flag);
        let text = input::read_text(path, &what, input::SECRET_LIMIT)?;
        let mut secret = SecretString::new(text);
        let trimmed = strip_line_break(secret.expose_secret());
        if trimmed.len() != secret.len() {
            secret = SecretString::new(trimmed);
        }
        if secret.is_empty() {
            let source = if path == "-" { "stdin" } else { path };
            return Err(Failure::usage(format!("{what}: {source} is empty")));
        }
        Ok(secret)
    }
}

/// `text` without one trailing `\n` or `\r\n`.
fn strip_line_break(text: &str) -> &str {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.strip_suffix('\r').unwrap_or(text)
}

/// Defines a clap `Args` type for one secret: `--FLAG VALUE`, `--FLAG-file PATH|-`, `$ENV`.
///
/// `secret_arg!(Name, "flag", "flag-file", "ENV", "What it is.")`, optionally followed by
/// `global` to make both flags global (available after subcommands).
macro_rules! secret_arg {
    ($(#[$doc:meta])* $name:ident, $flag:literal, $file:literal, $env:literal, $help:literal $(, $global:ident)?) => {
        $(#[$doc])*
        #[derive(Clone, Default, clap::Args)]
        pub(crate) struct $name {
            #[arg(
                id = $flag,
                long = $flag,
                value_name = "VALUE",
                help = concat!(
                    $help, " Default: $", $env, ". Visible to other users of this machine (ps): ",
                    "prefer --", $file, " or $", $env, "."
                ),
                $($global = true,)?
            )]
            value: Option<String>,
            #[arg(
                id = $file,
                long = $file,
                value_name = "PATH|-",
                help = concat!(
                    "Read the value of --", $flag, " from PATH (`-`: stdin); one trailing line break is dropped."
                ),
                $($global = true,)?
            )]
            file: Option<String>,
        }

        impl $name {
            /// Where this secret may come from.
            pub(crate) const SOURCES: $crate::secret_arg::Sources = $crate::secret_arg::Sources {
                flag: $flag,
                file_flag: $file,
                env: $env,
            };

            /// Whether the secret is to be read from stdin (`--…-file -`).
            #[allow(dead_code)]
            pub(crate) fn reads_stdin(&self) -> bool {
                self.file.as_deref() == Some("-")
            }

            /// The secret, or `None` when no source gives it.
            pub(crate) fn resolve(&self) -> Result<Option<drm_secret::SecretString>, $crate::failure::Failure> {
                Self::SOURCES.resolve(self.value.as_deref(), self.file.as_deref())
            }

            /// The secret, or a usage error naming its sources.
            pub(crate) fn require(&self) -> Result<drm_secret::SecretString, $crate::failure::Failure> {
                self.resolve()?.ok_or_else(|| {
                    $crate::failure::Failure::usage(format!(
                        "missing secret: pass {}",
                        Self::SOURCES.describe()
                    ))
                })
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("value", &self.value.as_ref().map(|_| "[redacted]"))
                    .field("file", &self.file)
                    .finish()
            }
        }
    };
}

secret_arg!(
    /// The DoveRunner site key (32 characters): encrypts the token's policy.
    SiteKeyArg,
    "site-key",
    "site-key-file",
    "DOVERUNNER_SITE_KEY",
    "Site key, 32 characters."
);

secret_arg!(
    /// The DoveRunner site access key: the token hash is keyed with it.
    AccessKeyArg,
    "access-key",
    "access-key-file",
    "DOVERUNNER_ACCESS_KEY",
    "Site access key."
);

secret_arg!(
    /// The DoveRunner KMS token (CPIX key requests).
    KmsTokenArg,
    "kms-token",
    "kms-token-file",
    "DOVERUNNER_KMS_TOKEN",
    "KMS token (DoveRunner console, DRM settings)."
);

secret_arg!(
    /// The NAVER Cloud API access key id.
    NcpAccessKeyArg,
    "access-key",
    "access-key-file",
    "NCP_ACCESS_KEY",
    "NCP access key id.",
    global
);

secret_arg!(
    /// The NAVER Cloud API secret key.
    NcpSecretKeyArg,
    "secret-key",
    "secret-key-file",
    "NCP_SECRET_KEY",
    "NCP secret key.",
    global
);

secret_arg!(
    /// The DIVA entitlement shared secret.
    EntitlementSecretArg,
    "secret",
    "secret-file",
    "MULTIDRM_ENTITLEMENT_SECRET",
    "The DIVA shared secret."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_trailing_line_break_is_dropped() {
        assert_eq!(strip_line_break("abc\n"), "abc");
        assert_eq!(strip_line_break("abc\r\n"), "abc");
        assert_eq!(strip_line_break("abc\n\n"), "abc\n");
        assert_eq!(strip_line_break("abc"), "abc");
    }

    #[test]
    fn flag_and_file_together_are_refused() {
        let sources = SiteKeyArg::SOURCES;
        assert!(sources.resolve(Some("k"), Some("/dev/null")).is_err());
        let v = sources.resolve(Some("k"), None).unwrap().unwrap();
        assert_eq!(v.expose_secret(), "k");
    }

    #[test]
    fn debug_redacts_the_value() {
        let arg = SiteKeyArg {
            value: Some("top-secret-value".to_owned()),
            file: None,
        };
        assert!(!format!("{arg:?}").contains("top-secret"));
    }
}

secret_arg!(
    /// A license token to send as is (`license request`).
    LicenseTokenArg,
    "token",
    "token-file",
    "DOVERUNNER_LICENSE_TOKEN",
    "The license token to send (instead of minting one with the token-issue flags)."
);

//! `multidrm token …`: mint license tokens (one, or one per JSON line) and inspect tokens.
//!
//! Credentials come from `--site-id`, `--site-key[-file]`, `--access-key[-file]` or the
//! environment (`DOVERUNNER_SITE_ID`, `DOVERUNNER_SITE_KEY`, `DOVERUNNER_ACCESS_KEY`; prefer the
//! files or the environment: command-line arguments are visible to other users of the machine).
//! They are never printed.

use std::io::{BufWriter, Write};

use clap::{Args, Subcommand, ValueEnum};
use drm_policy::{JsonStyle, Policy};
use drm_token::batch::{BatchDefaults, BatchIssuer, MAX_LINE_BYTES};
use drm_token::inspect::{InspectOptions, inspect};
use drm_token::{
    AccessKey, DrmType, PreparedPolicy, ResponseFormat, SiteCredentials, SiteKey, Timestamp,
    TokenError, TokenRequest,
};

use crate::failure::{CmdResult, Failure, FailureKind};
use crate::input;
use crate::output;
use crate::secret_arg::{AccessKeyArg, SiteKeyArg};

/// Subcommands of `multidrm token`.
#[derive(Debug, Subcommand)]
pub(crate) enum TokenCmd {
    /// Mint a license token (pallycon-customdata-v2), or one per line with --batch.
    Issue(IssueArgs),
    /// Decode a token: fields, decrypted policy, hash check, age against the 600 s window.
    Inspect(InspectArgs),
}

/// The JSON text style of the policy and token JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StyleArg {
    /// `,`/`:` separators, raw UTF-8 (Java sample, docs). The default.
    Compact,
    /// `", "`/`": "` separators, `\uXXXX` escaping: byte for byte the official Python sample.
    Python,
}

impl From<StyleArg> for JsonStyle {
    fn from(s: StyleArg) -> Self {
        match s {
            StyleArg::Compact => JsonStyle::Compact,
            StyleArg::Python => JsonStyle::Python,
        }
    }
}

/// Site credentials, from flags or the environment.
#[derive(Debug, Args)]
pub(crate) struct CredentialArgs {
    /// Site id (default: $DOVERUNNER_SITE_ID).
    #[arg(long, env = "DOVERUNNER_SITE_ID")]
    site_id: Option<String>,
    #[command(flatten)]
    site_key: SiteKeyArg,
    #[command(flatten)]
    access_key: AccessKeyArg,
}

/// `multidrm token issue`.
#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// DRM: widevine, playready, fairplay, ncg, wiseplay (or the wire names Widevine, PlayReady…).
    #[arg(long, required_unless_present = "batch")]
    drm_type: Option<String>,
    /// The end user's id.
    #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
    user_id: Option<String>,
    /// The content id used at packaging.
    #[arg(long, required_unless_present = "batch", conflicts_with = "batch")]
    cid: Option<String>,
    #[command(flatten)]
    credentials: CredentialArgs,
    /// Policy JSON file (`-` for stdin); default `{"policy_version": 2}` (server defaults).
    #[arg(long, value_name = "FILE|-")]
    policy: Option<String>,
    /// original (default), custom or json.
    #[arg(long)]
    response_format: Option<String>,
    /// Set key_rotation: true (`--key-rotation`, or explicitly `--key-rotation true|false`).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    key_rotation: Option<bool>,
    /// Token timestamp, yyyy-MM-ddTHH:mm:ssZ (default: now). The server accepts a token for
    /// 600 s after it.
    #[arg(long)]
    timestamp: Option<String>,
    /// JSON text style of the policy and the token JSON.
    #[arg(long, value_enum, default_value = "compact")]
    json_style: StyleArg,
    /// JSON Lines requests (`-` for stdin): one token per line on stdout, in input order.
    #[arg(long, value_name = "FILE.jsonl|-")]
    batch: Option<String>,
}

/// `multidrm token inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The token (`-` to read it from stdin).
    token: String,
    /// Site key to decrypt the policy.
    #[command(flatten)]
    site_key: SiteKeyArg,
    /// Access key to check the hash.
    #[command(flatten)]
    access_key: AccessKeyArg,
    /// The time to compute the token's age at, yyyy-MM-ddTHH:mm:ssZ (default: now).
    #[arg(long)]
    now: Option<String>,
    /// The site's token validity window in seconds.
    #[arg(long, default_value_t = drm_token::DEFAULT_VALIDITY_SECS)]
    window: i64,
    /// Exit 1 unless the license server should accept the token (no problem, policy opens and
    /// is valid, hash matches, timestamp within the window).
    #[arg(long)]
    strict: bool,
}

/// The inspect report with a verdict first.
#[derive(serde::Serialize)]
struct InspectOutput<'a> {
    /// Whether the license server should accept the token, as far as can be told.
    acceptable: bool,
    #[serde(flatten)]
    report: &'a drm_token::Inspection,
}

/// Prints one JSON document (pretty) on stdout, members in the order of the Rust types.
pub(crate) fn print_ordered<T: serde::Serialize>(value: &T) -> CmdResult {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::usage(format!("cannot render JSON: {e}")))?;
    output::print_line(&text)
}

/// Runs `multidrm token …`.
pub(crate) fn run(cmd: TokenCmd) -> CmdResult {
    match cmd {
        TokenCmd::Issue(args) if args.batch.is_some() => issue_batch(args),
        TokenCmd::Issue(args) => issue_one(args),
        TokenCmd::Inspect(args) => inspect_token(args),
    }
}

/// A token error as `code C: message` (exit 1).
fn rejected(err: &TokenError) -> Failure {
    match err {
        TokenError::Policy(p) => Failure::input(policy_lines(p.violations())),
        other => Failure::input(with_code(other)),
    }
}

fn with_code(err: &TokenError) -> String {
    match err.code() {
        Some(code) => format!("code {code}: {err}"),
        None => err.to_string(),
    }
}

fn policy_lines(violations: &[drm_policy::Violation]) -> String {
    let mut out = String::from("invalid policy:");
    for v in violations {
        out.push_str(&format!("\n  code {}: {}: {}", v.code, v.path, v.message));
    }
    out
}

fn parse_drm_type(text: &str) -> Result<DrmType, Failure> {
    text.parse::<DrmType>().map_err(|e| rejected(&e))
}

fn parse_timestamp(text: &str) -> Result<Timestamp, Failure> {
    Timestamp::parse(text).map_err(|e| rejected(&e))
}

fn parse_response_format(text: Option<&str>) -> Result<ResponseFormat, Failure> {
    text.map_or(Ok(ResponseFormat::Original), |t| {
        t.parse::<ResponseFormat>().map_err(|e| rejected(&e))
    })
}

/// Reads `--policy` (file or stdin) as UTF-8 text, checking it reads as a valid policy.
fn read_policy(path: &str) -> Result<(String, Policy), Failure> {
    let text = input::read_text(path, "--policy", input::POLICY_LIMIT).map_err(|e| {
        // Too large or not text: the Java sample's "json parser error".
        if e.kind() == FailureKind::Input {
            e.with_prefix("code 2001: ")
        } else {
            e
        }
    })?;
    let policy =
        Policy::from_json(&text).map_err(|e| Failure::input(policy_lines(e.violations())))?;
    Ok((text, policy))
}

/// Credentials for a single token: a missing one is a usage error (exit 2), an invalid one is
/// rejected input with its code (exit 1).
fn credentials(args: &CredentialArgs) -> Result<SiteCredentials, Failure> {
    let missing = |code: u16, what: &str, sources: &str| {
        Failure::usage(format!("code {code}: {what} is required: pass {sources}"))
    };
    let site_id = args
        .site_id
        .as_deref()
        .ok_or_else(|| missing(1002, "the site id", "--site-id or set DOVERUNNER_SITE_ID"))?;
    let access_key = args
        .access_key
        .resolve()?
        .ok_or_else(|| missing(1003, "the access key", &AccessKeyArg::SOURCES.describe()))?;
    let site_key = args
        .site_key
        .resolve()?
        .ok_or_else(|| missing(1004, "the site key", &SiteKeyArg::SOURCES.describe()))?;
    SiteCredentials::from_strs(
        site_id,
        site_key.expose_secret(),
        access_key.expose_secret(),
    )
    .map_err(|e| rejected(&e))
}

fn issue_one(args: IssueArgs) -> CmdResult {
    let drm_type = parse_drm_type(args.drm_type.as_deref().unwrap_or_default())?;
    let user_id = args.user_id.as_deref().unwrap_or_default();
    let cid = args.cid.as_deref().unwrap_or_default();
    let response_format = parse_response_format(args.response_format.as_deref())?;
    let timestamp = match args.timestamp.as_deref() {
        Some(t) => parse_timestamp(t)?,
        None => Timestamp::now(),
    };
    let request = TokenRequest::new(drm_type, user_id, cid)
        .response_format(response_format)
        .key_rotation(args.key_rotation.unwrap_or(false));
    // The official order: user_id and cid, then the credentials, then the policy.
    request.validate().map_err(|e| rejected(&e))?;
    let creds = credentials(&args.credentials)?;
    let policy = match args.policy.as_deref() {
        Some(path) => read_policy(path)?.1,
        None => Policy::new(),
    };
    let prepared =
        PreparedPolicy::new(&policy, &creds, args.json_style.into()).map_err(|e| rejected(&e))?;
    let token = request
        .mint(&creds, &prepared, timestamp)
        .map_err(|e| rejected(&e))?;
    output::print_line(&token.to_string())
}

fn issue_batch(args: IssueArgs) -> CmdResult {
    let path = args.batch.clone().unwrap_or_default();
    let mut defaults = BatchDefaults {
        drm_type: args.drm_type.as_deref().map(parse_drm_type).transpose()?,
        site_id: args.credentials.site_id.clone(),
        site_key: args.credentials.site_key.resolve()?,
        access_key: args.credentials.access_key.resolve()?,
        policy: None,
        response_format: parse_response_format(args.response_format.as_deref())?,
        key_rotation: args.key_rotation.unwrap_or(false),
        timestamp: args.timestamp.as_deref().map(parse_timestamp).transpose()?,
        style: args.json_style.into(),
    };
    if path == "-" {
        // Reserved first, so that `--policy -` is refused before anything is read.
        input::claim_stdin("--batch")?;
    }
    if let Some(policy_path) = args.policy.as_deref() {
        // A bad default policy would fail every line: reject it once, up front.
        defaults.policy = Some(read_policy(policy_path)?.0.into());
    }
    let mut reader = input::open_lines(&path, "--batch")?;
    let mut out = BufWriter::with_capacity(1 << 18, output::stdout()?);
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let write_failed = |e: std::io::Error| output::stdout_failure(&e);

    let mut issuer = BatchIssuer::new(defaults);
    let mut line = Vec::with_capacity(4096);
    let mut number = 0u64;
    let mut failures = 0u64;
    loop {
        line.clear();
        let complete = input::read_line(&mut reader, &mut line, MAX_LINE_BYTES)
            .map_err(|e| Failure::usage(format!("cannot read {path}: {e}")))?;
        let Some(too_long) = complete else { break };
        number += 1;
        let result = if too_long {
            Err(TokenError::Request {
                reason: format!("the line is longer than {MAX_LINE_BYTES} bytes"),
            })
        } else {
            issuer.issue_line(&line)
        };
        match result {
            Ok(token) => {
                out.write_all(token).map_err(write_failed)?;
                out.write_all(b"\n").map_err(write_failed)?;
            }
            Err(e) => {
                failures += 1;
                out.write_all(b"\n").map_err(write_failed)?;
                let code = e.code().map_or_else(|| "-".to_owned(), |c| c.to_string());
                let message = match &e {
                    TokenError::Policy(p) => p
                        .violations()
                        .iter()
                        .map(|v| format!("{}: {}", v.path, v.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                    other => other.to_string(),
                };
                let _ = writeln!(err, "line {number}: code {code}: {message}");
            }
        }
    }
    out.flush().map_err(write_failed)?;
    if failures > 0 {
        let _ = writeln!(
            err,
            "multidrm: {failures} of {number} lines rejected (empty lines on stdout)"
        );
        return Err(Failure::silent(FailureKind::Input));
    }
    Ok(())
}

fn inspect_token(args: InspectArgs) -> CmdResult {
    let token = if args.token == "-" {
        input::read_text("-", "the token", input::TOKEN_LIMIT)?
    } else {
        args.token.clone()
    };
    let site_key = args
        .site_key
        .resolve()?
        .map(|k| SiteKey::new(k.expose_secret()))
        .transpose()
        .map_err(|e| rejected(&e))?;
    let access_key = args
        .access_key
        .resolve()?
        .map(|k| AccessKey::new(k.expose_secret()))
        .transpose()
        .map_err(|e| rejected(&e))?;
    let now = match args.now.as_deref() {
        Some(t) => parse_timestamp(t)?,
        None => Timestamp::now(),
    };
    let mut options = InspectOptions::new(now).validity_secs(args.window);
    if let Some(k) = &site_key {
        options = options.site_key(k);
    }
    if let Some(k) = &access_key {
        options = options.access_key(k);
    }
    let report = inspect(&token, &options).map_err(|e| Failure::input(e.to_string()))?;
    let acceptable = report.is_acceptable();
    print_ordered(&InspectOutput {
        acceptable,
        report: &report,
    })?;
    if args.strict && !acceptable {
        return Err(Failure::silent(FailureKind::Input));
    }
    Ok(())
}

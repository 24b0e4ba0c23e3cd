//! `multidrm cpix request|parse|get`: build CPIX requests, read KMS responses, fetch keys.
//!
//! Exit status: 1 when an option value or a document is rejected (invalid content id, unknown
//! DRM, NCG with several keys, malformed XML…), 2 for usage errors (missing token, unreadable
//! file), 3 when the KMS or the network fails.

use std::time::Duration;

use clap::{Args, Subcommand};
use drm_cpix::client::{ClientError, DEFAULT_KMS_URL, KmsClient, KmsToken};
use drm_cpix::export::{ExportFormat, ExportOptions, QencodeOptions, ShakaOptions};
use drm_cpix::request::{CpixRequest, EncryptionScheme, TrackSelection};
use drm_cpix::response::{CpixResponse, KeySource};
use drm_cpix::{ContentId, DrmSystem, ExportError, RequestError};
use drm_policy::TrackType;

use crate::failure::{CmdResult, Failure};
use crate::input;
use crate::output::{self, runtime};
use crate::secret_arg::KmsTokenArg;

/// Subcommands of `multidrm cpix`.
#[derive(Debug, Subcommand)]
pub(crate) enum CpixCmd {
    /// Print the CPIX request XML for a title (XSD 2.3 order) on stdout.
    Request(RequestOpts),
    /// Read a KMS response (file or `-`) and print its keys in a packager's format.
    Parse(ParseArgs),
    /// Build the request, POST it to the KMS, and print the keys in a packager's format.
    Get(GetArgs),
}

/// What to ask the KMS for.
#[derive(Debug, Args)]
pub(crate) struct RequestOpts {
    /// Content id (1–200 characters of A-Z a-z 0-9 - _ .).
    #[arg(long)]
    cid: String,
    /// DRM systems, comma-separated: widevine, playready, fairplay, wiseplay, ncg,
    /// ncghls_aes128, ncghls_sampleaes, aes128, sampleaes (or `all`).
    #[arg(long, value_delimiter = ',', required = true)]
    drm: Vec<String>,
    /// `all` (one key for every track) or a comma-separated subset of AUDIO, SD, HD, UHD1, UHD2
    /// (one key each).
    #[arg(long, default_value = "all")]
    tracks: String,
    /// Encryption scheme: none, cenc, cbc1, cens, cbcs.
    #[arg(long, default_value = "none")]
    scheme: String,
    /// Key-rotation period index (0 = no key rotation).
    #[arg(long, default_value_t = 0)]
    period: u32,
    /// Add Video/AudioFilter elements from DoveRunner's pixel table (multi-key only).
    #[arg(long)]
    video_filters: bool,
}

/// How to print the keys.
#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// Output: official (the official client's JSON), full (every field), shaka (Shaka Packager
    /// arguments), qencode (Qencode's cenc_drm object).
    #[arg(long, default_value = "official")]
    format: String,
    /// The track whose key the qencode format exports, for a multi-key response.
    #[arg(long)]
    track: Option<String>,
    /// Shaka `--protection_scheme` (default: the echoed scheme, else cbcs with FairPlay, else
    /// cenc).
    #[arg(long)]
    protection_scheme: Option<String>,
    /// Qencode `la_url` (default DoveRunner's license URL).
    #[arg(long)]
    la_url: Option<String>,
}

/// `multidrm cpix parse`.
#[derive(Debug, Args)]
pub(crate) struct ParseArgs {
    /// The KMS response (`-` for stdin).
    file: String,
    /// The request the response answers: pairs each key with the request's KID and track, and
    /// checks the content id.
    #[arg(long)]
    request: Option<String>,
    #[command(flatten)]
    export: ExportArgs,
}

/// `multidrm cpix get`.
#[derive(Debug, Args)]
pub(crate) struct GetArgs {
    #[command(flatten)]
    request: RequestOpts,
    /// The KMS endpoint; the token is appended to it.
    #[arg(long, default_value = DEFAULT_KMS_URL)]
    kms_url: String,
    #[command(flatten)]
    kms_token: KmsTokenArg,
    /// Deadline of the whole call in seconds (connect, retries, the whole answer).
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Retries after a network failure (HTTP errors are not retried).
    #[arg(long, default_value_t = 2)]
    retries: u32,
    #[command(flatten)]
    export: ExportArgs,
}

/// Runs `multidrm cpix …`.
pub(crate) fn run(cmd: CpixCmd) -> CmdResult {
    match cmd {
        CpixCmd::Request(opts) => {
            let request = build_request(&opts)?;
            write_out(&request.to_xml())
        }
        CpixCmd::Parse(args) => {
            let export = export_settings(&args.export)?;
            let request = match &args.request {
                Some(path) => Some(
                    CpixRequest::from_xml(&input::read_bytes(
                        path,
                        "--request",
                        input::CPIX_LIMIT,
                    )?)
                    .map_err(|e| Failure::input(format!("{path}: {}", chain(&e))))?,
                ),
                None => None,
            };
            let body = input::read_bytes(&args.file, "the KMS response", input::CPIX_LIMIT)?;
            let response = match &request {
                Some(r) => CpixResponse::parse_for_request(r, &body),
                None => CpixResponse::parse(&body),
            }
            .map_err(|e| Failure::input(format!("{}: {}", args.file, chain(&e))))?;
            print_response(&response, &export)
        }
        CpixCmd::Get(args) => get(args),
    }
}

fn get(args: GetArgs) -> CmdResult {
    let request = build_request(&args.request)?;
    let export = export_settings(&args.export)?;
    let token = args.kms_token.resolve()?.ok_or_else(|| {
        Failure::usage(format!(
            "no KMS token: pass {}",
            KmsTokenArg::SOURCES.describe()
        ))
    })?;
    let token: KmsToken = token
        .expose_secret()
        .parse()
        .map_err(|e| Failure::usage(format!("--kms-token: {e}")))?;
    let timeout = Duration::from_secs(args.timeout.max(1));
    let client = KmsClient::builder()
        .base_url(args.kms_url.as_str())
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .read_timeout(timeout.min(Duration::from_secs(30)))
        .total_timeout(timeout)
        .max_retries(args.retries)
        .build(token)
        .map_err(|e| Failure::usage(format!("--kms-url: {e}")))?;
    let response = runtime()?
        .block_on(client.get_keys(&request))
        .map_err(remote_failure)?;
    print_response(&response, &export)
}

fn remote_failure(e: ClientError) -> Failure {
    let detail = match &e {
        ClientError::Kms { raw_body, .. } => format!("\nKMS body: {}", clip(raw_body)),
        ClientError::Http { body, .. } if !body.is_empty() => {
            format!("\nbody: {}", clip(body))
        }
        ClientError::Response { raw_body, .. } => format!("\nbody: {}", clip(raw_body)),
        _ => String::new(),
    };
    Failure::remote(format!("{e}{detail}"))
}

fn clip(text: &str) -> String {
    const MAX: usize = 2000;
    if text.chars().count() <= MAX {
        text.trim().to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{}… ({} bytes)", head.trim(), text.len())
    }
}

fn build_request(opts: &RequestOpts) -> Result<CpixRequest, Failure> {
    let cid: ContentId = opts
        .cid
        .parse()
        .map_err(|e| Failure::input(format!("--cid: {}", chain(&e))))?;
    let mut systems = Vec::new();
    for name in opts.drm.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
        if name.eq_ignore_ascii_case("all") {
            systems.extend(DrmSystem::ALL);
            continue;
        }
        systems.push(
            name.parse::<DrmSystem>()
                .map_err(|e| Failure::input(format!("--drm: {e}")))?,
        );
    }
    let tracks: TrackSelection = opts
        .tracks
        .parse()
        .map_err(|e| Failure::input(format!("--tracks: {e}")))?;
    let scheme: EncryptionScheme = opts
        .scheme
        .parse()
        .map_err(|e| Failure::input(format!("--scheme: {e}")))?;
    CpixRequest::builder(cid)
        .drm_systems(systems)
        .tracks(tracks)
        .scheme(scheme)
        .period_index(opts.period)
        .filters(opts.video_filters)
        .build()
        .map_err(|e| {
            let hint = match e {
                RequestError::SingleKeyOnly { .. } => " (--tracks all)",
                _ => "",
            };
            Failure::input(format!("{}{hint}", chain(&e)))
        })
}

/// An error and its sources, joined by `: ` (library errors do not repeat their source).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

struct ExportSettings {
    format: ExportFormat,
    options: ExportOptions,
}

fn export_settings(args: &ExportArgs) -> Result<ExportSettings, Failure> {
    let format: ExportFormat = args
        .format
        .parse()
        .map_err(|e| Failure::input(format!("--format: {e}")))?;
    let track = args
        .track
        .as_deref()
        .map(|t| {
            t.trim()
                .to_ascii_uppercase()
                .parse::<TrackType>()
                .map_err(|e| Failure::input(format!("--track: {e}")))
        })
        .transpose()?;
    let protection_scheme = args
        .protection_scheme
        .as_deref()
        .map(|s| {
            s.parse::<EncryptionScheme>()
                .map_err(|e| Failure::input(format!("--protection-scheme: {e}")))
        })
        .transpose()?;
    Ok(ExportSettings {
        format,
        options: ExportOptions {
            shaka: ShakaOptions { protection_scheme },
            qencode: QencodeOptions {
                la_url: args.la_url.clone(),
                track,
            },
        },
    })
}

fn print_response(response: &CpixResponse, export: &ExportSettings) -> CmdResult {
    for w in response.warnings() {
        output::warn(format_args!("warning: {w}"));
    }
    if export.format == ExportFormat::Official
        && response.source() == KeySource::ContentKeyList
        && !response.keys().is_empty()
    {
        output::warn(
            "note: the response has no usage rules, so the official client's JSON lists \
             no key (as the official client does); --format full lists them",
        );
    }
    let text = response
        .export(export.format, &export.options)
        .map_err(|e| match e {
            ExportError::AmbiguousKey { .. } => Failure::input(format!("{e} (--track TRACK)")),
            _ => Failure::input(e),
        })?;
    write_out(&format!("{text}\n"))
}

fn write_out(text: &str) -> CmdResult {
    output::write_stdout(text)
}

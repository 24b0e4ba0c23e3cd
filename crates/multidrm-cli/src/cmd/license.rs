//! `multidrm license …`: one license request against the DoveRunner license server (or the
//! sandbox's emulator with `--license-url`), a license-server error code explained, and the
//! FairPlay / Widevine certificates.
//!
//! `license request` prints one JSON document: the HTTP status, the outcome, the error code with
//! its meaning and what to do, `device_info` and durations of a JSON answer, and the license's
//! size and SHA-256 (the license itself only with `--out`). Exit 0 for a license, 1 when the
//! license server refused the request (its code is in the document), 2 for usage errors, 3 when
//! the server could not be reached or answered something else than a license or an error. The
//! token is never printed.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use drm_license::drm_http::{HttpClient, Response};
use drm_license::{
    ClientMeta, Drm, License, LicenseClient, LicenseServer, LicenseToken, ResponseError,
    ResponseFormat, ServerCode, ServerError, UpstreamRequest, read_certificate, read_license,
};
use drm_policy::Policy;
use drm_token::{PreparedPolicy, SiteCredentials, Timestamp, TokenRequest};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::failure::{CmdResult, Failure};
use crate::input;
use crate::output::{print_json, runtime};
use crate::secret_arg::{AccessKeyArg, LicenseTokenArg, SiteKeyArg};

/// Subcommands of `multidrm license`.
#[derive(Debug, Subcommand)]
pub(crate) enum LicenseCmd {
    /// Send one license request and summarise the answer as JSON.
    Request(Box<RequestArgs>),
    /// Explain a license-server error code: its published message and what to do.
    Explain(ExplainArgs),
    /// Fetch the FairPlay certificate or the Widevine service certificate of a site.
    Cert(CertArgs),
}

/// The answer format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// The DRM's own license (default).
    Original,
    /// JSON with `license`, `device_info` and durations.
    Json,
}

/// Where the license server is and how long a call may take.
#[derive(Debug, Args)]
pub(crate) struct ServerArgs {
    /// The license URL, e.g. the sandbox's `license_url` (default:
    /// https://drm-license.doverunner.com/ri/licenseManager.do). The certificate and ClearKey
    /// endpoints are derived from it.
    #[arg(long, env = "DOVERUNNER_LICENSE_URL")]
    license_url: Option<String>,
    /// Deadline of the whole call, in seconds.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
}

/// The token-issue flags, for minting the token of the request.
#[derive(Debug, Args)]
pub(crate) struct MintArgs {
    /// The end user's id (mint a token; with --cid and the site credentials).
    #[arg(long, conflicts_with_all = ["token", "token-file"])]
    user_id: Option<String>,
    /// The content id used at packaging.
    #[arg(long)]
    cid: Option<String>,
    /// Site id (default: $DOVERUNNER_SITE_ID).
    #[arg(long, env = "DOVERUNNER_SITE_ID")]
    site_id: Option<String>,
    #[command(flatten)]
    site_key: SiteKeyArg,
    #[command(flatten)]
    access_key: AccessKeyArg,
    /// Policy JSON file (`-` for stdin); default `{"policy_version": 2}`.
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["token", "token-file"])]
    policy: Option<String>,
    /// Token timestamp, yyyy-MM-ddTHH:mm:ssZ (default: now).
    #[arg(long, conflicts_with_all = ["token", "token-file"])]
    timestamp: Option<String>,
}

/// `multidrm license request`.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// DRM: widevine, playready, fairplay, ncg, wiseplay, clearkey.
    #[arg(long)]
    drm: String,
    #[command(flatten)]
    token: LicenseTokenArg,
    #[command(flatten)]
    mint: MintArgs,
    /// The CDM challenge (`-` for stdin). Without it: Widevine sends the service-certificate
    /// request `08 04`, ClearKey the official proxies' GET (--site-id, --cid).
    #[arg(long, value_name = "FILE|-")]
    challenge: Option<String>,
    /// The answer format the token asks for.
    #[arg(long, value_enum, default_value = "original")]
    response_format: FormatArg,
    /// pallycon-client-meta as JSON (`{"device_info":{…}}` or just the device fields).
    #[arg(long, value_name = "JSON")]
    client_meta: Option<String>,
    /// Write the license (the `original` body) to this file.
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
    #[command(flatten)]
    server: ServerArgs,
}

/// `multidrm license explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// The license server's `errorCode`, e.g. 7011.
    code: String,
}

/// `multidrm license cert`.
#[derive(Debug, Args)]
pub(crate) struct CertArgs {
    /// fairplay or widevine.
    #[arg(long)]
    drm: String,
    /// Site id (default: $DOVERUNNER_SITE_ID).
    #[arg(long, env = "DOVERUNNER_SITE_ID")]
    site_id: String,
    /// FairPlay: fetch the binary DER (`fpsCert.do`) instead of the base64 text
    /// (`fpsKeyManager.do`).
    #[arg(long)]
    der: bool,
    /// Write the certificate bytes to this file.
    #[arg(long, value_name = "FILE")]
    out: Option<String>,
    #[command(flatten)]
    server: ServerArgs,
}

/// Runs `multidrm license …`.
pub(crate) fn run(cmd: LicenseCmd) -> CmdResult {
    match cmd {
        LicenseCmd::Request(args) => request(*args),
        LicenseCmd::Explain(args) => explain(&args.code),
        LicenseCmd::Cert(args) => cert(args),
    }
}

// --- explain --------------------------------------------------------------------------------

/// The JSON description of a code.
fn code_json(code: ServerCode) -> Value {
    json!({
        "code": code.get(),
        "known": code.is_known(),
        "name": code.name(),
        "meaning": code.message(),
        "remedy": code.remedy(),
        "callback_only": code.is_callback_only(),
    })
}

fn explain(text: &str) -> CmdResult {
    let code = ServerCode::parse(text).ok_or_else(|| {
        Failure::usage(format!(
            "{:?} is not a license-server error code (decimal digits, e.g. 7011)",
            text.chars().take(32).collect::<String>()
        ))
    })?;
    let mut doc = code_json(code);
    if (1000..=1062).contains(&code.get()) || code.get() == 2001 {
        doc["note"] = json!(
            "the token samples' client-side codes (multidrm token) reuse this number with another meaning; this is the license server's"
        );
    }
    print_json(&doc)?;
    if code.is_known() {
        Ok(())
    } else {
        Err(Failure::input(format!(
            "code {code} is not in the published table of license-server codes (the server has added codes since 2020)"
        )))
    }
}

// --- request --------------------------------------------------------------------------------

fn client(server: &ServerArgs) -> Result<LicenseClient, Failure> {
    if !(server.timeout.is_finite() && server.timeout > 0.0 && server.timeout <= 3600.0) {
        return Err(Failure::usage(
            "--timeout must be between 0 and 3600 seconds",
        ));
    }
    let deadline = Duration::from_secs_f64(server.timeout);
    let http = HttpClient::builder()
        .connect_timeout(deadline.min(Duration::from_secs(10)))
        .read_timeout(deadline)
        .deadline(deadline)
        .body_limit(8 * 1024 * 1024)
        .build()
        .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))?;
    let license_server = match &server.license_url {
        Some(url) => LicenseServer::from_license_url(url)
            .map_err(|e| Failure::usage(format!("--license-url: {e}")))?,
        None => LicenseServer::default(),
    };
    Ok(LicenseClient::new(http, license_server))
}

fn token_format(format: FormatArg) -> ResponseFormat {
    match format {
        FormatArg::Original => ResponseFormat::Original,
        FormatArg::Json => ResponseFormat::Json,
    }
}

/// The token: `--token`, or minted from the token-issue flags.
fn token(args: &RequestArgs, drm: Drm) -> Result<LicenseToken, Failure> {
    if args.token.reads_stdin() && args.challenge.as_deref() == Some("-") {
        return Err(Failure::usage(
            "--token-file - and --challenge - cannot both read stdin",
        ));
    }
    if let Some(token) = args.token.resolve()? {
        return Ok(LicenseToken::new(token.expose_secret().trim()));
    }
    let m = &args.mint;
    let drm_type = drm.token_type().ok_or_else(|| {
        Failure::usage("a ClearKey request carries no token of its own: pass --token, or no challenge for the GET")
    })?;
    let (Some(user_id), Some(cid)) = (m.user_id.as_deref(), m.cid.as_deref()) else {
        return Err(Failure::usage(
            "pass --token, or --user-id and --cid (with the site credentials) to mint one",
        ));
    };
    let missing = |what: &str| Failure::usage(format!("{what} is required to mint the token"));
    let site_key = m
        .site_key
        .resolve()?
        .ok_or_else(|| missing(&SiteKeyArg::SOURCES.describe()))?;
    let access_key = m
        .access_key
        .resolve()?
        .ok_or_else(|| missing(&AccessKeyArg::SOURCES.describe()))?;
    let creds = SiteCredentials::from_strs(
        m.site_id.as_deref().ok_or_else(|| missing("--site-id"))?,
        site_key.expose_secret(),
        access_key.expose_secret(),
    )
    .map_err(Failure::input)?;
    let policy = match m.policy.as_deref() {
        Some(path) => {
            let text = input::read_text(path, "--policy", input::POLICY_LIMIT)?;
            Policy::from_json(&text).map_err(Failure::input)?
        }
        None => Policy::new(),
    };
    let timestamp = match m.timestamp.as_deref() {
        Some(t) => Timestamp::parse(t).map_err(Failure::input)?,
        None => Timestamp::now(),
    };
    let prepared = PreparedPolicy::new(&policy, &creds, drm_policy::JsonStyle::Compact)
        .map_err(Failure::input)?;
    let minted = TokenRequest::new(drm_type, user_id, cid)
        .response_format(token_format(args.response_format))
        .mint(&creds, &prepared, timestamp)
        .map_err(Failure::input)?;
    Ok(LicenseToken::new(minted))
}

/// The upstream request for the arguments, and the FairPlay body shape when there is one.
fn upstream(
    args: &RequestArgs,
    drm: Drm,
    client: &LicenseClient,
) -> Result<(UpstreamRequest, Option<&'static str>), Failure> {
    let server = client.server();
    let rejected = |e: drm_license::RequestError| Failure::input(e);
    let Some(path) = args.challenge.as_deref() else {
        return match drm {
            Drm::Widevine => {
                let token = token(args, drm)?;
                let meta = client_meta(args)?;
                let req = server
                    .service_certificate_request(client.options(), &token, meta.as_ref())
                    .map_err(rejected)?;
                Ok((req, None))
            }
            Drm::ClearKey => {
                let (Some(site), Some(cid)) =
                    (args.mint.site_id.as_deref(), args.mint.cid.as_deref())
                else {
                    return Err(Failure::usage("a ClearKey GET needs --site-id and --cid"));
                };
                Ok((server.clearkey_request(site, cid).map_err(rejected)?, None))
            }
            other => Err(Failure::usage(format!(
                "--challenge is required for {other}"
            ))),
        };
    };
    let challenge = input::read_bytes(path, "--challenge", input::CHALLENGE_LIMIT)?;
    let token = token(args, drm)?;
    let meta = client_meta(args)?;
    let built = server
        .license_request(client.options(), drm, &challenge, &token, meta.as_ref())
        .map_err(rejected)?;
    let shape = built.spc_shape.map(|s| match s {
        drm_license::SpcShape::Form => "form",
        drm_license::SpcShape::Base64 => "base64",
        drm_license::SpcShape::Raw => "raw",
    });
    Ok((built.request, shape))
}

fn client_meta(args: &RequestArgs) -> Result<Option<ClientMeta>, Failure> {
    args.client_meta
        .as_deref()
        .map(|text| {
            ClientMeta::from_json(text).map_err(|e| Failure::usage(format!("--client-meta: {e}")))
        })
        .transpose()
}

fn digest(bytes: &[u8]) -> Value {
    json!({ "size": bytes.len(), "sha256": drm_policy::hex::encode_lower(&Sha256::digest(bytes)) })
}

fn server_error_json(e: &ServerError) -> Value {
    let mut doc = match e.code() {
        Some(code) => code_json(code),
        None => json!({ "code": e.code_text(), "known": false }),
    };
    doc["server_message"] = json!(e.message());
    if let Some(cb) = e.callback() {
        doc["callback"] = json!(cb);
    }
    doc
}

fn request(args: RequestArgs) -> CmdResult {
    let drm: Drm = args.drm.parse().map_err(Failure::usage)?;
    let client = client(&args.server)?;
    let (upstream, spc_shape) = upstream(&args, drm, &client)?;
    let mut doc =
        json!({ "drm": drm.as_str(), "method": upstream.method.as_str(), "url": upstream.url });
    if let Some(shape) = spc_shape {
        doc["fairplay_body_shape"] = json!(shape);
    }
    let response = match runtime()?.block_on(client.send(&upstream)) {
        Ok(r) => r,
        Err(e) => {
            doc["outcome"] = json!(if e.is_timeout() {
                "timeout"
            } else {
                "unreachable"
            });
            doc["transport_error"] = json!(e.to_string());
            print_json(&doc)?;
            return Err(Failure::remote(format!("license server unreachable: {e}")));
        }
    };
    doc["http_status"] = json!(response.status());
    let format = token_format(args.response_format);
    let result = if upstream.body == drm_license::request::SERVICE_CERTIFICATE_REQUEST {
        read_certificate(
            drm_license::CertificateForm::Binary,
            response.status(),
            response.body(),
        )
        .map(|cert| (cert, None))
    } else {
        read_license(drm, format, response.status(), response.body()).map(|l| license_parts(&l))
    };
    let what = if upstream.body == drm_license::request::SERVICE_CERTIFICATE_REQUEST {
        "certificate"
    } else {
        "license"
    };
    finish(doc, result, &response, args.out.as_deref(), what)
}

/// The license body and the JSON details of a license.
fn license_parts(license: &License) -> (Vec<u8>, Option<Value>) {
    let mut extra = license.details().map(|d| json!(d));
    if license.drm() == Drm::FairPlay {
        if let Ok(ckc) = license.fairplay_ckc() {
            extra.get_or_insert_with(|| json!({}))["fairplay_ckc"] = digest(&ckc);
        }
    }
    (license.original_body().to_vec(), extra)
}

fn finish(
    mut doc: Value,
    result: Result<(Vec<u8>, Option<Value>), ResponseError>,
    response: &Response,
    out: Option<&str>,
    what: &str,
) -> CmdResult {
    match result {
        Ok((body, details)) => {
            doc["outcome"] = json!(what);
            if let Some(Value::Object(map)) = details {
                for (k, v) in map {
                    doc[k] = v;
                }
            }
            doc[what] = digest(&body);
            if let Some(path) = out {
                std::fs::write(path, &body)
                    .map_err(|e| Failure::usage(format!("cannot write {path}: {e}")))?;
                doc[what]["out"] = json!(path);
            }
            print_json(&doc)
        }
        Err(ResponseError::Server(e)) => {
            doc["outcome"] = json!("server_error");
            doc["error"] = server_error_json(&e);
            print_json(&doc)?;
            Err(Failure::input(e))
        }
        Err(e) => {
            doc["outcome"] = json!("invalid_response");
            doc["problem"] = json!(e.to_string());
            doc["body"] = digest(response.body());
            print_json(&doc)?;
            Err(Failure::remote(e))
        }
    }
}

// --- cert -----------------------------------------------------------------------------------

fn cert(args: CertArgs) -> CmdResult {
    let drm: Drm = args.drm.parse().map_err(Failure::usage)?;
    let client = client(&args.server)?;
    let server = client.server();
    let (request, form) = match drm {
        Drm::FairPlay => (
            server.fairplay_certificate_request(&args.site_id, args.der),
            if args.der {
                drm_license::CertificateForm::Binary
            } else {
                drm_license::CertificateForm::Base64
            },
        ),
        Drm::Widevine => (
            server.widevine_certificate_request(&args.site_id),
            drm_license::CertificateForm::Binary,
        ),
        other => {
            return Err(Failure::usage(format!(
                "no certificate endpoint for {other}: use fairplay or widevine"
            )));
        }
    };
    let request = request.map_err(Failure::usage)?;
    let mut doc = json!({ "drm": drm.as_str(), "url": request.url });
    let response = match runtime()?.block_on(client.send(&request)) {
        Ok(r) => r,
        Err(e) => {
            doc["outcome"] = json!(if e.is_timeout() {
                "timeout"
            } else {
                "unreachable"
            });
            doc["transport_error"] = json!(e.to_string());
            print_json(&doc)?;
            return Err(Failure::remote(format!("license server unreachable: {e}")));
        }
    };
    doc["http_status"] = json!(response.status());
    let result = read_certificate(form, response.status(), response.body()).map(|cert| {
        let b64 = base64_standard(&cert);
        (cert, Some(json!({ "certificate_base64": b64 })))
    });
    finish(doc, result, &response, args.out.as_deref(), "certificate")
}

fn base64_standard(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

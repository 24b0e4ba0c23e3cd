//! `multidrm ncp …`: NAVER Cloud One Click Multi DRM from a shell.
//!
//! `ncp sign` is pure (prints the signature v2, or the header set with `--headers`); the other
//! commands call the API (or the sandbox's emulator with `--endpoint`) and print one JSON
//! document. Exit status: 1 when the API refuses the input (validation, service error), 2 for
//! usage errors (missing credentials, unreadable file, bad endpoint), 3 for remote or transport
//! failures (unreachable, timeout, 5xx, authentication refused, clock skew).

use std::io::Write;
use std::time::Duration;

use clap::{Args, Subcommand};
use ncp_policy_api::signature::{self, request_target, request_target_raw};
use ncp_policy_api::{
    AccessKey, Client, Error, LicenseHistoryQuery, ListPage, Page, Paginator, PolicyLogQuery,
    PolicyRequest, RetryPolicy, SearchCondition, SecretKey, Site, SiteId, SiteLogQuery,
    SiteRequest, StatusFilter, TimeRange,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::failure::{CmdResult, Failure};
use crate::input;
use crate::output::{self, print_json, runtime};
use crate::secret_arg::{NcpAccessKeyArg, NcpSecretKeyArg};

/// Subcommands of `multidrm ncp`.
#[derive(Debug, Subcommand)]
pub(crate) enum NcpCmd {
    /// Compute the API Gateway signature v2 of a request (prints the base64 signature).
    Sign(SignArgs),
    /// DRM policies: list, get, create, update, delete, copy, event log.
    Policy(PolicyArgs),
    /// Sites: list, get, create, update, on, off, event log.
    Site(SiteArgs),
    /// License issuance history of a site (`/api/v1/license/statistics`).
    LicenseHistory(LicenseHistoryArgs),
}

/// Credentials, shared by `sign` and the API commands.
#[derive(Debug, Args)]
struct Credentials {
    #[command(flatten)]
    access_key: NcpAccessKeyArg,
    #[command(flatten)]
    secret_key: NcpSecretKeyArg,
}

impl Credentials {
    fn keys(&self) -> Result<(AccessKey, SecretKey), Failure> {
        let missing =
            |what: &str, sources: String| Failure::usage(format!("missing {what}: pass {sources}"));
        let access = self
            .access_key
            .resolve()?
            .filter(|k| !k.is_empty())
            .ok_or_else(|| missing("the access key", NcpAccessKeyArg::SOURCES.describe()))?;
        let secret = self
            .secret_key
            .resolve()?
            .filter(|k| !k.is_empty())
            .ok_or_else(|| missing("the secret key", NcpSecretKeyArg::SOURCES.describe()))?;
        Ok((
            AccessKey::new(access.expose_secret()),
            SecretKey::new(secret.expose_secret()),
        ))
    }
}

/// Arguments of `multidrm ncp sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {
    /// HTTP method (any case; signed upper-case).
    #[arg(long)]
    method: String,
    /// Request target exactly as sent: path plus `?query` (used verbatim), e.g.
    /// `/api/v1/policy?pageNo=1`.
    #[arg(long, required_unless_present = "path", conflicts_with = "path")]
    target: Option<String>,
    /// Path, to build the target from `--query` pairs (RFC 3986-encoded, in the given order).
    #[arg(long)]
    path: Option<String>,
    /// A query parameter `NAME=VALUE` (repeatable; only with `--path`).
    #[arg(long = "query", value_name = "NAME=VALUE", requires = "path")]
    query: Vec<String>,
    /// Timestamp in epoch milliseconds (default: now).
    #[arg(long)]
    timestamp: Option<u64>,
    /// Print the full header set as a JSON object instead of the signature.
    #[arg(long, conflicts_with = "json")]
    headers: bool,
    /// Print a JSON document with the target, string to sign, timestamp and signature.
    #[arg(long)]
    json: bool,
    /// Region code for `x-ncp-region_code`.
    #[arg(long, default_value = signature::DEFAULT_REGION_CODE)]
    region: String,
    #[command(flatten)]
    credentials: Credentials,
}

/// Where and how to call the API.
#[derive(Debug, Args)]
struct Connection {
    /// Base URL of the API (e.g. the sandbox's `ncp_endpoint`). Default: the public zone.
    #[arg(long, env = "NCP_ENDPOINT", global = true)]
    endpoint: Option<String>,
    /// Use the public-sector (gov) zone.
    #[arg(long, global = true, conflicts_with = "endpoint")]
    gov: bool,
    /// Region code for `x-ncp-region_code`.
    #[arg(long, global = true, default_value = signature::DEFAULT_REGION_CODE)]
    region: String,
    /// Connect timeout in seconds.
    #[arg(long, global = true, default_value_t = 10.0)]
    connect_timeout: f64,
    /// Read timeout in seconds.
    #[arg(long, global = true, default_value_t = 30.0)]
    read_timeout: f64,
    /// Deadline of each whole API call in seconds (connect, retries, the whole answer); a list
    /// is one call per page.
    #[arg(long, global = true, default_value_t = 120.0)]
    timeout: f64,
    /// Retries of idempotent calls after transport errors, 429 and 5xx.
    #[arg(long, global = true, default_value_t = 2)]
    retries: u32,
    #[command(flatten)]
    credentials: Credentials,
}

impl Connection {
    fn client(&self) -> Result<Client, Failure> {
        let (access, secret) = self.credentials.keys()?;
        let mut builder = Client::builder(access, secret)
            .region(self.region.clone())
            .connect_timeout(seconds("--connect-timeout", self.connect_timeout)?)
            .read_timeout(seconds("--read-timeout", self.read_timeout)?)
            .timeout(seconds("--timeout", self.timeout)?)
            .retry_policy(RetryPolicy {
                max_retries: self.retries,
                ..RetryPolicy::default()
            });
        if self.gov {
            builder = builder.gov_zone();
        }
        if let Some(endpoint) = &self.endpoint {
            builder = builder.endpoint(endpoint.clone());
        }
        builder.build().map_err(|e| Failure::usage(e.to_string()))
    }
}

fn seconds(flag: &str, value: f64) -> Result<Duration, Failure> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| Failure::usage(format!("{flag} must be a positive number of seconds")))
}

/// Which page(s) to fetch.
#[derive(Debug, Args)]
struct Paging {
    /// Fetch only this page (1-based). Default: walk every page.
    #[arg(long)]
    page: Option<u32>,
    /// Items per page (1–100).
    #[arg(long, default_value_t = 100)]
    page_size: u32,
}

impl Paging {
    fn single(&self) -> Result<Option<Page>, Failure> {
        match self.page {
            None => {
                Page::new(1, self.page_size).map_err(|e| Failure::usage(e.to_string()))?;
                Ok(None)
            }
            Some(number) => Page::new(number, self.page_size)
                .map(Some)
                .map_err(|e| Failure::usage(e.to_string())),
        }
    }
}

/// Time window filters.
#[derive(Debug, Args)]
struct Window {
    /// Start of the window, epoch milliseconds (`startTime`).
    #[arg(long)]
    start_time: Option<i64>,
    /// End of the window, epoch milliseconds (`endTime`).
    #[arg(long)]
    end_time: Option<i64>,
}

impl Window {
    fn range(&self) -> TimeRange {
        TimeRange {
            start_ms: self.start_time,
            end_ms: self.end_time,
        }
    }
}

/// Arguments of `multidrm ncp policy`.
#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    #[command(subcommand)]
    cmd: PolicyCmd,
    #[command(flatten)]
    connection: Connection,
}

/// Subcommands of `multidrm ncp policy`.
#[derive(Debug, Subcommand)]
enum PolicyCmd {
    /// List policies (every page unless `--page`).
    List(Paging),
    /// Show one policy.
    Get {
        /// Policy id (0 = the built-in "Basic").
        id: i64,
    },
    /// Create a policy from a JSON body file (`-` for stdin).
    Create {
        /// The create body (spec §4).
        file: String,
    },
    /// Replace a policy's settings with a JSON body file (`-` for stdin).
    Update {
        /// Policy id.
        id: i64,
        /// The full body (all fields, as for create).
        file: String,
    },
    /// Delete a policy.
    Delete {
        /// Policy id.
        id: i64,
    },
    /// Copy a policy (public zone only): creates `Copy_<name>`.
    Copy {
        /// Policy id.
        id: i64,
    },
    /// A policy's event log.
    Log {
        /// Policy id.
        id: i64,
        #[command(flatten)]
        window: Window,
        #[command(flatten)]
        paging: Paging,
    },
}

/// Arguments of `multidrm ncp site`.
#[derive(Debug, Args)]
pub(crate) struct SiteArgs {
    #[command(subcommand)]
    cmd: SiteCmd,
    #[command(flatten)]
    connection: Connection,
}

/// Subcommands of `multidrm ncp site`.
#[derive(Debug, Subcommand)]
enum SiteCmd {
    /// List sites (every page unless `--page`).
    List(Paging),
    /// Show one site (FairPlay secrets redacted).
    Get {
        /// Site id, e.g. `drm-20250903141775-AbCdE`.
        id: String,
    },
    /// Create a site from a JSON body file (`-` for stdin): `siteName`, `policyId`,
    /// optional `fairPlayCert`.
    Create {
        /// The create body.
        file: String,
    },
    /// Update a site from a JSON body file (`-` for stdin).
    Update {
        /// Site id.
        id: String,
        /// The body (same fields as create).
        file: String,
    },
    /// Turn a site ON (it issues licenses).
    On {
        /// Site id.
        id: String,
    },
    /// Turn a site OFF.
    Off {
        /// Site id.
        id: String,
    },
    /// The site event log.
    Log {
        /// Only events of this site.
        #[arg(long)]
        site_id: Option<String>,
        #[command(flatten)]
        window: Window,
        #[command(flatten)]
        paging: Paging,
    },
}

/// Arguments of `multidrm ncp license-history`.
#[derive(Debug, Args)]
pub(crate) struct LicenseHistoryArgs {
    /// Site whose history is listed (required).
    #[arg(long)]
    site_id: String,
    /// Field to search: contentId, drmType, userId, deviceId, deviceModel.
    #[arg(long, requires = "keyword")]
    search_condition: Option<String>,
    /// Keyword searched in `--search-condition`.
    #[arg(long, requires = "search_condition")]
    keyword: Option<String>,
    /// Shorthand for `--search-condition userId --keyword U`.
    #[arg(long, conflicts_with_all = ["search_condition", "content_id"])]
    user_id: Option<String>,
    /// Shorthand for `--search-condition contentId --keyword C`.
    #[arg(long, conflicts_with = "search_condition")]
    content_id: Option<String>,
    /// Only successes or only failures: success | fail.
    #[arg(long)]
    status: Option<String>,
    #[command(flatten)]
    window: Window,
    #[command(flatten)]
    paging: Paging,
    #[command(flatten)]
    connection: Connection,
}

/// Runs `multidrm ncp …`.
pub(crate) fn run(cmd: NcpCmd) -> CmdResult {
    match cmd {
        NcpCmd::Sign(args) => sign(&args),
        NcpCmd::Policy(args) => {
            let client = args.connection.client()?;
            block_on(policy(&client, args.cmd))
        }
        NcpCmd::Site(args) => {
            let client = args.connection.client()?;
            block_on(site(&client, args.cmd))
        }
        NcpCmd::LicenseHistory(args) => {
            let client = args.connection.client()?;
            let query = history_query(&args)?;
            let single = args.paging.single()?;
            let page_size = args.paging.page_size;
            block_on(async move {
                match single {
                    Some(page) => page_json(client.license_history(&query, page).await),
                    None => all_json(client.license_history_pages(query, page_size)).await,
                }
            })
        }
    }
}

fn block_on(future: impl Future<Output = Result<Value, Failure>>) -> CmdResult {
    let value = runtime()?.block_on(future)?;
    if value.is_null() {
        return Ok(()); // a list already streamed to stdout
    }
    print_json(&value)
}

fn sign(args: &SignArgs) -> CmdResult {
    let (access, secret) = args.credentials.keys()?;
    let target = match (&args.target, &args.path) {
        (Some(target), _) => {
            if !target.starts_with('/') {
                return Err(Failure::usage(
                    "--target must start with '/' (path and query, no scheme or host)",
                ));
            }
            target.clone()
        }
        (None, Some(path)) => {
            if !path.starts_with('/') {
                return Err(Failure::usage("--path must start with '/'"));
            }
            let pairs = args
                .query
                .iter()
                .map(|pair| pair.split_once('=').unwrap_or((pair.as_str(), "")))
                .collect::<Vec<_>>();
            if pairs.is_empty() {
                request_target_raw(path, "")
            } else {
                request_target(path, &pairs)
            }
        }
        (None, None) => return Err(Failure::usage("give --target or --path")),
    };
    if args.method.is_empty() || !args.method.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(Failure::usage(
            "--method must be an HTTP method such as GET",
        ));
    }
    let timestamp = args.timestamp.unwrap_or_else(ncp_policy_api::clock::now_ms);
    let headers = signature::signed_headers(
        &args.method,
        &target,
        timestamp,
        &access,
        &secret,
        &args.region,
    );
    if args.headers {
        let map: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(name, value)| (name.to_owned(), Value::from(value)))
            .collect();
        return print_json(&Value::Object(map));
    }
    if args.json {
        return print_json(&json!({
            "method": args.method.to_ascii_uppercase(),
            "request_target": target,
            "timestamp": timestamp.to_string(),
            "string_to_sign": signature::string_to_sign(&args.method, &target, timestamp, &access),
            "signature": headers.signature(),
        }));
    }
    output::print_line(headers.signature())
}

async fn policy(client: &Client, cmd: PolicyCmd) -> Result<Value, Failure> {
    match cmd {
        PolicyCmd::List(paging) => match paging.single()? {
            Some(page) => page_json(client.list_policies(page).await),
            None => all_json(client.policies(paging.page_size)).await,
        },
        PolicyCmd::Get { id } => one_json(client.get_policy(id).await),
        PolicyCmd::Create { file } => {
            let body = policy_body(&file)?;
            one_json(client.create_policy(&body).await)
        }
        PolicyCmd::Update { id, file } => {
            let body = policy_body(&file)?;
            one_json(client.update_policy(id, &body).await)
        }
        PolicyCmd::Delete { id } => match client.delete_policy(id).await {
            Ok(Some(policy)) => to_json(&policy),
            Ok(None) => Ok(json!({ "policyId": id, "deleted": true })),
            Err(e) => Err(api_failure(&e)),
        },
        PolicyCmd::Copy { id } => one_json(client.copy_policy(id).await),
        PolicyCmd::Log { id, window, paging } => {
            let query = PolicyLogQuery {
                policy_id: id,
                time: window.range(),
            };
            match paging.single()? {
                Some(page) => page_json(client.policy_log(&query, page).await),
                None => all_json(client.policy_log_pages(query, paging.page_size)).await,
            }
        }
    }
}

async fn site(client: &Client, cmd: SiteCmd) -> Result<Value, Failure> {
    match cmd {
        SiteCmd::List(paging) => {
            let redact = |page: ListPage<Site>| ListPage {
                items: page.items.iter().map(Site::redacted).collect(),
                total: page.total,
            };
            match paging.single()? {
                Some(page) => page_json(client.list_sites(page).await.map(redact)),
                None => {
                    let pages = client.sites(paging.page_size);
                    stream_json(pages, |site: Site| to_json(&site.redacted())).await
                }
            }
        }
        SiteCmd::Get { id } => site_json(client.get_site(&site_id(&id)?).await),
        SiteCmd::Create { file } => {
            let body = site_body(&file)?;
            site_json(client.create_site(&body).await)
        }
        SiteCmd::Update { id, file } => {
            let id = site_id(&id)?;
            let body = site_body(&file)?;
            site_json(client.update_site(&id, &body).await)
        }
        SiteCmd::On { id } => site_json(client.site_on(&site_id(&id)?).await),
        SiteCmd::Off { id } => site_json(client.site_off(&site_id(&id)?).await),
        SiteCmd::Log {
            site_id: id,
            window,
            paging,
        } => {
            let query = SiteLogQuery {
                site_id: id.as_deref().map(site_id).transpose()?,
                time: window.range(),
            };
            match paging.single()? {
                Some(page) => page_json(client.site_log(&query, page).await),
                None => all_json(client.site_log_pages(query, paging.page_size)).await,
            }
        }
    }
}

fn history_query(args: &LicenseHistoryArgs) -> Result<LicenseHistoryQuery, Failure> {
    let mut query = LicenseHistoryQuery::new(site_id(&args.site_id)?);
    query.time = args.window.range();
    query.search = match (
        &args.search_condition,
        &args.keyword,
        &args.user_id,
        &args.content_id,
    ) {
        (Some(condition), Some(keyword), _, _) => Some((
            condition
                .parse::<SearchCondition>()
                .map_err(|e| Failure::input(e.to_string()))?,
            keyword.clone(),
        )),
        (_, _, Some(user), _) => Some((SearchCondition::UserId, user.clone())),
        (_, _, _, Some(content)) => Some((SearchCondition::ContentId, content.clone())),
        _ => None,
    };
    query.status = args
        .status
        .as_deref()
        .map(str::parse::<StatusFilter>)
        .transpose()
        .map_err(|e| Failure::input(e.to_string()))?;
    Ok(query)
}

fn site_id(id: &str) -> Result<SiteId, Failure> {
    SiteId::new(id).map_err(|e| Failure::input(e.to_string()))
}

fn policy_body(file: &str) -> Result<PolicyRequest, Failure> {
    let bytes = input::read_bytes(file, "the policy body", input::NCP_BODY_LIMIT)?;
    PolicyRequest::from_json(&bytes).map_err(|e| Failure::input(format!("{file}: {e}")))
}

fn site_body(file: &str) -> Result<SiteRequest, Failure> {
    let bytes = input::read_bytes(file, "the site body", input::NCP_BODY_LIMIT)?;
    SiteRequest::from_json(&bytes).map_err(|e| Failure::input(format!("{file}: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::usage(format!("cannot render JSON: {e}")))
}

fn one_json<T: Serialize>(result: Result<T, Error>) -> Result<Value, Failure> {
    result
        .map_err(|e| api_failure(&e))
        .and_then(|v| to_json(&v))
}

fn site_json(result: Result<Site, Error>) -> Result<Value, Failure> {
    one_json(result.map(|site| site.redacted()))
}

fn page_json<T: Serialize>(result: Result<ListPage<T>, Error>) -> Result<Value, Failure> {
    one_json(result)
}

/// Streams every page to stdout as one JSON document `{"items": [...], "total": N}`, one page
/// in memory at a time (a long list is never collected). Returns `Value::Null`: nothing is
/// left to print. A failure after the first page leaves a truncated document and the failure's
/// exit status.
async fn all_json<T: Serialize + DeserializeOwned>(
    pages: Paginator<'_, T>,
) -> Result<Value, Failure> {
    stream_json(pages, |item| to_json(&item)).await
}

async fn stream_json<T: DeserializeOwned>(
    mut pages: Paginator<'_, T>,
    render: impl Fn(T) -> Result<Value, Failure>,
) -> Result<Value, Failure> {
    let write_failed = |e: std::io::Error| Failure::usage(format!("cannot write to stdout: {e}"));
    let mut written = 0u64;
    while let Some(page) = pages.next_page().await.map_err(|e| api_failure(&e))? {
        let mut out = output::stdout()?;
        for item in page.items {
            let text = serde_json::to_string_pretty(&render(item)?)
                .map_err(|e| Failure::usage(format!("cannot render JSON: {e}")))?;
            let lead = if written == 0 {
                "{\n  \"items\": [\n"
            } else {
                ",\n"
            };
            write!(out, "{lead}    {}", text.replace('\n', "\n    ")).map_err(write_failed)?;
            written += 1;
        }
    }
    let total = serde_json::to_string(&pages.total()).unwrap_or_else(|_| "null".to_owned());
    let mut out = output::stdout()?;
    if written == 0 {
        writeln!(out, "{{\n  \"items\": [],\n  \"total\": {total}\n}}").map_err(write_failed)?;
    } else {
        writeln!(out, "\n  ],\n  \"total\": {total}\n}}").map_err(write_failed)?;
    }
    Ok(Value::Null)
}

/// Maps a client error to the exit-status contract. Messages never hold a credential (the
/// error types do not carry any).
fn api_failure(error: &Error) -> Failure {
    match error {
        Error::Validation(e) => Failure::input(format!("invalid request: {e}")),
        Error::Config { .. } => Failure::usage(error.to_string()),
        e if e.is_remote_failure() => Failure::remote(e.to_string()),
        e => Failure::input(e.to_string()),
    }
}

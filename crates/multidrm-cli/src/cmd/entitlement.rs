//! `multidrm entitlement …`: sign and verify DIVA entitlement messages; `serve` is an alias of
//! `multidrm serve`.
//!
//! Bodies are read as JSON objects from stdin (or `--input FILE`) and written back compact, with
//! every number exactly as it was read (signatures cover the text of values, so `30.0` must not
//! become `30`).

use clap::{Args, Subcommand};
use drm_entitlement::{
    EntitlementRequest, JsonObject, NullPolicy, NumberType, RenderProfile, Rendering, SharedSecret,
    Verifier, request_message, response_message, sign_request_in_place, sign_response_in_place,
    verify_request, verify_response,
};
use serde_json::json;

use crate::failure::{CmdResult, Failure, FailureKind};
use crate::input;
use crate::output::{self, print_json};
use crate::secret_arg::EntitlementSecretArg;

/// Subcommands of `multidrm entitlement`.
#[derive(Debug, Subcommand)]
pub(crate) enum EntitlementCmd {
    /// Sign a request body (adds a fresh Challenge if absent, then Signature).
    SignRequest(SignRequestArgs),
    /// Verify a request's Signature (exit 0 valid, 1 invalid).
    VerifyRequest(VerifyRequestArgs),
    /// Sign a response body for the request that carried --challenge.
    SignResponse(SignResponseArgs),
    /// Verify a response's Signature against --challenge (exit 0 valid, 1 invalid).
    VerifyResponse(VerifyResponseArgs),
    /// Run the server (alias of `multidrm serve`): POST /tokenize, POST /heartbeat,
    /// GET /api/drm/token, /healthz, /readyz, /metrics.
    Serve(super::serve::ServeArgs),
}

/// The shared secret and the input.
#[derive(Debug, Args)]
pub(crate) struct Common {
    #[command(flatten)]
    secret: EntitlementSecretArg,
    /// Read the JSON body from FILE instead of stdin (`-`).
    #[arg(long, value_name = "FILE", default_value = "-")]
    input: String,
}

/// How the signing platform renders values (spec §4).
#[derive(Debug, Args)]
pub(crate) struct RenderArgs {
    /// Render profile: lexical, js, swift_typed, swift_anyobject, kotlin_typed,
    /// kotlin_gson_map, python_str.
    #[arg(long, default_value = "lexical")]
    profile: String,
    /// What null contributes: skip or literal.
    #[arg(long, value_name = "skip|literal")]
    null_policy: Option<String>,
    /// A field the client model declares as Double (repeatable), e.g. HeartBeatTime.
    #[arg(long = "double", value_name = "FIELD")]
    doubles: Vec<String>,
    /// A field the client model declares as an integer (repeatable).
    #[arg(long = "int", value_name = "FIELD")]
    ints: Vec<String>,
}

impl RenderArgs {
    fn declare(&self, mut r: Rendering) -> Rendering {
        for f in &self.doubles {
            r = r.declare(f.clone(), NumberType::Double);
        }
        for f in &self.ints {
            r = r.declare(f.clone(), NumberType::Int);
        }
        r
    }

    fn null_policy(&self) -> Result<Option<NullPolicy>, Failure> {
        self.null_policy
            .as_deref()
            .map(|p| p.parse().map_err(Failure::usage))
            .transpose()
    }

    /// The one rendering used for signing.
    fn rendering(&self) -> Result<Rendering, Failure> {
        let profile: RenderProfile = self.profile.parse().map_err(Failure::usage)?;
        let r = Rendering::new(profile).with_null_policy(self.null_policy()?.unwrap_or_default());
        Ok(self.declare(r))
    }

    /// The renderings tried when verifying `body`: one profile, each with the given null policy
    /// or both. With `any`: every profile, and (unless fields were declared explicitly) each
    /// also with every numeric signed field of the body declared `Double`.
    fn candidates(&self, body: &JsonObject) -> Result<Vec<Rendering>, Failure> {
        let any = self.profile.eq_ignore_ascii_case("any");
        let profiles = if any {
            RenderProfile::ALL.to_vec()
        } else {
            vec![self.profile.parse().map_err(Failure::usage)?]
        };
        let policies = match self.null_policy()? {
            Some(p) => vec![p],
            None => vec![NullPolicy::Skip, NullPolicy::Literal],
        };
        let numeric: Vec<&str> = drm_entitlement::RESPONSE_KEYS
            .iter()
            .copied()
            .filter(|k| matches!(body.get(k), Some(drm_entitlement::Value::Number(_))))
            .collect();
        // Which sets of numeric fields to try as declared Double: none, then (with `any` and no
        // explicit declaration) every non-empty subset, or all at once beyond four fields.
        let mut subsets: Vec<Vec<&str>> = vec![Vec::new()];
        if any && self.doubles.is_empty() && self.ints.is_empty() && !numeric.is_empty() {
            if numeric.len() <= 4 {
                for mask in 1..(1u32 << numeric.len()) {
                    subsets.push(
                        numeric
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| mask & (1 << i) != 0)
                            .map(|(_, k)| *k)
                            .collect(),
                    );
                }
            } else {
                subsets.push(numeric.clone());
            }
        }
        let mut out = Vec::new();
        for p in profiles {
            for n in &policies {
                for subset in &subsets {
                    let mut r = self.declare(Rendering::new(p).with_null_policy(*n));
                    for k in subset {
                        r = r.declare(*k, NumberType::Double);
                    }
                    out.push(r);
                }
            }
        }
        Ok(out)
    }
}

/// Arguments of `sign-request`.
#[derive(Debug, Args)]
pub(crate) struct SignRequestArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    render: RenderArgs,
    /// Use this Challenge (replacing the body's) instead of keeping it or generating one.
    #[arg(long)]
    challenge: Option<String>,
}

/// Arguments of `verify-request`.
#[derive(Debug, Args)]
pub(crate) struct VerifyRequestArgs {
    #[command(flatten)]
    common: Common,
    /// Also check the field formats the service checks (Type, AssetState, Challenge, URLs).
    #[arg(long)]
    strict: bool,
}

/// Arguments of `sign-response`.
#[derive(Debug, Args)]
pub(crate) struct SignResponseArgs {
    #[command(flatten)]
    common: Common,
    /// The Challenge of the request being answered (used byte for byte).
    #[arg(long)]
    challenge: String,
    #[command(flatten)]
    render: RenderArgs,
}

/// Arguments of `verify-response`.
#[derive(Debug, Args)]
pub(crate) struct VerifyResponseArgs {
    #[command(flatten)]
    common: Common,
    /// The Challenge of the request that was answered.
    #[arg(long)]
    challenge: String,
    /// Render profile of the signer, or `any` to try every profile.
    #[arg(long, default_value = "lexical")]
    profile: String,
    /// What null contributed: skip or literal (default: try both).
    #[arg(long, value_name = "skip|literal")]
    null_policy: Option<String>,
    /// A field the client model declares as Double (repeatable).
    #[arg(long = "double", value_name = "FIELD")]
    doubles: Vec<String>,
    /// A field the client model declares as an integer (repeatable).
    #[arg(long = "int", value_name = "FIELD")]
    ints: Vec<String>,
}

/// Runs `multidrm entitlement …`.
pub(crate) fn run(cmd: EntitlementCmd) -> CmdResult {
    match cmd {
        EntitlementCmd::SignRequest(a) => sign_request(a),
        EntitlementCmd::VerifyRequest(a) => verify_request_cmd(a),
        EntitlementCmd::SignResponse(a) => sign_response(a),
        EntitlementCmd::VerifyResponse(a) => verify_response_cmd(a),
        EntitlementCmd::Serve(a) => super::serve::run(a),
    }
}

fn read_object(common: &Common) -> Result<JsonObject, Failure> {
    let bytes = input::read_bytes(&common.input, "the message body", input::ENTITLEMENT_LIMIT)?;
    JsonObject::from_slice_limited(&bytes, input::ENTITLEMENT_LIMIT)
        .map_err(|e| Failure::input(format!("the input is not a JSON object: {e}")))
}

fn print_line(text: &str) -> CmdResult {
    output::print_line(text)
}

/// The shared secret, from `--secret`, `--secret-file` or the environment.
fn shared_secret(common: &Common) -> Result<SharedSecret, Failure> {
    Ok(SharedSecret::new(common.secret.require()?.expose_secret()))
}

fn sign_request(a: SignRequestArgs) -> CmdResult {
    let mut body = read_object(&a.common)?;
    let rendering = a.render.rendering()?;
    if let Some(c) = a.challenge {
        body.insert("Challenge", c);
    }
    let mut req = EntitlementRequest::from(body);
    req.ensure_challenge().map_err(Failure::input)?;
    let secret = shared_secret(&a.common)?;
    let mut body = req.into_body();
    sign_request_in_place(&mut body, &secret, &rendering).map_err(Failure::input)?;
    print_line(&body.to_json_string())
}

fn verify_request_cmd(a: VerifyRequestArgs) -> CmdResult {
    let body = read_object(&a.common)?;
    let secret = shared_secret(&a.common)?;
    let challenge = body
        .get("Challenge")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let result = if a.strict {
        Verifier::new(secret.clone())
            .verify_object(EntitlementRequest::from(body.clone()))
            .map(|v| v.signed_with.unwrap_or_default())
            .map_err(|e| e.to_string())
    } else {
        verify_request(&body, &secret).map_err(|e| e.to_string())
    };
    match result {
        Ok(policy) => {
            let message =
                request_message(&body, &Rendering::lexical().with_null_policy(policy)).ok();
            print_json(&json!({
                "valid": true,
                "null_policy": policy.name(),
                "challenge": challenge,
                "message": message,
            }))
        }
        Err(error) => {
            let message = request_message(&body, &Rendering::lexical()).ok();
            print_json(&json!({
                "valid": false,
                "error": error,
                "challenge": challenge,
                "message": message,
            }))?;
            output::warn(format_args!("invalid request signature: {error}"));
            Err(Failure::silent(FailureKind::Input))
        }
    }
}

fn sign_response(a: SignResponseArgs) -> CmdResult {
    let mut body = read_object(&a.common)?;
    let rendering = a.render.rendering()?;
    let secret = shared_secret(&a.common)?;
    sign_response_in_place(&mut body, &a.challenge, &secret, &rendering).map_err(Failure::input)?;
    print_line(&body.to_json_string())
}

fn verify_response_cmd(a: VerifyResponseArgs) -> CmdResult {
    let body = read_object(&a.common)?;
    let render = RenderArgs {
        profile: a.profile,
        null_policy: a.null_policy,
        doubles: a.doubles,
        ints: a.ints,
    };
    let candidates = render.candidates(&body)?;
    let secret = shared_secret(&a.common)?;
    match verify_response(&body, &a.challenge, &secret, &candidates) {
        Ok(rendering) => {
            let message = response_message(&body, &rendering).ok();
            let declared: serde_json::Map<String, serde_json::Value> = rendering
                .declared
                .iter()
                .map(|(k, t)| (k.clone(), json!(format!("{t:?}").to_ascii_lowercase())))
                .collect();
            print_json(&json!({
                "valid": true,
                "rendering": rendering.label(),
                "declared": declared,
                "message": message,
            }))
        }
        Err(error) => {
            let message = response_message(&body, &Rendering::lexical()).ok();
            print_json(&json!({
                "valid": false,
                "error": error.to_string(),
                "message": message,
            }))?;
            output::warn(format_args!("invalid response signature: {error}"));
            Err(Failure::silent(FailureKind::Input))
        }
    }
}

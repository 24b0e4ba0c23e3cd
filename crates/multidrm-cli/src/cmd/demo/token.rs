//! Demo section: mint a license token with a prepared policy, then inspect it.

use drm_policy::{
    HdcpVersion, JsonStyle, PlaybackPolicy, Policy, SecurityPolicy, TrackType, Widevine,
};
use drm_token::inspect::{InspectOptions, TimeStatus, inspect};
use drm_token::{
    DrmType, PALLYCON_CUSTOMDATA_HEADER, PreparedPolicy, SiteCredentials, Timestamp, TokenRequest,
};

use super::report::{Report, shorten};
use crate::failure::{CmdResult, Failure};

/// The public tutorial credentials of the DoveRunner docs (not a real site).
pub(crate) const TUTORIAL_SITE_ID: &str = "TUTO";
/// The tutorial site key (32 characters, used as the AES-256 key).
pub(crate) const TUTORIAL_SITE_KEY: &str = "lU5D8s3PWoLls3PWFWkClULlFWk5D8oC";
/// The tutorial access key (goes into the token hash).
pub(crate) const TUTORIAL_ACCESS_KEY: &str = "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20";

/// The tutorial credentials.
pub(crate) fn tutorial_credentials() -> Result<SiteCredentials, Failure> {
    SiteCredentials::from_strs(TUTORIAL_SITE_ID, TUTORIAL_SITE_KEY, TUTORIAL_ACCESS_KEY)
        .map_err(Failure::input)
}

pub(crate) fn run(report: &mut Report) -> CmdResult {
    report.section("License token (pallycon-customdata-v2)");
    report.line(
        "A backend mints one token per playback; the player sends it with the license request.",
    );
    let credentials = tutorial_credentials()?;
    report.value(
        "site_id",
        TUTORIAL_SITE_ID,
        "your DoveRunner site (public tutorial values here)",
    );
    report.value(
        "site_key",
        "[redacted]",
        "32 bytes, the AES-256 key that encrypts the policy",
    );
    report.value(
        "access_key",
        "[redacted]",
        "goes into the SHA-256 hash that authenticates the token",
    );

    let policy = Policy::new()
        .playback(
            PlaybackPolicy::new()
                .persistent(false)
                .license_duration(3600),
        )
        .security(
            SecurityPolicy::new(TrackType::All)
                .widevine(Widevine::new().required_hdcp_version(HdcpVersion::V2_2)),
        );
    policy.validate().map_err(Failure::input)?;
    report.value(
        "policy",
        &policy.to_json(JsonStyle::Compact),
        "what the license may do: 1 hour, streaming only, HDCP 2.2 on Widevine",
    );

    let prepared =
        PreparedPolicy::new(&policy, &credentials, JsonStyle::Compact).map_err(Failure::input)?;
    report.value(
        "encrypted policy",
        &shorten(prepared.policy_field(), 16),
        "AES-256-CBC under the site key, computed once and reused for every token",
    );

    let now = Timestamp::now();
    let token = TokenRequest::new(DrmType::Widevine, "demo-user", "bigbuckbunny")
        .mint(&credentials, &prepared, now)
        .map_err(Failure::input)?;
    report.value(
        "timestamp",
        now.as_str(),
        "UTC; the server accepts the token for 600 s after it",
    );
    report.value(
        "token",
        &shorten(&token, 24),
        &format!("send as the `{PALLYCON_CUSTOMDATA_HEADER}` header"),
    );

    let options = InspectOptions::new(Timestamp::now())
        .site_key(credentials.site_key())
        .access_key(credentials.access_key());
    let inspection = inspect(&token, &options).map_err(Failure::input)?;
    let hash_ok = inspection.hash.as_ref().is_some_and(|h| h.valid);
    let policy_ok = inspection
        .policy
        .as_ref()
        .is_some_and(|p| p.decrypted && p.violations.is_empty());
    if !(hash_ok && policy_ok && inspection.time.status == TimeStatus::Valid) {
        return Err(Failure::input(
            "the freshly minted token did not inspect as valid",
        ));
    }
    report.ok("inspect: the hash matches (no error 7019 at the license server)");
    report.ok("inspect: the policy decrypts under the site key and is valid");
    report.ok(&format!(
        "inspect: age {} s of a {} s window (no error 7011)",
        inspection.time.age_seconds.unwrap_or(0),
        inspection.time.window_seconds
    ));
    report.line("Try it yourself: multidrm token issue --drm-type widevine --user-id U --cid C \\");
    report
        .line("  --site-id TUTO --site-key … --access-key …   then   multidrm token inspect TOKEN");
    Ok(())
}

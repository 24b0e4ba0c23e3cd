//! Sites: the create/update body and the site object of responses.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use super::open_enum::open_enum;
use super::validate::{Problem, ValidationError, check_name};
use crate::secret::SecretString;

/// A site id, e.g. `drm-20250903141775-AbCdE`: 1–100 characters of `A-Z a-z 0-9 - _ . ~` (it
/// goes into URL paths unencoded).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteId(String);

impl SiteId {
    /// Validates a site id.
    ///
    /// # Errors
    /// When empty, longer than 100 characters, or holding a character that is not URL-safe.
    pub fn new(id: impl Into<String>) -> Result<Self, ValidationError> {
        let id = id.into();
        check_name(
            "siteId",
            &id,
            1,
            100,
            "letters, digits and '-', '_', '.', '~'",
            |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'),
        )?;
        Ok(Self(id))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

validated_text!(SiteId);

/// A site name: 3 to 20 characters of `A-Z a-z 0-9 _` (current docs) or `-` (older docs; both
/// are accepted here).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SiteName(String);

impl SiteName {
    /// Validates a site name.
    ///
    /// # Errors
    /// When the length or a character is outside the rule.
    pub fn new(name: impl Into<String>) -> Result<Self, ValidationError> {
        let name = name.into();
        check_name(
            "siteName",
            &name,
            3,
            20,
            "letters, digits, '_' and '-'",
            |c| c.is_ascii_alphanumeric() || c == '_' || c == '-',
        )?;
        Ok(Self(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

validated_text!(SiteName);

open_enum!(
    /// Lifecycle status of a site.
    SiteStatus {
        /// Being created (creation may take up to 24 hours).
        Creating => "CREATING",
        /// Created, not issuing licenses yet.
        Ready => "READY",
        /// Issuing licenses.
        Running => "RUNNING",
        /// Deleted.
        Deleted => "DELETED",
    }
);

/// FairPlay certificate material of a site. `privateKey`, `privateEncryptedString` and
/// `secretKey` are secrets: `Debug` redacts them; [`FairPlayCert::redacted`] gives a copy safe to
/// print.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FairPlayCert {
    /// http(s) URL of the certificate (`.der` / `.cer`).
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub cert_file: Option<String>,
    /// http(s) URL of the private key (`.pem`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<SecretString>,
    /// The private key's pass phrase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_encrypted_string: Option<SecretString>,
    /// The FairPlay application secret key (ASK).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<SecretString>,
}

impl FairPlayCert {
    /// A copy with every secret replaced by `[redacted]` (for printing).
    pub fn redacted(&self) -> Self {
        let mask = |s: &Option<SecretString>| s.as_ref().map(|_| SecretString::new("[redacted]"));
        Self {
            cert_file: self.cert_file.clone(),
            private_key: mask(&self.private_key),
            private_encrypted_string: mask(&self.private_encrypted_string),
            secret_key: mask(&self.secret_key),
        }
    }
}

/// The body of `POST /api/v1/sites` and `PUT /api/v1/sites/{siteId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteRequest {
    /// Site name.
    pub site_name: SiteName,
    /// Policy applied by the site (the server uses 0, "Basic", when absent).
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_id: Option<i64>,
    /// FairPlay certificate material.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_play_cert: Option<FairPlayCert>,
}

impl SiteRequest {
    /// A site with this name and the default policy.
    pub fn new(site_name: SiteName) -> Self {
        Self {
            site_name,
            policy_id: None,
            fair_play_cert: None,
        }
    }

    /// Checks the documented rules before sending.
    ///
    /// # Errors
    /// The first offending field.
    pub fn validate(&self) -> Result<(), ValidationError> {
        SiteName::new(self.site_name.as_str())?;
        if let Some(id) = self.policy_id {
            if id < 0 {
                return Err(ValidationError::new(
                    "policyId",
                    Problem::Range {
                        min: 0,
                        max: i64::MAX,
                        actual: id,
                    },
                ));
            }
        }
        if let Some(cert) = &self.fair_play_cert {
            if let Some(url) = &cert.cert_file {
                check_url("fairPlayCert.certFile", url)?;
            }
            if let Some(url) = &cert.private_key {
                check_url("fairPlayCert.privateKey", url.expose_secret())?;
            }
        }
        Ok(())
    }

    /// Reads a body from JSON and validates it.
    ///
    /// # Errors
    /// [`ValidationError`] naming the field (`body` for malformed JSON).
    pub fn from_json(bytes: &[u8]) -> Result<Self, ValidationError> {
        let request: Self = serde_json::from_slice(bytes)
            .map_err(|e| ValidationError::new("body", Problem::Json(e.to_string())))?;
        request.validate()?;
        Ok(request)
    }
}

fn check_url(field: &str, url: &str) -> Result<(), ValidationError> {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            Problem::Rule("must be an http(s) URL"),
        ))
    }
}

/// A site as the API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Site {
    /// Id.
    #[serde(deserialize_with = "site_id_text")]
    pub site_id: String,
    /// Name.
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub site_name: Option<String>,
    /// Status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_status: Option<SiteStatus>,
    /// Whether the site is ON (issuing licenses).
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub site_enabled_yn: Option<bool>,
    /// Policy applied.
    #[serde(
        default,
        deserialize_with = "lenient::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_id: Option<i64>,
    /// Name of the policy applied (default "Basic").
    #[serde(
        default,
        deserialize_with = "lenient::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub policy_name: Option<String>,
    /// Whether the Sub Account is disabled.
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub disabled: Option<bool>,
    /// FairPlay certificate material.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fair_play_cert: Option<FairPlayCert>,
    /// Fields this crate does not model, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Site {
    /// A copy with the FairPlay secrets replaced by `[redacted]` (for printing).
    pub fn redacted(&self) -> Self {
        let mut copy = self.clone();
        copy.fair_play_cert = self.fair_play_cert.as_ref().map(FairPlayCert::redacted);
        copy
    }
}

fn site_id_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::de::Error as _;
    lenient::opt_text(d)?.ok_or_else(|| D::Error::custom("siteId is null"))
}

//! Sites: the create/update body and the site object of responses.

use serde_json::{Value, json};

use super::errors::ServiceError;
use super::fields::Fields;
use super::policy::validate_name_with;

/// Life-cycle state of a site (`siteStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SiteStatus {
    /// Being provisioned (real sites may stay here up to 24 h).
    Creating,
    /// Provisioned, not issuing licenses.
    Ready,
    /// Turned on: issuing licenses.
    Running,
    /// Deleted.
    Deleted,
}

impl SiteStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Creating => "CREATING",
            Self::Ready => "READY",
            Self::Running => "RUNNING",
            Self::Deleted => "DELETED",
        }
    }
}

/// The FairPlay certificate references of a site (URLs and strings, passed through).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FairPlayCert {
    cert_file: Option<String>,
    private_key: Option<String>,
    private_encrypted_string: Option<String>,
    secret_key: Option<String>,
}

impl FairPlayCert {
    fn parse(fields: &Fields<'_>) -> Result<Self, ServiceError> {
        let cert_file = fields.optional_string("certFile")?;
        if let Some(url) = cert_file {
            check_file_url(&fields.path("certFile"), url, &[".der", ".cer"])?;
        }
        let private_key = fields.optional_string("privateKey")?;
        if let Some(url) = private_key {
            check_file_url(&fields.path("privateKey"), url, &[".pem"])?;
        }
        Ok(Self {
            cert_file: cert_file.map(str::to_owned),
            private_key: private_key.map(str::to_owned),
            private_encrypted_string: fields
                .optional_string("privateEncryptedString")?
                .map(str::to_owned),
            secret_key: fields.optional_string("secretKey")?.map(str::to_owned),
        })
    }

    fn render(&self) -> Value {
        json!({
            "certFile": self.cert_file,
            "privateKey": self.private_key,
            "privateEncryptedString": self.private_encrypted_string,
            "secretKey": self.secret_key,
        })
    }
}

/// Checks an http(s) URL whose path ends with one of `extensions` (query ignored).
fn check_file_url(field: &str, url: &str, extensions: &[&str]) -> Result<(), ServiceError> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return Err(ServiceError::invalid(field, "must be an http(s) URL"));
    };
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    if !extensions.iter().any(|ext| path.ends_with(ext)) {
        return Err(ServiceError::invalid(
            field,
            &format!("must name a {} file", extensions.join(" or ")),
        ));
    }
    Ok(())
}

/// A validated site create/update body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SiteInput {
    pub(crate) name: String,
    pub(crate) policy_id: Option<i64>,
    pub(crate) fair_play_cert: Option<FairPlayCert>,
}

impl SiteInput {
    /// Reads a body: `siteName` (3–20 of letters, digits, `_`, and — as older docs allow —
    /// `-`), optional `policyId`, optional `fairPlayCert`.
    pub(crate) fn parse(body: &Value) -> Result<Self, ServiceError> {
        let fields = Fields::of(body, "")?;
        let name = validate_name_with("siteName", fields.string("siteName")?, &['-'])?;
        let policy_id = fields.optional_int_in("policyId", 0, i64::MAX)?;
        let fair_play_cert = fields
            .optional_object("fairPlayCert")?
            .map(|cert| FairPlayCert::parse(&cert))
            .transpose()?;
        Ok(Self {
            name,
            policy_id,
            fair_play_cert,
        })
    }
}

/// A stored site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) status: SiteStatus,
    pub(crate) enabled: bool,
    pub(crate) policy_id: i64,
    pub(crate) fair_play_cert: Option<FairPlayCert>,
}

impl Site {
    /// The site object of responses; `policy_name` is looked up by the caller.
    pub(crate) fn render(&self, policy_name: &str) -> Value {
        json!({
            "disabled": false,
            "siteId": self.id,
            "siteName": self.name,
            "siteStatus": self.status.as_str(),
            "siteEnabledYn": self.enabled,
            "policyId": self.policy_id,
            "policyName": policy_name,
            "fairPlayCert": self.fair_play_cert.as_ref().map(FairPlayCert::render),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_site() {
        let input = SiteInput::parse(&json!({"siteName": "my-site_1"})).expect("valid");
        assert_eq!(input.name, "my-site_1");
        assert_eq!(input.policy_id, None);
        assert_eq!(input.fair_play_cert, None);
    }

    #[test]
    fn site_name_rules() {
        for (name, ok) in [
            ("ab", false),
            ("abc", true),
            ("a-b_c", true),
            ("a.b", false),
            ("x".repeat(21).as_str(), false),
        ] {
            assert_eq!(
                SiteInput::parse(&json!({ "siteName": name })).is_ok(),
                ok,
                "{name}"
            );
        }
    }

    #[test]
    fn fair_play_cert_urls() {
        let good = json!({"siteName": "abc", "fairPlayCert": {
            "certFile": "https://cdn.example.com/fp/cert.der?sig=1",
            "privateKey": "http://cdn.example.com/fp/key.PEM",
            "privateEncryptedString": "pass",
            "secretKey": "0123"
        }});
        let input = SiteInput::parse(&good).expect("valid");
        let rendered = input.fair_play_cert.expect("cert").render();
        assert_eq!(rendered["secretKey"], "0123");

        let not_url = json!({"siteName": "abc", "fairPlayCert": {"certFile": "cert.der"}});
        let err = SiteInput::parse(&not_url).expect_err("not a URL");
        assert_eq!(err.message, "fairPlayCert.certFile: must be an http(s) URL");

        let wrong_ext =
            json!({"siteName": "abc", "fairPlayCert": {"privateKey": "https://h/k.der"}});
        let err = SiteInput::parse(&wrong_ext).expect_err("wrong extension");
        assert_eq!(
            err.message,
            "fairPlayCert.privateKey: must name a .pem file"
        );
    }

    #[test]
    fn policy_id_must_be_a_non_negative_integer() {
        assert!(SiteInput::parse(&json!({"siteName": "abc", "policyId": -1})).is_err());
        assert!(SiteInput::parse(&json!({"siteName": "abc", "policyId": "1"})).is_err());
        let input = SiteInput::parse(&json!({"siteName": "abc", "policyId": 3})).expect("ok");
        assert_eq!(input.policy_id, Some(3));
    }
}

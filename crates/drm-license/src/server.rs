//! Where the DoveRunner license server lives: hosts (current and legacy, spec `license.md`
//! §2.1) and the URLs of its endpoints (§2.2).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The current default host (proxy samples since 2025-07, SDKs 2025-10).
pub const CURRENT_HOST: &str = "https://drm-license.doverunner.com";

/// The hosts official material has used, newest first, with their status. Any of them can be
/// passed to [`LicenseServer::new`]; whether the legacy ones still answer is not known.
pub const KNOWN_HOSTS: &[(&str, &str)] = &[
    (CURRENT_HOST, "current default"),
    (
        "https://drm-license-seoul.doverunner.com",
        "named only in the 2025-07 proxy READMEs ([inferred] a regional variant)",
    ),
    (
        "https://license-global.doverunner.com",
        "interim proxy samples 2025-06-23..2025-07-04 only",
    ),
    (
        "https://license.doverunner.com",
        "interim proxy README 2025-06-23 only",
    ),
    (
        "https://license-global.pallycon.com",
        "legacy (2021-02..mid-2025 samples; still in NCP guides)",
    ),
    (
        "https://license.pallycon.com",
        "legacy (docs 2020, samples 2019-2021)",
    ),
    ("https://tokyo.pallycon.com", "legacy (2017)"),
];

/// Path of the license endpoint (every DRM, the Widevine service-certificate request, NCG
/// server info).
pub const LICENSE_PATH: &str = "/ri/licenseManager.do";
/// Path of the ClearKey endpoint.
pub const CLEARKEY_PATH: &str = "/ri/clearkey/licenseManager.do";
/// Path of the FairPlay certificate as base64 text.
pub const FPS_CERT_BASE64_PATH: &str = "/ri/fpsKeyManager.do";
/// Path of the FairPlay certificate as binary DER.
pub const FPS_CERT_DER_PATH: &str = "/ri/fpsCert.do";
/// Path of the Widevine service certificate (binary).
pub const WIDEVINE_CERT_PATH: &str = "/ri/widevineCert.do";

/// Why a license-server URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// Not `http://` or `https://`.
    #[error("the license server URL must start with http:// or https://")]
    Scheme,
    /// Carries a query, a fragment, user info or characters not allowed in a URL.
    #[error("the license server URL must not carry a query, a fragment, user info or spaces")]
    Shape,
}

/// The URLs of one license server. Build it from a host ([`LicenseServer::new`]) or from a full
/// license URL ([`LicenseServer::from_license_url`], e.g. what `multidrm sandbox` announces);
/// each endpoint can be overridden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseServer {
    license_url: String,
    clearkey_url: String,
    fps_cert_base64_url: String,
    fps_cert_der_url: String,
    widevine_cert_url: String,
}

impl Default for LicenseServer {
    fn default() -> Self {
        Self::from_base(CURRENT_HOST)
    }
}

fn check_url(url: &str) -> Result<(), UrlError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(UrlError::Scheme)?;
    let authority = rest.split('/').next().unwrap_or_default();
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#');
    if rest.is_empty() || authority.is_empty() || authority.contains('@') || rest.contains(bad) {
        return Err(UrlError::Shape);
    }
    Ok(())
}

impl LicenseServer {
    /// The server at `base` (scheme, host, optional port and path prefix), e.g.
    /// [`CURRENT_HOST`] or `http://127.0.0.1:8080`. A trailing `/` is ignored.
    ///
    /// # Errors
    /// [`UrlError`] for a URL that is not plain http(s) without query or user info.
    pub fn new(base: &str) -> Result<Self, UrlError> {
        check_url(base)?;
        Ok(Self::from_base(base.trim_end_matches('/')))
    }

    /// The server whose license endpoint is `license_url` (e.g.
    /// `http://127.0.0.1:P/ri/licenseManager.do`). The license URL is kept exactly (a trailing
    /// `/`, which the Android SDK sends, included); the other endpoints are derived from the
    /// part before `/ri/licenseManager.do`, or from the URL itself when it does not end so.
    ///
    /// # Errors
    /// [`UrlError`] as for [`LicenseServer::new`].
    pub fn from_license_url(license_url: &str) -> Result<Self, UrlError> {
        check_url(license_url)?;
        let trimmed = license_url.trim_end_matches('/');
        let base = trimmed.strip_suffix(LICENSE_PATH).unwrap_or(trimmed);
        let mut server = Self::from_base(base);
        server.license_url = license_url.to_owned();
        Ok(server)
    }

    fn from_base(base: &str) -> Self {
        Self {
            license_url: format!("{base}{LICENSE_PATH}"),
            clearkey_url: format!("{base}{CLEARKEY_PATH}"),
            fps_cert_base64_url: format!("{base}{FPS_CERT_BASE64_PATH}"),
            fps_cert_der_url: format!("{base}{FPS_CERT_DER_PATH}"),
            widevine_cert_url: format!("{base}{WIDEVINE_CERT_PATH}"),
        }
    }

    /// Replaces the ClearKey endpoint (e.g. the sandbox's announced `clearkey_url`).
    ///
    /// # Errors
    /// [`UrlError`] as for [`LicenseServer::new`].
    pub fn with_clearkey_url(mut self, url: &str) -> Result<Self, UrlError> {
        check_url(url)?;
        self.clearkey_url = url.to_owned();
        Ok(self)
    }

    /// Replaces the FairPlay certificate endpoints (base64 text and DER).
    ///
    /// # Errors
    /// [`UrlError`] as for [`LicenseServer::new`].
    pub fn with_fps_cert_urls(mut self, base64: &str, der: &str) -> Result<Self, UrlError> {
        check_url(base64)?;
        check_url(der)?;
        self.fps_cert_base64_url = base64.to_owned();
        self.fps_cert_der_url = der.to_owned();
        Ok(self)
    }

    /// Replaces the Widevine service-certificate endpoint.
    ///
    /// # Errors
    /// [`UrlError`] as for [`LicenseServer::new`].
    pub fn with_widevine_cert_url(mut self, url: &str) -> Result<Self, UrlError> {
        check_url(url)?;
        self.widevine_cert_url = url.to_owned();
        Ok(self)
    }

    /// `…/ri/licenseManager.do`.
    pub fn license_url(&self) -> &str {
        &self.license_url
    }

    /// `…/ri/clearkey/licenseManager.do`.
    pub fn clearkey_url(&self) -> &str {
        &self.clearkey_url
    }

    /// `…/ri/fpsKeyManager.do` (base64 text).
    pub fn fps_cert_base64_url(&self) -> &str {
        &self.fps_cert_base64_url
    }

    /// `…/ri/fpsCert.do` (DER).
    pub fn fps_cert_der_url(&self) -> &str {
        &self.fps_cert_der_url
    }

    /// `…/ri/widevineCert.do`.
    pub fn widevine_cert_url(&self) -> &str {
        &self.widevine_cert_url
    }
}

/// Every byte but the RFC 3986 unreserved ones, for query values.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one query value (RFC 3986 unreserved characters stay, everything else is
/// `%XX`, so `+`, `/` and `=` of base64 survive a form decoder).
pub fn encode_query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// `url` + `?` + `name=value` pairs, each value percent-encoded with [`encode_query_value`]
/// (names are written as given: they are constants of this crate).
pub(crate) fn with_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(url.len() + 64);
    out.push_str(url);
    for (i, (name, value)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(name);
        out.push('=');
        out.push_str(&encode_query_value(value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_current_host() {
        let s = LicenseServer::default();
        assert_eq!(
            s.license_url(),
            "https://drm-license.doverunner.com/ri/licenseManager.do"
        );
        assert_eq!(
            s.fps_cert_der_url(),
            "https://drm-license.doverunner.com/ri/fpsCert.do"
        );
    }

    #[test]
    fn from_license_url_derives_the_others() {
        let s = LicenseServer::from_license_url("http://127.0.0.1:9/ri/licenseManager.do/")
            .expect("valid");
        assert_eq!(s.license_url(), "http://127.0.0.1:9/ri/licenseManager.do/");
        assert_eq!(
            s.clearkey_url(),
            "http://127.0.0.1:9/ri/clearkey/licenseManager.do"
        );
        assert_eq!(
            s.widevine_cert_url(),
            "http://127.0.0.1:9/ri/widevineCert.do"
        );
    }

    #[test]
    fn every_known_host_is_accepted() {
        for (host, _) in KNOWN_HOSTS {
            let s = LicenseServer::new(host).expect(host);
            assert!(s.license_url().ends_with(LICENSE_PATH));
        }
    }

    #[test]
    fn bad_urls_are_refused() {
        assert_eq!(LicenseServer::new("ftp://x"), Err(UrlError::Scheme));
        for bad in [
            "https://",
            "https://u:p@h",
            "https://h/?a=1",
            "https://h/ x",
            "https://h#f",
        ] {
            assert_eq!(LicenseServer::new(bad), Err(UrlError::Shape), "{bad}");
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            with_query("u", &[("siteId", "A+B/="), ("cid", "x y")]),
            "u?siteId=A%2BB%2F%3D&cid=x%20y"
        );
    }
}

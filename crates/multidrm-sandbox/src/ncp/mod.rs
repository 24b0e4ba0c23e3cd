//! Emulator of the NAVER Cloud One Click Multi DRM API behind the API Gateway (signature v2).

use axum::Router;

/// The access key the emulator accepts by default (a public test value).
pub const DEFAULT_ACCESS_KEY: &str = "sandbox-access-key";
/// The secret key the emulator accepts by default (a public test value).
pub const DEFAULT_SECRET_KEY: &str = "sandbox-secret-key";

/// Settings of the NCP emulator.
#[derive(Debug, Clone)]
pub struct NcpSettings {
    /// Accepted access key.
    pub access_key: String,
    /// Accepted secret key.
    pub secret_key: String,
}

impl Default for NcpSettings {
    fn default() -> Self {
        Self {
            access_key: DEFAULT_ACCESS_KEY.to_owned(),
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
        }
    }
}

/// The NCP emulator: cheap to clone, shared state inside.
#[derive(Debug, Clone)]
pub struct NcpEmulator {
    settings: NcpSettings,
}

impl NcpEmulator {
    /// An emulator with these settings.
    pub fn new(settings: NcpSettings) -> Self {
        Self { settings }
    }

    /// The accepted access key.
    pub fn access_key(&self) -> &str {
        &self.settings.access_key
    }

    /// The accepted secret key.
    pub fn secret_key(&self) -> &str {
        &self.settings.secret_key
    }

    /// The axum router serving the API.
    pub fn router(&self) -> Router {
        Router::new()
    }
}

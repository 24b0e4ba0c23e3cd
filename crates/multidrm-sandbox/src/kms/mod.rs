//! Emulator of the DoveRunner KMS CPIX endpoint (`POST /v2/cpix/doverunner/getKey/{token}`).

use axum::Router;

/// Path of the KMS endpoint; the KMS token follows as the last segment.
pub const KMS_PATH: &str = "/v2/cpix/doverunner/getKey/";

/// The KMS token the emulator accepts by default (a public test value).
pub const DEFAULT_KMS_TOKEN: &str = "sandbox-kms-token";

/// Settings of the KMS emulator.
#[derive(Debug, Clone)]
pub struct KmsSettings {
    /// The KMS token accepted in the path.
    pub token: String,
}

impl Default for KmsSettings {
    fn default() -> Self {
        Self {
            token: DEFAULT_KMS_TOKEN.to_owned(),
        }
    }
}

/// The KMS emulator: cheap to clone, shared state inside.
#[derive(Debug, Clone)]
pub struct KmsEmulator {
    settings: KmsSettings,
}

impl KmsEmulator {
    /// An emulator with these settings.
    pub fn new(settings: KmsSettings) -> Self {
        Self { settings }
    }

    /// The accepted KMS token.
    pub fn token(&self) -> &str {
        &self.settings.token
    }

    /// The axum router serving the KMS endpoint.
    pub fn router(&self) -> Router {
        Router::new()
    }
}

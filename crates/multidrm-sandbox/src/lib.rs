#![doc = include_str!("../README.md")]

pub mod kms;
pub mod license;
pub mod ncp;

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use kms::{KmsEmulator, KmsSettings};
pub use license::{LicenseEmulator, LicenseSettings};
pub use ncp::{NcpEmulator, NcpSettings};

/// Where the sandbox listens. Port 0 picks a free port.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Address to bind both emulators to (a loopback address in tests).
    pub bind: IpAddr,
    /// Port of the KMS emulator (0 = any free port).
    pub kms_port: u16,
    /// Port of the NCP emulator (0 = any free port).
    pub ncp_port: u16,
    /// Port of the license-server emulator (0 = any free port).
    pub license_port: u16,
    /// Settings of the KMS emulator (accepted token, key-derivation secret…).
    pub kms: KmsSettings,
    /// Settings of the NCP emulator (accepted credentials…).
    pub ncp: NcpSettings,
    /// Settings of the license-server emulator (sites, clock skew, switches…).
    pub license: LicenseSettings,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            kms_port: 0,
            ncp_port: 0,
            license_port: 0,
            kms: KmsSettings::default(),
            ncp: NcpSettings::default(),
            license: LicenseSettings::default(),
        }
    }
}

/// The emulators (KMS, license server, NCP), running on real loopback sockets until [`Sandbox::shutdown`] or drop.
#[derive(Debug)]
pub struct Sandbox {
    kms_addr: SocketAddr,
    ncp_addr: SocketAddr,
    license_addr: SocketAddr,
    kms: KmsEmulator,
    ncp: NcpEmulator,
    license: LicenseEmulator,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds the three listeners and starts serving. Must be called inside a tokio runtime.
    ///
    /// # Errors
    /// When a listener cannot be bound (port in use, address not local…).
    pub async fn start(options: SandboxOptions) -> io::Result<Self> {
        let kms = KmsEmulator::new(options.kms);
        let license = LicenseEmulator::new(options.license, kms.clone());
        let ncp = NcpEmulator::new(options.ncp);
        let kms_listener =
            TcpListener::bind(SocketAddr::new(options.bind, options.kms_port)).await?;
        let ncp_listener =
            TcpListener::bind(SocketAddr::new(options.bind, options.ncp_port)).await?;
        let license_listener =
            TcpListener::bind(SocketAddr::new(options.bind, options.license_port)).await?;
        let kms_addr = kms_listener.local_addr()?;
        let ncp_addr = ncp_listener.local_addr()?;
        let license_addr = license_listener.local_addr()?;
        let (stop, _) = watch::channel(false);
        let tasks = vec![
            spawn_server(kms_listener, kms.router(), stop.subscribe()),
            spawn_server(ncp_listener, ncp.router(), stop.subscribe()),
            spawn_server(license_listener, license.router(), stop.subscribe()),
        ];
        Ok(Self {
            kms_addr,
            ncp_addr,
            license_addr,
            kms,
            ncp,
            license,
            stop,
            tasks,
        })
    }

    /// The KMS endpoint URL, e.g. `http://127.0.0.1:41234/v2/cpix/doverunner/getKey/`.
    /// The KMS token is appended to it as the last path segment.
    pub fn kms_url(&self) -> String {
        format!("http://{}{}", self.kms_addr, kms::KMS_PATH)
    }

    /// The KMS token the emulator accepts. A test credential, printed on purpose.
    pub fn kms_token(&self) -> &str {
        self.kms.token()
    }

    /// The NCP API endpoint, e.g. `http://127.0.0.1:41235`.
    pub fn ncp_endpoint(&self) -> String {
        format!("http://{}", self.ncp_addr)
    }

    /// The NCP access key the emulator accepts (a test credential).
    pub fn ncp_access_key(&self) -> &str {
        self.ncp.access_key()
    }

    /// The NCP secret key the emulator accepts (a test credential, printed on purpose).
    pub fn ncp_secret_key(&self) -> &str {
        self.ncp.secret_key()
    }

    /// The license URL, e.g. `http://127.0.0.1:41236/ri/licenseManager.do`.
    pub fn license_url(&self) -> String {
        format!("http://{}{}", self.license_addr, license::LICENSE_PATH)
    }

    /// The ClearKey license URL (add `?siteId=…&cid=…`).
    pub fn clearkey_url(&self) -> String {
        format!("http://{}{}", self.license_addr, license::CLEARKEY_PATH)
    }

    /// The FairPlay certificate URL, base64 text (add `?siteId=…`; `/ri/fpsCert.do` is DER).
    pub fn fps_cert_url(&self) -> String {
        format!(
            "http://{}{}",
            self.license_addr,
            license::FPS_KEY_MANAGER_PATH
        )
    }

    /// The FairPlay certificate URL, DER (add `?siteId=…`).
    pub fn fps_cert_der_url(&self) -> String {
        format!("http://{}{}", self.license_addr, license::FPS_CERT_PATH)
    }

    /// The Widevine service certificate URL (add `?siteId=…`).
    pub fn widevine_cert_url(&self) -> String {
        format!(
            "http://{}{}",
            self.license_addr,
            license::WIDEVINE_CERT_PATH
        )
    }

    /// The license emulator (its sites, clock and switches).
    pub fn license(&self) -> &LicenseEmulator {
        &self.license
    }

    /// The KMS emulator (its settings and state).
    pub fn kms(&self) -> &KmsEmulator {
        &self.kms
    }

    /// The NCP emulator (its store and fault switch).
    pub fn ncp(&self) -> &NcpEmulator {
        &self.ncp
    }

    /// The announcement line of `multidrm sandbox`: URLs and the test credentials.
    pub fn announcement(&self) -> serde_json::Value {
        let mut line = serde_json::json!({
            "kms_url": self.kms_url(),
            "kms_token": self.kms_token(),
            "ncp_endpoint": self.ncp_endpoint(),
            "ncp_access_key": self.ncp_access_key(),
            "ncp_secret_key": self.ncp_secret_key(),
            "license_url": self.license_url(),
            "clearkey_url": self.clearkey_url(),
            "fps_cert_url": self.fps_cert_url(),
            "fps_cert_der_url": self.fps_cert_der_url(),
            "widevine_cert_url": self.widevine_cert_url(),
        });
        // The test site's credentials: public test values, printed on purpose.
        if let (Some(site), Some(map)) = (self.license.test_site(), line.as_object_mut()) {
            map.insert("license_site_id".into(), site.site_id.clone().into());
            map.insert(
                "license_site_key".into(),
                site.site_key.expose_secret().into(),
            );
            map.insert(
                "license_access_key".into(),
                site.access_key.expose_secret().into(),
            );
        }
        line
    }

    /// Stops accepting connections, lets in-flight requests finish, and waits for every server.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn spawn_server(
    listener: TcpListener,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        };
        if let Err(error) = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(%error, "sandbox server stopped");
        }
    })
}

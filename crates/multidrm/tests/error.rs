//! `?` converts every capability crate's errors into `multidrm::Error`, keeping them unchanged,
//! and the network predicates answer across the HTTP clients. Each group runs with its feature.
#![allow(clippy::unwrap_used, missing_docs)]

use multidrm::Error;

/// A loopback port nobody listens on (bound, then released).
#[allow(dead_code)]
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn io_errors_convert() {
    fn open() -> multidrm::Result<()> {
        std::fs::read("/nonexistent/multidrm/file")?;
        Ok(())
    }
    let error = open().unwrap_err();
    assert!(matches!(error, Error::Io(_)));
    assert!(!error.is_timeout());
    assert!(!error.is_connect());
}

#[cfg(feature = "token")]
mod token {
    use multidrm::Error;
    use multidrm::prelude::*;

    #[test]
    fn policy_violations_convert_unchanged() {
        fn read() -> multidrm::Result<Policy> {
            Ok(Policy::from_json(r#"{"policy_version": 2, "bogus": 1}"#)?)
        }
        let error = read().unwrap_err();
        let Error::Policy(inner) = &error else {
            panic!("expected Error::Policy, got {error:?}");
        };
        assert_eq!(error.to_string(), inner.to_string());
        assert_eq!(inner.violations()[0].code.get(), 2001);
    }

    #[test]
    fn token_errors_convert_with_their_code() {
        fn creds() -> multidrm::Result<SiteCredentials> {
            Ok(SiteCredentials::from_strs(
                "TUTO",
                "too-short",
                "LT2FVJDp2Xr018zf4Di6lzvNOv3DKP20",
            )?)
        }
        let error = creds().unwrap_err();
        let Error::Token(inner) = &error else {
            panic!("expected Error::Token, got {error:?}");
        };
        assert_eq!(inner.code().map(|c| c.get()), Some(1004));
        assert!(!error.to_string().contains("too-short"));
    }

    #[test]
    fn inspect_errors_convert() {
        fn look() -> multidrm::Result<()> {
            multidrm::drm_token::inspect("not base64 !", &InspectOptions::new(Timestamp::now()))?;
            Ok(())
        }
        assert!(matches!(look().unwrap_err(), Error::TokenInspect(_)));
    }
}

#[cfg(feature = "cpix")]
mod cpix {
    use multidrm::Error;
    use multidrm::prelude::*;

    #[test]
    fn request_and_id_errors_convert() {
        fn content_id() -> multidrm::Result<ContentId> {
            Ok("".parse()?)
        }
        assert!(matches!(content_id().unwrap_err(), Error::ContentId(_)));

        fn token() -> multidrm::Result<KmsToken> {
            Ok(KmsToken::new("has space")?)
        }
        assert!(matches!(token().unwrap_err(), Error::KmsToken(_)));

        fn tracks() -> multidrm::Result<TrackSelection> {
            Ok("SD,NOPE".parse()?)
        }
        assert!(matches!(tracks().unwrap_err(), Error::CpixRequest(_)));
    }

    #[test]
    fn response_errors_convert() {
        fn parse() -> multidrm::Result<CpixResponse> {
            Ok(CpixResponse::parse(b"<not-cpix/>")?)
        }
        assert!(matches!(parse().unwrap_err(), Error::CpixResponse(_)));
    }

    #[tokio::test]
    async fn an_unreachable_kms_is_a_connect_error() {
        async fn fetch(port: u16) -> multidrm::Result<CpixResponse> {
            let client = KmsClient::builder()
                .base_url(format!(
                    "http://127.0.0.1:{port}/v2/cpix/doverunner/getKey/"
                ))
                .max_retries(0)
                .build(KmsToken::new("secret-kms-token")?)?;
            let request = CpixRequest::builder("title".parse()?)
                .drm(DrmSystem::Widevine)
                .build()?;
            Ok(client.get_keys(&request).await?)
        }
        let error = fetch(super::closed_port()).await.unwrap_err();
        assert!(matches!(error, Error::Kms(_)), "{error:?}");
        assert!(error.is_connect(), "{error:?}");
        assert!(!error.is_timeout());
        assert!(!format!("{error} {error:?}").contains("secret-kms-token"));
    }
}

#[cfg(feature = "ncp")]
mod ncp {
    use multidrm::Error;
    use multidrm::prelude::*;

    #[test]
    fn validation_errors_convert_into_the_ncp_variant() {
        fn name() -> multidrm::Result<PolicyName> {
            Ok(PolicyName::new("no")?)
        }
        let error = name().unwrap_err();
        assert!(
            matches!(
                error,
                Error::Ncp(multidrm::ncp_policy_api::Error::Validation(_))
            ),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn an_unreachable_gateway_is_a_connect_error() {
        async fn list(port: u16) -> multidrm::Result<u64> {
            let client = NcpClient::builder(
                NcpAccessKey::new("ACCESSKEY"),
                NcpSecretKey::new("secret-ncp-key"),
            )
            .endpoint(format!("http://127.0.0.1:{port}"))
            .retry_policy(multidrm::ncp_policy_api::RetryPolicy::NONE)
            .build()?;
            Ok(client
                .list_policies(Page::first(1))
                .await?
                .total
                .unwrap_or(0))
        }
        let error = list(super::closed_port()).await.unwrap_err();
        assert!(error.is_connect(), "{error:?}");
        assert!(!format!("{error} {error:?}").contains("secret-ncp-key"));
    }
}

#[cfg(feature = "entitlement")]
mod entitlement {
    use multidrm::Error;
    use multidrm::prelude::*;

    #[test]
    fn rejections_convert() {
        fn check(body: &[u8]) -> multidrm::Result<()> {
            Verifier::new(SharedSecret::new("shared")).verify(body)?;
            Ok(())
        }
        let error = check(b"[1, 2]").unwrap_err();
        let Error::EntitlementRejected(rejection) = &error else {
            panic!("expected Error::EntitlementRejected, got {error:?}");
        };
        assert_eq!(
            rejection.code(),
            multidrm::drm_entitlement::codes::MALFORMED_BODY
        );
    }

    #[test]
    fn configuration_errors_convert() {
        fn load() -> multidrm::Result<ServerConfig> {
            Ok(ServerConfig::from_toml("unknown_key = 1", ".")?)
        }
        assert!(matches!(load().unwrap_err(), Error::EntitlementConfig(_)));
    }

    #[tokio::test]
    async fn an_unreachable_service_is_a_connect_error() {
        async fn call(port: u16) -> multidrm::Result<()> {
            let player = EntitlementClient::new(
                &format!("http://127.0.0.1:{port}/tokenize"),
                &format!("http://127.0.0.1:{port}/heartbeat"),
                SharedSecret::new("secret-diva-value"),
            )?;
            player
                .tokenize(EntitlementRequest::tokenize().user("u").video_id("v"))
                .await?;
            Ok(())
        }
        let error = call(super::closed_port()).await.unwrap_err();
        assert!(matches!(error, Error::EntitlementClient(_)), "{error:?}");
        assert!(error.is_connect(), "{error:?}");
        assert!(!format!("{error} {error:?}").contains("secret-diva-value"));
    }
}

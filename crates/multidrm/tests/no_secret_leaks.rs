//! No secret in `Debug` or `Display`: every credential-bearing type and every error that can
//! carry user input, across the workspace, is formatted with `{:?}`, `{:#?}` and `{}` (where it
//! has `Display`, including each error's `source()` chain), and the distinctive secret values
//! below must never show up (compared case-insensitively, as text, hex, base64 and byte lists).
//!
//! The clients are driven into real failures: a connect error against a closed loopback port,
//! and answers from a tiny loopback HTTP server that echoes the request back.
#![cfg(feature = "full")]
#![allow(clippy::unwrap_used, missing_docs)]

use std::error::Error as StdError;
use std::fmt::{Debug, Display};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use multidrm::{drm_cpix, drm_entitlement, drm_policy, drm_token, ncp_policy_api};

// ------------------------------------------------------------------------------------------
// Distinctive secrets

/// The DoveRunner site key (32 bytes).
const SITE_KEY: &str = "SKcanaryLEAK-0123456789abcdefghi";
/// The DoveRunner access key.
const ACCESS_KEY: &str = "AKcanaryLEAK-access-0123456789";
/// A content key (hex).
const CONTENT_KEY_HEX: &str = "c0ffee11c0ffee22c0ffee33c0ffee44";
/// The same content key, base64 (as CPIX carries it).
const CONTENT_KEY_B64: &str = "wP/uEcD/7iLA/+4zwP/uRA==";
/// Its first bytes as Rust prints a byte slice.
const CONTENT_KEY_LIST: &str = "192, 255, 238, 17, 192, 255";
/// An NCG content encryption key (hex, 32 bytes).
const NCG_CEK_HEX: &str = "deadbeef0badf00ddeadbeef0badf00ddeadbeef0badf00ddeadbeef0badf00d";
/// The DoveRunner KMS token.
const KMS_TOKEN: &str = "KMScanaryLEAK-token-0123456789";
/// The NCP access key id.
const NCP_ACCESS_KEY: &str = "NCPakCanaryLEAK0001";
/// The NCP secret key.
const NCP_SECRET_KEY: &str = "NCPskCanaryLEAK0002";
/// The DIVA shared secret.
const ENT_SECRET: &str = "ENTsecretCanaryLEAK-42";

/// A port nothing listens on (connections are refused at once).
const CLOSED: &str = "127.0.0.1:1";

// ------------------------------------------------------------------------------------------
// Checks

fn text_hides(label: &str, text: &str, secrets: &[&str]) {
    let lower = text.to_ascii_lowercase();
    for secret in secrets {
        assert!(
            !lower.contains(&secret.to_ascii_lowercase()),
            "{label} shows the secret {secret:?}:\n{text}"
        );
    }
}

/// `{:?}` and `{:#?}`.
fn debug_hides(label: &str, value: &impl Debug, secrets: &[&str]) {
    text_hides(&format!("{label} (Debug)"), &format!("{value:?}"), secrets);
    text_hides(
        &format!("{label} (Debug #)"),
        &format!("{value:#?}"),
        secrets,
    );
}

/// `{:?}`, `{:#?}` and `{}`.
fn both_hide(label: &str, value: &(impl Debug + Display), secrets: &[&str]) {
    debug_hides(label, value, secrets);
    text_hides(&format!("{label} (Display)"), &value.to_string(), secrets);
}

/// An error, and every error in its `source()` chain.
fn error_hides(label: &str, error: &(dyn StdError + 'static), secrets: &[&str]) {
    both_hide(label, &error, secrets);
    let mut source = error.source();
    let mut depth = 0;
    while let Some(e) = source {
        depth += 1;
        both_hide(&format!("{label} (source {depth})"), &e, secrets);
        source = e.source();
    }
}

fn content_key_forms() -> [&'static str; 3] {
    [CONTENT_KEY_HEX, CONTENT_KEY_B64, CONTENT_KEY_LIST]
}

fn content_key_bytes() -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&CONTENT_KEY_HEX[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

// ------------------------------------------------------------------------------------------
// A loopback HTTP server answering every request with `answer(head, body)`

type Answer = dyn Fn(&str, &[u8]) -> (u16, &'static str, Vec<u8>) + Send + Sync;

async fn serve(answer: Arc<Answer>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let answer = Arc::clone(&answer);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break p + 4;
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = &buf[head_end.min(buf.len())..];
                let (status, content_type, out) = answer(&head, body);
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    out.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.write_all(&out).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    addr
}

/// The request line of a head, JSON-escaped (so it can be put into a JSON string).
fn request_line(head: &str) -> String {
    head.lines()
        .next()
        .unwrap_or_default()
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

// ------------------------------------------------------------------------------------------
// drm_policy: content keys, NCG CEK, policies with external keys, policy errors

#[test]
fn drm_policy_key_material_is_hidden() {
    use drm_policy::{
        ContentKey, ExternalKey, HlsAesKey, Iv, KeyId, MpegCencKey, NcgCek, NcgKey, Policy,
        TrackType,
    };
    let ck = ContentKey::from_hex(CONTENT_KEY_HEX).unwrap();
    let cek = NcgCek::from_hex(NCG_CEK_HEX).unwrap();
    let mut secrets = content_key_forms().to_vec();
    secrets.push(NCG_CEK_HEX);
    debug_hides("ContentKey", &ck, &secrets);
    debug_hides("NcgCek", &cek, &secrets);

    let kid = KeyId::from_bytes([0x11; 16]);
    let policy = Policy::new().external(
        ExternalKey::new()
            .mpeg_cenc(
                MpegCencKey::new(TrackType::Hd, kid, ck.clone()).iv(Iv::from_bytes([0x22; 16])),
            )
            .hls_aes(HlsAesKey {
                track_type: TrackType::Sd,
                key_id: kid,
                key: ck,
                iv: Iv::from_bytes([0x33; 16]),
            })
            .ncg(NcgKey {
                track_type: None,
                cek,
            }),
    );
    assert!(policy.validate().is_ok());
    debug_hides("Policy with external keys", &policy, &secrets);
    // The JSON does carry the keys (the license server needs them): the check above is not vacuous.
    assert!(
        policy
            .to_json(drm_policy::JsonStyle::Compact)
            .contains(CONTENT_KEY_HEX)
    );

    // Keys the reader refuses (upper case, wrong length) are not echoed in violations.
    let upper = CONTENT_KEY_HEX.to_ascii_uppercase();
    let short_cek = &NCG_CEK_HEX[..62];
    let text = format!(
        r#"{{"policy_version":2,"external_key":{{"mpeg_cenc":[{{"track_type":"HD","key_id":"{kid}","key":"{upper}"}}],"hls_aes":[{{"track_type":"SD","key_id":"{kid}","key":"{upper}x","iv":"{upper}"}}],"ncg":{{"cek":"{short_cek}"}}}}}}"#,
        kid = "11".repeat(16),
    );
    let error = Policy::from_json(&text).unwrap_err();
    assert!(error.violations().len() >= 3, "{error}");
    let mut refused = secrets.clone();
    refused.push(short_cek);
    error_hides("PolicyError (bad keys)", &error, &refused);
    for v in error.violations() {
        both_hide("Violation", v, &refused);
    }
    for v in drm_policy::read::check(text.as_bytes()) {
        both_hide("check() violation", &v, &refused);
    }
}

// ------------------------------------------------------------------------------------------
// drm_token: site key, access key, credentials, prepared policies, minting and token errors

#[test]
fn drm_token_credentials_are_hidden() {
    use drm_policy::{ContentKey, ExternalKey, KeyId, MpegCencKey, Policy, TrackType};
    use drm_token::{
        AccessKey, DrmType, JsonStyle, PreparedPolicy, SiteCredentials, SiteKey, Timestamp,
        TokenMinter, TokenRequest,
    };
    let mut secrets = vec![SITE_KEY, ACCESS_KEY];
    secrets.extend(content_key_forms());

    let site_key = SiteKey::new(SITE_KEY).unwrap();
    let access_key = AccessKey::new(ACCESS_KEY).unwrap();
    debug_hides("SiteKey", &site_key, &secrets);
    debug_hides("AccessKey", &access_key, &secrets);
    let creds = SiteCredentials::from_strs("TUTO", SITE_KEY, ACCESS_KEY).unwrap();
    debug_hides("SiteCredentials", &creds, &secrets);

    // Rejected credentials are described, not echoed.
    let long_site_key = format!("{SITE_KEY}-tail");
    let e = SiteKey::new(&long_site_key).unwrap_err();
    error_hides("SiteKey error (length)", &e, &secrets);
    let long_access_key = ACCESS_KEY.repeat(60);
    let e = AccessKey::new(long_access_key).unwrap_err();
    error_hides("AccessKey error (length)", &e, &secrets);
    let e = SiteCredentials::from_strs("TUTO", &SITE_KEY[..20], ACCESS_KEY).unwrap_err();
    error_hides("SiteCredentials error", &e, &secrets);

    // A prepared policy holding an external content key.
    let policy = Policy::new().external(ExternalKey::new().mpeg_cenc(MpegCencKey::new(
        TrackType::Hd,
        KeyId::from_bytes([0x11; 16]),
        ContentKey::from_hex(CONTENT_KEY_HEX).unwrap(),
    )));
    let prepared = PreparedPolicy::new(&policy, &creds, JsonStyle::Compact).unwrap();
    debug_hides("PreparedPolicy", &prepared, &secrets);
    let mut with_field = secrets.clone();
    with_field.push(prepared.policy_field());
    debug_hides("PreparedPolicy (ciphertext)", &prepared, &with_field);

    // Minting: the minter's buffers and every error.
    let ts = Timestamp::parse("2025-06-01T12:34:56Z").unwrap();
    let mut minter = TokenMinter::new();
    let request = TokenRequest::new(DrmType::Widevine, "user-1", "movie-1");
    minter.mint(&request, &creds, &prepared, ts).unwrap();
    debug_hides("TokenMinter (after a mint)", &minter, &secrets);
    debug_hides("TokenRequest", &request, &secrets);

    let other = SiteCredentials::from_strs("TUTO", &"x".repeat(32), ACCESS_KEY).unwrap();
    let e = request.mint(&other, &prepared, ts).unwrap_err();
    error_hides("TokenError (prepared for another key)", &e, &secrets);

    let bad_policy = format!(
        r#"{{"policy_version":2,"external_key":{{"mpeg_cenc":[{{"track_type":"HD","key_id":"{}","key":"{}"}}]}}}}"#,
        "11".repeat(16),
        CONTENT_KEY_HEX.to_ascii_uppercase()
    );
    let e = PreparedPolicy::from_json(&bad_policy, &creds, JsonStyle::Compact).unwrap_err();
    error_hides("TokenError (policy with a bad key)", &e, &secrets);
    let e = PreparedPolicy::from_plaintext("", &creds, JsonStyle::Compact).unwrap_err();
    error_hides("TokenError (empty policy)", &e, &secrets);

    // Batch defaults hold the keys and a policy with a content key; the issuer caches them.
    let policy_text = policy.to_json(JsonStyle::Compact);
    let defaults = drm_token::batch::BatchDefaults {
        site_id: Some("TUTO".into()),
        site_key: Some(SITE_KEY.into()),
        access_key: Some(ACCESS_KEY.into()),
        policy: Some(policy_text.as_str().into()),
        ..Default::default()
    };
    debug_hides("BatchDefaults", &defaults, &secrets);
    let mut issuer = drm_token::batch::BatchIssuer::new(defaults);
    issuer
        .issue_line(br#"{"drm_type": "Widevine", "user_id": "u1", "cid": "c1"}"#)
        .unwrap();
    let line = format!(
        r#"{{"drm_type": "Widevine", "user_id": "u1", "cid": "c1", "site_key": "{}", "access_key": "{ACCESS_KEY}-2"}}"#,
        &SITE_KEY[..31]
    );
    let e = issuer.issue_line(line.as_bytes()).unwrap_err();
    error_hides(
        "TokenError (batch line with a short site key)",
        &e,
        &secrets,
    );
    debug_hides("BatchIssuer (after lines)", &issuer, &secrets);

    // A site key made from raw bytes (`SecretBytes<32>` inside) prints neither text nor bytes.
    let key_bytes: [u8; 32] = SITE_KEY.as_bytes().try_into().unwrap();
    debug_hides(
        "SiteKey::from_bytes",
        &SiteKey::from_bytes(key_bytes),
        &[SITE_KEY, "83, 75, 99"],
    );
}

#[test]
fn drm_token_inspect_hides_keys_and_token_content() {
    use base64_like::encode;
    use drm_token::{
        AccessKey, DrmType, InspectOptions, JsonStyle, PreparedPolicy, SiteCredentials, SiteKey,
        Timestamp, TokenRequest, inspect,
    };
    let secrets = [SITE_KEY, ACCESS_KEY];
    let creds = SiteCredentials::from_strs("TUTO", SITE_KEY, ACCESS_KEY).unwrap();
    let prepared =
        PreparedPolicy::from_json(r#"{"policy_version":2}"#, &creds, JsonStyle::Python).unwrap();
    let ts = Timestamp::parse("2025-06-01T12:34:56Z").unwrap();
    let token = TokenRequest::new(DrmType::PlayReady, "user-1", "movie-1")
        .mint(&creds, &prepared, ts)
        .unwrap();
    let site_key = SiteKey::new(SITE_KEY).unwrap();
    let access_key = AccessKey::new(ACCESS_KEY).unwrap();
    let now = Timestamp::parse("2025-06-01T12:35:56Z").unwrap();
    let options = InspectOptions::new(now)
        .site_key(&site_key)
        .access_key(&access_key);
    debug_hides("InspectOptions", &options, &secrets);
    let report = inspect(&token, &options).unwrap();
    assert!(report.is_acceptable(), "{report:?}");
    debug_hides("Inspection", &report, &secrets);

    // The wrong keys: the report says so without printing either pair.
    let wrong_site = SiteKey::new(&"w".repeat(32)).unwrap();
    let wrong_access = AccessKey::new("wrong-access-key").unwrap();
    let report = inspect(
        &token,
        &InspectOptions::new(now)
            .site_key(&wrong_site)
            .access_key(&wrong_access),
    )
    .unwrap();
    assert!(!report.is_acceptable());
    debug_hides(
        "Inspection (wrong keys)",
        &report,
        &[SITE_KEY, ACCESS_KEY, "wrong-access-key"],
    );

    // A decodable token that is not a JSON object: the error names the problem, not the content.
    let canary = "TOKENcontentCanaryLEAK";
    for json in [
        format!("\"{canary}\""),
        format!("[\"{canary}\"]"),
        format!("{{\"drm_type\":\"{canary}"),
        format!("{{\"{canary}\" 1}}"),
        canary.to_owned(),
    ] {
        let e = inspect(&encode(json.as_bytes()), &options).unwrap_err();
        error_hides("InspectError", &e, &[canary, SITE_KEY, ACCESS_KEY]);
    }
    let e = inspect(&format!("!!{canary}!!"), &options).unwrap_err();
    error_hides("InspectError (not base64)", &e, &[canary]);
}

/// A small standard base64 encoder, so this test needs no extra dependency.
mod base64_like {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub(crate) fn encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

// ------------------------------------------------------------------------------------------
// drm_cpix: KMS token, KMS client errors, content keys of a response

#[tokio::test]
async fn drm_cpix_kms_token_and_client_errors_are_hidden() {
    use drm_cpix::client::{KmsClient, KmsToken};
    use drm_cpix::{CpixRequest, DrmSystem};
    let secrets = [KMS_TOKEN];

    let token = KmsToken::new(KMS_TOKEN).unwrap();
    debug_hides("KmsToken", &token, &secrets);
    let e = KmsToken::new(&format!("{KMS_TOKEN} {KMS_TOKEN}")).unwrap_err();
    error_hides("InvalidKmsToken", &e, &secrets);
    let e = KmsToken::new(&format!("{KMS_TOKEN}\u{e9}")).unwrap_err();
    error_hides("InvalidKmsToken (non-ASCII)", &e, &secrets);

    let request = CpixRequest::builder("leak-test".parse().unwrap())
        .drm_systems([DrmSystem::Widevine])
        .build()
        .unwrap();

    // A real connect error.
    let client = KmsClient::builder()
        .base_url(format!("http://{CLOSED}/v2/cpix/doverunner/getKey/"))
        .max_retries(0)
        .connect_timeout(Duration::from_secs(5))
        .build(token.clone())
        .unwrap();
    debug_hides("KmsClient", &client, &secrets);
    text_hides("endpoint_redacted", &client.endpoint_redacted(), &secrets);
    let e = client.get_keys(&request).await.unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    error_hides("KMS ClientError (connect)", &e, &secrets);

    // A server echoing the request line (which carries the token) in each kind of answer.
    for (label, status, content_type) in [
        ("JSON error", 400u16, "application/json"),
        ("JSON error on 200", 200, "application/json"),
        ("HTML error", 500, "text/html"),
        ("non-CPIX 200", 200, "application/xml"),
    ] {
        let addr = serve(Arc::new(move |head: &str, _body: &[u8]| {
            let line = request_line(head);
            let body = if content_type == "application/json" {
                format!(
                    r#"{{"errorCode":"E401","message":"unknown token in {line}","path":"{line}"}}"#
                )
            } else {
                format!("<html><body>no such token: {line}</body></html>")
            };
            (status, content_type, body.into_bytes())
        }))
        .await;
        let client = KmsClient::builder()
            .base_url(format!("http://{addr}/v2/cpix/doverunner/getKey/"))
            .max_retries(0)
            .build(token.clone())
            .unwrap();
        let e = client.get_keys(&request).await.unwrap_err();
        error_hides(&format!("KMS ClientError ({label})"), &e, &secrets);
    }
}

/// The smallest sample KMS answer (`shared/cpix/samples/constructed/09_fairplay_hls_cbcs`),
/// with the content key replaced by the test's, plus `extra` DRM systems.
fn cpix_response_xml(plain_value: &str, extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cpix:CPIX id="leak-test" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
  <cpix:ContentKeyList>
    <cpix:ContentKey explicitIV="MDEyMzQ1Njc4OWFiY2RlZg==" kid="111f4c05-b816-5fc5-ba2b-e66ce1430101">
      <cpix:Data><pskc:Secret><pskc:PlainValue>{plain_value}</pskc:PlainValue></pskc:Secret></cpix:Data>
    </cpix:ContentKey>
  </cpix:ContentKeyList>
  <cpix:ContentKeyUsageRuleList>
    <cpix:ContentKeyUsageRule intendedTrackType="HD" kid="111f4c05-b816-5fc5-ba2b-e66ce1430101"/>
  </cpix:ContentKeyUsageRuleList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="111f4c05-b816-5fc5-ba2b-e66ce1430101" systemId="94CE86FB-07FF-4F43-ADB8-93D2FA968CA2">
      <cpix:URIExtXKey>c2tkOi8vRVI5TUJiZ1dYOFc2SytaczRVTUJBUT09</cpix:URIExtXKey>
    </cpix:DRMSystem>{extra}
  </cpix:DRMSystemList>
</cpix:CPIX>"#
    )
}

#[test]
fn drm_cpix_content_keys_are_hidden() {
    use drm_cpix::CpixResponse;
    use drm_cpix::export::ShakaOptions;
    use drm_cpix::secret::{ContentKey, SecretText};
    let secrets = content_key_forms();

    debug_hides(
        "cpix ContentKey",
        &ContentKey::new(content_key_bytes().to_vec()),
        &secrets,
    );
    debug_hides(
        "SecretText",
        &SecretText::new(CONTENT_KEY_B64.to_owned()),
        &secrets,
    );

    let response = CpixResponse::parse(cpix_response_xml(CONTENT_KEY_B64, "").as_bytes()).unwrap();
    let key = response.keys()[0].key.as_ref().unwrap();
    assert_eq!(key.expose_secret(), content_key_bytes());
    debug_hides("CpixResponse", &response, &secrets);
    debug_hides("KeyInfo", &response.keys()[0], &secrets);
    debug_hides("RawDocument", response.raw(), &secrets);
    let shaka = response.to_shaka_args(&ShakaOptions::default()).unwrap();
    debug_hides("ShakaArgs", &shaka, &secrets);
    // The exports do carry the key (that is their purpose): the checks above are not vacuous.
    assert!(shaka.to_command_line().contains(CONTENT_KEY_HEX));

    // A key value that is not base64 is not echoed by the parse error.
    let bad = "wP/uEcD/7iLA/+4zwP/uRA!!CanaryLEAK";
    let e = CpixResponse::parse(cpix_response_xml(bad, "").as_bytes()).unwrap_err();
    error_hides("ParseError (bad PlainValue)", &e, &[bad, CONTENT_KEY_B64]);
}

/// Regression (found by this test): the NCG CEK (the `URIExtXKey` of the NCG system) must not
/// show through `DrmSignalling::uri_ext_x_key` or `RawDrmSystem::uri_ext_x_key` in `Debug`.
#[test]
fn drm_cpix_ncg_cek_is_hidden() {
    use drm_cpix::CpixResponse;
    let cek_b64 = base64_like::encode(NCG_CEK_HEX.as_bytes());
    let ncg = format!(
        r#"
    <cpix:DRMSystem kid="111f4c05-b816-5fc5-ba2b-e66ce1430101" systemId="d9e4411a-e886-4909-a380-a77f28d52335">
      <cpix:URIExtXKey>{cek_b64}</cpix:URIExtXKey>
    </cpix:DRMSystem>"#
    );
    let response =
        CpixResponse::parse(cpix_response_xml(CONTENT_KEY_B64, &ncg).as_bytes()).unwrap();
    let secrets = [cek_b64.as_str(), NCG_CEK_HEX];
    debug_hides("CpixResponse (NCG)", &response, &secrets);
}

// ------------------------------------------------------------------------------------------
// ncp_policy_api: access key, secret key, signed headers, client errors, FairPlay secrets

#[tokio::test]
async fn ncp_credentials_and_client_errors_are_hidden() {
    use ncp_policy_api::{
        AccessKey, Client, Page, RetryPolicy, SecretKey, SecretString, signed_headers,
    };
    let secrets = [NCP_ACCESS_KEY, NCP_SECRET_KEY];
    let ak = AccessKey::new(NCP_ACCESS_KEY);
    let sk = SecretKey::new(NCP_SECRET_KEY);
    debug_hides("ncp AccessKey", &ak, &secrets);
    debug_hides("ncp SecretKey", &sk, &secrets);
    debug_hides(
        "ncp SecretString",
        &SecretString::new(NCP_SECRET_KEY),
        &secrets,
    );
    let headers = signed_headers(
        "GET",
        "/api/v1/policy?pageNo=1",
        1_700_000_000_000,
        &ak,
        &sk,
        "KR",
    );
    debug_hides("SignedHeaders", &headers, &secrets);

    // A real connect error.
    let builder = Client::builder(ak.clone(), sk.clone())
        .endpoint(format!("http://{CLOSED}"))
        .retry_policy(RetryPolicy::NONE)
        .connect_timeout(Duration::from_secs(5));
    debug_hides("ncp ClientBuilder", &builder, &secrets);
    let client = builder.build().unwrap();
    debug_hides("ncp Client", &client, &secrets);
    let e = client.list_policies(Page::first(10)).await.unwrap_err();
    error_hides("ncp Error (connect)", &e, &secrets);

    // Error answers of both shapes and an HTML page, from a live loopback server.
    for (label, status, body) in [
        (
            "gateway",
            401u16,
            r#"{"error":{"errorCode":"200","message":"Authentication Failed","details":"Invalid authentication information."}}"#,
        ),
        (
            "service",
            404,
            r#"{"error":{"code":"281003","name":"SITE_NOT_FOUND","message":"site not found"}}"#,
        ),
        ("html", 502, "<html><body>Bad Gateway</body></html>"),
        ("undecodable", 200, r#"{"success":true,"content":[1,2,3]}"#),
    ] {
        let addr = serve(Arc::new(move |_head: &str, _body: &[u8]| {
            (status, "application/json", body.as_bytes().to_vec())
        }))
        .await;
        let client = Client::builder(ak.clone(), sk.clone())
            .endpoint(format!("http://{addr}"))
            .retry_policy(RetryPolicy::NONE)
            .build()
            .unwrap();
        let e = client.list_policies(Page::first(10)).await.unwrap_err();
        error_hides(&format!("ncp Error ({label})"), &e, &secrets);
    }
}

#[test]
fn ncp_fairplay_secrets_are_hidden() {
    use ncp_policy_api::{Site, SiteRequest, decode};
    let pass = "FPpassphraseCanaryLEAK";
    let ask = "FPaskCanaryLEAK-0123";
    let key_url = "https://keys.example.com/FPprivateKeyCanaryLEAK.pem";
    let secrets = [pass, ask, key_url];
    let site = format!(
        r#"{{"success":true,"content":{{"siteId":"drm-1","siteName":"my_site","fairPlayCert":{{"certFile":"https://keys.example.com/fp.der","privateKey":"{key_url}","privateEncryptedString":"{pass}","secretKey":"{ask}"}}}}}}"#
    );
    let site = decode::<Site>(200, site.as_bytes()).unwrap().content;
    debug_hides("ncp Site", &site, &secrets);
    let cert = site.fair_play_cert.as_ref().unwrap();
    debug_hides("FairPlayCert", cert, &secrets);
    debug_hides("FairPlayCert::redacted", &cert.redacted(), &secrets);

    // A request body whose FairPlay private key is not a URL: the error names the field only.
    let bad = format!(
        r#"{{"siteName":"my_site","fairPlayCert":{{"certFile":"https://keys.example.com/fp.der","privateKey":"{pass}","privateEncryptedString":"{pass}","secretKey":"{ask}"}}}}"#
    );
    let e = SiteRequest::from_json(bad.as_bytes()).unwrap_err();
    error_hides("ncp ValidationError (FairPlay key)", &e, &secrets);
    let ok = format!(
        r#"{{"siteName":"my_site","fairPlayCert":{{"privateKey":"{key_url}","privateEncryptedString":"{pass}","secretKey":"{ask}"}}}}"#
    );
    let request = SiteRequest::from_json(ok.as_bytes()).unwrap();
    debug_hides("ncp SiteRequest", &request, &secrets);
}

/// Regression (found by this test): `ClientBuilder::build` refuses an endpoint with user info
/// without quoting it (the password) in `Error::Config`.
#[test]
fn ncp_endpoint_password_is_hidden() {
    use ncp_policy_api::{AccessKey, Client, SecretKey};
    let password = "URLpasswordCanaryLEAK";
    let e = Client::builder(
        AccessKey::new(NCP_ACCESS_KEY),
        SecretKey::new(NCP_SECRET_KEY),
    )
    .endpoint(format!("https://user:{password}@ncloud.example.com"))
    .build()
    .unwrap_err();
    error_hides("ncp Error (endpoint with user info)", &e, &[password]);
}

// ------------------------------------------------------------------------------------------
// drm_entitlement: shared secret, service configuration, verifier, client

#[test]
fn entitlement_secret_and_config_are_hidden() {
    use drm_entitlement::{SecretString, SharedSecret, Verifier};
    use multidrm::multidrm_server::ServerConfig as ServiceConfig;
    let redis_password = "REDISpasswordCanaryLEAK";
    let jwt_secret = "JWTsecretCanaryLEAK-0123456789";
    let secrets = [ENT_SECRET, SITE_KEY, ACCESS_KEY, redis_password, jwt_secret];

    debug_hides("SharedSecret", &SharedSecret::new(ENT_SECRET), &secrets);
    debug_hides(
        "entitlement SecretString",
        &SecretString::new(SITE_KEY),
        &secrets,
    );
    debug_hides(
        "Verifier",
        &Verifier::new(SharedSecret::new(ENT_SECRET)),
        &secrets,
    );

    let config = |extra: &str| {
        format!(
            r#"
bind = "127.0.0.1:0"
secret = "{ENT_SECRET}"
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"
redis_url = "redis://:{redis_password}@127.0.0.1:6379"
{extra}
[doverunner]
site_id = "TUTO"
site_key = "{SITE_KEY}"
access_key = "{ACCESS_KEY}"

[token_endpoint]
jwt_hs256_secret = "{jwt_secret}"
"#
        )
    };
    let parsed = ServiceConfig::from_toml(&config(""), ".").unwrap();
    assert_eq!(parsed.secret.expose_secret(), ENT_SECRET);
    debug_hides("ServiceConfig", &parsed, &secrets);

    // Configurations that fail next to (or on) the secrets.
    for (label, text) in [
        ("unknown key", config("unknown_key = 1")),
        (
            "bad URL",
            config("").replace("https://drm-license", "drm-license"),
        ),
        (
            "duplicate secret",
            config(&format!("secret = \"{ENT_SECRET}\"")),
        ),
        (
            "unterminated secret",
            config("").replace(&format!("\"{ENT_SECRET}\""), &format!("\"{ENT_SECRET}")),
        ),
        (
            "secret of the wrong type",
            config("").replace(&format!("\"{ENT_SECRET}\""), &format!("[\"{ENT_SECRET}\"]")),
        ),
        (
            "short JWT secret",
            config("").replace(jwt_secret, &jwt_secret[..12]),
        ),
    ] {
        let e = ServiceConfig::from_toml(&text, ".").unwrap_err();
        let mut hidden = secrets.to_vec();
        let short = &jwt_secret[..12];
        hidden.push(short);
        error_hides(&format!("ConfigError ({label})"), &e, &hidden);
    }
}

#[tokio::test]
async fn entitlement_verifier_and_client_errors_are_hidden() {
    use drm_entitlement::client::EntitlementClient;
    use drm_entitlement::{EntitlementRequest, EntitlementResponse, SharedSecret, Verifier};
    let auth_token = "AUTHtokenCanaryLEAK-license";
    let secrets = [ENT_SECRET, auth_token];
    let secret = SharedSecret::new(ENT_SECRET);
    let verifier = Verifier::new(secret.clone());

    // A request signed with another secret, and one that is not JSON.
    let forged = EntitlementRequest::tokenize()
        .user("alice")
        .video_id("video-1")
        .challenge("3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3c")
        .sign(&SharedSecret::new("another-secret"))
        .unwrap();
    for body in [
        forged.to_json_string(),
        format!("{{\"User\":\"{ENT_SECRET}"),
    ] {
        let rejection = verifier.verify(body.as_bytes()).unwrap_err();
        error_hides("Rejection", &rejection, &secrets);
        let answer = verifier.reject(&rejection);
        text_hides("signed ko", &answer.to_json_string(), &secrets);
        debug_hides("signed ko", &answer, &secrets);
    }

    // A real connect error.
    let client = EntitlementClient::with_timeout(
        &format!("http://{CLOSED}/tokenize"),
        &format!("http://{CLOSED}/heartbeat"),
        secret.clone(),
        Duration::from_secs(5),
    )
    .unwrap();
    debug_hides("EntitlementClient", &client, &secrets);
    let e = client
        .tokenize(
            EntitlementRequest::tokenize()
                .user("alice")
                .video_id("video-1"),
        )
        .await
        .unwrap_err();
    assert!(e.is_connect(), "{e:?}");
    error_hides("entitlement ClientError (connect)", &e, &secrets);

    // A service answering with a properly signed "ok" carrying a license token: the
    // entitlement is printable without it.
    let answer_secret = secret.clone();
    let addr = serve(Arc::new(move |_head: &str, body: &[u8]| {
        let request = EntitlementRequest::from_slice(body).unwrap();
        let challenge = request.raw_challenge().unwrap_or_default().to_owned();
        let response = EntitlementResponse::ok()
            .content_url("https://cdn.example.com/video-1/manifest.mpd")
            .license_url("https://drm-license.doverunner.com/ri/licenseManager.do")
            .auth_token(auth_token)
            .sign(&challenge, &answer_secret);
        (
            200,
            "application/json",
            response.to_json_string().into_bytes(),
        )
    }))
    .await;
    let client = EntitlementClient::with_timeout(
        &format!("http://{addr}/tokenize"),
        &format!("http://{addr}/heartbeat"),
        secret.clone(),
        Duration::from_secs(5),
    )
    .unwrap();
    let entitlement = client
        .tokenize(
            EntitlementRequest::tokenize()
                .user("alice")
                .video_id("video-1"),
        )
        .await
        .unwrap();
    assert_eq!(entitlement.auth_token.expose_secret(), auth_token);
    debug_hides("Entitlement", &entitlement, &secrets);
    debug_hides("AuthToken", &entitlement.auth_token, &secrets);

    // An answer signed with another secret: the signature error shows neither secret.
    let addr = serve(Arc::new(move |_head: &str, body: &[u8]| {
        let request = EntitlementRequest::from_slice(body).unwrap();
        let challenge = request.raw_challenge().unwrap_or_default().to_owned();
        let response = EntitlementResponse::ok()
            .auth_token(auth_token)
            .sign(&challenge, &SharedSecret::new("another-secret"));
        (
            200,
            "application/json",
            response.to_json_string().into_bytes(),
        )
    }))
    .await;
    let client = EntitlementClient::new(
        &format!("http://{addr}/tokenize"),
        &format!("http://{addr}/heartbeat"),
        secret,
    )
    .unwrap();
    let e = client
        .tokenize(
            EntitlementRequest::tokenize()
                .user("alice")
                .video_id("video-1"),
        )
        .await
        .unwrap_err();
    error_hides("entitlement ClientError (bad signature)", &e, &[ENT_SECRET]);
}

// ------------------------------------------------------------------------------------------
// drm_license and the server's license proxy: the license token, the NCP upstream keys

#[test]
fn license_token_and_proxy_ncp_keys_are_hidden() {
    use multidrm::drm_license::LicenseToken;
    use multidrm::multidrm_server::{LicenseProxyConfig, ServerConfig};
    let token = "LICENSEtokenCanaryLEAK-0123456789";
    debug_hides("LicenseToken", &LicenseToken::new(token), &[token]);

    let secrets = [
        ENT_SECRET,
        SITE_KEY,
        ACCESS_KEY,
        NCP_ACCESS_KEY,
        NCP_SECRET_KEY,
    ];
    let text = format!(
        r#"
bind = "127.0.0.1:0"
secret = "{ENT_SECRET}"
content_url_template = "https://cdn.example.com/{{video_id}}/manifest.mpd"
license_url = "https://drm-license.doverunner.com/ri/licenseManager.do"

[doverunner]
site_id = "TUTO"
site_key = "{SITE_KEY}"
access_key = "{ACCESS_KEY}"

[license_proxy]
upstream = "ncp"

[license_proxy.ncp]
access_key = "{NCP_ACCESS_KEY}"
secret_key = "{NCP_SECRET_KEY}"
site_id = "TUTO"
"#
    );
    let parsed = ServerConfig::from_toml(&text, ".").unwrap();
    let proxy: &LicenseProxyConfig = parsed.license_proxy.as_ref().unwrap();
    let ncp = proxy.ncp.as_ref().unwrap();
    assert_eq!(ncp.access_key.expose_secret(), NCP_ACCESS_KEY);
    assert_eq!(ncp.secret_key.expose_secret(), NCP_SECRET_KEY);
    debug_hides("LicenseProxyConfig ([license_proxy.ncp])", proxy, &secrets);
    debug_hides("ServerConfig with [license_proxy.ncp]", &parsed, &secrets);
}

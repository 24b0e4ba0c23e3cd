//! Every reference vector of `tests/data/` as its own test (see `tests/data/README.md`).
#![allow(clippy::unwrap_used, missing_docs)]

use drm_policy::{JsonStyle, Policy};
use drm_token::envelope::{HashInput, decrypt_policy, encrypt_policy, token_hash};
use drm_token::inspect::{DetectedStyle, InspectOptions, TimeStatus, inspect};
use drm_token::{
    AccessKey, DrmType, PreparedPolicy, ResponseFormat, SiteCredentials, SiteKey, Timestamp,
    TokenRequest,
};
use serde_json::{Map, Value, json};

struct Vector {
    name: &'static str,
    doc: Value,
}

impl Vector {
    fn input(&self, key: &str) -> &str {
        self.doc["inputs"][key].as_str().unwrap()
    }

    fn creds(&self) -> SiteCredentials {
        SiteCredentials::from_strs(
            self.input("site_id"),
            self.input("site_key"),
            self.input("access_key"),
        )
        .unwrap()
    }

    /// The policy of `policy_spec` as a policy JSON document.
    fn policy(&self) -> Policy {
        let spec = &self.doc["inputs"]["policy_spec"];
        let mut doc = Map::new();
        doc.insert("policy_version".into(), json!(2));
        for (from, to) in [
            ("playback", "playback_policy"),
            ("security", "security_policy"),
            ("external", "external_key"),
        ] {
            if let Some(v) = spec.get(from) {
                doc.insert(to.into(), v.clone());
            }
        }
        Policy::from_json_value(&Value::Object(doc)).unwrap()
    }

    fn has_external(&self) -> bool {
        self.doc["inputs"]["policy_spec"].get("external").is_some()
    }

    fn request(&self) -> TokenRequest<'_> {
        TokenRequest::new(
            self.input("drm_type").parse::<DrmType>().unwrap(),
            self.input("user_id"),
            self.input("cid"),
        )
        .response_format(
            self.input("response_format")
                .parse::<ResponseFormat>()
                .unwrap(),
        )
        .key_rotation(self.doc["inputs"]["key_rotation"].as_bool().unwrap())
    }

    fn timestamp(&self) -> Timestamp {
        Timestamp::parse(self.input("timestamp")).unwrap()
    }

    fn mint(&self, style: JsonStyle) -> (String, String, PreparedPolicy) {
        let creds = self.creds();
        let prepared = PreparedPolicy::new(&self.policy(), &creds, style).unwrap();
        let req = self.request();
        let token = req.mint(&creds, &prepared, self.timestamp()).unwrap();
        let json = req.token_json(&creds, &prepared, self.timestamp()).unwrap();
        // The fresh path gives the same bytes as the prepared one.
        let fresh = req
            .mint_with_policy(&creds, &self.policy(), style, self.timestamp())
            .unwrap();
        assert_eq!(fresh, token, "{}: fresh vs prepared", self.name);
        (token, json, prepared)
    }

    fn check(&self) {
        let primary = &self.doc["primary"];
        let creds = self.creds();

        // Python style: byte for byte the Python v3 sample, unless its external-key bugs apply.
        let (token, json, prepared) = self.mint(JsonStyle::Python);
        if !self.has_external() {
            assert_eq!(
                self.policy().to_json(JsonStyle::Python),
                primary["policy_plaintext"].as_str().unwrap(),
                "{}: python plaintext",
                self.name
            );
            assert_eq!(
                prepared.policy_field(),
                primary["encrypted_policy_b64"].as_str().unwrap()
            );
            assert_eq!(
                json,
                primary["token_json"].as_str().unwrap(),
                "{}",
                self.name
            );
            assert_eq!(token, primary["token"].as_str().unwrap(), "{}", self.name);
        }
        self.check_decrypts_to_correct_policy(&token, &creds);

        self.check_inspect_every_implementation();

        // Compact style: byte for byte the Java sample when its plaintext is our canonical form.
        let (token, json, _) = self.mint(JsonStyle::Compact);
        self.check_decrypts_to_correct_policy(&token, &creds);
        let java = &self.doc["other_implementations"]["java"];
        if java["status"] == "ok" {
            let canonical = self.policy().to_json(JsonStyle::Compact);
            if java["policy_plaintext"].as_str() == Some(canonical.as_str()) {
                assert_eq!(json, java["token_json"].as_str().unwrap(), "{}", self.name);
                assert_eq!(token, java["token"].as_str().unwrap(), "{}", self.name);
            } else {
                panic!(
                    "{}: Java plaintext differs from canonical compact",
                    self.name
                );
            }
        }
    }

    /// Inspect decodes the token of every implementation in the vector: fields, policy, hash.
    fn check_inspect_every_implementation(&self) {
        let creds = self.creds();
        let now = Timestamp::parse(self.input("timestamp")).unwrap();
        let options = InspectOptions::new(now)
            .site_key(creds.site_key())
            .access_key(creds.access_key());
        let mut outputs = vec![("python_v3", &self.doc["primary"])];
        for (name, out) in self.doc["other_implementations"].as_object().unwrap() {
            outputs.push((name.as_str(), out));
        }
        for (name, out) in outputs {
            let Some(token) = out.get("token").and_then(Value::as_str) else {
                continue;
            };
            let report = inspect(token, &options).unwrap();
            let label = format!("{} / {name}", self.name);
            assert_eq!(
                report.token_json,
                out["token_json"].as_str().unwrap(),
                "{label}"
            );
            assert_eq!(
                report.fields.user_id.as_deref(),
                Some(self.input("user_id")),
                "{label}"
            );
            assert_eq!(
                report.fields.hash.as_deref(),
                out["hash"].as_str(),
                "{label}"
            );
            let policy = report.policy.as_ref().unwrap();
            assert!(policy.decrypted, "{label}");
            assert_eq!(
                policy.plaintext.as_deref(),
                out["policy_plaintext"].as_str(),
                "{label}"
            );
            assert!(report.hash.as_ref().unwrap().valid, "{label}");
            assert_eq!(report.time.status, TimeStatus::Valid, "{label}");
            assert_eq!(report.time.age_seconds, Some(0), "{label}");
            assert_eq!(report.legacy_v1, name == "python_pallycon", "{label}");
            let style = match name {
                "python_v3" => DetectedStyle::Python,
                "java" => DetectedStyle::Compact,
                _ => DetectedStyle::Other,
            };
            assert_eq!(report.json_style, style, "{label}");
        }
    }

    /// The token's policy decrypts to the Python sample's policy with its two known bugs undone
    /// (`external_policy` → `external_key`, `"iv": null` dropped).
    fn check_decrypts_to_correct_policy(&self, token: &str, creds: &SiteCredentials) {
        use base64::Engine as _;
        let token_json = base64::engine::general_purpose::STANDARD
            .decode(token)
            .unwrap();
        let fields: Value = serde_json::from_slice(&token_json).unwrap();
        let plain = decrypt_policy(fields["policy"].as_str().unwrap(), creds.site_key()).unwrap();
        let ours: Value = serde_json::from_slice(&plain).unwrap();
        let mut expected: Value =
            serde_json::from_str(self.doc["primary"]["policy_plaintext"].as_str().unwrap())
                .unwrap();
        let obj = expected.as_object_mut().unwrap();
        if let Some(ext) = obj.remove("external_policy") {
            obj.insert("external_key".into(), ext);
        }
        if let Some(list) = obj
            .get_mut("external_key")
            .and_then(|e| e.get_mut("mpeg_cenc"))
            .and_then(Value::as_array_mut)
        {
            for entry in list {
                let entry = entry.as_object_mut().unwrap();
                if entry.get("iv") == Some(&Value::Null) {
                    entry.remove("iv");
                }
            }
        }
        assert_eq!(ours, expected, "{}: decrypted policy", self.name);
        assert!(!String::from_utf8(plain).unwrap().contains("null"));
    }
}

macro_rules! vectors {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let doc = serde_json::from_str(include_str!(concat!("data/", stringify!($name), ".json"))).unwrap();
                Vector { name: stringify!($name), doc }.check();
            }
        )*
    };
}

vectors!(
    v01_minimal_widevine,
    v02_playback_full_playready,
    v03_security_all_drms_fairplay,
    v05_external_mpeg_cenc_widevine,
    v08_custom_format_key_rotation_playready,
    v09_json_format_widevine,
);

/// The published docs tutorial token (legacy v1 shape): our envelope reproduces it exactly.
#[test]
fn docs_tutorial_v1_legacy() {
    let doc: Value =
        serde_json::from_str(include_str!("data/docs_tutorial_v1_legacy.json")).unwrap();
    let input = |k: &str| doc["inputs"][k].as_str().unwrap().to_owned();
    let key = SiteKey::new(&input("site_key")).unwrap();
    let access = AccessKey::new(input("access_key")).unwrap();
    let field = encrypt_policy(doc["policy_plaintext"].as_str().unwrap().as_bytes(), &key);
    assert_eq!(field, doc["encrypted_policy_b64"].as_str().unwrap());
    let hash = token_hash(
        &access,
        &HashInput {
            drm_type: &input("drm_type"),
            site_id: &input("site_id"),
            user_id: &input("user_id"),
            cid: &input("cid"),
            policy_b64: &field,
            timestamp: &input("timestamp"),
        },
    );
    assert_eq!(hash, doc["hash"].as_str().unwrap());

    // Inspect reads the legacy shape: `token` instead of `policy`.
    let now = Timestamp::parse("2019-07-17T09:07:04Z").unwrap();
    let report = inspect(
        doc["token"].as_str().unwrap(),
        &InspectOptions::new(now).site_key(&key).access_key(&access),
    )
    .unwrap();
    assert!(report.legacy_v1);
    assert!(report.hash.as_ref().unwrap().valid);
    assert_eq!(
        report.policy.as_ref().unwrap().plaintext.as_deref(),
        doc["policy_plaintext"].as_str()
    );
    assert_eq!(report.time.age_seconds, Some(600));
    assert_eq!(report.time.status, TimeStatus::Valid);
}

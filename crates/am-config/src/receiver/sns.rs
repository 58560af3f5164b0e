//! `sns_configs`: upstream's `SNSConfig` (`config/notifiers.go`, v0.28) and prometheus/common
//! `sigv4.SigV4Config` (sigv4 v0.1.0).

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default};
use super::http_config;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::{Secret, serialize_secret_omitempty};
use crate::yaml::YamlPath;

/// Default `subject`.
pub const DEFAULT_SUBJECT: &str = r#"{{ template "sns.default.subject" . }}"#;
/// Default `message`.
pub const DEFAULT_MESSAGE: &str = r#"{{ template "sns.default.message" . }}"#;

/// An `sns_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSnsConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// SNS endpoint override (not checked upstream).
    pub api_url: Option<String>,
    /// AWS request signing.
    pub sigv4: Option<RawSigV4Config>,
    /// Topic to publish to.
    pub topic_arn: Option<String>,
    /// Phone number for SMS.
    pub phone_number: Option<String>,
    /// Mobile endpoint ARN.
    pub target_arn: Option<String>,
    /// Subject.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub subject: Option<String>,
    /// Message.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub message: Option<String>,
    /// Message attributes.
    pub attributes: Option<BTreeMap<String, String>>,
}

/// `sigv4` as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigV4Config {
    /// AWS region.
    pub region: Option<String>,
    /// Access key id.
    pub access_key: Option<String>,
    /// Secret access key.
    pub secret_key: Option<String>,
    /// Named profile.
    pub profile: Option<String>,
    /// Role to assume.
    pub role_arn: Option<String>,
}

/// Validated SigV4 settings: `access_key` and `secret_key` are both set or both empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SigV4Config {
    /// AWS region.
    pub region: String,
    /// Access key id.
    pub access_key: String,
    /// Secret access key.
    pub secret_key: Secret,
    /// Named profile.
    pub profile: String,
    /// Role to assume.
    pub role_arn: String,
}

impl Serialize for SigV4Config {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put_str("region", &self.region)?;
        m.put_str("access_key", &self.access_key)?;
        serialize_secret_omitempty(&mut m, "secret_key", &self.secret_key)?;
        m.put_str("profile", &self.profile)?;
        m.put_str("role_arn", &self.role_arn)?;
        m.end()
    }
}

/// A validated SNS integration. Upstream's target rule is kept as written: the number of
/// empty keys among `topic_arn`, `phone_number` and `target_arn` must be even (so exactly one
/// set passes, and so does, oddly, all three set).
#[derive(Clone, Debug, PartialEq)]
pub struct SnsConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// Endpoint override.
    pub api_url: String,
    /// Signing settings.
    pub sigv4: SigV4Config,
    /// Topic ARN.
    pub topic_arn: String,
    /// Phone number.
    pub phone_number: String,
    /// Target ARN.
    pub target_arn: String,
    /// Subject.
    pub subject: String,
    /// Message.
    pub message: String,
    /// Attributes.
    pub attributes: BTreeMap<String, String>,
}

impl SnsConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawSnsConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<SnsConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let topic_arn = raw.topic_arn.unwrap_or_default();
        let phone_number = raw.phone_number.unwrap_or_default();
        let target_arn = raw.target_arn.unwrap_or_default();
        if (target_arn.is_empty() ^ topic_arn.is_empty()) ^ phone_number.is_empty() {
            errs.push(
                path.clone(),
                "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config",
            );
        }
        let s = raw.sigv4.unwrap_or_default();
        let sigv4 = SigV4Config {
            region: s.region.unwrap_or_default(),
            access_key: s.access_key.unwrap_or_default(),
            secret_key: Secret::new(s.secret_key.unwrap_or_default()),
            profile: s.profile.unwrap_or_default(),
            role_arn: s.role_arn.unwrap_or_default(),
        };
        if sigv4.access_key.is_empty() != sigv4.secret_key.is_empty() {
            errs.push(
                path.key("sigv4"),
                "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config",
            );
        }
        errs.finish(SnsConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            api_url: raw.api_url.unwrap_or_default(),
            sigv4,
            topic_arn,
            phone_number,
            target_arn,
            subject: or_default(raw.subject, DEFAULT_SUBJECT),
            message: or_default(raw.message, DEFAULT_MESSAGE),
            attributes: raw.attributes.unwrap_or_default(),
        })
    }
}

impl Serialize for SnsConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        m.put_str("api_url", &self.api_url)?;
        m.put("sigv4", &self.sigv4)?;
        m.put_str("topic_arn", &self.topic_arn)?;
        m.put_str("phone_number", &self.phone_number)?;
        m.put_str("target_arn", &self.target_arn)?;
        m.put_str("subject", &self.subject)?;
        m.put_str("message", &self.message)?;
        m.put_map("attributes", &self.attributes)?;
        m.end()
    }
}

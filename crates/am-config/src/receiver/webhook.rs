//! `webhook_configs`: upstream's `WebhookConfig` (`config/notifiers.go`, v0.28).

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::secret_url_pair;
use super::common::{Errors, MapExt, RawGoDuration, SignedGoDuration};
use super::http_config;
use super::url::{SecretUrl, SecretUrlSource};
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::REDACTED;
use crate::yaml::YamlPath;

/// A `webhook_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebhookConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global `http_config`).
    pub http_config: Option<RawHttpClientConfig>,
    /// Endpoint (a secret URL).
    pub url: Option<String>,
    /// File holding the endpoint.
    pub url_file: Option<String>,
    /// Most alerts per message; 0 = all.
    pub max_alerts: Option<u64>,
    /// Request timeout (Go duration); 0 = none.
    pub timeout: Option<RawGoDuration>,
}

/// A validated webhook integration.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// The endpoint, inline or from a file.
    pub url: SecretUrlSource,
    /// Most alerts per message; 0 = all.
    pub max_alerts: u64,
    /// Request timeout; 0 = none.
    pub timeout: SignedGoDuration,
}

impl WebhookConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawWebhookConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<WebhookConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let absent = raw.url.is_none() && raw.url_file.as_deref().unwrap_or_default().is_empty();
        if absent {
            errs.push(path.clone(), "one of url or url_file must be configured");
        }
        let url = secret_url_pair(&mut errs, raw.url, raw.url_file, path, ("url", "url_file"));
        let timeout = match raw.timeout {
            Some(t) => errs.take(
                t.resolve()
                    .map_err(|m| ConfigError::at(path.key("timeout"), m)),
            ),
            None => Some(SignedGoDuration(0)),
        };
        let (Some(url), Some(timeout)) = (url, timeout) else {
            return Err(errs.0);
        };
        errs.finish(WebhookConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            url,
            max_alerts: raw.max_alerts.unwrap_or(0),
            timeout,
        })
    }
}

impl Serialize for WebhookConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        // Neither `url` nor `url_file` is omitempty upstream.
        match &self.url {
            SecretUrlSource::Inline(_) => {
                m.put("url", REDACTED)?;
                m.put("url_file", "")?;
            }
            SecretUrlSource::File(f) => {
                m.put("url", &None::<SecretUrl>)?;
                m.put("url_file", &f.to_string_lossy())?;
            }
        }
        m.put("max_alerts", &self.max_alerts)?;
        m.put("timeout", &self.timeout)?;
        m.end()
    }
}

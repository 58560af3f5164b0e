//! `msteams_configs`: upstream's `MSTeamsConfig` (`config/notifiers.go`, v0.28), the Office 365
//! connector integration.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default, put_webhook_url_target, webhook_url_target};
use super::url::SecretUrlSource;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::yaml::YamlPath;

/// Default `title`.
pub const DEFAULT_TITLE: &str = r#"{{ template "msteams.default.title" . }}"#;
/// Default `summary`.
pub const DEFAULT_SUMMARY: &str = r#"{{ template "msteams.default.summary" . }}"#;
/// Default `text`.
pub const DEFAULT_TEXT: &str = r#"{{ template "msteams.default.text" . }}"#;

/// An `msteams_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMsTeamsConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// Incoming webhook URL (secret).
    pub webhook_url: Option<String>,
    /// File holding the webhook URL.
    pub webhook_url_file: Option<String>,
    /// Card title.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title: Option<String>,
    /// Card summary.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub summary: Option<String>,
    /// Card text.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub text: Option<String>,
}

/// A validated Microsoft Teams (connector) integration.
#[derive(Clone, Debug, PartialEq)]
pub struct MsTeamsConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// Webhook URL, inline or from a file.
    pub webhook_url: SecretUrlSource,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Text.
    pub text: String,
}

impl MsTeamsConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawMsTeamsConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<MsTeamsConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let url = (raw.webhook_url, raw.webhook_url_file);
        let target = webhook_url_target(&mut errs, raw.http_config, url, global, path);
        let Some((http_config, webhook_url)) = target else {
            return Err(errs.0);
        };
        errs.finish(MsTeamsConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            webhook_url,
            title: or_default(raw.title, DEFAULT_TITLE),
            summary: or_default(raw.summary, DEFAULT_SUMMARY),
            text: or_default(raw.text, DEFAULT_TEXT),
        })
    }
}

impl Serialize for MsTeamsConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        let (http, url) = (&self.http_config, &self.webhook_url);
        put_webhook_url_target(&mut m, self.send_resolved, http, url)?;
        m.put_str("title", &self.title)?;
        m.put_str("summary", &self.summary)?;
        m.put_str("text", &self.text)?;
        m.end()
    }
}

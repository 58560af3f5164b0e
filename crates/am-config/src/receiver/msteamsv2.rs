//! `msteamsv2_configs`: upstream's `MSTeamsV2Config` (`config/notifiers.go`, v0.28), the
//! Power Automate Workflows (adaptive card) integration.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default, put_secret_url_pair, required_secret_url};
use super::http_config;
use super::url::SecretUrlSource;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::yaml::YamlPath;

/// Default `title`.
pub const DEFAULT_TITLE: &str = r#"{{ template "msteamsv2.default.title" . }}"#;
/// Default `text`.
pub const DEFAULT_TEXT: &str = r#"{{ template "msteamsv2.default.text" . }}"#;

/// An `msteamsv2_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMsTeamsV2Config {
    /// Notify about resolved alerts (default true).
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// Workflow URL (secret).
    pub webhook_url: Option<String>,
    /// File holding the workflow URL.
    pub webhook_url_file: Option<String>,
    /// Card title.
    pub title: Option<String>,
    /// Card text.
    pub text: Option<String>,
}

/// A validated Microsoft Teams (Workflows) integration.
#[derive(Clone, Debug, PartialEq)]
pub struct MsTeamsV2Config {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// Workflow URL, inline or from a file.
    pub webhook_url: SecretUrlSource,
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
}

impl MsTeamsV2Config {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawMsTeamsV2Config,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<MsTeamsV2Config, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let keys = ("webhook_url", "webhook_url_file");
        let url = required_secret_url(&mut errs, raw.webhook_url, raw.webhook_url_file, path, keys);
        let Some(webhook_url) = url else {
            return Err(errs.0);
        };
        errs.finish(MsTeamsV2Config {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            webhook_url,
            title: or_default(raw.title, DEFAULT_TITLE),
            text: or_default(raw.text, DEFAULT_TEXT),
        })
    }
}

impl Serialize for MsTeamsV2Config {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        put_secret_url_pair(
            &mut m,
            Some(&self.webhook_url),
            ("webhook_url", "webhook_url_file"),
        )?;
        m.put_str("title", &self.title)?;
        m.put_str("text", &self.text)?;
        m.end()
    }
}

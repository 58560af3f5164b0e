//! `msteamsv2_configs`: upstream's `MSTeamsV2Config` (`config/notifiers.go`, v0.28), the
//! Power Automate Workflows (adaptive card) integration.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default, put_webhook_url_target, webhook_url_target};
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
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// Workflow URL (secret).
    pub webhook_url: Option<String>,
    /// File holding the workflow URL.
    pub webhook_url_file: Option<String>,
    /// Card title.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title: Option<String>,
    /// Card text.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
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
        let url = (raw.webhook_url, raw.webhook_url_file);
        let target = webhook_url_target(&mut errs, raw.http_config, url, global, path);
        let Some((http_config, webhook_url)) = target else {
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
        let (http, url) = (&self.http_config, &self.webhook_url);
        put_webhook_url_target(&mut m, self.send_resolved, http, url)?;
        m.put_str("title", &self.title)?;
        m.put_str("text", &self.text)?;
        m.end()
    }
}

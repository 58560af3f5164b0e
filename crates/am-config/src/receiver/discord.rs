//! `discord_configs`: upstream's `DiscordConfig` (`config/notifiers.go`, v0.28).

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
pub const DEFAULT_TITLE: &str = r#"{{ template "discord.default.title" . }}"#;
/// Default `message`.
pub const DEFAULT_MESSAGE: &str = r#"{{ template "discord.default.message" . }}"#;

/// A `discord_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDiscordConfig {
    /// Notify about resolved alerts (default true).
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// Webhook URL (secret).
    pub webhook_url: Option<String>,
    /// File holding the webhook URL.
    pub webhook_url_file: Option<String>,
    /// Message content outside the embed.
    pub content: Option<String>,
    /// Embed title.
    pub title: Option<String>,
    /// Embed description.
    pub message: Option<String>,
    /// Bot user name.
    pub username: Option<String>,
    /// Bot avatar URL.
    pub avatar_url: Option<String>,
}

/// A validated Discord integration.
#[derive(Clone, Debug, PartialEq)]
pub struct DiscordConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// Webhook URL, inline or from a file.
    pub webhook_url: SecretUrlSource,
    /// Content.
    pub content: String,
    /// Title.
    pub title: String,
    /// Message.
    pub message: String,
    /// User name.
    pub username: String,
    /// Avatar URL.
    pub avatar_url: String,
}

impl DiscordConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawDiscordConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<DiscordConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let keys = ("webhook_url", "webhook_url_file");
        let url = required_secret_url(&mut errs, raw.webhook_url, raw.webhook_url_file, path, keys);
        let Some(webhook_url) = url else {
            return Err(errs.0);
        };
        errs.finish(DiscordConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            webhook_url,
            content: raw.content.unwrap_or_default(),
            title: or_default(raw.title, DEFAULT_TITLE),
            message: or_default(raw.message, DEFAULT_MESSAGE),
            username: raw.username.unwrap_or_default(),
            avatar_url: raw.avatar_url.unwrap_or_default(),
        })
    }
}

impl Serialize for DiscordConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        put_secret_url_pair(
            &mut m,
            Some(&self.webhook_url),
            ("webhook_url", "webhook_url_file"),
        )?;
        m.put_str("content", &self.content)?;
        m.put_str("title", &self.title)?;
        m.put_str("message", &self.message)?;
        m.put_str("username", &self.username)?;
        m.put_str("avatar_url", &self.avatar_url)?;
        m.end()
    }
}

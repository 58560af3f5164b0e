//! `discord_configs`: upstream's `DiscordConfig` (`config/notifiers.go`, v0.28).

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default, put_webhook_url_target, webhook_url_target};
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
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
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
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title: Option<String>,
    /// Embed description.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
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
        let url = (raw.webhook_url, raw.webhook_url_file);
        let target = webhook_url_target(&mut errs, raw.http_config, url, global, path);
        let Some((http_config, webhook_url)) = target else {
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
        let (http, url) = (&self.http_config, &self.webhook_url);
        put_webhook_url_target(&mut m, self.send_resolved, http, url)?;
        m.put_str("content", &self.content)?;
        m.put_str("title", &self.title)?;
        m.put_str("message", &self.message)?;
        m.put_str("username", &self.username)?;
        m.put_str("avatar_url", &self.avatar_url)?;
        m.end()
    }
}

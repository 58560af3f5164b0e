//! `telegram_configs`: upstream's `TelegramConfig` (`config/notifiers.go`, v0.28), with the API
//! URL inherited from `global.telegram_api_url`.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default, pair, url_field};
use super::http_config;
use super::url::HttpUrl;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::{InlineSet, SecretSource, serialize_pair};
use crate::yaml::YamlPath;

/// Default `message`.
pub const DEFAULT_MESSAGE: &str = r#"{{ template "telegram.default.message" . }}"#;
/// Default `parse_mode`.
pub const DEFAULT_PARSE_MODE: &str = "HTML";

/// A `telegram_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTelegramConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// API URL (default: global `telegram_api_url`).
    pub api_url: Option<String>,
    /// Bot token.
    pub bot_token: Option<String>,
    /// File holding the bot token.
    pub bot_token_file: Option<String>,
    /// Chat id (required, non-zero).
    pub chat_id: Option<i64>,
    /// Forum topic id.
    pub message_thread_id: Option<i64>,
    /// Message template.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub message: Option<String>,
    /// Send silently.
    pub disable_notifications: Option<bool>,
    /// `Markdown`, `MarkdownV2`, `HTML` (default) or empty.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub parse_mode: Option<String>,
}

/// A validated Telegram integration.
#[derive(Clone, Debug, PartialEq)]
pub struct TelegramConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// API URL.
    pub api_url: HttpUrl,
    /// Bot token, inline or from a file.
    pub bot_token: SecretSource,
    /// Chat id (non-zero).
    pub chat_id: i64,
    /// Forum topic id (0 = none).
    pub message_thread_id: i64,
    /// Message.
    pub message: String,
    /// Send silently.
    pub disable_notifications: bool,
    /// Parse mode (`Markdown`, `MarkdownV2`, `HTML` or empty).
    pub parse_mode: String,
}

impl TelegramConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawTelegramConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<TelegramConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let missing = raw.bot_token.as_deref().unwrap_or_default().is_empty()
            && raw.bot_token_file.as_deref().unwrap_or_default().is_empty();
        let bot_token = if missing {
            errs.push(
                path.clone(),
                "missing bot_token or bot_token_file on telegram_config",
            );
            None
        } else {
            let keys = ("bot_token", "bot_token_file");
            pair(
                &mut errs,
                raw.bot_token,
                raw.bot_token_file,
                InlineSet::NonEmpty,
                path,
                keys,
            )
        };
        let chat_id = raw.chat_id.unwrap_or(0);
        if chat_id == 0 {
            errs.push(path.clone(), "missing chat_id on telegram_config");
        }
        let parse_mode = or_default(raw.parse_mode, DEFAULT_PARSE_MODE);
        if !matches!(parse_mode.as_str(), "" | "Markdown" | "MarkdownV2" | "HTML") {
            errs.push(
                path.key("parse_mode"),
                "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string",
            );
        }
        let api_url = match raw.api_url {
            Some(text) => url_field(&mut errs, Some(text), path, "api_url"),
            None => Some(global.telegram_api_url.clone()),
        };
        let (Some(bot_token), Some(api_url)) = (bot_token, api_url) else {
            return Err(errs.0);
        };
        errs.finish(TelegramConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            api_url,
            bot_token,
            chat_id,
            message_thread_id: raw.message_thread_id.unwrap_or(0),
            message: or_default(raw.message, DEFAULT_MESSAGE),
            disable_notifications: raw.disable_notifications.unwrap_or(false),
            parse_mode,
        })
    }
}

impl Serialize for TelegramConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        m.put("api_url", &self.api_url)?;
        serialize_pair(&mut m, Some(&self.bot_token), "bot_token", "bot_token_file")?;
        m.put("chat_id", &self.chat_id)?;
        if self.message_thread_id != 0 {
            m.put("message_thread_id", &self.message_thread_id)?;
        }
        m.put_str("message", &self.message)?;
        m.put_true("disable_notifications", self.disable_notifications)?;
        m.put_str("parse_mode", &self.parse_mode)?;
        m.end()
    }
}

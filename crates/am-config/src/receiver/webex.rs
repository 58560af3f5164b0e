//! `webex_configs`: upstream's `WebexConfig` (`config/notifiers.go`, v0.28), with the API URL
//! inherited from `global.webex_api_url`. The bot token is the `http_config.authorization`
//! credential, which the entry must set itself.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default, url_field};
use super::http_config;
use super::url::HttpUrl;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::yaml::YamlPath;

/// Default `message`.
pub const DEFAULT_MESSAGE: &str = r#"{{ template "webex.default.message" . }}"#;

/// A `webex_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebexConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings; must hold `authorization` (the bot token).
    pub http_config: Option<RawHttpClientConfig>,
    /// API URL (default: global `webex_api_url`).
    pub api_url: Option<String>,
    /// Message template.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub message: Option<String>,
    /// Room id (required; a template).
    pub room_id: Option<String>,
}

/// A validated Webex integration; `http_config` has an `authorization`.
#[derive(Clone, Debug, PartialEq)]
pub struct WebexConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// API URL.
    pub api_url: HttpUrl,
    /// Message.
    pub message: String,
    /// Room id (non-empty).
    pub room_id: String,
}

impl WebexConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawWebexConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<WebexConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let room_id = raw.room_id.unwrap_or_default();
        if room_id.is_empty() {
            errs.push(path.clone(), "missing room_id on webex_config");
        }
        let own = raw.http_config.is_some();
        let before = errs.0.len();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let http_ok = errs.0.len() == before;
        // Only the entry's own `http_config` counts (upstream checks before inheriting).
        if http_ok && (!own || http_config.authorization().is_none()) {
            errs.push(
                path.clone(),
                "missing webex_configs.http_config.authorization",
            );
        }
        let api_url = match raw.api_url {
            Some(text) => url_field(&mut errs, Some(text), path, "api_url"),
            None => Some(global.webex_api_url.clone()),
        };
        let Some(api_url) = api_url else {
            return Err(errs.0);
        };
        errs.finish(WebexConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            api_url,
            message: or_default(raw.message, DEFAULT_MESSAGE),
            room_id,
        })
    }
}

impl Serialize for WebexConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        m.put("api_url", &self.api_url)?;
        m.put_str("message", &self.message)?;
        m.put("room_id", &self.room_id)?;
        m.end()
    }
}

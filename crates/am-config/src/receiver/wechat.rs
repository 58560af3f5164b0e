//! `wechat_configs`: upstream's `WechatConfig` (`config/notifiers.go`, v0.28), with the API
//! URL, secret and corp id inherited from `global`.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::url_field;
use super::common::{Errors, MapExt, or_default};
use super::http_config;
use super::url::HttpUrl;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::{Secret, serialize_secret_omitempty};
use crate::yaml::YamlPath;

/// Default `message`.
pub const DEFAULT_MESSAGE: &str = r#"{{ template "wechat.default.message" . }}"#;
/// Default `to_user`.
pub const DEFAULT_TO_USER: &str = r#"{{ template "wechat.default.to_user" . }}"#;
/// Default `to_party`.
pub const DEFAULT_TO_PARTY: &str = r#"{{ template "wechat.default.to_party" . }}"#;
/// Default `to_tag`.
pub const DEFAULT_TO_TAG: &str = r#"{{ template "wechat.default.to_tag" . }}"#;
/// Default `agent_id`.
pub const DEFAULT_AGENT_ID: &str = r#"{{ template "wechat.default.agent_id" . }}"#;
/// The message types upstream accepts, as its error message prints them.
pub const VALID_MESSAGE_TYPES: &str = "^(text|markdown)$";

/// A `wechat_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWechatConfig {
    /// Notify about resolved alerts (default false).
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// API secret (default: global `wechat_api_secret`).
    pub api_secret: Option<String>,
    /// Corp id (default: global `wechat_api_corp_id`).
    pub corp_id: Option<String>,
    /// Message template.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub message: Option<String>,
    /// API URL (default: global `wechat_api_url`).
    pub api_url: Option<String>,
    /// Recipient users.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub to_user: Option<String>,
    /// Recipient parties.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub to_party: Option<String>,
    /// Recipient tags.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub to_tag: Option<String>,
    /// Agent id.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub agent_id: Option<String>,
    /// `text` (default) or `markdown`.
    pub message_type: Option<String>,
}

/// A validated WeChat integration.
#[derive(Clone, Debug, PartialEq)]
pub struct WechatConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// API secret (non-empty).
    pub api_secret: Secret,
    /// Corp id (non-empty).
    pub corp_id: String,
    /// Message.
    pub message: String,
    /// API URL, ending with `/`.
    pub api_url: HttpUrl,
    /// Recipient users.
    pub to_user: String,
    /// Recipient parties.
    pub to_party: String,
    /// Recipient tags.
    pub to_tag: String,
    /// Agent id.
    pub agent_id: String,
    /// `text` or `markdown`.
    pub message_type: String,
}

impl WechatConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawWechatConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<WechatConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let message_type = raw
            .message_type
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "text".into());
        if message_type != "text" && message_type != "markdown" {
            let msg = format!(
                "weChat message type {} does not match valid options {VALID_MESSAGE_TYPES}",
                am_model::go_quote::quote(&message_type)
            );
            errs.push(path.key("message_type"), msg);
        }
        let api_url = match raw.api_url {
            Some(text) => url_field(&mut errs, Some(text), path, "api_url"),
            None => Some(global.wechat_api_url.clone()),
        };
        let api_secret = match raw.api_secret.filter(|s| !s.is_empty()) {
            Some(s) => Secret::new(s),
            None => global.wechat_api_secret.clone(),
        };
        if api_secret.is_empty() {
            errs.push(path.clone(), "no global Wechat ApiSecret set");
        }
        let corp_id = raw
            .corp_id
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| global.wechat_api_corp_id.clone());
        if corp_id.is_empty() {
            errs.push(path.clone(), "no global Wechat CorpID set");
        }
        let Some(api_url) = api_url else {
            return Err(errs.0);
        };
        errs.finish(WechatConfig {
            send_resolved: raw.send_resolved.unwrap_or(false),
            http_config,
            api_secret,
            corp_id,
            message: or_default(raw.message, DEFAULT_MESSAGE),
            api_url: api_url.with_trailing_slash(),
            to_user: or_default(raw.to_user, DEFAULT_TO_USER),
            to_party: or_default(raw.to_party, DEFAULT_TO_PARTY),
            to_tag: or_default(raw.to_tag, DEFAULT_TO_TAG),
            agent_id: or_default(raw.agent_id, DEFAULT_AGENT_ID),
            message_type,
        })
    }
}

impl Serialize for WechatConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        serialize_secret_omitempty(&mut m, "api_secret", &self.api_secret)?;
        m.put_str("corp_id", &self.corp_id)?;
        m.put_str("message", &self.message)?;
        m.put("api_url", &self.api_url)?;
        m.put_str("to_user", &self.to_user)?;
        m.put_str("to_party", &self.to_party)?;
        m.put_str("to_tag", &self.to_tag)?;
        m.put_str("agent_id", &self.agent_id)?;
        m.put_str("message_type", &self.message_type)?;
        m.end()
    }
}

//! `victorops_configs`: upstream's `VictorOpsConfig` (`config/notifiers.go`, v0.28), with the
//! API URL and key inherited from `global`.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default};
use super::common::{pair, url_field};
use super::http_config;
use super::url::HttpUrl;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::{InlineSet, SecretSource, serialize_pair};
use crate::yaml::YamlPath;

/// Default `message_type`.
pub const DEFAULT_MESSAGE_TYPE: &str = "CRITICAL";
/// Default `state_message`.
pub const DEFAULT_STATE_MESSAGE: &str = r#"{{ template "victorops.default.state_message" . }}"#;
/// Default `entity_display_name`.
pub const DEFAULT_ENTITY_DISPLAY_NAME: &str =
    r#"{{ template "victorops.default.entity_display_name" . }}"#;
/// Default `monitoring_tool`.
pub const DEFAULT_MONITORING_TOOL: &str = r#"{{ template "victorops.default.monitoring_tool" . }}"#;
/// Custom field names that would overwrite the fixed fields of the payload.
pub const RESERVED_FIELDS: [&str; 7] = [
    "routing_key",
    "message_type",
    "state_message",
    "entity_display_name",
    "monitoring_tool",
    "entity_id",
    "entity_state",
];

/// A `victorops_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVictorOpsConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// API key (default: global `victorops_api_key[_file]`).
    pub api_key: Option<String>,
    /// File holding the API key.
    pub api_key_file: Option<String>,
    /// API URL (default: global `victorops_api_url`).
    pub api_url: Option<String>,
    /// Routing key (required).
    pub routing_key: Option<String>,
    /// Message type (default `CRITICAL`).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub message_type: Option<String>,
    /// State message.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub state_message: Option<String>,
    /// Entity display name.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub entity_display_name: Option<String>,
    /// Monitoring tool.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub monitoring_tool: Option<String>,
    /// Extra payload fields.
    pub custom_fields: Option<BTreeMap<String, String>>,
}

/// A validated VictorOps integration.
#[derive(Clone, Debug, PartialEq)]
pub struct VictorOpsConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// API key, inline or from a file.
    pub api_key: SecretSource,
    /// API URL, ending with `/`.
    pub api_url: HttpUrl,
    /// Routing key (non-empty).
    pub routing_key: String,
    /// Message type.
    pub message_type: String,
    /// State message.
    pub state_message: String,
    /// Entity display name.
    pub entity_display_name: String,
    /// Monitoring tool.
    pub monitoring_tool: String,
    /// Extra payload fields (none of [`RESERVED_FIELDS`]).
    pub custom_fields: BTreeMap<String, String>,
}

impl VictorOpsConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawVictorOpsConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<VictorOpsConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let routing_key = raw.routing_key.unwrap_or_default();
        if routing_key.is_empty() {
            errs.push(path.clone(), "missing Routing key in VictorOps config");
        }
        let had_own = !raw.api_key.as_deref().unwrap_or_default().is_empty()
            || !raw.api_key_file.as_deref().unwrap_or_default().is_empty();
        let keys = ("api_key", "api_key_file");
        let own = pair(
            &mut errs,
            raw.api_key,
            raw.api_key_file,
            InlineSet::NonEmpty,
            path,
            keys,
        );
        let custom_fields = raw.custom_fields.unwrap_or_default();
        for name in RESERVED_FIELDS {
            if custom_fields.contains_key(name) {
                let msg = format!(
                    "victorOps config contains custom field {name} which cannot be used as it conflicts with the fixed/static fields"
                );
                errs.push(path.key("custom_fields").key(name), msg);
            }
        }
        let api_url = match raw.api_url {
            Some(text) => url_field(&mut errs, Some(text), path, "api_url"),
            None => Some(global.victorops_api_url.clone()),
        };
        let api_key = match own {
            Some(k) => Some(k),
            None if had_own => None,
            None => {
                if global.victorops_api_key.is_none() {
                    errs.push(path.clone(), "no global VictorOps API Key set");
                }
                global.victorops_api_key.clone()
            }
        };
        let (Some(api_key), Some(api_url)) = (api_key, api_url) else {
            return Err(errs.0);
        };
        errs.finish(VictorOpsConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            api_key,
            api_url: api_url.with_trailing_slash(),
            routing_key,
            message_type: or_default(raw.message_type, DEFAULT_MESSAGE_TYPE),
            state_message: or_default(raw.state_message, DEFAULT_STATE_MESSAGE),
            entity_display_name: or_default(raw.entity_display_name, DEFAULT_ENTITY_DISPLAY_NAME),
            monitoring_tool: or_default(raw.monitoring_tool, DEFAULT_MONITORING_TOOL),
            custom_fields,
        })
    }
}

impl Serialize for VictorOpsConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        serialize_pair(&mut m, Some(&self.api_key), "api_key", "api_key_file")?;
        m.put("api_url", &self.api_url)?;
        m.put("routing_key", &self.routing_key)?;
        m.put("message_type", &self.message_type)?;
        m.put("state_message", &self.state_message)?;
        m.put("entity_display_name", &self.entity_display_name)?;
        m.put("monitoring_tool", &self.monitoring_tool)?;
        m.put_map("custom_fields", &self.custom_fields)?;
        m.end()
    }
}

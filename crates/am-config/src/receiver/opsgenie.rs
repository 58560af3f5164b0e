//! `opsgenie_configs`: upstream's `OpsGenieConfig` and `OpsGenieConfigResponder`
//! (`config/notifiers.go`, v0.28), with the API URL and key inherited from `global`.

use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, check_template_delims, or_default};
use super::common::{pair, url_field};
use super::http_config;
use super::url::HttpUrl;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::{InlineSet, SecretSource, serialize_pair};
use crate::yaml::YamlPath;

/// Default `message`.
pub const DEFAULT_MESSAGE: &str = r#"{{ template "opsgenie.default.message" . }}"#;
/// Default `description`.
pub const DEFAULT_DESCRIPTION: &str = r#"{{ template "opsgenie.default.description" . }}"#;
/// Default `source`.
pub const DEFAULT_SOURCE: &str = r#"{{ template "opsgenie.default.source" . }}"#;
/// The responder types upstream accepts (after lowercasing), as its error message prints them.
pub const VALID_RESPONDER_TYPES: &str = "^(team|teams|user|escalation|schedule)$";

/// An `opsgenie_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOpsGenieConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// API key (default: global `opsgenie_api_key[_file]`).
    pub api_key: Option<String>,
    /// File holding the API key.
    pub api_key_file: Option<String>,
    /// API URL (default: global `opsgenie_api_url`).
    pub api_url: Option<String>,
    /// Alert message.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub message: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub description: Option<String>,
    /// Source.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub source: Option<String>,
    /// Extra details.
    pub details: Option<BTreeMap<String, String>>,
    /// Entity.
    pub entity: Option<String>,
    /// Responders.
    pub responders: Option<Vec<RawOpsGenieResponder>>,
    /// Comma-separated actions.
    pub actions: Option<String>,
    /// Comma-separated tags.
    pub tags: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Priority.
    pub priority: Option<String>,
    /// Update existing alerts' message and description.
    pub update_alerts: Option<bool>,
}

/// A responder as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOpsGenieResponder {
    /// Responder id.
    pub id: Option<String>,
    /// Responder name.
    pub name: Option<String>,
    /// Responder user name.
    pub username: Option<String>,
    /// `team`, `teams`, `user`, `escalation`, `schedule`, or a template.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A validated responder: at least one of `id`, `name`, `username` is set; `kind` is a valid
/// type in any letter case, or a template. It keeps the case written (as upstream prints it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OpsGenieResponder {
    /// Responder id.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Responder name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Responder user name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// Type.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// A validated OpsGenie integration.
#[derive(Clone, Debug, PartialEq)]
pub struct OpsGenieConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// API key, inline or from a file.
    pub api_key: SecretSource,
    /// API URL, ending with `/`.
    pub api_url: HttpUrl,
    /// Message.
    pub message: String,
    /// Description.
    pub description: String,
    /// Source.
    pub source: String,
    /// Details.
    pub details: BTreeMap<String, String>,
    /// Entity.
    pub entity: String,
    /// Responders.
    pub responders: Vec<OpsGenieResponder>,
    /// Actions.
    pub actions: String,
    /// Tags.
    pub tags: String,
    /// Note.
    pub note: String,
    /// Priority.
    pub priority: String,
    /// Update existing alerts.
    pub update_alerts: bool,
}

fn responder(raw: RawOpsGenieResponder, path: &YamlPath, errs: &mut Errors) -> OpsGenieResponder {
    let r = OpsGenieResponder {
        id: raw.id.unwrap_or_default(),
        name: raw.name.unwrap_or_default(),
        username: raw.username.unwrap_or_default(),
        kind: raw.kind.unwrap_or_default(),
    };
    // Upstream prints the responder with Go's `%v`: `{id name username type}`.
    let show = |kind: &str| format!("{{{} {} {} {}}}", r.id, r.name, r.username, kind);
    if r.id.is_empty() && r.username.is_empty() && r.name.is_empty() {
        let msg = format!(
            "opsGenieConfig responder {} has to have at least one of id, username or name specified",
            show(&r.kind)
        );
        errs.push(path.clone(), msg);
    }
    if r.kind.contains("{{") {
        if let Err(e) = check_template_delims(&r.kind) {
            let msg = format!(
                "opsGenieConfig responder {} type is not a valid template: {e}",
                show(&r.kind)
            );
            errs.push(path.key("type"), msg);
        }
    } else {
        let lower = r.kind.to_lowercase();
        if !matches!(
            lower.as_str(),
            "team" | "teams" | "user" | "escalation" | "schedule"
        ) {
            let msg = format!(
                "opsGenieConfig responder {} type does not match valid options {VALID_RESPONDER_TYPES}",
                show(&lower)
            );
            errs.push(path.key("type"), msg);
        }
    }
    r
}

impl OpsGenieConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawOpsGenieConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<OpsGenieConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
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
        let api_key = match own {
            Some(k) => Some(k),
            None if had_own => None,
            None => {
                if global.opsgenie_api_key.is_none() {
                    errs.push(
                        path.clone(),
                        "no global OpsGenie API Key set either inline or in a file",
                    );
                }
                global.opsgenie_api_key.clone()
            }
        };
        let api_url = match raw.api_url {
            Some(text) => url_field(&mut errs, Some(text), path, "api_url"),
            None => Some(global.opsgenie_api_url.clone()),
        };
        let responders_path = path.key("responders");
        let responders = (raw.responders.unwrap_or_default().into_iter().enumerate())
            .map(|(i, r)| responder(r, &responders_path.index(i), &mut errs))
            .collect();
        let (Some(api_key), Some(api_url)) = (api_key, api_url) else {
            return Err(errs.0);
        };
        errs.finish(OpsGenieConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            api_key,
            api_url: api_url.with_trailing_slash(),
            message: or_default(raw.message, DEFAULT_MESSAGE),
            description: or_default(raw.description, DEFAULT_DESCRIPTION),
            source: or_default(raw.source, DEFAULT_SOURCE),
            details: raw.details.unwrap_or_default(),
            entity: raw.entity.unwrap_or_default(),
            responders,
            actions: raw.actions.unwrap_or_default(),
            tags: raw.tags.unwrap_or_default(),
            note: raw.note.unwrap_or_default(),
            priority: raw.priority.unwrap_or_default(),
            update_alerts: raw.update_alerts.unwrap_or(false),
        })
    }
}

impl Serialize for OpsGenieConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        serialize_pair(&mut m, Some(&self.api_key), "api_key", "api_key_file")?;
        m.put("api_url", &self.api_url)?;
        m.put_str("message", &self.message)?;
        m.put_str("description", &self.description)?;
        m.put_str("source", &self.source)?;
        m.put_map("details", &self.details)?;
        m.put_str("entity", &self.entity)?;
        m.put_list("responders", &self.responders)?;
        m.put_str("actions", &self.actions)?;
        m.put_str("tags", &self.tags)?;
        m.put_str("note", &self.note)?;
        m.put_str("priority", &self.priority)?;
        m.put_true("update_alerts", self.update_alerts)?;
        m.end()
    }
}

//! `jira_configs`: upstream's `JiraConfig` (`config/notifiers.go`, v0.28), with the API URL
//! inherited from `global.jira_api_url`.

use std::collections::BTreeMap;
use std::str::FromStr;

use am_model::duration::PromDuration;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default, url_field};
use super::http_config;
use super::url::HttpUrl;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::yaml::YamlPath;

/// Default `summary`.
pub const DEFAULT_SUMMARY: &str = r#"{{ template "jira.default.summary" . }}"#;
/// Default `description`.
pub const DEFAULT_DESCRIPTION: &str = r#"{{ template "jira.default.description" . }}"#;
/// Default `priority`.
pub const DEFAULT_PRIORITY: &str = r#"{{ template "jira.default.priority" . }}"#;

/// A `jira_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJiraConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// API URL (default: global `jira_api_url`).
    pub api_url: Option<String>,
    /// Project key (required).
    pub project: Option<String>,
    /// Issue summary template.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub summary: Option<String>,
    /// Issue description template.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub description: Option<String>,
    /// Issue labels (templates).
    pub labels: Option<Vec<String>>,
    /// Issue priority template.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub priority: Option<String>,
    /// Issue type (required).
    pub issue_type: Option<String>,
    /// Transition used to reopen an issue.
    pub reopen_transition: Option<String>,
    /// Transition used to resolve an issue.
    pub resolve_transition: Option<String>,
    /// Resolution meaning "won't fix" (such issues are not reopened).
    pub wont_fix_resolution: Option<String>,
    /// Reopen resolved issues younger than this (Prometheus duration).
    pub reopen_duration: Option<String>,
    /// Extra issue fields (any YAML values).
    pub fields: Option<BTreeMap<String, serde_json::Value>>,
}

/// A validated Jira integration.
#[derive(Clone, Debug, PartialEq)]
pub struct JiraConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// API URL.
    pub api_url: HttpUrl,
    /// Project key (non-empty).
    pub project: String,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Labels.
    pub labels: Vec<String>,
    /// Priority.
    pub priority: String,
    /// Issue type (non-empty).
    pub issue_type: String,
    /// Reopen transition.
    pub reopen_transition: String,
    /// Resolve transition.
    pub resolve_transition: String,
    /// "Won't fix" resolution.
    pub wont_fix_resolution: String,
    /// Window within which a resolved issue is reopened rather than a new one created.
    pub reopen_duration: PromDuration,
    /// Extra fields; nested mappings have sorted keys.
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// Sorts mapping keys recursively (yaml.v2 prints maps sorted).
fn sorted(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(sorted).collect())
        }
        other => other,
    }
}

impl JiraConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawJiraConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<JiraConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let project = raw.project.unwrap_or_default();
        if project.is_empty() {
            errs.push(path.clone(), "missing project in jira_config");
        }
        let issue_type = raw.issue_type.unwrap_or_default();
        if issue_type.is_empty() {
            errs.push(path.clone(), "missing issue_type in jira_config");
        }
        let reopen_duration = match raw.reopen_duration {
            Some(text) => errs
                .take(
                    PromDuration::from_str(&text)
                        .map_err(|e| ConfigError::at(path.key("reopen_duration"), e.to_string())),
                )
                .unwrap_or_default(),
            None => PromDuration::ZERO,
        };
        let api_url = match raw.api_url {
            Some(text) => url_field(&mut errs, Some(text), path, "api_url"),
            None => {
                if global.jira_api_url.is_none() {
                    errs.push(path.clone(), "no global Jira Cloud URL set");
                }
                global.jira_api_url.clone()
            }
        };
        let fields = raw
            .fields
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, sorted(v)));
        let Some(api_url) = api_url else {
            return Err(errs.0);
        };
        errs.finish(JiraConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            api_url,
            project,
            summary: or_default(raw.summary, DEFAULT_SUMMARY),
            description: or_default(raw.description, DEFAULT_DESCRIPTION),
            labels: raw.labels.unwrap_or_default(),
            priority: or_default(raw.priority, DEFAULT_PRIORITY),
            issue_type,
            reopen_transition: raw.reopen_transition.unwrap_or_default(),
            resolve_transition: raw.resolve_transition.unwrap_or_default(),
            wont_fix_resolution: raw.wont_fix_resolution.unwrap_or_default(),
            reopen_duration,
            fields: fields.collect(),
        })
    }
}

impl Serialize for JiraConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        m.put("api_url", &self.api_url)?;
        m.put_str("project", &self.project)?;
        m.put_str("summary", &self.summary)?;
        m.put_str("description", &self.description)?;
        m.put_list("labels", &self.labels)?;
        m.put_str("priority", &self.priority)?;
        m.put_str("issue_type", &self.issue_type)?;
        m.put_str("reopen_transition", &self.reopen_transition)?;
        m.put_str("resolve_transition", &self.resolve_transition)?;
        m.put_str("wont_fix_resolution", &self.wont_fix_resolution)?;
        if self.reopen_duration != PromDuration::ZERO {
            m.put("reopen_duration", &self.reopen_duration.to_string())?;
        }
        m.put_map("fields", &self.fields)?;
        m.end()
    }
}

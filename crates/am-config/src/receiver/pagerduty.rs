//! `pagerduty_configs`: upstream's `PagerdutyConfig`, `PagerdutyImage`, `PagerdutyLink` and
//! `DefaultPagerdutyDetails` (`config/notifiers.go`, v0.28), with the URL inherited from
//! `global.pagerduty_url`.

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

/// Default `description`.
pub const DEFAULT_DESCRIPTION: &str = r#"{{ template "pagerduty.default.description" .}}"#;
/// Default `client`.
pub const DEFAULT_CLIENT: &str = r#"{{ template "pagerduty.default.client" . }}"#;
/// Default `client_url`.
pub const DEFAULT_CLIENT_URL: &str = r#"{{ template "pagerduty.default.clientURL" . }}"#;
/// Details added unless the configuration sets the same key.
pub const DEFAULT_DETAILS: [(&str, &str); 4] = [
    (
        "firing",
        r#"{{ template "pagerduty.default.instances" .Alerts.Firing }}"#,
    ),
    ("num_firing", "{{ .Alerts.Firing | len }}"),
    ("num_resolved", "{{ .Alerts.Resolved | len }}"),
    (
        "resolved",
        r#"{{ template "pagerduty.default.instances" .Alerts.Resolved }}"#,
    ),
];

/// A `pagerduty_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPagerdutyConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// Integration key for the "Prometheus" integration type (Events API v1).
    pub service_key: Option<String>,
    /// File holding the service key.
    pub service_key_file: Option<String>,
    /// Integration key for Events API v2.
    pub routing_key: Option<String>,
    /// File holding the routing key.
    pub routing_key_file: Option<String>,
    /// Events URL (default: global `pagerduty_url`).
    pub url: Option<String>,
    /// Client name.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub client: Option<String>,
    /// Client URL.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub client_url: Option<String>,
    /// Description.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub description: Option<String>,
    /// Custom details.
    pub details: Option<BTreeMap<String, String>>,
    /// Images.
    pub images: Option<Vec<RawPagerdutyImage>>,
    /// Links.
    pub links: Option<Vec<RawPagerdutyLink>>,
    /// Source (default: `client`).
    pub source: Option<String>,
    /// Severity.
    pub severity: Option<String>,
    /// Class.
    pub class: Option<String>,
    /// Component.
    pub component: Option<String>,
    /// Group.
    pub group: Option<String>,
}

/// A PagerDuty image as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPagerdutyImage {
    /// Image source.
    pub src: Option<String>,
    /// Alt text.
    pub alt: Option<String>,
    /// Link.
    pub href: Option<String>,
}

/// A PagerDuty link as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPagerdutyLink {
    /// Target.
    pub href: Option<String>,
    /// Text.
    pub text: Option<String>,
}

/// A PagerDuty image (no checks upstream).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PagerdutyImage {
    /// Image source.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub src: String,
    /// Alt text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub alt: String,
    /// Link.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub href: String,
}

/// A PagerDuty link (no checks upstream).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PagerdutyLink {
    /// Target.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub href: String,
    /// Text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// A validated PagerDuty integration. At least one of `service_key` and `routing_key` is set
/// (upstream uses the service key, i.e. Events API v1, when both are).
#[derive(Clone, Debug, PartialEq)]
pub struct PagerdutyConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// Events API v1 key.
    pub service_key: Option<SecretSource>,
    /// Events API v2 key.
    pub routing_key: Option<SecretSource>,
    /// Events URL.
    pub url: HttpUrl,
    /// Client.
    pub client: String,
    /// Client URL.
    pub client_url: String,
    /// Description.
    pub description: String,
    /// Details, with [`DEFAULT_DETAILS`] merged in.
    pub details: BTreeMap<String, String>,
    /// Images.
    pub images: Vec<PagerdutyImage>,
    /// Links.
    pub links: Vec<PagerdutyLink>,
    /// Source.
    pub source: String,
    /// Severity.
    pub severity: String,
    /// Class.
    pub class: String,
    /// Component.
    pub component: String,
    /// Group.
    pub group: String,
}

impl PagerdutyConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawPagerdutyConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<PagerdutyConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let empty = |v: &Option<String>| v.as_deref().unwrap_or_default().is_empty();
        if empty(&raw.routing_key)
            && empty(&raw.service_key)
            && empty(&raw.routing_key_file)
            && empty(&raw.service_key_file)
        {
            errs.push(
                path.clone(),
                "missing service or routing key in PagerDuty config",
            );
        }
        let ne = InlineSet::NonEmpty;
        let keys = ("routing_key", "routing_key_file");
        let routing_key = pair(
            &mut errs,
            raw.routing_key,
            raw.routing_key_file,
            ne,
            path,
            keys,
        );
        let keys = ("service_key", "service_key_file");
        let service_key = pair(
            &mut errs,
            raw.service_key,
            raw.service_key_file,
            ne,
            path,
            keys,
        );
        let url = match raw.url {
            Some(text) => url_field(&mut errs, Some(text), path, "url"),
            None => Some(global.pagerduty_url.clone()),
        };
        let mut details = raw.details.unwrap_or_default();
        for (k, v) in DEFAULT_DETAILS {
            details
                .entry(k.to_string())
                .or_insert_with(|| v.to_string());
        }
        let client = or_default(raw.client, DEFAULT_CLIENT);
        let source = raw
            .source
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| client.clone());
        let Some(url) = url else { return Err(errs.0) };
        errs.finish(PagerdutyConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            service_key,
            routing_key,
            url,
            client,
            client_url: or_default(raw.client_url, DEFAULT_CLIENT_URL),
            description: or_default(raw.description, DEFAULT_DESCRIPTION),
            details,
            images: (raw.images.unwrap_or_default().into_iter())
                .map(|i| PagerdutyImage {
                    src: i.src.unwrap_or_default(),
                    alt: i.alt.unwrap_or_default(),
                    href: i.href.unwrap_or_default(),
                })
                .collect(),
            links: (raw.links.unwrap_or_default().into_iter())
                .map(|l| PagerdutyLink {
                    href: l.href.unwrap_or_default(),
                    text: l.text.unwrap_or_default(),
                })
                .collect(),
            source,
            severity: raw.severity.unwrap_or_default(),
            class: raw.class.unwrap_or_default(),
            component: raw.component.unwrap_or_default(),
            group: raw.group.unwrap_or_default(),
        })
    }
}

impl Serialize for PagerdutyConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        serialize_pair(
            &mut m,
            self.service_key.as_ref(),
            "service_key",
            "service_key_file",
        )?;
        serialize_pair(
            &mut m,
            self.routing_key.as_ref(),
            "routing_key",
            "routing_key_file",
        )?;
        m.put("url", &self.url)?;
        m.put_str("client", &self.client)?;
        m.put_str("client_url", &self.client_url)?;
        m.put_str("description", &self.description)?;
        m.put_map("details", &self.details)?;
        m.put_list("images", &self.images)?;
        m.put_list("links", &self.links)?;
        m.put_str("source", &self.source)?;
        m.put_str("severity", &self.severity)?;
        m.put_str("class", &self.class)?;
        m.put_str("component", &self.component)?;
        m.put_str("group", &self.group)?;
        m.end()
    }
}

//! `slack_configs`: upstream's `SlackConfig`, `SlackField`, `SlackAction` and
//! `SlackConfirmationField` (`config/notifiers.go`, v0.28), with the API URL inherited from
//! `global.slack_api_url[_file]`.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::{Errors, MapExt, or_default};
use super::common::{put_secret_url_pair, secret_url_pair};
use super::http_config;
use super::url::SecretUrlSource;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::yaml::YamlPath;

/// Default `color`.
pub const DEFAULT_COLOR: &str = r#"{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}"#;
/// Default `username`.
pub const DEFAULT_USERNAME: &str = r#"{{ template "slack.default.username" . }}"#;
/// Default `title`.
pub const DEFAULT_TITLE: &str = r#"{{ template "slack.default.title" . }}"#;
/// Default `title_link`.
pub const DEFAULT_TITLE_LINK: &str = r#"{{ template "slack.default.titlelink" . }}"#;
/// Default `icon_emoji`.
pub const DEFAULT_ICON_EMOJI: &str = r#"{{ template "slack.default.iconemoji" . }}"#;
/// Default `icon_url`.
pub const DEFAULT_ICON_URL: &str = r#"{{ template "slack.default.iconurl" . }}"#;
/// Default `pretext`.
pub const DEFAULT_PRETEXT: &str = r#"{{ template "slack.default.pretext" . }}"#;
/// Default `text`.
pub const DEFAULT_TEXT: &str = r#"{{ template "slack.default.text" . }}"#;
/// Default `fallback`.
pub const DEFAULT_FALLBACK: &str = r#"{{ template "slack.default.fallback" . }}"#;
/// Default `callback_id`.
pub const DEFAULT_CALLBACK_ID: &str = r#"{{ template "slack.default.callbackid" . }}"#;
/// Default `footer`.
pub const DEFAULT_FOOTER: &str = r#"{{ template "slack.default.footer" . }}"#;

/// A `slack_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlackConfig {
    /// Notify about resolved alerts (default false).
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// Webhook URL (secret; default: global `slack_api_url`).
    pub api_url: Option<String>,
    /// File holding the webhook URL.
    pub api_url_file: Option<String>,
    /// Channel override.
    pub channel: Option<String>,
    /// Bot user name.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub username: Option<String>,
    /// Attachment colour.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub color: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title: Option<String>,
    /// Title link.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title_link: Option<String>,
    /// Pretext.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub pretext: Option<String>,
    /// Text.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub text: Option<String>,
    /// Attachment fields.
    pub fields: Option<Vec<RawSlackField>>,
    /// Default `short` for fields.
    pub short_fields: Option<bool>,
    /// Footer.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub footer: Option<String>,
    /// Fallback text.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub fallback: Option<String>,
    /// Callback id.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub callback_id: Option<String>,
    /// Icon emoji.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub icon_emoji: Option<String>,
    /// Icon URL.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub icon_url: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Thumbnail URL.
    pub thumb_url: Option<String>,
    /// Link channel names and users.
    pub link_names: Option<bool>,
    /// Fields rendered as markdown.
    pub mrkdwn_in: Option<Vec<String>>,
    /// Buttons.
    pub actions: Option<Vec<RawSlackAction>>,
}

/// A Slack attachment field as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlackField {
    /// Title (required).
    pub title: Option<String>,
    /// Value (required).
    pub value: Option<String>,
    /// Short enough to sit beside another field.
    pub short: Option<bool>,
}

/// A Slack action as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlackAction {
    /// Action type (required).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Button text (required).
    pub text: Option<String>,
    /// Link button URL.
    pub url: Option<String>,
    /// Button style.
    pub style: Option<String>,
    /// Message action name.
    pub name: Option<String>,
    /// Message action value.
    pub value: Option<String>,
    /// Confirmation dialog.
    pub confirm: Option<RawSlackConfirmationField>,
}

/// A Slack confirmation dialog as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlackConfirmationField {
    /// Text (required).
    pub text: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// OK button text.
    pub ok_text: Option<String>,
    /// Dismiss button text.
    pub dismiss_text: Option<String>,
}

/// A validated Slack field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlackField {
    /// Title (non-empty).
    pub title: String,
    /// Value (non-empty).
    pub value: String,
    /// Short override.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short: Option<bool>,
}

/// A validated Slack confirmation dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlackConfirmationField {
    /// Text (non-empty).
    pub text: String,
    /// Title.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// OK button text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ok_text: String,
    /// Dismiss button text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dismiss_text: String,
}

/// A validated Slack action: a link button (`url` set; `name`, `value`, `confirm` cleared)
/// or a message action (`name` set, `url` empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlackAction {
    /// Action type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Button text.
    pub text: String,
    /// Link URL.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Style.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub style: String,
    /// Message action name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Message action value.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// Confirmation dialog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm: Option<SlackConfirmationField>,
}

/// A validated Slack integration.
#[derive(Clone, Debug, PartialEq)]
pub struct SlackConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// Webhook URL, inline or from a file.
    pub api_url: SecretUrlSource,
    /// Channel override.
    pub channel: String,
    /// Bot user name.
    pub username: String,
    /// Colour.
    pub color: String,
    /// Title.
    pub title: String,
    /// Title link.
    pub title_link: String,
    /// Pretext.
    pub pretext: String,
    /// Text.
    pub text: String,
    /// Fields.
    pub fields: Vec<SlackField>,
    /// Default `short` for fields.
    pub short_fields: bool,
    /// Footer.
    pub footer: String,
    /// Fallback.
    pub fallback: String,
    /// Callback id.
    pub callback_id: String,
    /// Icon emoji.
    pub icon_emoji: String,
    /// Icon URL.
    pub icon_url: String,
    /// Image URL.
    pub image_url: String,
    /// Thumbnail URL.
    pub thumb_url: String,
    /// Link names.
    pub link_names: bool,
    /// Markdown fields.
    pub mrkdwn_in: Vec<String>,
    /// Actions.
    pub actions: Vec<SlackAction>,
}

fn field(raw: RawSlackField, path: &YamlPath, errs: &mut Errors) -> SlackField {
    let title = raw.title.unwrap_or_default();
    let value = raw.value.unwrap_or_default();
    if title.is_empty() {
        errs.push(path.clone(), "missing title in Slack field configuration");
    }
    if value.is_empty() {
        errs.push(path.clone(), "missing value in Slack field configuration");
    }
    SlackField {
        title,
        value,
        short: raw.short,
    }
}

fn action(raw: RawSlackAction, path: &YamlPath, errs: &mut Errors) -> SlackAction {
    let kind = raw.kind.unwrap_or_default();
    let text = raw.text.unwrap_or_default();
    if kind.is_empty() {
        errs.push(path.clone(), "missing type in Slack action configuration");
    }
    if text.is_empty() {
        errs.push(path.clone(), "missing text in Slack action configuration");
    }
    let confirm = raw.confirm.map(|c| {
        let text = c.text.unwrap_or_default();
        if text.is_empty() {
            errs.push(
                path.key("confirm"),
                "missing text in Slack confirmation configuration",
            );
        }
        SlackConfirmationField {
            text,
            title: c.title.unwrap_or_default(),
            ok_text: c.ok_text.unwrap_or_default(),
            dismiss_text: c.dismiss_text.unwrap_or_default(),
        }
    });
    let url = raw.url.unwrap_or_default();
    let name = raw.name.unwrap_or_default();
    let style = raw.style.unwrap_or_default();
    if !url.is_empty() {
        SlackAction {
            kind,
            text,
            url,
            style,
            name: String::new(),
            value: String::new(),
            confirm: None,
        }
    } else {
        if name.is_empty() {
            errs.push(
                path.clone(),
                "missing name or url in Slack action configuration",
            );
        }
        let value = raw.value.unwrap_or_default();
        SlackAction {
            kind,
            text,
            url,
            style,
            name,
            value,
            confirm,
        }
    }
}

impl SlackConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawSlackConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<SlackConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let keys = ("api_url", "api_url_file");
        let had_own =
            raw.api_url.is_some() || raw.api_url_file.as_ref().is_some_and(|f| !f.is_empty());
        let own = secret_url_pair(&mut errs, raw.api_url, raw.api_url_file, path, keys);
        let api_url = match own {
            Some(u) => Some(u),
            None if had_own => None,
            None => {
                if global.slack_api_url.is_none() {
                    errs.push(
                        path.clone(),
                        "no global Slack API URL set either inline or in a file",
                    );
                }
                global.slack_api_url.clone()
            }
        };
        let fields_path = path.key("fields");
        let fields = (raw.fields.unwrap_or_default().into_iter().enumerate())
            .map(|(i, f)| field(f, &fields_path.index(i), &mut errs))
            .collect();
        let actions_path = path.key("actions");
        let actions = (raw.actions.unwrap_or_default().into_iter().enumerate())
            .map(|(i, a)| action(a, &actions_path.index(i), &mut errs))
            .collect();
        let Some(api_url) = api_url else {
            return Err(errs.0);
        };
        errs.finish(SlackConfig {
            send_resolved: raw.send_resolved.unwrap_or(false),
            http_config,
            api_url,
            channel: raw.channel.unwrap_or_default(),
            username: or_default(raw.username, DEFAULT_USERNAME),
            color: or_default(raw.color, DEFAULT_COLOR),
            title: or_default(raw.title, DEFAULT_TITLE),
            title_link: or_default(raw.title_link, DEFAULT_TITLE_LINK),
            pretext: or_default(raw.pretext, DEFAULT_PRETEXT),
            text: or_default(raw.text, DEFAULT_TEXT),
            fields,
            short_fields: raw.short_fields.unwrap_or(false),
            footer: or_default(raw.footer, DEFAULT_FOOTER),
            fallback: or_default(raw.fallback, DEFAULT_FALLBACK),
            callback_id: or_default(raw.callback_id, DEFAULT_CALLBACK_ID),
            icon_emoji: or_default(raw.icon_emoji, DEFAULT_ICON_EMOJI),
            icon_url: or_default(raw.icon_url, DEFAULT_ICON_URL),
            image_url: raw.image_url.unwrap_or_default(),
            thumb_url: raw.thumb_url.unwrap_or_default(),
            link_names: raw.link_names.unwrap_or(false),
            mrkdwn_in: raw.mrkdwn_in.unwrap_or_default(),
            actions,
        })
    }
}

impl Serialize for SlackConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        put_secret_url_pair(&mut m, Some(&self.api_url), ("api_url", "api_url_file"))?;
        m.put_str("channel", &self.channel)?;
        m.put_str("username", &self.username)?;
        m.put_str("color", &self.color)?;
        m.put_str("title", &self.title)?;
        m.put_str("title_link", &self.title_link)?;
        m.put_str("pretext", &self.pretext)?;
        m.put_str("text", &self.text)?;
        m.put_list("fields", &self.fields)?;
        m.put("short_fields", &self.short_fields)?;
        m.put_str("footer", &self.footer)?;
        m.put_str("fallback", &self.fallback)?;
        m.put_str("callback_id", &self.callback_id)?;
        m.put_str("icon_emoji", &self.icon_emoji)?;
        m.put_str("icon_url", &self.icon_url)?;
        m.put_str("image_url", &self.image_url)?;
        m.put_str("thumb_url", &self.thumb_url)?;
        m.put("link_names", &self.link_names)?;
        m.put_list("mrkdwn_in", &self.mrkdwn_in)?;
        m.put_list("actions", &self.actions)?;
        m.end()
    }
}

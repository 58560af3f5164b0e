//! `rocketchat_configs`: upstream's `RocketchatConfig`, `RocketchatAttachmentField` and
//! `RocketchatAttachmentAction` (`config/notifiers.go`, v0.28), with the API URL, token and
//! token id inherited from `global`.
//!
//! The attachment field and action types have no yaml tags upstream, so yaml.v2 uses the Go
//! field names lowercased (`imageurl`, `iswebview`, `msginchatwindow`, ...) and prints every
//! key (no `omitempty`).

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

/// Default `color`.
pub const DEFAULT_COLOR: &str = r#"{{ if eq .Status "firing" }}red{{ else }}green{{ end }}"#;
/// Default `emoji`.
pub const DEFAULT_EMOJI: &str = r#"{{ template "rocketchat.default.emoji" . }}"#;
/// Default `icon_url`.
pub const DEFAULT_ICON_URL: &str = r#"{{ template "rocketchat.default.iconurl" . }}"#;
/// Default `text`.
pub const DEFAULT_TEXT: &str = r#"{{ template "rocketchat.default.text" . }}"#;
/// Default `title`.
pub const DEFAULT_TITLE: &str = r#"{{ template "rocketchat.default.title" . }}"#;
/// Default `title_link`.
pub const DEFAULT_TITLE_LINK: &str = r#"{{ template "rocketchat.default.titlelink" . }}"#;

/// A `rocketchat_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRocketchatConfig {
    /// Notify about resolved alerts (default false).
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// API URL (default: global `rocketchat_api_url`).
    pub api_url: Option<String>,
    /// Token id (default: global `rocketchat_token_id[_file]`).
    pub token_id: Option<String>,
    /// File holding the token id.
    pub token_id_file: Option<String>,
    /// Token (default: global `rocketchat_token[_file]`).
    pub token: Option<String>,
    /// File holding the token.
    pub token_file: Option<String>,
    /// Channel override.
    pub channel: Option<String>,
    /// Colour.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub color: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title: Option<String>,
    /// Title link.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title_link: Option<String>,
    /// Text.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub text: Option<String>,
    /// Attachment fields.
    pub fields: Option<Vec<RawRocketchatField>>,
    /// Default `short` for fields.
    pub short_fields: Option<bool>,
    /// Emoji.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub emoji: Option<String>,
    /// Icon URL.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub icon_url: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Thumbnail URL.
    pub thumb_url: Option<String>,
    /// Link names.
    pub link_names: Option<bool>,
    /// Buttons.
    pub actions: Option<Vec<RawRocketchatAction>>,
}

/// An attachment field as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRocketchatField {
    /// Short.
    pub short: Option<bool>,
    /// Title.
    pub title: Option<String>,
    /// Value.
    pub value: Option<String>,
}

/// An attachment action as written (keys are Go field names lowercased).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRocketchatAction {
    /// Type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Text.
    pub text: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Image URL.
    pub imageurl: Option<String>,
    /// Open in a web view.
    pub iswebview: Option<bool>,
    /// Web view height ratio.
    pub webviewheightratio: Option<String>,
    /// Message.
    pub msg: Option<String>,
    /// Show the message in the chat window.
    pub msginchatwindow: Option<bool>,
    /// Message processing type.
    pub msgprocessingtype: Option<String>,
}

/// A validated attachment field (no checks upstream).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RocketchatField {
    /// Short.
    pub short: Option<bool>,
    /// Title.
    pub title: String,
    /// Value.
    pub value: String,
}

/// A validated attachment action (no checks upstream).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RocketchatAction {
    /// Type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Text.
    pub text: String,
    /// URL.
    pub url: String,
    /// Image URL.
    pub imageurl: String,
    /// Open in a web view.
    pub iswebview: bool,
    /// Web view height ratio.
    pub webviewheightratio: String,
    /// Message.
    pub msg: String,
    /// Show the message in the chat window.
    pub msginchatwindow: bool,
    /// Message processing type.
    pub msgprocessingtype: String,
}

/// A validated Rocket.Chat integration.
#[derive(Clone, Debug, PartialEq)]
pub struct RocketchatConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// API URL.
    pub api_url: HttpUrl,
    /// Token id, inline (possibly empty) or from a file.
    pub token_id: SecretSource,
    /// Token, inline (possibly empty) or from a file.
    pub token: SecretSource,
    /// Channel.
    pub channel: String,
    /// Colour.
    pub color: String,
    /// Title.
    pub title: String,
    /// Title link.
    pub title_link: String,
    /// Text.
    pub text: String,
    /// Fields.
    pub fields: Vec<RocketchatField>,
    /// Default `short` for fields.
    pub short_fields: bool,
    /// Emoji.
    pub emoji: String,
    /// Icon URL.
    pub icon_url: String,
    /// Image URL.
    pub image_url: String,
    /// Thumbnail URL.
    pub thumb_url: String,
    /// Link names.
    pub link_names: bool,
    /// Actions.
    pub actions: Vec<RocketchatAction>,
}

/// The entry's own pair, or the global one; `missing` is the error when neither is set.
fn inherit(
    errs: &mut Errors,
    own: (Option<String>, Option<String>),
    global: Option<&SecretSource>,
    path: &YamlPath,
    keys: (&str, &str),
    missing: &str,
) -> Option<SecretSource> {
    let had_own = own.0.is_some() || own.1.as_deref().is_some_and(|f| !f.is_empty());
    match pair(errs, own.0, own.1, InlineSet::Present, path, keys) {
        Some(s) => Some(s),
        None if had_own => None,
        None => {
            if global.is_none() {
                errs.push(path.clone(), missing);
            }
            global.cloned()
        }
    }
}

impl RocketchatConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawRocketchatConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<RocketchatConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let token = inherit(
            &mut errs,
            (raw.token, raw.token_file),
            global.rocketchat_token.as_ref(),
            path,
            ("token", "token_file"),
            "no global Rocketchat Token set either inline or in a file",
        );
        let token_id = inherit(
            &mut errs,
            (raw.token_id, raw.token_id_file),
            global.rocketchat_token_id.as_ref(),
            path,
            ("token_id", "token_id_file"),
            "no global Rocketchat TokenID set either inline or in a file",
        );
        let api_url = match raw.api_url {
            Some(text) => url_field(&mut errs, Some(text), path, "api_url"),
            None => Some(global.rocketchat_api_url.clone()),
        };
        let fields = (raw.fields.unwrap_or_default().into_iter())
            .map(|f| RocketchatField {
                short: f.short,
                title: f.title.unwrap_or_default(),
                value: f.value.unwrap_or_default(),
            })
            .collect();
        let actions = (raw.actions.unwrap_or_default().into_iter())
            .map(|a| RocketchatAction {
                kind: a.kind.unwrap_or_default(),
                text: a.text.unwrap_or_default(),
                url: a.url.unwrap_or_default(),
                imageurl: a.imageurl.unwrap_or_default(),
                iswebview: a.iswebview.unwrap_or(false),
                webviewheightratio: a.webviewheightratio.unwrap_or_default(),
                msg: a.msg.unwrap_or_default(),
                msginchatwindow: a.msginchatwindow.unwrap_or(false),
                msgprocessingtype: a.msgprocessingtype.unwrap_or_default(),
            })
            .collect();
        let (Some(token), Some(token_id), Some(api_url)) = (token, token_id, api_url) else {
            return Err(errs.0);
        };
        errs.finish(RocketchatConfig {
            send_resolved: raw.send_resolved.unwrap_or(false),
            http_config,
            api_url,
            token_id,
            token,
            channel: raw.channel.unwrap_or_default(),
            color: or_default(raw.color, DEFAULT_COLOR),
            title: or_default(raw.title, DEFAULT_TITLE),
            title_link: or_default(raw.title_link, DEFAULT_TITLE_LINK),
            text: or_default(raw.text, DEFAULT_TEXT),
            fields,
            short_fields: raw.short_fields.unwrap_or(false),
            emoji: or_default(raw.emoji, DEFAULT_EMOJI),
            icon_url: or_default(raw.icon_url, DEFAULT_ICON_URL),
            image_url: raw.image_url.unwrap_or_default(),
            thumb_url: raw.thumb_url.unwrap_or_default(),
            link_names: raw.link_names.unwrap_or(false),
            actions,
        })
    }
}

impl Serialize for RocketchatConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        m.put("api_url", &self.api_url)?;
        serialize_pair(&mut m, Some(&self.token_id), "token_id", "token_id_file")?;
        serialize_pair(&mut m, Some(&self.token), "token", "token_file")?;
        m.put_str("channel", &self.channel)?;
        m.put_str("color", &self.color)?;
        m.put_str("title", &self.title)?;
        m.put_str("title_link", &self.title_link)?;
        m.put_str("text", &self.text)?;
        m.put_list("fields", &self.fields)?;
        m.put("short_fields", &self.short_fields)?;
        m.put_str("emoji", &self.emoji)?;
        m.put_str("icon_url", &self.icon_url)?;
        m.put_str("image_url", &self.image_url)?;
        m.put_str("thumb_url", &self.thumb_url)?;
        m.put("link_names", &self.link_names)?;
        m.put_list("actions", &self.actions)?;
        m.end()
    }
}

//! `pushover_configs`: upstream's `PushoverConfig` (`config/notifiers.go`, v0.28). Its
//! `retry`, `expire` and `ttl` are Go durations (`time.ParseDuration`), not Prometheus ones.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use super::common::pair;
use super::common::{Errors, MapExt, SignedGoDuration, or_default};
use super::http_config;
use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::secret::{InlineSet, SecretSource, serialize_pair};
use crate::yaml::YamlPath;

/// Default `title`.
pub const DEFAULT_TITLE: &str = r#"{{ template "pushover.default.title" . }}"#;
/// Default `message`.
pub const DEFAULT_MESSAGE: &str = r#"{{ template "pushover.default.message" . }}"#;
/// Default `url`.
pub const DEFAULT_URL: &str = r#"{{ template "pushover.default.url" . }}"#;
/// Default `priority`: emergency while firing, normal once resolved.
pub const DEFAULT_PRIORITY: &str = r#"{{ if eq .Status "firing" }}2{{ else }}0{{ end }}"#;
/// Default `retry`.
pub const DEFAULT_RETRY: SignedGoDuration = SignedGoDuration::from_secs(60);
/// Default `expire`.
pub const DEFAULT_EXPIRE: SignedGoDuration = SignedGoDuration::from_secs(3600);

/// A `pushover_configs` entry as written.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPushoverConfig {
    /// Notify about resolved alerts (default true).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub send_resolved: Option<bool>,
    /// HTTP client settings (default: global).
    pub http_config: Option<RawHttpClientConfig>,
    /// Recipient user key.
    pub user_key: Option<String>,
    /// File holding the user key.
    pub user_key_file: Option<String>,
    /// Application token.
    pub token: Option<String>,
    /// File holding the token.
    pub token_file: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub title: Option<String>,
    /// Message.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub message: Option<String>,
    /// Supplementary URL.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub url: Option<String>,
    /// Title of the URL.
    pub url_title: Option<String>,
    /// Device.
    pub device: Option<String>,
    /// Sound.
    pub sound: Option<String>,
    /// Priority.
    #[serde(default, deserialize_with = "crate::raw::null_is_zero")]
    pub priority: Option<String>,
    /// Retry interval for emergency priority (Go duration, default 1m).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero_duration")]
    pub retry: Option<String>,
    /// Expiry for emergency priority (Go duration, default 1h).
    #[serde(default, deserialize_with = "crate::raw::null_is_zero_duration")]
    pub expire: Option<String>,
    /// Message time to live (Go duration).
    pub ttl: Option<String>,
    /// Message is HTML.
    pub html: Option<bool>,
}

/// A validated Pushover integration.
#[derive(Clone, Debug, PartialEq)]
pub struct PushoverConfig {
    /// Notify about resolved alerts.
    pub send_resolved: bool,
    /// HTTP client settings.
    pub http_config: HttpClientConfig,
    /// User key, inline or from a file.
    pub user_key: SecretSource,
    /// Token, inline or from a file.
    pub token: SecretSource,
    /// Title.
    pub title: String,
    /// Message.
    pub message: String,
    /// URL.
    pub url: String,
    /// URL title.
    pub url_title: String,
    /// Device.
    pub device: String,
    /// Sound.
    pub sound: String,
    /// Priority.
    pub priority: String,
    /// Retry.
    pub retry: SignedGoDuration,
    /// Expire.
    pub expire: SignedGoDuration,
    /// Time to live (0 = none).
    pub ttl: SignedGoDuration,
    /// HTML message.
    pub html: bool,
}

fn duration(
    errs: &mut Errors,
    text: Option<String>,
    path: &YamlPath,
    key: &str,
    default: SignedGoDuration,
) -> SignedGoDuration {
    match text {
        Some(t) => errs
            .take(
                t.parse::<SignedGoDuration>()
                    .map_err(|e| ConfigError::at(path.key(key), e.to_string())),
            )
            .unwrap_or_default(),
        None => default,
    }
}

fn required(
    errs: &mut Errors,
    inline: Option<String>,
    file: Option<String>,
    path: &YamlPath,
    keys: (&str, &str),
) -> Option<SecretSource> {
    let missing = inline.as_deref().unwrap_or_default().is_empty()
        && file.as_deref().unwrap_or_default().is_empty();
    if missing {
        errs.push(
            path.clone(),
            format!("one of {} or {} must be configured", keys.0, keys.1),
        );
        return None;
    }
    pair(errs, inline, file, InlineSet::NonEmpty, path, keys)
}

impl PushoverConfig {
    /// Validates an entry; `path` is the entry's path.
    pub fn from_raw(
        raw: RawPushoverConfig,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<PushoverConfig, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let http_config = http_config(&mut errs, raw.http_config, global, path);
        let keys = ("user_key", "user_key_file");
        let user_key = required(&mut errs, raw.user_key, raw.user_key_file, path, keys);
        let token = required(
            &mut errs,
            raw.token,
            raw.token_file,
            path,
            ("token", "token_file"),
        );
        let retry = duration(&mut errs, raw.retry, path, "retry", DEFAULT_RETRY);
        let expire = duration(&mut errs, raw.expire, path, "expire", DEFAULT_EXPIRE);
        let ttl = duration(&mut errs, raw.ttl, path, "ttl", SignedGoDuration(0));
        let (Some(user_key), Some(token)) = (user_key, token) else {
            return Err(errs.0);
        };
        errs.finish(PushoverConfig {
            send_resolved: raw.send_resolved.unwrap_or(true),
            http_config,
            user_key,
            token,
            title: or_default(raw.title, DEFAULT_TITLE),
            message: or_default(raw.message, DEFAULT_MESSAGE),
            url: or_default(raw.url, DEFAULT_URL),
            url_title: raw.url_title.unwrap_or_default(),
            device: raw.device.unwrap_or_default(),
            sound: raw.sound.unwrap_or_default(),
            priority: or_default(raw.priority, DEFAULT_PRIORITY),
            retry,
            expire,
            ttl,
            html: raw.html.unwrap_or(false),
        })
    }
}

impl Serialize for PushoverConfig {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("send_resolved", &self.send_resolved)?;
        m.put("http_config", &self.http_config)?;
        serialize_pair(&mut m, Some(&self.user_key), "user_key", "user_key_file")?;
        serialize_pair(&mut m, Some(&self.token), "token", "token_file")?;
        m.put_str("title", &self.title)?;
        m.put_str("message", &self.message)?;
        m.put_str("url", &self.url)?;
        m.put_str("url_title", &self.url_title)?;
        m.put_str("device", &self.device)?;
        m.put_str("sound", &self.sound)?;
        m.put_str("priority", &self.priority)?;
        for (key, d) in [
            ("retry", self.retry),
            ("expire", self.expire),
            ("ttl", self.ttl),
        ] {
            if !d.is_zero() {
                m.put(key, &d)?;
            }
        }
        m.put("html", &self.html)?;
        m.end()
    }
}

//! The `global` section: defaults that receivers inherit (SMTP settings, API URLs and keys,
//! `http_config`) and `resolve_timeout`. Mirrors upstream's `GlobalConfig`,
//! `DefaultGlobalConfig()` and the global checks of `Config.UnmarshalYAML` in
//! `config/config.go` (v0.28).

use std::str::FromStr;

use am_model::duration::PromDuration;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::receiver::common::{
    Errors, MapExt, pair, put_secret_url_pair, secret_url_pair, url_field,
};
use crate::receiver::url::{HostPort, HttpUrl, SecretUrlSource};
use crate::secret::{InlineSet, Secret, SecretSource, serialize_pair, serialize_secret_omitempty};
use crate::tls_config::{RawTlsConfig, TlsConfig};
use crate::yaml::YamlPath;

/// Default `pagerduty_url`.
pub const DEFAULT_PAGERDUTY_URL: &str = "https://events.pagerduty.com/v2/enqueue";
/// Default `opsgenie_api_url`.
pub const DEFAULT_OPSGENIE_API_URL: &str = "https://api.opsgenie.com/";
/// Default `wechat_api_url`.
pub const DEFAULT_WECHAT_API_URL: &str = "https://qyapi.weixin.qq.com/cgi-bin/";
/// Default `victorops_api_url`.
pub const DEFAULT_VICTOROPS_API_URL: &str =
    "https://alert.victorops.com/integrations/generic/20131114/alert/";
/// Default `telegram_api_url`.
pub const DEFAULT_TELEGRAM_API_URL: &str = "https://api.telegram.org";
/// Default `webex_api_url`.
pub const DEFAULT_WEBEX_API_URL: &str = "https://webexapis.com/v1/messages";
/// Default `rocketchat_api_url`.
pub const DEFAULT_ROCKETCHAT_API_URL: &str = "https://open.rocket.chat/";

/// The `global` section as written (v0.28 keys).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGlobal {
    /// Time after which an alert without updates is resolved (Prometheus duration).
    pub resolve_timeout: Option<String>,
    /// HTTP client settings inherited by integrations without their own.
    pub http_config: Option<RawHttpClientConfig>,
    /// Jira API URL.
    pub jira_api_url: Option<String>,
    /// Default sender address.
    pub smtp_from: Option<String>,
    /// Hostname for HELO/EHLO.
    pub smtp_hello: Option<String>,
    /// SMTP server, `host:port`.
    pub smtp_smarthost: Option<String>,
    /// SMTP user.
    pub smtp_auth_username: Option<String>,
    /// SMTP password.
    pub smtp_auth_password: Option<String>,
    /// File holding the SMTP password.
    pub smtp_auth_password_file: Option<String>,
    /// CRAM-MD5 secret.
    pub smtp_auth_secret: Option<String>,
    /// PLAIN identity.
    pub smtp_auth_identity: Option<String>,
    /// Require STARTTLS.
    pub smtp_require_tls: Option<bool>,
    /// SMTP TLS settings.
    pub smtp_tls_config: Option<RawTlsConfig>,
    /// Slack webhook URL.
    pub slack_api_url: Option<String>,
    /// File holding the Slack webhook URL.
    pub slack_api_url_file: Option<String>,
    /// PagerDuty events URL.
    pub pagerduty_url: Option<String>,
    /// OpsGenie API URL.
    pub opsgenie_api_url: Option<String>,
    /// OpsGenie API key.
    pub opsgenie_api_key: Option<String>,
    /// File holding the OpsGenie API key.
    pub opsgenie_api_key_file: Option<String>,
    /// WeChat API URL.
    pub wechat_api_url: Option<String>,
    /// WeChat API secret.
    pub wechat_api_secret: Option<String>,
    /// WeChat corp id.
    pub wechat_api_corp_id: Option<String>,
    /// VictorOps API URL.
    pub victorops_api_url: Option<String>,
    /// VictorOps API key.
    pub victorops_api_key: Option<String>,
    /// File holding the VictorOps API key.
    pub victorops_api_key_file: Option<String>,
    /// Telegram API URL.
    pub telegram_api_url: Option<String>,
    /// Webex API URL.
    pub webex_api_url: Option<String>,
    /// Rocket.Chat API URL.
    pub rocketchat_api_url: Option<String>,
    /// Rocket.Chat token.
    pub rocketchat_token: Option<String>,
    /// File holding the Rocket.Chat token.
    pub rocketchat_token_file: Option<String>,
    /// Rocket.Chat token id.
    pub rocketchat_token_id: Option<String>,
    /// File holding the Rocket.Chat token id.
    pub rocketchat_token_id_file: Option<String>,
}

/// The validated `global` section with upstream's defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct GlobalConfig {
    /// Default 5m.
    pub resolve_timeout: PromDuration,
    /// Default: follow redirects, HTTP/2 on, nothing else.
    pub http_config: HttpClientConfig,
    /// No default.
    pub jira_api_url: Option<HttpUrl>,
    /// Empty when unset.
    pub smtp_from: String,
    /// Default `localhost`.
    pub smtp_hello: String,
    /// No default.
    pub smtp_smarthost: Option<HostPort>,
    /// Empty when unset.
    pub smtp_auth_username: String,
    /// Password inline or from a file.
    pub smtp_auth_password: Option<SecretSource>,
    /// Empty when unset.
    pub smtp_auth_secret: Secret,
    /// Empty when unset.
    pub smtp_auth_identity: String,
    /// Default true.
    pub smtp_require_tls: bool,
    /// Default: all zero.
    pub smtp_tls_config: TlsConfig,
    /// Slack webhook URL, inline or from a file.
    pub slack_api_url: Option<SecretUrlSource>,
    /// Default [`DEFAULT_PAGERDUTY_URL`].
    pub pagerduty_url: HttpUrl,
    /// Default [`DEFAULT_OPSGENIE_API_URL`].
    pub opsgenie_api_url: HttpUrl,
    /// OpsGenie key, inline or from a file.
    pub opsgenie_api_key: Option<SecretSource>,
    /// Default [`DEFAULT_WECHAT_API_URL`].
    pub wechat_api_url: HttpUrl,
    /// Empty when unset.
    pub wechat_api_secret: Secret,
    /// Empty when unset.
    pub wechat_api_corp_id: String,
    /// Default [`DEFAULT_VICTOROPS_API_URL`].
    pub victorops_api_url: HttpUrl,
    /// VictorOps key, inline or from a file.
    pub victorops_api_key: Option<SecretSource>,
    /// Default [`DEFAULT_TELEGRAM_API_URL`].
    pub telegram_api_url: HttpUrl,
    /// Default [`DEFAULT_WEBEX_API_URL`].
    pub webex_api_url: HttpUrl,
    /// Default [`DEFAULT_ROCKETCHAT_API_URL`].
    pub rocketchat_api_url: HttpUrl,
    /// Rocket.Chat token, inline (possibly empty) or from a file.
    pub rocketchat_token: Option<SecretSource>,
    /// Rocket.Chat token id, inline (possibly empty) or from a file.
    pub rocketchat_token_id: Option<SecretSource>,
}

/// Parses one of the default URL constants above (all valid, as a unit test checks).
fn default_url(text: &str) -> HttpUrl {
    HttpUrl::parse(text).expect("default URLs are valid")
}

impl Default for GlobalConfig {
    /// Upstream's `DefaultGlobalConfig()`.
    fn default() -> Self {
        Self {
            resolve_timeout: PromDuration::from(std::time::Duration::from_secs(5 * 60)),
            http_config: HttpClientConfig::default(),
            jira_api_url: None,
            smtp_from: String::new(),
            smtp_hello: "localhost".to_string(),
            smtp_smarthost: None,
            smtp_auth_username: String::new(),
            smtp_auth_password: None,
            smtp_auth_secret: Secret::default(),
            smtp_auth_identity: String::new(),
            smtp_require_tls: true,
            smtp_tls_config: TlsConfig::default(),
            slack_api_url: None,
            pagerduty_url: default_url(DEFAULT_PAGERDUTY_URL),
            opsgenie_api_url: default_url(DEFAULT_OPSGENIE_API_URL),
            opsgenie_api_key: None,
            wechat_api_url: default_url(DEFAULT_WECHAT_API_URL),
            wechat_api_secret: Secret::default(),
            wechat_api_corp_id: String::new(),
            victorops_api_url: default_url(DEFAULT_VICTOROPS_API_URL),
            victorops_api_key: None,
            telegram_api_url: default_url(DEFAULT_TELEGRAM_API_URL),
            webex_api_url: default_url(DEFAULT_WEBEX_API_URL),
            rocketchat_api_url: default_url(DEFAULT_ROCKETCHAT_API_URL),
            rocketchat_token: None,
            rocketchat_token_id: None,
        }
    }
}

impl GlobalConfig {
    /// Applies upstream's defaults to `raw` and validates it. `path` is the path of the
    /// `global` key; `None` (no `global`, or `global:` with no value) means all defaults.
    pub fn from_raw(
        raw: Option<RawGlobal>,
        path: &YamlPath,
    ) -> Result<GlobalConfig, Vec<ConfigError>> {
        let Some(raw) = raw else {
            return Ok(GlobalConfig::default());
        };
        let mut errs = Errors::default();
        let d = GlobalConfig::default();
        let resolve_timeout = match raw.resolve_timeout {
            Some(text) => errs.take(
                PromDuration::from_str(&text)
                    .map_err(|e| ConfigError::at(path.key("resolve_timeout"), e.to_string())),
            ),
            None => Some(d.resolve_timeout),
        };
        let http_config = match raw.http_config {
            Some(h) => errs.take_all(HttpClientConfig::from_raw(h, &path.key("http_config"))),
            None => Some(d.http_config),
        };
        let smtp_smarthost = match raw.smtp_smarthost.filter(|s| !s.is_empty()) {
            Some(text) => errs.take(
                HostPort::parse(&text).map_err(|m| ConfigError::at(path.key("smtp_smarthost"), m)),
            ),
            None => None,
        };
        let smtp_tls_config = match raw.smtp_tls_config {
            Some(t) => errs.take_all(TlsConfig::from_raw(t, &path.key("smtp_tls_config"))),
            None => Some(d.smtp_tls_config),
        };
        let np = InlineSet::NonEmpty;
        let smtp_auth_password = pair(
            &mut errs,
            raw.smtp_auth_password,
            raw.smtp_auth_password_file,
            np,
            path,
            ("smtp_auth_password", "smtp_auth_password_file"),
        );
        let opsgenie_api_key = pair(
            &mut errs,
            raw.opsgenie_api_key,
            raw.opsgenie_api_key_file,
            np,
            path,
            ("opsgenie_api_key", "opsgenie_api_key_file"),
        );
        let victorops_api_key = pair(
            &mut errs,
            raw.victorops_api_key,
            raw.victorops_api_key_file,
            np,
            path,
            ("victorops_api_key", "victorops_api_key_file"),
        );
        let pr = InlineSet::Present;
        let rocketchat_token = pair(
            &mut errs,
            raw.rocketchat_token,
            raw.rocketchat_token_file,
            pr,
            path,
            ("rocketchat_token", "rocketchat_token_file"),
        );
        let rocketchat_token_id = pair(
            &mut errs,
            raw.rocketchat_token_id,
            raw.rocketchat_token_id_file,
            pr,
            path,
            ("rocketchat_token_id", "rocketchat_token_id_file"),
        );
        let slack_api_url = secret_url_pair(
            &mut errs,
            raw.slack_api_url,
            raw.slack_api_url_file,
            path,
            ("slack_api_url", "slack_api_url_file"),
        );
        let jira_api_url = url_field(&mut errs, raw.jira_api_url, path, "jira_api_url");
        let mut url =
            |text, key, default: HttpUrl| url_field(&mut errs, text, path, key).unwrap_or(default);
        let pagerduty_url = url(raw.pagerduty_url, "pagerduty_url", d.pagerduty_url);
        let opsgenie_api_url = url(raw.opsgenie_api_url, "opsgenie_api_url", d.opsgenie_api_url);
        let wechat_api_url = url(raw.wechat_api_url, "wechat_api_url", d.wechat_api_url);
        let victorops_api_url = url(
            raw.victorops_api_url,
            "victorops_api_url",
            d.victorops_api_url,
        );
        let telegram_api_url = url(raw.telegram_api_url, "telegram_api_url", d.telegram_api_url);
        let webex_api_url = url(raw.webex_api_url, "webex_api_url", d.webex_api_url);
        let rocketchat_api_url = url(
            raw.rocketchat_api_url,
            "rocketchat_api_url",
            d.rocketchat_api_url,
        );
        let (Some(resolve_timeout), Some(http_config), Some(smtp_tls_config)) =
            (resolve_timeout, http_config, smtp_tls_config)
        else {
            return Err(errs.0);
        };
        errs.finish(GlobalConfig {
            resolve_timeout,
            http_config,
            jira_api_url,
            smtp_from: raw.smtp_from.unwrap_or_default(),
            smtp_hello: raw.smtp_hello.unwrap_or(d.smtp_hello),
            smtp_smarthost,
            smtp_auth_username: raw.smtp_auth_username.unwrap_or_default(),
            smtp_auth_password,
            smtp_auth_secret: Secret::new(raw.smtp_auth_secret.unwrap_or_default()),
            smtp_auth_identity: raw.smtp_auth_identity.unwrap_or_default(),
            smtp_require_tls: raw.smtp_require_tls.unwrap_or(true),
            smtp_tls_config,
            slack_api_url,
            pagerduty_url,
            opsgenie_api_url,
            opsgenie_api_key,
            wechat_api_url,
            wechat_api_secret: Secret::new(raw.wechat_api_secret.unwrap_or_default()),
            wechat_api_corp_id: raw.wechat_api_corp_id.unwrap_or_default(),
            victorops_api_url,
            victorops_api_key,
            telegram_api_url,
            webex_api_url,
            rocketchat_api_url,
            rocketchat_token,
            rocketchat_token_id,
        })
    }
}

impl GlobalConfig {
    /// Joins relative file paths of the global `http_config` with `dir` (upstream's
    /// `LoadFile` does this; `smtp_tls_config` and other `*_file` keys stay as written).
    /// Call it after building the receivers: they hold their own copy, which
    /// [`crate::receiver::Receiver::set_directory`] resolves (upstream shares one object and
    /// so resolves it twice when `dir` is relative, which we do not copy).
    pub fn set_directory(&mut self, dir: &std::path::Path) {
        self.http_config.set_directory(dir);
    }
}

impl Serialize for GlobalConfig {
    /// Upstream's field order and `omitempty` rules; secrets print as `<secret>`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("resolve_timeout", &self.resolve_timeout.to_string())?;
        m.put("http_config", &self.http_config)?;
        m.put_opt("jira_api_url", self.jira_api_url.as_ref())?;
        m.put_str("smtp_from", &self.smtp_from)?;
        m.put_str("smtp_hello", &self.smtp_hello)?;
        m.put_opt("smtp_smarthost", self.smtp_smarthost.as_ref())?;
        m.put_str("smtp_auth_username", &self.smtp_auth_username)?;
        let keys = ("smtp_auth_password", "smtp_auth_password_file");
        serialize_pair(&mut m, self.smtp_auth_password.as_ref(), keys.0, keys.1)?;
        serialize_secret_omitempty(&mut m, "smtp_auth_secret", &self.smtp_auth_secret)?;
        m.put_str("smtp_auth_identity", &self.smtp_auth_identity)?;
        m.put("smtp_require_tls", &self.smtp_require_tls)?;
        // Upstream 0.28 always prints these two; we print them only when set to something else
        // than the default, because amtool up to 0.27 (`config routes`, which re-parses
        // `/api/v2/status` strictly) rejects keys it does not know.
        if self.smtp_tls_config != TlsConfig::default() {
            m.put("smtp_tls_config", &self.smtp_tls_config)?;
        }
        put_secret_url_pair(
            &mut m,
            self.slack_api_url.as_ref(),
            ("slack_api_url", "slack_api_url_file"),
        )?;
        m.put("pagerduty_url", &self.pagerduty_url)?;
        m.put("opsgenie_api_url", &self.opsgenie_api_url)?;
        let keys = ("opsgenie_api_key", "opsgenie_api_key_file");
        serialize_pair(&mut m, self.opsgenie_api_key.as_ref(), keys.0, keys.1)?;
        m.put("wechat_api_url", &self.wechat_api_url)?;
        serialize_secret_omitempty(&mut m, "wechat_api_secret", &self.wechat_api_secret)?;
        m.put_str("wechat_api_corp_id", &self.wechat_api_corp_id)?;
        m.put("victorops_api_url", &self.victorops_api_url)?;
        let keys = ("victorops_api_key", "victorops_api_key_file");
        serialize_pair(&mut m, self.victorops_api_key.as_ref(), keys.0, keys.1)?;
        m.put("telegram_api_url", &self.telegram_api_url)?;
        m.put("webex_api_url", &self.webex_api_url)?;
        if self.rocketchat_api_url != default_url(DEFAULT_ROCKETCHAT_API_URL) {
            m.put("rocketchat_api_url", &self.rocketchat_api_url)?;
        }
        let keys = ("rocketchat_token", "rocketchat_token_file");
        serialize_pair(&mut m, self.rocketchat_token.as_ref(), keys.0, keys.1)?;
        let keys = ("rocketchat_token_id", "rocketchat_token_id_file");
        serialize_pair(&mut m, self.rocketchat_token_id.as_ref(), keys.0, keys.1)?;
        m.end()
    }
}

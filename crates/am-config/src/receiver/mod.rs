//! Receivers (`receivers:` entries) and their integrations. Mirrors upstream's
//! `config.Receiver`, the per-integration `*Config` types of `config/notifiers.go` (their
//! defaults and `UnmarshalYAML` checks) and the inheritance from `global` done in
//! `Config.UnmarshalYAML` (`config/config.go`), all at v0.28.
//!
//! Each integration has a `Raw*Config` (the YAML as written) and a validated `*Config` with
//! defaults, inherited values and invariants applied. Validated types print (`Serialize`) the
//! way upstream's `Config.String()` does: upstream's key order, `omitempty` rules, and
//! `<secret>` for every secret.
//!
//! Explicit nulls: yaml.v2 gives a null the Go zero value of the field, after
//! `UnmarshalYAML` has filled in the defaults, so `title: ~` is an empty title and
//! `send_resolved: ~` is false, not the default. The `Raw*Config` fields whose Go type is a
//! plain string, bool or duration with a non-zero default decode with
//! `raw::null_is_zero` to match; everywhere else null and absent are the same, which
//! is also what Go does for pointer, list and map fields and for fields whose default is the
//! zero value. Not matched yet (null keeps our default, Go zeroes it):
//! - `global`: `resolve_timeout` (Go: 0s), `smtp_hello` (""), `smtp_require_tls` (false),
//!   `http_config` (Go: nil) and the default API URLs (`pagerduty_url: ~` and the like; Go:
//!   nil, so an integration that needs it fails with `no global PagerDuty URL set`);
//! - `http_config`: `follow_redirects: ~` and `enable_http2: ~` (Go: false).

pub mod common;
pub mod discord;
pub mod email;
pub mod jira;
pub mod msteams;
pub mod msteamsv2;
pub mod opsgenie;
pub mod pagerduty;
pub mod pushover;
pub mod rocketchat;
pub mod slack;
pub mod sns;
pub mod telegram;
pub mod url;
pub mod victorops;
pub mod webex;
pub mod webhook;
pub mod wechat;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::global::GlobalConfig;
use crate::http_config::{HttpClientConfig, RawHttpClientConfig};
use crate::yaml::YamlPath;
use common::{Errors, MapExt};

pub use discord::{DiscordConfig, RawDiscordConfig};
pub use email::{EmailConfig, RawEmailConfig};
pub use jira::{JiraConfig, RawJiraConfig};
pub use msteams::{MsTeamsConfig, RawMsTeamsConfig};
pub use msteamsv2::{MsTeamsV2Config, RawMsTeamsV2Config};
pub use opsgenie::{OpsGenieConfig, RawOpsGenieConfig};
pub use pagerduty::{PagerdutyConfig, RawPagerdutyConfig};
pub use pushover::{PushoverConfig, RawPushoverConfig};
pub use rocketchat::{RawRocketchatConfig, RocketchatConfig};
pub use slack::{RawSlackConfig, SlackConfig};
pub use sns::{RawSnsConfig, SnsConfig};
pub use telegram::{RawTelegramConfig, TelegramConfig};
pub use victorops::{RawVictorOpsConfig, VictorOpsConfig};
pub use webex::{RawWebexConfig, WebexConfig};
pub use webhook::{RawWebhookConfig, WebhookConfig};
pub use wechat::{RawWechatConfig, WechatConfig};

/// A `receivers:` entry as written (v0.28 keys).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReceiver {
    /// Unique name (required).
    pub name: Option<String>,
    /// Discord integrations.
    pub discord_configs: Option<Vec<RawDiscordConfig>>,
    /// Email integrations.
    pub email_configs: Option<Vec<RawEmailConfig>>,
    /// PagerDuty integrations.
    pub pagerduty_configs: Option<Vec<RawPagerdutyConfig>>,
    /// Slack integrations.
    pub slack_configs: Option<Vec<RawSlackConfig>>,
    /// Webhook integrations.
    pub webhook_configs: Option<Vec<RawWebhookConfig>>,
    /// OpsGenie integrations.
    pub opsgenie_configs: Option<Vec<RawOpsGenieConfig>>,
    /// WeChat integrations.
    pub wechat_configs: Option<Vec<RawWechatConfig>>,
    /// Pushover integrations.
    pub pushover_configs: Option<Vec<RawPushoverConfig>>,
    /// VictorOps integrations.
    pub victorops_configs: Option<Vec<RawVictorOpsConfig>>,
    /// Amazon SNS integrations.
    pub sns_configs: Option<Vec<RawSnsConfig>>,
    /// Telegram integrations.
    pub telegram_configs: Option<Vec<RawTelegramConfig>>,
    /// Webex integrations.
    pub webex_configs: Option<Vec<RawWebexConfig>>,
    /// Microsoft Teams (connector) integrations.
    pub msteams_configs: Option<Vec<RawMsTeamsConfig>>,
    /// Microsoft Teams (Workflows) integrations.
    pub msteamsv2_configs: Option<Vec<RawMsTeamsV2Config>>,
    /// Jira integrations.
    pub jira_configs: Option<Vec<RawJiraConfig>>,
    /// Rocket.Chat integrations.
    pub rocketchat_configs: Option<Vec<RawRocketchatConfig>>,
}

/// A validated receiver. Lists keep the order of the file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Receiver {
    /// Unique name (uniqueness is checked by the caller); non-empty, except for the nameless
    /// receiver a null `receivers:` entry stands for (see `raw`).
    pub name: String,
    /// Discord integrations.
    pub discord_configs: Vec<DiscordConfig>,
    /// Email integrations.
    pub email_configs: Vec<EmailConfig>,
    /// PagerDuty integrations.
    pub pagerduty_configs: Vec<PagerdutyConfig>,
    /// Slack integrations.
    pub slack_configs: Vec<SlackConfig>,
    /// Webhook integrations.
    pub webhook_configs: Vec<WebhookConfig>,
    /// OpsGenie integrations.
    pub opsgenie_configs: Vec<OpsGenieConfig>,
    /// WeChat integrations.
    pub wechat_configs: Vec<WechatConfig>,
    /// Pushover integrations.
    pub pushover_configs: Vec<PushoverConfig>,
    /// VictorOps integrations.
    pub victorops_configs: Vec<VictorOpsConfig>,
    /// Amazon SNS integrations.
    pub sns_configs: Vec<SnsConfig>,
    /// Telegram integrations.
    pub telegram_configs: Vec<TelegramConfig>,
    /// Webex integrations.
    pub webex_configs: Vec<WebexConfig>,
    /// Microsoft Teams (connector) integrations.
    pub msteams_configs: Vec<MsTeamsConfig>,
    /// Microsoft Teams (Workflows) integrations.
    pub msteamsv2_configs: Vec<MsTeamsV2Config>,
    /// Jira integrations.
    pub jira_configs: Vec<JiraConfig>,
    /// Rocket.Chat integrations.
    pub rocketchat_configs: Vec<RocketchatConfig>,
}

/// Validates every entry of an optional `*_configs` list with `f(raw, path_of_entry)`.
fn list<R, T>(
    errs: &mut Errors,
    raw: Option<Vec<R>>,
    path: &YamlPath,
    key: &str,
    mut f: impl FnMut(R, &YamlPath) -> Result<T, Vec<ConfigError>>,
) -> Vec<T> {
    let mut out = Vec::new();
    for (i, item) in raw.unwrap_or_default().into_iter().enumerate() {
        if let Some(v) = errs.take_all(f(item, &path.key(key).index(i))) {
            out.push(v);
        }
    }
    out
}

impl Receiver {
    /// Validates `raw`, applying each integration's defaults and inheriting from `global`.
    /// `path` is the path of the entry (`receivers[3]`); every error names the precise
    /// sub-path (`receivers[3].email_configs[0].smarthost`), or the entry of the list when a
    /// required key is missing or several keys conflict.
    pub fn from_raw(
        raw: RawReceiver,
        global: &GlobalConfig,
        path: &YamlPath,
    ) -> Result<Receiver, Vec<ConfigError>> {
        let mut errs = Errors::default();
        let name = raw.name.unwrap_or_default();
        if name.is_empty() {
            errs.push(path.clone(), "missing name in receiver");
        }
        // Each `*_configs` list, entry by entry, with its integration's `from_raw`.
        macro_rules! receiver {
            ($($list:ident: $config:ident),* $(,)?) => {
                Receiver {
                    name,
                    $($list: list(&mut errs, raw.$list, path, stringify!($list), |r, p| {
                        $config::from_raw(r, global, p)
                    }),)*
                }
            };
        }
        let receiver = receiver!(
            discord_configs: DiscordConfig,
            email_configs: EmailConfig,
            pagerduty_configs: PagerdutyConfig,
            slack_configs: SlackConfig,
            webhook_configs: WebhookConfig,
            opsgenie_configs: OpsGenieConfig,
            wechat_configs: WechatConfig,
            pushover_configs: PushoverConfig,
            victorops_configs: VictorOpsConfig,
            sns_configs: SnsConfig,
            telegram_configs: TelegramConfig,
            webex_configs: WebexConfig,
            msteams_configs: MsTeamsConfig,
            msteamsv2_configs: MsTeamsV2Config,
            jira_configs: JiraConfig,
            rocketchat_configs: RocketchatConfig,
        );
        errs.finish(receiver)
    }

    /// How many integrations (entries of all `*_configs` lists) the receiver has.
    pub fn integration_count(&self) -> usize {
        self.discord_configs.len()
            + self.email_configs.len()
            + self.pagerduty_configs.len()
            + self.slack_configs.len()
            + self.webhook_configs.len()
            + self.opsgenie_configs.len()
            + self.wechat_configs.len()
            + self.pushover_configs.len()
            + self.victorops_configs.len()
            + self.sns_configs.len()
            + self.telegram_configs.len()
            + self.webex_configs.len()
            + self.msteams_configs.len()
            + self.msteamsv2_configs.len()
            + self.jira_configs.len()
            + self.rocketchat_configs.len()
    }

    /// Joins relative file paths of every integration's `http_config` with `dir` (what
    /// upstream's `LoadFile` does through `SetDirectory`; other `*_file` keys stay as written).
    pub fn set_directory(&mut self, dir: &std::path::Path) {
        macro_rules! each {
            ($($list:ident),*) => {$(
                for c in &mut self.$list {
                    c.http_config.set_directory(dir);
                }
            )*};
        }
        each!(
            discord_configs,
            pagerduty_configs,
            slack_configs,
            webhook_configs,
            opsgenie_configs,
            wechat_configs,
            pushover_configs,
            victorops_configs,
            sns_configs,
            telegram_configs,
            webex_configs,
            msteams_configs,
            msteamsv2_configs,
            jira_configs,
            rocketchat_configs
        );
    }
}

impl Serialize for Receiver {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(None)?;
        m.put("name", &self.name)?;
        m.put_list("discord_configs", &self.discord_configs)?;
        m.put_list("email_configs", &self.email_configs)?;
        m.put_list("pagerduty_configs", &self.pagerduty_configs)?;
        m.put_list("slack_configs", &self.slack_configs)?;
        m.put_list("webhook_configs", &self.webhook_configs)?;
        m.put_list("opsgenie_configs", &self.opsgenie_configs)?;
        m.put_list("wechat_configs", &self.wechat_configs)?;
        m.put_list("pushover_configs", &self.pushover_configs)?;
        m.put_list("victorops_configs", &self.victorops_configs)?;
        m.put_list("sns_configs", &self.sns_configs)?;
        m.put_list("telegram_configs", &self.telegram_configs)?;
        m.put_list("webex_configs", &self.webex_configs)?;
        m.put_list("msteams_configs", &self.msteams_configs)?;
        m.put_list("msteamsv2_configs", &self.msteamsv2_configs)?;
        m.put_list("jira_configs", &self.jira_configs)?;
        m.put_list("rocketchat_configs", &self.rocketchat_configs)?;
        m.end()
    }
}

/// An integration's own `http_config`, or the global one when absent.
pub(crate) fn http_config(
    errs: &mut Errors,
    raw: Option<RawHttpClientConfig>,
    global: &GlobalConfig,
    path: &YamlPath,
) -> HttpClientConfig {
    match raw {
        Some(h) => errs
            .take_all(HttpClientConfig::from_raw(h, &path.key("http_config")))
            .unwrap_or_default(),
        None => global.http_config.clone(),
    }
}

//! Differential test against upstream's own config package: Debian ships Alertmanager 0.25's Go
//! sources, which `tests/go/receivers_oracle` loads and prints (`Config.String()`). For every
//! integration whose schema did not change between 0.25 and 0.28 (our target), the printed
//! receiver and `global` must match ours key for key, in order; for invalid configurations,
//! upstream's error message must be among ours.
//!
//! Known 0.25 → 0.28 differences are removed before comparing: 0.28 prints the SMTP TLS
//! settings (`smtp_tls_config`, email `tls_config`) and has Rocket.Chat/Jira globals; webhooks
//! (URL became a secret) and the integrations added after 0.25 are covered by other tests.

use std::path::Path;

use am_config::global::{GlobalConfig, RawGlobal};
use am_config::receiver::{RawReceiver, Receiver};
use am_config::yaml::{YamlPath, from_str};
use am_testkit::GoOracle;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
struct Doc {
    global: Option<RawGlobal>,
    #[allow(dead_code)]
    route: serde::de::IgnoredAny,
    receivers: Vec<RawReceiver>,
}

#[derive(Deserialize)]
struct GoResult {
    out: Option<String>,
    err: Option<String>,
}

fn oracle(configs: &[String]) -> Option<Vec<GoResult>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/receivers_oracle");
    let results: Vec<GoResult> = GoOracle::build(&src, "receivers_oracle")?.run_json(configs);
    assert_eq!(results.len(), configs.len());
    Some(results)
}

/// Ours: the validated global and first receiver, printed.
fn ours(config: &str) -> Result<(Value, Value), Vec<String>> {
    let (doc, _) = from_str::<Doc>(config).map_err(|e| vec![e.to_string()])?;
    let show = |e: Vec<am_config::error::ConfigError>| {
        e.iter().map(|e| e.message.clone()).collect::<Vec<_>>()
    };
    let g = GlobalConfig::from_raw(doc.global, &YamlPath::parse("global")).map_err(show)?;
    let raw = doc.receivers.into_iter().next().expect("one receiver");
    let r = Receiver::from_raw(raw, &g, &YamlPath::parse("receivers[0]")).map_err(show)?;
    Ok((
        serde_json::to_value(&g).unwrap(),
        serde_json::to_value(&r).unwrap(),
    ))
}

/// Removes what 0.28 prints and 0.25 does not.
fn normalize(mut global: Value, mut receiver: Value) -> (Value, Value) {
    let g = global.as_object_mut().unwrap();
    for key in ["smtp_tls_config", "rocketchat_api_url", "jira_api_url"] {
        g.shift_remove(key);
    }
    if let Some(emails) = receiver
        .get_mut("email_configs")
        .and_then(Value::as_array_mut)
    {
        for e in emails {
            let e = e.as_object_mut().unwrap();
            if e.get("tls_config") == Some(&json!({"insecure_skip_verify": false})) {
                e.shift_remove("tls_config");
            }
        }
    }
    (global, receiver)
}

fn config(global: &str, receiver: &str) -> String {
    let indent = |s: &str, n: usize| {
        s.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(n)))
            .collect::<String>()
    };
    format!(
        "global:\n{}route:\n  receiver: r\nreceivers:\n- name: r\n{}",
        indent(global, 2),
        indent(receiver, 2)
    )
}

const GLOBAL: &str = "smtp_smarthost: smtp.example:587
smtp_from: am@example.org
smtp_auth_username: u
smtp_auth_password: hunter2
smtp_require_tls: false
slack_api_url: https://hooks.slack.com/services/T/B/x
opsgenie_api_key: og
victorops_api_key_file: /run/vo
wechat_api_secret: wx
wechat_api_corp_id: corp
resolve_timeout: 90s
http_config:
  basic_auth: {username: gu, password: gp}";

const VALID: &[&str] = &[
    "email_configs:\n- to: a@example.org\n  headers: {subject: s, x-team: ops}\n  text: t\n- to: b@x\n  smarthost: other:25\n  auth_password_file: /pw\n  require_tls: true\n  tls_config: {server_name: s, insecure_skip_verify: true}",
    "slack_configs:\n- channel: '#c'\n  send_resolved: true\n  fields: [{title: t, value: v, short: false}]\n  actions: [{type: button, text: go, url: 'https://x'}, {type: button, text: ack, name: n, value: v, confirm: {text: sure}}]\n  mrkdwn_in: [text]\n  link_names: true\n- api_url_file: /run/slack\n  http_config: {bearer_token: tok}",
    "pagerduty_configs:\n- routing_key: rk\n  details: {firing: f, extra: e}\n  images: [{src: s, alt: a}]\n  links: [{href: h}]\n  severity: critical\n  class: c\n  component: co\n  group: g\n- service_key_file: /sk\n  url: https://pd.example/x\n  client: cl\n  http_config: {authorization: {credentials_file: /c}, tls_config: {ca_file: /ca}}",
    "opsgenie_configs:\n- responders: [{name: n, type: Team}, {id: i, type: '{{ .X }}'}, {username: u, type: user}]\n  details: {a: b}\n  tags: t\n  note: n\n  priority: P1\n  entity: e\n  actions: a\n  update_alerts: true\n- api_key_file: /og\n  api_url: https://og.example/v2",
    "victorops_configs:\n- routing_key: r\n  custom_fields: {env: prod}\n- routing_key: r2\n  api_key: k\n  api_url: https://vo.example/api\n  message_type: WARNING",
    "wechat_configs:\n- message_type: markdown\n  to_user: u\n- api_secret: s\n  corp_id: c\n  api_url: https://wx.example/cgi",
    "pushover_configs:\n- user_key: u\n  token: t\n  retry: 30s\n  expire: 2h\n  html: true\n  url_title: ut\n  sound: s",
    "sns_configs:\n- topic_arn: arn\n  sigv4: {region: r, access_key: a, secret_key: s, profile: p, role_arn: ra}\n  attributes: {k: v}\n- phone_number: '+123'\n  api_url: https://sns.example",
    "telegram_configs:\n- bot_token: b\n  chat_id: -42\n  disable_notifications: true\n  parse_mode: Markdown\n- bot_token: b\n  chat_id: 1\n  api_url: https://tg.example/bot",
    "discord_configs:\n- webhook_url: https://discord.example/api/webhooks/1/x\n  title: t",
    "webex_configs:\n- room_id: r\n  http_config: {authorization: {credentials: c}, follow_redirects: false}",
];

const INVALID: &[&str] = &[
    "email_configs:\n- from: x@y",
    "email_configs:\n- to: a\n  headers: {Subject: a, subject: b}",
    "pagerduty_configs:\n- client: c",
    "pagerduty_configs:\n- routing_key: a\n  routing_key_file: b",
    "victorops_configs:\n- routing_key: r\n  custom_fields: {entity_state: x}",
    "victorops_configs:\n- api_key: k",
    "opsgenie_configs:\n- responders: [{name: n, type: squad}]",
    "opsgenie_configs:\n- responders: [{type: team}]",
    "opsgenie_configs:\n- responders: [{name: sre, type: '{{ if .X }}team'}]",
    "opsgenie_configs:\n- responders: [{name: sre, type: '{{ end }}'}]",
    "slack_configs:\n- fields: [{value: v}]",
    "slack_configs:\n- actions: [{type: t, text: x}]",
    "slack_configs:\n- api_url: ftp://x",
    "telegram_configs:\n- bot_token: b",
    "sns_configs:\n- subject: s",
    "sns_configs:\n- topic_arn: a\n  sigv4: {access_key: a}",
    "wechat_configs:\n- message_type: html",
    "webex_configs:\n- room_id: r",
    "webex_configs:\n- http_config: {authorization: {credentials: c}}",
    "webhook_configs:\n- http_config: {authorization: {type: Basic}}\n  url: http://x",
    "webhook_configs:\n- http_config: {basic_auth: {username: u}, bearer_token: t}\n  url: http://x",
];

#[test]
fn printing_and_errors_match_upstream() {
    let mut configs: Vec<String> = VALID.iter().map(|r| config(GLOBAL, r)).collect();
    configs.extend(INVALID.iter().map(|r| config(GLOBAL, r)));
    // Without the global SMTP, Slack and OpsGenie settings.
    let bare = "resolve_timeout: 5m";
    let missing = [
        "email_configs:\n- to: a",
        "slack_configs:\n- channel: c",
        "opsgenie_configs:\n- message: m",
    ];
    configs.extend(missing.iter().map(|r| config(bare, r)));
    configs.push(config(bare, "webhook_configs: []"));
    let Some(results) = oracle(&configs) else {
        return;
    };
    let mut checked = 0;
    for (text, go) in configs.iter().zip(results) {
        match (ours(text), go) {
            (Ok((g, r)), GoResult { out: Some(out), .. }) => {
                let (doc, _) = from_str::<Value>(&out).expect("upstream output re-reads");
                let (g, r) = normalize(g, r);
                assert_eq!(
                    serde_json::to_string(&r).unwrap(),
                    serde_json::to_string(&doc["receivers"][0]).unwrap(),
                    "receiver differs for:\n{text}\nupstream printed:\n{out}"
                );
                assert_eq!(
                    serde_json::to_string(&g).unwrap(),
                    serde_json::to_string(&doc["global"]).unwrap(),
                    "global differs for:\n{text}"
                );
            }
            (Err(ours), GoResult { err: Some(err), .. }) => {
                assert!(
                    ours.contains(&err),
                    "upstream: {err}\nours: {ours:?}\nfor:\n{text}"
                );
            }
            (ours, go) => panic!(
                "disagree on:\n{text}\nours: {ours:?}\nupstream: {:?} {:?}",
                go.out, go.err
            ),
        }
        checked += 1;
    }
    assert_eq!(checked, VALID.len() + INVALID.len() + missing.len() + 1);
}

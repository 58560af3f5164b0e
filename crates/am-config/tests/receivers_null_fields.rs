//! An explicit null (`title: ~`, `send_resolved: ~`) on an integration field whose Go type is
//! a plain string, bool or duration with a non-zero default. yaml.v2 sets such a field to its
//! zero value ("" / false / 0) after `UnmarshalYAML` filled in the defaults, so the null
//! overrides the default instead of keeping it.
//!
//! For the integrations Alertmanager 0.25 already had, Debian's Go config package (through
//! `tests/go/receivers_oracle`) says what each nulled key prints as; ours must print the
//! same. The integrations added after 0.25 are checked against the zero values directly.

use std::path::Path;

use am_config::yaml::from_str;
use am_config::{Config, LoadOptions, load_str};
use am_testkit::GoOracle;
use serde::Deserialize;
use serde_json::Value;

/// Each integration with the keys nulled in the test (every field with a non-zero default)
/// and the other keys it needs to load.
const CASES_025: &[(&str, &str, &[&str])] = &[
    (
        "discord_configs",
        "webhook_url: https://discord.example/api/webhooks/1/x",
        &["send_resolved", "title", "message"],
    ),
    ("email_configs", "to: a@example.org", &["html"]),
    (
        "opsgenie_configs",
        "api_key: k",
        &["send_resolved", "message", "description", "source"],
    ),
    (
        "pagerduty_configs",
        "routing_key: rk",
        &["send_resolved", "client", "client_url", "description"],
    ),
    (
        "pushover_configs",
        "user_key: u\ntoken: t",
        &[
            "send_resolved",
            "title",
            "message",
            "url",
            "priority",
            "retry",
            "expire",
        ],
    ),
    (
        "slack_configs",
        "channel: '#c'",
        &[
            "username",
            "color",
            "title",
            "title_link",
            "pretext",
            "text",
            "footer",
            "fallback",
            "callback_id",
            "icon_emoji",
            "icon_url",
        ],
    ),
    (
        "sns_configs",
        "topic_arn: arn",
        &["send_resolved", "subject", "message"],
    ),
    (
        "telegram_configs",
        "bot_token: b\nchat_id: 1",
        &["send_resolved", "message", "parse_mode"],
    ),
    (
        "victorops_configs",
        "routing_key: r",
        &[
            "send_resolved",
            "message_type",
            "state_message",
            "entity_display_name",
            "monitoring_tool",
        ],
    ),
    (
        "webex_configs",
        "room_id: r\nhttp_config: {authorization: {credentials: c}}",
        &["send_resolved", "message"],
    ),
    (
        "webhook_configs",
        "url: http://hook.example/",
        &["send_resolved"],
    ),
    (
        "wechat_configs",
        "to_party: p",
        &["message", "to_user", "to_tag", "agent_id"],
    ),
];

/// Integrations added after 0.25, with the keys nulled and the zero value each must get.
const CASES_NEWER: &[(&str, &str, &[&str])] = &[
    (
        "msteams_configs",
        "webhook_url: https://teams.example/x",
        &["send_resolved", "title", "summary", "text"],
    ),
    (
        "msteamsv2_configs",
        "webhook_url: https://teams.example/x",
        &["send_resolved", "title", "text"],
    ),
    (
        "jira_configs",
        "api_url: https://jira.example/\nproject: P\nissue_type: Bug",
        &["send_resolved", "summary", "description", "priority"],
    ),
    (
        "rocketchat_configs",
        "token_id: i\ntoken: t",
        &["color", "title", "title_link", "text", "emoji", "icon_url"],
    ),
];

const GLOBAL: &str = "global:
  smtp_smarthost: smtp.example:587
  smtp_from: am@example.org
  opsgenie_api_key: og
  victorops_api_key: vo
  wechat_api_secret: wx
  wechat_api_corp_id: corp
  slack_api_url: https://hooks.slack.com/services/T/B/x
";

/// A configuration with one receiver holding one `key` integration: `required` plus each
/// of `nulled` set to `~`.
fn config(key: &str, required: &str, nulled: &[&str]) -> String {
    let mut entry: Vec<String> = required.lines().map(str::to_string).collect();
    entry.extend(nulled.iter().map(|k| format!("{k}: ~")));
    let body: String = entry
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}{l}\n", if i == 0 { "      - " } else { "        " }))
        .collect();
    format!("{GLOBAL}route:\n  receiver: r\nreceivers:\n  - name: r\n    {key}:\n{body}")
}

/// The first integration of the first receiver, as printed.
fn entry(printed: &Value, key: &str) -> Value {
    printed["receivers"][0][key][0].clone()
}

fn ours(src: &str) -> Config {
    load_str(src, None, &LoadOptions::default()).unwrap_or_else(|e| panic!("{src}\n{e}"))
}

#[derive(Deserialize)]
struct GoResult {
    out: Option<String>,
    err: Option<String>,
}

#[test]
fn nulled_fields_print_like_upstream() {
    let configs: Vec<String> = CASES_025
        .iter()
        .map(|(key, required, nulled)| config(key, required, nulled))
        .collect();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/receivers_oracle");
    let Some(oracle) = GoOracle::build(&src, "receivers_oracle") else {
        return;
    };
    let results: Vec<GoResult> = oracle.run_json(&configs);
    assert_eq!(results.len(), configs.len());
    let mut failures = Vec::new();
    let mut compared = 0;
    for ((key, _, nulled), (src, go)) in CASES_025.iter().zip(configs.iter().zip(&results)) {
        let Some(out) = &go.out else {
            panic!("go rejects:\n{src}\n{:?}", go.err);
        };
        let (go_printed, _) = from_str::<Value>(out).expect("go output is YAML");
        let go_entry = entry(&go_printed, key);
        let our_entry = entry(&ours(src).to_value(), key);
        for field in *nulled {
            compared += 1;
            if go_entry.get(field) != our_entry.get(field) {
                failures.push(format!(
                    "{key}.{field}: ~ prints as go {:?}, ours {:?}",
                    go_entry.get(field),
                    our_entry.get(field)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let total: usize = CASES_025.iter().map(|(_, _, nulled)| nulled.len()).sum();
    assert_eq!(compared, total);
}

#[test]
fn nulled_fields_of_newer_integrations_are_zero() {
    for (key, required, nulled) in CASES_NEWER {
        let printed = ours(&config(key, required, nulled)).to_value();
        let entry = entry(&printed, key);
        for field in *nulled {
            // Zero strings are left out (`omitempty`); `send_resolved` is always printed.
            let want = (*field == "send_resolved").then_some(Value::Bool(false));
            assert_eq!(entry.get(field).cloned(), want, "{key}.{field}: ~");
        }
        // Without the nulls, every one of them has a non-zero default.
        let printed = ours(&config(key, required, &[])).to_value();
        let defaults = self::entry(&printed, key);
        for field in *nulled {
            let value = defaults.get(field);
            assert!(
                value.is_some_and(|v| v != "" && v != false),
                "{key}.{field} default: {value:?}"
            );
        }
    }
}

#[test]
fn nulls_where_the_default_is_zero_or_inherited_change_nothing() {
    // `send_resolved` defaults to false for email; `require_tls` is a Go pointer (null is
    // nil), so a null inherits `global.smtp_require_tls` like an absent key.
    let src = config(
        "email_configs",
        "to: a@example.org",
        &["send_resolved", "require_tls", "text"],
    );
    let absent = config("email_configs", "to: a@example.org", &[]);
    assert_eq!(
        entry(&ours(&src).to_value(), "email_configs"),
        entry(&ours(&absent).to_value(), "email_configs")
    );
}

//! Chat receivers (Slack, Discord, Microsoft Teams v1/v2, Webex, Telegram, Rocket.Chat,
//! WeChat): defaults, inheritance from `global`, validation rules and printing.

mod common;

use am_config::global::GlobalConfig;
use am_config::receiver::url::SecretUrlSource;
use am_config::secret::{Secret, SecretSource};
use common::{Entry, global, printed};
use serde_json::{Value, json};

/// The entry under test; error paths name it.
const RECEIVER: Entry = Entry("receivers[0]");

#[test]
fn slack_inherits_global_api_url_and_applies_defaults() {
    let g = global("slack_api_url: https://hooks.slack.com/services/T0/B0/xoxsecret\n");
    let r = RECEIVER.ok(&g, "name: s\nslack_configs:\n- channel: '#ops'\n");
    let s = &r.slack_configs[0];
    assert!(!s.send_resolved);
    assert_eq!(Some(&s.api_url), g.slack_api_url.as_ref());
    assert_eq!(s.title, r#"{{ template "slack.default.title" . }}"#);
    assert_eq!(
        s.color,
        r#"{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}"#
    );
    assert_eq!(
        s.callback_id,
        r#"{{ template "slack.default.callbackid" . }}"#
    );
    assert_eq!(
        (s.image_url.as_str(), s.short_fields, s.link_names),
        ("", false, false)
    );
    let p = printed(&r);
    assert!(!p.to_string().contains("xoxsecret"));
    assert_eq!(p["slack_configs"][0]["api_url"], "<secret>");
    assert_eq!(p["slack_configs"][0]["short_fields"], false);
    assert_eq!(p["slack_configs"][0]["link_names"], false);
    assert!(p["slack_configs"][0].get("image_url").is_none());

    let from_file = global("slack_api_url_file: /run/slack\n");
    let s = &RECEIVER
        .ok(&from_file, "name: s\nslack_configs:\n- {}\n")
        .slack_configs[0];
    assert_eq!(s.api_url, SecretUrlSource::File("/run/slack".into()));
    let own = RECEIVER.ok(
        &from_file,
        "name: s\nslack_configs:\n- api_url_file: /own\n",
    );
    assert_eq!(printed(&own)["slack_configs"][0]["api_url_file"], "/own");
}

#[test]
fn slack_fields_and_actions() {
    let g = global("slack_api_url: https://hooks.example/x\n");
    let yaml = r#"name: s
slack_configs:
- fields:
  - {title: t, value: v, short: true}
  actions:
  - {type: button, text: Open, url: 'https://x', name: dropped, value: dropped, confirm: {text: sure}}
  - {type: button, text: Ack, name: ack, value: '1', confirm: {text: sure, ok_text: yes}}
"#;
    let s = &RECEIVER.ok(&g, yaml).slack_configs[0];
    assert_eq!(s.fields[0].short, Some(true));
    assert_eq!(
        (s.actions[0].name.as_str(), s.actions[0].value.as_str()),
        ("", "")
    );
    assert!(s.actions[0].confirm.is_none());
    assert_eq!(
        s.actions[1].confirm.as_ref().map(|c| c.ok_text.as_str()),
        Some("yes")
    );
    let p = serde_json::to_value(s).unwrap();
    assert_eq!(
        p["actions"][0],
        json!({"type": "button", "text": "Open", "url": "https://x"})
    );
    assert_eq!(
        p["fields"][0],
        json!({"title": "t", "value": "v", "short": true})
    );
}

#[test]
fn slack_errors() {
    let none = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&none, "name: s\nslack_configs:\n- channel: x\n"),
        ["receivers[0].slack_configs[0]: no global Slack API URL set either inline or in a file"]
    );
    assert_eq!(
        RECEIVER.errors(
            &none,
            "name: s\nslack_configs:\n- api_url: http://a/\n  api_url_file: /f\n"
        ),
        ["receivers[0].slack_configs[0]: at most one of api_url & api_url_file must be configured"]
    );
    let g = global("slack_api_url: https://hooks.example/x\n");
    let yaml = "name: s\nslack_configs:\n- fields: [{value: v}, {title: t}]\n  actions: [{text: a, url: u}, {type: b}, {type: b, text: t, confirm: {title: x}}]\n";
    assert_eq!(
        RECEIVER.errors(&g, yaml),
        [
            "receivers[0].slack_configs[0].fields[0]: missing title in Slack field configuration",
            "receivers[0].slack_configs[0].fields[1]: missing value in Slack field configuration",
            "receivers[0].slack_configs[0].actions[0]: missing type in Slack action configuration",
            "receivers[0].slack_configs[0].actions[1]: missing text in Slack action configuration",
            "receivers[0].slack_configs[0].actions[1]: missing name or url in Slack action configuration",
            "receivers[0].slack_configs[0].actions[2].confirm: missing text in Slack confirmation configuration",
            "receivers[0].slack_configs[0].actions[2]: missing name or url in Slack action configuration",
        ]
    );
}

#[test]
fn webhook_url_style_integrations() {
    let g = GlobalConfig::default();
    let yaml = "name: c\ndiscord_configs:\n- webhook_url: https://discord.example/api/webhooks/1/d1scord\nmsteams_configs:\n- webhook_url_file: /run/teams\n  summary: s\nmsteamsv2_configs:\n- webhook_url: https://flow.example/t3ams\n  send_resolved: false\n";
    let r = RECEIVER.ok(&g, yaml);
    assert_eq!(r.integration_count(), 3);
    let d = &r.discord_configs[0];
    assert!(d.send_resolved);
    assert_eq!(d.title, r#"{{ template "discord.default.title" . }}"#);
    assert_eq!(d.message, r#"{{ template "discord.default.message" . }}"#);
    assert_eq!(d.content, "");
    let t = &r.msteams_configs[0];
    assert_eq!(t.webhook_url, SecretUrlSource::File("/run/teams".into()));
    assert_eq!(
        (t.summary.as_str(), t.text.as_str()),
        ("s", r#"{{ template "msteams.default.text" . }}"#)
    );
    assert!(!r.msteamsv2_configs[0].send_resolved);
    assert_eq!(
        r.msteamsv2_configs[0].title,
        r#"{{ template "msteamsv2.default.title" . }}"#
    );
    let p = printed(&r);
    let text = p.to_string();
    assert!(
        !text.contains("d1scord") && !text.contains("t3ams"),
        "{text}"
    );
    assert_eq!(p["msteams_configs"][0]["webhook_url_file"], "/run/teams");
    assert!(p["msteams_configs"][0].get("webhook_url").is_none());
    let keys: Vec<_> = p.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        [
            "name",
            "discord_configs",
            "msteams_configs",
            "msteamsv2_configs"
        ]
    );

    for kind in ["discord_configs", "msteams_configs", "msteamsv2_configs"] {
        assert_eq!(
            RECEIVER.errors(&g, &format!("name: c\n{kind}:\n- title: x\n")),
            [format!(
                "receivers[0].{kind}[0]: one of webhook_url or webhook_url_file must be configured"
            )]
        );
        assert_eq!(
            RECEIVER.errors(
                &g,
                &format!("name: c\n{kind}:\n- webhook_url: http://a/\n  webhook_url_file: /f\n")
            ),
            [format!(
                "receivers[0].{kind}[0]: at most one of webhook_url & webhook_url_file must be configured"
            )]
        );
    }
}

#[test]
fn webex_requires_room_and_own_authorization() {
    let g = global("http_config:\n  authorization: {credentials: global-token}\n");
    assert_eq!(
        RECEIVER.errors(&g, "name: w\nwebex_configs:\n- room_id: r\n"),
        ["receivers[0].webex_configs[0]: missing webex_configs.http_config.authorization"]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: w\nwebex_configs:\n- http_config: {authorization: {credentials: t}}\n"
        ),
        ["receivers[0].webex_configs[0]: missing room_id on webex_config"]
    );
    // A bearer token becomes the authorization.
    let r = RECEIVER.ok(
        &g,
        "name: w\nwebex_configs:\n- room_id: r\n  http_config: {bearer_token: b3arer}\n",
    );
    let w = &r.webex_configs[0];
    assert_eq!(w.api_url.as_str(), "https://webexapis.com/v1/messages");
    assert_eq!(w.message, r#"{{ template "webex.default.message" . }}"#);
    assert_eq!(
        w.http_config.authorization().map(|a| a.kind.as_str()),
        Some("Bearer")
    );
    let p = printed(&r);
    assert!(!p.to_string().contains("b3arer"));
    assert_eq!(
        p["webex_configs"][0]["http_config"]["authorization"],
        json!({"type": "Bearer", "credentials": "<secret>"})
    );
}

#[test]
fn telegram() {
    let g = global("telegram_api_url: https://tg.example\n");
    let r = RECEIVER.ok(
        &g,
        "name: t\ntelegram_configs:\n- bot_token: 123:b0t\n  chat_id: -100\n  message_thread_id: 7\n",
    );
    let t = &r.telegram_configs[0];
    assert_eq!(t.api_url.as_str(), "https://tg.example");
    assert_eq!((t.chat_id, t.message_thread_id), (-100, 7));
    assert_eq!(t.parse_mode, "HTML");
    assert_eq!(t.bot_token, SecretSource::Inline(Secret::new("123:b0t")));
    let p = printed(&r);
    assert!(!p.to_string().contains("b0t"));
    assert_eq!(p["telegram_configs"][0]["parse_mode"], "HTML");
    assert!(
        p["telegram_configs"][0]
            .get("disable_notifications")
            .is_none()
    );
    let explicit_empty = RECEIVER.ok(
        &g,
        "name: t\ntelegram_configs:\n- bot_token_file: /f\n  chat_id: 1\n  parse_mode: ''\n",
    );
    assert_eq!(explicit_empty.telegram_configs[0].parse_mode, "");

    let e = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&e, "name: t\ntelegram_configs:\n- chat_id: 1\n"),
        [
            "receivers[0].telegram_configs[0]: missing bot_token or bot_token_file on telegram_config"
        ]
    );
    assert_eq!(
        RECEIVER.errors(
            &e,
            "name: t\ntelegram_configs:\n- bot_token: a\n  bot_token_file: b\n  chat_id: 0\n  parse_mode: md\n"
        ),
        [
            "receivers[0].telegram_configs[0]: at most one of bot_token & bot_token_file must be configured",
            "receivers[0].telegram_configs[0]: missing chat_id on telegram_config",
            "receivers[0].telegram_configs[0].parse_mode: unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string",
        ]
    );
}

#[test]
fn rocketchat_tokens_inherit_from_global() {
    let g = global("rocketchat_token: gl0bal-token\nrocketchat_token_id_file: /run/id\n");
    let r = RECEIVER.ok(
        &g,
        "name: r\nrocketchat_configs:\n- channel: '#c'\n  fields: [{title: t}]\n  actions: [{type: button, msginchatwindow: true}]\n",
    );
    let c = &r.rocketchat_configs[0];
    assert!(!c.send_resolved);
    assert_eq!(c.api_url.as_str(), "https://open.rocket.chat/");
    assert_eq!(c.token, SecretSource::Inline(Secret::new("gl0bal-token")));
    assert_eq!(c.token_id, SecretSource::File("/run/id".into()));
    assert_eq!(
        c.color,
        r#"{{ if eq .Status "firing" }}red{{ else }}green{{ end }}"#
    );
    let p = printed(&r);
    assert!(!p.to_string().contains("gl0bal"));
    assert_eq!(p["rocketchat_configs"][0]["token_id_file"], "/run/id");
    assert_eq!(
        p["rocketchat_configs"][0]["fields"][0],
        json!({"short": null, "title": "t", "value": ""})
    );
    assert_eq!(
        p["rocketchat_configs"][0]["actions"][0]["msginchatwindow"],
        true
    );
    assert_eq!(p["rocketchat_configs"][0]["actions"][0]["iswebview"], false);

    let none = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&none, "name: r\nrocketchat_configs:\n- {}\n"),
        [
            "receivers[0].rocketchat_configs[0]: no global Rocketchat Token set either inline or in a file",
            "receivers[0].rocketchat_configs[0]: no global Rocketchat TokenID set either inline or in a file",
        ]
    );
    assert_eq!(
        RECEIVER.errors(
            &none,
            "name: r\nrocketchat_configs:\n- {token: a, token_file: b, token_id: c}\n"
        ),
        [
            "receivers[0].rocketchat_configs[0]: at most one of token & token_file must be configured"
        ]
    );
    // An explicitly empty token counts as set (upstream's `*Secret`).
    let empty = RECEIVER.ok(
        &none,
        "name: r\nrocketchat_configs:\n- {token: '', token_id: i}\n",
    );
    assert_eq!(
        empty.rocketchat_configs[0].token,
        SecretSource::Inline(Secret::new(""))
    );
    assert_eq!(
        printed(&empty)["rocketchat_configs"][0]["token"],
        Value::Null
    );
}

#[test]
fn wechat() {
    let g = global(
        "wechat_api_secret: w3chat\nwechat_api_corp_id: corp\nwechat_api_url: https://wx.example/cgi\n",
    );
    let r = RECEIVER.ok(&g, "name: w\nwechat_configs:\n- message_type: markdown\n");
    let w = &r.wechat_configs[0];
    assert_eq!(w.api_secret.expose(), "w3chat");
    assert_eq!(w.corp_id, "corp");
    assert_eq!(w.api_url.as_str(), "https://wx.example/cgi/");
    assert_eq!(w.message_type, "markdown");
    assert_eq!(w.to_user, r#"{{ template "wechat.default.to_user" . }}"#);
    assert!(!printed(&r).to_string().contains("w3chat"));
    let d = RECEIVER.ok(&g, "name: w\nwechat_configs:\n- {}\n");
    assert_eq!(d.wechat_configs[0].message_type, "text");

    let none = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&none, "name: w\nwechat_configs:\n- message_type: html\n"),
        [
            "receivers[0].wechat_configs[0].message_type: weChat message type \"html\" does not match valid options ^(text|markdown)$",
            "receivers[0].wechat_configs[0]: no global Wechat ApiSecret set",
            "receivers[0].wechat_configs[0]: no global Wechat CorpID set",
        ]
    );
}

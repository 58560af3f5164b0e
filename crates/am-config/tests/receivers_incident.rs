//! Incident and paging receivers (PagerDuty, OpsGenie, VictorOps, Pushover, SNS, Jira):
//! defaults, inheritance from `global`, validation rules and printing.

mod common;

use am_config::global::GlobalConfig;
use am_config::secret::{Secret, SecretSource};
use common::{Entry, global, printed};
use serde_json::json;

/// The entry under test; error paths name it.
const RECEIVER: Entry = Entry("receivers[1]");

#[test]
fn pagerduty_defaults_details_and_source() {
    let g = GlobalConfig::default();
    let yaml = "name: p\npagerduty_configs:\n- routing_key: r0uting\n  details: {firing: custom, team: ops}\n  images: [{src: s}]\n  links: [{href: h, text: t}]\n";
    let r = RECEIVER.ok(&g, yaml);
    let p = &r.pagerduty_configs[0];
    assert!(p.send_resolved);
    assert_eq!(p.url.as_str(), "https://events.pagerduty.com/v2/enqueue");
    assert_eq!(
        p.routing_key,
        Some(SecretSource::Inline(Secret::new("r0uting")))
    );
    assert_eq!(p.service_key, None);
    assert_eq!(p.client, r#"{{ template "pagerduty.default.client" . }}"#);
    // Source defaults to the client.
    assert_eq!(p.source, p.client);
    assert_eq!(
        p.description,
        r#"{{ template "pagerduty.default.description" .}}"#
    );
    let details: Vec<(&str, &str)> = p
        .details
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        details,
        [
            ("firing", "custom"),
            ("num_firing", "{{ .Alerts.Firing | len }}"),
            ("num_resolved", "{{ .Alerts.Resolved | len }}"),
            (
                "resolved",
                r#"{{ template "pagerduty.default.instances" .Alerts.Resolved }}"#
            ),
            ("team", "ops"),
        ]
    );
    let out = printed(&r);
    assert!(!out.to_string().contains("r0uting"));
    assert_eq!(out["pagerduty_configs"][0]["routing_key"], "<secret>");
    assert_eq!(out["pagerduty_configs"][0]["images"], json!([{"src": "s"}]));
    assert!(out["pagerduty_configs"][0].get("severity").is_none());

    let g = global("pagerduty_url: https://pd.example/enqueue\n");
    let r = RECEIVER.ok(
        &g,
        "name: p\npagerduty_configs:\n- service_key_file: /k\n  client: c\n  source: ''\n",
    );
    let p = &r.pagerduty_configs[0];
    assert_eq!(p.url.as_str(), "https://pd.example/enqueue");
    assert_eq!(p.service_key, Some(SecretSource::File("/k".into())));
    assert_eq!(p.source, "c");
}

#[test]
fn pagerduty_errors() {
    let g = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&g, "name: p\npagerduty_configs:\n- client: c\n"),
        ["receivers[1].pagerduty_configs[0]: missing service or routing key in PagerDuty config"]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: p\npagerduty_configs:\n- {routing_key: a, routing_key_file: b, service_key: c, service_key_file: d}\n"
        ),
        [
            "receivers[1].pagerduty_configs[0]: at most one of routing_key & routing_key_file must be configured",
            "receivers[1].pagerduty_configs[0]: at most one of service_key & service_key_file must be configured",
        ]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: p\npagerduty_configs:\n- {routing_key: a, url: 'mailto:x'}\n"
        ),
        ["receivers[1].pagerduty_configs[0].url: unsupported scheme \"mailto\" for URL"]
    );
}

#[test]
fn opsgenie_inheritance_and_responders() {
    let g = global("opsgenie_api_key_file: /run/og\nopsgenie_api_url: https://og.example/api\n");
    let yaml = "name: o\nopsgenie_configs:\n- responders: [{id: '1', type: Team}, {name: n, type: '{{ .CommonLabels.t }}'}]\n  update_alerts: true\n";
    let r = RECEIVER.ok(&g, yaml);
    let o = &r.opsgenie_configs[0];
    assert_eq!(o.api_key, SecretSource::File("/run/og".into()));
    assert_eq!(o.api_url.as_str(), "https://og.example/api/");
    assert_eq!(o.message, r#"{{ template "opsgenie.default.message" . }}"#);
    assert_eq!(o.responders[0].kind, "Team");
    let out = printed(&r);
    assert_eq!(out["opsgenie_configs"][0]["api_key_file"], "/run/og");
    assert_eq!(out["opsgenie_configs"][0]["update_alerts"], true);
    assert_eq!(
        out["opsgenie_configs"][0]["responders"][0],
        json!({"id": "1", "type": "Team"})
    );

    let own = RECEIVER.ok(&g, "name: o\nopsgenie_configs:\n- api_key: 0gkey\n");
    assert_eq!(
        own.opsgenie_configs[0].api_key,
        SecretSource::Inline(Secret::new("0gkey"))
    );
    assert!(!printed(&own).to_string().contains("0gkey"));
    assert_eq!(
        RECEIVER
            .ok(
                &GlobalConfig::default(),
                "name: o\nopsgenie_configs:\n- api_key: k\n"
            )
            .opsgenie_configs[0]
            .api_url
            .as_str(),
        "https://api.opsgenie.com/"
    );
}

#[test]
fn opsgenie_errors() {
    let g = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&g, "name: o\nopsgenie_configs:\n- message: m\n"),
        [
            "receivers[1].opsgenie_configs[0]: no global OpsGenie API Key set either inline or in a file"
        ]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: o\nopsgenie_configs:\n- {api_key: a, api_key_file: b}\n"
        ),
        [
            "receivers[1].opsgenie_configs[0]: at most one of api_key & api_key_file must be configured"
        ]
    );
    let yaml = "name: o\nopsgenie_configs:\n- api_key: k\n  responders:\n  - {type: team}\n  - {username: u, type: Squad}\n  - {id: i, type: '{{ .Broken '}\n";
    assert_eq!(
        RECEIVER.errors(&g, yaml),
        [
            "receivers[1].opsgenie_configs[0].responders[0]: opsGenieConfig responder {   team} has to have at least one of id, username or name specified",
            "receivers[1].opsgenie_configs[0].responders[1].type: opsGenieConfig responder {  u squad} type does not match valid options ^(team|teams|user|escalation|schedule)$",
            "receivers[1].opsgenie_configs[0].responders[2].type: opsGenieConfig responder {i   {{ .Broken } type is not a valid template: template: :1: unclosed action",
        ]
    );
}

#[test]
fn victorops() {
    let g = global("victorops_api_key: v1ct0r\n");
    let r = RECEIVER.ok(
        &g,
        "name: v\nvictorops_configs:\n- routing_key: team-a\n  custom_fields: {env: prod}\n",
    );
    let v = &r.victorops_configs[0];
    assert_eq!(v.api_key, SecretSource::Inline(Secret::new("v1ct0r")));
    assert_eq!(
        v.api_url.as_str(),
        "https://alert.victorops.com/integrations/generic/20131114/alert/"
    );
    assert_eq!(v.message_type, "CRITICAL");
    let out = printed(&r);
    assert!(!out.to_string().contains("v1ct0r"));
    let keys: Vec<_> = out["victorops_configs"][0]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(
        keys,
        [
            "send_resolved",
            "http_config",
            "api_key",
            "api_url",
            "routing_key",
            "message_type",
            "state_message",
            "entity_display_name",
            "monitoring_tool",
            "custom_fields"
        ]
    );
    let custom = RECEIVER.ok(
        &g,
        "name: v\nvictorops_configs:\n- {routing_key: r, api_url: 'https://vo.example/x'}\n",
    );
    assert_eq!(
        custom.victorops_configs[0].api_url.as_str(),
        "https://vo.example/x/"
    );

    let none = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(
            &none,
            "name: v\nvictorops_configs:\n- custom_fields: {entity_id: x, routing_key: y, ok: z}\n"
        ),
        [
            "receivers[1].victorops_configs[0]: missing Routing key in VictorOps config",
            "receivers[1].victorops_configs[0].custom_fields.routing_key: victorOps config contains custom field routing_key which cannot be used as it conflicts with the fixed/static fields",
            "receivers[1].victorops_configs[0].custom_fields.entity_id: victorOps config contains custom field entity_id which cannot be used as it conflicts with the fixed/static fields",
            "receivers[1].victorops_configs[0]: no global VictorOps API Key set",
        ]
    );
}

#[test]
fn pushover() {
    let g = GlobalConfig::default();
    let r = RECEIVER.ok(
        &g,
        "name: p\npushover_configs:\n- {user_key: us3r, token_file: /t, ttl: 90s, retry: 30s}\n",
    )
    .pushover_configs
    .remove(0);
    assert!(r.send_resolved);
    assert_eq!(r.user_key, SecretSource::Inline(Secret::new("us3r")));
    assert_eq!(r.token, SecretSource::File("/t".into()));
    assert_eq!(r.expire.to_string(), "1h0m0s");
    assert_eq!(r.ttl.to_string(), "1m30s");
    assert_eq!(
        r.priority,
        r#"{{ if eq .Status "firing" }}2{{ else }}0{{ end }}"#
    );
    let out = serde_json::to_value(&r).unwrap();
    assert!(!out.to_string().contains("us3r"));
    assert_eq!(
        (out["retry"].clone(), out["ttl"].clone()),
        (json!("30s"), json!("1m30s"))
    );
    assert_eq!(out["html"], false);
}

#[test]
fn pushover_errors() {
    let g = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&g, "name: p\npushover_configs:\n- {retry: 5}\n"),
        [
            "receivers[1].pushover_configs[0]: one of user_key or user_key_file must be configured",
            "receivers[1].pushover_configs[0]: one of token or token_file must be configured",
            "receivers[1].pushover_configs[0].retry: time: missing unit in duration \"5\"",
        ]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: p\npushover_configs:\n- {user_key: a, user_key_file: b, token: c, token_file: d}\n"
        ),
        [
            "receivers[1].pushover_configs[0]: at most one of user_key & user_key_file must be configured",
            "receivers[1].pushover_configs[0]: at most one of token & token_file must be configured",
        ]
    );
}

#[test]
fn sns() {
    let g = GlobalConfig::default();
    let r = RECEIVER.ok(
        &g,
        "name: s\nsns_configs:\n- topic_arn: arn:aws:sns:x\n  sigv4: {region: eu-west-1, access_key: AK, secret_key: s3cretkey}\n",
    );
    let s = &r.sns_configs[0];
    assert_eq!(s.subject, r#"{{ template "sns.default.subject" . }}"#);
    assert_eq!(s.sigv4.secret_key.expose(), "s3cretkey");
    let out = printed(&r);
    assert!(!out.to_string().contains("s3cretkey"));
    assert_eq!(
        out["sns_configs"][0]["sigv4"],
        json!({"region": "eu-west-1", "access_key": "AK", "secret_key": "<secret>"})
    );
    let bare = RECEIVER.ok(&g, "name: s\nsns_configs:\n- phone_number: '+1'\n");
    assert_eq!(printed(&bare)["sns_configs"][0]["sigv4"], json!({}));
    // Upstream's rule passes when all three targets are set.
    RECEIVER.ok(
        &g,
        "name: s\nsns_configs:\n- {topic_arn: a, phone_number: b, target_arn: c}\n",
    );

    let msg = "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config";
    assert_eq!(
        RECEIVER.errors(&g, "name: s\nsns_configs:\n- {}\n"),
        [format!("receivers[1].sns_configs[0]: {msg}")]
    );
    assert_eq!(
        RECEIVER.errors(&g, "name: s\nsns_configs:\n- {topic_arn: a, target_arn: b, sigv4: {access_key: x}}\n"),
        [
            format!("receivers[1].sns_configs[0]: {msg}"),
            "receivers[1].sns_configs[0].sigv4: must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config".to_string(),
        ]
    );
}

#[test]
fn jira() {
    let g = global("jira_api_url: https://acme.atlassian.net/rest/api/2\n");
    let yaml = "name: j\njira_configs:\n- project: OPS\n  issue_type: Bug\n  reopen_duration: 1d\n  labels: [a]\n  fields:\n    customfield_1: {z: 1, a: [x, {b: 2, a: 1}]}\n";
    let r = RECEIVER.ok(&g, yaml);
    let j = &r.jira_configs[0];
    assert_eq!(j.api_url.as_str(), "https://acme.atlassian.net/rest/api/2");
    assert_eq!(j.summary, r#"{{ template "jira.default.summary" . }}"#);
    assert_eq!(j.priority, r#"{{ template "jira.default.priority" . }}"#);
    assert_eq!(j.reopen_duration.to_string(), "1d");
    let out = printed(&r);
    assert_eq!(out["jira_configs"][0]["reopen_duration"], "1d");
    let field = serde_json::to_string(&out["jira_configs"][0]["fields"]).unwrap();
    assert_eq!(
        field,
        r#"{"customfield_1":{"a":["x",{"a":1,"b":2}],"z":1}}"#
    );
    let plain = RECEIVER.ok(
        &g,
        "name: j\njira_configs:\n- {project: P, issue_type: T}\n",
    );
    assert!(
        printed(&plain)["jira_configs"][0]
            .get("reopen_duration")
            .is_none()
    );

    let none = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&none, "name: j\njira_configs:\n- reopen_duration: 1x\n"),
        [
            "receivers[1].jira_configs[0]: missing project in jira_config",
            "receivers[1].jira_configs[0]: missing issue_type in jira_config",
            "receivers[1].jira_configs[0].reopen_duration: not a valid duration string: \"1x\"",
            "receivers[1].jira_configs[0]: no global Jira Cloud URL set",
        ]
    );
}

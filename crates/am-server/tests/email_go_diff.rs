//! Differential test of the email integration against Go Alertmanager 0.25
//! (`/usr/bin/prometheus-alertmanager`): the same alert is sent by Go and by alertmesh's
//! notifier to the same `tests/smtp_sink.py`, and the dialogue, the decoded headers and parts,
//! the raw header lines (Q-encoded words byte for byte) and the raw quoted-printable text part
//! must be equal.

mod email_support;

use am_server::notify::Notifier;
use am_server::notify::NotifyContext;
use am_server::notify::email::EmailNotifier;
use email_support::*;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

/// Drops what legitimately differs between two sessions' messages: the `Message-Id` and `Date`
/// values, the boundary, and the one change v0.28 made to the HTML body (0.25 links
/// `http://schema.org`).
fn comparable(s: &Value) -> Value {
    let m = &s["messages"][0];
    let mut names: Vec<String> = m["header_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    let mut headers = m["headers"].clone();
    let h = headers.as_object_mut().unwrap();
    let id = h.remove("Message-Id").unwrap();
    let id = id.as_str().unwrap();
    let host = id.split_once('@').map(|(_, h)| h.to_owned());
    let date = h.remove("Date").unwrap();
    let date = date.as_str().unwrap();
    h.remove("Content-Type");
    let parts: Vec<Value> = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut p = p.clone();
            let body = p["body"]
                .as_str()
                .unwrap()
                .replace("http://schema.org", "https://schema.org");
            p["body"] = Value::String(body);
            p
        })
        .collect();
    let raw = s["raw"][0].as_str().unwrap();
    let ctype_line = raw
        .lines()
        .find(|l| l.starts_with("Content-Type: multipart"))
        .map(|l| l.len());
    // The wire form: header lines (Q-encoded words byte for byte) and the text part as
    // quoted-printable, with the random boundary replaced.
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut raw_headers: Vec<&str> = head
        .split("\r\n")
        .filter(|l| {
            !["Message-Id:", "Date:", "Content-Type:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    raw_headers.sort_unstable();
    let boundary = m["boundary"].as_str().unwrap();
    let body = body.replace(boundary, "BOUNDARY");
    let text_part = body.split("--BOUNDARY").nth(1).map(str::to_owned);
    serde_json::json!({
        "raw_headers": raw_headers, "raw_text_part": text_part,
        "commands": s["commands"], "tls": s["tls"], "auth": s["auth"],
        "header_names": names, "headers": headers, "message_id_host": host,
        "date_shape": date.len(), "date_zone": date.rsplit(' ').next(),
        "content_type": m["content_type"], "boundary_len": m["boundary"].as_str().map(str::len),
        "content_type_line_len": ctype_line, "defects": m["defects"], "parts": parts,
    })
}

/// The same alert sent by Go Alertmanager 0.25 and by alertmesh's notifier to the same sink
/// gives the same dialogue and the same message (after decoding).
#[tokio::test]
async fn same_message_as_go_alertmanager() {
    use am_testkit::server::{Flavor, Server, ServerOptions};
    if !am_testkit::server::flavor_available(Flavor::Go) {
        eprintln!("skipped: Go Alertmanager is not installed");
        return;
    }
    let Some(sink) = Sink::start(&PLAIN_LOGIN_SINK) else {
        return;
    };
    let email = full_entry(
        sink.port,
        "'Ops Team <ops@example.org>, dev@example.org'",
        "X-Custom: 'group {{ .GroupLabels.alertname }} – {{ .Status }} ✓'",
    );
    let templates = "/usr/share/prometheus/alertmanager";
    let go_config = format!(
        "templates: ['{templates}/default.tmpl', '{templates}/email.tmpl']\nroute:\n  \
         receiver: mail\n  group_by: [alertname]\n  group_wait: 0s\n  group_interval: 1h\n  \
         repeat_interval: 4h\nreceivers:\n- name: mail\n  email_configs:\n  - {}\n",
        email.trim_start()
    );
    let opts = ServerOptions {
        extra_args: vec!["--web.external-url=http://am.example:9093".into()],
        ..ServerOptions::default()
    };
    let go = Server::start_with(Flavor::Go, &go_config, &opts).expect("start Go Alertmanager");
    let now = Timestamp::now();
    let starts = now - SignedDuration::from_secs(600);
    let alert = serde_json::json!([{
        "labels": {"alertname": "Disk", "instance": "h1"},
        "annotations": {"summary": "disk is full"},
        "startsAt": starts.to_string(),
        "generatorURL": "http://prom/graph",
    }]);
    let resp = go
        .client()
        .post_json("/api/v2/alerts", &alert)
        .expect("POST alert");
    assert_eq!(resp.status, 200, "{}", resp.text());
    let go_session = sink.session();
    drop(go);

    let n = EmailNotifier::new(email_config(&email), template());
    let mut a = alerts();
    a[0].starts_at = starts;
    a[0].ends_at = am_model::alert::ZERO_TIME;
    let ctx = NotifyContext { now, ..ctx() };
    n.notify(&ctx, &a).await.expect("delivered");
    let ours = sink.session();
    assert_eq!(
        comparable(&ours),
        comparable(&go_session),
        "ours vs Go 0.25"
    );
}

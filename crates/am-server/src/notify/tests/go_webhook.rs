//! Differential test: the webhook body Go Alertmanager 0.25 sends for a group (receiver name
//! quoting, alert order, `max_alerts` truncation, zeroed `endsAt` of firing alerts, HTML
//! escaping, time formats, field order) is byte-for-byte the body alertmesh builds for the
//! same alerts. Skipped when `/usr/bin/prometheus-alertmanager` is not installed.

use std::time::Duration;

use am_testkit::http::HttpClient as TestClient;
use am_testkit::server::{Flavor, Server, ServerOptions};
use am_testkit::webhook::WebhookCollector;

use super::*;
use crate::clock::{Clock, SystemClock};
use crate::notify::data::template_data;
use crate::notify::webhook::{payload, truncate_alerts};

fn alert(instance: &str, starts: Timestamp, ends: Timestamp, url: &str) -> Alert {
    Alert {
        labels: labels(&[("alertname", "A"), ("instance", instance), ("job", "n<&>")]),
        annotations: labels(&[("summary", "it \"broke\"\n\u{2028}"), ("x", instance)]),
        starts_at: starts,
        ends_at: ends,
        generator_url: url.into(),
        updated_at: starts,
        timeout: false,
    }
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.fZ").to_string()
}

#[test]
fn webhook_body_matches_go_alertmanager() {
    if Flavor::Go.binary().is_err() {
        eprintln!("skipped: Go Alertmanager is not installed");
        return;
    }
    let collector = WebhookCollector::start().unwrap();
    let yaml = format!(
        "route:\n  receiver: team.a\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1h\n\
         receivers:\n  - name: team.a\n    webhook_configs:\n      - url: {}/hook\n        max_alerts: 2\n",
        collector.url()
    );
    let opts = ServerOptions {
        extra_args: vec!["--web.external-url=http://am.example:9093".into()],
        ..ServerOptions::default()
    };
    let server = Server::start_with(Flavor::Go, &yaml, &opts).unwrap();

    let now = SystemClock.now();
    let whole = |secs: i64| Timestamp::from_second(now.as_second() + secs).unwrap();
    let starts = whole(-600);
    let resolved_at = whole(-60) + SignedDuration::from_millis(500);
    let alerts = vec![
        alert(
            "h1",
            starts,
            whole(86_400),
            "http://prom/graph?g0.expr=up&x=<1>",
        ),
        alert("h2", starts, resolved_at, ""),
        alert("h3", starts, whole(86_400), "http://prom/3"),
    ];
    let body: Vec<serde_json::Value> = alerts
        .iter()
        .map(|a| {
            serde_json::json!({
                "labels": a.labels, "annotations": a.annotations,
                "startsAt": rfc3339(a.starts_at), "endsAt": rfc3339(a.ends_at),
                "generatorURL": a.generator_url.as_str(),
            })
        })
        .collect();
    let resp = TestClient::new(&server.url())
        .post_json("/api/v2/alerts", &serde_json::Value::Array(body))
        .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.text());
    let got = collector
        .wait_for(1, Duration::from_secs(20))
        .unwrap_or_else(|r| panic!("no notification from Go: {r:?}"));
    let go_body = String::from_utf8(got[0].body.clone()).unwrap();

    // What alertmesh sends: firing alerts with a zero end, in dispatch order, truncated.
    let mut ours = alerts.clone();
    for a in &mut ours {
        if !a.resolved_at(now) {
            a.ends_at = ZERO_TIME;
        }
    }
    let (sent, truncated) = truncate_alerts(2, &ours);
    let mut opts = TemplateOptions::new(system_clock());
    opts.external_url = "http://am.example:9093".into();
    let tmpl = Template::new(opts);
    let data = template_data(&tmpl, "team.a", &labels(&[("alertname", "A")]), sent, now);
    let want = payload(&data, "{}:{alertname=\"A\"}", truncated);
    assert_eq!(go_body, want);
}

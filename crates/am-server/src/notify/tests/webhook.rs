//! The webhook integration: the payload against a golden written from Go's encoding rules,
//! `max_alerts` truncation, and real requests to a local HTTP server answering scripted
//! status codes (headers, body, 5xx retried, 4xx fatal).

use std::collections::VecDeque;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

use super::*;
use crate::notify::data::template_data;
use crate::notify::http::HttpClient;
use crate::notify::retry::{Backoff, retry};
use crate::notify::webhook::{WebhookNotifier, payload, truncate_alerts};

fn golden_alerts() -> Vec<Alert> {
    let mut a1 = firing("A", "h1");
    a1.labels = labels(&[("alertname", "A"), ("instance", "h1"), ("job", "<j&b>")]);
    a1.ends_at = ZERO_TIME;
    let mut a2 = resolved("A", "h2");
    a2.starts_at = at(-600) + SignedDuration::from_millis(500);
    a2.annotations = labels(&[("summary", "it broke"), ("runbook", "line1\nline2")]);
    a2.generator_url = "".into();
    vec![a1, a2]
}

#[test]
fn payload_matches_go_encoding() {
    let alerts = golden_alerts();
    let data = template_data(
        &template(),
        "team.a",
        &labels(&[("alertname", "A")]),
        &alerts,
        t0(),
    );
    let got = payload(&data, "{}:{alertname=\"A\"}", 3);
    let (f1, f2) = (alerts[0].fingerprint(), alerts[1].fingerprint());
    let want = format!(
        concat!(
            r#"{{"receiver":"team\\.a","status":"firing","alerts":["#,
            r#"{{"status":"firing","labels":{{"alertname":"A","instance":"h1","job":"\u003cj\u0026b\u003e"}},"#,
            r#""annotations":{{"summary":"it broke"}},"startsAt":"2023-11-14T22:03:20Z","#,
            r#""endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"{f1}"}},"#,
            r#"{{"status":"resolved","labels":{{"alertname":"A","instance":"h2"}},"#,
            r#""annotations":{{"runbook":"line1\nline2","summary":"it broke"}},"#,
            r#""startsAt":"2023-11-14T22:03:20.5Z","endsAt":"2023-11-14T22:12:20Z","generatorURL":"","#,
            r#""fingerprint":"{f2}"}}],"#,
            r#""groupLabels":{{"alertname":"A"}},"commonLabels":{{"alertname":"A"}},"#,
            r#""commonAnnotations":{{"summary":"it broke"}},"externalURL":"http://am.example:9093","#,
            r#""version":"4","groupKey":"{{}}:{{alertname=\"A\"}}","truncatedAlerts":3}}"#,
            "\n"
        ),
        f1 = f1,
        f2 = f2
    );
    assert_eq!(got, want);
    assert_eq!(f1.to_string().len(), 16);
    // Valid JSON with the same content.
    let v: serde_json::Value = serde_json::from_str(&got).unwrap();
    assert_eq!(v["alerts"][0]["labels"]["job"], "<j&b>");
    assert_eq!(v["receiver"], "team\\.a");
}

#[test]
fn resolved_only_group_has_resolved_status() {
    let alerts = vec![resolved("A", "h1")];
    let data = template_data(&template(), "r", &LabelSet::empty(), &alerts, t0());
    assert_eq!(data.status, "resolved");
    let got = payload(&data, "k", 0);
    assert!(got.contains(r#""groupLabels":{},"#), "{got}");
    assert!(got.ends_with("\"truncatedAlerts\":0}\n"), "{got}");
}

#[test]
fn max_alerts_truncates() {
    let alerts: Vec<Alert> = (0..5).map(|i| firing("A", &format!("h{i}"))).collect();
    let (kept, cut) = truncate_alerts(2, &alerts);
    assert_eq!((kept.len(), cut), (2, 3));
    assert_eq!(kept[1], alerts[1]);
    assert_eq!(truncate_alerts(0, &alerts).0.len(), 5);
    assert_eq!(truncate_alerts(5, &alerts), (&alerts[..], 0));
    assert_eq!(truncate_alerts(9, &alerts).1, 0);
}

/// Requests seen by the test server: headers and body.
type Seen = Arc<Mutex<Vec<(HeaderMap, String)>>>;

#[derive(Clone)]
struct Server {
    statuses: Arc<Mutex<VecDeque<u16>>>,
    seen: Seen,
}

async fn hook(State(s): State<Server>, headers: HeaderMap, body: String) -> (StatusCode, String) {
    s.seen.lock().push((headers, body));
    let code = s.statuses.lock().pop_front().unwrap_or(200);
    let text = if code == 200 { "" } else { "scripted failure" };
    (StatusCode::from_u16(code).unwrap(), text.to_owned())
}

/// Starts a server answering `statuses` in order (then 200); returns its URL.
async fn serve(statuses: &[u16]) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let state = Server {
        statuses: Arc::new(Mutex::new(statuses.iter().copied().collect())),
        seen: seen.clone(),
    };
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), seen)
}

fn webhook_integration(yaml_extra: &str, url: &str) -> Integration {
    let text = format!(
        "route: {{receiver: team}}\nreceivers:\n  - name: team\n    webhook_configs:\n      - url: {url}\n{yaml_extra}"
    );
    let config = am_config::load_str(&text, None, &am_config::LoadOptions::default()).unwrap();
    let c = config.receivers[0].webhook_configs[0].clone();
    let client = HttpClient::new(&c.http_config, "Alertmanager/test").unwrap();
    let n = WebhookNotifier::new(c, template(), client);
    integration(Arc::new(n), true)
}

/// Fast, jitter-free backoff so real-time tests stay short (0.25 s, 0.375 s, ...).
fn quick() -> Backoff {
    Backoff::with_random(Box::new(|| 0.0))
}

#[tokio::test]
async fn posts_payload_and_retries_5xx_until_success() {
    let (url, seen) = serve(&[500, 503]).await;
    let extra = "        max_alerts: 1\n        http_config:\n          basic_auth: {username: u, password: p}\n";
    let i = webhook_integration(extra, &url);
    let m = NotifyMetrics::detached();
    let ctx = notify_ctx(t0(), Duration::from_secs(10));
    let alerts = vec![firing("A", "h1"), firing("A", "h2")];
    retry(&i, &ctx, &alerts, &m, quick()).await.unwrap();
    let seen = seen.lock();
    assert_eq!(seen.len(), 3);
    let (headers, body) = &seen[2];
    assert_eq!(headers["user-agent"], "Alertmanager/test");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["authorization"], "Basic dTpw");
    let data = template_data(&template(), "team", &ctx.group_labels, &alerts[..1], t0());
    assert_eq!(*body, payload(&data, &ctx.group_key, 1));
    assert_eq!(m.requests("webhook").get(), 3.0);
    assert_eq!(m.requests_failed("webhook").get(), 2.0);
}

#[tokio::test]
async fn client_error_is_fatal() {
    let (url, seen) = serve(&[400]).await;
    let extra = "        http_config:\n          authorization: {credentials: tok}\n";
    let i = webhook_integration(extra, &url);
    let m = NotifyMetrics::detached();
    let ctx = notify_ctx(t0(), Duration::from_secs(10));
    let e = retry(&i, &ctx, &[firing("A", "h1")], &m, quick())
        .await
        .unwrap_err();
    assert_eq!(
        e.message,
        "team/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: \
         unexpected status code 400: scripted failure"
    );
    assert_eq!(e.reason, Reason::ClientError);
    assert_eq!(seen.lock()[0].0["authorization"], "Bearer tok");
    assert_eq!(m.failed("webhook", Reason::ClientError).get(), 1.0);
}

#[tokio::test]
async fn url_file_and_transport_errors() {
    let (url, seen) = serve(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("url");
    std::fs::write(&path, format!("{url}\n")).unwrap();
    let text = format!(
        "route: {{receiver: team}}\nreceivers:\n  - name: team\n    webhook_configs:\n      - url_file: {}\n",
        path.display()
    );
    let config = am_config::load_str(&text, None, &am_config::LoadOptions::default()).unwrap();
    let c = config.receivers[0].webhook_configs[0].clone();
    let client = HttpClient::new(&c.http_config, "Alertmanager/test").unwrap();
    let n = WebhookNotifier::new(c, template(), client);
    let ctx = notify_ctx(t0(), Duration::from_secs(10));
    n.notify(&ctx, &[firing("A", "h1")]).await.unwrap();
    assert_eq!(seen.lock().len(), 1);

    // Nothing listens on port 1: retryable, and the URL is not in the message.
    let i = webhook_integration("", "http://127.0.0.1:1/secret-token");
    let e = i
        .notifier
        .notify(&ctx, &[firing("A", "h1")])
        .await
        .unwrap_err();
    assert!(e.retryable);
    assert_eq!(e.reason, Reason::Other);
    assert!(
        e.message.starts_with("Post \"<redacted>\""),
        "{}",
        e.message
    );
    assert!(!e.message.contains("secret-token"), "{}", e.message);
}

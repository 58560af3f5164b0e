//! End-to-end timeline tests of one in-process node under simulated time (the style of
//! upstream's `test/with_api_v2/acceptance`): alerts go in through [`Node::ingest`] at chosen
//! instants, webhook notifications come out through an in-memory HTTP transport that records
//! when each arrived, and each test says which notifications must arrive in which window.
//!
//! Time is tokio's paused clock (`start_paused`), read through `TokioClock`, so the whole
//! pipeline (dispatcher timers, retries, nflog timestamps) runs deterministically and a test
//! that covers minutes of alerting takes milliseconds.

use std::sync::Arc;
use std::time::Duration;

use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::LabelSet;
use am_server::app::{AppOptions, Node};
use am_server::clock::{SharedClock, TokioClock};
use am_server::metrics::Registry;
use am_server::notify::SingleNode;
use am_server::notify::http::{HttpRequest, HttpResponse, HttpTransport};
use am_server::silence::Silence;
use futures::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};
use parking_lot::Mutex;
use serde_json::Value;

/// One delivered webhook.
#[derive(Clone, Debug)]
struct Delivery {
    /// Seconds since the test's start.
    at: f64,
    /// The path of the webhook URL (one per receiver in these configs).
    path: String,
    body: Value,
}

impl Delivery {
    fn status(&self) -> &str {
        self.body["status"].as_str().unwrap_or_default()
    }

    /// `alertname/instance=status` of each alert, in payload order.
    fn alerts(&self) -> Vec<String> {
        self.body["alerts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|a| {
                        format!(
                            "{}/{}={}",
                            a["labels"]["alertname"].as_str().unwrap_or_default(),
                            a["labels"]["instance"].as_str().unwrap_or_default(),
                            a["status"].as_str().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Records webhook requests, answering 200.
struct Recorder {
    clock: SharedClock,
    start: Timestamp,
    got: Mutex<Vec<Delivery>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recorder")
    }
}

impl HttpTransport for Recorder {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, String>> {
        let at = (self.clock.now() - self.start).as_secs_f64();
        let path = request
            .url
            .split_once("://")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map(|(_, p)| format!("/{p}"))
            .unwrap_or_default();
        let body = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        self.got.lock().push(Delivery { at, path, body });
        Box::pin(async {
            Ok(HttpResponse {
                status: 200,
                error_body: String::new(),
            })
        })
    }
}

struct Harness {
    node: Arc<Node>,
    recorder: Arc<Recorder>,
    clock: SharedClock,
    start: Timestamp,
    _dir: tempfile::TempDir,
}

const BASE: i64 = 1_700_000_000;

/// An alert to post: labels, start (seconds after the test's start), end (`None` = open).
type Posted<'a> = (&'a [(&'a str, &'a str)], i64, Option<i64>);

/// Expected delivery: arrival window `[from, to]` in seconds, path, status, alerts.
type Want<'a> = (f64, f64, &'a str, &'a str, &'a [&'a str]);

impl Harness {
    async fn start(yaml: &str) -> Harness {
        let start = Timestamp::from_second(BASE).unwrap();
        let clock: SharedClock = Arc::new(TokioClock::new(start));
        let recorder = Arc::new(Recorder {
            clock: Arc::clone(&clock),
            start,
            got: Mutex::new(Vec::new()),
        });
        let dir = tempfile::tempdir().unwrap();
        let config = am_config::load::load_str(yaml, None, &Default::default()).expect("config");
        let opts = AppOptions {
            storage_path: dir.path().to_path_buf(),
            retention: Duration::from_secs(120 * 3600),
            maintenance_interval: Duration::from_secs(15 * 60),
            max_silences: 0,
            max_silence_size_bytes: 0,
            alerts_gc_interval: Duration::from_secs(30 * 60),
            per_alertname_limit: 0,
            dispatch_maintenance_interval: Duration::from_secs(30),
            dispatch_start_delay: Duration::ZERO,
            peer_timeout: Duration::from_secs(15),
            cluster_enabled: false,
            external_url: "http://am.example:9093".to_owned(),
            parse_mode: Default::default(),
            version: "test".to_owned(),
            http_transport: Some(Arc::clone(&recorder) as Arc<dyn HttpTransport>),
        };
        let node = Node::start(
            opts,
            config,
            Arc::clone(&clock),
            Arc::new(SingleNode),
            Registry::new(),
        )
        .await
        .expect("node starts");
        Harness {
            node,
            recorder,
            clock,
            start,
            _dir: dir,
        }
    }

    /// Sleeps (simulated) until `secs` after the start.
    async fn at(&self, secs: f64) {
        let now = (self.clock.now() - self.start).as_secs_f64();
        assert!(secs >= now, "timeline goes backwards: {secs} < {now}");
        tokio::time::sleep(Duration::from_secs_f64(secs - now)).await;
    }

    fn ts(&self, secs: i64) -> Timestamp {
        self.start + SignedDuration::from_secs(secs)
    }

    /// Posts alerts like the API does (`updatedAt = now`); `ends` = seconds after the start
    /// (`None` = open, filled from resolve_timeout as the API would: 5 minutes).
    async fn post(&self, alerts: &[Posted<'_>]) {
        let now = self.clock.now();
        let batch = alerts
            .iter()
            .map(|(labels, starts, ends)| {
                let (ends_at, timeout) = match ends {
                    Some(e) => (self.ts(*e), false),
                    None => (now + SignedDuration::from_mins(5), true),
                };
                Alert {
                    labels: LabelSet::new(labels.iter().copied()),
                    annotations: LabelSet::empty(),
                    starts_at: self.ts(*starts),
                    ends_at,
                    generator_url: Default::default(),
                    updated_at: now,
                    timeout,
                }
            })
            .collect();
        for r in self.node.ingest(batch).await {
            r.expect("stored");
        }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.recorder.got.lock().clone()
    }
}

/// Asserts the deliveries, as `(from, to, path, status, alerts)` windows in order.
fn expect(got: &[Delivery], want: &[Want<'_>]) {
    let summary: Vec<String> = got
        .iter()
        .map(|d| format!("{:.1}s {} {} {:?}", d.at, d.path, d.status(), d.alerts()))
        .collect();
    assert_eq!(got.len(), want.len(), "deliveries: {summary:#?}");
    for (d, (from, to, path, status, alerts)) in got.iter().zip(want) {
        assert!(
            d.at >= *from && d.at <= *to,
            "{} at {:.2}s, want [{from}, {to}]: {summary:#?}",
            d.path,
            d.at
        );
        assert_eq!(d.path, *path, "{summary:#?}");
        assert_eq!(d.status(), *status, "{summary:#?}");
        assert_eq!(d.alerts(), *alerts, "{summary:#?}");
    }
}

const TIMING: &str = r#"
route:
  receiver: team
  group_by: [alertname]
  group_wait: 10s
  group_interval: 20s
  repeat_interval: 1m
receivers:
- name: team
  webhook_configs:
  - url: http://receiver.test/team
"#;

#[tokio::test(start_paused = true)]
async fn group_wait_interval_and_repeat() {
    let h = Harness::start(TIMING).await;
    h.post(&[(&[("alertname", "A"), ("instance", "1")], 0, Some(1000))])
        .await;
    h.at(5.0).await;
    h.post(&[(&[("alertname", "A"), ("instance", "2")], 5, Some(1000))])
        .await;
    h.at(15.0).await;
    // A new alert after the first flush waits for the group interval.
    h.post(&[(&[("alertname", "A"), ("instance", "3")], 15, Some(1000))])
        .await;
    h.at(120.0).await;
    expect(
        &h.deliveries(),
        &[
            (10.0, 10.0, "/team", "firing", &["A/1=firing", "A/2=firing"]),
            (
                30.0,
                30.0,
                "/team",
                "firing",
                &["A/1=firing", "A/2=firing", "A/3=firing"],
            ),
            // Nothing changed: the next notification waits until the last one is older than
            // repeat_interval (strictly, as upstream: at the 90s tick it is exactly 1m old),
            // so it goes out at the 110s tick.
            (
                110.0,
                110.0,
                "/team",
                "firing",
                &["A/1=firing", "A/2=firing", "A/3=firing"],
            ),
        ],
    );
}

#[tokio::test(start_paused = true)]
async fn old_alerts_flush_immediately_and_resolution_is_notified() {
    let h = Harness::start(TIMING).await;
    h.at(100.0).await;
    // Started long before now: upstream's immediate flush (no group_wait).
    h.post(&[(&[("alertname", "B"), ("instance", "1")], 0, Some(1000))])
        .await;
    h.at(110.0).await;
    // Resolved by its sender.
    h.post(&[(&[("alertname", "B"), ("instance", "1")], 0, Some(110))])
        .await;
    h.at(200.0).await;
    expect(
        &h.deliveries(),
        &[
            (100.0, 100.0, "/team", "firing", &["B/1=firing"]),
            (120.0, 120.0, "/team", "resolved", &["B/1=resolved"]),
        ],
    );
    // The resolved alert left the group after the successful flush; nothing repeats.
    assert_eq!(
        h.node.runtime().dispatcher.groups_snapshot().groups.len(),
        0
    );
}

const INHIBIT_AND_RESOLVED: &str = r#"
route:
  receiver: team
  group_by: [alertname]
  group_wait: 10s
  group_interval: 20s
  repeat_interval: 1h
  routes:
  - matchers: [severity="page"]
    receiver: pager
    continue: true
  - matchers: [severity=~"page|warn"]
    receiver: quiet
receivers:
- name: team
  webhook_configs:
  - url: http://receiver.test/team
- name: pager
  webhook_configs:
  - url: http://receiver.test/pager
- name: quiet
  webhook_configs:
  - url: http://receiver.test/quiet
    send_resolved: false
inhibit_rules:
- source_matchers: [severity="page"]
  target_matchers: [severity="warn"]
  equal: [instance]
"#;

#[tokio::test(start_paused = true)]
async fn continue_inhibition_and_send_resolved_false() {
    let h = Harness::start(INHIBIT_AND_RESOLVED).await;
    h.post(&[
        (
            &[
                ("alertname", "Down"),
                ("instance", "1"),
                ("severity", "page"),
            ],
            0,
            Some(1000),
        ),
        // Inhibited by Down on instance 1.
        (
            &[
                ("alertname", "Slow"),
                ("instance", "1"),
                ("severity", "warn"),
            ],
            0,
            Some(1000),
        ),
        // Not inhibited: another instance.
        (
            &[
                ("alertname", "Slow"),
                ("instance", "2"),
                ("severity", "warn"),
            ],
            0,
            Some(1000),
        ),
    ])
    .await;
    h.at(15.0).await;
    // Down resolves: Slow/1 is no longer inhibited.
    h.post(&[(
        &[
            ("alertname", "Down"),
            ("instance", "1"),
            ("severity", "page"),
        ],
        0,
        Some(15),
    )])
    .await;
    h.at(100.0).await;
    let mut got = h.deliveries();
    // Deliveries at the same instant come from concurrent flushes; order them by path.
    got.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.path.cmp(&b.path)));
    expect(
        &got,
        &[
            (10.0, 10.0, "/pager", "firing", &["Down/1=firing"]),
            (10.0, 10.0, "/quiet", "firing", &["Down/1=firing"]),
            (10.0, 10.0, "/quiet", "firing", &["Slow/2=firing"]),
            (30.0, 30.0, "/pager", "resolved", &["Down/1=resolved"]),
            // send_resolved false: the all-resolved group records the log but sends
            // nothing; Slow/1 (no longer inhibited) joins Slow/2.
            (
                30.0,
                30.0,
                "/quiet",
                "firing",
                &["Slow/1=firing", "Slow/2=firing"],
            ),
        ],
    );
}

#[tokio::test(start_paused = true)]
async fn silences_mute_and_expiry_unmutes() {
    let h = Harness::start(TIMING).await;
    let matcher =
        am_model::matcher::Matcher::new(am_model::matcher::MatchType::Equal, "instance", "1")
            .unwrap();
    let silence = Silence {
        id: String::new(),
        matchers: vec![matcher],
        starts_at: h.ts(0),
        ends_at: h.ts(45),
        updated_at: ZERO_TIME,
        created_by: "test".to_owned(),
        comment: "maintenance".to_owned(),
    };
    h.node
        .core()
        .silences
        .set(silence, h.clock.now())
        .expect("silence accepted");
    h.post(&[
        (&[("alertname", "C"), ("instance", "1")], 0, Some(1000)),
        (&[("alertname", "C"), ("instance", "2")], 0, Some(1000)),
    ])
    .await;
    h.at(80.0).await;
    expect(
        &h.deliveries(),
        &[
            (10.0, 10.0, "/team", "firing", &["C/2=firing"]),
            // The silence ended at 45s; the next tick (50s) sends the newly unmuted alert.
            (50.0, 50.0, "/team", "firing", &["C/1=firing", "C/2=firing"]),
        ],
    );
}

#[tokio::test(start_paused = true)]
async fn reload_restarts_groups_without_duplicates() {
    let h = Harness::start(TIMING).await;
    h.post(&[(&[("alertname", "D"), ("instance", "1")], 0, Some(1000))])
        .await;
    h.at(12.0).await;
    let changed = TIMING.replace("repeat_interval: 1m", "repeat_interval: 2m");
    let config = am_config::load::load_str(&changed, None, &Default::default()).unwrap();
    h.node.apply_config(config).await.expect("reload");
    h.at(100.0).await;
    // The new dispatcher flushes the old alert at once, but the notification log already
    // holds it: no duplicate until the (new) repeat interval elapses.
    expect(
        &h.deliveries(),
        &[(10.0, 10.0, "/team", "firing", &["D/1=firing"])],
    );
    h.at(200.0).await;
    let got = h.deliveries();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[1].at >= 130.0 && got[1].at <= 150.0, "{got:#?}");
}

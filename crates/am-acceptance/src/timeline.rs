//! Timeline scenarios: a configuration plus events at fixed offsets (post alerts, resolve
//! alerts, create and expire silences, take API snapshots), run against one server flavor while
//! a [`WebhookCollector`] records notifications. The result is normalized so runs of Go
//! Alertmanager and alertmesh compare equal (no upstream counterpart: test infrastructure).
//!
//! Events are *scheduled* at offsets from the start; nothing waits a fixed time for the server to
//! catch up. Keep events away from group timer ticks (e.g. groups created at even seconds with a
//! 1 s group_wait and 2 s group_interval tick at odd seconds, so events go at even seconds).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use am_testkit::normalize::{self, GroupId, Notification};
use am_testkit::{Flavor, Server, WebhookCollector};
use serde_json::{Value, json};

/// An alert of a scenario, identified by its `id` label.
#[derive(Debug, Clone)]
pub struct AlertSpec {
    /// All labels, including `id`.
    pub labels: Vec<(&'static str, &'static str)>,
}

impl AlertSpec {
    /// An alert with these labels (must include `id`).
    pub fn new(labels: &[(&'static str, &'static str)]) -> Self {
        Self {
            labels: labels.to_vec(),
        }
    }

    fn id(&self) -> &'static str {
        self.labels
            .iter()
            .find(|(k, _)| *k == "id")
            .map_or("", |(_, v)| v)
    }
}

/// Something that happens at an offset.
#[derive(Debug, Clone)]
pub enum Event {
    /// POST these alerts as firing (endsAt one hour ahead).
    Fire(Vec<AlertSpec>),
    /// POST these alerts (same startsAt as when fired) with endsAt = now.
    Resolve(Vec<AlertSpec>),
    /// Create a silence named `name` with equality matchers, active for an hour.
    Silence {
        /// Name used in normalized output instead of the random ID.
        name: &'static str,
        /// `name=value` matchers.
        matchers: Vec<(&'static str, &'static str)>,
    },
    /// Expire the silence created under this name.
    Expire(&'static str),
    /// Record normalized `GET /api/v2/alerts` and `/api/v2/alerts/groups` under this name.
    Checkpoint(&'static str),
}

/// A scenario: config (with `HOOK` standing for the webhook base URL), timed events, duration.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Alertmanager YAML; every occurrence of `HOOK` is replaced by `http://127.0.0.1:PORT`.
    pub config: String,
    /// (offset in seconds, event), in increasing offset order.
    pub events: Vec<(f64, Event)>,
    /// When the run ends (seconds after the start).
    pub end: f64,
}

/// An API snapshot taken at a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Checkpoint name.
    pub name: String,
    /// Normalized `GET /api/v2/alerts`.
    pub alerts: Value,
    /// Normalized `GET /api/v2/alerts/groups`.
    pub groups: Value,
}

/// What one run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Which implementation ran.
    pub flavor: Flavor,
    /// Notifications per (path, receiver, groupKey), in arrival order.
    pub notifications: BTreeMap<GroupId, Vec<Notification>>,
    /// API snapshots in checkpoint order.
    pub snapshots: Vec<Snapshot>,
    /// The server's stderr (for failure messages).
    pub stderr: String,
}

impl Outcome {
    /// One line per notification: `receiver groupKey: status [a+ b-]`.
    pub fn lines(&self) -> Vec<String> {
        normalize::render_sequences(&self.notifications)
    }

    /// The snapshot named `name`.
    pub fn snapshot(&self, name: &str) -> Option<&Snapshot> {
        self.snapshots.iter().find(|s| s.name == name)
    }
}

/// RFC 3339 with milliseconds, UTC.
fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn labels_json(spec: &AlertSpec) -> Value {
    Value::Object(
        spec.labels
            .iter()
            .map(|(k, v)| ((*k).to_string(), Value::String((*v).to_string())))
            .collect(),
    )
}

/// Runs `scenario` against `flavor`; `Err` when the server cannot start or a request fails.
pub fn run(flavor: Flavor, scenario: &Scenario) -> Result<Outcome, String> {
    let hook = WebhookCollector::start().map_err(|e| format!("webhook collector: {e}"))?;
    let config = scenario.config.replace("HOOK", &hook.url());
    let server = Server::start(flavor, &config)?;
    let client = server.client();
    let fail = |what: String| {
        format!(
            "{what}\n--- {} stderr ---\n{}",
            flavor.name(),
            server.stderr()
        )
    };
    let mut starts: HashMap<&'static str, jiff::Timestamp> = HashMap::new();
    let mut silences: HashMap<&'static str, String> = HashMap::new();
    let mut silence_names: HashMap<String, String> = HashMap::new();
    let mut snapshots = Vec::new();
    let t0 = Instant::now();
    for (offset, event) in &scenario.events {
        sleep_until(t0 + Duration::from_secs_f64(*offset));
        let now = jiff::Timestamp::now();
        match event {
            Event::Fire(specs) | Event::Resolve(specs) => {
                let resolve = matches!(event, Event::Resolve(_));
                let body: Vec<Value> = specs
                    .iter()
                    .map(|s| {
                        let start = *starts.entry(s.id()).or_insert(now);
                        let end = if resolve {
                            now
                        } else {
                            now + jiff::SignedDuration::from_hours(1)
                        };
                        json!({
                            "labels": labels_json(s),
                            "annotations": {"summary": format!("alert {}", s.id())},
                            "startsAt": rfc3339(start),
                            "endsAt": rfc3339(end),
                            "generatorURL": "http://127.0.0.1/graph",
                        })
                    })
                    .collect();
                let r = client
                    .post_json("/api/v2/alerts", &Value::Array(body))
                    .map_err(|e| fail(format!("POST alerts at {offset}s: {e}")))?;
                if r.status != 200 {
                    return Err(fail(format!("POST alerts: {} {}", r.status, r.text())));
                }
            }
            Event::Silence { name, matchers } => {
                let ms: Vec<Value> = matchers
                    .iter()
                    .map(|(n, v)| json!({"name": n, "value": v, "isRegex": false, "isEqual": true}))
                    .collect();
                let body = json!({
                    "matchers": ms,
                    "startsAt": rfc3339(now),
                    "endsAt": rfc3339(now + jiff::SignedDuration::from_hours(1)),
                    "createdBy": "am-acceptance",
                    "comment": format!("silence {name}"),
                });
                let r = client
                    .post_json("/api/v2/silences", &body)
                    .map_err(|e| fail(format!("POST silence: {e}")))?;
                let id = r
                    .json()
                    .ok()
                    .and_then(|v| v["silenceID"].as_str().map(String::from))
                    .ok_or_else(|| fail(format!("POST silence: {} {}", r.status, r.text())))?;
                silence_names.insert(id.clone(), (*name).to_string());
                silences.insert(name, id);
            }
            Event::Expire(name) => {
                let id = silences
                    .get(name)
                    .ok_or_else(|| format!("unknown silence {name}"))?;
                let r = client
                    .delete(&format!("/api/v2/silence/{id}"))
                    .map_err(|e| fail(format!("DELETE silence: {e}")))?;
                if r.status != 200 {
                    return Err(fail(format!("DELETE silence: {} {}", r.status, r.text())));
                }
            }
            Event::Checkpoint(name) => {
                let alerts = client.get_json("/api/v2/alerts").map_err(fail)?;
                let groups = client.get_json("/api/v2/alerts/groups").map_err(fail)?;
                snapshots.push(Snapshot {
                    name: (*name).to_string(),
                    alerts: normalize::normalize_alerts(&alerts, &silence_names),
                    groups: normalize::normalize_groups(&groups, &silence_names),
                });
            }
        }
    }
    sleep_until(t0 + Duration::from_secs_f64(scenario.end));
    let received = hook.received();
    Ok(Outcome {
        flavor,
        notifications: normalize::by_group(&received, "id"),
        snapshots,
        stderr: server.stderr(),
    })
}

/// Sleeps until `deadline` (scheduling a timeline event, not synchronisation).
fn sleep_until(deadline: Instant) {
    let now = Instant::now();
    if deadline > now {
        std::thread::sleep(deadline - now);
    }
}

/// Per-alert status summary of a normalized alerts snapshot: `id -> "state s=[..] i=[..]"`,
/// where inhibitedBy fingerprints are mapped back to `id`s via the same snapshot.
pub fn alert_states(alerts: &Value) -> BTreeMap<String, String> {
    let list = alerts.as_array().cloned().unwrap_or_default();
    let id_of: HashMap<String, String> = list
        .iter()
        .map(|a| {
            (
                a["fingerprint"].as_str().unwrap_or("").to_string(),
                a["labels"]["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let join = |v: &Value, map: Option<&HashMap<String, String>>| {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| map.and_then(|m| m.get(s)).map_or(s, String::as_str))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default()
    };
    list.iter()
        .map(|a| {
            let st = &a["status"];
            (
                a["labels"]["id"].as_str().unwrap_or("").to_string(),
                format!(
                    "{} s=[{}] i=[{}] r=[{}]",
                    st["state"].as_str().unwrap_or(""),
                    join(&st["silencedBy"], None),
                    join(&st["inhibitedBy"], Some(&id_of)),
                    join(&a["receivers"], None),
                ),
            )
        })
        .collect()
}

//! Normalizing what an Alertmanager-compatible server emits so runs of different
//! implementations (and different runs) compare equal: webhook notifications (upstream
//! `notify/webhook/webhook.go` message, `template.Data`) and the v2 API's `GET /alerts` and
//! `GET /alerts/groups` bodies (`api/v2/openapi.yaml`). Times, URLs and random silence IDs are
//! dropped or renamed; lists are sorted (no upstream counterpart: test infrastructure only).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde_json::{Map, Value};

use crate::webhook::Received;

/// One alert of a notification: fingerprint, a short identity (the value of the identity
/// label, e.g. `id`), and its status.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NotifiedAlert {
    /// The identity label's value (or the full label set when absent).
    pub id: String,
    /// The `fingerprint` field.
    pub fingerprint: String,
    /// `firing` or `resolved`.
    pub status: String,
}

/// A webhook notification without times and URLs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notification {
    /// Request path (tells webhook configs of one receiver apart).
    pub path: String,
    /// `receiver`.
    pub receiver: String,
    /// `groupKey`.
    pub group_key: String,
    /// `status` of the group.
    pub status: String,
    /// Alerts sorted by (id, fingerprint).
    pub alerts: Vec<NotifiedAlert>,
    /// `truncatedAlerts`.
    pub truncated: u64,
}

impl fmt::Display for Notification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [", self.status)?;
        for (i, a) in self.alerts.iter().enumerate() {
            let mark = if a.status == "firing" { "+" } else { "-" };
            write!(f, "{}{}{mark}", if i > 0 { " " } else { "" }, a.id)?;
        }
        write!(f, "]")?;
        if self.truncated > 0 {
            write!(f, " truncated={}", self.truncated)?;
        }
        Ok(())
    }
}

fn str_field(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

/// Normalizes one received webhook; `id_label` names the label used as short alert identity.
pub fn notification(r: &Received, id_label: &str) -> Notification {
    let j = &r.json;
    let mut alerts: Vec<NotifiedAlert> = j
        .get("alerts")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|a| NotifiedAlert {
                    fingerprint: str_field(a, "fingerprint"),
                    id: a
                        .get("labels")
                        .and_then(|l| l.get(id_label))
                        .and_then(Value::as_str)
                        .map_or_else(
                            || a.get("labels").map(Value::to_string).unwrap_or_default(),
                            str::to_string,
                        ),
                    status: str_field(a, "status"),
                })
                .collect()
        })
        .unwrap_or_default();
    alerts.sort();
    Notification {
        path: r.path.clone(),
        receiver: str_field(j, "receiver"),
        group_key: str_field(j, "groupKey"),
        status: str_field(j, "status"),
        alerts,
        truncated: j
            .get("truncatedAlerts")
            .and_then(Value::as_u64)
            .unwrap_or(0),
    }
}

/// The key notifications are ordered under: (path, receiver, groupKey).
pub type GroupId = (String, String, String);

/// Notifications in arrival order per (path, receiver, groupKey).
pub fn by_group(received: &[Received], id_label: &str) -> BTreeMap<GroupId, Vec<Notification>> {
    let mut out: BTreeMap<GroupId, Vec<Notification>> = BTreeMap::new();
    for r in received {
        let n = notification(r, id_label);
        out.entry((n.path.clone(), n.receiver.clone(), n.group_key.clone()))
            .or_default()
            .push(n);
    }
    out
}

/// Renders [`by_group`] as one line per notification (`receiver groupKey: status [a+ b-]`),
/// convenient for assertions and failure messages.
pub fn render_sequences(groups: &BTreeMap<GroupId, Vec<Notification>>) -> Vec<String> {
    let mut lines = Vec::new();
    for ((_, receiver, key), list) in groups {
        for n in list {
            lines.push(format!("{receiver} {key}: {n}"));
        }
    }
    lines
}

/// Renames silence IDs via `names` (unknown IDs become `?`), sorts a JSON string array.
fn rename_ids(v: Option<&Value>, names: &HashMap<String, String>) -> Value {
    let mut ids: Vec<String> = v
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| names.get(s).cloned().unwrap_or_else(|| "?".into()))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    Value::Array(ids.into_iter().map(Value::String).collect())
}

fn sorted_strings(v: Option<&Value>) -> Value {
    let mut items: Vec<String> = v
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    items.sort();
    Value::Array(items.into_iter().map(Value::String).collect())
}

/// Normalizes one `gettableAlert`: keeps labels, annotations, fingerprint, sorted receiver
/// names and the status (silence IDs renamed through `silence_names`, `inhibitedBy` sorted,
/// `mutedBy` only when non-empty, since Go 0.25 lacks the field); drops times and generatorURL.
pub fn normalize_alert(a: &Value, silence_names: &HashMap<String, String>) -> Value {
    let mut out = Map::new();
    for k in ["labels", "annotations", "fingerprint"] {
        out.insert(k.into(), a.get(k).cloned().unwrap_or(Value::Null));
    }
    let mut receivers: Vec<String> = a
        .get("receivers")
        .and_then(Value::as_array)
        .map(|r| r.iter().map(|x| str_field(x, "name")).collect::<Vec<_>>())
        .unwrap_or_default();
    receivers.sort();
    out.insert("receivers".into(), receivers.into());
    let st = a.get("status").cloned().unwrap_or(Value::Null);
    let mut status = Map::new();
    status.insert(
        "state".into(),
        st.get("state").cloned().unwrap_or(Value::Null),
    );
    status.insert(
        "silencedBy".into(),
        rename_ids(st.get("silencedBy"), silence_names),
    );
    status.insert("inhibitedBy".into(), sorted_strings(st.get("inhibitedBy")));
    let muted = sorted_strings(st.get("mutedBy"));
    if muted.as_array().is_some_and(|m| !m.is_empty()) {
        status.insert("mutedBy".into(), muted);
    }
    out.insert("status".into(), Value::Object(status));
    Value::Object(out)
}

/// Normalizes a `GET /api/v2/alerts` body: each alert via [`normalize_alert`], sorted by
/// fingerprint.
pub fn normalize_alerts(body: &Value, silence_names: &HashMap<String, String>) -> Value {
    let mut alerts: Vec<Value> = body
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| normalize_alert(x, silence_names))
                .collect()
        })
        .unwrap_or_default();
    alerts.sort_by_key(|a| str_field(a, "fingerprint"));
    Value::Array(alerts)
}

/// Normalizes a `GET /api/v2/alerts/groups` body: group labels, receiver name and normalized
/// alerts; groups sorted by (receiver, labels). `routeLabels` (0.34+) is dropped.
pub fn normalize_groups(body: &Value, silence_names: &HashMap<String, String>) -> Value {
    let mut groups: Vec<Value> = body
        .as_array()
        .map(|a| {
            a.iter()
                .map(|g| {
                    let mut m = Map::new();
                    m.insert(
                        "labels".into(),
                        g.get("labels").cloned().unwrap_or_default(),
                    );
                    m.insert(
                        "receiver".into(),
                        g.get("receiver")
                            .map(|r| Value::String(str_field(r, "name")))
                            .unwrap_or_default(),
                    );
                    m.insert(
                        "alerts".into(),
                        normalize_alerts(g.get("alerts").unwrap_or(&Value::Null), silence_names),
                    );
                    Value::Object(m)
                })
                .collect()
        })
        .unwrap_or_default();
    groups.sort_by_key(|g| (str_field(g, "receiver"), g["labels"].to_string()));
    Value::Array(groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Instant;

    #[test]
    fn notification_drops_times_and_sorts_alerts() {
        let r = Received {
            path: "/a".into(),
            body: Vec::new(),
            json: json!({
                "receiver": "r", "status": "firing", "groupKey": "{}:{}", "truncatedAlerts": 1,
                "externalURL": "http://x", "alerts": [
                    {"status": "resolved", "labels": {"id": "b"}, "fingerprint": "2",
                     "startsAt": "2020-01-01T00:00:00Z"},
                    {"status": "firing", "labels": {"id": "a"}, "fingerprint": "1"}]
            }),
            at: Instant::now(),
        };
        let n = notification(&r, "id");
        assert_eq!(n.to_string(), "firing [a+ b-] truncated=1");
        assert_eq!(n.group_key, "{}:{}");
    }

    #[test]
    fn alerts_renamed_and_sorted() {
        let names = HashMap::from([("uuid-1".to_string(), "s0".to_string())]);
        let body = json!([
            {"fingerprint": "b", "labels": {}, "annotations": {}, "receivers": [{"name": "z"}, {"name": "a"}],
             "startsAt": "x", "status": {"state": "suppressed", "silencedBy": ["uuid-1"], "inhibitedBy": [], "mutedBy": []}},
            {"fingerprint": "a", "labels": {}, "annotations": {}, "receivers": [],
             "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}}
        ]);
        let n = normalize_alerts(&body, &names);
        assert_eq!(n[0]["fingerprint"], "a");
        assert_eq!(n[1]["receivers"], json!(["a", "z"]));
        assert_eq!(n[1]["status"]["silencedBy"], json!(["s0"]));
        assert!(n[1]["status"].get("mutedBy").is_none());
        assert!(n[1].get("startsAt").is_none());
    }
}

//! Helpers of the cluster interop tests: flavor-mix gating, silences through
//! `/api/v2/silence(s)` (upstream `api/v2` handlers), metric checks against `/metrics`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use am_testkit::cluster::{Cluster, ClusterStatus, metric_sum, wait_until};
use am_testkit::{Flavor, flavor_available};
use serde_json::{Value, json};

use super::{CONVERGE, PROPAGATE};

/// Comment length of a "large" silence: its encoded state exceeds one 1400-byte UDP packet, so
/// only the reliable TCP fan-out (or a full push/pull) can carry it.
pub const LARGE: usize = 2000;

/// `go-go-alertmesh` style name of a mix.
pub fn mix_name(flavors: &[Flavor]) -> String {
    flavors
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether every flavor of the mix can run (else the test is skipped, see
/// `flavor_available`).
pub fn mix_available(flavors: &[Flavor]) -> bool {
    let mut seen = Vec::new();
    for f in flavors {
        if !seen.contains(f) {
            if !flavor_available(*f) {
                return false;
            }
            seen.push(*f);
        }
    }
    true
}

/// Whether `AM_CLUSTER_SCENARIOS` (comma-separated; unset = all) selects `name`.
pub fn scenario_selected(name: &str) -> bool {
    match std::env::var("AM_CLUSTER_SCENARIOS") {
        Ok(list) if !list.trim().is_empty() => list.split(',').any(|s| s.trim() == name),
        _ => true,
    }
}

fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Creates a silence on node `i` with a unique matcher and a comment of `comment_len` bytes
/// (0: a short one); returns its id.
pub fn create_silence(cluster: &Cluster, i: usize, comment_len: usize) -> Result<String, String> {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let now = jiff::Timestamp::now();
    let comment = if comment_len == 0 {
        format!("interop {n}")
    } else {
        "x".repeat(comment_len)
    };
    let body = json!({
        "matchers": [{"name": "job", "value": format!("interop-{n}"), "isRegex": false,
                      "isEqual": true}],
        "startsAt": rfc3339(now),
        "endsAt": rfc3339(now + jiff::SignedDuration::from_hours(2)),
        "createdBy": "interop",
        "comment": comment,
    });
    let resp = cluster
        .client(i)
        .post_json("/api/v2/silences", &body)
        .map_err(|e| format!("node {i}: POST silence: {e}"))?;
    if resp.status != 200 {
        return Err(format!(
            "node {i}: POST silence: status {}: {}",
            resp.status,
            resp.text()
        ));
    }
    resp.json()?["silenceID"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("node {i}: no silenceID in {}", resp.text()))
}

/// `GET /api/v2/silence/{id}` on node `i`: `None` when the node does not know it.
pub fn get_silence(cluster: &Cluster, i: usize, id: &str) -> Result<Option<Value>, String> {
    let resp = cluster
        .client(i)
        .get(&format!("/api/v2/silence/{id}"))
        .map_err(|e| format!("node {i}: GET silence {id}: {e}"))?;
    match resp.status {
        200 => resp.json().map(Some),
        404 => Ok(None),
        s => Err(format!("node {i}: GET silence {id}: status {s}")),
    }
}

/// Waits until node `i` has silence `id` in `state` (`active`, `expired`).
pub fn wait_silence(cluster: &Cluster, i: usize, id: &str, state: &str) -> Result<(), String> {
    wait_until(
        PROPAGATE,
        &format!("silence {id} {state} on node {i}"),
        || match get_silence(cluster, i, id)? {
            Some(s) if s["status"]["state"] == state => Ok(()),
            Some(s) => Err(format!("state {}", s["status"]["state"])),
            None => Err("unknown".into()),
        },
    )
}

/// Waits until every running node has silence `id` in `state`; returns how long it took.
pub fn wait_silence_everywhere(
    cluster: &Cluster,
    id: &str,
    state: &str,
) -> Result<Duration, String> {
    let t = Instant::now();
    for i in cluster.running() {
        wait_silence(cluster, i, id, state)?;
    }
    Ok(t.elapsed())
}

/// `DELETE /api/v2/silence/{id}` on node `i`.
pub fn expire_silence(cluster: &Cluster, i: usize, id: &str) -> Result<(), String> {
    let resp = cluster
        .client(i)
        .delete(&format!("/api/v2/silence/{id}"))
        .map_err(|e| format!("node {i}: DELETE silence {id}: {e}"))?;
    match resp.status {
        200 => Ok(()),
        s => Err(format!("node {i}: DELETE silence {id}: status {s}")),
    }
}

/// `/-/ready` answers 200 on every running node.
pub fn check_ready_endpoints(cluster: &Cluster) -> Result<(), String> {
    for i in cluster.running() {
        let resp = cluster
            .client(i)
            .get("/-/ready")
            .map_err(|e| format!("node {i}: GET /-/ready: {e}"))?;
        if resp.status != 200 {
            return Err(format!("node {i}: /-/ready answers {}", resp.status));
        }
    }
    Ok(())
}

/// The metric summed over its series on node `i` (0 when absent is an error).
pub fn node_metric(cluster: &Cluster, i: usize, name: &str) -> Result<f64, String> {
    metric_sum(&cluster.metrics(i)?, name, &[]).ok_or_else(|| format!("node {i}: no {name}"))
}

/// Waits until `name` equals `want` on each of `nodes`.
pub fn wait_metric(
    cluster: &Cluster,
    nodes: &[usize],
    name: &str,
    want: f64,
) -> Result<(), String> {
    let what = format!("{name} = {want}");
    wait_metric_until(cluster, nodes, CONVERGE, &what, name, |v| v == want)
}

/// Waits until `name` is at least `want` on each of `nodes`.
pub fn wait_metric_at_least(
    cluster: &Cluster,
    nodes: &[usize],
    name: &str,
    want: f64,
) -> Result<(), String> {
    let what = format!("{name} ≥ {want}");
    wait_metric_until(cluster, nodes, super::NOTIFY, &what, name, |v| v >= want)
}

/// Waits up to `timeout` per node until `ok` holds for `name` on each of `nodes`; `what`
/// describes the condition in the error.
fn wait_metric_until(
    cluster: &Cluster,
    nodes: &[usize],
    timeout: Duration,
    what: &str,
    name: &str,
    ok: impl Fn(f64) -> bool,
) -> Result<(), String> {
    for &i in nodes {
        wait_until(
            timeout,
            &format!("node {i}: {what}"),
            || match node_metric(cluster, i, name)? {
                v if ok(v) => Ok(()),
                v => Err(format!("{v}")),
            },
        )?;
    }
    Ok(())
}

/// A metric name, label filter and the expected value (`None`: it only has to exist).
type Expectation<'a> = (&'a str, &'a [(&'a str, &'a str)], Option<f64>);

/// The cluster metrics of every running node agree with the converged `statuses` (in
/// `cluster.running()` order): `members` = `n`, position = rank of the node's name,
/// `peer_info{peer=name}` = 1, `enabled` = 1, and the other upstream series exist.
pub fn check_cluster_metrics(
    cluster: &Cluster,
    statuses: &[ClusterStatus],
    n: usize,
) -> Result<(), String> {
    let mut names: Vec<&str> = statuses.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    for (i, status) in cluster.running().into_iter().zip(statuses) {
        let text = cluster.metrics(i)?;
        let rank = names.iter().position(|n| *n == status.name).unwrap_or(0);
        let expect: &[Expectation<'_>] = &[
            ("alertmanager_cluster_enabled", &[], Some(1.0)),
            ("alertmanager_cluster_members", &[], Some(n as f64)),
            ("alertmanager_peer_position", &[], Some(rank as f64)),
            (
                "alertmanager_cluster_peer_info",
                &[("peer", status.name.as_str())],
                Some(1.0),
            ),
            ("alertmanager_cluster_failed_peers", &[], None),
            ("alertmanager_cluster_health_score", &[], None),
            ("alertmanager_cluster_messages_queued", &[], None),
            ("alertmanager_cluster_messages_pruned_total", &[], None),
            (
                "alertmanager_cluster_messages_received_total",
                &[("msg_type", "full_state")],
                None,
            ),
            (
                "alertmanager_cluster_messages_sent_total",
                &[("msg_type", "update")],
                None,
            ),
            ("alertmanager_cluster_peers_joined_total", &[], None),
            ("alertmanager_cluster_reconnections_total", &[], None),
            (
                "alertmanager_oversized_gossip_message_sent_total",
                &[("key", "sil")],
                None,
            ),
        ];
        for (name, labels, want) in expect {
            match (metric_sum(&text, name, labels), want) {
                (None, _) => return Err(format!("node {i}: no {name}{labels:?} in /metrics")),
                (Some(v), Some(w)) if v != *w => {
                    return Err(format!("node {i}: {name}{labels:?} is {v}, want {w}"));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

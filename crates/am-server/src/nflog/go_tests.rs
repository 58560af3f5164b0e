//! Differential test against Go Alertmanager 0.25: a real `nflog` snapshot written by the Go
//! binary after it notified a local webhook must decode with our loader into the expected
//! entries (group key, receiver, alert hashes, expiry), and re-encode to the same bytes.

use std::time::{Duration, Instant};

use jiff::SignedDuration;
use serde_json::json;

use am_model::labels::LabelSet;
use am_testkit::{Flavor, Server, ServerOptions, WebhookCollector};

use super::{Nflog, ReceiverKey, pb};

fn config(hook: &str) -> String {
    format!(
        "route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 100ms\n  \
         group_interval: 1h\n  repeat_interval: 1h\nreceivers:\n- name: hook\n  \
         webhook_configs:\n  - url: {hook}/hook\n"
    )
}

#[test]
fn decodes_go_written_snapshot() {
    if am_testkit::require_tool("prometheus-alertmanager").is_none() {
        return;
    }
    let hook = WebhookCollector::start().unwrap();
    let opts = ServerOptions {
        extra_args: vec!["--data.maintenance-interval=100ms".into()],
        ..Default::default()
    };
    let server = Server::start_with(Flavor::Go, &config(&hook.url()), &opts).unwrap();
    let alerts = [
        [("alertname", "DiffA"), ("instance", "i-1")],
        [("alertname", "DiffA"), ("instance", "i-2")],
        [("alertname", "DiffB"), ("instance", "i-1")],
    ];
    let body: Vec<_> = alerts
        .iter()
        .map(|l| json!({"labels": {l[0].0: l[0].1, l[1].0: l[1].1}}))
        .collect();
    let resp = server
        .client()
        .post_json("/api/v2/alerts", &json!(body))
        .unwrap();
    assert_eq!(resp.status, 200, "{}", resp.text());
    hook.wait_for(2, Duration::from_secs(20))
        .expect("two webhook notifications");

    // The Go process snapshots every 100ms; poll until both entries are on disk.
    let path = server.dir().join("data").join("nflog");
    let deadline = Instant::now() + Duration::from_secs(20);
    let bytes = loop {
        if let Ok(b) = std::fs::read(&path)
            && super::decode_entries(&b).map(|e| e.len()).unwrap_or(0) == 2
        {
            break b;
        }
        assert!(
            Instant::now() < deadline,
            "no nflog snapshot with 2 entries"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(server);

    let mut log = Nflog::new(SignedDuration::from_hours(120));
    assert_eq!(log.load(&bytes), Ok(2));
    let recv = ReceiverKey::new("hook", "webhook", 0);
    let hash = |l: &[(&str, &str); 2]| LabelSet::new(l.iter().copied()).alert_hash();
    for (gk, mut want) in [
        (
            "{}:{alertname=\"DiffA\"}",
            vec![hash(&alerts[0]), hash(&alerts[1])],
        ),
        ("{}:{alertname=\"DiffB\"}", vec![hash(&alerts[2])]),
    ] {
        let e = log
            .query(&recv, gk)
            .unwrap_or_else(|| panic!("no entry for {gk}"));
        let mut got = e.firing_alerts.clone();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{gk}");
        assert!(e.resolved_alerts.is_empty());
        // Expiry: min(retention 120h, 2 * repeat_interval 1h).
        assert_eq!(
            e.expires_at.duration_since(e.timestamp),
            SignedDuration::from_hours(2)
        );
    }

    // Re-encoding gives Go's bytes message for message (Go's order is map order).
    let mut go_msgs: Vec<Vec<u8>> = split_messages(&bytes);
    let mut our_msgs: Vec<Vec<u8>> = split_messages(&log.snapshot());
    go_msgs.sort();
    our_msgs.sort();
    assert_eq!(go_msgs, our_msgs);
}

fn split_messages(bytes: &[u8]) -> Vec<Vec<u8>> {
    let msgs = pb::read_delimited(bytes).unwrap();
    let mut out = Vec::new();
    for (i, (offset, _)) in msgs.iter().enumerate() {
        let end = msgs.get(i + 1).map_or(bytes.len(), |m| m.0);
        out.push(bytes[*offset..end].to_vec());
    }
    out
}

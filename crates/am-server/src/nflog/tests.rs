//! Unit tests of the notification-log core and handle.

use jiff::{SignedDuration, Timestamp};

use super::pb::{PbEntry, PbMeshEntry, PbReceiver, PbTimestamp, write_delimited};
use super::*;
use crate::metrics::Registry;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

fn recv(name: &str, idx: u32) -> ReceiverKey {
    ReceiverKey::new(name, "webhook", idx)
}

const GK: &str = "{}/{severity=\"page\"}:{alertname=\"A\"}";

#[test]
fn state_key_is_upstreams_format() {
    let r = ReceiverKey::new("team", "email", 2);
    assert_eq!(r.state_key("{}:{a=\"b\"}"), "{}:{a=\"b\"}:team/email/2");
}

#[test]
fn log_sets_expiry_to_the_shorter_of_retention_and_expiry() {
    let now = ts("2024-01-01T00:00:00Z");
    let mut log = Nflog::new(hours(120));
    let r = recv("r", 0);
    let e = log.log(&r, GK, vec![1, 2], vec![3], hours(2), now).unwrap();
    assert_eq!(e.expires_at, ts("2024-01-01T02:00:00Z"));
    assert_eq!(e.timestamp, now);
    let got = log.query(&r, GK).unwrap();
    assert_eq!(got.firing_alerts, vec![1, 2]);
    assert_eq!(got.resolved_alerts, vec![3]);
    assert!(log.query(&recv("r", 1), GK).is_none());
    assert!(log.query(&r, "{}:{}").is_none());

    let later = ts("2024-01-01T01:00:00Z");
    let e = log
        .log(&r, GK, vec![], vec![], SignedDuration::ZERO, later)
        .unwrap();
    assert_eq!(
        e.expires_at,
        ts("2024-01-06T01:00:00Z"),
        "zero expiry: retention"
    );
    let e = log.log(
        &r,
        GK,
        vec![],
        vec![],
        hours(200),
        ts("2024-01-01T01:30:00Z"),
    );
    assert_eq!(
        e.unwrap().expires_at,
        ts("2024-01-06T01:30:00Z"),
        "expiry longer than retention: retention"
    );
    assert_eq!(log.len(), 1);
}

#[test]
fn log_never_overwrites_a_newer_or_same_time_entry() {
    let t1 = ts("2024-01-01T00:00:00Z");
    let t0 = ts("2023-12-31T23:00:00Z");
    let mut log = Nflog::new(hours(120));
    let r = recv("r", 0);
    log.log(&r, GK, vec![1], vec![], hours(1), t1).unwrap();
    assert!(log.log(&r, GK, vec![2], vec![], hours(1), t0).is_none());
    assert_eq!(log.query(&r, GK).unwrap().firing_alerts, vec![1]);
    // Same timestamp: broadcast but the stored entry is kept (strict LWW).
    assert!(log.log(&r, GK, vec![3], vec![], hours(1), t1).is_some());
    assert_eq!(log.query(&r, GK).unwrap().firing_alerts, vec![1]);
}

#[test]
fn gc_deletes_entries_expiring_at_or_before_now() {
    let now = ts("2024-01-01T00:00:00Z");
    let mut log = Nflog::new(hours(120));
    log.log(&recv("a", 0), GK, vec![], vec![], hours(1), now);
    log.log(&recv("b", 0), GK, vec![], vec![], hours(2), now);
    assert_eq!(log.gc(ts("2024-01-01T00:59:59Z")), Ok(0));
    assert_eq!(log.gc(ts("2024-01-01T01:00:00Z")), Ok(1));
    assert!(log.query(&recv("a", 0), GK).is_none());
    assert!(log.query(&recv("b", 0), GK).is_some());

    let mut zero = Entry {
        group_key: "g".into(),
        receiver: recv("z", 0),
        timestamp: now,
        firing_alerts: vec![],
        resolved_alerts: vec![],
        expires_at: am_model::alert::ZERO_TIME,
    };
    let mut bytes = Vec::new();
    write_delimited(&mut bytes, &zero.to_pb());
    zero.receiver = recv("y", 0);
    zero.expires_at = ts("2024-01-01T00:30:00Z");
    write_delimited(&mut bytes, &zero.to_pb());
    log.load(&bytes).unwrap();
    match log.gc(now) {
        Err(GcError::ZeroExpiry { key, .. }) => assert_eq!(key, "g:z/webhook/0"),
        other => panic!("unexpected {other:?}"),
    }
}

fn entry(name: &str, at: &str, exp: &str, firing: Vec<u64>) -> Entry {
    Entry {
        group_key: GK.into(),
        receiver: recv(name, 0),
        timestamp: ts(at),
        firing_alerts: firing,
        resolved_alerts: vec![],
        expires_at: ts(exp),
    }
}

#[test]
fn merge_is_last_writer_wins_and_drops_expired() {
    let now = ts("2024-01-01T12:00:00Z");
    let mut log = Nflog::new(hours(120));
    assert!(log.merge(
        entry("r", "2024-01-01T10:00:00Z", "2024-01-02T00:00:00Z", vec![1]),
        now
    ));
    assert!(!log.merge(
        entry("r", "2024-01-01T09:00:00Z", "2024-01-02T00:00:00Z", vec![2]),
        now
    ));
    assert!(!log.merge(
        entry("r", "2024-01-01T10:00:00Z", "2024-01-02T00:00:00Z", vec![3]),
        now
    ));
    assert!(log.merge(
        entry("r", "2024-01-01T11:00:00Z", "2024-01-02T00:00:00Z", vec![4]),
        now
    ));
    assert_eq!(log.query(&recv("r", 0), GK).unwrap().firing_alerts, vec![4]);
    // Expired before now: dropped; expiring exactly now: taken (upstream `Before`).
    assert!(!log.merge(
        entry("s", "2024-01-01T11:00:00Z", "2024-01-01T11:59:59Z", vec![]),
        now
    ));
    assert!(log.merge(
        entry("t", "2024-01-01T11:00:00Z", "2024-01-01T12:00:00Z", vec![]),
        now
    ));
    assert_eq!(log.len(), 2);

    let mut payload =
        entry("r", "2024-01-01T11:30:00Z", "2024-01-02T00:00:00Z", vec![5]).encode_delimited();
    payload.extend(
        entry("u", "2024-01-01T11:30:00Z", "2024-01-02T00:00:00Z", vec![6]).encode_delimited(),
    );
    payload.extend(
        entry("t", "2024-01-01T10:00:00Z", "2024-01-02T00:00:00Z", vec![7]).encode_delimited(),
    );
    assert_eq!(log.merge_bytes(&payload, now), Ok(2));
    assert_eq!(log.query(&recv("r", 0), GK).unwrap().firing_alerts, vec![5]);
    assert_eq!(log.query(&recv("u", 0), GK).unwrap().firing_alerts, vec![6]);
    assert!(
        log.query(&recv("t", 0), GK)
            .unwrap()
            .firing_alerts
            .is_empty()
    );
    assert!(log.merge_bytes(&payload[..payload.len() - 2], now).is_err());
}

#[test]
fn snapshot_round_trips_and_load_replaces_state() {
    let now = ts("2024-03-04T05:06:07.891011121Z");
    let mut log = Nflog::new(hours(120));
    for i in 0..20u32 {
        let gk = format!("{{}}:{{alertname=\"A{i}\"}}");
        log.log(
            &recv("r", i % 3),
            &gk,
            vec![u64::from(i), u64::MAX],
            vec![7],
            hours(4),
            now,
        );
    }
    let snap = log.snapshot();
    assert_eq!(snap, log.snapshot(), "deterministic order");
    let mut other = Nflog::new(hours(1));
    other.log(&recv("old", 0), "x", vec![], vec![], hours(1), now);
    assert_eq!(other.load(&snap), Ok(20));
    assert!(other.query(&recv("old", 0), "x").is_none());
    let mut a: Vec<_> = log.entries().cloned().collect();
    let mut b: Vec<_> = other.entries().cloned().collect();
    a.sort_by_key(|e| e.state_key());
    b.sort_by_key(|e| e.state_key());
    assert_eq!(a, b);

    // A bad snapshot leaves the state untouched.
    assert!(other.load(&snap[..snap.len() - 1]).is_err());
    assert_eq!(other.len(), 20);
}

#[test]
fn entries_without_receiver_are_invalid_and_missing_times_are_zero() {
    let mut bytes = Vec::new();
    write_delimited(
        &mut bytes,
        &PbMeshEntry {
            entry: Some(PbEntry {
                group_key: b"g".to_vec(),
                receiver: Some(PbReceiver::default()),
                group_hash: vec![1, 2],
                resolved: true,
                ..Default::default()
            }),
            expires_at: Some(PbTimestamp {
                seconds: 60,
                nanos: 5,
            }),
        },
    );
    let decoded = decode_entries(&bytes).unwrap();
    assert_eq!(decoded.len(), 1);
    let (key, e) = &decoded[0];
    assert_eq!(key, "g://0");
    assert_eq!(e.timestamp, am_model::alert::ZERO_TIME);
    assert_eq!(e.expires_at, Timestamp::new(60, 5).unwrap());

    let mut bad = bytes.clone();
    write_delimited(
        &mut bad,
        &PbMeshEntry {
            entry: Some(PbEntry::default()),
            expires_at: None,
        },
    );
    assert_eq!(
        decode_entries(&bad),
        Err(DecodeError::InvalidState {
            offset: bytes.len()
        })
    );
}

#[test]
fn handle_counts_queries_and_runs_maintenance() {
    let registry = Registry::new();
    let h = NflogHandle::new(hours(120), &registry);
    let now = ts("2024-01-01T00:00:00Z");
    let r = recv("r", 0);
    assert_eq!(h.query(&r, GK), Err(QueryError::NotFound));
    assert_eq!(h.query(&r, ""), Err(QueryError::NoParameters));
    h.log(&r, GK, vec![9], vec![], hours(1), now).unwrap();
    assert_eq!(h.query(&r, GK).unwrap().firing_alerts, vec![9]);
    let text = registry.encode();
    assert!(
        text.contains("alertmanager_nflog_queries_total 3\n"),
        "{text}"
    );
    assert!(
        text.contains("alertmanager_nflog_query_errors_total 2\n"),
        "{text}"
    );

    let mut written = Vec::new();
    let mut write = |b: &[u8]| {
        written = b.to_vec();
        Ok(())
    };
    let size = h.maintenance(now, Some(&mut write)).unwrap();
    assert_eq!(size, written.len());
    assert_eq!(written, h.snapshot());
    let h2 = NflogHandle::new(hours(120), &Registry::new());
    assert_eq!(h2.load(&written), Ok(1));

    let mut fail = |_: &[u8]| Err(std::io::Error::other("disk full"));
    assert!(h.maintenance(now, Some(&mut fail)).is_err());
    assert_eq!(h.maintenance(ts("2024-01-01T01:00:00Z"), None).unwrap(), 0);
    assert!(h.is_empty());
    let text = registry.encode();
    assert!(
        text.contains("alertmanager_nflog_maintenance_total 3\n"),
        "{text}"
    );
    assert!(
        text.contains("alertmanager_nflog_maintenance_errors_total 1\n"),
        "{text}"
    );
    let payload =
        entry("p", "2024-01-01T00:30:00Z", "2024-01-02T00:00:00Z", vec![1]).encode_delimited();
    assert_eq!(h.merge_bytes(&payload, now), Ok(1));
    assert_eq!(h.merge_bytes(&payload, now), Ok(0));
    assert!(
        registry
            .encode()
            .contains("alertmanager_nflog_gossip_messages_propagated_total 0\n"),
        "merging alone is not propagating"
    );
    h.count_propagated(1);
    assert!(
        registry
            .encode()
            .contains("alertmanager_nflog_gossip_messages_propagated_total 1\n")
    );
}

#[test]
fn subset_checks_small_and_large() {
    let mut e = entry(
        "r",
        "2024-01-01T00:00:00Z",
        "2024-01-02T00:00:00Z",
        (0..40).collect(),
    );
    e.resolved_alerts = vec![100, 200];
    assert!(e.is_firing_subset(&[0, 39, 17]));
    assert!(!e.is_firing_subset(&[0, 40]));
    assert!(e.is_firing_subset(&[]));
    assert!(e.is_resolved_subset(&[200]));
    assert!(!e.is_resolved_subset(&[200, 1]));
}

#[test]
fn handle_files_round_trip() {
    let dir = am_testkit::tempdir();
    let path = dir.path().join("nflog");
    let now = ts("2024-01-01T00:00:00Z");
    let h = NflogHandle::new(hours(120), &Registry::new());
    assert_eq!(h.load_file(&path).unwrap(), 0, "missing file");
    h.log(&recv("r", 1), GK, vec![5], vec![6], hours(3), now);
    let size = h.maintenance_file(now, Some(&path)).unwrap();
    assert_eq!(std::fs::read(&path).unwrap().len(), size);
    let h2 = NflogHandle::new(hours(120), &Registry::new());
    assert_eq!(h2.load_file(&path).unwrap(), 1);
    assert_eq!(
        h2.query(&recv("r", 1), GK).unwrap().resolved_alerts,
        vec![6]
    );
    std::fs::write(&path, [0x05, 0x0a]).unwrap();
    assert!(matches!(
        h2.load_file(&path),
        Err(LoadFileError::Decode { .. })
    ));
}

#[test]
fn logged_entries_are_broadcast_once_enabled() {
    use std::sync::Arc;
    let now = ts("2024-01-01T00:00:00Z");
    let handle = NflogHandle::new(hours(120), &Registry::new());
    handle.log(&recv("r", 0), GK, vec![1], vec![], hours(2), now);
    let sent: Arc<parking_lot::Mutex<Vec<Vec<u8>>>> = Arc::default();
    let sink = Arc::clone(&sent);
    handle.set_broadcast(Arc::new(move |b| sink.lock().push(b)));
    handle.log(&recv("r", 1), GK, vec![7], vec![8], hours(2), now);
    let sent = sent.lock();
    assert_eq!(sent.len(), 1, "only entries logged after set_broadcast");
    let decoded = decode_entries(&sent[0]).unwrap();
    assert_eq!(decoded.len(), 1);
    assert_eq!(decoded[0].1.receiver, recv("r", 1));
    assert_eq!(decoded[0].1.firing_alerts, vec![7]);
    // The peer merging it takes it.
    let peer = NflogHandle::new(hours(120), &Registry::new());
    assert_eq!(peer.merge_bytes(&sent[0], now).unwrap(), 1);
}

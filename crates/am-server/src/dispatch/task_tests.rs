//! Timeline tests of the dispatcher runner under paused tokio time: a recording
//! [`FlushHandler`] notes when each flush happens and what it received.

use std::sync::Arc;
use std::time::Duration;

use am_model::alert::{Alert, ZERO_TIME};
use jiff::Timestamp;
use parking_lot::Mutex;

use super::core_tests::{MapSource, alert, t, tree};
use super::*;
use crate::clock::{SharedClock, TokioClock};
use crate::metrics::Registry;

#[derive(Clone, Debug)]
struct Seen {
    at: Timestamp,
    tick: Timestamp,
    group_key: String,
    alerts: Vec<Alert>,
    timeout: Duration,
}

struct Recorder {
    clock: SharedClock,
    seen: Mutex<Vec<Seen>>,
    finished: Arc<Mutex<Vec<Timestamp>>>,
    take: Duration,
    result: bool,
}

impl FlushHandler for Recorder {
    fn flush(&self, flush: Flush, alerts: Vec<Alert>, now: Timestamp) -> FlushFuture {
        self.seen.lock().push(Seen {
            at: self.clock.now(),
            tick: now,
            group_key: flush.group_key.clone(),
            alerts,
            timeout: flush.timeout,
        });
        let (take, result) = (self.take, self.result);
        let finished = Arc::clone(&self.finished);
        let clock = Arc::clone(&self.clock);
        Box::pin(async move {
            tokio::time::sleep(take).await;
            finished.lock().push(clock.now());
            result
        })
    }
}

struct Rig {
    start: tokio::time::Instant,
    handle: DispatcherHandle,
    rec: Arc<Recorder>,
    src: Arc<MapSource>,
    registry: Registry,
}

fn rig(opts: DispatcherOptions, take: Duration, result: bool) -> Rig {
    let clock: SharedClock = Arc::new(TokioClock::new(t(0)));
    let rec = Arc::new(Recorder {
        clock: Arc::clone(&clock),
        seen: Mutex::new(Vec::new()),
        finished: Arc::new(Mutex::new(Vec::new())),
        take,
        result,
    });
    let src = Arc::new(MapSource::default());
    let registry = Registry::new();
    let handle = DispatcherHandle::spawn(
        tree(),
        Arc::clone(&src) as Arc<dyn AlertSource>,
        Arc::clone(&rec) as Arc<dyn FlushHandler>,
        clock,
        t(0),
        opts,
        &registry,
    );
    Rig {
        start: tokio::time::Instant::now(),
        handle,
        rec,
        src,
        registry,
    }
}

impl Rig {
    async fn post(&self, alerts: Vec<Alert>) {
        for a in &alerts {
            self.src.put(a);
        }
        assert!(self.handle.send(alerts).await);
    }

    /// Lets paused time run until `secs` after the rig started.
    async fn advance_to(&self, secs: u64) {
        tokio::time::sleep_until(self.start + Duration::from_secs(secs)).await;
    }

    fn seen(&self) -> Vec<Seen> {
        self.rec.seen.lock().clone()
    }
}

#[tokio::test(start_paused = true)]
async fn flush_after_group_wait_then_every_group_interval() {
    let r = rig(DispatcherOptions::default(), Duration::ZERO, true);
    r.post(vec![alert(&[("alertname", "X"), ("team", "c")], 0, 0)])
        .await;
    r.advance_to(29).await;
    assert!(r.seen().is_empty());
    r.advance_to(31).await;
    let seen = r.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].at, t(30));
    assert_eq!(seen[0].tick, t(30));
    assert_eq!(seen[0].group_key, r#"{}:{alertname="X"}"#);
    assert_eq!(seen[0].timeout, Duration::from_secs(300));
    r.advance_to(30 + 300 * 3 + 1).await;
    let at: Vec<Timestamp> = r.seen().iter().map(|s| s.at).collect();
    assert_eq!(at, vec![t(30), t(330), t(630), t(930)]);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn flush_passes_sorted_alerts_with_firing_ends_zeroed() {
    let r = rig(DispatcherOptions::default(), Duration::ZERO, true);
    let mut resolved = alert(&[("alertname", "X"), ("job", "b")], 0, 0);
    resolved.ends_at = t(5);
    let mut firing = alert(&[("alertname", "X"), ("job", "a")], 0, 0);
    firing.ends_at = t(10_000);
    r.post(vec![resolved.clone(), firing.clone()]).await;
    r.advance_to(31).await;
    let seen = r.seen();
    assert_eq!(seen.len(), 1);
    let got: Vec<(&str, Timestamp)> = seen[0]
        .alerts
        .iter()
        .map(|a| (a.labels.get("job").unwrap_or(""), a.ends_at))
        .collect();
    assert_eq!(got, vec![("a", ZERO_TIME), ("b", t(5))]);
    // The delivered resolved alert left the group; the firing one stays.
    let snap = r.handle.groups().await;
    assert_eq!(snap.groups.len(), 1);
    assert_eq!(snap.groups[0].fingerprints, vec![firing.fingerprint()]);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn resolved_group_empties_and_maintenance_removes_it() {
    let removed_keys = Arc::new(parking_lot::Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&removed_keys);
    let opts = DispatcherOptions {
        on_removed: Some(Arc::new(move |groups: &[RemovedGroup]| {
            sink.lock().extend(
                groups
                    .iter()
                    .map(|g| format!("{} {}", g.route_id, g.group_key)),
            );
        })),
        ..DispatcherOptions::default()
    };
    let r = rig(opts, Duration::ZERO, true);
    let mut a = alert(&[("alertname", "X")], 0, 0);
    a.ends_at = t(1);
    r.post(vec![a]).await;
    assert_eq!(r.handle.groups().await.groups.len(), 1);
    assert!(
        r.registry
            .encode()
            .contains("alertmanager_dispatcher_aggregation_groups 1")
    );
    r.advance_to(31).await;
    assert_eq!(r.seen().len(), 1);
    assert_eq!(r.handle.groups().await.groups[0].fingerprints, vec![]);
    assert!(removed_keys.lock().is_empty());
    r.advance_to(61).await; // maintenance at 30s intervals
    assert!(r.handle.groups().await.groups.is_empty());
    // The removal hook saw the group (the app deletes its time-interval marks then).
    let removed = removed_keys.lock().clone();
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert!(removed[0].ends_with(" {}:{alertname=\"X\"}"), "{removed:?}");
    assert!(r.handle.groups_snapshot().groups.is_empty());
    assert!(
        r.registry
            .encode()
            .contains("alertmanager_dispatcher_aggregation_groups 0")
    );
    // No more flushes for the removed group.
    r.advance_to(1000).await;
    assert_eq!(r.seen().len(), 1);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn failed_flush_keeps_resolved_alert_for_next_tick() {
    let r = rig(DispatcherOptions::default(), Duration::ZERO, false);
    let mut a = alert(&[("alertname", "X")], 0, 0);
    a.ends_at = t(1);
    r.post(vec![a]).await;
    r.advance_to(331).await;
    let seen = r.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].alerts.len(), 1);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn slow_flush_defers_the_next_tick() {
    let opts = DispatcherOptions {
        timeout: Some(Arc::new(|_| Duration::from_secs(1000))),
        ..Default::default()
    };
    // team-ab: group_wait 10s, group_interval 1m; each flush takes 200s.
    let r = rig(opts, Duration::from_secs(200), true);
    r.post(vec![alert(&[("alertname", "X"), ("team", "b")], 0, 0)])
        .await;
    r.advance_to(500).await;
    let at: Vec<Timestamp> = r.seen().iter().map(|s| s.at).collect();
    assert_eq!(at, vec![t(10), t(210), t(410)]);
    assert_eq!(r.seen()[0].timeout, Duration::from_secs(1000));
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn flush_deadline_abandons_slow_handler() {
    // Default deadline for team-ab is max(1m, 10s) = 60s; the handler needs 200s.
    let r = rig(DispatcherOptions::default(), Duration::from_secs(200), true);
    let mut a = alert(&[("alertname", "X"), ("team", "b")], 0, 0);
    a.ends_at = t(1);
    r.post(vec![a]).await;
    r.advance_to(71).await;
    let seen = r.seen();
    assert_eq!(
        seen.len(),
        2,
        "abandoned at 70s, then the missed tick fired"
    );
    assert_eq!(seen[1].at, t(70));
    // Not delivered: the resolved alert is still there.
    assert_eq!(seen[1].alerts.len(), 1);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn start_delay_postpones_first_flush() {
    let opts = DispatcherOptions {
        start_delay: Duration::from_secs(90),
        ..Default::default()
    };
    let r = rig(opts, Duration::ZERO, true);
    r.post(vec![alert(&[("alertname", "X")], 0, 0)]).await;
    r.advance_to(100).await;
    let at: Vec<Timestamp> = r.seen().iter().map(|s| s.at).collect();
    assert_eq!(at, vec![t(90)]);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn old_alert_flushes_at_once() {
    let r = rig(DispatcherOptions::default(), Duration::ZERO, true);
    r.advance_to(100).await;
    r.post(vec![alert(&[("alertname", "X")], 0, 100)]).await;
    r.advance_to(101).await;
    let at: Vec<Timestamp> = r.seen().iter().map(|s| s.at).collect();
    assert_eq!(at, vec![t(100)]);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn full_queue_drops_and_counts_batches() {
    let opts = DispatcherOptions {
        queue_capacity: 2,
        ..Default::default()
    };
    let r = rig(opts, Duration::ZERO, true);
    let mut accepted = 0;
    for i in 0..5 {
        let i = i.to_string();
        accepted += usize::from(
            r.handle
                .try_send(vec![alert(&[("alertname", i.as_str())], 0, 0)]),
        );
    }
    assert_eq!(accepted, 2);
    assert_eq!(r.handle.dropped(), 3);
    assert_eq!(r.handle.groups().await.groups.len(), 2);
    r.handle.stop().await;
}

#[tokio::test(start_paused = true)]
async fn stop_waits_for_flushes_in_flight() {
    let r = rig(DispatcherOptions::default(), Duration::from_secs(100), true);
    r.post(vec![alert(&[("alertname", "X")], 0, 0)]).await;
    r.advance_to(31).await;
    assert_eq!(r.seen().len(), 1);
    let finished = Arc::clone(&r.rec.finished);
    assert!(finished.lock().is_empty());
    r.handle.stop().await;
    assert_eq!(finished.lock().len(), 1);
    assert!(!r.handle.send(vec![]).await);
    r.handle.stop().await;
}

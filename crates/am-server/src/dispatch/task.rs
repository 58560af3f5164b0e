//! The async dispatcher runner: one tokio task owns the sans-IO [`Dispatcher`], takes alert
//! batches from a bounded queue, sleeps until the next group timer and runs every due flush as
//! its own tokio task through a [`FlushHandler`] (upstream's per-group goroutines in
//! `dispatch/dispatch.go`, `aggrGroup.run` / `aggrGroup.flush`).
//!
//! A flush reads the group's alerts from the [`AlertSource`] when it starts, zeroes the end
//! of the firing ones, sorts them like upstream (job, instance, labels) and calls the handler
//! with the timer's time as `now` and a deadline of `max(group_interval, 10s)` (or what
//! [`DispatcherOptions::timeout`] says). Its outcome goes back to the runner, which drops the
//! resolved alerts that did not change meanwhile.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::Fingerprint;
use arc_swap::ArcSwap;
use futures::FutureExt as _;
use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

use super::core::{
    Dispatcher, Flush, FlushReport, FlushedAlert, GroupId, GroupsSnapshot, MIN_FLUSH_TIMEOUT,
    RemovedGroup,
};
use super::route::RouteTree;
use super::{AlertSource, sort_alerts};
use crate::clock::{SharedClock, to_std};
use crate::metrics::{Gauge, Histogram, Registry};

/// The future a [`FlushHandler`] returns: `true` when the notification succeeded.
pub type FlushFuture = Pin<Box<dyn Future<Output = bool> + Send + 'static>>;

/// Runs the notification pipeline for one flush (implemented by `notify`).
pub trait FlushHandler: Send + Sync + 'static {
    /// Notifies about `alerts` (sorted, firing ones with a zero `ends_at`) of `flush`'s group.
    /// `now` is when the group's timer fired. The runner abandons the future after
    /// `flush.timeout`, counting the flush as failed.
    fn flush(&self, flush: Flush, alerts: Vec<Alert>, now: Timestamp) -> FlushFuture;
}

/// Maps a route's `group_interval` to a flush deadline (upstream `Dispatcher.timeout`).
pub type TimeoutFn = Arc<dyn Fn(Duration) -> Duration + Send + Sync>;

/// Runner settings.
#[derive(Clone)]
pub struct DispatcherOptions {
    /// `--dispatch.start-delay`: no group flushes before process start + this delay.
    pub start_delay: Duration,
    /// Capacity of the alert batch queue; batches beyond it are dropped and counted.
    pub queue_capacity: usize,
    /// `--dispatch.maintenance-interval` (empty groups are removed this often).
    pub maintenance_interval: Duration,
    /// The flush deadline for a `group_interval`; `None` = `max(group_interval, 10s)`.
    pub timeout: Option<TimeoutFn>,
    /// Called with the groups maintenance removed (upstream deletes their time-interval
    /// marks: `marker.DeleteByGroupKey`).
    pub on_removed: Option<RemovedFn>,
}

/// Receives the aggregation groups that maintenance removed.
pub type RemovedFn = Arc<dyn Fn(&[RemovedGroup]) + Send + Sync>;

impl Default for DispatcherOptions {
    fn default() -> Self {
        DispatcherOptions {
            start_delay: Duration::ZERO,
            queue_capacity: 4096,
            maintenance_interval: Duration::from_secs(30),
            timeout: None,
            on_removed: None,
        }
    }
}

enum Msg {
    Alerts(Vec<Alert>),
    Remove(Vec<Fingerprint>),
    Snapshot(oneshot::Sender<Arc<GroupsSnapshot>>),
    Stop,
}

struct Shared {
    dropped: AtomicU64,
    last: ArcSwap<GroupsSnapshot>,
}

struct Metrics {
    groups: Gauge,
    processing: Histogram,
}

/// Handle to a running dispatcher task (see the module documentation). Cheap `&self` methods;
/// sending never waits for the task.
pub struct DispatcherHandle {
    tx: mpsc::Sender<Msg>,
    shared: Arc<Shared>,
    tree: Arc<RouteTree>,
    join: parking_lot::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl DispatcherHandle {
    /// Spawns the dispatcher task for `tree` on the current tokio runtime. `start` is the
    /// process start time (the start delay counts from it, across reloads). Registers
    /// `alertmanager_dispatcher_aggregation_groups` and
    /// `alertmanager_dispatcher_alert_processing_duration_seconds`.
    pub fn spawn(
        tree: Arc<RouteTree>,
        source: Arc<dyn AlertSource>,
        handler: Arc<dyn FlushHandler>,
        clock: SharedClock,
        start: Timestamp,
        opts: DispatcherOptions,
        registry: &Registry,
    ) -> DispatcherHandle {
        let metrics = Metrics {
            groups: registry.gauge(
                "alertmanager_dispatcher_aggregation_groups",
                "Number of active aggregation groups",
            ),
            processing: registry.histogram(
                "alertmanager_dispatcher_alert_processing_duration_seconds",
                "Summary of latencies for the processing of alerts.",
                &[],
            ),
        };
        metrics.groups.set(0.0);
        let delay = SignedDuration::try_from(opts.start_delay).unwrap_or(SignedDuration::MAX);
        let core = Dispatcher::new(Arc::clone(&tree), start, delay);
        let shared = Arc::new(Shared {
            dropped: AtomicU64::new(0),
            last: ArcSwap::from_pointee(core.groups()),
        });
        let (tx, rx) = mpsc::channel(opts.queue_capacity.max(1));
        let runner = Runner {
            core,
            rx,
            source,
            handler,
            clock,
            opts,
            shared: Arc::clone(&shared),
            metrics,
            flushes: JoinSet::new(),
            dirty: false,
        };
        let join = tokio::spawn(runner.run());
        DispatcherHandle {
            tx,
            shared,
            tree,
            join: parking_lot::Mutex::new(Some(join)),
        }
    }

    /// The routing tree this dispatcher routes with.
    pub fn tree(&self) -> &Arc<RouteTree> {
        &self.tree
    }

    /// Queues alerts (as stored) for routing. Returns false, and counts the batch as
    /// dropped, when the queue is full; returns false when the dispatcher is stopped.
    pub fn try_send(&self, alerts: Vec<Alert>) -> bool {
        match self.tx.try_send(Msg::Alerts(alerts)) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.shared.dropped.fetch_add(1, Ordering::Relaxed);
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    /// Queues alerts if the queue has room; otherwise hands them back (not counted as
    /// dropped) so the caller can wait with [`DispatcherHandle::send`]. A stopped dispatcher
    /// accepts and discards them.
    pub fn offer(&self, alerts: Vec<Alert>) -> Result<(), Vec<Alert>> {
        match self.tx.try_send(Msg::Alerts(alerts)) {
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => Ok(()),
            Err(mpsc::error::TrySendError::Full(Msg::Alerts(alerts))) => Err(alerts),
            Err(mpsc::error::TrySendError::Full(_)) => Ok(()),
        }
    }

    /// Queues alerts, waiting for room in the queue. Returns false when stopped.
    pub async fn send(&self, alerts: Vec<Alert>) -> bool {
        self.tx.send(Msg::Alerts(alerts)).await.is_ok()
    }

    /// Removes alerts from all groups (e.g. deleted by the store's GC). Returns false when
    /// stopped.
    pub async fn remove(&self, fps: Vec<Fingerprint>) -> bool {
        self.tx.send(Msg::Remove(fps)).await.is_ok()
    }

    /// Number of alert batches dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// The groups after every batch queued before this call was processed (queued behind
    /// them). Falls back to [`DispatcherHandle::groups_snapshot`] once stopped.
    pub async fn groups(&self) -> Arc<GroupsSnapshot> {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Snapshot(tx)).await.is_err() {
            return self.groups_snapshot();
        }
        rx.await.unwrap_or_else(|_| self.groups_snapshot())
    }

    /// The last published groups snapshot (refreshed on [`DispatcherHandle::groups`] and at
    /// every maintenance); never waits.
    pub fn groups_snapshot(&self) -> Arc<GroupsSnapshot> {
        self.shared.last.load_full()
    }

    /// Stops routing and timers, waits for flushes in flight to finish, then returns.
    /// Idempotent.
    pub async fn stop(&self) {
        let _ = self.tx.send(Msg::Stop).await;
        let join = self.join.lock().take();
        if let Some(join) = join {
            let _ = join.await;
        }
    }
}

struct Runner {
    core: Dispatcher,
    rx: mpsc::Receiver<Msg>,
    source: Arc<dyn AlertSource>,
    handler: Arc<dyn FlushHandler>,
    clock: SharedClock,
    opts: DispatcherOptions,
    shared: Arc<Shared>,
    metrics: Metrics,
    flushes: JoinSet<(GroupId, FlushReport)>,
    dirty: bool,
}

impl Runner {
    async fn run(mut self) {
        let period = self.opts.maintenance_interval.max(Duration::from_millis(1));
        let mut maintenance =
            tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        maintenance.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let wake = self.core.next_deadline().map(|deadline| {
                let wait = to_std(self.clock.now().duration_until(deadline));
                tokio::time::Instant::now() + wait
            });
            tokio::select! {
                biased;
                Some(done) = self.flushes.join_next(), if !self.flushes.is_empty() => {
                    if let Ok((id, report)) = done {
                        self.core.flush_done(id, &report, &*self.source);
                        self.dirty = true;
                    }
                }
                () = sleep_until(wake), if wake.is_some() => self.fire(),
                msg = self.rx.recv() => match msg {
                    Some(Msg::Alerts(alerts)) => self.ingest(&alerts),
                    Some(Msg::Remove(fps)) => {
                        self.core.remove(&fps);
                        self.dirty = true;
                    }
                    Some(Msg::Snapshot(reply)) => {
                        let _ = reply.send(self.publish());
                    }
                    Some(Msg::Stop) | None => break,
                },
                _ = maintenance.tick() => {
                    let removed = self.core.maintenance();
                    if !removed.is_empty() {
                        if let Some(f) = &self.opts.on_removed {
                            f(&removed);
                        }
                        self.dirty = true;
                        self.metrics.groups.set(self.core.len() as f64);
                    }
                    self.publish();
                }
            }
        }
        self.rx.close();
        while let Some(done) = self.flushes.join_next().await {
            if let Ok((id, report)) = done {
                self.core.flush_done(id, &report, &*self.source);
            }
        }
        self.dirty = true;
        self.publish();
    }

    fn ingest(&mut self, alerts: &[Alert]) {
        let started = std::time::Instant::now();
        let now = self.clock.now();
        for alert in alerts {
            self.core.insert_alert(alert, now);
        }
        self.dirty = true;
        self.metrics.groups.set(self.core.len() as f64);
        if !alerts.is_empty() {
            let per_alert = started.elapsed().as_secs_f64() / alerts.len() as f64;
            for _ in alerts {
                self.metrics.processing.observe(per_alert);
            }
        }
    }

    fn publish(&mut self) -> Arc<GroupsSnapshot> {
        if self.dirty {
            self.shared.last.store(Arc::new(self.core.groups()));
            self.dirty = false;
        }
        self.shared.last.load_full()
    }

    fn fire(&mut self) {
        let now = self.clock.now();
        for mut flush in self.core.due(now) {
            let interval = flush.route_node().group_interval;
            flush.timeout = match &self.opts.timeout {
                Some(f) => f(interval),
                None => interval.max(MIN_FLUSH_TIMEOUT),
            };
            let source = Arc::clone(&self.source);
            let handler = Arc::clone(&self.handler);
            let clock = Arc::clone(&self.clock);
            self.flushes.spawn(run_flush(flush, source, handler, clock));
        }
    }
}

async fn sleep_until(wake: Option<tokio::time::Instant>) {
    match wake {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// One flush (upstream `aggrGroup.flush`): read, mark, sort, notify, report.
async fn run_flush(
    flush: Flush,
    source: Arc<dyn AlertSource>,
    handler: Arc<dyn FlushHandler>,
    clock: SharedClock,
) -> (GroupId, FlushReport) {
    let id = flush.id;
    let mut report = FlushReport::default();
    let mut alerts = Vec::with_capacity(flush.fingerprints.len());
    for &fp in &flush.fingerprints {
        match source.get(fp) {
            Some(alert) => alerts.push(alert),
            None => report.missing.push(fp),
        }
    }
    if alerts.is_empty() {
        return (id, report);
    }
    let now = clock.now();
    for alert in &mut alerts {
        if alert.resolved_at(now) {
            report.resolved.push(FlushedAlert::of(alert));
        } else {
            alert.ends_at = ZERO_TIME;
        }
    }
    sort_alerts(&mut alerts);
    let tick = flush.tick;
    let timeout = flush.timeout;
    let call = AssertUnwindSafe(handler.flush(flush, alerts, tick)).catch_unwind();
    report.delivered = matches!(tokio::time::timeout(timeout, call).await, Ok(Ok(true)));
    (id, report)
}

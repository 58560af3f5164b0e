//! The shared silence store: [`SilencesHandle`] wraps the sans-IO [`Silences`] behind a short
//! mutex and, after every change, publishes an immutable [`SilenceSnapshot`] through `ArcSwap`
//! so readers (API handlers, the silencer) never wait for writers. Also owns the silence metrics
//! and the periodic maintenance (GC + snapshot file), like upstream's `Silences.Maintenance`.

use std::path::Path;
use std::sync::{Arc, Weak};
use std::time::Instant;

use arc_swap::ArcSwap;
use jiff::Timestamp;
use parking_lot::Mutex;

use super::pb::{self, DecodeError};
use super::state::{Limits, Silences};
use super::{Silence, SilenceError, SilenceQuery, SilenceState};
use crate::clock::SharedClock;
use crate::metrics::{Counter, DEFAULT_BUCKETS, Gauge, Histogram, Registry};
use crate::persist::{self, PersistError};

/// An immutable view of all silences at one point of the state's history.
#[derive(Debug, Default)]
pub struct SilenceSnapshot {
    version: u64,
    generation: u64,
    all: Vec<Arc<Silence>>,
    live: Vec<Arc<Silence>>,
}

impl SilenceSnapshot {
    fn build(core: &Silences, now: Timestamp) -> SilenceSnapshot {
        let mut all: Vec<Arc<Silence>> = core.entries().map(|(s, _)| Arc::clone(s)).collect();
        all.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        let live = all
            .iter()
            .filter(|s| s.state_at(now) != SilenceState::Expired)
            .cloned()
            .collect();
        SilenceSnapshot {
            version: core.version(),
            generation: core.generation(),
            all,
            live,
        }
    }

    /// [`Silences::version`] when the snapshot was taken.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// [`Silences::generation`] when the snapshot was taken.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// All silences, sorted by ID.
    pub fn all(&self) -> &[Arc<Silence>] {
        &self.all
    }

    /// Silences that were active or pending when the snapshot was taken, sorted by ID (a
    /// superset of those active or pending at any later time).
    pub fn live(&self) -> &[Arc<Silence>] {
        &self.live
    }

    /// The silence with this ID.
    pub fn get(&self, id: &str) -> Option<&Arc<Silence>> {
        self.all
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.all[i])
    }

    /// Silences selected by `q` at `now`: in the order of `q.ids` when given, else by ID.
    pub fn query(&self, q: &SilenceQuery, now: Timestamp) -> Vec<Arc<Silence>> {
        let pick = |s: &&Arc<Silence>| q.accepts(s, now);
        match &q.ids {
            Some(ids) => ids
                .iter()
                .filter_map(|id| self.get(id))
                .filter(pick)
                .cloned()
                .collect(),
            None => self.all.iter().filter(pick).cloned().collect(),
        }
    }

    /// How many silences are in `state` at `now`.
    pub fn count_state(&self, state: SilenceState, now: Timestamp) -> usize {
        let pool = if state == SilenceState::Expired {
            &self.all
        } else {
            &self.live
        };
        pool.iter().filter(|s| s.state_at(now) == state).count()
    }
}

/// Maintenance (GC + snapshot) or loading the snapshot file failed.
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    /// Garbage collection failed.
    #[error("silence gc: {0}")]
    Gc(#[from] SilenceError),
    /// The snapshot file could not be written or read.
    #[error(transparent)]
    Persist(#[from] PersistError),
    /// The snapshot file is not a valid silence state.
    #[error("load silences snapshot: {0}")]
    Decode(#[from] DecodeError),
}

#[derive(Debug)]
struct Metrics {
    queries_total: Counter,
    query_errors_total: Counter,
    query_duration: Histogram,
    gc_duration: Histogram,
    snapshot_duration: Histogram,
    snapshot_size: Gauge,
    maintenance_total: Counter,
    maintenance_errors_total: Counter,
    propagated_total: Counter,
}

impl Metrics {
    fn new(r: &Registry) -> Metrics {
        Metrics {
            queries_total: r.counter(
                "alertmanager_silences_queries_total",
                "How many silence queries were received.",
            ),
            query_errors_total: r.counter(
                "alertmanager_silences_query_errors_total",
                "How many silence received queries did not succeed.",
            ),
            query_duration: r.histogram(
                "alertmanager_silences_query_duration_seconds",
                "Duration of silence query evaluation.",
                &DEFAULT_BUCKETS,
            ),
            gc_duration: r.histogram(
                "alertmanager_silences_gc_duration_seconds",
                "Duration of the last silence garbage collection cycle.",
                &DEFAULT_BUCKETS,
            ),
            snapshot_duration: r.histogram(
                "alertmanager_silences_snapshot_duration_seconds",
                "Duration of the last silence snapshot.",
                &DEFAULT_BUCKETS,
            ),
            snapshot_size: r.gauge(
                "alertmanager_silences_snapshot_size_bytes",
                "Size of the last silence snapshot in bytes.",
            ),
            maintenance_total: r.counter(
                "alertmanager_silences_maintenance_total",
                "How many maintenances were executed for silences.",
            ),
            maintenance_errors_total: r.counter(
                "alertmanager_silences_maintenance_errors_total",
                "How many maintenances were executed for silences that failed.",
            ),
            propagated_total: r.counter(
                "alertmanager_silences_gossip_messages_propagated_total",
                "Number of received gossip messages that have been further gossiped.",
            ),
        }
    }
}

#[derive(Debug)]
struct Inner {
    core: Mutex<Silences>,
    current: ArcSwap<SilenceSnapshot>,
    metrics: Metrics,
    broadcast: OnceBroadcast,
}

/// Where local writes are gossiped: one encoded message per call (`Silences.SetBroadcast`,
/// `Log.SetBroadcast` upstream).
pub type Broadcast = Arc<dyn Fn(Vec<u8>) + Send + Sync>;

/// A [`Broadcast`] set at most once (cluster start), readable without locking.
#[derive(Default)]
pub struct OnceBroadcast(std::sync::OnceLock<Broadcast>);

impl OnceBroadcast {
    /// The broadcast, once set.
    pub fn get(&self) -> Option<&Broadcast> {
        self.0.get()
    }
    /// Sets it; `Err` when already set.
    pub fn set(&self, b: Broadcast) -> Result<(), Broadcast> {
        self.0.set(b)
    }
}

impl std::fmt::Debug for OnceBroadcast {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "OnceBroadcast(set)"
        } else {
            "OnceBroadcast(unset)"
        })
    }
}

/// The shared silence store (cheap to clone). Writers lock a mutex briefly; readers use the
/// published [`SilenceSnapshot`] without locking.
#[derive(Debug, Clone)]
pub struct SilencesHandle {
    inner: Arc<Inner>,
}

impl SilencesHandle {
    /// Wraps `core` (possibly loaded from a snapshot already), registers the silence metrics
    /// and publishes the first snapshot. `clock` is only used for the scrape-time
    /// `alertmanager_silences{state}` gauge.
    pub fn new(core: Silences, registry: &Registry, clock: SharedClock) -> SilencesHandle {
        let first = SilenceSnapshot::build(&core, clock.now());
        let inner = Arc::new(Inner {
            core: Mutex::new(core),
            current: ArcSwap::from_pointee(first),
            metrics: Metrics::new(registry),
            broadcast: OnceBroadcast::default(),
        });
        let weak: Weak<Inner> = Arc::downgrade(&inner);
        registry.gauge_vec_fn(
            "alertmanager_silences",
            "How many silences by state.",
            &["state"],
            move || {
                let Some(inner) = weak.upgrade() else {
                    return Vec::new();
                };
                let snap = inner.current.load();
                let now = clock.now();
                SilenceState::ALL
                    .iter()
                    .map(|st| {
                        let n = snap.count_state(*st, now);
                        (vec![st.as_str().to_owned()], n as f64)
                    })
                    .collect()
            },
        );
        SilencesHandle { inner }
    }

    /// Runs `f` on the locked core and publishes a new snapshot if the state changed.
    fn write<R>(&self, now: Timestamp, f: impl FnOnce(&mut Silences) -> R) -> R {
        let mut core = self.inner.core.lock();
        let before = core.generation();
        let out = f(&mut core);
        let outbox = core.take_outbox();
        if core.generation() != before {
            let snap = SilenceSnapshot::build(&core, now);
            self.inner.current.store(Arc::new(snap));
        }
        drop(core);
        if !outbox.is_empty()
            && let Some(broadcast) = self.inner.broadcast.get()
        {
            for m in outbox {
                let mut b = Vec::new();
                pb::write_delimited(&mut b, &m);
                broadcast(b);
            }
        }
        out
    }

    /// Sends every local write (set, update, expire) from now on to `broadcast` as one
    /// length-delimited `MeshSilence` (upstream `Silences.SetBroadcast`). Set once.
    pub fn set_broadcast(&self, broadcast: Broadcast) {
        if self.inner.broadcast.set(broadcast).is_ok() {
            self.inner.core.lock().enable_outbox();
        }
    }

    /// [`Silences::set`]: creates or updates a silence, returns its ID.
    ///
    /// # Errors
    /// See [`Silences::set`].
    pub fn set(&self, s: Silence, now: Timestamp) -> Result<String, SilenceError> {
        self.write(now, |c| c.set(s, now))
    }

    /// [`Silences::expire`].
    ///
    /// # Errors
    /// [`SilenceError::NotFound`].
    pub fn expire(&self, id: &str, now: Timestamp) -> Result<(), SilenceError> {
        self.write(now, |c| c.expire(id, now))
    }

    /// The silence with this ID (from the current snapshot).
    pub fn get(&self, id: &str) -> Option<Arc<Silence>> {
        self.inner.current.load().get(id).cloned()
    }

    /// Silences selected by `q` at `now` (from the current snapshot); counted in the query
    /// metrics.
    pub fn query(&self, q: &SilenceQuery, now: Timestamp) -> Vec<Arc<Silence>> {
        let start = Instant::now();
        let out = self.inner.current.load().query(q, now);
        self.observe_query(start);
        out
    }

    pub(crate) fn observe_query(&self, start: Instant) {
        self.inner.metrics.queries_total.inc();
        self.inner
            .metrics
            .query_duration
            .observe(start.elapsed().as_secs_f64());
    }

    /// The current immutable snapshot.
    pub fn view(&self) -> Arc<SilenceSnapshot> {
        self.inner.current.load_full()
    }

    /// The current [`Silences::version`].
    pub fn version(&self) -> u64 {
        self.inner.current.load().version()
    }

    /// Runs `f` with read access to the core (locks the writer mutex; keep it short).
    pub fn with_core<R>(&self, f: impl FnOnce(&Silences) -> R) -> R {
        f(&self.inner.core.lock())
    }

    /// Changes the limits.
    pub fn set_limits(&self, limits: Limits) {
        self.inner.core.lock().set_limits(limits);
    }

    /// The whole state in Go's snapshot format ([`Silences::snapshot`]).
    pub fn snapshot(&self) -> Vec<u8> {
        let start = Instant::now();
        let out = self.inner.core.lock().snapshot();
        self.inner
            .metrics
            .snapshot_duration
            .observe(start.elapsed().as_secs_f64());
        out
    }

    /// Replaces the state with a snapshot ([`Silences::load`]).
    ///
    /// # Errors
    /// A [`DecodeError`]; the state is then unchanged.
    pub fn load(&self, bytes: &[u8], now: Timestamp) -> Result<usize, DecodeError> {
        self.write(now, |c| c.load(bytes))
    }

    /// Loads the snapshot file if it exists (`Ok(0)` when it does not).
    ///
    /// # Errors
    /// A read or decode failure.
    pub fn load_file(&self, path: &Path, now: Timestamp) -> Result<usize, MaintenanceError> {
        match persist::read(path)? {
            Some(bytes) => Ok(self.load(&bytes, now)?),
            None => Ok(0),
        }
    }

    /// [`Silences::gc`], timed in `alertmanager_silences_gc_duration_seconds`.
    ///
    /// # Errors
    /// [`SilenceError::ZeroExpiry`].
    pub fn gc(&self, now: Timestamp) -> Result<usize, SilenceError> {
        let start = Instant::now();
        let out = self.write(now, |c| c.gc(now));
        self.inner
            .metrics
            .gc_duration
            .observe(start.elapsed().as_secs_f64());
        out
    }

    /// One maintenance run (upstream's `Maintenance` tick, also used for the final snapshot at
    /// shutdown): GC, then, if `file` is given, write the snapshot atomically. Returns the
    /// snapshot size. Counted in the maintenance metrics.
    ///
    /// # Errors
    /// GC or file errors (counted in `alertmanager_silences_maintenance_errors_total`).
    pub fn maintenance(
        &self,
        file: Option<&Path>,
        now: Timestamp,
    ) -> Result<u64, MaintenanceError> {
        let m = &self.inner.metrics;
        m.maintenance_total.inc();
        let res = (|| {
            self.gc(now)?;
            let Some(file) = file else {
                return Ok(0);
            };
            let bytes = self.snapshot();
            Ok(persist::write_atomic(file, &bytes)?)
        })();
        match &res {
            Ok(size) => m.snapshot_size.set(*size as f64),
            Err(err) => {
                m.snapshot_size.set(0.0);
                m.maintenance_errors_total.inc();
                tracing::info!(%err, "running silence maintenance failed");
            }
        }
        res
    }

    /// Merges one silence from a peer ([`Silences::merge`]); true if it changed the state (the
    /// caller then re-broadcasts it, counted in the propagation metric).
    pub fn merge(&self, m: pb::MeshSilence, now: Timestamp) -> bool {
        let changed = self.write(now, |c| c.merge(m, now));
        if changed {
            self.inner.metrics.propagated_total.inc();
        }
        changed
    }

    /// Merges a gossip state blob ([`Silences::merge_bytes`]).
    ///
    /// # Errors
    /// A [`DecodeError`]; nothing is merged then.
    pub fn merge_bytes(&self, bytes: &[u8], now: Timestamp) -> Result<usize, DecodeError> {
        self.write(now, |c| c.merge_bytes(bytes, now))
    }

    /// Counts `n` re-gossiped messages in
    /// `alertmanager_silences_gossip_messages_propagated_total` (upstream counts one per merged
    /// silence whose payload is gossiped on).
    pub fn count_propagated(&self, n: usize) {
        self.inner.metrics.propagated_total.inc_by(n as f64);
    }

    /// Counts a failed query (kept for parity with upstream's metric).
    pub fn count_query_error(&self) {
        self.inner.metrics.query_errors_total.inc();
    }
}

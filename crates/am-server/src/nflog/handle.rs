//! [`NflogHandle`]: the shared notification log (upstream `nflog.Log`'s locking, metrics and
//! maintenance around the sans-IO [`Nflog`] core). Critical sections are short: snapshots
//! copy `Arc`s of the entries under the read lock and encode outside it.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use parking_lot::RwLock;

use super::{DecodeError, Entry, GcError, Nflog, ReceiverKey};
use crate::metrics::{Counter, DEFAULT_BUCKETS, Gauge, Histogram, Registry};
use crate::persist::{self, PersistError};

/// Receives the snapshot bytes in [`NflogHandle::maintenance`] (writes the file atomically).
pub type SnapshotWriter<'a> = &'a mut dyn FnMut(&[u8]) -> std::io::Result<()>;

/// Errors of [`NflogHandle::maintenance`].
#[derive(Debug, thiserror::Error)]
pub enum MaintenanceError {
    /// Garbage collection failed.
    #[error(transparent)]
    Gc(#[from] GcError),
    /// Writing the snapshot failed.
    #[error("writing notification log snapshot: {0}")]
    Write(#[from] std::io::Error),
}

/// Errors of [`NflogHandle::load_file`].
#[derive(Debug, thiserror::Error)]
pub enum LoadFileError {
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] PersistError),
    /// The file is not a valid notification log snapshot.
    #[error("notification log snapshot {path}: {source}")]
    Decode {
        /// The snapshot file.
        path: std::path::PathBuf,
        /// What was wrong.
        source: DecodeError,
    },
}

/// Why a query found nothing (upstream counts both in `query_errors_total`).
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
pub enum QueryError {
    /// The group key was empty (upstream "no query parameters specified").
    #[error("no query parameters specified")]
    NoParameters,
    /// No entry for the receiver and group key (upstream `ErrNotFound`).
    #[error("not found")]
    NotFound,
}

struct Metrics {
    gc_duration: Histogram,
    snapshot_duration: Histogram,
    snapshot_size: Gauge,
    queries: Counter,
    query_errors: Counter,
    query_duration: Histogram,
    propagated: Counter,
    maintenance: Counter,
    maintenance_errors: Counter,
}

impl Metrics {
    fn new(r: &Registry) -> Metrics {
        // Upstream's two `*_duration_seconds` durations of the last cycle are objective-less
        // summaries; the registry has no summary type, so they are histograms here.
        Metrics {
            gc_duration: r.histogram(
                "alertmanager_nflog_gc_duration_seconds",
                "Duration of the last notification log garbage collection cycle.",
                &DEFAULT_BUCKETS,
            ),
            snapshot_duration: r.histogram(
                "alertmanager_nflog_snapshot_duration_seconds",
                "Duration of the last notification log snapshot.",
                &DEFAULT_BUCKETS,
            ),
            snapshot_size: r.gauge(
                "alertmanager_nflog_snapshot_size_bytes",
                "Size of the last notification log snapshot in bytes.",
            ),
            queries: r.counter(
                "alertmanager_nflog_queries_total",
                "Number of notification log queries were received.",
            ),
            query_errors: r.counter(
                "alertmanager_nflog_query_errors_total",
                "Number notification log received queries that failed.",
            ),
            query_duration: r.histogram(
                "alertmanager_nflog_query_duration_seconds",
                "Duration of notification log query evaluation.",
                &DEFAULT_BUCKETS,
            ),
            propagated: r.counter(
                "alertmanager_nflog_gossip_messages_propagated_total",
                "Number of received gossip messages that have been further gossiped.",
            ),
            maintenance: r.counter(
                "alertmanager_nflog_maintenance_total",
                "How many maintenances were executed for the notification log.",
            ),
            maintenance_errors: r.counter(
                "alertmanager_nflog_maintenance_errors_total",
                "How many maintenances were executed for the notification log that failed.",
            ),
        }
    }
}

struct Inner {
    core: RwLock<Nflog>,
    metrics: Metrics,
    broadcast: crate::silence::OnceBroadcast,
}

/// The shared notification log: cheap to clone, all methods take `&self`.
#[derive(Clone)]
pub struct NflogHandle {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for NflogHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NflogHandle")
            .field("entries", &self.len())
            .finish()
    }
}

impl NflogHandle {
    /// An empty log with the given retention, registering the `alertmanager_nflog_*` metrics.
    pub fn new(retention: SignedDuration, registry: &Registry) -> NflogHandle {
        NflogHandle::from_core(Nflog::new(retention), registry)
    }

    /// Wraps an existing core (e.g. one loaded from a snapshot).
    pub fn from_core(core: Nflog, registry: &Registry) -> NflogHandle {
        NflogHandle {
            inner: Arc::new(Inner {
                core: RwLock::new(core),
                metrics: Metrics::new(registry),
                broadcast: crate::silence::OnceBroadcast::default(),
            }),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.inner.core.read().len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records a successful notification; see [`Nflog::log`]. Returns the entry to broadcast.
    pub fn log(
        &self,
        receiver: &ReceiverKey,
        group_key: &str,
        firing_alerts: Vec<u64>,
        resolved_alerts: Vec<u64>,
        expiry: SignedDuration,
        now: Timestamp,
    ) -> Option<Arc<Entry>> {
        let entry = self.inner.core.write().log(
            receiver,
            group_key,
            firing_alerts,
            resolved_alerts,
            expiry,
            now,
        );
        if let (Some(e), Some(broadcast)) = (&entry, self.inner.broadcast.get()) {
            broadcast(e.encode_delimited());
        }
        entry
    }

    /// Sends every entry logged from now on to `broadcast` as one length-delimited
    /// `MeshEntry` (upstream `Log.SetBroadcast`). Set once; merges are not broadcast here.
    pub fn set_broadcast(&self, broadcast: crate::silence::Broadcast) {
        let _ = self.inner.broadcast.set(broadcast);
    }

    /// The last entry for `(receiver, group_key)` (upstream `Query`), counting the query,
    /// its duration and failures (not found included) in the metrics.
    pub fn query(&self, receiver: &ReceiverKey, group_key: &str) -> Result<Arc<Entry>, QueryError> {
        let start = Instant::now();
        let m = &self.inner.metrics;
        m.queries.inc();
        let res = if group_key.is_empty() {
            Err(QueryError::NoParameters)
        } else {
            let key = receiver.state_key(group_key);
            let core = self.inner.core.read();
            core.get_arc(&key).ok_or(QueryError::NotFound)
        };
        if res.is_err() {
            m.query_errors.inc();
        }
        m.query_duration.observe(start.elapsed().as_secs_f64());
        res
    }

    /// Deletes expired entries; see [`Nflog::gc`].
    pub fn gc(&self, now: Timestamp) -> Result<usize, GcError> {
        let start = Instant::now();
        let res = self.inner.core.write().gc(now);
        self.inner
            .metrics
            .gc_duration
            .observe(start.elapsed().as_secs_f64());
        res
    }

    /// The whole log in upstream's snapshot format (see [`Nflog::snapshot`]).
    pub fn snapshot(&self) -> Vec<u8> {
        let start = Instant::now();
        let entries = self.inner.core.read().entry_arcs();
        let out = super::encode_sorted(entries);
        self.inner
            .metrics
            .snapshot_duration
            .observe(start.elapsed().as_secs_f64());
        out
    }

    /// Replaces the state with a snapshot (see [`Nflog::load`]); returns the entry count.
    pub fn load(&self, bytes: &[u8]) -> Result<usize, DecodeError> {
        let decoded = super::decode_entries(bytes)?;
        let n = decoded.len();
        self.inner.core.write().replace(decoded);
        Ok(n)
    }

    /// Merges one peer entry (see [`Nflog::merge`]); true when it was taken.
    pub fn merge(&self, entry: Entry, now: Timestamp) -> bool {
        self.inner.core.write().merge(entry, now)
    }

    /// Merges a gossip payload (upstream `Log.Merge`); returns how many entries were taken.
    /// When any was, the caller re-broadcasts the payload (unless oversized) and reports it
    /// with [`NflogHandle::count_propagated`].
    pub fn merge_bytes(&self, bytes: &[u8], now: Timestamp) -> Result<usize, DecodeError> {
        let decoded = super::decode_entries(bytes)?;
        let mut core = self.inner.core.write();
        let mut taken = 0;
        for (key, e) in decoded {
            if core.merge_keyed(key, Arc::new(e), now) {
                taken += 1;
            }
        }
        Ok(taken)
    }

    /// Counts `n` re-gossiped payloads in `alertmanager_nflog_gossip_messages_propagated_total`
    /// (upstream counts one per merged entry whose payload is gossiped on).
    pub fn count_propagated(&self, n: usize) {
        self.inner.metrics.propagated.inc_by(n as f64);
    }

    /// One maintenance cycle (upstream `Maintenance`'s `doMaintenance`): GC at `now`, then,
    /// when `write` is given, a snapshot handed to it (the caller writes the file atomically).
    /// Counts the cycle, its failures and the snapshot size. Returns the snapshot size.
    pub fn maintenance(
        &self,
        now: Timestamp,
        write: Option<SnapshotWriter<'_>>,
    ) -> Result<usize, MaintenanceError> {
        let m = &self.inner.metrics;
        m.maintenance.inc();
        let res = (|| {
            self.gc(now)?;
            let Some(write) = write else {
                return Ok(0);
            };
            let snap = self.snapshot();
            write(&snap)?;
            Ok(snap.len())
        })();
        match &res {
            Ok(size) => m.snapshot_size.set(*size as f64),
            Err(_) => {
                m.snapshot_size.set(0.0);
                m.maintenance_errors.inc();
            }
        }
        res
    }

    /// [`NflogHandle::maintenance`] writing the snapshot atomically to `path` (upstream
    /// `<storage.path>/nflog`); `None` only garbage-collects.
    pub fn maintenance_file(
        &self,
        now: Timestamp,
        path: Option<&Path>,
    ) -> Result<usize, MaintenanceError> {
        let Some(path) = path else {
            return self.maintenance(now, None);
        };
        let mut write = |b: &[u8]| {
            persist::write_atomic(path, b)
                .map(|_| ())
                .map_err(std::io::Error::other)
        };
        self.maintenance(now, Some(&mut write))
    }

    /// Loads the snapshot file at `path` if it exists (upstream `New` with `SnapshotFile`);
    /// returns the number of entries loaded (0 for a missing file).
    pub fn load_file(&self, path: &Path) -> Result<usize, LoadFileError> {
        match persist::read(path)? {
            None => Ok(0),
            Some(bytes) => self.load(&bytes).map_err(|source| LoadFileError::Decode {
                path: path.to_owned(),
                source,
            }),
        }
    }
}

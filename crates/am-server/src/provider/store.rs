//! [`AlertStore`]: the sharded, compact alert store (upstream `provider/mem.Alerts` together
//! with `store.Alerts`).

use am_model::alert::Alert;
use am_model::labels::Fingerprint;
use jiff::Timestamp;
use parking_lot::RwLock;
use smol_str::SmolStr;

use super::codec::{self, AlertTimes};
use super::intern::Interner;
use super::limit::Limits;
use super::shard::{ArenaFull, Shard};
use super::{PutError, StoreLimits};
use crate::metrics::{Counter, Registry};

/// Most alerts handled per lock hold by scans, GC and batched puts.
pub const CHUNK: usize = 1024;
/// Most slots (live or free) walked per lock hold by scans and GC.
const SLOTS_PER_HOLD: usize = 4 * CHUNK;
const SHARD_BITS: u32 = 6;

/// A shard on its own cache lines, so that writers of neighbouring shards do not contend.
#[repr(align(128))]
#[derive(Default)]
struct Padded(RwLock<Shard>);

/// Alert counts at one instant, for `alertmanager_alerts{state}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AlertCounts {
    /// Alerts not resolved at that instant (`ends_at` zero or after it).
    pub active: usize,
    /// Alerts resolved at that instant and not yet garbage collected.
    pub resolved: usize,
}

/// All alerts of the node, keyed by fingerprint. `Send + Sync`; share it as
/// `Arc<AlertStore>`. Every method takes `&self` and holds at most one shard lock at a time,
/// for at most [`CHUNK`] alerts.
pub struct AlertStore {
    shards: Box<[Padded]>,
    names: Interner,
    limits: Option<Limits>,
    limit: usize,
    limited_total: Counter,
}

impl std::fmt::Debug for AlertStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertStore")
            .field("len", &self.len())
            .field("per_alertname_limit", &self.limit)
            .finish()
    }
}

fn shard_of(fp: u64) -> usize {
    // FNV-1a's low bits are weak; take the top bits of a full mix instead.
    (fp.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - SHARD_BITS)) as usize
}

impl AlertStore {
    /// An empty store with the given limits, registering its metrics
    /// (`alertmanager_alerts_limited_total`, `alertmanager_alerts_per_alert_limit`) in
    /// `registry`. `alertmanager_alerts{state}` needs the marker and is computed by the caller
    /// with [`AlertStore::count_active_resolved`] / [`AlertStore::scan_times`].
    pub fn new(limits: StoreLimits, registry: &Registry) -> AlertStore {
        let limited_total = registry.counter(
            "alertmanager_alerts_limited_total",
            "Total number of alerts that were dropped due to per alert name limit",
        );
        registry
            .gauge(
                "alertmanager_alerts_per_alert_limit",
                "Current limit on number of alerts per alert name",
            )
            .set(limits.per_alertname as f64);
        AlertStore {
            shards: (0..1usize << SHARD_BITS)
                .map(|_| Padded::default())
                .collect(),
            names: Interner::new(),
            limits: (limits.per_alertname > 0).then(|| Limits::new(limits.per_alertname)),
            limit: limits.per_alertname,
            limited_total,
        }
    }

    /// Stores `alert` (upstream `Alerts.Put` for one alert) and returns the alert as stored.
    ///
    /// When an alert with the same fingerprint exists and the new alert's window overlaps it
    /// ([`Alert::overlaps`]), the stored alert becomes `old.merge(new)`; otherwise the new one
    /// replaces it. With a per-alertname limit, an alert is refused with
    /// [`PutError::Limited`] when its `alertname` already holds the limit of fingerprints
    /// whose `ends_at` has not passed, unless its fingerprint is one of them.
    pub fn put(&self, alert: Alert, now: Timestamp) -> Result<Alert, PutError> {
        let fp = alert.fingerprint().0;
        let mut blob = Vec::with_capacity(128);
        codec::encode(&mut blob, &alert, &mut self.names.resolver());
        let mut scratch = Vec::new();
        let mut shard = self.shards[shard_of(fp)].0.write();
        self.apply(&mut shard, fp, alert, &blob, &mut scratch, now)
    }

    /// Stores many alerts with the same results as [`AlertStore::put`] one after the other,
    /// taking each shard's lock once per [`CHUNK`] alerts (with a per-alertname limit: once
    /// per run of consecutive alerts of one shard). Results are in input order.
    pub fn put_batch(&self, alerts: Vec<Alert>, now: Timestamp) -> Vec<Result<Alert, PutError>> {
        let n = alerts.len();
        let mut buf = Vec::with_capacity(n * 112);
        let mut spans = Vec::with_capacity(n);
        let mut order: Vec<(usize, u64, usize)> = Vec::with_capacity(n);
        {
            let mut names = self.names.resolver();
            for (i, a) in alerts.iter().enumerate() {
                let start = buf.len();
                codec::encode(&mut buf, a, &mut names);
                spans.push(start..buf.len());
                let fp = a.fingerprint().0;
                order.push((shard_of(fp), fp, i));
            }
        }
        // Stable: alerts of one fingerprint keep their input order. With a per-alertname
        // limit, alerts of one name in different shards compete, so keep the input order.
        if self.limits.is_none() {
            order.sort_by_key(|&(s, _, _)| s);
        }
        let mut alerts: Vec<Option<Alert>> = alerts.into_iter().map(Some).collect();
        let mut results: Vec<Option<Result<Alert, PutError>>> = (0..n).map(|_| None).collect();
        let mut scratch = Vec::new();
        for run in order.chunk_by(|a, b| a.0 == b.0) {
            for hold in run.chunks(CHUNK) {
                let mut shard = self.shards[hold[0].0].0.write();
                for &(_, fp, i) in hold {
                    if let Some(alert) = alerts[i].take() {
                        let blob = &buf[spans[i].clone()];
                        results[i] =
                            Some(self.apply(&mut shard, fp, alert, blob, &mut scratch, now));
                    }
                }
            }
        }
        results.into_iter().flatten().collect()
    }

    /// Applies one put under the shard's write lock. `blob` is `alert` encoded.
    fn apply(
        &self,
        shard: &mut Shard,
        fp: u64,
        mut alert: Alert,
        blob: &[u8],
        scratch: &mut Vec<u8>,
        now: Timestamp,
    ) -> Result<Alert, PutError> {
        let full = |ArenaFull| PutError::Full {
            fingerprint: Fingerprint(fp),
        };
        let new_times = AlertTimes::of(&alert);
        let Some(idx) = shard.find(fp) else {
            self.check_limit(alert.name(), fp, new_times.ends_at, now)?;
            shard.insert(fp, blob).map_err(full)?;
            return Ok(alert);
        };
        let old_blob = shard.blob(idx);
        let old_times = codec::read_header(old_blob);
        let merged = old_times
            .filter(|old| old.overlaps(&new_times))
            .map(|old| old.merge(&new_times, now));
        match merged {
            None => {
                self.check_limit(alert.name(), fp, new_times.ends_at, now)?;
                shard.replace(idx, blob).map_err(full)?;
                Ok(alert)
            }
            Some((times, true)) => {
                // The merge result is the new alert with merged times.
                times.apply(&mut alert);
                self.check_limit(alert.name(), fp, times.ends_at, now)?;
                scratch.clear();
                codec::write_header(scratch, &times);
                scratch.extend_from_slice(&blob[codec::header_len(blob)..]);
                shard.replace(idx, scratch).map_err(full)?;
                Ok(alert)
            }
            Some((times, false)) => {
                // The stored alert was updated more recently: keep its content, merge times.
                let Some(mut stored) = codec::decode(old_blob, &self.names) else {
                    // Unreadable blob (a bug): replace it rather than keep garbage.
                    debug_assert!(false, "undecodable blob for {fp:016x}");
                    shard.replace(idx, blob).map_err(full)?;
                    return Ok(alert);
                };
                times.apply(&mut stored);
                self.check_limit(stored.name(), fp, times.ends_at, now)?;
                scratch.clear();
                codec::write_header(scratch, &times);
                let old_header = codec::header_len(old_blob);
                if scratch.len() == old_header {
                    shard.blob_mut(idx)[..old_header].copy_from_slice(scratch);
                } else {
                    scratch.extend_from_slice(&old_blob[old_header..]);
                    shard.replace(idx, scratch).map_err(full)?;
                }
                Ok(stored)
            }
        }
    }

    fn check_limit(
        &self,
        name: &str,
        fp: u64,
        ends_at: Timestamp,
        now: Timestamp,
    ) -> Result<(), PutError> {
        match &self.limits {
            Some(l) if !l.upsert(name, fp, ends_at, now) => {
                self.limited_total.inc();
                Err(PutError::Limited {
                    alertname: SmolStr::new(name),
                    limit: self.limit,
                })
            }
            _ => Ok(()),
        }
    }

    /// The alert with fingerprint `fp` (upstream `Alerts.Get`).
    pub fn get(&self, fp: Fingerprint) -> Option<Alert> {
        let shard = self.shards[shard_of(fp.0)].0.read();
        let idx = shard.find(fp.0)?;
        codec::decode(shard.blob(idx), &self.names)
    }

    /// The alerts with the given fingerprints, `None` where absent; same order as `fps`.
    pub fn get_many(&self, fps: &[Fingerprint]) -> Vec<Option<Alert>> {
        fps.iter().map(|&fp| self.get(fp)).collect()
    }

    /// Whether an alert with fingerprint `fp` is stored.
    pub fn contains(&self, fp: Fingerprint) -> bool {
        self.shards[shard_of(fp.0)].0.read().find(fp.0).is_some()
    }

    /// Times and timeout flag of the alert `fp`, without materializing it.
    pub fn get_times(&self, fp: Fingerprint) -> Option<AlertTimes> {
        let shard = self.shards[shard_of(fp.0)].0.read();
        codec::read_header(shard.blob(shard.find(fp.0)?))
    }

    /// Number of stored alerts (resolved ones included until GC).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.0.read().len()).sum()
    }

    /// Whether no alert is stored.
    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.0.read().len() == 0)
    }

    /// Walks the live slots of every shard in lock holds of at most [`CHUNK`] alerts, calling
    /// `visit(Some((fp, blob)))` under the shard's read lock for each alert and `visit(None)`
    /// after each hold, with the lock released.
    fn walk(&self, mut visit: impl FnMut(Option<(u64, &[u8])>)) {
        for shard in self.shards.iter() {
            let mut pos = 0;
            loop {
                {
                    let guard = shard.0.read();
                    let end = guard.slot_count().min(pos + SLOTS_PER_HOLD);
                    if pos >= end {
                        break;
                    }
                    let mut seen = 0;
                    while pos < end && seen < CHUNK {
                        if let Some(live) = guard.live(pos) {
                            visit(Some(live));
                            seen += 1;
                        }
                        pos += 1;
                    }
                }
                visit(None);
            }
        }
    }

    /// Visits every stored alert in chunks of at most [`CHUNK`] (upstream `Alerts.List`).
    /// Each chunk is copied under a short read lock and materialized after releasing it, so
    /// concurrent writers wait at most one chunk copy. An alert present for the whole scan is
    /// visited exactly once (with its value at the time its chunk was copied); alerts added
    /// or removed meanwhile may or may not be visited. No order is guaranteed.
    pub fn scan_chunks(&self, mut f: impl FnMut(Vec<Alert>)) {
        let mut buf: Vec<u8> = Vec::new();
        let mut spans: Vec<std::ops::Range<usize>> = Vec::with_capacity(CHUNK);
        self.walk(|item| match item {
            Some((_, blob)) => {
                let start = buf.len();
                buf.extend_from_slice(blob);
                spans.push(start..buf.len());
            }
            None => {
                let chunk: Vec<Alert> = spans
                    .drain(..)
                    .filter_map(|s| codec::decode(&buf[s], &self.names))
                    .collect();
                buf.clear();
                if !chunk.is_empty() {
                    f(chunk);
                }
            }
        });
    }

    /// Visits every stored alert; see [`AlertStore::scan_chunks`].
    pub fn scan(&self, mut f: impl FnMut(&Alert)) {
        self.scan_chunks(|chunk| chunk.iter().for_each(&mut f));
    }

    /// Visits the fingerprint and times of every stored alert without materializing it
    /// (cheap; e.g. `alertmanager_alerts{state}` with the marker). `f` runs under a shard read
    /// lock: keep it short and do not call back into the store.
    pub fn scan_times(&self, mut f: impl FnMut(Fingerprint, AlertTimes)) {
        self.walk(|item| {
            if let Some((fp, blob)) = item
                && let Some(t) = codec::read_header(blob)
            {
                f(Fingerprint(fp), t);
            }
        });
    }

    /// Fingerprints of all stored alerts.
    pub fn fingerprints(&self) -> Vec<Fingerprint> {
        let mut out = Vec::with_capacity(self.len());
        self.walk(|item| {
            if let Some((fp, _)) = item {
                out.push(Fingerprint(fp));
            }
        });
        out
    }

    /// How many stored alerts are active (not resolved) and resolved at `now`.
    pub fn count_active_resolved(&self, now: Timestamp) -> AlertCounts {
        let mut c = AlertCounts::default();
        self.walk(|item| {
            if let Some((_, blob)) = item {
                match codec::read_ends_at(blob) {
                    Some(e) if e != am_model::alert::ZERO_TIME && e <= now => c.resolved += 1,
                    _ => c.active += 1,
                }
            }
        });
        c
    }

    /// Deletes the alerts resolved at `now` and returns their fingerprints (upstream
    /// `Alerts.GC`), so the caller can drop markers and caches. Also drops per-alertname limit
    /// buckets whose entries all expired. Works in holds of at most [`CHUNK`] alerts.
    pub fn gc(&self, now: Timestamp) -> Vec<Fingerprint> {
        self.gc_except(now, |_| false)
    }

    /// [`AlertStore::gc`], but resolved alerts for which `keep` says true stay (aggregation
    /// groups that have not yet notified their resolution still need them: upstream's groups
    /// hold their own copies).
    pub fn gc_except(
        &self,
        now: Timestamp,
        keep: impl Fn(Fingerprint) -> bool,
    ) -> Vec<Fingerprint> {
        let mut deleted = Vec::new();
        let mut doomed: Vec<u32> = Vec::with_capacity(CHUNK);
        for shard in self.shards.iter() {
            let mut pos = 0;
            loop {
                let mut guard = shard.0.write();
                let end = guard.slot_count().min(pos + SLOTS_PER_HOLD);
                if pos >= end {
                    guard.maybe_compact();
                    break;
                }
                doomed.clear();
                let mut seen = 0;
                while pos < end && seen < CHUNK {
                    if let Some((fp, blob)) = guard.live(pos) {
                        seen += 1;
                        let resolved = codec::read_header(blob).is_some_and(|t| t.resolved_at(now));
                        if resolved && !keep(Fingerprint(fp)) {
                            deleted.push(Fingerprint(fp));
                            doomed.push(pos as u32);
                        }
                    }
                    pos += 1;
                }
                for &idx in &doomed {
                    guard.remove(idx);
                }
            }
        }
        if let Some(l) = &self.limits {
            l.gc(now);
        }
        deleted
    }

    /// Approximate heap bytes held by the store's shards (arenas, slots, indexes).
    pub fn heap_bytes(&self) -> usize {
        self.shards.iter().map(|s| s.0.read().heap_bytes()).sum()
    }

    /// Number of distinct interned label/annotation names.
    pub fn interned_names(&self) -> usize {
        self.names.len()
    }
}

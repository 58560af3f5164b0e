//! A small, dependency-free metrics registry and its Prometheus text exposition (format 0.0.4).
//!
//! Mirrors what Go Alertmanager gets from `prometheus/client_golang` (`prometheus.Counter`,
//! `CounterVec`, `Gauge`, `GaugeFunc`, `Histogram`, the process collector and
//! `prometheus/common/version.NewCollector`) and from `prometheus/common/expfmt`'s text
//! encoder: families sorted by name, `# HELP` / `# TYPE` lines, label pairs sorted by name,
//! series of a family sorted by label values, Go's float formatting (`1`, `0.5`, `1e+06`,
//! `+Inf`). Families without any series are omitted, as client_golang's gatherer does.
//!
//! Hot paths only touch atomics: [`Counter::inc`], [`Gauge::set`], [`Histogram::observe`].
//! Label lookups ([`CounterVec::with`]) take a read lock; cache the returned child when it is
//! used per alert.

mod encode;
mod process;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::{Mutex, RwLock};

pub use encode::format_float;
pub use process::BuildInfo;

/// client_golang's `prometheus.DefBuckets`.
pub const DEFAULT_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// `count` buckets starting at `start`, each `factor` times the previous
/// (`prometheus.ExponentialBuckets`).
pub fn exponential_buckets(start: f64, factor: f64, count: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(count);
    let mut v = start;
    for _ in 0..count {
        out.push(v);
        v *= factor;
    }
    out
}

/// `count` buckets starting at `start`, each `width` above the previous (`prometheus.LinearBuckets`).
pub fn linear_buckets(start: f64, width: f64, count: usize) -> Vec<f64> {
    (0..count).map(|i| start + width * i as f64).collect()
}

fn add_f64(cell: &AtomicU64, v: f64) {
    let mut cur = cell.load(Ordering::Relaxed);
    loop {
        let new = (f64::from_bits(cur) + v).to_bits();
        match cell.compare_exchange_weak(cur, new, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return,
            Err(actual) => cur = actual,
        }
    }
}

/// A monotonically increasing value (`prometheus.Counter`). Cloning shares the value.
#[derive(Clone, Debug, Default)]
pub struct Counter(Arc<CounterCell>);

#[derive(Debug, Default)]
struct CounterCell {
    ints: AtomicU64,
    float_bits: AtomicU64,
}

impl Counter {
    /// A counter that is not registered anywhere (useful in tests and as a fallback).
    pub fn detached() -> Counter {
        Counter::default()
    }
    /// Adds one.
    pub fn inc(&self) {
        self.0.ints.fetch_add(1, Ordering::Relaxed);
    }
    /// Adds `n`.
    pub fn inc_by_u64(&self, n: u64) {
        self.0.ints.fetch_add(n, Ordering::Relaxed);
    }
    /// Adds `v`; negative or NaN values are ignored (a counter never decreases).
    pub fn inc_by(&self, v: f64) {
        if v > 0.0 {
            add_f64(&self.0.float_bits, v);
        }
    }
    /// The current value.
    pub fn get(&self) -> f64 {
        self.0.ints.load(Ordering::Relaxed) as f64
            + f64::from_bits(self.0.float_bits.load(Ordering::Relaxed))
    }
}

/// A value that can go up and down (`prometheus.Gauge`). Cloning shares the value.
#[derive(Clone, Debug, Default)]
pub struct Gauge(Arc<AtomicU64>);

impl Gauge {
    /// A gauge that is not registered anywhere.
    pub fn detached() -> Gauge {
        Gauge::default()
    }
    /// Sets the value.
    pub fn set(&self, v: f64) {
        self.0.store(v.to_bits(), Ordering::Relaxed);
    }
    /// Adds `v` (may be negative).
    pub fn add(&self, v: f64) {
        add_f64(&self.0, v);
    }
    /// Subtracts `v`.
    pub fn sub(&self, v: f64) {
        add_f64(&self.0, -v);
    }
    /// Adds one.
    pub fn inc(&self) {
        self.add(1.0);
    }
    /// Subtracts one.
    pub fn dec(&self) {
        self.add(-1.0);
    }
    /// The current value.
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

/// A histogram with fixed upper bounds (`prometheus.Histogram`). Cloning shares the state.
#[derive(Clone, Debug)]
pub struct Histogram(Arc<HistogramCell>);

#[derive(Debug)]
struct HistogramCell {
    bounds: Arc<[f64]>,
    /// Non-cumulative counts per bucket; the last slot counts values above every bound.
    counts: Box<[AtomicU64]>,
    count: AtomicU64,
    sum_bits: AtomicU64,
}

impl Histogram {
    fn with_bounds(bounds: Arc<[f64]>) -> Histogram {
        let counts = (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect();
        Histogram(Arc::new(HistogramCell {
            bounds,
            counts,
            count: AtomicU64::new(0),
            sum_bits: AtomicU64::new(0),
        }))
    }
    /// A histogram that is not registered anywhere.
    pub fn detached(buckets: &[f64]) -> Histogram {
        Histogram::with_bounds(normalize_buckets(buckets))
    }
    /// Records one observation.
    pub fn observe(&self, v: f64) {
        let idx = self.0.bounds.partition_point(|b| *b < v);
        self.0.counts[idx].fetch_add(1, Ordering::Relaxed);
        add_f64(&self.0.sum_bits, v);
        self.0.count.fetch_add(1, Ordering::Relaxed);
    }
    /// Number of observations.
    pub fn sample_count(&self) -> u64 {
        self.0.count.load(Ordering::Relaxed)
    }
    /// Sum of observations.
    pub fn sample_sum(&self) -> f64 {
        f64::from_bits(self.0.sum_bits.load(Ordering::Relaxed))
    }
}

fn normalize_buckets(buckets: &[f64]) -> Arc<[f64]> {
    let mut b: Vec<f64> = buckets.iter().copied().filter(|v| v.is_finite()).collect();
    b.sort_by(f64::total_cmp);
    b.dedup();
    b.into()
}

/// Label values of one series (hashes like the `&[&str]` it is looked up with).
#[derive(Debug, PartialEq, Eq, Hash)]
struct Key(Box<[String]>);

/// Borrowed lookup key.
#[derive(Hash)]
struct KeyRef<'a, 'b>(&'a [&'b str]);

impl hashbrown::Equivalent<Key> for KeyRef<'_, '_> {
    fn equivalent(&self, key: &Key) -> bool {
        key.0.len() == self.0.len() && key.0.iter().zip(self.0).all(|(a, b)| a == b)
    }
}

/// A family of series keyed by label values.
#[derive(Debug)]
struct VecCore<T> {
    /// Label names in declaration order.
    names: Box<[String]>,
    children: RwLock<hashbrown::HashMap<Key, T>>,
}

impl<T: Clone> VecCore<T> {
    fn new(names: &[&str]) -> VecCore<T> {
        VecCore {
            names: names.iter().map(|s| s.to_string()).collect(),
            children: RwLock::new(hashbrown::HashMap::new()),
        }
    }
    fn key(&self, values: &[&str]) -> Key {
        debug_assert_eq!(values.len(), self.names.len(), "label value count");
        Key((0..self.names.len())
            .map(|i| values.get(i).copied().unwrap_or_default().to_string())
            .collect())
    }
    fn with(&self, values: &[&str], make: impl FnOnce() -> T) -> T {
        if values.len() == self.names.len()
            && let Some(c) = self.children.read().get(&KeyRef(values))
        {
            return c.clone();
        }
        let key = self.key(values);
        self.children
            .write()
            .entry(key)
            .or_insert_with(make)
            .clone()
    }
    fn remove(&self, values: &[&str]) -> bool {
        let key = self.key(values);
        self.children.write().remove(&key).is_some()
    }
    /// `(label values, child)` pairs.
    fn snapshot(&self) -> Vec<(Vec<String>, T)> {
        self.children
            .read()
            .iter()
            .map(|(k, v)| (k.0.to_vec(), v.clone()))
            .collect()
    }
}

/// Counters partitioned by label values (`prometheus.CounterVec`). Cloning shares the family.
#[derive(Clone, Debug)]
pub struct CounterVec(Arc<VecCore<Counter>>);

impl CounterVec {
    /// The child for `values` (in the order of the label names), created at zero if new.
    pub fn with(&self, values: &[&str]) -> Counter {
        self.0.with(values, Counter::default)
    }
    /// Removes the child for `values`; true if it existed.
    pub fn remove(&self, values: &[&str]) -> bool {
        self.0.remove(values)
    }
}

/// Gauges partitioned by label values (`prometheus.GaugeVec`).
#[derive(Clone, Debug)]
pub struct GaugeVec(Arc<VecCore<Gauge>>);

impl GaugeVec {
    /// The child for `values`, created at zero if new.
    pub fn with(&self, values: &[&str]) -> Gauge {
        self.0.with(values, Gauge::default)
    }
    /// Removes the child for `values`; true if it existed.
    pub fn remove(&self, values: &[&str]) -> bool {
        self.0.remove(values)
    }
}

/// Histograms partitioned by label values (`prometheus.HistogramVec`).
#[derive(Clone, Debug)]
pub struct HistogramVec {
    core: Arc<VecCore<Histogram>>,
    bounds: Arc<[f64]>,
}

impl HistogramVec {
    /// The child for `values`, created empty if new.
    pub fn with(&self, values: &[&str]) -> Histogram {
        self.core
            .with(values, || Histogram::with_bounds(self.bounds.clone()))
    }
    /// Removes the child for `values`; true if it existed.
    pub fn remove(&self, values: &[&str]) -> bool {
        self.core.remove(values)
    }
}

/// Callback of a function-backed family: returns `(label values, value)` pairs.
type SeriesFn = Arc<dyn Fn() -> Vec<(Vec<String>, f64)> + Send + Sync>;

#[derive(Clone)]
enum Kind {
    Counter(Arc<VecCore<Counter>>),
    Gauge(Arc<VecCore<Gauge>>),
    Histogram(Arc<VecCore<Histogram>>, Arc<[f64]>),
    Func {
        typ: &'static str,
        names: Arc<[String]>,
        f: SeriesFn,
    },
}

struct Family {
    help: String,
    kind: Kind,
}

/// The metrics registry; cheap to clone (shared state). Registering a name twice with the same
/// type and label names returns the existing metric (so components re-created on reload keep
/// their series); a conflicting re-registration is logged and gets a detached metric.
#[derive(Clone, Default)]
pub struct Registry {
    families: Arc<Mutex<BTreeMap<String, Family>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("families", &self.families.lock().len())
            .finish()
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    fn register(&self, name: &str, help: &str, make: impl FnOnce() -> Kind) -> Option<Kind> {
        let mut fams = self.families.lock();
        if let Some(existing) = fams.get(name) {
            return Some(existing.kind.clone());
        }
        let kind = make();
        fams.insert(
            name.to_string(),
            Family {
                help: help.to_string(),
                kind: kind.clone(),
            },
        );
        Some(kind)
    }

    fn conflict(name: &str) {
        tracing::warn!(
            metric = name,
            "metric registered twice with different types or labels"
        );
    }

    /// A counter without labels.
    pub fn counter(&self, name: &str, help: &str) -> Counter {
        self.counter_vec(name, help, &[]).with(&[])
    }

    /// A counter family with the given label names.
    pub fn counter_vec(&self, name: &str, help: &str, labels: &[&str]) -> CounterVec {
        match self.register(name, help, || Kind::Counter(Arc::new(VecCore::new(labels)))) {
            Some(Kind::Counter(core)) if names_eq(&core.names, labels) => CounterVec(core),
            _ => {
                Self::conflict(name);
                CounterVec(Arc::new(VecCore::new(labels)))
            }
        }
    }

    /// A gauge without labels.
    pub fn gauge(&self, name: &str, help: &str) -> Gauge {
        self.gauge_vec(name, help, &[]).with(&[])
    }

    /// A gauge family with the given label names.
    pub fn gauge_vec(&self, name: &str, help: &str, labels: &[&str]) -> GaugeVec {
        match self.register(name, help, || Kind::Gauge(Arc::new(VecCore::new(labels)))) {
            Some(Kind::Gauge(core)) if names_eq(&core.names, labels) => GaugeVec(core),
            _ => {
                Self::conflict(name);
                GaugeVec(Arc::new(VecCore::new(labels)))
            }
        }
    }

    /// A histogram without labels.
    pub fn histogram(&self, name: &str, help: &str, buckets: &[f64]) -> Histogram {
        self.histogram_vec(name, help, &[], buckets).with(&[])
    }

    /// A histogram family with the given label names and bucket upper bounds
    /// (`+Inf` is implicit).
    pub fn histogram_vec(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
        buckets: &[f64],
    ) -> HistogramVec {
        let bounds = normalize_buckets(buckets);
        let b2 = bounds.clone();
        match self.register(name, help, || {
            Kind::Histogram(Arc::new(VecCore::new(labels)), b2)
        }) {
            Some(Kind::Histogram(core, b)) if names_eq(&core.names, labels) => {
                HistogramVec { core, bounds: b }
            }
            _ => {
                Self::conflict(name);
                HistogramVec {
                    core: Arc::new(VecCore::new(labels)),
                    bounds,
                }
            }
        }
    }

    fn register_fn(&self, name: &str, help: &str, typ: &'static str, labels: &[&str], f: SeriesFn) {
        let names: Arc<[String]> = labels.iter().map(|s| s.to_string()).collect();
        let mut fams = self.families.lock();
        match fams.get(name).map(|f| &f.kind) {
            None | Some(Kind::Func { .. }) => {
                // A later registration replaces the callback (e.g. after a config reload).
                fams.insert(
                    name.to_string(),
                    Family {
                        help: help.to_string(),
                        kind: Kind::Func { typ, names, f },
                    },
                );
            }
            Some(_) => Self::conflict(name),
        }
    }

    /// A gauge whose value is computed by `f` at every scrape (`prometheus.NewGaugeFunc`).
    /// Registering the same name again replaces the callback.
    pub fn gauge_fn(&self, name: &str, help: &str, f: impl Fn() -> f64 + Send + Sync + 'static) {
        self.register_fn(
            name,
            help,
            "gauge",
            &[],
            Arc::new(move || vec![(Vec::new(), f())]),
        );
    }

    /// A counter whose value is computed by `f` at every scrape (`prometheus.NewCounterFunc`).
    pub fn counter_fn(&self, name: &str, help: &str, f: impl Fn() -> f64 + Send + Sync + 'static) {
        self.register_fn(
            name,
            help,
            "counter",
            &[],
            Arc::new(move || vec![(Vec::new(), f())]),
        );
    }

    /// A labelled gauge family computed at scrape: `f` returns `(label values, value)` pairs with
    /// values in the order of `labels` (a custom collector, e.g. `alertmanager_alerts{state}`).
    pub fn gauge_vec_fn(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
        f: impl Fn() -> Vec<(Vec<String>, f64)> + Send + Sync + 'static,
    ) {
        self.register_fn(name, help, "gauge", labels, Arc::new(f));
    }

    /// Removes a family; true if it existed.
    pub fn unregister(&self, name: &str) -> bool {
        self.families.lock().remove(name).is_some()
    }

    /// The whole registry in the Prometheus text format 0.0.4.
    pub fn encode(&self) -> String {
        // Clone the family list so callbacks run without the registry lock held.
        let fams: Vec<(String, String, Kind)> = self
            .families
            .lock()
            .iter()
            .map(|(n, f)| (n.clone(), f.help.clone(), f.kind.clone()))
            .collect();
        let mut out = String::with_capacity(4096);
        for (name, help, kind) in &fams {
            encode::family(&mut out, name, help, kind);
        }
        out
    }

    /// Registers the `process_*` metrics of client_golang's process collector (read from `/proc`).
    pub fn register_process_metrics(&self) {
        process::register(self);
    }

    /// Registers `<program>_build_info` (`prometheus/common/version.NewCollector`).
    pub fn register_build_info(&self, program: &str, info: &BuildInfo) {
        process::register_build_info(self, program, info);
    }
}

fn names_eq(names: &[String], labels: &[&str]) -> bool {
    names.len() == labels.len() && names.iter().zip(labels).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests;

//! A node's wiring and life (upstream `cmd/alertmanager/main.go` `run()`): the components that
//! live as long as the process ([`Core`]: alert store, silences, notification log, metrics)
//! and the configuration-dependent [`Runtime`] swapped on reload; the ingestion path; periodic
//! maintenance; the shutdown order.
//!
//! Ingestion: the API hands validated alerts to the node (its `api::Ingest` implementation),
//! which merges them into the store, lets the inhibitor see them, and offers them to the
//! dispatcher's bounded queue; when the queue is full the batch waits for room in a task, so
//! requests are not blocked and no alert is dropped. [`Node::ingest`] (used in-process) waits
//! for room itself.

mod adapters;
pub mod cluster;
mod http;
mod maintenance;
mod runtime;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use am_config::Config;
use am_model::alert::Alert;
use arc_swap::ArcSwap;
use jiff::{SignedDuration, Timestamp};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{error, info};

use crate::clock::SharedClock;
use crate::metrics::Registry;
use crate::nflog::NflogHandle;
use crate::notify::{NotifyMetrics, Peer};
use crate::provider::{AlertStore, PutError, StoreLimits};
use crate::silence::{Limits, Silencer, Silences, SilencesHandle, SilencesOptions};

pub use http::{api_deps, label_names};
pub use maintenance::ReloadMetrics;
pub use runtime::Runtime;

/// Process-wide settings (from the command line).
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// `--storage.path`.
    pub storage_path: PathBuf,
    /// `--data.retention`.
    pub retention: Duration,
    /// `--data.maintenance-interval`.
    pub maintenance_interval: Duration,
    /// `--silences.max-silences` (0 = unlimited).
    pub max_silences: usize,
    /// `--silences.max-silence-size-bytes` (0 = unlimited).
    pub max_silence_size_bytes: usize,
    /// `--alerts.gc-interval`.
    pub alerts_gc_interval: Duration,
    /// `--alerts.per-alertname-limit` (0 = unlimited).
    pub per_alertname_limit: usize,
    /// `--dispatch.maintenance-interval`.
    pub dispatch_maintenance_interval: Duration,
    /// `--dispatch.start-delay`.
    pub dispatch_start_delay: Duration,
    /// `--cluster.peer-timeout`.
    pub peer_timeout: Duration,
    /// Whether the node runs in a cluster (`alertmanager_cluster_enabled`).
    pub cluster_enabled: bool,
    /// The external URL (templates' `ExternalURL`).
    pub external_url: String,
    /// Label-name and matcher parsing mode (from `--enable-feature`).
    pub parse_mode: am_model::matcher::ParseMode,
    /// The version string (`User-Agent`, `/api/v2/status`).
    pub version: String,
    /// Deliver integrations' HTTP requests here instead of the network (in-process tests);
    /// `None` in production.
    pub http_transport: Option<Arc<dyn crate::notify::http::HttpTransport>>,
}

/// The components that live as long as the process.
pub struct Core {
    /// Wall-clock time.
    pub clock: SharedClock,
    /// Metrics registry served at `/metrics`.
    pub registry: Registry,
    /// The alerts.
    pub store: Arc<AlertStore>,
    /// The silences.
    pub silences: SilencesHandle,
    /// Silence matching with a per-alert cache.
    pub silencer: Arc<Silencer>,
    /// The notification log.
    pub nflog: NflogHandle,
    /// Process settings.
    pub opts: AppOptions,
    /// When the process started (uptime, dispatch start delay).
    pub start: Timestamp,
    /// The cluster peer (a single node for now).
    pub peer: Arc<dyn Peer>,
    notify_metrics: NotifyMetrics,
}

/// One Alertmanager node: the [`Core`] plus the current [`Runtime`].
pub struct Node {
    core: Arc<Core>,
    runtime: ArcSwap<Runtime>,
    reload_metrics: ReloadMetrics,
    reload_lock: tokio::sync::Mutex<()>,
    shutdown: CancellationToken,
    tasks: TaskTracker,
}

/// Why an alert of a batch was not stored.
pub type IngestResult = Result<(), PutError>;

impl Core {
    fn new(opts: AppOptions, clock: SharedClock, peer: Arc<dyn Peer>, registry: Registry) -> Core {
        let now = clock.now();
        let retention = SignedDuration::try_from(opts.retention).unwrap_or(SignedDuration::MAX);
        let store = Arc::new(AlertStore::new(
            StoreLimits {
                per_alertname: opts.per_alertname_limit,
            },
            &registry,
        ));
        let silences = SilencesHandle::new(
            Silences::new(SilencesOptions {
                retention,
                limits: Limits {
                    max_silences: opts.max_silences,
                    max_silence_size_bytes: opts.max_silence_size_bytes,
                },
                label_name_mode: opts.parse_mode,
            }),
            &registry,
            Arc::clone(&clock),
        );
        let silences_file = opts.storage_path.join("silences");
        if silences_file.exists() {
            match silences.load_file(&silences_file, now) {
                Ok(n) => info!(
                    component = "silences",
                    count = n,
                    "loaded silences snapshot"
                ),
                Err(err) => error!(
                    component = "silences",
                    %err,
                    file = %silences_file.display(),
                    "loading silences snapshot failed"
                ),
            }
        }
        let nflog = NflogHandle::new(retention, &registry);
        let nflog_file = opts.storage_path.join("nflog");
        if nflog_file.exists() {
            let loaded = std::fs::read(&nflog_file)
                .map_err(|e| e.to_string())
                .and_then(|b| nflog.load(&b).map_err(|e| e.to_string()));
            match loaded {
                Ok(n) => info!(
                    component = "nflog",
                    count = n,
                    "loaded notification log snapshot"
                ),
                Err(err) => error!(
                    component = "nflog",
                    %err,
                    file = %nflog_file.display(),
                    "loading notification log snapshot failed"
                ),
            }
        }
        let silencer = Arc::new(Silencer::new(silences.clone()));
        let notify_metrics = NotifyMetrics::new(&registry);
        Core {
            clock,
            registry,
            store,
            silences,
            silencer,
            nflog,
            opts,
            start: now,
            peer,
            notify_metrics,
        }
    }
}

impl Node {
    /// Starts a node with `config`: loads the silence and notification-log snapshots from
    /// `--storage.path`, builds the runtime, and starts maintenance. Must run inside a tokio
    /// runtime.
    ///
    /// # Errors
    /// The configuration's templates or integrations fail to build.
    pub async fn start(
        opts: AppOptions,
        config: Config,
        clock: SharedClock,
        peer: Arc<dyn Peer>,
        registry: Registry,
    ) -> Result<Arc<Node>, String> {
        let core = Arc::new(Core::new(opts, clock, peer, registry));
        let reload_metrics = ReloadMetrics::new(&core.registry, core.opts.cluster_enabled);
        let config = Arc::new(config);
        let runtime = Runtime::start(&core, Arc::clone(&config)).await?;
        reload_metrics.record(&core, &runtime, true);
        let node = Arc::new(Node {
            core,
            runtime: ArcSwap::from_pointee(runtime),
            reload_metrics,
            reload_lock: tokio::sync::Mutex::new(()),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
        });
        maintenance::register_gauges(&node);
        maintenance::spawn(&node);
        Ok(node)
    }

    /// The long-lived components.
    pub fn core(&self) -> &Arc<Core> {
        &self.core
    }

    /// The current runtime (configuration, routes, inhibitor, dispatcher…).
    pub fn runtime(&self) -> Arc<Runtime> {
        self.runtime.load_full()
    }

    /// Stores a batch of validated alerts and hands the stored versions to the inhibitor and
    /// the dispatcher. Returns one result per input alert, in order.
    pub async fn ingest(&self, alerts: Vec<Alert>) -> Vec<IngestResult> {
        let now = self.core.clock.now();
        let (stored, out) = self.store_batch(alerts, now);
        if !stored.is_empty() {
            self.runtime.load().dispatcher.send(stored).await;
        }
        out
    }

    /// Stores a batch and lets the inhibitor see the stored versions; returns them (for the
    /// dispatcher) and one result per input alert.
    fn store_batch(&self, alerts: Vec<Alert>, now: Timestamp) -> (Vec<Alert>, Vec<IngestResult>) {
        let results = self.core.store.put_batch(alerts, now);
        let mut stored = Vec::with_capacity(results.len());
        let mut out = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(a) => {
                    stored.push(a);
                    out.push(Ok(()));
                }
                Err(e) => out.push(Err(e)),
            }
        }
        if !stored.is_empty() {
            // The runtime is loaded after the store write: a reload that swaps in a new
            // runtime after this point re-reads the store, so no alert misses the current
            // dispatcher or inhibitor.
            self.runtime.load().inhibitor.observe_batch(&stored, now);
        }
        (stored, out)
    }

    /// Applies a new configuration (upstream's reload): builds a new runtime, swaps it in,
    /// stops the old dispatcher (letting its in-flight notifications finish) and feeds the new
    /// one every stored alert. On error the running configuration stays.
    ///
    /// # Errors
    /// The new configuration's templates or integrations fail to build.
    pub async fn apply_config(&self, config: Config) -> Result<(), String> {
        let _guard = self.reload_lock.lock().await;
        let config = Arc::new(config);
        let runtime = match Runtime::start(&self.core, Arc::clone(&config)).await {
            Ok(r) => r,
            Err(e) => {
                self.reload_metrics.failed();
                return Err(e);
            }
        };
        let runtime = Arc::new(runtime);
        let old = self.runtime.swap(Arc::clone(&runtime));
        old.dispatcher.stop().await;
        runtime.slurp(&self.core).await;
        self.reload_metrics.record(&self.core, &runtime, true);
        Ok(())
    }

    /// Stops the node in upstream's order: the dispatcher (in-flight notifications finish),
    /// maintenance, then the final silence and notification-log snapshots. The HTTP server is
    /// stopped by its owner before this.
    pub async fn shutdown(&self) {
        self.runtime.load().dispatcher.stop().await;
        self.shutdown.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        maintenance::final_snapshots(&self.core);
    }
}

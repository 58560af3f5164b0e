//! The HTTP server: API v2 (upstream `api/v2/api.go`, v0.28), the v1 API as 0.26 served it
//! (`api/v1/api.go` @v0.26.0, removed upstream in 0.27; kept here for old senders and the
//! operators' `jq .data.cluster` checks), the `/-/healthy`, `/-/ready`, `/-/reload` and
//! `/metrics` endpoints (`ui/web.go`), route prefixing (`cmd/alertmanager/main.go`) and the
//! cross-cutting behaviour of `api/api.go` (GET concurrency limit, request timeout).
//!
//! The app supplies the pieces that change on reload through [`RuntimeSource`] (a
//! [`RuntimeView`] snapshot: config, routing tree, inhibitor, dispatcher, group marker) and the
//! write paths through small traits ([`Ingest`], [`Reloader`], [`ClusterInfo`]).
//!
//! Layout: [`layers`] (limits, timeout, instrumentation, headers), `status` (per-request alert
//! status and filters), `v2`/`v2_alerts` (API v2), `v1` (API v1), `ops` (`/-/…`, `/metrics`).

pub mod layers;
mod ops;
mod query;
mod status;
mod v1;
mod v2;
mod v2_alerts;

#[cfg(test)]
mod tests;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use am_api::v2::{ClusterStatus, LabelNameValidation, VersionInfo};
use am_config::Config;
use am_model::alert::Alert;
use am_model::matcher::parse::ParseMode;
use arc_swap::ArcSwap;
use axum::Router;
use jiff::Timestamp;

use crate::clock::SharedClock;
use crate::dispatch::{DispatcherHandle, RouteTree};
use crate::inhibit::Inhibitor;
use crate::metrics::Registry;
use crate::notify::deps::GroupMarker;
use crate::provider::AlertStore;
use crate::silence::{Silencer, SilencesHandle};

/// Everything that is rebuilt on a configuration reload, as one immutable snapshot.
#[derive(Clone)]
pub struct RuntimeView {
    /// The loaded configuration.
    pub config: Arc<Config>,
    /// The routing tree built from `config.route`.
    pub tree: Arc<RouteTree>,
    /// The inhibitor for `config.inhibit_rules`.
    pub inhibitor: Arc<Inhibitor>,
    /// The running dispatcher (source of `/api/v2/alerts/groups`); `None` shows no groups.
    pub dispatcher: Option<Arc<DispatcherHandle>>,
    /// Which groups are muted by time intervals (for `mutedBy`).
    pub group_marker: GroupMarker,
}

/// Gives the current [`RuntimeView`]; implemented for `ArcSwap<RuntimeView>`.
pub trait RuntimeSource: Send + Sync + 'static {
    /// The current snapshot.
    fn current(&self) -> Arc<RuntimeView>;
}

impl RuntimeSource for ArcSwap<RuntimeView> {
    fn current(&self) -> Arc<RuntimeView> {
        self.load_full()
    }
}

/// Stores posted alerts (already converted and validated) and hands them to the pipeline.
pub trait Ingest: Send + Sync + 'static {
    /// Stores the alerts. An error fails the request with HTTP 500 and the error text
    /// (upstream: `alerts.Put` failing). Per-alert refusals such as the per-alertname limit
    /// are not errors (upstream logs and counts them).
    fn ingest(&self, alerts: Vec<Alert>, now: Timestamp) -> Result<(), String>;
}

/// A boxed future, for the object-safe async trait methods here.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Reloads the configuration (`POST /-/reload`, like SIGHUP).
pub trait Reloader: Send + Sync + 'static {
    /// Reloads; the error text is served as `failed to reload config: <err>` with HTTP 500.
    fn reload(&self) -> BoxFuture<'_, Result<(), String>>;
}

/// The cluster block of the status endpoints.
pub trait ClusterInfo: Send + Sync + 'static {
    /// `None` when clustering is disabled (v2 shows `{"status":"disabled","peers":[]}`, v1
    /// `null`); otherwise this node's name, `ready`/`settling` and the members (any order;
    /// v2 sorts them by name).
    fn status(&self) -> Option<ClusterStatus>;
}

/// Single node: clustering disabled.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCluster;

impl ClusterInfo for NoCluster {
    fn status(&self) -> Option<ClusterStatus> {
        None
    }
}

/// Server options from the command line.
#[derive(Clone, Debug)]
pub struct ApiOptions {
    /// `--web.route-prefix` (or the external URL's path); normalized to `/x/y` or `/`.
    pub route_prefix: String,
    /// `--web.get-concurrency`; 0 means `max(available cores, 8)`.
    pub get_concurrency: usize,
    /// `--web.timeout`; `None` or zero: no timeout.
    pub timeout: Option<Duration>,
    /// Largest accepted request body (16 MiB); larger bodies get 413.
    pub max_body_bytes: usize,
    /// Label-name validation of posted alerts (legacy unless UTF-8 mode is enabled).
    pub label_names: LabelNameValidation,
    /// Matcher parser for `filter` parameters and silences (`compat` mode).
    pub matcher_mode: ParseMode,
    /// Serve the 0.26 v1 API (otherwise v1 paths answer 410 like 0.27+).
    pub enable_v1: bool,
}

impl Default for ApiOptions {
    fn default() -> Self {
        ApiOptions {
            route_prefix: "/".to_owned(),
            get_concurrency: 0,
            timeout: None,
            max_body_bytes: 16 << 20,
            label_names: LabelNameValidation::Legacy,
            matcher_mode: ParseMode::Fallback,
            enable_v1: true,
        }
    }
}

/// Normalizes a route prefix like upstream: `"/" + strings.Trim(p, "/")`.
pub fn normalize_route_prefix(p: &str) -> String {
    format!("/{}", p.trim_matches('/'))
}

/// What the HTTP handlers need. Cheap to clone (handles and `Arc`s).
#[derive(Clone)]
pub struct ApiDeps {
    /// The alert store (read by GET /alerts).
    pub store: Arc<AlertStore>,
    /// Silences (GET/POST/DELETE silences).
    pub silences: SilencesHandle,
    /// The silencer used to compute `silencedBy` per request.
    pub silencer: Silencer,
    /// The reloadable part.
    pub runtime: Arc<dyn RuntimeSource>,
    /// Write path of POST /alerts.
    pub ingest: Arc<dyn Ingest>,
    /// `POST /-/reload`.
    pub reloader: Arc<dyn Reloader>,
    /// Cluster status block.
    pub cluster: Arc<dyn ClusterInfo>,
    /// `/-/ready` answers 200 when true, 503 otherwise.
    pub ready: Arc<AtomicBool>,
    /// Wall clock.
    pub clock: SharedClock,
    /// Metrics registry (served at `/metrics`; the API registers its metrics here).
    pub registry: Registry,
    /// Build information for the status endpoints.
    pub version: VersionInfo,
    /// Process start (`uptime` of the status endpoints).
    pub started_at: Timestamp,
    /// Server options.
    pub options: ApiOptions,
}

/// Builds the whole HTTP router (all endpoints under the route prefix, plus the `/`
/// redirect when the prefix is not `/`).
pub fn router(deps: ApiDeps) -> Router {
    layers::build(deps)
}

/// Serves `router` on `listener` until `shutdown` completes, then lets in-flight requests
/// finish (graceful shutdown).
///
/// # Errors
/// The I/O error of the accept loop.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

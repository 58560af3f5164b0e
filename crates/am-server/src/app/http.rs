//! Connects the node to the HTTP API: the [`ApiDeps`] the handlers need, with the node as the
//! source of the reloadable [`RuntimeView`] and as the ingestion path.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use am_api::v2::{LabelNameValidation, VersionInfo};
use am_model::alert::Alert;
use am_model::matcher::ParseMode;
use jiff::Timestamp;

use super::Node;
use crate::api::{ApiDeps, ApiOptions, ClusterInfo, Ingest, Reloader, RuntimeSource, RuntimeView};

impl RuntimeSource for Node {
    fn current(&self) -> Arc<RuntimeView> {
        let rt = self.runtime();
        Arc::new(RuntimeView {
            config: Arc::clone(&rt.config),
            tree: Arc::clone(&rt.tree),
            inhibitor: Arc::clone(&rt.inhibitor),
            dispatcher: Some(Arc::clone(&rt.dispatcher)),
            group_marker: rt.marker.clone(),
        })
    }
}

impl Ingest for Node {
    fn ingest(&self, alerts: Vec<Alert>, now: Timestamp) -> Result<(), String> {
        let (stored, _refused) = self.store_batch(alerts, now);
        if stored.is_empty() {
            return Ok(());
        }
        let runtime = self.runtime();
        if let Err(stored) = runtime.dispatcher.offer(stored) {
            // The dispatcher is behind: wait for room off the request path. Routing only needs
            // labels and start times, and flushes read the store, so the order of these late
            // batches does not matter.
            tokio::spawn(async move {
                runtime.dispatcher.send(stored).await;
            });
        }
        Ok(())
    }
}

/// Label-name validation of posted alerts under the matcher mode (upstream
/// `compat.InitFromFlags`: classic mode keeps the legacy rule, the others accept UTF-8).
pub fn label_names(mode: ParseMode) -> LabelNameValidation {
    match mode {
        ParseMode::Classic => LabelNameValidation::Legacy,
        ParseMode::Fallback | ParseMode::Utf8Strict => LabelNameValidation::Utf8,
    }
}

/// The API's dependencies for `node`.
pub fn api_deps(
    node: &Arc<Node>,
    options: ApiOptions,
    reloader: Arc<dyn Reloader>,
    cluster: Arc<dyn ClusterInfo>,
    ready: Arc<AtomicBool>,
    version: VersionInfo,
) -> ApiDeps {
    let core = node.core();
    ApiDeps {
        store: Arc::clone(&core.store),
        silences: core.silences.clone(),
        silencer: (*core.silencer).clone(),
        runtime: Arc::clone(node) as Arc<dyn RuntimeSource>,
        ingest: Arc::clone(node) as Arc<dyn Ingest>,
        reloader,
        cluster,
        ready,
        clock: Arc::clone(&core.clock),
        registry: core.registry.clone(),
        version,
        started_at: core.start,
        options,
    }
}

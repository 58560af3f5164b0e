//! The configuration-dependent half of a node: templates, routing tree, inhibitor,
//! notification pipeline, group marker and the dispatcher running them. Built from a validated
//! [`Config`] at start and on every reload (upstream's `coordinator.Subscribe` callback in
//! `cmd/alertmanager/main.go`); the alert store, silences and notification log survive
//! reloads.

use std::sync::Arc;

use am_config::Config;
use am_template::alertmanager::{Template, TemplateOptions};
use am_template::gotime::{GoTime, Location};

use super::Core;
use super::adapters::{InhibitMuter, Nflog, PipelineFlush, SilenceMuter, StoreSource};
use crate::dispatch::{DispatcherHandle, DispatcherOptions, RouteTree};
use crate::inhibit::Inhibitor;
use crate::notify::{BuildOptions, GroupMarker, Pipeline, PipelineDeps};

/// Everything that is rebuilt when the configuration changes.
pub struct Runtime {
    /// The configuration.
    pub config: Arc<Config>,
    /// Templates (defaults plus the configuration's `templates:`).
    pub template: Arc<Template>,
    /// The routing tree.
    pub tree: Arc<RouteTree>,
    /// The inhibitor for `inhibit_rules`.
    pub inhibitor: Arc<Inhibitor>,
    /// The notification pipeline.
    pub pipeline: Arc<Pipeline>,
    /// Time-interval mutes per aggregation group (read by `/api/v2/alerts/groups`).
    pub marker: GroupMarker,
    /// The dispatcher task.
    pub dispatcher: Arc<DispatcherHandle>,
}

impl Runtime {
    /// Builds the runtime for `config` and starts its dispatcher, then feeds it (and the
    /// inhibitor) every alert the store holds, as upstream's new dispatcher does on reload.
    ///
    /// # Errors
    /// Templates that fail to load or integrations that cannot be built, as text for the log
    /// and the `/-/reload` response.
    pub(crate) async fn start(core: &Core, config: Arc<Config>) -> Result<Runtime, String> {
        let clock = Arc::clone(&core.clock);
        let mut options = TemplateOptions::new(Arc::new(move || {
            GoTime::from_timestamp(clock.now(), Location::local())
        }));
        options.external_url = core.opts.external_url.clone();
        let template = Arc::new(
            Template::from_globs(&config.template_paths, options)
                .map_err(|e| format!("failed to parse templates: {e}"))?,
        );
        let tree = Arc::new(RouteTree::new(&config.route));
        let inhibitor = Arc::new(Inhibitor::new(&config.inhibit_rules));
        let marker = GroupMarker::new();
        let deps = PipelineDeps {
            peer: Arc::clone(&core.peer),
            peer_timeout: core.opts.peer_timeout,
            inhibitor: Some(Arc::new(InhibitMuter(Arc::clone(&inhibitor)))),
            silencer: Some(Arc::new(SilenceMuter(Arc::clone(&core.silencer)))),
            nflog: Arc::new(Nflog(core.nflog.clone())),
            marker: marker.clone(),
            clock: Arc::clone(&core.clock),
            metrics: core.notify_metrics.clone(),
        };
        let build = BuildOptions {
            user_agent: format!("Alertmanager/{}", core.opts.version),
            transport: core.opts.http_transport.clone(),
        };
        let pipeline = Arc::new(
            Pipeline::new(&config, Arc::clone(&template), &build, deps)
                .map_err(|e| format!("failed to build integrations: {e}"))?,
        );
        let dispatcher = Arc::new(DispatcherHandle::spawn(
            Arc::clone(&tree),
            Arc::new(StoreSource(Arc::clone(&core.store))),
            Arc::new(PipelineFlush(Arc::clone(&pipeline))),
            Arc::clone(&core.clock),
            core.start,
            DispatcherOptions {
                start_delay: core.opts.dispatch_start_delay,
                maintenance_interval: core.opts.dispatch_maintenance_interval,
                on_removed: Some({
                    let marker = marker.clone();
                    Arc::new(move |groups| {
                        for g in groups {
                            marker.delete_by_group_key(&g.route_id, &g.group_key);
                        }
                    })
                }),
                ..DispatcherOptions::default()
            },
            &core.registry,
        ));
        let runtime = Runtime {
            config,
            template,
            tree,
            inhibitor,
            pipeline,
            marker,
            dispatcher,
        };
        Ok(runtime)
    }

    /// Feeds every stored alert to the inhibitor and the dispatcher (in chunks).
    pub(crate) async fn slurp(&self, core: &Core) {
        let now = core.clock.now();
        let mut chunks = Vec::new();
        core.store.scan_chunks(|chunk| chunks.push(chunk));
        for chunk in chunks {
            self.inhibitor.observe_batch(&chunk, now);
            self.dispatcher.send(chunk).await;
        }
    }
}

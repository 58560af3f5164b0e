//! Periodic work and the gauges computed at scrape time: silence and notification-log
//! maintenance (GC + snapshot every `--data.maintenance-interval`, upstream's
//! `silences.Maintenance` / `notificationLog.Maintenance`), alert GC every
//! `--alerts.gc-interval` (`provider/mem` `gc`), the final snapshots at shutdown, and the
//! configuration metrics of upstream's `config/coordinator.go` and `cmd/alertmanager/main.go`.

use std::sync::{Arc, Weak};
use std::time::Duration;

use am_model::labels::Fingerprint;
use md5::{Digest, Md5};
use nohash_hasher::BuildNoHashHasher;
use tracing::{debug, error, info};

use super::{Core, Node, Runtime};
use crate::metrics::{Gauge, Registry};
use crate::persist;

/// `alertmanager_config_*`, `alertmanager_receivers`, `alertmanager_integrations`,
/// `alertmanager_inhibition_rules`, `alertmanager_cluster_enabled`.
pub struct ReloadMetrics {
    hash: Gauge,
    success: Gauge,
    success_time: Gauge,
    receivers: Gauge,
    integrations: Gauge,
    inhibition_rules: Gauge,
}

/// Upstream `md5HashAsMetricValue`: the first 6 bytes of the MD5 of the configuration text,
/// little-endian, as a float.
pub(crate) fn config_hash(text: &str) -> f64 {
    let sum = Md5::digest(text.as_bytes());
    let mut bytes = [0u8; 8];
    bytes[..6].copy_from_slice(&sum[..6]);
    u64::from_le_bytes(bytes) as f64
}

impl ReloadMetrics {
    /// Registers the configuration metrics.
    pub fn new(r: &Registry, cluster_enabled: bool) -> ReloadMetrics {
        let cluster = r.gauge(
            "alertmanager_cluster_enabled",
            "Indicates whether the clustering is enabled or not.",
        );
        cluster.set(if cluster_enabled { 1.0 } else { 0.0 });
        ReloadMetrics {
            hash: r.gauge(
                "alertmanager_config_hash",
                "Hash of the currently loaded alertmanager configuration.",
            ),
            success: r.gauge(
                "alertmanager_config_last_reload_successful",
                "Whether the last configuration reload attempt was successful.",
            ),
            success_time: r.gauge(
                "alertmanager_config_last_reload_success_timestamp_seconds",
                "Timestamp of the last successful configuration reload.",
            ),
            receivers: r.gauge("alertmanager_receivers", "Number of configured receivers."),
            integrations: r.gauge(
                "alertmanager_integrations",
                "Number of configured integrations.",
            ),
            inhibition_rules: r.gauge(
                "alertmanager_inhibition_rules",
                "Number of configured inhibition rules.",
            ),
        }
    }

    /// Records a successful load of `runtime`'s configuration.
    pub(crate) fn record(&self, core: &Core, runtime: &Runtime, ok: bool) {
        self.success.set(if ok { 1.0 } else { 0.0 });
        self.hash.set(config_hash(&runtime.config.original));
        self.success_time
            .set(core.clock.now().as_millisecond() as f64 / 1000.0);
        self.receivers.set(runtime.config.receivers.len() as f64);
        self.integrations
            .set(runtime.pipeline.integration_count() as f64);
        self.inhibition_rules
            .set(runtime.config.inhibit_rules.len() as f64);
    }

    /// Records a failed reload.
    pub(crate) fn failed(&self) {
        self.success.set(0.0);
    }
}

/// `alertmanager_alerts{state}` computed at scrape: firing alerts split into `active` and
/// `suppressed` (silenced or inhibited now), as upstream's marker counts them; `unprocessed` is
/// always 0 because status is evaluated on demand.
pub(crate) fn register_gauges(node: &Arc<Node>) {
    let weak: Weak<Node> = Arc::downgrade(node);
    node.core.registry.gauge_vec_fn(
        "alertmanager_alerts",
        "How many alerts by state.",
        &["state"],
        move || {
            let (mut active, mut suppressed) = (0usize, 0usize);
            if let Some(node) = weak.upgrade() {
                let core = &node.core;
                let runtime = node.runtime();
                let now = core.clock.now();
                core.store.scan(|a| {
                    if a.resolved_at(now) {
                        return;
                    }
                    let fp = a.fingerprint();
                    let muted = runtime.inhibitor.mutes(&a.labels, now).is_some()
                        || core.silencer.is_muted(fp, &a.labels, now);
                    if muted {
                        suppressed += 1;
                    } else {
                        active += 1;
                    }
                });
            }
            vec![
                (vec!["active".to_owned()], active as f64),
                (vec!["suppressed".to_owned()], suppressed as f64),
                (vec!["unprocessed".to_owned()], 0.0),
            ]
        },
    );
}

/// Spawns the periodic tasks; they stop when the node shuts down.
pub(crate) fn spawn(node: &Arc<Node>) {
    let data_every = node.core.opts.maintenance_interval;
    let gc_every = node.core.opts.alerts_gc_interval;
    if !data_every.is_zero() {
        let core = Arc::clone(&node.core);
        let stop = node.shutdown.clone();
        node.tasks.spawn(every(data_every, stop, move || {
            data_maintenance(&core);
        }));
    }
    if !gc_every.is_zero() {
        let weak = Arc::downgrade(node);
        let stop = node.shutdown.clone();
        node.tasks.spawn(async move {
            let mut ticker =
                tokio::time::interval_at(tokio::time::Instant::now() + gc_every, gc_every);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    _ = ticker.tick() => {}
                }
                let Some(node) = weak.upgrade() else { return };
                alerts_gc(&node).await;
            }
        });
    }
}

async fn every(
    period: Duration,
    stop: tokio_util::sync::CancellationToken,
    mut f: impl FnMut() + Send + 'static,
) {
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = ticker.tick() => f(),
        }
    }
}

/// GC + snapshot of silences and the notification log.
fn data_maintenance(core: &Core) {
    let now = core.clock.now();
    let dir = &core.opts.storage_path;
    match core.silences.maintenance(Some(&dir.join("silences")), now) {
        Ok(size) => debug!(component = "silences", size, "Maintenance done"),
        Err(err) => error!(component = "silences", %err, "Running maintenance failed"),
    }
    let file = dir.join("nflog");
    let mut write = |bytes: &[u8]| {
        persist::write_atomic(&file, bytes)
            .map(|_| ())
            .map_err(std::io::Error::other)
    };
    match core.nflog.maintenance(now, Some(&mut write)) {
        Ok(size) => debug!(component = "nflog", size, "Maintenance done"),
        Err(err) => error!(component = "nflog", %err, "Running maintenance failed"),
    }
}

/// Removes resolved alerts from the store and forgets them everywhere else. Resolved alerts
/// still in an aggregation group stay until the group has notified their resolution (the
/// group drops them then, and the next GC removes them): upstream's groups keep their own
/// copies for the same reason.
async fn alerts_gc(node: &Node) {
    let core = &node.core;
    let runtime = node.runtime();
    // Waits behind already-queued batches, so every stored alert is accounted for.
    let groups = runtime.dispatcher.groups().await;
    let grouped: std::collections::HashSet<u64, BuildNoHashHasher<u64>> = groups
        .groups
        .iter()
        .flat_map(|g| g.fingerprints.iter().map(|f| f.0))
        .collect();
    drop(groups);
    let now = core.clock.now();
    let removed = core
        .store
        .gc_except(now, |fp: Fingerprint| grouped.contains(&fp.0));
    runtime.inhibitor.gc(now);
    for fp in &removed {
        core.silencer.forget(*fp);
        runtime.inhibitor.remove(*fp);
    }
    debug!(
        component = "provider",
        count = removed.len(),
        "alert GC done"
    );
}

/// The snapshots written at shutdown (upstream writes both on exit).
pub(crate) fn final_snapshots(core: &Core) {
    data_maintenance(core);
    info!("final silence and notification log snapshots written");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_hash_is_md5_prefix() {
        // md5("") = d41d8cd98f00b204e9800998ecf8427e; first 6 bytes little-endian.
        let expect = u64::from_le_bytes([0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0, 0]) as f64;
        assert_eq!(config_hash(""), expect);
        assert_ne!(config_hash("a"), config_hash("b"));
    }
}

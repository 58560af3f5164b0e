//! Glue between components that do not know each other: the alert store as the dispatcher's
//! [`AlertSource`], the inhibitor and silencer as the pipeline's [`AlertMuter`]s, the
//! notification log handle as its [`NotificationLog`], and the pipeline as the dispatcher's
//! [`FlushHandler`].

use std::sync::Arc;

use am_model::alert::Alert;
use am_model::labels::Fingerprint;
use jiff::{SignedDuration, Timestamp};
use tracing::{debug, error};

use crate::dispatch::{AlertSource, Flush, FlushFuture, FlushHandler};
use crate::inhibit::Inhibitor;
use crate::nflog::{NflogHandle, QueryError, ReceiverKey};
use crate::notify::{
    AlertMuter, FlushContext, LastNotification, NflogReceiver, NotificationLog, Pipeline,
};
use crate::provider::AlertStore;
use crate::silence::Silencer;

/// The alert store, read by aggregation groups at flush time.
pub(crate) struct StoreSource(pub Arc<AlertStore>);

impl AlertSource for StoreSource {
    fn get(&self, fp: Fingerprint) -> Option<Alert> {
        self.0.get(fp)
    }
}

/// The inhibitor as a pipeline stage.
pub(crate) struct InhibitMuter(pub Arc<Inhibitor>);

impl AlertMuter for InhibitMuter {
    fn mutes(&self, alert: &Alert, _fingerprint: Fingerprint, now: Timestamp) -> bool {
        self.0.mutes(&alert.labels, now).is_some()
    }
}

/// The silencer as a pipeline stage.
pub(crate) struct SilenceMuter(pub Arc<Silencer>);

impl AlertMuter for SilenceMuter {
    fn mutes(&self, alert: &Alert, fingerprint: Fingerprint, now: Timestamp) -> bool {
        self.0.is_muted(fingerprint, &alert.labels, now)
    }
}

/// The notification log as the pipeline's dedup/set-notifies backend.
pub(crate) struct Nflog(pub NflogHandle);

fn key(r: &NflogReceiver) -> ReceiverKey {
    ReceiverKey::new(r.group_name.clone(), r.integration.clone(), r.idx)
}

impl NotificationLog for Nflog {
    fn query(
        &self,
        receiver: &NflogReceiver,
        group_key: &str,
    ) -> Result<Option<LastNotification>, String> {
        match self.0.query(&key(receiver), group_key) {
            Ok(e) => Ok(Some(LastNotification {
                timestamp: e.timestamp,
                firing_alerts: e.firing_alerts.clone(),
                resolved_alerts: e.resolved_alerts.clone(),
            })),
            Err(QueryError::NotFound) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn log(
        &self,
        receiver: &NflogReceiver,
        group_key: &str,
        firing: &[u64],
        resolved: &[u64],
        expiry: SignedDuration,
        now: Timestamp,
    ) -> Result<(), String> {
        self.0.log(
            &key(receiver),
            group_key,
            firing.to_vec(),
            resolved.to_vec(),
            expiry,
            now,
        );
        Ok(())
    }
}

/// Runs the notification pipeline for aggregation-group flushes.
pub(crate) struct PipelineFlush(pub Arc<Pipeline>);

impl FlushHandler for PipelineFlush {
    fn flush(&self, flush: Flush, alerts: Vec<Alert>, now: Timestamp) -> FlushFuture {
        let pipeline = Arc::clone(&self.0);
        Box::pin(async move {
            let route = flush.route_node();
            let ctx = FlushContext {
                receiver: flush.receiver.clone(),
                group_key: flush.group_key.clone(),
                group_labels: flush.group_labels.clone(),
                route_id: route.id.clone(),
                group_interval: route.group_interval,
                repeat_interval: route.repeat_interval,
                mute_time_intervals: route.mute_time_intervals.clone(),
                active_time_intervals: route.active_time_intervals.clone(),
                now,
            };
            match pipeline.exec(&ctx, alerts).await {
                Ok(()) => {
                    debug!(aggrGroup = ctx.group_key, "flush done");
                    true
                }
                Err(err) => {
                    error!(
                        component = "dispatcher",
                        aggrGroup = ctx.group_key,
                        receiver = ctx.receiver,
                        %err,
                        "Notify for alerts failed"
                    );
                    false
                }
            }
        })
    }
}

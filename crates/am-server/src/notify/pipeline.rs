//! The notification pipeline of one node (upstream `PipelineBuilder.New`, `RoutingStage`,
//! `MultiStage`, `FanoutStage` and the stages in `notify/notify.go`, v0.28). For a flush of
//! an aggregation group, in order: wait for gossip to settle, drop inhibited alerts, stop
//! outside the route's active time intervals, stop inside its mute time intervals (both
//! recorded in the [`GroupMarker`]), drop silenced alerts, then for every integration of the
//! receiver concurrently: wait `position × peer_timeout`, dedup against the notification log,
//! send with retries, and log the notification. Everything is bounded by the flush deadline
//! `max(group_interval, 10s) + position × peer_timeout` (upstream's dispatcher timeout,
//! [`flush_timeout`]).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use am_config::Config;
use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::LabelSet;
use am_template::alertmanager::Template;
use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

use super::dedup::needs_update;
use super::deps::{AlertMuter, GroupMarker, NflogReceiver, NotificationLog, Peer, TimeIntervals};
use super::integration::{BuildError, BuildOptions, Integration, NotifyContext, build_receiver};
use super::metrics::{
    NotifyMetrics, SUPPRESSED_ACTIVE_TIME_INTERVAL, SUPPRESSED_INHIBITION,
    SUPPRESSED_MUTE_TIME_INTERVAL, SUPPRESSED_SILENCE,
};
use super::retry::{Backoff, retry};
use crate::clock::SharedClock;

/// Upstream `notify.MinTimeout`: the shortest flush deadline.
pub const MIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Upstream's dispatcher timeout: `max(group_interval, 10s) + position × peer_timeout`.
pub fn flush_timeout(
    group_interval: Duration,
    position: usize,
    peer_timeout: Duration,
) -> Duration {
    let pos = u32::try_from(position).unwrap_or(u32::MAX);
    group_interval.max(MIN_TIMEOUT) + peer_timeout.saturating_mul(pos)
}

/// One flush of an aggregation group: what upstream passes in the pipeline's context.
#[derive(Clone, Debug)]
pub struct FlushContext {
    /// The route's receiver.
    pub receiver: String,
    /// The group key (`route key:group labels`).
    pub group_key: String,
    /// The group labels.
    pub group_labels: LabelSet,
    /// The route's id (`am_model::group_key::route_id`), for the group marker.
    pub route_id: String,
    /// The route's `group_interval`: the flush deadline is [`flush_timeout`] of it (upstream's
    /// dispatcher timeout `max(group_interval, 10s) + position × peer_timeout`).
    pub group_interval: Duration,
    /// The route's `repeat_interval`.
    pub repeat_interval: Duration,
    /// The route's `mute_time_intervals`.
    pub mute_time_intervals: Vec<String>,
    /// The route's `active_time_intervals`.
    pub active_time_intervals: Vec<String>,
    /// The flush time.
    pub now: Timestamp,
}

/// What the pipeline is built with.
#[derive(Clone)]
pub struct PipelineDeps {
    /// The cluster peer ([`super::SingleNode`] without cluster).
    pub peer: Arc<dyn Peer>,
    /// `--cluster.peer-timeout`.
    pub peer_timeout: Duration,
    /// The inhibitor (`None`: nothing is inhibited).
    pub inhibitor: Option<Arc<dyn AlertMuter>>,
    /// The silencer (`None`: nothing is silenced).
    pub silencer: Option<Arc<dyn AlertMuter>>,
    /// The notification log.
    pub nflog: Arc<dyn NotificationLog>,
    /// Where time-interval muting is recorded.
    pub marker: GroupMarker,
    /// Wall time (dedup and nflog entries use the time they run at, as upstream).
    pub clock: SharedClock,
    /// Metrics.
    pub metrics: NotifyMetrics,
}

/// One integration's failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationError {
    /// `kind[idx]`.
    pub integration: String,
    /// What happened.
    pub message: String,
}

/// Why a flush did not complete.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    /// The route names a receiver the pipeline has no stage for.
    #[error("stage for receiver {0:?} missing")]
    UnknownReceiver(String),
    /// A route names an undefined time interval.
    #[error("{0}")]
    TimeInterval(String),
    /// The deadline passed while waiting for gossip to settle.
    #[error("gossip settle: context deadline exceeded")]
    NotSettled,
    /// Some integrations failed (the others succeeded).
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Integrations(Vec<IntegrationError>),
}

/// The pipeline: receivers' integrations plus the shared stages. Cheap to clone.
#[derive(Clone)]
pub struct Pipeline {
    inner: Arc<Inner>,
}

struct Inner {
    receivers: HashMap<String, Arc<[Integration]>>,
    intervals: TimeIntervals,
    deps: PipelineDeps,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("receivers", &self.inner.receivers)
            .finish_non_exhaustive()
    }
}

impl Pipeline {
    /// Builds the integrations of every receiver some route uses (upstream skips the others)
    /// and takes the named time intervals from `config`.
    ///
    /// # Errors
    /// An integration whose HTTP client cannot be built.
    pub fn new(
        config: &Config,
        template: Arc<Template>,
        options: &BuildOptions,
        deps: PipelineDeps,
    ) -> Result<Pipeline, BuildError> {
        let mut used = HashSet::new();
        config.route.walk(&mut |r| {
            used.insert(r.receiver.clone());
        });
        let mut receivers = Vec::new();
        for r in config.receivers.iter().filter(|r| used.contains(&r.name)) {
            receivers.push((r.name.clone(), build_receiver(r, &template, options)?));
        }
        Ok(Pipeline::from_integrations(
            receivers,
            TimeIntervals::from_config(config),
            deps,
        ))
    }

    /// A pipeline over explicit integrations.
    pub fn from_integrations(
        receivers: impl IntoIterator<Item = (String, Vec<Integration>)>,
        intervals: TimeIntervals,
        deps: PipelineDeps,
    ) -> Pipeline {
        Pipeline {
            inner: Arc::new(Inner {
                receivers: receivers
                    .into_iter()
                    .map(|(name, list)| (name, Arc::from(list)))
                    .collect(),
                intervals,
                deps,
            }),
        }
    }

    /// The integrations of `receiver`.
    pub fn integrations(&self, receiver: &str) -> Option<&[Integration]> {
        self.inner.receivers.get(receiver).map(|l| &**l)
    }

    /// How many integrations all built receivers have (`alertmanager_integrations`).
    pub fn integration_count(&self) -> usize {
        self.inner.receivers.values().map(|l| l.len()).sum()
    }

    /// The group marker the time-interval stages write.
    pub fn marker(&self) -> &GroupMarker {
        &self.inner.deps.marker
    }

    /// Runs the pipeline for one flush. `Ok` when every integration either sent, had nothing
    /// to send, or all alerts were muted.
    ///
    /// # Errors
    /// See [`PipelineError`].
    pub async fn exec(
        &self,
        ctx: &FlushContext,
        mut alerts: Vec<Alert>,
    ) -> Result<(), PipelineError> {
        let wait = self.cluster_wait();
        let deadline = Instant::now() + ctx.group_interval.max(MIN_TIMEOUT) + wait;
        let integrations = self
            .inner
            .receivers
            .get(&ctx.receiver)
            .cloned()
            .ok_or_else(|| PipelineError::UnknownReceiver(ctx.receiver.clone()))?;
        // Alerts not resolved at the flush keep firing whatever time it is when they are sent.
        for a in &mut alerts {
            if !a.resolved_at(ctx.now) {
                a.ends_at = ZERO_TIME;
            }
        }
        if alerts.is_empty() {
            return Ok(());
        }
        let ready = self.inner.deps.peer.wait_ready();
        if tokio::time::timeout_at(deadline, ready).await.is_err() {
            return Err(PipelineError::NotSettled);
        }
        let m = &self.inner.deps.metrics;
        if let Some(inhibitor) = &self.inner.deps.inhibitor {
            alerts = mute(alerts, &**inhibitor, ctx.now, m, SUPPRESSED_INHIBITION);
            if alerts.is_empty() {
                return Ok(());
            }
        }
        if !ctx.active_time_intervals.is_empty() {
            let inside = self
                .inner
                .intervals
                .containing(&ctx.active_time_intervals, ctx.now)
                .map_err(PipelineError::TimeInterval)?;
            let active = !inside.is_empty();
            let muted_by = if active {
                Vec::new()
            } else {
                ctx.active_time_intervals.clone()
            };
            self.inner
                .deps
                .marker
                .set_muted(&ctx.route_id, &ctx.group_key, muted_by);
            if !active {
                m.suppressed(SUPPRESSED_ACTIVE_TIME_INTERVAL)
                    .inc_by_u64(alerts.len() as u64);
                return Ok(());
            }
        }
        if !ctx.mute_time_intervals.is_empty() {
            let inside = self
                .inner
                .intervals
                .containing(&ctx.mute_time_intervals, ctx.now)
                .map_err(PipelineError::TimeInterval)?;
            let muted = !inside.is_empty();
            self.inner
                .deps
                .marker
                .set_muted(&ctx.route_id, &ctx.group_key, inside);
            if muted {
                m.suppressed(SUPPRESSED_MUTE_TIME_INTERVAL)
                    .inc_by_u64(alerts.len() as u64);
                return Ok(());
            }
        }
        if let Some(silencer) = &self.inner.deps.silencer {
            alerts = mute(alerts, &**silencer, ctx.now, m, SUPPRESSED_SILENCE);
            if alerts.is_empty() {
                return Ok(());
            }
        }
        let nctx = NotifyContext {
            receiver: ctx.receiver.clone(),
            group_key: ctx.group_key.clone(),
            group_labels: ctx.group_labels.clone(),
            now: ctx.now,
            deadline,
        };
        let runs = integrations
            .iter()
            .map(|i| self.integration(i, ctx, &nctx, wait, &alerts));
        let errors: Vec<IntegrationError> = futures::future::join_all(runs)
            .await
            .into_iter()
            .flatten()
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(PipelineError::Integrations(errors))
        }
    }

    fn cluster_wait(&self) -> Duration {
        let pos = u32::try_from(self.inner.deps.peer.position()).unwrap_or(u32::MAX);
        self.inner.deps.peer_timeout.saturating_mul(pos)
    }

    /// Cluster wait, dedup, retry and set-notifies for one integration; `Some` on failure.
    async fn integration(
        &self,
        integration: &Integration,
        ctx: &FlushContext,
        nctx: &NotifyContext,
        wait: Duration,
        alerts: &[Alert],
    ) -> Option<IntegrationError> {
        let fail = |message: String| {
            Some(IntegrationError {
                integration: integration.label(),
                message,
            })
        };
        if !wait.is_zero() {
            let until = Instant::now() + wait;
            if until > nctx.deadline {
                tokio::time::sleep_until(nctx.deadline).await;
                return fail("context deadline exceeded".to_owned());
            }
            tokio::time::sleep_until(until).await;
        }
        let recv = NflogReceiver {
            group_name: ctx.receiver.clone(),
            integration: integration.name.to_owned(),
            idx: u32::try_from(integration.idx).unwrap_or(u32::MAX),
        };
        let (mut firing, mut resolved) = (Vec::new(), Vec::new());
        for a in alerts {
            let h = a.labels.alert_hash();
            if a.resolved_at(ctx.now) {
                resolved.push(h);
            } else {
                firing.push(h);
            }
        }
        let entry = match self.inner.deps.nflog.query(&recv, &ctx.group_key) {
            Ok(e) => e,
            Err(e) => return fail(e),
        };
        let repeat = SignedDuration::try_from(ctx.repeat_interval).unwrap_or(SignedDuration::MAX);
        let reason = needs_update(
            entry.as_ref(),
            &firing.iter().copied().collect(),
            &resolved.iter().copied().collect(),
            integration.send_resolved,
            repeat,
            self.inner.deps.clock.now(),
        );
        if !reason.should_notify() {
            return None;
        }
        tracing::debug!(integration = ?integration, group_key = %ctx.group_key, %reason, "notifying");
        let sent = retry(
            integration,
            nctx,
            alerts,
            &self.inner.deps.metrics,
            Backoff::new(),
        )
        .await;
        if let Err(e) = sent {
            return fail(e.message);
        }
        let expiry = repeat.saturating_mul(2);
        let now = self.inner.deps.clock.now();
        match self
            .inner
            .deps
            .nflog
            .log(&recv, &ctx.group_key, &firing, &resolved, expiry, now)
        {
            Ok(()) => None,
            Err(e) => fail(e),
        }
    }
}

/// Upstream `MuteStage`: keeps the alerts `muter` does not mute, counting the others.
fn mute(
    alerts: Vec<Alert>,
    muter: &dyn AlertMuter,
    now: Timestamp,
    metrics: &NotifyMetrics,
    reason: &str,
) -> Vec<Alert> {
    let before = alerts.len();
    let kept: Vec<Alert> = alerts
        .into_iter()
        .filter(|a| !muter.mutes(a, a.fingerprint(), now))
        .collect();
    let muted = before - kept.len();
    if muted > 0 {
        metrics.suppressed(reason).inc_by_u64(muted as u64);
    }
    kept
}

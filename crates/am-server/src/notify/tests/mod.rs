//! Tests of the pipeline, the retry stage and the webhook integration, with in-memory fakes of
//! the node's components and a local HTTP server.

mod go_webhook;
mod pipeline;
mod retry;
mod webhook;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::{Fingerprint, LabelSet};
use am_template::alertmanager::{Template, TemplateOptions, system_clock};
use futures::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};
use parking_lot::Mutex;

use super::*;
use crate::clock::TokioClock;

/// 2023-11-14T22:13:20Z, a Tuesday.
pub(super) fn t0() -> Timestamp {
    Timestamp::from_second(1_700_000_000).unwrap()
}

pub(super) fn at(secs: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(secs)
}

pub(super) fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    LabelSet::new(pairs.iter().copied())
}

/// A firing alert (ends in the future) named `name` on `instance`.
pub(super) fn firing(name: &str, instance: &str) -> Alert {
    Alert {
        labels: labels(&[("alertname", name), ("instance", instance)]),
        annotations: labels(&[("summary", "it broke")]),
        starts_at: at(-600),
        ends_at: at(86_400),
        generator_url: "http://prom/graph".into(),
        updated_at: at(-10),
        timeout: false,
    }
}

/// The same alert resolved a minute ago.
pub(super) fn resolved(name: &str, instance: &str) -> Alert {
    Alert {
        ends_at: at(-60),
        ..firing(name, instance)
    }
}

pub(super) fn template() -> Arc<Template> {
    let mut opts = TemplateOptions::new(system_clock());
    opts.external_url = "http://am.example:9093".into();
    Arc::new(Template::new(opts))
}

/// An in-memory notification log.
#[derive(Default)]
pub(super) struct MemLog {
    pub entries: Mutex<HashMap<(NflogReceiver, String), (LastNotification, SignedDuration)>>,
}

impl NotificationLog for MemLog {
    fn query(&self, r: &NflogReceiver, gk: &str) -> Result<Option<LastNotification>, String> {
        let e = self.entries.lock();
        Ok(e.get(&(r.clone(), gk.to_owned())).map(|(l, _)| l.clone()))
    }
    fn log(
        &self,
        r: &NflogReceiver,
        gk: &str,
        firing: &[u64],
        resolved: &[u64],
        expiry: SignedDuration,
        now: Timestamp,
    ) -> Result<(), String> {
        let entry = LastNotification {
            timestamp: now,
            firing_alerts: firing.to_vec(),
            resolved_alerts: resolved.to_vec(),
        };
        self.entries
            .lock()
            .insert((r.clone(), gk.to_owned()), (entry, expiry));
        Ok(())
    }
}

/// Mutes alerts whose `alertname` is in the list.
pub(super) struct MuteNames(pub Vec<&'static str>);

impl AlertMuter for MuteNames {
    fn mutes(&self, alert: &Alert, fp: Fingerprint, _now: Timestamp) -> bool {
        assert_eq!(fp, alert.fingerprint());
        self.0.contains(&alert.name())
    }
}

/// What a scripted notifier does on one call.
#[derive(Clone, Debug)]
pub(super) enum Step {
    Ok,
    Fail(NotifyError),
    Hang,
}

/// A notifier following a script (the last step repeats), recording each call's tokio time
/// and alerts.
pub(super) struct Scripted {
    pub steps: Vec<Step>,
    pub calls: Mutex<Vec<(tokio::time::Instant, Vec<Alert>)>>,
}

impl Scripted {
    pub fn new(steps: Vec<Step>) -> Arc<Scripted> {
        Arc::new(Scripted {
            steps,
            calls: Mutex::new(Vec::new()),
        })
    }
    pub fn count(&self) -> usize {
        self.calls.lock().len()
    }
}

impl Notifier for Scripted {
    fn notify<'a>(
        &'a self,
        _ctx: &'a NotifyContext,
        alerts: &'a [Alert],
    ) -> BoxFuture<'a, Result<(), NotifyError>> {
        let n = {
            let mut calls = self.calls.lock();
            calls.push((tokio::time::Instant::now(), alerts.to_vec()));
            calls.len() - 1
        };
        let step = self.steps[n.min(self.steps.len() - 1)].clone();
        Box::pin(async move {
            match step {
                Step::Ok => Ok(()),
                Step::Fail(e) => Err(e),
                Step::Hang => std::future::pending().await,
            }
        })
    }
}

pub(super) fn integration(n: Arc<dyn Notifier>, send_resolved: bool) -> Integration {
    Integration {
        name: "webhook",
        idx: 0,
        receiver: "team".into(),
        send_resolved,
        notifier: n,
    }
}

pub(super) struct Fixture {
    pub log: Arc<MemLog>,
    pub metrics: NotifyMetrics,
    pub marker: GroupMarker,
    pub deps: PipelineDeps,
}

pub(super) fn fixture() -> Fixture {
    let log = Arc::new(MemLog::default());
    let metrics = NotifyMetrics::detached();
    let marker = GroupMarker::new();
    let deps = PipelineDeps {
        peer: Arc::new(SingleNode),
        peer_timeout: Duration::from_secs(15),
        inhibitor: None,
        silencer: None,
        nflog: log.clone(),
        marker: marker.clone(),
        clock: Arc::new(TokioClock::new(t0())),
        metrics: metrics.clone(),
    };
    Fixture {
        log,
        metrics,
        marker,
        deps,
    }
}

pub(super) fn flush_ctx(now: Timestamp) -> FlushContext {
    FlushContext {
        receiver: "team".into(),
        group_key: "{}:{alertname=\"A\"}".into(),
        group_labels: labels(&[("alertname", "A")]),
        route_id: "{}".into(),
        group_interval: Duration::from_secs(300),
        repeat_interval: Duration::from_secs(3600),
        mute_time_intervals: vec![],
        active_time_intervals: vec![],
        now,
    }
}

pub(super) fn notify_ctx(now: Timestamp, deadline_in: Duration) -> NotifyContext {
    NotifyContext {
        receiver: "team".into(),
        group_key: "{}:{alertname=\"A\"}".into(),
        group_labels: labels(&[("alertname", "A")]),
        now,
        deadline: tokio::time::Instant::now() + deadline_in,
    }
}

#[test]
fn firing_helper_is_firing() {
    assert!(!firing("A", "h").resolved_at(t0()));
    assert!(resolved("A", "h").resolved_at(t0()));
    assert_ne!(firing("A", "h").ends_at, ZERO_TIME);
}

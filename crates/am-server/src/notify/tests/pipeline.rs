//! The pipeline: stage order, dedup against the notification log, muting by inhibition,
//! silences and time intervals (with the group marker), and building from a configuration.

use std::time::Duration;

use super::*;

fn pipeline_with(f: &Fixture, n: Arc<Scripted>, send_resolved: bool) -> Pipeline {
    Pipeline::from_integrations(
        [("team".to_string(), vec![integration(n, send_resolved)])],
        TimeIntervals::default(),
        f.deps.clone(),
    )
}

fn entry(f: &Fixture) -> Option<(LastNotification, SignedDuration)> {
    let recv = NflogReceiver {
        group_name: "team".into(),
        integration: "webhook".into(),
        idx: 0,
    };
    f.log
        .entries
        .lock()
        .get(&(recv, "{}:{alertname=\"A\"}".to_string()))
        .cloned()
}

#[tokio::test(start_paused = true)]
async fn dedup_and_nflog_across_flushes() {
    let f = fixture();
    let n = Scripted::new(vec![Step::Ok]);
    let p = pipeline_with(&f, n.clone(), true);
    let a1 = firing("A", "h1");
    let a2 = firing("A", "h2");

    // First flush: sent, logged with expiry 2 × repeat_interval.
    p.exec(&flush_ctx(t0()), vec![a1.clone()]).await.unwrap();
    assert_eq!(n.count(), 1);
    let (e, expiry) = entry(&f).unwrap();
    assert_eq!(e.firing_alerts, vec![a1.labels.alert_hash()]);
    assert!(e.resolved_alerts.is_empty());
    assert_eq!(expiry, SignedDuration::from_hours(2));
    // Firing alerts are sent with a zero end.
    assert_eq!(n.calls.lock()[0].1[0].ends_at, ZERO_TIME);

    // Same alerts again: deduplicated.
    p.exec(&flush_ctx(at(300)), vec![a1.clone()]).await.unwrap();
    assert_eq!(n.count(), 1);

    // A new alert: sent.
    p.exec(&flush_ctx(at(600)), vec![a1.clone(), a2.clone()])
        .await
        .unwrap();
    assert_eq!(n.count(), 2);

    // One resolves: sent (send_resolved).
    let mut r2 = a2.clone();
    r2.ends_at = at(650);
    p.exec(&flush_ctx(at(900)), vec![a1.clone(), r2.clone()])
        .await
        .unwrap();
    assert_eq!(n.count(), 3);
    let (e, _) = entry(&f).unwrap();
    assert_eq!(e.resolved_alerts, vec![r2.labels.alert_hash()]);

    // Repeat interval (1h) elapsed since the last notification: sent again. The dedup stage
    // reads the clock, which follows tokio's paused time.
    tokio::time::advance(Duration::from_secs(3601)).await;
    p.exec(&flush_ctx(at(3700)), vec![a1.clone()])
        .await
        .unwrap();
    assert_eq!(n.count(), 4);
}

#[tokio::test(start_paused = true)]
async fn all_resolved_without_send_resolved_updates_the_log_only() {
    let f = fixture();
    let n = Scripted::new(vec![Step::Ok]);
    let p = pipeline_with(&f, n.clone(), false);
    p.exec(&flush_ctx(t0()), vec![firing("A", "h1")])
        .await
        .unwrap();
    assert_eq!(n.count(), 1);
    let r = resolved("A", "h1");
    p.exec(&flush_ctx(at(300)), vec![r.clone()]).await.unwrap();
    // Nothing sent, but the log now has no firing alerts.
    assert_eq!(n.count(), 1);
    let (e, _) = entry(&f).unwrap();
    assert!(e.firing_alerts.is_empty());
    assert_eq!(e.resolved_alerts, vec![r.labels.alert_hash()]);
    assert_eq!(f.metrics.notifications("webhook").get(), 2.0);
    // Resolved again: the receiver never heard of them firing, nothing happens.
    p.exec(&flush_ctx(at(600)), vec![r]).await.unwrap();
    assert_eq!(f.metrics.notifications("webhook").get(), 2.0);
}

#[tokio::test(start_paused = true)]
async fn failed_send_is_not_logged() {
    let f = fixture();
    let bad = NotifyError::fatal("unexpected status code 400").with_reason(Reason::ClientError);
    let n = Scripted::new(vec![Step::Fail(bad)]);
    let p = pipeline_with(&f, n.clone(), true);
    let err = p
        .exec(&flush_ctx(t0()), vec![firing("A", "h1")])
        .await
        .unwrap_err();
    match err {
        PipelineError::Integrations(errs) => {
            assert_eq!(errs.len(), 1);
            assert_eq!(errs[0].integration, "webhook[0]");
            assert!(
                errs[0].message.contains("unrecoverable"),
                "{}",
                errs[0].message
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(entry(&f).is_none());
    assert_eq!(f.metrics.failed("webhook", Reason::ClientError).get(), 1.0);
}

#[tokio::test(start_paused = true)]
async fn inhibited_and_silenced_alerts_are_dropped() {
    let mut f = fixture();
    f.deps.inhibitor = Some(Arc::new(MuteNames(vec!["Inhibited"])));
    f.deps.silencer = Some(Arc::new(MuteNames(vec!["Silenced"])));
    let n = Scripted::new(vec![Step::Ok]);
    let p = pipeline_with(&f, n.clone(), true);
    let alerts = vec![
        firing("Inhibited", "h"),
        firing("Silenced", "h"),
        firing("A", "h"),
    ];
    p.exec(&flush_ctx(t0()), alerts).await.unwrap();
    let sent = n.calls.lock()[0].1.clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].name(), "A");
    assert_eq!(f.metrics.suppressed("inhibition").get(), 1.0);
    assert_eq!(f.metrics.suppressed("silence").get(), 1.0);
    // Everything muted: no notification at all.
    p.exec(&flush_ctx(at(300)), vec![firing("Silenced", "h")])
        .await
        .unwrap();
    assert_eq!(n.count(), 1);
    assert_eq!(f.metrics.notifications("webhook").get(), 1.0);
}

#[tokio::test(start_paused = true)]
async fn unknown_receiver_is_an_error() {
    let f = fixture();
    let p = pipeline_with(&f, Scripted::new(vec![Step::Ok]), true);
    let mut ctx = flush_ctx(t0());
    ctx.receiver = "nobody".into();
    assert_eq!(
        p.exec(&ctx, vec![firing("A", "h")]).await,
        Err(PipelineError::UnknownReceiver("nobody".into()))
    );
}

const CONFIG: &str = r#"
route:
  receiver: team
  routes:
    - receiver: team
      matchers: ['x="y"']
receivers:
  - name: team
    webhook_configs:
      - url: http://127.0.0.1:1/hook
      - url: http://127.0.0.1:1/hook2
        send_resolved: false
    slack_configs:
      - api_url: http://127.0.0.1:1/slack
        channel: '#x'
  - name: unused
    webhook_configs:
      - url: http://127.0.0.1:1/other
time_intervals:
  - name: office
    time_intervals:
      - times: [{start_time: "09:00", end_time: "17:00"}]
  - name: late
    time_intervals:
      - times: [{start_time: "22:00", end_time: "23:00"}]
      - weekdays: [tuesday]
"#;

fn config() -> am_config::Config {
    am_config::load_str(CONFIG, None, &am_config::LoadOptions::default()).unwrap()
}

#[test]
fn builds_integrations_of_used_receivers() {
    let f = fixture();
    let p = Pipeline::new(&config(), template(), &BuildOptions::default(), f.deps).unwrap();
    let team = p.integrations("team").unwrap();
    let ids: Vec<(&str, usize, bool)> = team
        .iter()
        .map(|i| (i.name, i.idx, i.send_resolved))
        .collect();
    assert_eq!(
        ids,
        [
            ("webhook", 0, true),
            ("webhook", 1, false),
            ("slack", 0, false)
        ]
    );
    assert!(p.integrations("unused").is_none());
    assert_eq!(p.integration_count(), 3);
}

fn interval_pipeline(f: &Fixture, n: Arc<Scripted>) -> Pipeline {
    Pipeline::from_integrations(
        [("team".to_string(), vec![integration(n, true)])],
        TimeIntervals::from_config(&config()),
        f.deps.clone(),
    )
}

#[tokio::test(start_paused = true)]
async fn outside_active_intervals_is_muted_and_marked() {
    let f = fixture();
    let n = Scripted::new(vec![Step::Ok]);
    let p = interval_pipeline(&f, n.clone());
    let mut ctx = flush_ctx(t0()); // 22:13 UTC, outside 09:00-17:00
    ctx.active_time_intervals = vec!["office".into()];
    p.exec(&ctx, vec![firing("A", "h1"), firing("A", "h2")])
        .await
        .unwrap();
    assert_eq!(n.count(), 0);
    assert_eq!(
        f.marker.muted("{}", &ctx.group_key),
        (vec!["office".to_string()], true)
    );
    assert_eq!(f.metrics.suppressed("active_time_interval").get(), 2.0);
    // Inside one of the active intervals: sent, marker cleared.
    ctx.active_time_intervals = vec!["office".into(), "late".into()];
    p.exec(&ctx, vec![firing("A", "h1")]).await.unwrap();
    assert_eq!(n.count(), 1);
    assert_eq!(f.marker.muted("{}", &ctx.group_key), (vec![], false));
}

#[tokio::test(start_paused = true)]
async fn inside_mute_intervals_is_muted_and_marked() {
    let f = fixture();
    let n = Scripted::new(vec![Step::Ok]);
    let p = interval_pipeline(&f, n.clone());
    let mut ctx = flush_ctx(t0());
    ctx.mute_time_intervals = vec!["office".into(), "late".into()];
    p.exec(&ctx, vec![firing("A", "h1")]).await.unwrap();
    assert_eq!(n.count(), 0);
    // Both entries of "late" contain the time: named once per containing entry, as upstream.
    assert_eq!(
        f.marker.muted("{}", &ctx.group_key),
        (vec!["late".to_string(), "late".to_string()], true)
    );
    assert_eq!(f.metrics.suppressed("mute_time_interval").get(), 1.0);
    ctx.mute_time_intervals = vec!["office".into()];
    p.exec(&ctx, vec![firing("A", "h1")]).await.unwrap();
    assert_eq!(n.count(), 1);
    assert!(!f.marker.muted("{}", &ctx.group_key).1);
    ctx.mute_time_intervals = vec!["nope".into()];
    assert_eq!(
        p.exec(&ctx, vec![firing("A", "h1")]).await,
        Err(PipelineError::TimeInterval(
            "time interval nope doesn't exist in config".into()
        ))
    );
}

/// A peer at position 2 of a cluster.
struct Third;

impl Peer for Third {
    fn position(&self) -> usize {
        2
    }
    fn wait_ready(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

#[tokio::test(start_paused = true)]
async fn cluster_position_delays_sending() {
    let mut f = fixture();
    f.deps.peer = Arc::new(Third);
    let n = Scripted::new(vec![Step::Ok]);
    let p = pipeline_with(&f, n.clone(), true);
    let start = tokio::time::Instant::now();
    p.exec(&flush_ctx(t0()), vec![firing("A", "h1")])
        .await
        .unwrap();
    let sent_at = n.calls.lock()[0].0;
    assert_eq!(sent_at - start, Duration::from_secs(30));
}

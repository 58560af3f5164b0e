//! The retry stage under paused tokio time: backoff timing, deadlines, fatal errors,
//! `send_resolved`, failure reasons and metrics.

use std::time::Duration;

use super::*;
use crate::notify::retry::{Backoff, retry};

fn server_error() -> NotifyError {
    NotifyError::retryable("unexpected status code 500").with_reason(Reason::ServerError)
}

/// Backoff without jitter: intervals 0.5, 0.75, 1.125, ... s.
fn fixed() -> Backoff {
    Backoff::with_random(Box::new(|| 0.5))
}

/// Runs the retry stage of `i` for one firing alert with a 10 s deadline and fresh metrics.
async fn retry_one(i: &Integration) -> (NotifyMetrics, Result<(), NotifyError>) {
    let m = NotifyMetrics::detached();
    let ctx = notify_ctx(t0(), Duration::from_secs(10));
    let res = retry(i, &ctx, &[firing("A", "h")], &m, fixed()).await;
    (m, res)
}

#[test]
fn backoff_grows_to_the_cap_with_bounded_jitter() {
    let mut b = fixed();
    let got: Vec<f64> = (0..4).map(|_| b.next_interval().as_secs_f64()).collect();
    for (g, want) in got.iter().zip([0.5, 0.75, 1.125, 1.6875]) {
        assert!((g - want).abs() < 1e-6, "{got:?}");
    }
    for _ in 0..20 {
        b.next_interval();
    }
    let capped = b.next_interval().as_secs_f64();
    assert!((capped - 60.0).abs() < 1e-6, "{capped}");
    let mut lo = Backoff::with_random(Box::new(|| 0.0));
    let mut hi = Backoff::with_random(Box::new(|| 0.999_999));
    assert!((lo.next_interval().as_secs_f64() - 0.25).abs() < 1e-6);
    assert!((hi.next_interval().as_secs_f64() - 0.75).abs() < 1e-6);
    let mut real = Backoff::new();
    for _ in 0..50 {
        let d = real.next_interval().as_secs_f64();
        assert!((0.25..=90.0 + 1e-6).contains(&d), "{d}");
    }
}

#[tokio::test(start_paused = true)]
async fn retryable_errors_are_retried_with_backoff_until_success() {
    let n = Scripted::new(vec![
        Step::Fail(server_error()),
        Step::Fail(server_error()),
        Step::Fail(server_error()),
        Step::Ok,
    ]);
    let start = tokio::time::Instant::now();
    let (m, res) = retry_one(&integration(n.clone(), true)).await;
    res.unwrap();
    let offsets: Vec<f64> = n
        .calls
        .lock()
        .iter()
        .map(|(t, _)| (*t - start).as_secs_f64())
        .collect();
    let want = [0.0, 0.5, 1.25, 2.375];
    assert_eq!(offsets.len(), want.len());
    for (g, w) in offsets.iter().zip(want) {
        assert!((g - w).abs() < 1e-2, "{offsets:?}");
    }
    assert_eq!(m.notifications("webhook").get(), 1.0);
    assert_eq!(m.requests("webhook").get(), 4.0);
    assert_eq!(m.requests_failed("webhook").get(), 3.0);
    assert_eq!(m.failed("webhook", Reason::ServerError).get(), 0.0);
    assert_eq!(m.latency("webhook").sample_count(), 4);
}

#[tokio::test(start_paused = true)]
async fn fatal_error_stops_at_once() {
    let client =
        NotifyError::fatal("unexpected status code 400: bad").with_reason(Reason::ClientError);
    let n = Scripted::new(vec![Step::Fail(server_error()), Step::Fail(client)]);
    let (m, res) = retry_one(&integration(n.clone(), true)).await;
    let e = res.unwrap_err();
    assert_eq!(n.count(), 2);
    assert_eq!(
        e.message,
        "team/webhook[0]: notify retry canceled due to unrecoverable error after 2 attempts: \
         unexpected status code 400: bad"
    );
    assert_eq!(e.reason, Reason::ClientError);
    assert_eq!(m.failed("webhook", Reason::ClientError).get(), 1.0);
    assert_eq!(m.requests_failed("webhook").get(), 2.0);
}

#[tokio::test(start_paused = true)]
async fn deadline_ends_retries_with_the_last_error() {
    let n = Scripted::new(vec![Step::Fail(server_error())]);
    let start = tokio::time::Instant::now();
    let (m, res) = retry_one(&integration(n.clone(), true)).await;
    let e = res.unwrap_err();
    // Attempts at 0, 0.5, 1.25, 2.375, 4.0625, 6.59375, 10.39... (past the deadline).
    assert_eq!(n.count(), 6);
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert_eq!(
        e.message,
        "team/webhook[0]: notify retry canceled after 7 attempts: unexpected status code 500"
    );
    assert_eq!(m.failed("webhook", Reason::ServerError).get(), 1.0);
}

#[tokio::test(start_paused = true)]
async fn hanging_request_ends_at_the_deadline() {
    let n = Scripted::new(vec![Step::Hang]);
    let (m, res) = retry_one(&integration(n.clone(), true)).await;
    let e = res.unwrap_err();
    assert_eq!(n.count(), 1);
    assert_eq!(
        e.message,
        "team/webhook[0]: notify retry canceled after 2 attempts: context deadline exceeded"
    );
    assert_eq!(e.reason, Reason::ContextDeadlineExceeded);
    assert_eq!(
        m.failed("webhook", Reason::ContextDeadlineExceeded).get(),
        1.0
    );
    assert_eq!(m.requests_failed("webhook").get(), 1.0);
}

#[tokio::test(start_paused = true)]
async fn send_resolved_false_filters_and_skips() {
    let n = Scripted::new(vec![Step::Ok]);
    let i = integration(n.clone(), false);
    let m = NotifyMetrics::detached();
    let ctx = notify_ctx(t0(), Duration::from_secs(10));
    // Only resolved alerts: success without a request.
    retry(&i, &ctx, &[resolved("A", "h1")], &m, fixed())
        .await
        .unwrap();
    assert_eq!(n.count(), 0);
    assert_eq!(m.notifications("webhook").get(), 1.0);
    assert_eq!(m.requests("webhook").get(), 0.0);
    // Mixed: only the firing ones are sent.
    let alerts = [resolved("A", "h1"), firing("A", "h2")];
    retry(&i, &ctx, &alerts, &m, fixed()).await.unwrap();
    let calls: Vec<Vec<Alert>> = n.calls.lock().iter().map(|c| c.1.clone()).collect();
    assert_eq!(calls, vec![vec![firing("A", "h2")]]);
    // send_resolved: everything is sent.
    let n2 = Scripted::new(vec![Step::Ok]);
    let i2 = integration(n2.clone(), true);
    retry(&i2, &ctx, &alerts, &m, fixed()).await.unwrap();
    assert_eq!(n2.calls.lock()[0].1.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn unsupported_integration_fails_fatally() {
    let i = Integration {
        name: "slack",
        idx: 1,
        receiver: "team".into(),
        send_resolved: false,
        notifier: Arc::new(crate::notify::integration::UnsupportedNotifier::new(
            "slack",
        )),
    };
    let (m, res) = retry_one(&i).await;
    let e = res.unwrap_err();
    assert_eq!(
        e.message,
        "team/slack[1]: notify retry canceled due to unrecoverable error after 1 attempts: \
         slack integration is not supported by this alertmesh version yet"
    );
    assert_eq!(m.failed("slack", Reason::Other).get(), 1.0);
}

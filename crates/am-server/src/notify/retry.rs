//! The retry stage: sends through one integration with exponential backoff until it succeeds,
//! fails with a non-retryable error, or the flush deadline passes. Mirrors upstream
//! `RetryStage` (`notify/notify.go` v0.28) with `cenkalti/backoff/v4`'s default
//! `ExponentialBackOff` (0.5 s initial interval, ×1.5, ±50 % jitter, at most 60 s, no elapsed
//! limit) driven like its `Ticker` (first attempt at once, the next interval starts when an
//! attempt starts), and upstream's `send_resolved` handling and metrics.

use std::time::Duration;

use am_model::alert::Alert;
use tokio::time::Instant;

use super::error::{NotifyError, Reason};
use super::integration::{Integration, NotifyContext};
use super::metrics::NotifyMetrics;

/// Exponential backoff with jitter (`backoff.ExponentialBackOff` defaults).
pub struct Backoff {
    current: Duration,
    random: Box<dyn FnMut() -> f64 + Send>,
}

impl std::fmt::Debug for Backoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backoff")
            .field("current", &self.current)
            .finish()
    }
}

impl Backoff {
    /// First interval.
    pub const INITIAL: Duration = Duration::from_millis(500);
    /// Growth factor per attempt.
    pub const MULTIPLIER: f64 = 1.5;
    /// Jitter: intervals are drawn from `current × (1 ± 0.5)`.
    pub const RANDOMIZATION: f64 = 0.5;
    /// Largest (un-jittered) interval.
    pub const MAX: Duration = Duration::from_secs(60);

    /// Backoff drawing jitter from the thread RNG.
    pub fn new() -> Backoff {
        Backoff::with_random(Box::new(rand::random::<f64>))
    }

    /// Backoff drawing jitter from `random` (values in `[0, 1)`).
    pub fn with_random(random: Box<dyn FnMut() -> f64 + Send>) -> Backoff {
        Backoff {
            current: Backoff::INITIAL,
            random,
        }
    }

    /// The next wait: a random value in `[c − 0.5c, c + 0.5c]` for the current interval `c`,
    /// which then grows by 1.5 up to 60 s.
    pub fn next_interval(&mut self) -> Duration {
        let cur = self.current.as_secs_f64();
        let delta = Backoff::RANDOMIZATION * cur;
        let (lo, hi) = (cur - delta, cur + delta);
        let r = (self.random)().clamp(0.0, 1.0);
        // Go adds one nanosecond to the span; irrelevant at this scale but kept.
        let next = lo + r * (hi - lo + 1e-9);
        self.current = if cur >= Backoff::MAX.as_secs_f64() / Backoff::MULTIPLIER {
            Backoff::MAX
        } else {
            Duration::from_secs_f64(cur * Backoff::MULTIPLIER)
        };
        Duration::from_secs_f64(next.max(0.0))
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new()
    }
}

/// Runs the retry stage for `integration`: counts the notification, applies `send_resolved`
/// (only resolved alerts and `send_resolved: false` → success without sending), attempts
/// with backoff until `ctx.deadline`, and counts a failure with its reason.
///
/// # Errors
/// The failure, worded as upstream's (`<receiver>/<kind>[<idx>]: notify retry canceled ...`).
pub async fn retry(
    integration: &Integration,
    ctx: &NotifyContext,
    alerts: &[Alert],
    metrics: &NotifyMetrics,
    backoff: Backoff,
) -> Result<(), NotifyError> {
    metrics.notifications(integration.name).inc();
    let result = attempts(integration, ctx, alerts, metrics, backoff).await;
    if let Err(e) = &result {
        metrics.failed(integration.name, e.reason).inc();
    }
    result
}

async fn attempts(
    integration: &Integration,
    ctx: &NotifyContext,
    alerts: &[Alert],
    metrics: &NotifyMetrics,
    mut backoff: Backoff,
) -> Result<(), NotifyError> {
    let filtered: Vec<Alert>;
    let sent: &[Alert] = if integration.send_resolved {
        alerts
    } else {
        filtered = alerts
            .iter()
            .filter(|a| !a.resolved_at(ctx.now))
            .cloned()
            .collect();
        if filtered.is_empty() {
            return Ok(());
        }
        &filtered
    };
    let who = format!("{}/{}", integration.receiver, integration.label());
    let canceled = |i: u32, last: Option<NotifyError>| {
        let inner = last.unwrap_or_else(|| {
            NotifyError::retryable("context deadline exceeded")
                .with_reason(Reason::ContextDeadlineExceeded)
        });
        NotifyError {
            message: format!(
                "{who}: notify retry canceled after {i} attempts: {}",
                inner.message
            ),
            retryable: false,
            reason: inner.reason,
        }
    };
    let mut last: Option<NotifyError> = None;
    let mut tick = Instant::now();
    let mut i: u32 = 0;
    loop {
        i += 1;
        if Instant::now() >= ctx.deadline {
            return Err(canceled(i, last));
        }
        if tick >= ctx.deadline {
            tokio::time::sleep_until(ctx.deadline).await;
            return Err(canceled(i, last));
        }
        tokio::time::sleep_until(tick).await;
        let start = Instant::now();
        tick = start + backoff.next_interval();
        let outcome =
            tokio::time::timeout_at(ctx.deadline, integration.notifier.notify(ctx, sent)).await;
        metrics
            .latency(integration.name)
            .observe(start.elapsed().as_secs_f64());
        metrics.requests(integration.name).inc();
        match outcome {
            Ok(Ok(())) => {
                if i > 1 {
                    tracing::info!(integration = %who, attempts = i, "Notify success");
                }
                return Ok(());
            }
            Ok(Err(e)) => {
                metrics.requests_failed(integration.name).inc();
                if !e.retryable {
                    return Err(NotifyError {
                        message: format!(
                            "{who}: notify retry canceled due to unrecoverable error after {i} attempts: {}",
                            e.message
                        ),
                        retryable: false,
                        reason: e.reason,
                    });
                }
                if Instant::now() < ctx.deadline {
                    if last.as_ref().is_none_or(|l| l.message != e.message) {
                        tracing::warn!(integration = %who, attempts = i, err = %e.message,
                            "Notify attempt failed, will retry later");
                    }
                    last = Some(e);
                }
            }
            // The deadline cut the request short: like a request failing on a done context,
            // it does not replace the last error.
            Err(_) => metrics.requests_failed(integration.name).inc(),
        }
    }
}

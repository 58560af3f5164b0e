//! Readiness after start-up (`cluster.go` `Settle`, `Ready`, `WaitReady`, `Status`) and the
//! notification position (`Position`); docs/PROTOCOL.md §3.3–3.4.
//!
//! Settle polls the member count every `interval` and declares the node ready once the count was
//! unchanged on three consecutive comparisons (checked before the comparison, so the earliest
//! ready time is the fifth poll), or when the settle timeout expires.

use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

/// How many consecutive unchanged polls settle requires.
pub const NUM_OKAY_REQUIRED: usize = 3;

/// How the settle loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettleOutcome {
    /// The member count was stable; `polls` counted like Go's `totalPolls`.
    Settled {
        /// Polls before the settling one.
        polls: usize,
    },
    /// The timeout expired first ("gossip not settled but continuing anyway").
    TimedOut {
        /// Polls done.
        polls: usize,
    },
}

/// The ready signal (Go's `readyc`): set once, never cleared.
#[derive(Debug, Clone)]
pub struct Readiness {
    tx: std::sync::Arc<watch::Sender<bool>>,
}

impl Default for Readiness {
    fn default() -> Self {
        Readiness {
            tx: std::sync::Arc::new(watch::channel(false).0),
        }
    }
}

impl Readiness {
    /// A fresh, not-ready signal.
    pub fn new() -> Readiness {
        Readiness::default()
    }

    /// Marks ready (idempotent).
    pub fn set_ready(&self) {
        self.tx.send_replace(true);
    }

    /// Whether settle has finished.
    pub fn is_ready(&self) -> bool {
        *self.tx.borrow()
    }

    /// `"ready"` or `"settling"`.
    pub fn status(&self) -> &'static str {
        if self.is_ready() { "ready" } else { "settling" }
    }

    /// Resolves once ready.
    pub fn wait(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.tx.subscribe();
        async move {
            // The sender lives as long as any Readiness clone; an error means it was dropped,
            // and nobody can set it any more, so stop waiting.
            let _ = rx.wait_for(|r| *r).await;
        }
    }
}

/// Go's `Settle`: polls `members()` every `interval` until the count is stable or `deadline`
/// passes, then sets `ready`.
pub async fn settle(
    members: impl Fn() -> usize,
    interval: Duration,
    deadline: Instant,
    ready: &Readiness,
) -> SettleOutcome {
    tracing::info!(?interval, "Waiting for gossip to settle...");
    let start = Instant::now();
    let mut previous = 0usize;
    let mut okay = 0usize;
    let mut polls = 0usize;
    let outcome = loop {
        tokio::select! {
            biased;
            _ = tokio::time::sleep_until(deadline) => {
                tracing::info!(polls, elapsed = ?start.elapsed(), "gossip not settled but continuing anyway");
                break SettleOutcome::TimedOut { polls };
            }
            _ = tokio::time::sleep(interval) => {}
        }
        let n = members();
        if okay >= NUM_OKAY_REQUIRED {
            tracing::info!(elapsed = ?start.elapsed(), "gossip settled; proceeding");
            break SettleOutcome::Settled { polls };
        }
        if n == previous {
            okay += 1;
            tracing::debug!(elapsed = ?start.elapsed(), "gossip looks settled");
        } else {
            okay = 0;
            tracing::info!(polls, before = previous, now = n, elapsed = ?start.elapsed(), "gossip not settled");
        }
        previous = n;
        polls += 1;
    };
    ready.set_ready();
    outcome
}

/// Go's `Position`: our index among the member names sorted byte-wise (the number of members
/// when we are not among them).
pub fn position<'a>(members: impl IntoIterator<Item = &'a str>, me: &str) -> usize {
    let mut names: Vec<&str> = members.into_iter().collect();
    names.sort_unstable();
    names.iter().position(|n| *n == me).unwrap_or(names.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const I: Duration = Duration::from_secs(2);

    /// A member count that follows `seq` poll by poll (the last value repeats).
    fn scripted(seq: &'static [usize]) -> (impl Fn() -> usize, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let f = move || {
            let i = c.fetch_add(1, Ordering::SeqCst);
            seq[i.min(seq.len() - 1)]
        };
        (f, calls)
    }

    #[tokio::test(start_paused = true)]
    async fn ready_at_the_fifth_poll_when_stable() {
        let ready = Readiness::new();
        assert_eq!(ready.status(), "settling");
        let (f, calls) = scripted(&[1]);
        let start = Instant::now();
        let out = settle(f, I, start + Duration::from_secs(60), &ready).await;
        assert_eq!(start.elapsed(), 5 * I);
        assert_eq!(calls.load(Ordering::SeqCst), 5);
        assert_eq!(out, SettleOutcome::Settled { polls: 4 });
        assert!(ready.is_ready());
        assert_eq!(ready.status(), "ready");
    }

    #[tokio::test(start_paused = true)]
    async fn a_change_resets_the_count() {
        let ready = Readiness::new();
        // Poll 3 sees a new member: okay restarts, ready at poll 7.
        let (f, _) = scripted(&[1, 1, 2, 2, 2, 2, 2]);
        let start = Instant::now();
        let out = settle(f, I, start + Duration::from_secs(60), &ready).await;
        assert_eq!(start.elapsed(), 7 * I);
        assert_eq!(out, SettleOutcome::Settled { polls: 6 });
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_makes_ready() {
        let ready = Readiness::new();
        let calls = AtomicUsize::new(0);
        // Never stable: a different count on every poll.
        let f = || calls.fetch_add(1, Ordering::SeqCst) + 1;
        let start = Instant::now();
        let out = settle(f, I, start + Duration::from_secs(9), &ready).await;
        assert_eq!(start.elapsed(), Duration::from_secs(9));
        assert_eq!(out, SettleOutcome::TimedOut { polls: 4 });
        assert!(ready.is_ready());
    }

    #[tokio::test(start_paused = true)]
    async fn wait_ready_blocks_until_set() {
        let ready = Readiness::new();
        let w = ready.wait();
        let r2 = ready.clone();
        let h = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            r2.set_ready();
        });
        let start = Instant::now();
        w.await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
        h.await.unwrap();
        // Already ready: resolves at once.
        ready.wait().await;
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[test]
    fn position_sorts_by_name() {
        let names = ["01J0C", "01H9Z", "01J0A"];
        assert_eq!(position(names, "01H9Z"), 0);
        assert_eq!(position(names, "01J0A"), 1);
        assert_eq!(position(names, "01J0C"), 2);
        assert_eq!(position(names, "missing"), 3);
        // Byte order: upper-case before lower-case.
        assert_eq!(position(["a", "B"], "a"), 1);
    }
}

//! Wall-clock time as an injected dependency. Sans-IO cores take `now: Timestamp` arguments;
//! tasks ask a [`Clock`]. [`SystemClock`] reads the system time; [`TokioClock`] derives wall
//! time from tokio's clock, so a test runtime with paused time (`start_paused = true`) moves
//! both timers and `now()` together, deterministically.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

/// Source of the current wall-clock time.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// A clock shared between tasks.
pub type SharedClock = Arc<dyn Clock>;

/// The system's real-time clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// Wall time that advances with `tokio::time::Instant`: `base + (tokio now - start)`.
#[derive(Clone, Copy, Debug)]
pub struct TokioClock {
    base: Timestamp,
    start: tokio::time::Instant,
}

impl TokioClock {
    /// A clock reading `base` now and advancing with tokio's (possibly paused) time.
    pub fn new(base: Timestamp) -> TokioClock {
        TokioClock {
            base,
            start: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = tokio::time::Instant::now().saturating_duration_since(self.start);
        let elapsed = SignedDuration::try_from(elapsed).unwrap_or(SignedDuration::MAX);
        self.base.saturating_add(elapsed).unwrap_or(Timestamp::MAX)
    }
}

/// Converts the non-negative part of `d` to a `std::time::Duration` (negative → zero).
pub fn to_std(d: SignedDuration) -> std::time::Duration {
    std::time::Duration::try_from(d).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn tokio_clock_follows_paused_time() {
        let base = Timestamp::from_second(1_700_000_000).unwrap();
        let clock = TokioClock::new(base);
        assert_eq!(clock.now(), base);
        tokio::time::sleep(std::time::Duration::from_secs(90)).await;
        assert_eq!(clock.now(), Timestamp::from_second(1_700_000_090).unwrap());
    }
}

//! Lifeguard self-awareness score (memberlist `awareness.go`): a health score in
//! `[0, max - 1]` that scales probe intervals; raised by refutes and failed probes,
//! lowered by successful probes.

use std::time::Duration;

/// The awareness score and its bound.
#[derive(Debug, Clone)]
pub(crate) struct Awareness {
    max: usize,
    score: usize,
}

impl Awareness {
    /// A score of 0 with the upper bound `max - 1` (`AwarenessMaxMultiplier`).
    pub(crate) fn new(max: usize) -> Self {
        Awareness { max, score: 0 }
    }

    /// Adds `delta` and clamps to `[0, max - 1]` (`ApplyDelta`).
    pub(crate) fn apply_delta(&mut self, delta: i64) {
        let upper = self.max.saturating_sub(1) as i64;
        let next = (self.score as i64).saturating_add(delta);
        self.score = next.clamp(0, upper.max(0)) as usize;
    }

    /// The current score (`GetHealthScore`).
    pub(crate) fn score(&self) -> usize {
        self.score
    }

    /// `timeout × (score + 1)` (`ScaleTimeout`).
    pub(crate) fn scale_timeout(&self, timeout: Duration) -> Duration {
        timeout.saturating_mul(self.score as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_to_range_and_scales() {
        let mut a = Awareness::new(8);
        a.apply_delta(-1);
        assert_eq!(a.score(), 0);
        a.apply_delta(3);
        assert_eq!(a.score(), 3);
        assert_eq!(
            a.scale_timeout(Duration::from_secs(1)),
            Duration::from_secs(4)
        );
        a.apply_delta(100);
        assert_eq!(a.score(), 7);
        a.apply_delta(-2);
        assert_eq!(a.score(), 5);
        a.apply_delta(-100);
        assert_eq!(a.score(), 0);
        assert_eq!(
            a.scale_timeout(Duration::from_millis(500)),
            Duration::from_millis(500)
        );
    }
}

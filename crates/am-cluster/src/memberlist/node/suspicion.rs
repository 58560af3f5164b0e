//! Suspicion timers (memberlist `suspicion.go` and `suspicionTimeout` in `util.go`): a
//! suspected node is declared dead after a timeout that starts at `max` and shrinks towards
//! `min` as independent peers confirm the suspicion (Lifeguard).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// `suspicionTimeout`: `mult × max(1, log10(max(1, n))) × interval`, with the node scale
/// truncated to thousandths as Go does.
pub(crate) fn suspicion_timeout(mult: usize, n: usize, interval: Duration) -> Duration {
    let node_scale = (n.max(1) as f64).log10().max(1.0);
    let scale_milli = (node_scale * 1000.0) as u128;
    let nanos = (mult as u128) * scale_milli * interval.as_nanos() / 1000;
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// The total suspicion timeout after `n` of `k` expected confirmations
/// (`remainingSuspicionTime` without the elapsed part): `max − ln(n+1)/ln(k+1) × (max − min)`,
/// floored to milliseconds and never below `min`.
pub(crate) fn suspicion_total(n: usize, k: usize, min: Duration, max: Duration) -> Duration {
    let frac = ((n as f64) + 1.0).ln() / ((k as f64) + 1.0).ln();
    let raw = max.as_secs_f64() - frac * (max.as_secs_f64() - min.as_secs_f64());
    let millis = (1000.0 * raw).floor();
    let timeout = if millis.is_finite() && millis > 0.0 {
        Duration::from_millis(millis as u64)
    } else {
        Duration::ZERO
    };
    timeout.max(min)
}

/// One running suspicion timer.
#[derive(Debug, Clone)]
pub(crate) struct Suspicion {
    /// Confirmations counted so far (the originator is not counted).
    n: usize,
    /// Confirmations expected.
    k: usize,
    min: Duration,
    max: Duration,
    /// When the suspicion started; equals the suspect node's `StateChange`.
    start: Instant,
    /// Nodes that have raised or confirmed this suspicion.
    confirmations: BTreeSet<String>,
    /// When the timer fires; `None` once it has fired.
    fire_at: Option<Instant>,
}

impl Suspicion {
    /// Starts a timer raised by `from` (`newSuspicion`): `max` when confirmations are
    /// expected (`k ≥ 1`), otherwise `min`.
    pub(crate) fn new(from: &str, k: usize, min: Duration, max: Duration, now: Instant) -> Self {
        let timeout = if k < 1 { min } else { max };
        Suspicion {
            n: 0,
            k,
            min,
            max,
            start: now,
            confirmations: BTreeSet::from([from.to_string()]),
            fire_at: Some(now + timeout),
        }
    }

    /// Records a confirmation from `from` (`Confirm`). Returns true when it is new
    /// information (then the suspect message is re-broadcast); shortens the timer.
    pub(crate) fn confirm(&mut self, from: &str, now: Instant) -> bool {
        if self.n >= self.k || self.confirmations.contains(from) {
            return false;
        }
        self.confirmations.insert(from.to_string());
        self.n += 1;
        if self.fire_at.is_some() {
            let total = suspicion_total(self.n, self.k, self.min, self.max);
            self.fire_at = Some((self.start + total).max(now));
        }
        true
    }

    /// When the timer is due, if it has not fired yet.
    pub(crate) fn fire_at(&self) -> Option<Instant> {
        self.fire_at
    }

    /// Fires the timer if due: returns the number of confirmations.
    pub(crate) fn take_due(&mut self, now: Instant) -> Option<usize> {
        match self.fire_at {
            Some(t) if t <= now => {
                self.fire_at = None;
                Some(self.n)
            }
            _ => None,
        }
    }

    /// The start instant (the suspect's state-change time).
    pub(crate) fn start(&self) -> Instant {
        self.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn timeout_formula_scales_with_log10_of_cluster_size() {
        assert_eq!(suspicion_timeout(4, 0, SEC), Duration::from_secs(4));
        assert_eq!(suspicion_timeout(4, 3, SEC), Duration::from_secs(4));
        assert_eq!(suspicion_timeout(4, 10, SEC), Duration::from_secs(4));
        // log10(100) = 2 → 8s; log10(50) = 1.69897 → truncated to 1.698 → 6.792s.
        assert_eq!(suspicion_timeout(4, 100, SEC), Duration::from_secs(8));
        assert_eq!(suspicion_timeout(4, 50, SEC), Duration::from_millis(6792));
        assert_eq!(
            suspicion_timeout(4, 5, Duration::from_millis(200)),
            Duration::from_millis(800)
        );
    }

    #[test]
    fn five_nodes_confirmations_shorten_timeout() {
        let min = suspicion_timeout(4, 5, SEC);
        let max = min * 6;
        assert_eq!(
            (min, max),
            (Duration::from_secs(4), Duration::from_secs(24))
        );
        // k = SuspicionMult - 2 = 2 for 5 nodes.
        assert_eq!(suspicion_total(0, 2, min, max), Duration::from_secs(24));
        assert_eq!(
            suspicion_total(1, 2, min, max),
            Duration::from_millis(11381)
        );
        assert_eq!(suspicion_total(2, 2, min, max), Duration::from_secs(4));
    }

    #[test]
    fn timer_starts_at_min_without_expected_confirmations() {
        let now = Instant::now();
        let s = Suspicion::new("a", 0, 4 * SEC, 24 * SEC, now);
        assert_eq!(s.fire_at(), Some(now + 4 * SEC));
        let mut s = Suspicion::new("a", 0, 4 * SEC, 24 * SEC, now);
        assert!(!s.confirm("b", now), "k = 0 counts no confirmations");
        assert_eq!(s.fire_at(), Some(now + 4 * SEC));
    }

    #[test]
    fn confirmations_are_distinct_and_reschedule() {
        let now = Instant::now();
        let mut s = Suspicion::new("a", 2, 4 * SEC, 24 * SEC, now);
        assert_eq!(s.fire_at(), Some(now + 24 * SEC));
        assert!(!s.confirm("a", now), "the originator is not a confirmation");
        assert!(s.confirm("b", now + SEC));
        assert!(!s.confirm("b", now + SEC), "repeat confirmer");
        assert_eq!(s.fire_at(), Some(now + Duration::from_millis(11381)));
        // The second confirmation arrives after the shortened total (4s): fire at once.
        assert!(s.confirm("c", now + 5 * SEC));
        assert_eq!(s.fire_at(), Some(now + 5 * SEC));
        assert!(!s.confirm("d", now + 5 * SEC), "k reached");
        assert_eq!(s.take_due(now + 4 * SEC), None);
        assert_eq!(s.take_due(now + 5 * SEC), Some(2));
        assert_eq!(s.take_due(now + 6 * SEC), None, "fires once");
        assert_eq!(s.start(), now);
    }
}

//! An alert as Alertmanager holds it (`types.Alert` wrapping `model.Alert`, upstream
//! `types/types.go` and `prometheus/common/model/alert.go`, v0.28): labels, annotations, the
//! active window, the generator URL, when it was last updated, and whether its end was filled
//! in from `resolve_timeout` rather than given by the client.
//!
//! Times are [`jiff::Timestamp`]s. Go's zero `time.Time` (0001-01-01T00:00:00Z) is a real
//! instant here too, [`ZERO_TIME`], so every Go comparison (`Before`, `After`, `IsZero`) keeps
//! its meaning without an `Option`.

use jiff::Timestamp;
use smol_str::SmolStr;

use crate::labels::{Fingerprint, LabelSet};

/// Go's zero `time.Time`, 0001-01-01T00:00:00Z: "not set" for `startsAt`/`endsAt`.
pub const ZERO_TIME: Timestamp = Timestamp::constant(-62_135_596_800, 0);

/// True when `t` is Go's zero time.
pub fn is_zero(t: Timestamp) -> bool {
    t == ZERO_TIME
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// Identifying labels; the fingerprint is computed from them.
    pub labels: LabelSet,
    /// Annotations (not identifying).
    pub annotations: LabelSet,
    /// When the alert started firing ([`ZERO_TIME`] only before ingestion fills it).
    pub starts_at: Timestamp,
    /// When the alert resolves or resolved ([`ZERO_TIME`] = unknown, never resolved).
    pub ends_at: Timestamp,
    /// Link back to the rule that produced the alert.
    pub generator_url: SmolStr,
    /// When this alert was last received (sets merge precedence).
    pub updated_at: Timestamp,
    /// `ends_at` was set from `resolve_timeout`, not by the client.
    pub timeout: bool,
}

impl Alert {
    /// The label set's fingerprint (the alert's identity).
    pub fn fingerprint(&self) -> Fingerprint {
        self.labels.fingerprint()
    }

    /// `alertname` label value, or "" (upstream `Alert.Name()`).
    pub fn name(&self) -> &str {
        self.labels.get("alertname").unwrap_or("")
    }

    /// Upstream `ResolvedAt(now)`: the end is set and not after `now`.
    pub fn resolved_at(&self, now: Timestamp) -> bool {
        !is_zero(self.ends_at) && self.ends_at <= now
    }

    /// Upstream `provider/mem` merge condition: the new alert's window overlaps this one's
    /// (its end or its start falls strictly inside `(starts_at, ends_at)`).
    pub fn overlaps(&self, newer: &Alert) -> bool {
        (newer.ends_at > self.starts_at && newer.ends_at < self.ends_at)
            || (newer.starts_at > self.starts_at && newer.starts_at < self.ends_at)
    }

    /// Upstream `Alert.Merge`: the copy of the more recently updated alert, with the earliest
    /// start, and with the other's end when that end is later and "more authoritative" (both
    /// resolved, or for a firing result the other's end was not a timeout). `now` decides
    /// "resolved".
    pub fn merge(&self, other: &Alert, now: Timestamp) -> Alert {
        if other.updated_at < self.updated_at {
            return other.merge(self, now);
        }
        // `other` is the younger one.
        let mut res = other.clone();
        if self.starts_at < other.starts_at {
            res.starts_at = self.starts_at;
        }
        if other.resolved_at(now) {
            if self.resolved_at(now) && self.ends_at > other.ends_at {
                res.ends_at = self.ends_at;
            }
        } else if self.ends_at > other.ends_at && !self.timeout {
            res.ends_at = self.ends_at;
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn alert(start: i64, end: Option<i64>, updated: i64, timeout: bool) -> Alert {
        Alert {
            labels: LabelSet::new([("alertname", "A")]),
            annotations: LabelSet::empty(),
            starts_at: t(start),
            ends_at: end.map_or(ZERO_TIME, t),
            generator_url: SmolStr::default(),
            updated_at: t(updated),
            timeout,
        }
    }

    #[test]
    fn zero_time_is_go_zero() {
        assert_eq!(ZERO_TIME.to_string(), "0001-01-01T00:00:00Z");
        assert!(is_zero(ZERO_TIME));
        assert!(ZERO_TIME < t(0));
    }

    #[test]
    fn merge_takes_younger_with_earliest_start() {
        let old = alert(0, Some(100), 10, false);
        let new = alert(5, Some(50), 20, false);
        let m = old.merge(&new, t(30));
        // Younger is `new`; older end (100) is later and not a timeout -> kept.
        assert_eq!(m.starts_at, t(0));
        assert_eq!(m.ends_at, t(100));
        assert_eq!(m.updated_at, t(20));
        // Symmetric in argument order.
        assert_eq!(new.merge(&old, t(30)), m);
    }

    #[test]
    fn merge_timeout_end_does_not_win() {
        let old = alert(0, Some(100), 10, true);
        let new = alert(5, Some(50), 20, false);
        assert_eq!(old.merge(&new, t(30)).ends_at, t(50));
    }

    #[test]
    fn merge_resolved_younger_keeps_own_end_unless_both_resolved() {
        // Younger resolved at 40, older still firing until 100: younger's end stands.
        let old = alert(0, Some(100), 10, false);
        let new = alert(0, Some(40), 20, false);
        assert_eq!(old.merge(&new, t(45)).ends_at, t(40));
        // Both resolved: the later end wins.
        let old = alert(0, Some(42), 10, false);
        assert_eq!(old.merge(&new, t(45)).ends_at, t(42));
    }

    #[test]
    fn resolved_and_overlap() {
        let a = alert(0, Some(100), 0, false);
        assert!(!a.resolved_at(t(99)));
        assert!(a.resolved_at(t(100)));
        assert!(!alert(0, None, 0, false).resolved_at(t(1000)));
        assert!(a.overlaps(&alert(50, Some(200), 1, false)));
        assert!(a.overlaps(&alert(-10, Some(50), 1, false)));
        assert!(!a.overlaps(&alert(100, Some(200), 1, false)));
        assert!(!a.overlaps(&alert(-10, Some(0), 1, false)));
    }
}

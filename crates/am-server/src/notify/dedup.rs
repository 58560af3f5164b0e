//! The dedup decision: whether a group's current alerts need a notification given the last
//! notification-log entry of this (receiver, integration, index). Mirrors upstream
//! `DedupStage.needsUpdate` (`notify/notify.go` v0.28) and the reason strings upstream added
//! later (`NotifyReason`, 0.32) so that logs and templates can say why a notification went out.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp};

/// The part of a notification-log entry the dedup decision reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LastNotification {
    /// When the last notification was logged.
    pub timestamp: Timestamp,
    /// Hashes (`LabelSet::alert_hash`) of the alerts that were firing then.
    pub firing_alerts: Vec<u64>,
    /// Hashes of the alerts that were resolved then.
    pub resolved_alerts: Vec<u64>,
}

/// Why a notification is (or is not) sent (upstream `NotifyReason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyReason {
    /// Nothing to send.
    DoNotNotify,
    /// The group was never notified (or its last notification only resolved alerts).
    FirstNotification,
    /// Firing alerts the receiver has not heard of.
    NewAlertsInGroup,
    /// With `send_resolved`, resolved alerts the receiver has not heard of.
    NewResolvedAlerts,
    /// Every alert resolved after some were notified as firing.
    AllAlertsResolved,
    /// Nothing changed but `repeat_interval` passed.
    RepeatIntervalElapsed,
}

impl NotifyReason {
    /// Whether a notification goes out.
    pub fn should_notify(self) -> bool {
        self != NotifyReason::DoNotNotify
    }

    /// Upstream's wording (`first notification`, `new alerts added`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyReason::DoNotNotify => "none",
            NotifyReason::FirstNotification => "first notification",
            NotifyReason::NewAlertsInGroup => "new alerts added",
            NotifyReason::NewResolvedAlerts => "some alerts resolved",
            NotifyReason::AllAlertsResolved => "all alerts resolved",
            NotifyReason::RepeatIntervalElapsed => "repeat interval elapsed",
        }
    }
}

impl std::fmt::Display for NotifyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Upstream `needsUpdate`: decides from the last entry (if any), the hashes of the alerts
/// firing and resolved now, the integration's `send_resolved`, the route's `repeat_interval`
/// and the current time.
pub fn needs_update(
    entry: Option<&LastNotification>,
    firing: &HashSet<u64>,
    resolved: &HashSet<u64>,
    send_resolved: bool,
    repeat: SignedDuration,
    now: Timestamp,
) -> NotifyReason {
    let Some(entry) = entry else {
        return if firing.is_empty() {
            NotifyReason::DoNotNotify
        } else {
            NotifyReason::FirstNotification
        };
    };
    // Every currently firing alert must have been in the last notification's firing set.
    if !firing.iter().all(|h| entry.firing_alerts.contains(h)) {
        return if entry.firing_alerts.is_empty() {
            NotifyReason::FirstNotification
        } else {
            NotifyReason::NewAlertsInGroup
        };
    }
    // All resolved: notify (whatever send_resolved says) so the log forgets the firing set,
    // unless the receiver never heard of any of them firing.
    if firing.is_empty() {
        return if entry.firing_alerts.is_empty() {
            NotifyReason::DoNotNotify
        } else {
            NotifyReason::AllAlertsResolved
        };
    }
    if send_resolved && !resolved.iter().all(|h| entry.resolved_alerts.contains(h)) {
        return NotifyReason::NewResolvedAlerts;
    }
    let threshold = now.saturating_sub(repeat).unwrap_or(now);
    if entry.timestamp < threshold {
        NotifyReason::RepeatIntervalElapsed
    } else {
        NotifyReason::DoNotNotify
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(h: &[u64]) -> HashSet<u64> {
        h.iter().copied().collect()
    }

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn entry(at: i64, firing: &[u64], resolved: &[u64]) -> LastNotification {
        LastNotification {
            timestamp: ts(at),
            firing_alerts: firing.to_vec(),
            resolved_alerts: resolved.to_vec(),
        }
    }

    const HOUR: SignedDuration = SignedDuration::from_hours(1);

    #[test]
    fn decision_table() {
        use NotifyReason::*;
        // (entry, firing, resolved, send_resolved, now, want)
        type Case = (
            Option<LastNotification>,
            &'static [u64],
            &'static [u64],
            bool,
            i64,
            NotifyReason,
        );
        let cases: Vec<Case> = vec![
            // 1. no entry: notify iff something fires
            (None, &[1], &[], true, 0, FirstNotification),
            (None, &[], &[2], true, 0, DoNotNotify),
            (None, &[], &[], true, 0, DoNotNotify),
            // 2. firing not a subset of the entry's firing set
            (
                Some(entry(0, &[1], &[])),
                &[1, 2],
                &[],
                true,
                10,
                NewAlertsInGroup,
            ),
            (
                Some(entry(0, &[], &[1])),
                &[1],
                &[],
                true,
                10,
                FirstNotification,
            ),
            (
                Some(entry(0, &[], &[])),
                &[3],
                &[],
                false,
                10,
                FirstNotification,
            ),
            // 3. nothing fires: notify iff the entry had firing alerts, even without send_resolved
            (
                Some(entry(0, &[1], &[])),
                &[],
                &[1],
                false,
                10,
                AllAlertsResolved,
            ),
            (
                Some(entry(0, &[1], &[])),
                &[],
                &[1],
                true,
                10,
                AllAlertsResolved,
            ),
            (
                Some(entry(0, &[], &[1])),
                &[],
                &[1, 2],
                true,
                10,
                DoNotNotify,
            ),
            (Some(entry(0, &[], &[])), &[], &[], true, 7200, DoNotNotify),
            // 4. newly resolved alerts, only with send_resolved
            (
                Some(entry(0, &[1, 2], &[])),
                &[1],
                &[2],
                true,
                10,
                NewResolvedAlerts,
            ),
            (
                Some(entry(0, &[1, 2], &[])),
                &[1],
                &[2],
                false,
                10,
                DoNotNotify,
            ),
            (
                Some(entry(0, &[1], &[2])),
                &[1],
                &[2],
                true,
                10,
                DoNotNotify,
            ),
            // firing set shrank without resolution: a subset, nothing new
            (
                Some(entry(0, &[1, 2], &[])),
                &[1],
                &[],
                true,
                10,
                DoNotNotify,
            ),
            // 5. repeat interval: strictly before now - repeat
            (
                Some(entry(0, &[1], &[])),
                &[1],
                &[],
                true,
                3600,
                DoNotNotify,
            ),
            (
                Some(entry(0, &[1], &[])),
                &[1],
                &[],
                true,
                3601,
                RepeatIntervalElapsed,
            ),
            (
                Some(entry(0, &[1], &[2])),
                &[1],
                &[2],
                false,
                7200,
                RepeatIntervalElapsed,
            ),
        ];
        for (i, (e, firing, resolved, send_resolved, now, want)) in cases.into_iter().enumerate() {
            let got = needs_update(
                e.as_ref(),
                &set(firing),
                &set(resolved),
                send_resolved,
                HOUR,
                ts(now),
            );
            assert_eq!(got, want, "case {i}");
            assert_eq!(got.should_notify(), want != DoNotNotify, "case {i}");
        }
    }

    #[test]
    fn reason_strings() {
        assert_eq!(
            NotifyReason::FirstNotification.as_str(),
            "first notification"
        );
        assert_eq!(NotifyReason::NewAlertsInGroup.as_str(), "new alerts added");
        assert_eq!(
            NotifyReason::NewResolvedAlerts.as_str(),
            "some alerts resolved"
        );
        assert_eq!(
            NotifyReason::AllAlertsResolved.as_str(),
            "all alerts resolved"
        );
        assert_eq!(
            NotifyReason::RepeatIntervalElapsed.to_string(),
            "repeat interval elapsed"
        );
        assert_eq!(NotifyReason::DoNotNotify.as_str(), "none");
    }
}

//! What the notification pipeline needs from the rest of the node, as small traits the
//! application implements with its concrete components (inhibitor, silencer, notification log,
//! cluster peer), plus the [`GroupMarker`] and the named time intervals the pipeline owns.
//! Mirrors upstream's `notify.Peer`, `types.Muter`, `notify.NotificationLog`,
//! `types.GroupMarker` (`types/types.go`) and `timeinterval.Intervener` (v0.28).

use std::collections::HashMap;
use std::sync::Arc;

use am_model::alert::Alert;
use am_model::labels::Fingerprint;
use am_model::time_interval::TimeInterval;
use futures::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};
use parking_lot::RwLock;

use super::dedup::LastNotification;

/// The cluster member sending notifications (upstream `notify.Peer` plus `Position`).
pub trait Peer: Send + Sync {
    /// Index of this node among the cluster members sorted by name (0 when alone).
    fn position(&self) -> usize;
    /// Resolves once gossip has settled; the pipeline bounds the wait by the flush deadline.
    fn wait_ready(&self) -> BoxFuture<'_, ()>;
}

/// A node without cluster: position 0 and always ready.
#[derive(Clone, Copy, Debug, Default)]
pub struct SingleNode;

impl Peer for SingleNode {
    fn position(&self) -> usize {
        0
    }
    fn wait_ready(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// Decides whether an alert is muted (upstream `types.Muter`): the inhibitor and the silencer.
/// Implementations record their own markers (inhibited-by / silenced-by) as upstream's do.
pub trait AlertMuter: Send + Sync {
    /// Whether `alert` (whose fingerprint is `fingerprint`) is muted at `now`.
    fn mutes(&self, alert: &Alert, fingerprint: Fingerprint, now: Timestamp) -> bool;
}

/// Identifies an integration in the notification log (upstream `nflogpb.Receiver`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NflogReceiver {
    /// The receiver's name (`group_name` in the protobuf).
    pub group_name: String,
    /// The integration kind (`webhook`, `email`, ...).
    pub integration: String,
    /// Index among the receiver's integrations of that kind.
    pub idx: u32,
}

/// The notification log as the pipeline uses it (upstream `notify.NotificationLog`).
pub trait NotificationLog: Send + Sync {
    /// The entry of `receiver` for `group_key`, if any.
    ///
    /// # Errors
    /// A failed lookup (not "not found", which is `Ok(None)`).
    fn query(
        &self,
        receiver: &NflogReceiver,
        group_key: &str,
    ) -> Result<Option<LastNotification>, String>;

    /// Records a successful notification of `firing` and `resolved` alert hashes at `now`,
    /// kept for `expiry`.
    ///
    /// # Errors
    /// A failed write.
    fn log(
        &self,
        receiver: &NflogReceiver,
        group_key: &str,
        firing: &[u64],
        resolved: &[u64],
        expiry: SignedDuration,
        now: Timestamp,
    ) -> Result<(), String>;
}

/// Which time intervals mute each aggregation group, keyed by (route id, group key); read by
/// `/api/v2/alerts/groups` (upstream `types.GroupMarker` of `MemMarker`). Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct GroupMarker {
    groups: Arc<RwLock<MutedGroups>>,
}

/// Interval names muting each (route id, group key).
type MutedGroups = HashMap<(String, String), Vec<String>>;

impl GroupMarker {
    /// An empty marker.
    pub fn new() -> GroupMarker {
        GroupMarker::default()
    }

    /// The interval names muting the group, and whether it is muted (non-empty list).
    pub fn muted(&self, route_id: &str, group_key: &str) -> (Vec<String>, bool) {
        let groups = self.groups.read();
        match groups.get(&(route_id.to_owned(), group_key.to_owned())) {
            Some(names) => (names.clone(), !names.is_empty()),
            None => (Vec::new(), false),
        }
    }

    /// Sets the names muting the group; an empty list marks it not muted.
    pub fn set_muted(&self, route_id: &str, group_key: &str, names: Vec<String>) {
        self.groups
            .write()
            .insert((route_id.to_owned(), group_key.to_owned()), names);
    }

    /// Forgets the group (called when the aggregation group is destroyed).
    pub fn delete_by_group_key(&self, route_id: &str, group_key: &str) {
        self.groups
            .write()
            .remove(&(route_id.to_owned(), group_key.to_owned()));
    }
}

/// The configuration's named time intervals (upstream `timeinterval.Intervener`).
#[derive(Clone, Debug, Default)]
pub struct TimeIntervals {
    intervals: HashMap<String, Vec<TimeInterval>>,
}

impl TimeIntervals {
    /// From the configuration's named intervals.
    pub fn from_config(config: &am_config::Config) -> TimeIntervals {
        TimeIntervals {
            intervals: config
                .time_intervals
                .iter()
                .map(|t| (t.name.clone(), t.intervals.clone()))
                .collect(),
        }
    }

    /// From explicit `(name, intervals)` pairs.
    pub fn new(intervals: impl IntoIterator<Item = (String, Vec<TimeInterval>)>) -> TimeIntervals {
        TimeIntervals {
            intervals: intervals.into_iter().collect(),
        }
    }

    /// Upstream `Intervener.Mutes`: the names (one entry per containing interval, as upstream
    /// appends) of the given intervals that contain `now`.
    ///
    /// # Errors
    /// `time interval <name> doesn't exist in config` for an unknown name.
    pub fn containing(&self, names: &[String], now: Timestamp) -> Result<Vec<String>, String> {
        let mut inside = Vec::new();
        for name in names {
            let Some(intervals) = self.intervals.get(name) else {
                return Err(format!("time interval {name} doesn't exist in config"));
            };
            for interval in intervals {
                if interval.contains(now) {
                    inside.push(name.clone());
                }
            }
        }
        Ok(inside)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_set_and_clear() {
        let m = GroupMarker::new();
        assert_eq!(m.muted("r", "g"), (vec![], false));
        m.set_muted("r", "g", vec!["night".into()]);
        assert_eq!(m.muted("r", "g"), (vec!["night".to_string()], true));
        assert!(!m.muted("r2", "g").1);
        m.set_muted("r", "g", vec![]);
        assert_eq!(m.muted("r", "g"), (vec![], false));
        m.set_muted("r", "g", vec!["x".into()]);
        m.delete_by_group_key("r", "g");
        assert!(!m.muted("r", "g").1);
    }

    #[test]
    fn unknown_interval_is_an_error() {
        let t = TimeIntervals::default();
        assert_eq!(
            t.containing(&["nope".into()], Timestamp::UNIX_EPOCH),
            Err("time interval nope doesn't exist in config".to_string())
        );
        assert_eq!(t.containing(&[], Timestamp::UNIX_EPOCH), Ok(vec![]));
    }
}

//! The sans-IO dispatcher: aggregation groups and their timers. Mirrors upstream v0.28
//! `dispatch/dispatch.go` (`Dispatcher.processAlert`, `aggrGroup.run/insert/flush`,
//! `doMaintenance`, `Groups`) and 0.30's `--dispatch.start-delay`, without goroutines: every
//! method takes `now` and returns what to do.
//!
//! - A group is keyed by (route, fingerprint of its group labels) and holds alert
//!   fingerprints only (the alerts live in the store).
//! - A new group's timer is `now + group_wait`. While the group has not flushed yet, inserting
//!   an alert with `starts_at + group_wait < now` moves the timer to `now` (upstream
//!   `ag.next.Reset(0)`).
//! - When the timer fires ([`Dispatcher::due`]) it is re-armed at `now + group_interval` and
//!   the group is flushed unless it is empty. One flush per group is in flight at a time: a
//!   timer expiring meanwhile fires as soon as [`Dispatcher::flush_done`] reports the end of
//!   the running flush, like upstream's sequential group goroutine.
//! - No timer fires before `start + start_delay`.
//! - After a delivered flush, alerts that were resolved when flushed and are unchanged in the
//!   store are dropped from the group; [`Dispatcher::maintenance`] removes empty groups.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use am_model::alert::Alert;
use am_model::group_key::group_key;
use am_model::labels::{Fingerprint, LabelSet};
use jiff::{SignedDuration, Timestamp};

use super::AlertSource;
use super::route::{RouteIdx, RouteNode, RouteTree};

/// Upstream `notify.MinTimeout`: the shortest deadline a flush gets.
pub const MIN_FLUSH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

type FpSet = HashSet<u64, foldhash::fast::FixedState>;

/// Identifies one aggregation group for as long as it exists (slot + generation, so the id of
/// a removed group never names a later one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupId {
    slot: u32,
    generation: u32,
}

/// A flush the runner must perform: notify about the group's current alerts.
#[derive(Clone, Debug)]
pub struct Flush {
    /// The group being flushed (pass it back to [`Dispatcher::flush_done`]).
    pub id: GroupId,
    /// The routing tree the group belongs to.
    pub tree: Arc<RouteTree>,
    /// The group's route.
    pub route: RouteIdx,
    /// The route's receiver name.
    pub receiver: String,
    /// Upstream `aggrGroup.GroupKey()`: `route key + ":" + group labels`.
    pub group_key: String,
    /// The group labels.
    pub group_labels: LabelSet,
    /// The alerts in the group when the timer fired (unordered).
    pub fingerprints: Vec<Fingerprint>,
    /// When the timer fired (upstream passes the ticker's time as the pipeline's `now`).
    pub tick: Timestamp,
    /// How long the notification may take: `max(group_interval, 10s)` unless the runner
    /// says otherwise (upstream `Dispatcher.timeout`).
    pub timeout: std::time::Duration,
}

impl Flush {
    /// The route's options (repeat interval, time intervals, route id...).
    pub fn route_node(&self) -> &RouteNode {
        self.tree.node(self.route)
    }
}

/// The version of an alert a flush notified about, identified by its update time and end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlushedAlert {
    /// The alert.
    pub fingerprint: Fingerprint,
    /// Its `updated_at` as flushed.
    pub updated_at: Timestamp,
    /// Its `ends_at` as flushed.
    pub ends_at: Timestamp,
}

impl FlushedAlert {
    /// The identifying parts of `alert`.
    pub fn of(alert: &Alert) -> FlushedAlert {
        FlushedAlert {
            fingerprint: alert.fingerprint(),
            updated_at: alert.updated_at,
            ends_at: alert.ends_at,
        }
    }
}

/// What happened to a flush.
#[derive(Clone, Debug, Default)]
pub struct FlushReport {
    /// The notification pipeline succeeded.
    pub delivered: bool,
    /// The alerts that were resolved at flush time (as flushed).
    pub resolved: Vec<FlushedAlert>,
    /// Fingerprints the store no longer held at flush time.
    pub missing: Vec<Fingerprint>,
}

/// One aggregation group as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's route.
    pub route: RouteIdx,
    /// The route's receiver.
    pub receiver: String,
    /// The group key.
    pub group_key: String,
    /// The group labels.
    pub labels: LabelSet,
    /// The alerts in the group, ascending.
    pub fingerprints: Vec<Fingerprint>,
}

/// All groups at one moment, sorted like upstream's `AlertGroups` (group labels by Go's
/// `LabelSet.Before`, then receiver).
#[derive(Clone, Debug)]
pub struct GroupsSnapshot {
    /// The routing tree the groups belong to.
    pub tree: Arc<RouteTree>,
    /// The groups.
    pub groups: Vec<GroupInfo>,
}

/// A group removed by [`Dispatcher::maintenance`] (upstream then deletes its marker entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemovedGroup {
    /// The group's route.
    pub route: RouteIdx,
    /// The route's id.
    pub route_id: String,
    /// The group key.
    pub group_key: String,
}

struct Group {
    route: RouteIdx,
    labels_fp: u64,
    labels: LabelSet,
    alerts: FpSet,
    next: Timestamp,
    has_flushed: bool,
    in_flight: bool,
    tick_pending: bool,
}

struct Slot {
    generation: u32,
    group: Option<Group>,
}

/// The aggregation groups of one routing tree (see the module documentation).
pub struct Dispatcher {
    tree: Arc<RouteTree>,
    /// Per route: (group_wait, group_interval).
    timings: Vec<(SignedDuration, SignedDuration)>,
    run_at: Timestamp,
    slots: Vec<Slot>,
    free: Vec<u32>,
    index: HashMap<(RouteIdx, u64), u32, foldhash::fast::RandomState>,
    timers: BinaryHeap<Reverse<(Timestamp, u32, u32)>>,
    len: usize,
    scratch: Vec<RouteIdx>,
}

fn signed(d: std::time::Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}

fn add(ts: Timestamp, d: SignedDuration) -> Timestamp {
    ts.saturating_add(d).unwrap_or(Timestamp::MAX)
}

impl Dispatcher {
    /// A dispatcher for `tree` whose timers fire no earlier than `start + start_delay`.
    pub fn new(tree: Arc<RouteTree>, start: Timestamp, start_delay: SignedDuration) -> Dispatcher {
        let timings = tree
            .nodes()
            .iter()
            .map(|n| (signed(n.group_wait), signed(n.group_interval)))
            .collect();
        Dispatcher {
            tree,
            timings,
            run_at: add(start, start_delay),
            slots: Vec::new(),
            free: Vec::new(),
            index: HashMap::default(),
            timers: BinaryHeap::new(),
            len: 0,
            scratch: Vec::new(),
        }
    }

    /// The routing tree.
    pub fn tree(&self) -> &Arc<RouteTree> {
        &self.tree
    }

    /// Number of aggregation groups.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Routes an alert version into the groups of every matching route (upstream
    /// `processAlert`). Returns the number of groups created.
    pub fn insert_alert(&mut self, alert: &Alert, now: Timestamp) -> usize {
        self.insert(alert.fingerprint(), &alert.labels, alert.starts_at, now)
    }

    /// Like [`Dispatcher::insert_alert`] from the parts the dispatcher needs.
    pub fn insert(
        &mut self,
        fp: Fingerprint,
        labels: &LabelSet,
        starts_at: Timestamp,
        now: Timestamp,
    ) -> usize {
        let mut routes = std::mem::take(&mut self.scratch);
        self.tree.match_into(labels, &mut routes);
        let mut created = 0;
        for &route in &routes {
            created += usize::from(self.insert_route(route, fp, labels, starts_at, now));
        }
        self.scratch = routes;
        created
    }

    fn insert_route(
        &mut self,
        route: RouteIdx,
        fp: Fingerprint,
        labels: &LabelSet,
        starts_at: Timestamp,
        now: Timestamp,
    ) -> bool {
        let node = self.tree.node(route);
        let labels_fp = node.group_labels_fingerprint(labels);
        let (group_wait, _) = self.timings[route as usize];
        let (slot, created) = match self.index.get(&(route, labels_fp)) {
            Some(&slot) => (slot, false),
            None => {
                let group = Group {
                    route,
                    labels_fp,
                    labels: node.group_labels(labels),
                    alerts: FpSet::default(),
                    next: add(now, group_wait),
                    has_flushed: false,
                    in_flight: false,
                    tick_pending: false,
                };
                (self.add_group(group), true)
            }
        };
        let s = &mut self.slots[slot as usize];
        let generation = s.generation;
        let Some(group) = s.group.as_mut() else {
            return created;
        };
        group.alerts.insert(fp.0);
        if !group.has_flushed && add(starts_at, group_wait) < now && group.next > now {
            group.next = now;
            self.timers.push(Reverse((now, slot, generation)));
        }
        created
    }

    fn add_group(&mut self, group: Group) -> u32 {
        let key = (group.route, group.labels_fp);
        let next = group.next;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize].group = Some(group);
                slot
            }
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    group: Some(group),
                });
                (self.slots.len() - 1) as u32
            }
        };
        let generation = self.slots[slot as usize].generation;
        self.index.insert(key, slot);
        self.timers.push(Reverse((next, slot, generation)));
        self.len += 1;
        slot
    }

    /// Removes alerts from every group (e.g. alerts deleted from the store).
    pub fn remove(&mut self, fps: &[Fingerprint]) {
        if fps.is_empty() {
            return;
        }
        let set: FpSet = fps.iter().map(|f| f.0).collect();
        for group in self.slots.iter_mut().filter_map(|s| s.group.as_mut()) {
            if group.alerts.len() <= set.len() {
                group.alerts.retain(|fp| !set.contains(fp));
            } else {
                for fp in &set {
                    group.alerts.remove(fp);
                }
            }
        }
    }

    fn timer_valid(&self, ts: Timestamp, slot: u32, generation: u32) -> bool {
        self.slots.get(slot as usize).is_some_and(|s| {
            s.generation == generation && s.group.as_ref().is_some_and(|g| g.next == ts)
        })
    }

    /// When [`Dispatcher::due`] next has something to do (may be in the past), or `None`
    /// when no timer is armed.
    pub fn next_deadline(&mut self) -> Option<Timestamp> {
        while let Some(&Reverse((ts, slot, generation))) = self.timers.peek() {
            if self.timer_valid(ts, slot, generation) {
                return Some(ts.max(self.run_at));
            }
            self.timers.pop();
        }
        None
    }

    /// Fires every timer due at `now`: re-arms it at `now + group_interval` and returns the
    /// flushes to run. Groups with a flush in flight fire when that flush is done.
    pub fn due(&mut self, now: Timestamp) -> Vec<Flush> {
        let mut out = Vec::new();
        if now < self.run_at {
            return out;
        }
        while let Some(&Reverse((ts, slot, generation))) = self.timers.peek() {
            if ts > now {
                break;
            }
            self.timers.pop();
            if !self.timer_valid(ts, slot, generation) {
                continue;
            }
            let Some(group) = self.slots[slot as usize].group.as_mut() else {
                continue;
            };
            if group.in_flight {
                group.tick_pending = true;
                continue;
            }
            let (_, group_interval) = self.timings[group.route as usize];
            group.has_flushed = true;
            group.next = add(now, group_interval);
            self.timers.push(Reverse((group.next, slot, generation)));
            if group.alerts.is_empty() {
                continue;
            }
            group.in_flight = true;
            let node = self.tree.node(group.route);
            out.push(Flush {
                id: GroupId { slot, generation },
                tree: Arc::clone(&self.tree),
                route: group.route,
                receiver: node.receiver.clone(),
                group_key: group_key(&node.key, &group.labels),
                group_labels: group.labels.clone(),
                fingerprints: group.alerts.iter().map(|&f| Fingerprint(f)).collect(),
                tick: now,
                timeout: node.group_interval.max(MIN_FLUSH_TIMEOUT),
            });
        }
        out
    }

    /// Records the end of a flush returned by [`Dispatcher::due`]. Fingerprints the store
    /// lost are dropped; after a delivered flush, resolved alerts whose store version is
    /// still the flushed one (or gone) are dropped too (upstream `DeleteIfNotModified`).
    pub fn flush_done<S: AlertSource + ?Sized>(
        &mut self,
        id: GroupId,
        report: &FlushReport,
        source: &S,
    ) {
        let Some(slot) = self.slots.get_mut(id.slot as usize) else {
            return;
        };
        if slot.generation != id.generation {
            return;
        }
        let Some(group) = slot.group.as_mut() else {
            return;
        };
        group.in_flight = false;
        for fp in &report.missing {
            if source.get(*fp).is_none() {
                group.alerts.remove(&fp.0);
            }
        }
        if report.delivered {
            for flushed in &report.resolved {
                let unchanged = source.get(flushed.fingerprint).is_none_or(|a| {
                    a.updated_at == flushed.updated_at && a.ends_at == flushed.ends_at
                });
                if unchanged {
                    group.alerts.remove(&flushed.fingerprint.0);
                }
            }
        }
        if group.tick_pending {
            group.tick_pending = false;
            self.timers
                .push(Reverse((group.next, id.slot, id.generation)));
        }
    }

    /// Removes empty groups that have no flush in flight (upstream `doMaintenance`).
    pub fn maintenance(&mut self) -> Vec<RemovedGroup> {
        let mut removed = Vec::new();
        for (i, slot) in self.slots.iter_mut().enumerate() {
            let remove = slot
                .group
                .as_ref()
                .is_some_and(|g| g.alerts.is_empty() && !g.in_flight);
            if !remove {
                continue;
            }
            let Some(group) = slot.group.take() else {
                continue;
            };
            slot.generation = slot.generation.wrapping_add(1);
            self.index.remove(&(group.route, group.labels_fp));
            self.free.push(i as u32);
            self.len -= 1;
            let node = self.tree.node(group.route);
            removed.push(RemovedGroup {
                route: group.route,
                route_id: node.id.clone(),
                group_key: group_key(&node.key, &group.labels),
            });
        }
        removed
    }

    /// All groups, sorted like upstream's `Dispatcher.Groups` (empty groups included; the API
    /// skips groups left without alerts after its filters).
    pub fn groups(&self) -> GroupsSnapshot {
        let mut groups: Vec<GroupInfo> = self
            .slots
            .iter()
            .filter_map(|s| s.group.as_ref())
            .map(|g| {
                let node = self.tree.node(g.route);
                let mut fingerprints: Vec<Fingerprint> =
                    g.alerts.iter().map(|&f| Fingerprint(f)).collect();
                fingerprints.sort_unstable();
                GroupInfo {
                    route: g.route,
                    receiver: node.receiver.clone(),
                    group_key: group_key(&node.key, &g.labels),
                    labels: g.labels.clone(),
                    fingerprints,
                }
            })
            .collect();
        groups.sort_by(|a, b| {
            super::labels_cmp(&a.labels, &b.labels).then_with(|| a.receiver.cmp(&b.receiver))
        });
        GroupsSnapshot {
            tree: Arc::clone(&self.tree),
            groups,
        }
    }
}

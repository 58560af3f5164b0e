//! Routing and aggregation groups, upstream package `dispatch` (v0.28 `dispatch/dispatch.go`,
//! `dispatch/route.go`, plus 0.30's `--dispatch.start-delay`).
//!
//! - [`route`]: the flattened routing tree ([`RouteTree`]) and `Route.Match`.
//! - [`core`]: the sans-IO [`Dispatcher`]: aggregation groups holding fingerprints, their
//!   timers as absolute timestamps, flush decisions and the groups snapshot for the API.
//! - [`task`]: the async runner ([`DispatcherHandle`]) that owns a [`Dispatcher`], receives
//!   alert batches, sleeps until the next timer and runs flushes through a [`FlushHandler`].
//!
//! Alerts themselves live in the alert store; the dispatcher reads them through
//! [`AlertSource`] at flush time.

pub mod core;
pub mod route;
pub mod task;

#[cfg(test)]
mod core_tests;
#[cfg(test)]
mod go_tests;
#[cfg(test)]
mod task_tests;

use std::cmp::Ordering;

use am_model::alert::Alert;
use am_model::labels::{Fingerprint, LabelSet};

pub use self::core::{
    Dispatcher, Flush, FlushReport, FlushedAlert, GroupId, GroupInfo, GroupsSnapshot,
    MIN_FLUSH_TIMEOUT, RemovedGroup,
};
pub use self::route::{RouteIdx, RouteNode, RouteTree};
pub use self::task::{DispatcherHandle, DispatcherOptions, FlushFuture, FlushHandler, TimeoutFn};

/// Where the dispatcher reads the current version of an alert (the alert store).
pub trait AlertSource: Send + Sync + 'static {
    /// The alert with fingerprint `fp`, if the store holds it.
    fn get(&self, fp: Fingerprint) -> Option<Alert>;
}

/// Go's `model.LabelSet.Before`: fewer labels first; for equal sizes the first differing
/// label (walking both sets in name order) decides, a smaller name or value coming first.
pub fn labels_before(a: &LabelSet, b: &LabelSet) -> bool {
    labels_cmp(a, b) == Ordering::Less
}

/// Total order behind [`labels_before`].
pub fn labels_cmp(a: &LabelSet, b: &LabelSet) -> Ordering {
    match a.len().cmp(&b.len()) {
        Ordering::Equal => {}
        other => return other,
    }
    for ((an, av), (bn, bv)) in a.iter().zip(b.iter()) {
        // The smaller name is missing from the other set: the set lacking it comes first.
        match an.cmp(bn) {
            Ordering::Less => return Ordering::Greater,
            Ordering::Greater => return Ordering::Less,
            Ordering::Equal => {}
        }
        match av.cmp(bv) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    Ordering::Equal
}

/// Upstream `types.AlertSlice` order: by `job`, then `instance` (alerts having the label
/// before those lacking it), then [`labels_before`].
pub fn alert_order(a: &Alert, b: &Alert) -> Ordering {
    for key in ["job", "instance"] {
        match (a.labels.get(key), b.labels.get(key)) {
            (None, None) => continue,
            (None, Some(_)) => return Ordering::Greater,
            (Some(_), None) => return Ordering::Less,
            (Some(x), Some(y)) => match x.cmp(y) {
                Ordering::Equal => continue,
                other => return other,
            },
        }
    }
    labels_cmp(&a.labels, &b.labels)
}

/// Sorts alerts like upstream's `sort.Stable(AlertSlice)`.
pub fn sort_alerts(alerts: &mut [Alert]) {
    alerts.sort_by(alert_order);
}

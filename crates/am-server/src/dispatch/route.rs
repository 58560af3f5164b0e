//! The routing tree as the dispatcher and the API use it. Mirrors upstream `dispatch/route.go`
//! (v0.28): `Route.Match` (depth-first, left to right, `continue`, fallback to the parent when
//! no child matches), `Route.Key` and `Route.ID`. Options are already inherited by
//! `am_config::route::Route`; this module flattens the tree into a vector (pre-order, root at
//! index 0) so that routes are named by a small [`RouteIdx`].

use std::time::Duration;

use am_config::route::{GroupBy, Route};
use am_model::group_key::{route_id, route_key};
use am_model::labels::LabelSet;
use am_model::matcher::Matchers;

/// Index of a route in its [`RouteTree`] (pre-order position; the root is 0).
pub type RouteIdx = u32;

/// One route with its effective options.
#[derive(Clone, Debug)]
pub struct RouteNode {
    /// This route's position in the tree.
    pub idx: RouteIdx,
    /// The parent route (`None` for the root).
    pub parent: Option<RouteIdx>,
    /// Child routes in file order.
    pub children: Vec<RouteIdx>,
    /// Upstream `Route.ID()`: unique, shown by the API and used by the group marker.
    pub id: String,
    /// Upstream `Route.Key()`: prefix of the group keys of this route's groups.
    pub key: String,
    /// Effective receiver name.
    pub receiver: String,
    /// Effective grouping as configured.
    pub group_by: GroupBy,
    /// `group_by` label names sorted and deduplicated (empty for `...`).
    pub group_by_sorted: Vec<String>,
    /// This route's own matchers (sorted like upstream).
    pub matchers: Matchers,
    /// `continue`: siblings are still evaluated after this route matched.
    pub continue_matching: bool,
    /// Effective `group_wait`.
    pub group_wait: Duration,
    /// Effective `group_interval`.
    pub group_interval: Duration,
    /// Effective `repeat_interval`.
    pub repeat_interval: Duration,
    /// `mute_time_intervals` of this route (not inherited).
    pub mute_time_intervals: Vec<String>,
    /// `active_time_intervals` of this route (not inherited).
    pub active_time_intervals: Vec<String>,
}

impl RouteNode {
    /// Whether the route groups by all labels (`group_by: ['...']`).
    pub fn group_by_all(&self) -> bool {
        self.group_by.is_all()
    }

    /// The group labels of an alert on this route: all labels for `...`, otherwise the alert's
    /// labels whose names are in `group_by` (upstream `getGroupLabels`).
    pub fn group_labels(&self, labels: &LabelSet) -> LabelSet {
        if self.group_by_all() {
            return labels.clone();
        }
        LabelSet::new(
            self.group_by_sorted
                .iter()
                .filter_map(|n| labels.get(n).map(|v| (n.as_str(), v))),
        )
    }

    /// The fingerprint of [`RouteNode::group_labels`] computed without building the set.
    pub fn group_labels_fingerprint(&self, labels: &LabelSet) -> u64 {
        use std::hash::Hasher as _;
        let mut h = fnv::FnvHasher::default();
        let mut feed = |n: &str, v: &str| {
            h.write(n.as_bytes());
            h.write(&[0xff]);
            h.write(v.as_bytes());
            h.write(&[0xff]);
        };
        if self.group_by_all() {
            for (n, v) in labels.iter() {
                feed(n, v);
            }
        } else {
            for n in &self.group_by_sorted {
                if let Some(v) = labels.get(n) {
                    feed(n, v);
                }
            }
        }
        h.finish()
    }
}

/// The whole routing tree, flattened in pre-order (parents before children, children in file
/// order), so `nodes()[0]` is the root.
#[derive(Clone, Debug)]
pub struct RouteTree {
    nodes: Vec<RouteNode>,
}

impl RouteTree {
    /// Builds the tree from the validated configuration's root route.
    pub fn new(root: &Route) -> RouteTree {
        let mut nodes = Vec::with_capacity(root.count());
        add_node(&mut nodes, root, None, 0);
        RouteTree { nodes }
    }

    /// The root route.
    pub fn root(&self) -> &RouteNode {
        &self.nodes[0]
    }

    /// The route at `idx`. Panics when `idx` does not come from this tree.
    pub fn node(&self, idx: RouteIdx) -> &RouteNode {
        &self.nodes[idx as usize]
    }

    /// The route at `idx`, if it exists.
    pub fn get(&self, idx: RouteIdx) -> Option<&RouteNode> {
        self.nodes.get(idx as usize)
    }

    /// All routes in pre-order (upstream `Route.Walk` order).
    pub fn nodes(&self) -> &[RouteNode] {
        &self.nodes
    }

    /// Number of routes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false: a tree has a root.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The routes an alert with `labels` is dispatched to (upstream `Route.Match` on the root),
    /// in match order. Empty only when the root's own matchers reject the labels.
    pub fn match_routes(&self, labels: &LabelSet) -> Vec<RouteIdx> {
        let mut out = Vec::new();
        self.match_into(labels, &mut out);
        out
    }

    /// Like [`RouteTree::match_routes`], appending to `out` (cleared first) to reuse its buffer.
    pub fn match_into(&self, labels: &LabelSet, out: &mut Vec<RouteIdx>) {
        out.clear();
        self.match_node(0, labels, out);
    }

    /// The receivers of the matching routes, in match order, duplicates kept (what upstream's
    /// `GET /api/v2/alerts` reports as `receivers`).
    pub fn receivers(&self, labels: &LabelSet) -> Vec<&str> {
        let mut idx = Vec::new();
        self.match_into(labels, &mut idx);
        idx.iter()
            .map(|&i| self.node(i).receiver.as_str())
            .collect()
    }

    /// Appends the matches below and at `idx`; returns whether anything matched.
    fn match_node(&self, idx: RouteIdx, labels: &LabelSet, out: &mut Vec<RouteIdx>) -> bool {
        let node = self.node(idx);
        if !node.matchers.matches(labels) {
            return false;
        }
        let before = out.len();
        for &child in &node.children {
            let matched = self.match_node(child, labels, out);
            if matched && !self.node(child).continue_matching {
                break;
            }
        }
        if out.len() == before {
            out.push(idx);
        }
        true
    }
}

fn add_node(
    nodes: &mut Vec<RouteNode>,
    route: &Route,
    parent: Option<RouteIdx>,
    child_pos: usize,
) -> RouteIdx {
    let idx = nodes.len() as RouteIdx;
    let rendered = route.matchers.to_string();
    let (key, id) = match parent {
        None => (route_key(None, &rendered), route_id(None, &rendered)),
        Some(p) => {
            let pn = &nodes[p as usize];
            (
                route_key(Some(&pn.key), &rendered),
                route_id(Some((&pn.id, child_pos)), &rendered),
            )
        }
    };
    let mut group_by_sorted = route.group_by.labels().to_vec();
    group_by_sorted.sort();
    group_by_sorted.dedup();
    nodes.push(RouteNode {
        idx,
        parent,
        children: Vec::with_capacity(route.routes.len()),
        id,
        key,
        receiver: route.receiver.clone(),
        group_by: route.group_by.clone(),
        group_by_sorted,
        matchers: route.matchers.clone(),
        continue_matching: route.continue_matching,
        group_wait: route.group_wait,
        group_interval: route.group_interval,
        repeat_interval: route.repeat_interval,
        mute_time_intervals: route.mute_time_intervals.clone(),
        active_time_intervals: route.active_time_intervals.clone(),
    });
    for (pos, child) in route.routes.iter().enumerate() {
        let c = add_node(nodes, child, Some(idx), pos);
        nodes[idx as usize].children.push(c);
    }
    idx
}

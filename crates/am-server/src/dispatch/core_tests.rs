//! Unit tests of the routing tree and the sans-IO dispatcher core.

use std::collections::HashMap;
use std::sync::Arc;

use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::{Fingerprint, LabelSet};
use jiff::{SignedDuration, Timestamp};
use parking_lot::Mutex;

use super::*;

pub(super) const CONFIG: &str = r#"
route:
  receiver: default
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  routes:
    - matchers: ['team="a"']
      receiver: team-a
      continue: true
      group_by: [instance, alertname]
    - matchers: ['team=~"a|b"']
      receiver: team-ab
      group_wait: 10s
      group_interval: 1m
      routes:
        - matchers: ['severity="critical"']
          receiver: pager
    - matchers: ['all="yes"']
      receiver: everything
      group_by: ['...']
receivers:
  - name: default
  - name: team-a
  - name: team-ab
  - name: pager
  - name: everything
"#;

type Pairs = &'static [(&'static str, &'static str)];

pub(super) fn tree() -> Arc<RouteTree> {
    let cfg = am_config::load::load_str(CONFIG, None, &Default::default()).expect("config");
    Arc::new(RouteTree::new(&cfg.route))
}

pub(super) fn ls(pairs: &[(&str, &str)]) -> LabelSet {
    LabelSet::new(pairs.iter().copied())
}

pub(super) fn t(secs: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + secs).expect("timestamp")
}

pub(super) fn alert(pairs: &[(&str, &str)], starts: i64, updated: i64) -> Alert {
    Alert {
        labels: ls(pairs),
        annotations: LabelSet::empty(),
        starts_at: t(starts),
        ends_at: ZERO_TIME,
        generator_url: Default::default(),
        updated_at: t(updated),
        timeout: false,
    }
}

/// An in-memory [`AlertSource`].
#[derive(Default)]
pub(super) struct MapSource(pub Mutex<HashMap<Fingerprint, Alert>>);

impl MapSource {
    pub fn put(&self, a: &Alert) {
        self.0.lock().insert(a.fingerprint(), a.clone());
    }
}

impl AlertSource for MapSource {
    fn get(&self, fp: Fingerprint) -> Option<Alert> {
        self.0.lock().get(&fp).cloned()
    }
}

fn disp() -> Dispatcher {
    Dispatcher::new(tree(), t(0), SignedDuration::ZERO)
}

#[test]
fn route_keys_and_ids_follow_upstream() {
    let tree = tree();
    let keys: Vec<(&str, &str, &str)> = tree
        .nodes()
        .iter()
        .map(|n| (n.key.as_str(), n.id.as_str(), n.receiver.as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            ("{}", "{}", "default"),
            (r#"{}/{team="a"}"#, r#"{}/{team="a"}/0"#, "team-a"),
            (r#"{}/{team=~"a|b"}"#, r#"{}/{team=~"a|b"}/1"#, "team-ab"),
            (
                r#"{}/{team=~"a|b"}/{severity="critical"}"#,
                r#"{}/{team=~"a|b"}/1/{severity="critical"}/0"#,
                "pager"
            ),
            (r#"{}/{all="yes"}"#, r#"{}/{all="yes"}/2"#, "everything"),
        ]
    );
    // Inherited timings.
    assert_eq!(tree.node(3).group_wait.as_secs(), 10);
    assert_eq!(tree.node(1).group_wait.as_secs(), 30);
    assert_eq!(tree.node(2).parent, Some(0));
    assert_eq!(tree.node(2).children, vec![3]);
}

#[test]
fn match_routes_depth_first_with_continue_and_fallback() {
    let tree = tree();
    let cases: &[(Pairs, &[RouteIdx])] = &[
        (&[("team", "a"), ("severity", "critical")], &[1, 3]),
        (&[("team", "a")], &[1, 2]),
        (&[("team", "b")], &[2]),
        (&[("team", "b"), ("severity", "critical")], &[3]),
        (&[("team", "c")], &[0]),
        (&[("all", "yes")], &[4]),
        (&[("team", "a"), ("all", "yes")], &[1, 2]),
        (&[], &[0]),
    ];
    for (labels, want) in cases {
        assert_eq!(tree.match_routes(&ls(labels)), *want, "{labels:?}");
    }
    assert_eq!(
        tree.receivers(&ls(&[("team", "a")])),
        vec!["team-a", "team-ab"]
    );
}

#[test]
fn group_labels_and_their_fingerprint() {
    let tree = tree();
    let labels = ls(&[
        ("alertname", "Down"),
        ("instance", "h1"),
        ("team", "a"),
        ("zone", "z"),
    ]);
    for node in tree.nodes() {
        let g = node.group_labels(&labels);
        assert_eq!(node.group_labels_fingerprint(&labels), g.fingerprint().0);
    }
    assert_eq!(
        tree.node(1).group_labels(&labels),
        ls(&[("alertname", "Down"), ("instance", "h1")])
    );
    assert_eq!(
        tree.node(0).group_labels(&labels),
        ls(&[("alertname", "Down")])
    );
    assert_eq!(tree.node(4).group_labels(&labels), labels);
    // A missing group_by label is simply absent.
    assert_eq!(
        tree.node(1).group_labels(&ls(&[("x", "y")])),
        LabelSet::empty()
    );
}

#[test]
fn alerts_group_per_route_with_group_keys() {
    let mut d = disp();
    let a1 = alert(
        &[("alertname", "Down"), ("team", "a"), ("instance", "h1")],
        0,
        0,
    );
    let a2 = alert(
        &[("alertname", "Down"), ("team", "a"), ("instance", "h2")],
        0,
        0,
    );
    let a3 = alert(&[("alertname", "Down"), ("team", "c")], 0, 0);
    assert_eq!(d.insert_alert(&a1, t(0)), 2); // team-a (h1) + team-ab
    assert_eq!(d.insert_alert(&a2, t(0)), 1); // team-a (h2); team-ab exists
    assert_eq!(d.insert_alert(&a3, t(0)), 1); // root
    assert_eq!(d.insert_alert(&a3, t(1)), 0);
    assert_eq!(d.len(), 4);
    let snap = d.groups();
    let keys: Vec<&str> = snap.groups.iter().map(|g| g.group_key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            r#"{}:{alertname="Down"}"#,
            r#"{}/{team=~"a|b"}:{alertname="Down"}"#,
            r#"{}/{team="a"}:{alertname="Down", instance="h1"}"#,
            r#"{}/{team="a"}:{alertname="Down", instance="h2"}"#,
        ]
    );
    assert_eq!(snap.groups[1].receiver, "team-ab");
    let mut both = vec![a1.fingerprint(), a2.fingerprint()];
    both.sort();
    assert_eq!(snap.groups[1].fingerprints, both);
    assert_eq!(snap.groups[0].fingerprints, vec![a3.fingerprint()]);
}

#[test]
fn group_wait_then_group_interval() {
    let mut d = disp();
    let a = alert(&[("alertname", "X")], 100, 100);
    d.insert_alert(&a, t(100));
    assert_eq!(d.next_deadline(), Some(t(130)));
    assert!(d.due(t(129)).is_empty());
    let flushes = d.due(t(130));
    assert_eq!(flushes.len(), 1);
    let f = &flushes[0];
    assert_eq!(f.group_key, r#"{}:{alertname="X"}"#);
    assert_eq!(f.receiver, "default");
    assert_eq!(f.fingerprints, vec![a.fingerprint()]);
    assert_eq!(f.tick, t(130));
    assert_eq!(f.timeout.as_secs(), 300);
    assert_eq!(f.route_node().repeat_interval.as_secs(), 4 * 3600);
    assert_eq!(d.next_deadline(), Some(t(430)));
    d.flush_done(f.id, &FlushReport::default(), &MapSource::default());
    assert!(d.due(t(429)).is_empty());
    assert_eq!(d.due(t(430)).len(), 1);
    assert_eq!(d.next_deadline(), Some(t(730)));
}

#[test]
fn old_alert_flushes_immediately_until_first_flush() {
    let mut d = disp();
    // starts_at + group_wait (30s) < now → immediate.
    let old = alert(&[("alertname", "X")], 0, 100);
    d.insert_alert(&old, t(100));
    assert_eq!(d.next_deadline(), Some(t(100)));
    // Exactly group_wait old is not "before now": normal timer.
    let mut d2 = disp();
    d2.insert_alert(&alert(&[("alertname", "Y")], 70, 100), t(100));
    assert_eq!(d2.next_deadline(), Some(t(130)));
    // An old alert joining a waiting group pulls its timer in.
    d2.insert_alert(&alert(&[("alertname", "Y"), ("i", "2")], 0, 110), t(110));
    assert_eq!(d2.next_deadline(), Some(t(110)));
    let f = d2.due(t(110));
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].fingerprints.len(), 2);
    d2.flush_done(f[0].id, &FlushReport::default(), &MapSource::default());
    // After the first flush the rule no longer applies.
    d2.insert_alert(&alert(&[("alertname", "Y"), ("i", "3")], 0, 120), t(120));
    assert_eq!(d2.next_deadline(), Some(t(410)));
}

#[test]
fn start_delay_holds_back_every_timer() {
    let mut d = Dispatcher::new(tree(), t(0), SignedDuration::from_secs(60));
    d.insert_alert(&alert(&[("alertname", "X")], 0, 0), t(0));
    d.insert_alert(&alert(&[("alertname", "Old")], -3600, 0), t(0));
    assert_eq!(d.next_deadline(), Some(t(60)));
    assert!(d.due(t(59)).is_empty());
    let f = d.due(t(60));
    assert_eq!(f.len(), 2);
    // After the delay, timers are the groups' own.
    d.insert_alert(&alert(&[("alertname", "Z")], 100, 100), t(100));
    for fl in &f {
        d.flush_done(fl.id, &FlushReport::default(), &MapSource::default());
    }
    assert_eq!(d.next_deadline(), Some(t(130)));
}

#[test]
fn one_flush_in_flight_per_group() {
    let mut d = disp();
    d.insert_alert(&alert(&[("alertname", "X")], 0, 0), t(0));
    let f = d.due(t(30));
    assert_eq!(f.len(), 1);
    // The flush is still running at the next tick: nothing fires.
    assert_eq!(d.next_deadline(), Some(t(330)));
    assert!(d.due(t(330)).is_empty());
    assert!(d.due(t(400)).is_empty());
    // When it ends, the missed tick fires at once and re-arms from then.
    d.flush_done(f[0].id, &FlushReport::default(), &MapSource::default());
    assert_eq!(d.next_deadline(), Some(t(330)));
    let f2 = d.due(t(410));
    assert_eq!(f2.len(), 1);
    assert_eq!(f2[0].tick, t(410));
    assert_eq!(d.next_deadline(), Some(t(710)));
}

#[test]
fn delivered_flush_drops_unchanged_resolved_alerts() {
    let src = MapSource::default();
    let mut d = disp();
    let mut gone = alert(&[("alertname", "X"), ("i", "1")], 0, 0);
    gone.ends_at = t(20);
    let mut refired = alert(&[("alertname", "X"), ("i", "2")], 0, 0);
    refired.ends_at = t(20);
    let firing = alert(&[("alertname", "X"), ("i", "3")], 0, 0);
    for a in [&gone, &refired, &firing] {
        src.put(a);
        d.insert_alert(a, t(0));
    }
    let f = d.due(t(30)).remove(0);
    let report = FlushReport {
        delivered: true,
        resolved: vec![FlushedAlert::of(&gone), FlushedAlert::of(&refired)],
        missing: vec![],
    };
    // `refired` fires again during the flush.
    let mut again = refired.clone();
    again.ends_at = ZERO_TIME;
    again.updated_at = t(31);
    src.put(&again);
    d.flush_done(f.id, &report, &src);
    let fps = &d.groups().groups[0].fingerprints;
    let mut want = vec![refired.fingerprint(), firing.fingerprint()];
    want.sort();
    assert_eq!(*fps, want);
}

#[test]
fn failed_flush_keeps_resolved_alerts_but_drops_missing_ones() {
    let src = MapSource::default();
    let mut d = disp();
    let mut resolved = alert(&[("alertname", "X"), ("i", "1")], 0, 0);
    resolved.ends_at = t(20);
    let lost = alert(&[("alertname", "X"), ("i", "2")], 0, 0);
    let back = alert(&[("alertname", "X"), ("i", "3")], 0, 0);
    src.put(&resolved);
    for a in [&resolved, &lost, &back] {
        d.insert_alert(a, t(0));
    }
    let f = d.due(t(30)).remove(0);
    // `back` was missing at flush time but has been stored again since.
    src.put(&back);
    let report = FlushReport {
        delivered: false,
        resolved: vec![FlushedAlert::of(&resolved)],
        missing: vec![lost.fingerprint(), back.fingerprint()],
    };
    d.flush_done(f.id, &report, &src);
    let mut want = vec![resolved.fingerprint(), back.fingerprint()];
    want.sort();
    assert_eq!(d.groups().groups[0].fingerprints, want);
}

#[test]
fn maintenance_removes_empty_idle_groups_only() {
    let src = MapSource::default();
    let mut d = disp();
    let mut a = alert(&[("alertname", "X")], 0, 0);
    a.ends_at = t(10);
    let b = alert(&[("alertname", "Y")], 0, 0);
    src.put(&a);
    d.insert_alert(&a, t(0));
    d.insert_alert(&b, t(0));
    let flushes = d.due(t(30));
    assert_eq!(flushes.len(), 2);
    d.remove(&[b.fingerprint()]);
    // Y is empty but its flush is in flight; X is not empty yet.
    assert!(d.maintenance().is_empty());
    for f in &flushes {
        let report = FlushReport {
            delivered: true,
            resolved: vec![FlushedAlert::of(&a)],
            missing: vec![],
        };
        d.flush_done(f.id, &report, &src);
    }
    let mut removed = d.maintenance();
    removed.sort_by(|x, y| x.group_key.cmp(&y.group_key));
    assert_eq!(
        removed,
        vec![
            RemovedGroup {
                route: 0,
                route_id: "{}".into(),
                group_key: r#"{}:{alertname="X"}"#.into()
            },
            RemovedGroup {
                route: 0,
                route_id: "{}".into(),
                group_key: r#"{}:{alertname="Y"}"#.into()
            },
        ]
    );
    assert!(d.is_empty());
    assert_eq!(d.next_deadline(), None);
    // A stale id is ignored; a new group reuses the slot with a fresh timer.
    d.flush_done(flushes[0].id, &FlushReport::default(), &src);
    d.insert_alert(&alert(&[("alertname", "Y")], 40, 40), t(40));
    assert_eq!(d.len(), 1);
    assert_eq!(d.next_deadline(), Some(t(70)));
    assert_ne!(d.due(t(70))[0].id, flushes[0].id);
}

#[test]
fn empty_group_ticks_without_flushing() {
    let mut d = disp();
    let a = alert(&[("alertname", "X")], 0, 0);
    d.insert_alert(&a, t(0));
    d.remove(&[a.fingerprint()]);
    assert!(d.due(t(30)).is_empty());
    assert_eq!(d.next_deadline(), Some(t(330)));
}

#[test]
fn groups_sorted_like_upstream() {
    let mut d = disp();
    for (name, extra) in [("b", "x"), ("a", "y"), ("a", "x")] {
        d.insert_alert(
            &alert(&[("alertname", name), ("all", "yes"), ("k", extra)], 0, 0),
            t(0),
        );
    }
    d.insert_alert(&alert(&[("alertname", "z")], 0, 0), t(0));
    let labels: Vec<String> = d
        .groups()
        .groups
        .iter()
        .map(|g| g.labels.to_string())
        .collect();
    assert_eq!(
        labels,
        vec![
            r#"{alertname="z"}"#,
            r#"{alertname="a", all="yes", k="x"}"#,
            r#"{alertname="a", all="yes", k="y"}"#,
            r#"{alertname="b", all="yes", k="x"}"#,
        ]
    );
}

#[test]
fn label_set_before_matches_go() {
    use std::cmp::Ordering::*;
    let cases: &[(Pairs, Pairs, std::cmp::Ordering)] = &[
        (&[("a", "1")], &[("a", "1"), ("b", "1")], Less),
        (&[("a", "1")], &[("a", "2")], Less),
        (&[("a", "2")], &[("a", "1")], Greater),
        // Go walks the union of names: `b` missing from the left makes it come first.
        (&[("a", "1"), ("c", "1")], &[("a", "1"), ("b", "1")], Less),
        (&[("b", "1")], &[("a", "9")], Less),
        (&[("a", "1")], &[("a", "1")], Equal),
    ];
    for (a, b, want) in cases {
        assert_eq!(labels_cmp(&ls(a), &ls(b)), *want, "{a:?} {b:?}");
        assert_eq!(labels_cmp(&ls(b), &ls(a)), want.reverse(), "{b:?} {a:?}");
    }
}

#[test]
fn alerts_sort_by_job_instance_then_labels() {
    let mut alerts = vec![
        alert(&[("x", "1")], 0, 0),
        alert(&[("job", "b"), ("instance", "1")], 0, 0),
        alert(&[("instance", "2")], 0, 0),
        alert(&[("job", "a"), ("instance", "9")], 0, 0),
        alert(&[("job", "a"), ("instance", "1"), ("z", "z")], 0, 0),
        alert(&[("instance", "1")], 0, 0),
    ];
    sort_alerts(&mut alerts);
    let got: Vec<String> = alerts.iter().map(|a| a.labels.to_string()).collect();
    assert_eq!(
        got,
        vec![
            r#"{instance="1", job="a", z="z"}"#,
            r#"{instance="9", job="a"}"#,
            r#"{instance="1", job="b"}"#,
            r#"{instance="1"}"#,
            r#"{instance="2"}"#,
            r#"{x="1"}"#,
        ]
    );
}

//! Timeline differential test: one configuration (routes with `continue`, `group_by` incl.
//! `...`, short group_wait/group_interval, repeat_interval, inhibition, silences,
//! send_resolved true/false, max_alerts) and one timeline run against Go Alertmanager and
//! against alertmesh. Notifications are compared per (receiver, groupKey) as sequences, and API
//! snapshots at checkpoints are compared after normalization. The Go run is also checked
//! against the sequence derived from upstream semantics (`dispatch/dispatch.go`,
//! `notify/notify.go` DedupStage/RetryStage, `inhibit/inhibit.go`, `silence/silence.go`).

use std::sync::OnceLock;

use am_acceptance::timeline::{self, AlertSpec, Event, Outcome, Scenario};
use am_testkit::{Flavor, flavor_available};

const CONFIG: &str = r#"
global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
  routes:
  - receiver: team-a
    matchers: ['team="a"']
    group_by: [alertname, cluster]
    continue: true
  - receiver: team-b-all
    matchers: ['team=~"a|b"']
    group_by: ['...']
    repeat_interval: 5s
  - receiver: pager
    matchers: ['severity="page"']
inhibit_rules:
- source_matchers: ['severity="critical"']
  target_matchers: ['severity="warning"']
  equal: [cluster]
receivers:
- name: default
  webhook_configs:
  - url: HOOK/default
- name: team-a
  webhook_configs:
  - url: HOOK/team-a
- name: team-b-all
  webhook_configs:
  - url: HOOK/team-b-all
    send_resolved: false
- name: pager
  webhook_configs:
  - url: HOOK/pager
    send_resolved: false
    max_alerts: 2
"#;

fn a(labels: &[(&'static str, &'static str)]) -> AlertSpec {
    AlertSpec::new(labels)
}

/// Groups are created at even seconds and tick at odd seconds; events happen at even seconds.
fn scenario() -> Scenario {
    let a1 = a(&[
        ("alertname", "Disk"),
        ("team", "a"),
        ("cluster", "c1"),
        ("severity", "warning"),
        ("id", "a1"),
    ]);
    let a2 = a(&[
        ("alertname", "Disk"),
        ("team", "a"),
        ("cluster", "c2"),
        ("severity", "warning"),
        ("id", "a2"),
    ]);
    let b1 = a(&[
        ("alertname", "Cpu"),
        ("team", "b"),
        ("cluster", "c1"),
        ("severity", "critical"),
        ("id", "b1"),
    ]);
    let p = |id| a(&[("alertname", "Pg"), ("severity", "page"), ("id", id)]);
    let d = |id| a(&[("alertname", "Misc"), ("id", id)]);
    Scenario {
        config: CONFIG.to_string(),
        events: vec![
            (
                0.0,
                Event::Fire(vec![
                    a1.clone(),
                    a2.clone(),
                    b1.clone(),
                    p("p1"),
                    p("p2"),
                    p("p3"),
                    d("d1"),
                ]),
            ),
            (
                2.0,
                Event::Silence {
                    name: "s-a2",
                    matchers: vec![("id", "a2")],
                },
            ),
            (2.4, Event::Checkpoint("silenced+inhibited")),
            (4.0, Event::Resolve(vec![b1])),
            (6.0, Event::Expire("s-a2")),
            (6.0, Event::Resolve(vec![p("p1")])),
            (6.4, Event::Checkpoint("unsilenced")),
            (8.0, Event::Resolve(vec![d("d1")])),
            (8.0, Event::Fire(vec![d("d2")])),
            (
                10.0,
                Event::Resolve(vec![a1, a2, p("p2"), p("p3"), d("d2")]),
            ),
            (10.4, Event::Checkpoint("resolved")),
        ],
        end: 12.6,
    }
}

/// The Go run, shared by both tests of this process.
fn go_outcome() -> Option<&'static Outcome> {
    static GO: OnceLock<Option<Outcome>> = OnceLock::new();
    GO.get_or_init(|| {
        flavor_available(Flavor::Go).then(|| {
            timeline::run(Flavor::Go, &scenario()).unwrap_or_else(|e| panic!("go run: {e}"))
        })
    })
    .as_ref()
}

/// The notification sequence upstream semantics give for [`scenario`], one line per webhook.
fn expected_lines() -> Vec<String> {
    let all_a2 = r#"{alertname="Disk", cluster="c2", id="a2", severity="warning", team="a"}"#;
    let all_a1 = r#"{alertname="Disk", cluster="c1", id="a1", severity="warning", team="a"}"#;
    let all_b1 = r#"{alertname="Cpu", cluster="c1", id="b1", severity="critical", team="b"}"#;
    let mut lines = vec![
        // d1 fires at 1; at 9 d2 is new (firing ⊄ last firing) and send_resolved shows d1;
        // at 11 everything is resolved.
        r#"default {}:{alertname="Misc"}: firing [d1+]"#.to_string(),
        r#"default {}:{alertname="Misc"}: firing [d1- d2+]"#.to_string(),
        r#"default {}:{alertname="Misc"}: resolved [d2-]"#.to_string(),
        // max_alerts 2 truncates the first flush; p1 resolving later with send_resolved false
        // and firing ⊆ last firing sends nothing; the final all-resolved flush sends nothing.
        r#"pager {}/{severity="page"}:{alertname="Pg"}: firing [p1+ p2+] truncated=1"#.to_string(),
        // a1 is inhibited by b1 (same cluster) until b1 resolves at 4; a2 is silenced from 2
        // to 6, which does not reset the log, so no re-notification at 7 (repeat 1h).
        r#"team-a {}/{team="a"}:{alertname="Disk", cluster="c1"}: firing [a1+]"#.to_string(),
        r#"team-a {}/{team="a"}:{alertname="Disk", cluster="c1"}: resolved [a1-]"#.to_string(),
        r#"team-a {}/{team="a"}:{alertname="Disk", cluster="c2"}: firing [a2+]"#.to_string(),
        r#"team-a {}/{team="a"}:{alertname="Disk", cluster="c2"}: resolved [a2-]"#.to_string(),
        // '...' gives one group per alert; send_resolved false: resolutions send nothing.
        // a2: repeat_interval 5s elapsed at the 7 s tick (last sent at 1).
        format!(r#"team-b-all {{}}/{{team=~"a|b"}}:{all_a1}: firing [a1+]"#),
        format!(r#"team-b-all {{}}/{{team=~"a|b"}}:{all_a2}: firing [a2+]"#),
        format!(r#"team-b-all {{}}/{{team=~"a|b"}}:{all_a2}: firing [a2+]"#),
        format!(r#"team-b-all {{}}/{{team=~"a|b"}}:{all_b1}: firing [b1+]"#),
    ];
    lines.sort();
    lines
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn go_matches_upstream_semantics() {
    let Some(go) = go_outcome() else { return };
    // Sorting keeps each group's lines in order (stable sort on equal prefixes is not needed:
    // lines of one group differ in content, and the per-group order is checked below).
    assert_eq!(
        sorted(go.lines()),
        expected_lines(),
        "Go notifications differ from the expected sequence\nstderr:\n{}",
        go.stderr
    );
    let default = go
        .notifications
        .iter()
        .find(|((_, r, _), _)| r == "default")
        .map(|(_, v)| v.iter().map(|n| n.to_string()).collect::<Vec<_>>());
    assert_eq!(
        default,
        Some(vec![
            "firing [d1+]".to_string(),
            "firing [d1- d2+]".to_string(),
            "resolved [d2-]".to_string()
        ])
    );

    let states = |name| timeline::alert_states(&go.snapshot(name).expect("checkpoint").alerts);
    let s = states("silenced+inhibited");
    assert_eq!(s["a1"], "suppressed s=[] i=[b1] r=[team-a,team-b-all]");
    assert_eq!(s["a2"], "suppressed s=[s-a2] i=[] r=[team-a,team-b-all]");
    assert_eq!(s["b1"], "active s=[] i=[] r=[team-b-all]");
    assert_eq!(s["p1"], "active s=[] i=[] r=[pager]");
    let s = states("unsilenced");
    assert_eq!(s["a1"], "active s=[] i=[] r=[team-a,team-b-all]");
    assert_eq!(s["a2"], "active s=[] i=[] r=[team-a,team-b-all]");
    assert!(!s.contains_key("b1") && !s.contains_key("p1"), "{s:?}");
    let s = states("resolved");
    assert_eq!(s.keys().cloned().collect::<Vec<_>>(), Vec::<String>::new());
    // Groups: 1 default + 1 pager + 2 team-a + 3 team-b-all while everything fires.
    let groups = &go
        .snapshot("silenced+inhibited")
        .expect("checkpoint")
        .groups;
    assert_eq!(groups.as_array().map(Vec::len), Some(7), "{groups:#}");
}

#[test]
fn alertmesh_matches_go() {
    if !flavor_available(Flavor::Alertmesh) {
        return;
    }
    let Some(go) = go_outcome() else { return };
    let mesh = timeline::run(Flavor::Alertmesh, &scenario()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        mesh.lines(),
        go.lines(),
        "notification sequences differ (left alertmesh, right Go)\nalertmesh stderr:\n{}",
        mesh.stderr
    );
    assert_eq!(
        mesh.notifications, go.notifications,
        "fingerprints/paths differ"
    );
    for (m, g) in mesh.snapshots.iter().zip(&go.snapshots) {
        assert_eq!(m.alerts, g.alerts, "GET /api/v2/alerts at {}", g.name);
        assert_eq!(
            m.groups, g.groups,
            "GET /api/v2/alerts/groups at {}",
            g.name
        );
    }
}

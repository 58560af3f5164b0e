//! Differential test of the routing tree against Go Alertmanager 0.25's `dispatch.Route`
//! (oracle in `tests/go/dispatch_oracle`): random routing trees (new and legacy matchers,
//! `continue`, `group_by` incl. `...`) and random label sets; compares route keys, receivers,
//! `Route.Match`, group keys and the `types.AlertSlice` sort order.

use std::fmt::Write as _;
use std::path::Path;

use am_model::alert::Alert;
use am_testkit::{GoOracle, TestRng};
use serde::{Deserialize, Serialize};

use super::core_tests::alert;
use super::*;

#[derive(Serialize)]
struct Request {
    config: String,
    alerts: Vec<std::collections::BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct GoRoute {
    key: String,
    receiver: String,
}

#[derive(Deserialize)]
#[serde(default)]
#[derive(Default)]
struct Reply {
    error: String,
    routes: Vec<GoRoute>,
    matches: Vec<Vec<RouteIdx>>,
    group_keys: Vec<Vec<String>>,
    order: Vec<usize>,
}

const NAMES: &[&str] = &["a", "b", "job", "instance"];
const VALUES: &[&str] = &["1", "2", "x"];

fn matcher(rng: &mut TestRng) -> String {
    let name = rng.pick(NAMES);
    match rng.below(4) {
        0 => format!(r#"{name}="{}""#, rng.pick(VALUES)),
        1 => format!(r#"{name}!="{}""#, rng.pick(VALUES)),
        2 => format!(r#"{name}=~"{}""#, rng.pick(&["1|2", "x.*", ".*", "2"])),
        _ => format!(r#"{name}!~"{}""#, rng.pick(&["1|x", "", "2"])),
    }
}

fn route(rng: &mut TestRng, out: &mut String, indent: usize, depth: usize, root: bool) {
    let pad = " ".repeat(indent);
    let mut first = true;
    let mut line = |out: &mut String, text: String| {
        let lead = if first && !root { "- " } else { "  " };
        let lead = if root { "" } else { lead };
        first = false;
        let _ = writeln!(out, "{pad}{lead}{text}");
    };
    if root || rng.chance(40) {
        line(out, format!("receiver: r{}", rng.below(4)));
    }
    if !root {
        match rng.below(4) {
            0 => {
                let ms: Vec<String> = (0..=rng.below(2))
                    .map(|_| format!("'{}'", matcher(rng)))
                    .collect();
                line(out, format!("matchers: [{}]", ms.join(", ")));
            }
            1 => line(
                out,
                format!("match: {{{}: '{}'}}", rng.pick(NAMES), rng.pick(VALUES)),
            ),
            2 => line(out, format!("match_re: {{{}: '1|x'}}", rng.pick(NAMES))),
            _ => line(out, format!("matchers: ['{}']", matcher(rng))),
        }
        if rng.chance(40) {
            line(out, "continue: true".to_string());
        }
    }
    if rng.chance(40) {
        let g = match rng.below(4) {
            0 => "['...']".to_string(),
            1 => format!("[{}]", rng.pick(NAMES)),
            _ => {
                let i = rng.below(NAMES.len());
                let j = (i + 1 + rng.below(NAMES.len() - 1)) % NAMES.len();
                format!("[{}, {}]", NAMES[i], NAMES[j])
            }
        };
        line(out, format!("group_by: {g}"));
    }
    if depth < 3 && rng.chance(60) {
        line(out, "routes:".to_string());
        for _ in 0..=rng.below(3) {
            route(
                rng,
                out,
                indent + if root { 2 } else { 4 },
                depth + 1,
                false,
            );
        }
    }
}

fn config(rng: &mut TestRng) -> String {
    let mut out = String::from("route:\n");
    route(rng, &mut out, 2, 0, true);
    out.push_str("receivers:\n- name: r0\n- name: r1\n- name: r2\n- name: r3\n");
    out
}

fn labels(rng: &mut TestRng) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for &name in NAMES {
        if rng.chance(55) {
            out.push((name, rng.pick(VALUES)));
        }
    }
    out
}

#[test]
fn routing_matches_go_dispatch() {
    let Some(go) = GoOracle::build(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/dispatch_oracle"),
        "dispatch_oracle",
    ) else {
        return;
    };
    let mut rng = TestRng::new(0xd15_9a7c);
    let mut cases = Vec::new();
    for _ in 0..300 {
        let cfg = config(&mut rng);
        let sets: Vec<Vec<(&str, &str)>> = (0..16).map(|_| labels(&mut rng)).collect();
        cases.push((cfg, sets));
    }
    let requests: Vec<Request> = cases
        .iter()
        .map(|(cfg, sets)| Request {
            config: cfg.clone(),
            alerts: sets
                .iter()
                .map(|s| s.iter().map(|&(k, v)| (k.into(), v.into())).collect())
                .collect(),
        })
        .collect();
    let replies: Vec<Reply> = go.run_json(&requests);
    assert_eq!(replies.len(), cases.len());
    let mut routes_seen = 0;
    for ((cfg, sets), reply) in cases.iter().zip(&replies) {
        assert_eq!(reply.error, "", "go refused:\n{cfg}");
        let loaded = am_config::load::load_str(cfg, None, &Default::default())
            .unwrap_or_else(|e| panic!("{e:?}\n{cfg}"));
        let tree = RouteTree::new(&loaded.route);
        let ours: Vec<(&str, &str)> = tree
            .nodes()
            .iter()
            .map(|n| (n.key.as_str(), n.receiver.as_str()))
            .collect();
        let theirs: Vec<(&str, &str)> = reply
            .routes
            .iter()
            .map(|r| (r.key.as_str(), r.receiver.as_str()))
            .collect();
        assert_eq!(ours, theirs, "routes of\n{cfg}");
        routes_seen += tree.len();
        let alerts: Vec<Alert> = sets.iter().map(|s| alert(s, 0, 0)).collect();
        for (i, a) in alerts.iter().enumerate() {
            let matched = tree.match_routes(&a.labels);
            assert_eq!(matched, reply.matches[i], "{} in\n{cfg}", a.labels);
            let keys: Vec<String> = matched
                .iter()
                .map(|&r| {
                    let node = tree.node(r);
                    am_model::group_key::group_key(&node.key, &node.group_labels(&a.labels))
                })
                .collect();
            assert_eq!(keys, reply.group_keys[i], "{} in\n{cfg}", a.labels);
        }
        let mut order: Vec<usize> = (0..alerts.len()).collect();
        order.sort_by(|&x, &y| alert_order(&alerts[x], &alerts[y]));
        assert_eq!(order, reply.order, "sort of {sets:?}");
    }
    assert!(routes_seen > 600, "trees too small: {routes_seen} routes");
}

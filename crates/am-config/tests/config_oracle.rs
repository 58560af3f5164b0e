//! Differential test against Alertmanager's own `config` and `dispatch` packages (Debian's
//! 0.25 Go sources, which behave like 0.28 in classic matcher mode for everything checked
//! here). One Go process loads every case; for each, both sides must agree on
//! accept/reject (and, for validation errors, on the message), and for accepted files on the
//! route tree (route keys, receivers, grouping, timings, continue, time intervals), the
//! inhibition rules, and the printed `route`, `inhibit_rules`, `templates` and time interval
//! sections.

use std::path::Path;

use am_config::{Config, GroupBy, LoadOptions, Route, load_str};
use am_model::matcher::{Matchers, ParseMode};
use am_testkit::{GoOracle, TestRng};
use serde_json::Value;

/// Handwritten cases: edge cases of inheritance, grouping and matcher forms, and errors.
const CASES: &[&str] = &[
    "route: {receiver: a}\nreceivers: [{name: a}]\n",
    "route:\n  receiver: a\n  group_by: ['...']\n  routes:\n  - group_by: []\n  - group_by: [x]\n    routes:\n    - group_by: ['...']\n    - {}\nreceivers: [{name: a}]\n",
    "route:\n  receiver: a\n  group_by: [x, y]\n  group_wait: 1m\n  routes:\n  - receiver: b\n    group_interval: 1h\n    routes:\n    - repeat_interval: 1w\n      continue: true\n    - receiver: ''\nreceivers: [{name: a}, {name: b}]\n",
    "route:\n  receiver: a\n  routes:\n  - match: {b: '1', a: '2'}\n    match_re: {c: 'x|y', a: '.*'}\n    matchers: ['a=\"2\"', 'z!~\"q\", b!=3']\nreceivers: [{name: a}]\n",
    "route:\n  receiver: a\n  routes:\n  - match: {a: ~}\n  - match_re: {a: ''}\n  - matchers: ['{a=\"b\",c=~\"d\"}', 'e=f,']\nreceivers: [{name: a}]\n",
    "route:\n  receiver: a\n  routes:\n  - mute_time_intervals: [w]\n    active_time_intervals: [n]\n    routes: [{}]\nreceivers: [{name: a}]\ntime_intervals: [{name: w, time_intervals: [{weekdays: ['saturday:sunday'], times: [{start_time: '00:00', end_time: '24:00'}]}]}]\nmute_time_intervals: [{name: n, time_intervals: [{months: ['1:3'], days_of_month: ['-3:-1'], years: ['2030'], location: UTC}]}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ntemplates: ['x/*.tmpl', '/abs.tmpl']\ninhibit_rules:\n- source_match: {severity: critical}\n  target_match_re: {severity: 'warn.*'}\n  target_matchers: ['x=y']\n  equal: [alertname, cluster]\n- source_matchers: ['a=b', 'c!=d']\n  target_matchers: ['e=~f']\n",
    // Errors.
    "",
    "# only a comment\n",
    "receivers: [{name: a}]\n",
    "route: {group_by: [x]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, match: {x: y}}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, match_re: {x: y}}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, matchers: ['x=y']}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, mute_time_intervals: [w]}\nreceivers: [{name: a}]\ntime_intervals: [{name: w}]\n",
    "route: {receiver: a, active_time_intervals: [w]}\nreceivers: [{name: a}]\ntime_intervals: [{name: w}]\n",
    "route: {receiver: a, continue: true}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{receiver: b}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{routes: [{receiver: b}]}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}, {name: a}]\n",
    "route: {receiver: a, routes: [{mute_time_intervals: [x]}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{active_time_intervals: [x]}]}\nreceivers: [{name: a}]\ntime_intervals: [{name: y}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals: [{name: w}]\nmute_time_intervals: [{name: w}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals: [{name: w}, {name: w}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ntime_intervals: [{time_intervals: []}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\nmute_time_intervals: [{name: ''}]\n",
    "route: {receiver: a, routes: [{group_by: ['...', x]}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{group_by: [x, x]}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{group_by: ['x-y']}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{group_interval: 0s}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{repeat_interval: 0m}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{match: {'x-y': z}}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{match_re: {'x y': z}}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{match_re: {x: ~}}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{match_re: {x: '(('}}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a, routes: [{matchers: ['x']}]}\nreceivers: [{name: a}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ninhibit_rules: [{source_match: {'1x': y}}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ninhibit_rules: [{target_match_re: {x: '[a'}}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ninhibit_rules: [{target_matchers: ['=x']}]\n",
    "route: {receiver: a, group_wiat: 1m}\nreceivers: [{name: a}]\n",
    "route: {receiver: a}\nreceivers: [{name: a}]\ntracing: {}\n",
];

const DURATIONS: &[&str] = &["10s", "30s", "1m", "5m", "90m", "4h", "1d", "1w", "0s"];
const LABELS: &[&str] = &["alertname", "cluster", "env", "service", "severity", "..."];
const MATCHER_STRINGS: &[&str] = &[
    "severity=\"critical\"",
    "env=~\"prod|stag.*\"",
    "team!=ops",
    "service!~\"db-.*\", env=prod",
    "{cluster=\"eu-1\"}",
    "alertname=~\"Disk.*\",",
    "x",
];
const PATTERNS: &[&str] = &["a|b", ".*", "db-[0-9]+", "", "(x", "^prod$"];

fn node(rng: &mut TestRng, depth: usize, root: bool, out: &mut String, indent: &str) {
    let mut fields: Vec<String> = Vec::new();
    if root || rng.chance(50) {
        let receiver = if rng.chance(3) {
            "nobody"
        } else {
            rng.pick(&["a", "b", "c"])
        };
        fields.push(format!("receiver: {receiver}"));
    }
    if rng.chance(40) {
        let n = rng.below(3);
        let labels: Vec<String> = (0..n)
            .map(|_| {
                format!(
                    "'{}'",
                    if rng.chance(2) {
                        "x-y"
                    } else {
                        rng.pick(LABELS)
                    }
                )
            })
            .collect();
        fields.push(format!("group_by: [{}]", labels.join(", ")));
    }
    for key in ["group_wait", "group_interval", "repeat_interval"] {
        if rng.chance(25) {
            let d = rng.pick(DURATIONS);
            let d = if d == "0s" && !rng.chance(20) {
                "2m"
            } else {
                d
            };
            fields.push(format!("{key}: {d}"));
        }
    }
    if !root {
        if rng.chance(30) {
            fields.push(format!("continue: {}", rng.chance(50)));
        }
        if rng.chance(25) {
            let value = rng.pick(&["critical", "warning", "1", "", "a b"]);
            fields.push(format!(
                "match: {{severity: '{value}', {}: x}}",
                rng.pick(&["team", "env"])
            ));
        }
        if rng.chance(20) {
            let pattern = rng.pick(PATTERNS);
            let pattern = if pattern == "(x" && !rng.chance(20) {
                "y"
            } else {
                pattern
            };
            fields.push(format!("match_re: {{service: '{pattern}'}}"));
        }
        if rng.chance(50) {
            let n = 1 + rng.below(2);
            let items: Vec<String> = (0..n)
                .map(|_| {
                    let m = rng.pick(MATCHER_STRINGS);
                    let m = if m == "x" && !rng.chance(20) {
                        "a=b"
                    } else {
                        m
                    };
                    format!("'{m}'")
                })
                .collect();
            fields.push(format!("matchers: [{}]", items.join(", ")));
        }
        for key in ["mute_time_intervals", "active_time_intervals"] {
            if rng.chance(15) {
                let name = if rng.chance(10) {
                    "never"
                } else {
                    rng.pick(&["weekend", "nights"])
                };
                fields.push(format!("{key}: [{name}]"));
            }
        }
    } else if rng.chance(3) {
        fields.push("continue: true".to_string());
    }
    let children = if depth < 3 { rng.below(4 - depth) } else { 0 };
    if fields.is_empty() && children == 0 {
        fields.push("continue: false".to_string());
    }
    for (i, f) in fields.iter().enumerate() {
        let lead = if i == 0 && !root { "- " } else { "  " };
        let lead = if root { "" } else { lead };
        out.push_str(&format!("{indent}{lead}{f}\n"));
    }
    if children > 0 {
        let (lead, child_indent) = if root {
            ("", format!("{indent}  "))
        } else {
            ("  ", format!("{indent}    "))
        };
        let lead = if fields.is_empty() && !root {
            "- "
        } else {
            lead
        };
        out.push_str(&format!("{indent}{lead}routes:\n"));
        for _ in 0..children {
            node(rng, depth + 1, false, out, &child_indent);
        }
    }
}

fn random_case(rng: &mut TestRng) -> String {
    let mut out = String::from("route:\n");
    node(rng, 0, true, &mut out, "  ");
    out.push_str("receivers: [{name: a}, {name: b}, {name: c}]\n");
    out.push_str(
        "time_intervals: [{name: weekend, time_intervals: [{weekdays: [saturday, sunday]}]}]\n",
    );
    out.push_str("mute_time_intervals: [{name: nights, time_intervals: [{times: [{start_time: '22:00', end_time: '24:00'}]}]}]\n");
    if rng.chance(50) {
        let source = rng.pick(MATCHER_STRINGS);
        let target = rng.pick(MATCHER_STRINGS);
        let label = if rng.chance(5) { "x-y" } else { "cluster" };
        out.push_str(&format!(
            "inhibit_rules:\n- source_matchers: ['{source}']\n  target_match: {{severity: warning}}\n  target_matchers: ['{target}']\n  equal: [alertname, {label}]\n"
        ));
    }
    out
}

/// Every case through one oracle process; `None` when Go is missing and that is allowed.
fn run_oracle(cases: &[String]) -> Option<Vec<Value>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/config_oracle");
    Some(GoOracle::build(&src, "config_oracle")?.run_json(cases))
}

fn walk_routes(route: &Route, parent_key: Option<&str>, out: &mut Vec<Value>) {
    let key = match parent_key {
        Some(p) => format!("{p}/{}", route.matchers),
        None => route.matchers.to_string(),
    };
    let (group_by, all) = match &route.group_by {
        GroupBy::All => (None, true),
        GroupBy::Labels(labels) => {
            let mut labels = labels.clone();
            labels.sort();
            (Some(labels), false)
        }
    };
    out.push(serde_json::json!({
        "key": key,
        "receiver": route.receiver,
        "group_by": group_by,
        "group_by_all": all,
        "group_wait_ms": route.group_wait.as_millis() as u64,
        "group_interval_ms": route.group_interval.as_millis() as u64,
        "repeat_interval_ms": route.repeat_interval.as_millis() as u64,
        "continue": route.continue_matching,
        "mute": route.mute_time_intervals,
        "active": route.active_time_intervals,
    }));
    for child in &route.routes {
        walk_routes(child, Some(&key), out);
    }
}

fn sorted(matchers: &Matchers) -> String {
    let mut m = matchers.clone();
    m.sort();
    m.to_string()
}

/// The parts of the printed YAML that this crate prints itself, with key order kept.
fn printed_sections(yaml: &str) -> String {
    let doc = am_config::yaml::Document::parse(yaml).expect("printed YAML parses");
    let value: Value = doc.deserialize().expect("printed YAML decodes");
    let keys = [
        "route",
        "inhibit_rules",
        "templates",
        "time_intervals",
        "mute_time_intervals",
    ];
    let picked: serde_json::Map<String, Value> = keys
        .iter()
        .filter_map(|k| value.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    serde_json::to_string_pretty(&Value::Object(picked)).unwrap()
}

/// Compares an accepted configuration with the oracle's view of it.
fn compare_accepted(case: &str, config: &Config, go: &Value) {
    let mut routes = Vec::new();
    walk_routes(&config.route, None, &mut routes);
    let go_routes: Vec<Value> = go["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            // Go keeps the parent's label set under `...`; only the flag counts then.
            if r["group_by_all"] == Value::Bool(true) {
                r["group_by"] = Value::Null;
            }
            r
        })
        .collect();
    assert_eq!(routes, go_routes, "route tree differs for:\n{case}");

    let rules: Vec<Value> = config
        .inhibit_rules
        .iter()
        .map(|r| {
            let mut equal = r.equal.clone();
            equal.sort();
            serde_json::json!({
                "source": sorted(&r.source_matchers),
                "target": sorted(&r.target_matchers),
                "equal": equal,
            })
        })
        .collect();
    let go_rules = go.get("inhibit").cloned().unwrap_or(Value::Array(vec![]));
    assert_eq!(
        Value::Array(rules),
        go_rules,
        "inhibit rules differ for:\n{case}"
    );

    let ours = printed_sections(&config.to_yaml());
    let theirs = printed_sections(go["printed"].as_str().unwrap());
    assert_eq!(ours, theirs, "printed sections differ for:\n{case}");
}

/// Go messages that are worded differently on purpose or that changed after 0.25.
fn normalize_go_error(message: &str) -> String {
    message.replace("and other other labels", "and other labels")
}

#[test]
fn agrees_with_upstream_config_and_dispatch() {
    let mut cases: Vec<String> = CASES.iter().map(|s| s.to_string()).collect();
    let mut rng = TestRng::new(0x5eed_c0f1_9000_0028);
    cases.extend((0..200).map(|_| random_case(&mut rng)));
    let Some(results) = run_oracle(&cases) else {
        return;
    };
    assert_eq!(results.len(), cases.len());
    let opts = LoadOptions {
        matcher_mode: ParseMode::Classic,
    };
    let (mut accepted, mut rejected, mut same_message) = (0, 0, 0);
    for (case, go) in cases.iter().zip(&results) {
        let ours = load_str(case, None, &opts);
        match (go.get("error").and_then(Value::as_str), ours) {
            (None, Ok(config)) => {
                accepted += 1;
                compare_accepted(case, &config, go);
            }
            (Some(go_error), Err(errors)) => {
                rejected += 1;
                // yaml.v2 decoding errors and 0.25's label-name type errors are worded
                // differently; validation messages must match one of ours exactly.
                if go_error.starts_with("yaml:") || go_error.contains("is not a valid label name") {
                    continue;
                }
                let go_error = normalize_go_error(go_error);
                assert!(
                    errors.0.iter().any(|e| e.message == go_error),
                    "no error {go_error:?} among ours for:\n{case}\nours:\n{errors}"
                );
                same_message += 1;
            }
            (None, Err(errors)) => panic!("upstream accepts, we reject:\n{case}\n{errors}"),
            (Some(go_error), Ok(_)) => panic!("upstream rejects ({go_error}), we accept:\n{case}"),
        }
    }
    eprintln!("{accepted} accepted, {rejected} rejected ({same_message} same message)");
    // The cases must exercise both outcomes.
    assert!(
        accepted > 80 && rejected > 40,
        "accepted {accepted}, rejected {rejected}"
    );
    assert!(same_message > 40, "only {same_message} messages compared");
}

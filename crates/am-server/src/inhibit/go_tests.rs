//! Differential test against Go Alertmanager 0.25's `inhibit.Inhibitor` (Debian's packaged
//! sources, oracle in `tests/go/inhibit_oracle`): random rules, source alerts (firing,
//! resolved, ending later) and queries; every mute decision must agree.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use am_config::inhibit::InhibitRule;
use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::LabelSet;
use am_model::matcher::{MatchType, Matcher, Matchers};
use am_testkit::{GoOracle, TestRng};

use super::Inhibitor;

#[derive(Serialize)]
struct RuleIn {
    source: Vec<[String; 3]>,
    target: Vec<[String; 3]>,
    equal: Vec<String>,
}

#[derive(Serialize)]
struct AlertIn {
    labels: BTreeMap<String, String>,
    ends: &'static str,
}

#[derive(Serialize)]
struct Case {
    rules: Vec<RuleIn>,
    alerts: Vec<AlertIn>,
    queries: Vec<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct Reply {
    inhibited_by: Vec<String>,
}

const NAMES: [&str; 3] = ["a", "b", "c"];

/// Random matchers; `positive` makes the first one `=` or `=~` (source sides, so that the
/// oracle's sentinel alerts never become sources of a test rule).
fn random_matchers(rng: &mut TestRng, positive: bool) -> Vec<[String; 3]> {
    (0..1 + rng.below(2))
        .map(|i| {
            let op = if positive && i == 0 {
                rng.pick(&["=", "=~"])
            } else {
                rng.pick(&["=", "!=", "=~", "!~"])
            };
            let v = rng.pick(&["1", "2", ""]);
            let v = if op.contains('~') {
                format!("{v}|3")
            } else {
                v.to_string()
            };
            [rng.pick(&NAMES).to_string(), op.to_string(), v]
        })
        .collect()
}

fn random_labels(rng: &mut TestRng) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for n in ["a", "b", "c", "d"] {
        if rng.chance(70) {
            out.insert(n.to_string(), rng.pick(&["1", "2", "3"]).to_string());
        }
    }
    out
}

fn random_case(rng: &mut TestRng) -> Case {
    let rules = (0..1 + rng.below(3))
        .map(|_| {
            let mut equal = Vec::new();
            for n in ["a", "b", "d"] {
                if rng.chance(40) {
                    equal.push(n.to_string());
                }
            }
            RuleIn {
                source: random_matchers(rng, true),
                target: random_matchers(rng, false),
                equal,
            }
        })
        .collect();
    let mut seen = HashSet::new();
    let mut alerts = Vec::new();
    for _ in 0..rng.below(14) {
        let labels = random_labels(rng);
        if labels.is_empty() || !seen.insert(labels.clone()) {
            continue;
        }
        let ends = rng.pick(&["none", "past", "future"]);
        alerts.push(AlertIn { labels, ends });
    }
    let queries = (0..10).map(|_| random_labels(rng)).collect();
    Case {
        rules,
        alerts,
        queries,
    }
}

fn to_matchers(ms: &[[String; 3]]) -> Matchers {
    Matchers(
        ms.iter()
            .map(|[n, op, v]| {
                let ty = match op.as_str() {
                    "=" => MatchType::Equal,
                    "!=" => MatchType::NotEqual,
                    "=~" => MatchType::Regexp,
                    _ => MatchType::NotRegexp,
                };
                Matcher::new(ty, n.as_str(), v.as_str()).unwrap()
            })
            .collect(),
    )
}

fn to_labels(m: &BTreeMap<String, String>) -> LabelSet {
    LabelSet::new(m.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn ours(case: &Case, now: Timestamp) -> Vec<Option<String>> {
    let rules: Vec<InhibitRule> = case
        .rules
        .iter()
        .map(|r| InhibitRule {
            source_matchers: to_matchers(&r.source),
            target_matchers: to_matchers(&r.target),
            equal: r.equal.clone(),
            spec: Default::default(),
        })
        .collect();
    let ih = Inhibitor::new(&rules);
    for a in &case.alerts {
        let ends_at = match a.ends {
            "none" => ZERO_TIME,
            "past" => now - SignedDuration::from_mins(1),
            _ => now + SignedDuration::from_hours(1),
        };
        let alert = Alert {
            labels: to_labels(&a.labels),
            annotations: LabelSet::empty(),
            starts_at: now - SignedDuration::from_hours(2),
            ends_at,
            generator_url: Default::default(),
            updated_at: now,
            timeout: false,
        };
        ih.observe(&alert, now);
    }
    case.queries
        .iter()
        .map(|q| ih.mutes(&to_labels(q), now).map(|fp| fp.to_string()))
        .collect()
}

#[test]
fn mutes_agrees_with_go() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/inhibit_oracle");
    let Some(oracle) = GoOracle::build(&src, "inhibit-oracle") else {
        return;
    };
    let mut rng = TestRng::new(0x00a1_1b17);
    let cases: Vec<Case> = (0..300).map(|_| random_case(&mut rng)).collect();
    let replies: Vec<Reply> = oracle.run_json(&cases);
    assert_eq!(replies.len(), cases.len());
    let now: Timestamp = "2024-06-01T00:00:00Z".parse().unwrap();
    let (mut decisions, mut muted) = (0, 0);
    for (i, (case, reply)) in cases.iter().zip(&replies).enumerate() {
        let fps: HashSet<String> = case
            .alerts
            .iter()
            .map(|a| to_labels(&a.labels).fingerprint().to_string())
            .collect();
        for (j, (got, go)) in ours(case, now).iter().zip(&reply.inhibited_by).enumerate() {
            let q = to_labels(&case.queries[j]);
            match got {
                Some(fp) => {
                    assert!(
                        !go.is_empty(),
                        "case {i} query {q}: we mute by {fp}, Go does not"
                    );
                    assert!(
                        fps.contains(fp) && fps.contains(go),
                        "case {i}: {fp} / {go}"
                    );
                    muted += 1;
                }
                None => assert!(
                    go.is_empty(),
                    "case {i} query {q}: Go mutes by {go}, we do not"
                ),
            }
            decisions += 1;
        }
    }
    assert_eq!(decisions, 3000);
    assert!(muted > 100, "only {muted} muted decisions");
}

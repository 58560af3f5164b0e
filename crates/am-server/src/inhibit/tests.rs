//! Unit tests of the inhibitor, including a randomized comparison with a literal (scanning)
//! model of upstream's `Mutes`/`hasEqual`.

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};

use am_config::inhibit::InhibitRule;
use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::{Fingerprint, LabelSet};
use am_model::matcher::parse::parse_matchers_utf8;
use am_testkit::TestRng;

use super::Inhibitor;

fn rule(source: &str, target: &str, equal: &[&str]) -> InhibitRule {
    InhibitRule {
        source_matchers: parse_matchers_utf8(source).unwrap(),
        target_matchers: parse_matchers_utf8(target).unwrap(),
        equal: equal.iter().map(|s| s.to_string()).collect(),
        spec: Default::default(),
    }
}

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    LabelSet::new(pairs.iter().copied())
}

fn alert(pairs: &[(&str, &str)], ends_at: Timestamp) -> Alert {
    Alert {
        labels: labels(pairs),
        annotations: LabelSet::empty(),
        starts_at: t0(),
        ends_at,
        generator_url: Default::default(),
        updated_at: t0(),
        timeout: false,
    }
}

fn t0() -> Timestamp {
    "2024-01-01T00:00:00Z".parse().unwrap()
}

fn at(mins: i64) -> Timestamp {
    t0() + SignedDuration::from_mins(mins)
}

#[test]
fn equal_labels_decide_and_missing_equals_missing() {
    let ih = Inhibitor::new(&[rule(
        "alertname=\"Src\"",
        "alertname=\"Tgt\"",
        &["cluster", "zone"],
    )]);
    let src = alert(&[("alertname", "Src"), ("cluster", "a")], ZERO_TIME);
    ih.observe(&src, t0());
    let fp = src.fingerprint();
    let now = at(1);
    assert_eq!(
        ih.mutes(&labels(&[("alertname", "Tgt"), ("cluster", "a")]), now),
        Some(fp)
    );
    assert_eq!(
        ih.mutes(&labels(&[("alertname", "Tgt"), ("cluster", "b")]), now),
        None
    );
    assert_eq!(
        ih.mutes(
            &labels(&[("alertname", "Tgt"), ("cluster", "a"), ("zone", "z")]),
            now
        ),
        None
    );
    assert_eq!(ih.mutes(&labels(&[("alertname", "Tgt")]), now), None);
    assert_eq!(
        ih.mutes(&labels(&[("alertname", "Other"), ("cluster", "a")]), now),
        None
    );
    // A source without both equal labels inhibits targets without them.
    let bare = alert(&[("alertname", "Src")], ZERO_TIME);
    ih.observe(&bare, t0());
    assert_eq!(
        ih.mutes(&labels(&[("alertname", "Tgt")]), now),
        Some(bare.fingerprint())
    );
    assert_eq!(ih.source_count(), 2);
    // Alerts not matching the source side are not cached.
    ih.observe(
        &alert(&[("alertname", "Tgt"), ("cluster", "a")], ZERO_TIME),
        t0(),
    );
    assert_eq!(ih.source_count(), 2);
}

#[test]
fn resolved_sources_do_not_inhibit_and_are_collected() {
    let ih = Inhibitor::new(&[rule(
        "severity=\"critical\"",
        "severity=\"warning\"",
        &["job"],
    )]);
    let target = labels(&[("severity", "warning"), ("job", "j")]);
    let src = alert(&[("severity", "critical"), ("job", "j")], at(10));
    ih.observe(&src, t0());
    assert_eq!(ih.mutes(&target, at(9)), Some(src.fingerprint()));
    assert_eq!(ih.mutes(&target, at(10)), None, "resolved at its end");
    // Re-posted firing: inhibits again, still one cache entry.
    ih.observe(
        &alert(&[("severity", "critical"), ("job", "j")], at(30)),
        at(11),
    );
    assert_eq!(ih.source_count(), 1);
    assert_eq!(ih.mutes(&target, at(20)), Some(src.fingerprint()));
    assert_eq!(ih.gc(at(29)), 0);
    assert_eq!(ih.gc(at(30)), 1);
    assert_eq!(ih.source_count(), 0);
    // Observing an already resolved version drops it at once.
    ih.observe(
        &alert(&[("severity", "critical"), ("job", "j")], at(40)),
        at(31),
    );
    assert_eq!(ih.source_count(), 1);
    ih.observe(
        &alert(&[("severity", "critical"), ("job", "j")], at(35)),
        at(36),
    );
    assert_eq!(ih.source_count(), 0);
    assert_eq!(ih.mutes(&target, at(36)), None);
}

#[test]
fn two_sided_matches_do_not_inhibit_their_own_kind() {
    let ih = Inhibitor::new(&[rule("alertname=\"A\"", "team=\"x\"", &[])]);
    let both = alert(&[("alertname", "A"), ("team", "x")], ZERO_TIME);
    ih.observe(&both, t0());
    // Matches both sides: its only source also matches both sides, so it is not muted.
    assert_eq!(ih.mutes(&both.labels, at(1)), None);
    // A target-only alert is muted by it.
    let other = labels(&[("alertname", "B"), ("team", "x")]);
    assert_eq!(ih.mutes(&other, at(1)), Some(both.fingerprint()));
    // A source-only alert inhibits the two-sided one.
    let src_only = alert(&[("alertname", "A"), ("team", "y")], ZERO_TIME);
    ih.observe(&src_only, t0());
    assert_eq!(ih.mutes(&both.labels, at(1)), Some(src_only.fingerprint()));
    ih.remove(src_only.fingerprint());
    assert_eq!(ih.mutes(&both.labels, at(1)), None);
    ih.remove(both.fingerprint());
    assert_eq!(ih.mutes(&other, at(1)), None);
    assert_eq!(ih.source_count(), 0);
}

#[test]
fn rules_are_tried_in_order() {
    let ih = Inhibitor::new(&[
        rule("alertname=\"S1\"", "alertname=\"T\"", &["a"]),
        rule("alertname=\"S2\"", "alertname=~\"T|U\"", &[]),
    ]);
    assert_eq!(ih.rule_count(), 2);
    let s1 = alert(&[("alertname", "S1"), ("a", "1")], ZERO_TIME);
    let s2 = alert(&[("alertname", "S2")], ZERO_TIME);
    ih.observe_batch(&[s1.clone(), s2.clone()], t0());
    assert_eq!(
        ih.mutes(&labels(&[("alertname", "T"), ("a", "1")]), at(1)),
        Some(s1.fingerprint())
    );
    assert_eq!(
        ih.mutes(&labels(&[("alertname", "T"), ("a", "2")]), at(1)),
        Some(s2.fingerprint())
    );
    assert_eq!(
        ih.mutes(&labels(&[("alertname", "U")]), at(1)),
        Some(s2.fingerprint())
    );
    assert_eq!(ih.mutes(&labels(&[("alertname", "V")]), at(1)), None);
}

/// Literal model of upstream: per rule, the latest version of every observed alert matching
/// the source side, scanned in full.
struct Model {
    rules: Vec<InhibitRule>,
    cache: Vec<HashMap<Fingerprint, Alert>>,
}

impl Model {
    fn observe(&mut self, a: &Alert) {
        for (r, c) in self.rules.iter().zip(self.cache.iter_mut()) {
            if r.source_matchers.matches(&a.labels) {
                c.insert(a.fingerprint(), a.clone());
            }
        }
    }

    /// Every fingerprint that upstream could return (map order is random), per first rule.
    fn mutes(&self, l: &LabelSet, now: Timestamp) -> Vec<Fingerprint> {
        for (r, c) in self.rules.iter().zip(self.cache.iter()) {
            if !r.target_matchers.matches(l) {
                continue;
            }
            let exclude = r.source_matchers.matches(l);
            let found: Vec<Fingerprint> = c
                .values()
                .filter(|a| !a.resolved_at(now))
                .filter(|a| r.equal.iter().all(|n| a.labels.get(n) == l.get(n)))
                .filter(|a| !(exclude && r.target_matchers.matches(&a.labels)))
                .map(Alert::fingerprint)
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
        Vec::new()
    }
}

fn random_matchers(rng: &mut TestRng) -> String {
    let names = ["a", "b", "c"];
    let vals = ["1", "2", ""];
    let ops = ["=", "!=", "=~", "!~"];
    let n = 1 + rng.below(2);
    let parts: Vec<String> = (0..n)
        .map(|_| {
            let op = rng.pick(&ops);
            let v = if op.contains('~') {
                format!("{}|3", rng.pick(&vals))
            } else {
                rng.pick(&vals).to_string()
            };
            format!("{}{}\"{}\"", rng.pick(&names), op, v)
        })
        .collect();
    format!("{{{}}}", parts.join(","))
}

fn random_labels(rng: &mut TestRng) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for n in ["a", "b", "c", "d"] {
        if rng.chance(70) {
            out.push((n, rng.pick(&["1", "2", "3"])));
        }
    }
    out
}

#[test]
fn randomized_against_literal_model() {
    let mut rng = TestRng::new(0x1b1b_5eed);
    let mut checked = 0;
    let mut muted = 0;
    for _ in 0..200 {
        let rules: Vec<InhibitRule> = (0..1 + rng.below(3))
            .map(|_| {
                let eq: Vec<&str> = ["a", "b", "d"]
                    .into_iter()
                    .filter(|_| rng.chance(40))
                    .collect();
                rule(&random_matchers(&mut rng), &random_matchers(&mut rng), &eq)
            })
            .collect();
        let ih = Inhibitor::new(&rules);
        let batched = Inhibitor::new(&rules);
        let mut model = Model {
            cache: vec![HashMap::new(); rules.len()],
            rules,
        };
        let mut batch = Vec::new();
        for step in 0..30 {
            let ends = match rng.below(3) {
                0 => ZERO_TIME,
                _ => at(rng.range(0, 40)),
            };
            let a = alert(&random_labels(&mut rng), ends);
            ih.observe(&a, at(step));
            model.observe(&a);
            batch.push(a);
        }
        batched.observe_batch(&batch, at(0));
        for _ in 0..30 {
            let l = labels(&random_labels(&mut rng));
            let now = at(30 + rng.range(0, 15));
            let want = model.mutes(&l, now);
            for got in [ih.mutes(&l, now), batched.mutes(&l, now)] {
                match got {
                    Some(fp) => assert!(want.contains(&fp), "{l} at {now}: {fp} not in {want:?}"),
                    None => assert!(want.is_empty(), "{l} at {now}: expected one of {want:?}"),
                }
            }
            checked += 1;
            muted += usize::from(!want.is_empty());
        }
        // GC only drops what can no longer inhibit.
        let probes: Vec<LabelSet> = (0..10).map(|_| labels(&random_labels(&mut rng))).collect();
        let before: Vec<_> = probes.iter().map(|l| ih.mutes(l, at(45))).collect();
        let n = ih.source_count();
        let dropped = ih.gc(at(45));
        assert_eq!(ih.source_count(), n - dropped);
        let after: Vec<_> = probes.iter().map(|l| ih.mutes(l, at(45))).collect();
        assert_eq!(before, after);
    }
    assert!(
        muted > checked / 10 && muted < checked * 9 / 10,
        "{muted}/{checked} muted"
    );
}

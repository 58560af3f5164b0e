//! Store-level tests for [`super::AlertStore`]: upstream merge/replace rules, the
//! per-alertname limit, GC, chunked scans under concurrent writers, and materialization round
//! trips.

use std::sync::atomic::{AtomicBool, Ordering};

use am_model::alert::{Alert, ZERO_TIME};
use am_model::labels::{Fingerprint, LabelSet};
use jiff::Timestamp;
use proptest::prelude::*;
use smol_str::SmolStr;

use super::{AlertStore, AlertTimes, PutError, StoreLimits};
use crate::metrics::Registry;

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + s).unwrap()
}

fn store(limit: usize) -> (AlertStore, Registry) {
    let reg = Registry::new();
    let s = AlertStore::new(
        StoreLimits {
            per_alertname: limit,
        },
        &reg,
    );
    (s, reg)
}

fn alert(name: &str, inst: &str, start: i64, end: Option<i64>, updated: i64) -> Alert {
    Alert {
        labels: LabelSet::new([("alertname", name), ("instance", inst)]),
        annotations: LabelSet::new([("summary", format!("updated at {updated}"))]),
        starts_at: t(start),
        ends_at: end.map_or(ZERO_TIME, t),
        generator_url: SmolStr::new("http://prometheus:9090/graph"),
        updated_at: t(updated),
        timeout: false,
    }
}

/// What upstream `provider/mem` `Put` stores given the old and the new alert.
fn reference(old: Option<&Alert>, new: &Alert, now: Timestamp) -> Alert {
    match old {
        Some(old) if old.overlaps(new) => old.merge(new, now),
        _ => new.clone(),
    }
}

#[test]
fn put_new_then_get_and_len() {
    let (s, _) = store(0);
    let a = alert("A", "x", 0, Some(100), 0);
    assert_eq!(s.put(a.clone(), t(1)).unwrap(), a);
    assert_eq!(s.get(a.fingerprint()), Some(a.clone()));
    assert_eq!(s.get(Fingerprint(a.fingerprint().0 ^ 1)), None);
    assert_eq!((s.len(), s.is_empty()), (1, false));
    assert!(s.contains(a.fingerprint()));
    assert_eq!(s.get_times(a.fingerprint()), Some(AlertTimes::of(&a)));
    assert_eq!(s.fingerprints(), vec![a.fingerprint()]);
}

#[test]
fn overlapping_update_merges_and_returns_merged() {
    let (s, _) = store(0);
    let old = alert("A", "x", 0, Some(100), 10);
    let new = alert("A", "x", 50, Some(80), 20);
    s.put(old.clone(), t(30)).unwrap();
    let got = s.put(new.clone(), t(30)).unwrap();
    let want = old.merge(&new, t(30));
    assert_eq!(got, want);
    assert_eq!(got.starts_at, t(0), "earliest start");
    assert_eq!(got.ends_at, t(100), "older non-timeout later end");
    assert_eq!(got.annotations, new.annotations, "younger content");
    assert_eq!(s.get(new.fingerprint()), Some(want));
}

#[test]
fn out_of_order_update_keeps_the_younger_stored_content() {
    let (s, _) = store(0);
    let stored = alert("A", "x", 10, Some(100), 50);
    let late = alert("A", "x", 0, Some(60), 20);
    s.put(stored.clone(), t(30)).unwrap();
    let got = s.put(late.clone(), t(30)).unwrap();
    assert_eq!(got, stored.merge(&late, t(30)));
    assert_eq!(got.annotations, stored.annotations);
    assert_eq!(got.starts_at, t(0));
    assert_eq!(s.get(stored.fingerprint()), Some(got));
}

#[test]
fn non_overlapping_update_replaces() {
    let (s, _) = store(0);
    let old = alert("A", "x", 0, Some(100), 10);
    // Starts exactly at the old end: no overlap, even though it is older by updated_at.
    let new = alert("A", "x", 100, Some(200), 5);
    s.put(old, t(150)).unwrap();
    assert_eq!(s.put(new.clone(), t(150)).unwrap(), new);
    assert_eq!(s.get(new.fingerprint()), Some(new));
}

#[test]
fn gc_removes_only_resolved_alerts() {
    let (s, _) = store(0);
    let firing = alert("A", "firing", 0, Some(1000), 0);
    let no_end = alert("A", "no-end", 0, None, 0);
    let resolved = alert("A", "resolved", 0, Some(50), 0);
    let at_now = alert("A", "at-now", 0, Some(100), 0);
    for a in [&firing, &no_end, &resolved, &at_now] {
        s.put(a.clone(), t(0)).unwrap();
    }
    assert_eq!(
        s.count_active_resolved(t(100)),
        super::AlertCounts {
            active: 2,
            resolved: 2
        }
    );
    let mut gone = s.gc(t(100));
    gone.sort();
    let mut want = vec![resolved.fingerprint(), at_now.fingerprint()];
    want.sort();
    assert_eq!(gone, want);
    assert_eq!(s.len(), 2);
    assert!(s.get(resolved.fingerprint()).is_none());
    assert_eq!(s.get(firing.fingerprint()), Some(firing));
    assert!(s.gc(t(100)).is_empty());
}

#[test]
fn per_alertname_limit_refuses_new_fingerprints_only() {
    let (s, reg) = store(2);
    let limited = || reg.counter("alertmanager_alerts_limited_total", "").get();
    s.put(alert("A", "1", 0, Some(100), 0), t(0)).unwrap();
    s.put(alert("A", "2", 0, Some(40), 0), t(0)).unwrap();
    let err = s.put(alert("A", "3", 0, Some(100), 0), t(0)).unwrap_err();
    assert_eq!(
        err,
        PutError::Limited {
            alertname: "A".into(),
            limit: 2
        }
    );
    assert_eq!(
        err.to_string(),
        "alert limited: alertname \"A\" already has 2 alerts"
    );
    assert_eq!(limited(), 1.0);
    assert!(s.get(alert("A", "3", 0, None, 0).fingerprint()).is_none());
    // Updates of admitted fingerprints and other alertnames pass.
    s.put(alert("A", "1", 0, Some(100), 1), t(0)).unwrap();
    s.put(alert("B", "3", 0, Some(100), 0), t(0)).unwrap();
    // Once "A"/"2" has ended, a new fingerprint takes its place, and "2" is then new again.
    s.put(alert("A", "3", 0, Some(100), 0), t(41)).unwrap();
    assert!(s.put(alert("A", "2", 50, Some(100), 50), t(50)).is_err());
    assert_eq!(limited(), 2.0);
    let text = reg.encode();
    assert!(
        text.contains("alertmanager_alerts_per_alert_limit 2"),
        "{text}"
    );
}

#[test]
fn batch_results_follow_input_order() {
    let (s, _) = store(1);
    let batch = vec![
        alert("A", "1", 0, Some(100), 0),
        alert("B", "1", 0, Some(100), 0),
        alert("A", "2", 0, Some(100), 0),
        alert("A", "1", 50, Some(300), 5),
    ];
    let res = s.put_batch(batch.clone(), t(10));
    assert_eq!(res.len(), 4);
    assert_eq!(res[0].as_ref().unwrap(), &batch[0]);
    assert_eq!(res[1].as_ref().unwrap(), &batch[1]);
    assert!(matches!(res[2], Err(PutError::Limited { .. })));
    assert_eq!(res[3].as_ref().unwrap(), &batch[0].merge(&batch[3], t(10)));
}

#[test]
fn names_beyond_the_intern_table_are_stored_inline() {
    let (s, _) = store(0);
    let mut alerts = Vec::new();
    for k in 0..super::intern::MAX_NAMES + 50 {
        let name = format!("label_{k}");
        let a = Alert {
            labels: LabelSet::new([(name.as_str(), "v"), ("alertname", "A")]),
            ..alert("A", "x", 0, None, 0)
        };
        alerts.push(a);
    }
    for r in s.put_batch(alerts.clone(), t(0)) {
        r.unwrap();
    }
    assert_eq!(s.interned_names(), super::intern::MAX_NAMES);
    for a in &alerts {
        assert_eq!(s.get(a.fingerprint()).as_ref(), Some(a));
    }
}

#[test]
fn chunked_scan_sees_stable_alerts_exactly_once_under_concurrent_writes() {
    let (s, _) = store(0);
    const STABLE: usize = 6000;
    let stable: Vec<Alert> = (0..STABLE)
        .map(|i| alert("Stable", &format!("host-{i}"), 0, Some(1_000_000), 0))
        .collect();
    for r in s.put_batch(stable.clone(), t(0)) {
        r.unwrap();
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut round = 0i64;
            while !stop.load(Ordering::Relaxed) || round < 3 {
                round += 1;
                // Churn: short-lived resolved alerts, removed again by GC (slot reuse).
                let churn: Vec<Alert> = (0..500)
                    .map(|i| alert("Churn", &format!("c-{round}-{i}"), 0, Some(5), round))
                    .collect();
                s.put_batch(churn, t(10));
                s.gc(t(10));
                // Updates of stable alerts with growing annotations (arena appends).
                for a in stable.iter().step_by(7) {
                    let mut b = a.clone();
                    b.updated_at = t(round);
                    b.annotations = LabelSet::new([("summary", "z".repeat(round as usize % 64))]);
                    s.put(b, t(10)).unwrap();
                }
            }
        });
        for _ in 0..5 {
            let mut seen = std::collections::HashMap::new();
            s.scan_chunks(|chunk| {
                assert!(chunk.len() <= super::CHUNK);
                for a in chunk {
                    *seen.entry(a.fingerprint()).or_insert(0u32) += 1;
                }
            });
            for a in &stable {
                assert_eq!(seen.get(&a.fingerprint()), Some(&1), "{}", a.labels);
            }
        }
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();
    });
    assert_eq!(s.gc(t(10)).len(), 0);
    assert_eq!(s.len(), STABLE);
}

fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        prop::collection::vec(prop::char::range('a', 'z'), 1..12).prop_map(String::from_iter),
        prop::collection::vec(any::<char>(), 0..30).prop_map(String::from_iter),
        prop::collection::vec(prop::char::range(' ', '~'), 20..300).prop_map(String::from_iter),
    ]
}

fn arb_set(max: usize) -> impl Strategy<Value = LabelSet> {
    prop::collection::vec((arb_string(), arb_string()), 0..max).prop_map(LabelSet::new)
}

fn arb_time() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(ZERO_TIME),
        (-200i64..200).prop_map(t),
        (
            Timestamp::MIN.as_second()..Timestamp::MAX.as_second(),
            0..1_000_000_000i32
        )
            .prop_map(|(s, n)| Timestamp::new(s, n).unwrap_or(ZERO_TIME)),
    ]
}

fn arb_alert() -> impl Strategy<Value = Alert> {
    (
        arb_set(40),
        arb_set(6),
        (arb_time(), arb_time(), arb_time()),
        arb_string(),
        any::<bool>(),
    )
        .prop_map(|(labels, annotations, (s, e, u), url, timeout)| Alert {
            labels,
            annotations,
            starts_at: s,
            ends_at: e,
            generator_url: url.into(),
            updated_at: u,
            timeout,
        })
}

/// An alert from a small identity space with small times, so that updates overlap often.
fn arb_update() -> impl Strategy<Value = Alert> {
    (
        0..4u8,
        -5i64..5,
        prop::option::of(-5i64..8),
        -5i64..5,
        any::<bool>(),
        "[a-c]{0,3}",
    )
        .prop_map(|(id, s, e, u, timeout, note)| Alert {
            timeout,
            annotations: LabelSet::new([("note", note)]),
            ..alert("P", &id.to_string(), s, e, u)
        })
}

proptest! {
    // Generating large label sets is slow in debug builds; 64 cases keep this under ~1 s.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn materialization_round_trips(a in arb_alert()) {
        let (s, _) = store(0);
        prop_assert_eq!(s.put(a.clone(), t(0)).unwrap(), a.clone());
        prop_assert_eq!(s.get(a.fingerprint()), Some(a.clone()));
        let mut all = Vec::new();
        s.scan(|x| all.push(x.clone()));
        prop_assert_eq!(all, vec![a]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn times_merge_equals_alert_merge(a in arb_update(), b in arb_update(), now in -6i64..9) {
        let (times, b_content) = AlertTimes::of(&a).merge(&AlertTimes::of(&b), t(now));
        let m = a.merge(&b, t(now));
        prop_assert_eq!(AlertTimes::of(&m), times);
        let content = if b_content { &b } else { &a };
        prop_assert_eq!(&m.annotations, &content.annotations);
        prop_assert_eq!(AlertTimes::of(&a).overlaps(&AlertTimes::of(&b)), a.overlaps(&b));
    }

    #[test]
    fn puts_follow_upstream_rules(ops in prop::collection::vec((arb_update(), -6i64..9), 1..40)) {
        let (s, _) = store(0);
        let (batched, _) = store(0);
        let mut model: std::collections::HashMap<Fingerprint, Alert> = Default::default();
        for (a, now) in &ops {
            let want = reference(model.get(&a.fingerprint()), a, t(*now));
            prop_assert_eq!(s.put(a.clone(), t(*now)).unwrap(), want.clone());
            prop_assert_eq!(batched.put_batch(vec![a.clone()], t(*now)).remove(0).unwrap(), want.clone());
            model.insert(a.fingerprint(), want);
        }
        for (fp, want) in &model {
            prop_assert_eq!(s.get(*fp), Some(want.clone()));
            prop_assert_eq!(batched.get(*fp), Some(want.clone()));
        }
        prop_assert_eq!(s.len(), model.len());
    }

    #[test]
    fn one_batch_equals_sequential_puts(ops in prop::collection::vec(arb_update(), 1..60), now in -6i64..9) {
        let (seq, _) = store(2);
        let (batch, _) = store(2);
        let want: Vec<_> = ops.iter().map(|a| seq.put(a.clone(), t(now))).collect();
        prop_assert_eq!(batch.put_batch(ops, t(now)), want);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        seq.scan(|a| x.push(a.clone()));
        batch.scan(|a| y.push(a.clone()));
        x.sort_by_key(Alert::fingerprint);
        y.sort_by_key(Alert::fingerprint);
        prop_assert_eq!(x, y);
    }
}

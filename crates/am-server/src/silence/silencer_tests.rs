//! Unit tests for the shared handle (snapshots, metrics, maintenance) and the silencer's cache
//! over time and changes.

use std::sync::Arc;

use am_model::labels::LabelSet;
use am_model::matcher::MatchType;
use jiff::{SignedDuration, Timestamp};

use super::tests::{eq, m, sil, t};
use super::*;
use crate::clock::{Clock, SharedClock};
use crate::metrics::Registry;

struct Fixed(Timestamp);

impl Clock for Fixed {
    fn now(&self) -> Timestamp {
        self.0
    }
}

fn handle(now: Timestamp) -> (SilencesHandle, Registry) {
    let reg = Registry::new();
    let clock: SharedClock = Arc::new(Fixed(now));
    let h = SilencesHandle::new(Silences::new(SilencesOptions::default()), &reg, clock);
    (h, reg)
}

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    pairs.iter().copied().collect()
}

#[test]
fn handle_publishes_snapshots_and_counts_states() {
    let (h, reg) = handle(t(20));
    let v0 = h.view();
    let a = h.set(sil(vec![eq("a", "b")], t(0), t(100)), t(0)).unwrap();
    let p = h.set(sil(vec![eq("a", "c")], t(50), t(100)), t(0)).unwrap();
    let e = h.set(sil(vec![eq("a", "d")], t(0), t(10)), t(0)).unwrap();
    assert!(v0.all().is_empty(), "old snapshots are immutable");
    let v = h.view();
    assert_eq!(v.all().len(), 3);
    assert_eq!(v.get(&a).unwrap().id, a);
    assert_eq!(h.get(&p).unwrap().starts_at, t(50));
    assert_eq!(v.version(), 3);
    let text = reg.encode();
    for line in [
        "alertmanager_silences{state=\"active\"} 1\n",
        "alertmanager_silences{state=\"pending\"} 1\n",
        "alertmanager_silences{state=\"expired\"} 1\n",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
    let q = SilenceQuery {
        ids: Some(vec![e.clone()]),
        ..Default::default()
    };
    assert_eq!(h.query(&q, t(20))[0].id, e);
    assert!(
        reg.encode()
            .contains("alertmanager_silences_queries_total 1\n")
    );
    assert_eq!(h.expire("nope", t(0)), Err(SilenceError::NotFound));
}

#[test]
fn maintenance_writes_a_loadable_snapshot_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("silences");
    let (h, reg) = handle(t(0));
    let id = h.set(sil(vec![eq("a", "b")], t(0), t(100)), t(0)).unwrap();
    let size = h.maintenance(Some(&file), t(1)).unwrap();
    assert_eq!(size, std::fs::metadata(&file).unwrap().len());
    assert_eq!(size as usize, h.snapshot().len());
    let (h2, _) = handle(t(0));
    assert_eq!(h2.load_file(&file, t(1)).unwrap(), 1);
    assert_eq!(h2.get(&id).unwrap(), h.get(&id).unwrap());
    assert_eq!(h2.load_file(&dir.path().join("missing"), t(1)).unwrap(), 0);
    // GC during maintenance removes silences past their retention.
    let gc_time = t(100 + 120 * 3600);
    assert_eq!(h.maintenance(Some(&file), gc_time).unwrap(), 0);
    assert!(h.get(&id).is_none());
    let text = reg.encode();
    assert!(
        text.contains("alertmanager_silences_maintenance_total 2\n"),
        "{text}"
    );
    assert!(text.contains("alertmanager_silences_maintenance_errors_total 0\n"));
    let bad = dir.path().join("no-such-dir").join("silences");
    assert!(h.maintenance(Some(&bad), gc_time).is_err());
    assert!(
        reg.encode()
            .contains("alertmanager_silences_maintenance_errors_total 1\n")
    );
}

#[test]
fn silencer_mutes_only_matching_active_silences() {
    let (h, _) = handle(t(0));
    let s = Silencer::new(h.clone());
    let l = labels(&[("alertname", "A"), ("job", "x")]);
    let fp = l.fingerprint();
    assert!(s.mutes(fp, &l, t(0)).is_empty());
    assert_eq!(s.cached(), 0, "no live silences: nothing cached");
    let a = h
        .set(sil(vec![eq("job", "x")], t(0), t(100)), t(0))
        .unwrap();
    let b = h
        .set(
            sil(vec![m(MatchType::Regexp, "alertname", "A|B")], t(0), t(100)),
            t(0),
        )
        .unwrap();
    h.set(sil(vec![eq("job", "y")], t(0), t(100)), t(0))
        .unwrap();
    let mut want = vec![a, b];
    want.sort();
    assert_eq!(s.mutes(fp, &l, t(1)), want);
    assert!(s.is_muted(fp, &l, t(1)));
    let other = labels(&[("job", "z")]);
    assert!(s.mutes(other.fingerprint(), &other, t(1)).is_empty());
}

#[test]
fn silencer_cache_follows_time_windows() {
    let (h, _) = handle(t(0));
    let s = Silencer::new(h.clone());
    let l = labels(&[("job", "x")]);
    let fp = l.fingerprint();
    let p = h
        .set(sil(vec![eq("job", "x")], t(10), t(20)), t(0))
        .unwrap();
    assert!(s.mutes(fp, &l, t(0)).is_empty(), "pending does not mute");
    assert!(s.mutes(fp, &l, t(9)).is_empty(), "cached, still pending");
    assert_eq!(s.mutes(fp, &l, t(10)), vec![p.clone()], "became active");
    assert_eq!(
        s.mutes(fp, &l, t(20)),
        vec![p.clone()],
        "active through ends_at"
    );
    let just_after = t(20) + SignedDuration::from_nanos(1);
    assert!(s.mutes(fp, &l, just_after).is_empty(), "expired");
    assert!(
        s.mutes(fp, &l, t(5)).is_empty(),
        "expired candidates are dropped"
    );
}

#[test]
fn silencer_sees_in_place_updates_expiry_additions_and_gc() {
    let (h, _) = handle(t(0));
    let s = Silencer::new(h.clone());
    let l = labels(&[("job", "x")]);
    let fp = l.fingerprint();
    let a = h
        .set(sil(vec![eq("job", "x")], t(0), t(100)), t(0))
        .unwrap();
    assert_eq!(s.mutes(fp, &l, t(1)), vec![a.clone()]);
    // In-place extension keeps muting past the old end.
    let mut upd = Silence::clone(&h.get(&a).unwrap());
    upd.ends_at = t(300);
    assert_eq!(h.set(upd, t(2)).unwrap(), a);
    assert_eq!(s.mutes(fp, &l, t(150)), vec![a.clone()]);
    // A new matching silence is found although the cache had an answer.
    let b = h
        .set(sil(vec![eq("job", "x")], t(0), t(400)), t(151))
        .unwrap();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(s.mutes(fp, &l, t(151)), want);
    // Expiry applies at once.
    h.expire(&b, t(152)).unwrap();
    assert_eq!(s.mutes(fp, &l, t(153)), vec![a.clone()]);
    h.expire(&a, t(154)).unwrap();
    assert!(s.mutes(fp, &l, t(155)).is_empty());
    // GC then a fresh silence: still correct, and forget drops the entry.
    h.gc(t(10_000_000)).unwrap();
    assert!(h.view().all().is_empty());
    let c = h
        .set(
            sil(vec![eq("job", "x")], t(0), t(20_000_000)),
            t(10_000_000),
        )
        .unwrap();
    assert_eq!(s.mutes(fp, &l, t(10_000_001)), vec![c]);
    assert_eq!(s.cached(), 1);
    s.forget(fp);
    assert_eq!(s.cached(), 0);
}

#[test]
fn silencer_sees_merged_replacements() {
    let (h, _) = handle(t(0));
    let s = Silencer::new(h.clone());
    let l = labels(&[("job", "x")]);
    let fp = l.fingerprint();
    let mut x = sil(vec![eq("job", "y")], t(0), t(100));
    x.id = "remote".into();
    x.updated_at = t(0);
    assert!(h.merge(pb::MeshSilence::from_model(&x, t(1000)), t(0)));
    assert!(s.mutes(fp, &l, t(1)).is_empty());
    // The peer changes the matchers of the same ID: the silencer must notice.
    x.matchers = vec![eq("job", "x")];
    x.updated_at = t(2);
    assert!(h.merge(pb::MeshSilence::from_model(&x, t(1000)), t(2)));
    assert_eq!(s.mutes(fp, &l, t(3)), vec!["remote".to_owned()]);
}

//! Unit tests for the silence state: set (update in place vs replace), expire, validation
//! texts, GC, limits, queries, merge and the snapshot format.

use std::sync::Arc;

use am_model::alert::ZERO_TIME;
use am_model::matcher::{MatchType, Matcher, ParseMode};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::pb;
use super::*;

pub(super) fn t(sec: i64) -> Timestamp {
    Timestamp::from_second(1_700_000_000 + sec).unwrap()
}

pub(super) fn m(ty: MatchType, name: &str, value: &str) -> Matcher {
    Matcher::new(ty, name, value).unwrap()
}

pub(super) fn sil(matchers: Vec<Matcher>, start: Timestamp, end: Timestamp) -> Silence {
    Silence {
        id: String::new(),
        matchers,
        starts_at: start,
        ends_at: end,
        updated_at: ZERO_TIME,
        created_by: "me".into(),
        comment: "because".into(),
    }
}

pub(super) fn eq(name: &str, value: &str) -> Matcher {
    m(MatchType::Equal, name, value)
}

fn store() -> Silences {
    Silences::new(SilencesOptions::default())
}

fn err_text(s: &mut Silences, x: Silence, now: Timestamp) -> String {
    s.set(x, now).unwrap_err().to_string()
}

#[test]
fn new_silence_gets_uuid_clamped_start_and_updated_at() {
    let mut s = store();
    let id = s
        .set(sil(vec![eq("a", "b")], t(-50), t(100)), t(0))
        .unwrap();
    let u = uuid::Uuid::parse_str(&id).unwrap();
    assert_eq!(u.get_version_num(), 4);
    assert_eq!(id, u.to_string());
    let got = s.get(&id).unwrap();
    assert_eq!(got.starts_at, t(0), "start in the past is clamped to now");
    assert_eq!(got.updated_at, t(0));
    assert_eq!(s.expires_at(&id), Some(t(100 + 120 * 3600)));
    assert_eq!(s.version(), 1);
    // A zero start means now, without error.
    let id2 = s
        .set(sil(vec![eq("a", "c")], ZERO_TIME, t(100)), t(5))
        .unwrap();
    assert_eq!(s.get(&id2).unwrap().starts_at, t(5));
    assert_eq!(s.version(), 2);
}

#[test]
fn unknown_id_is_not_found_after_validation() {
    let mut s = store();
    let mut x = sil(vec![eq("a", "b")], t(0), t(10));
    x.id = "nope".into();
    assert_eq!(s.set(x.clone(), t(0)), Err(SilenceError::NotFound));
    assert_eq!(SilenceError::NotFound.to_string(), "silence not found");
    x.matchers.clear();
    assert_eq!(
        err_text(&mut s, x, t(0)),
        "invalid silence: at least one matcher required"
    );
    assert!(s.is_empty());
}

#[test]
fn validation_messages_match_upstream() {
    let mut s = store();
    let cases: Vec<(Silence, &str)> = vec![
        (
            sil(
                vec![eq("a", ""), m(MatchType::Regexp, "b", ".*")],
                t(0),
                t(9),
            ),
            "invalid silence: at least one matcher must not match the empty string",
        ),
        (
            sil(vec![eq("", "x")], t(0), t(9)),
            "invalid silence: invalid label matcher 0: invalid label name \"\"",
        ),
        (
            sil(vec![eq("a", "b")], t(0), ZERO_TIME),
            "invalid silence: invalid zero end timestamp",
        ),
        (
            sil(vec![eq("a", "b")], t(10), t(9)),
            "invalid silence: end time must not be before start time",
        ),
    ];
    for (x, want) in cases {
        assert_eq!(err_text(&mut s, x, t(0)), want);
    }
    // `!=` and `!~` never count as matching the empty string (upstream's matchesEmpty).
    assert!(
        s.set(sil(vec![m(MatchType::NotEqual, "a", "")], t(0), t(9)), t(0))
            .is_ok()
    );
    assert!(
        s.set(
            sil(vec![m(MatchType::NotRegexp, "a", "x")], t(0), t(9)),
            t(0)
        )
        .is_ok()
    );
    // A regex that cannot match "" is fine; one that can is not alone.
    assert!(
        s.set(sil(vec![m(MatchType::Regexp, "a", "x+")], t(0), t(9)), t(0))
            .is_ok()
    );
    assert!(
        s.set(sil(vec![m(MatchType::Regexp, "a", "x*")], t(0), t(9)), t(0))
            .is_err()
    );
    // end == start is allowed by the store (the API rejects it separately).
    assert!(s.set(sil(vec![eq("a", "b")], t(3), t(3)), t(0)).is_ok());
}

#[test]
fn label_name_mode_controls_name_validation() {
    let opts = SilencesOptions {
        label_name_mode: ParseMode::Classic,
        ..SilencesOptions::default()
    };
    let mut classic = Silences::new(opts);
    assert_eq!(
        err_text(
            &mut classic,
            sil(vec![eq("a", "b"), eq("a-b", "c")], t(0), t(9)),
            t(0)
        ),
        "invalid silence: invalid label matcher 1: invalid label name \"a-b\""
    );
    assert!(
        store()
            .set(sil(vec![eq("a-b", "c")], t(0), t(9)), t(0))
            .is_ok()
    );
}

#[test]
fn build_matchers_reports_upstream_texts() {
    let mode = ParseMode::Fallback;
    let e = build_matchers(
        [(MatchType::Equal, "a", "b"), (MatchType::Regexp, "c", "(a")],
        mode,
    )
    .unwrap_err();
    assert_eq!(
        SilenceError::from(e).to_string(),
        "invalid silence: invalid label matcher 1: invalid regular expression \"(a\": \
         error parsing regexp: missing closing ): `(a`"
    );
    let e = build_matchers([], mode).unwrap_err();
    assert_eq!(e, ValidationError::NoMatchers);
    let ok = build_matchers([(MatchType::NotRegexp, "c", "a|b")], mode).unwrap();
    assert_eq!(ok[0].match_type(), MatchType::NotRegexp);
    assert!(!ok[0].matches("a") && ok[0].matches("ab"));
}

#[test]
fn active_silence_updates_in_place_when_start_unchanged_and_end_not_past() {
    let mut s = store();
    let id = s.set(sil(vec![eq("a", "b")], t(0), t(100)), t(0)).unwrap();
    let (v, g) = (s.version(), s.generation());
    let mut upd = Silence::clone(&s.get(&id).unwrap());
    upd.ends_at = t(500);
    upd.comment = "longer".into();
    // Same second, different sub-second start still counts as unchanged.
    upd.starts_at = t(0) + SignedDuration::from_millis(300);
    assert_eq!(s.set(upd, t(50)).unwrap(), id);
    let got = s.get(&id).unwrap();
    assert_eq!((got.ends_at, got.comment.as_str()), (t(500), "longer"));
    assert_eq!(got.updated_at, t(50));
    assert_eq!(s.version(), v, "in-place update adds no silence");
    assert!(s.generation() > g);
    assert_eq!(s.len(), 1);
    // Shortening to exactly now is still in place.
    let mut upd = Silence::clone(&got);
    upd.ends_at = t(60);
    assert_eq!(s.set(upd, t(60)).unwrap(), id);
}

#[test]
fn active_silence_is_replaced_when_history_would_change() {
    type Change = Box<dyn Fn(&mut Silence)>;
    let changes: Vec<Change> = vec![
        Box::new(|x| x.starts_at = t(20)),
        Box::new(|x| x.ends_at = t(40)),
        Box::new(|x| x.matchers = vec![eq("a", "c")]),
    ];
    for change in changes {
        let mut s = store();
        let id = s.set(sil(vec![eq("a", "b")], t(0), t(100)), t(0)).unwrap();
        let mut upd = Silence::clone(&s.get(&id).unwrap());
        change(&mut upd);
        let new_id = s.set(upd, t(50)).unwrap();
        assert_ne!(new_id, id);
        let old = s.get(&id).unwrap();
        assert_eq!(old.ends_at, t(50), "old silence expired at now");
        assert_eq!(old.updated_at, t(50));
        let new = s.get(&new_id).unwrap();
        assert!(new.starts_at >= t(50));
        assert_eq!(s.len(), 2);
        assert_eq!(s.version(), 2);
    }
}

#[test]
fn pending_silence_updates_in_place_only_with_future_start() {
    let mut s = store();
    let id = s
        .set(sil(vec![eq("a", "b")], t(100), t(200)), t(0))
        .unwrap();
    let mut upd = Silence::clone(&s.get(&id).unwrap());
    upd.starts_at = t(150);
    assert_eq!(s.set(upd.clone(), t(10)).unwrap(), id);
    assert_eq!(s.get(&id).unwrap().starts_at, t(150));
    upd.starts_at = t(5);
    let new_id = s.set(upd, t(10)).unwrap();
    assert_ne!(new_id, id);
    let old = s.get(&id).unwrap();
    assert_eq!((old.starts_at, old.ends_at), (t(10), t(10)));
    assert_eq!(s.get(&new_id).unwrap().starts_at, t(10), "clamped to now");
}

#[test]
fn expired_silence_is_never_updated_nor_expired_again() {
    let mut s = store();
    let id = s.set(sil(vec![eq("a", "b")], t(0), t(10)), t(0)).unwrap();
    let mut upd = Silence::clone(&s.get(&id).unwrap());
    upd.ends_at = t(500);
    let new_id = s.set(upd, t(20)).unwrap();
    assert_ne!(new_id, id);
    let old = s.get(&id).unwrap();
    assert_eq!((old.ends_at, old.updated_at), (t(10), t(0)), "untouched");
}

#[test]
fn expire_by_state() {
    let mut s = store();
    let active = s.set(sil(vec![eq("a", "b")], t(0), t(100)), t(0)).unwrap();
    let pending = s.set(sil(vec![eq("a", "c")], t(50), t(100)), t(0)).unwrap();
    s.expire(&active, t(10)).unwrap();
    let a = s.get(&active).unwrap();
    assert_eq!((a.ends_at, a.updated_at), (t(10), t(10)));
    assert_eq!(
        a.state_at(t(10)),
        SilenceState::Active,
        "Go: expired only after"
    );
    assert_eq!(a.state_at(t(11)), SilenceState::Expired);
    assert_eq!(s.expires_at(&active), Some(t(10 + 120 * 3600)));
    s.expire(&pending, t(10)).unwrap();
    let p = s.get(&pending).unwrap();
    assert_eq!((p.starts_at, p.ends_at), (t(10), t(10)));
    let g = s.generation();
    s.expire(&active, t(30)).unwrap();
    assert_eq!(
        s.generation(),
        g,
        "expiring an expired silence changes nothing"
    );
    assert_eq!(s.expire("missing", t(30)), Err(SilenceError::NotFound));
}

#[test]
fn local_changes_in_the_same_instant_still_advance_updated_at() {
    let mut s = store();
    let id = s.set(sil(vec![eq("a", "b")], t(0), t(100)), t(0)).unwrap();
    let mut upd = Silence::clone(&s.get(&id).unwrap());
    upd.comment = "x".into();
    s.set(upd, t(0)).unwrap();
    assert!(s.get(&id).unwrap().updated_at > t(0));
    assert_eq!(s.get(&id).unwrap().comment, "x");
}

#[test]
fn gc_removes_at_ends_plus_retention() {
    let opts = SilencesOptions {
        retention: SignedDuration::from_secs(100),
        ..SilencesOptions::default()
    };
    let mut s = Silences::new(opts);
    let a = s.set(sil(vec![eq("a", "b")], t(0), t(10)), t(0)).unwrap();
    let b = s.set(sil(vec![eq("a", "c")], t(0), t(50)), t(0)).unwrap();
    assert_eq!(s.gc(t(109)), Ok(0));
    assert_eq!(s.gc(t(110)), Ok(1));
    assert!(s.get(&a).is_none() && s.get(&b).is_some());
    assert_eq!(s.gc(t(1000)), Ok(1));
    assert!(s.is_empty());
}

#[test]
fn max_silences_counts_expired_and_blocks_replacement_not_update() {
    let mut s = store();
    s.set_limits(Limits {
        max_silences: 2,
        max_silence_size_bytes: 0,
    });
    let a = s.set(sil(vec![eq("a", "b")], t(0), t(10)), t(0)).unwrap();
    s.expire(&a, t(1)).unwrap();
    let b = s.set(sil(vec![eq("a", "c")], t(0), t(100)), t(2)).unwrap();
    let e = s
        .set(sil(vec![eq("a", "d")], t(0), t(100)), t(3))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "exceeded maximum number of silences: 2 (limit: 2)"
    );
    let mut upd = Silence::clone(&s.get(&b).unwrap());
    upd.ends_at = t(200);
    assert_eq!(s.set(upd.clone(), t(4)).unwrap(), b, "in place is allowed");
    upd.matchers = vec![eq("a", "z")];
    assert!(matches!(
        s.set(upd, t(5)),
        Err(SilenceError::TooMany { .. })
    ));
    assert_eq!(
        s.get(&b).unwrap().ends_at,
        t(200),
        "failed replace expires nothing"
    );
}

#[test]
fn max_size_checks_encoded_mesh_silence() {
    let mut s = store();
    let x = sil(vec![eq("a", "b")], t(0), t(100));
    let mut probe = x.clone();
    probe.id = uuid::Uuid::nil().to_string();
    probe.updated_at = t(0);
    let size = pb::mesh_size(&probe, t(100 + 120 * 3600));
    s.set_limits(Limits {
        max_silences: 0,
        max_silence_size_bytes: size - 1,
    });
    let e = s.set(x.clone(), t(0)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "silence exceeded maximum size: {size} bytes (limit: {} bytes)",
            size - 1
        )
    );
    s.set_limits(Limits {
        max_silences: 0,
        max_silence_size_bytes: size,
    });
    assert!(s.set(x, t(0)).is_ok());
}

#[test]
fn query_by_ids_state_and_labels() {
    let mut s = store();
    let a = s
        .set(sil(vec![eq("job", "x")], t(0), t(100)), t(0))
        .unwrap();
    let b = s
        .set(sil(vec![eq("job", "y")], t(50), t(100)), t(0))
        .unwrap();
    let c = s.set(sil(vec![eq("job", "x")], t(0), t(5)), t(0)).unwrap();
    let ids = |v: Vec<Arc<Silence>>| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    let q = SilenceQuery {
        ids: Some(vec![c.clone(), "zz".into(), a.clone()]),
        ..Default::default()
    };
    assert_eq!(ids(s.query(&q, t(10))), vec![c.clone(), a.clone()]);
    let q = SilenceQuery {
        states: Some(vec![SilenceState::Active, SilenceState::Pending]),
        ..Default::default()
    };
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(ids(s.query(&q, t(10))), want);
    let q = SilenceQuery {
        matches: Some([("job", "x"), ("i", "1")].into_iter().collect()),
        ..Default::default()
    };
    let mut want = vec![a.clone(), c.clone()];
    want.sort();
    assert_eq!(ids(s.query(&q, t(10))), want);
    assert_eq!(s.count_state(SilenceState::Expired, t(10)), 1);
    assert_eq!(s.count_state(SilenceState::Pending, t(10)), 1);
}

fn mesh(id: &str, updated: i64, expires: i64) -> pb::MeshSilence {
    let mut x = sil(vec![eq("a", id)], t(0), t(100));
    x.id = id.into();
    x.updated_at = t(updated);
    pb::MeshSilence::from_model(&x, t(expires))
}

#[test]
fn merge_is_last_writer_wins_and_drops_expired() {
    let mut s = store();
    assert!(s.merge(mesh("x", 10, 1000), t(0)));
    assert_eq!(s.version(), 1);
    assert!(
        !s.merge(mesh("x", 10, 1000), t(0)),
        "same updated_at: ignored"
    );
    assert!(!s.merge(mesh("x", 5, 1000), t(0)), "older: ignored");
    let mut newer = mesh("x", 20, 1000);
    newer.silence.as_mut().unwrap().comment = "new".into();
    assert!(s.merge(newer, t(0)));
    assert_eq!(s.get("x").unwrap().comment, "new");
    assert!(!s.merge(mesh("y", 10, 99), t(100)), "expires before now");
    assert!(
        s.merge(mesh("y", 10, 100), t(100)),
        "expires exactly now: kept"
    );
    // The deprecated comment list is upgraded.
    let mut old = mesh("z", 10, 1000);
    old.silence.as_mut().unwrap().comments = vec![pb::Comment {
        author: "bob".into(),
        comment: "legacy".into(),
        timestamp: Some(pb::timestamp_to_pb(t(0))),
    }];
    assert!(s.merge(old, t(0)));
    let z = s.get("z").unwrap();
    assert_eq!(
        (z.created_by.as_str(), z.comment.as_str()),
        ("bob", "legacy")
    );
    // An unusable silence is skipped.
    let mut bad = mesh("w", 10, 1000);
    bad.silence.as_mut().unwrap().matchers[0].r#type = 7;
    assert!(!s.merge(bad, t(0)));
    let mut blob = Vec::new();
    pb::write_delimited(&mut blob, &mesh("x", 30, 1000));
    pb::write_delimited(&mut blob, &mesh("q", 30, 1000));
    assert_eq!(s.merge_bytes(&blob, t(0)), Ok(2));
}

#[test]
fn load_rejects_garbage_and_missing_silence() {
    let mut s = store();
    s.set(sil(vec![eq("a", "b")], t(0), t(100)), t(0)).unwrap();
    assert!(matches!(
        s.load(&[0x05, 0x0a]),
        Err(pb::DecodeError::Protobuf { .. })
    ));
    let mut blob = Vec::new();
    pb::write_delimited(&mut blob, &pb::MeshSilence::default());
    assert_eq!(s.load(&blob), Err(pb::DecodeError::InvalidState));
    assert_eq!(s.len(), 1, "a failed load keeps the state");
    assert_eq!(s.load(&[]), Ok(0));
    assert!(s.is_empty());
}

#[test]
fn timestamps_encode_like_go() {
    // Go's zero time and a negative fractional instant keep nanos non-negative.
    assert_eq!(
        pb::timestamp_to_pb(ZERO_TIME),
        pb::Timestamp {
            seconds: -62_135_596_800,
            nanos: 0
        }
    );
    let ts = Timestamp::from_nanosecond(-1_500_000_000).unwrap();
    let p = pb::timestamp_to_pb(ts);
    assert_eq!((p.seconds, p.nanos), (-2, 500_000_000));
    assert_eq!(pb::timestamp_from_pb(Some(&p)).unwrap(), ts);
    assert_eq!(pb::timestamp_from_pb(None).unwrap(), ZERO_TIME);
    let bad = pb::Timestamp {
        seconds: 0,
        nanos: -1,
    };
    assert!(pb::timestamp_from_pb(Some(&bad)).is_err());
}

fn arb_matcher() -> impl Strategy<Value = Matcher> {
    (0..4i32, "[a-z_][a-z0-9_]{0,6}", "[a-z.*+|]{0,6}")
        .prop_filter_map("regex must compile", |(ty, name, value)| {
            Matcher::new(pb::match_type_from_pb(ty).ok()?, name, value).ok()
        })
}

fn arb_time() -> impl Strategy<Value = Timestamp> {
    (-62_135_596_800i64..253_402_300_000, 0..1_000_000_000i32).prop_map(|(s, n)| {
        pb::timestamp_from_pb(Some(&pb::Timestamp {
            seconds: s,
            nanos: n,
        }))
        .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn snapshot_round_trips(
        items in proptest::collection::vec(
            (proptest::collection::vec(arb_matcher(), 0..4), arb_time(), arb_time(), arb_time(),
             arb_time(), ".{0,8}", ".{0,8}"),
            0..8,
        )
    ) {
        let mut s = store();
        let mut want = Vec::new();
        for (i, (matchers, a, b, u, exp, who, why)) in items.into_iter().enumerate() {
            let x = Silence {
                id: format!("id-{i}"), matchers, starts_at: a, ends_at: b, updated_at: u,
                created_by: who, comment: why,
            };
            prop_assert!(s.merge(pb::MeshSilence::from_model(&x, exp), Timestamp::MIN));
            want.push((x, exp));
        }
        let bytes = s.snapshot();
        let mut loaded = store();
        prop_assert_eq!(loaded.load(&bytes).unwrap(), want.len());
        for (x, exp) in &want {
            prop_assert_eq!(&*loaded.get(&x.id).unwrap(), x);
            prop_assert_eq!(loaded.expires_at(&x.id), Some(*exp));
        }
        prop_assert_eq!(loaded.snapshot(), bytes);
    }
}

#[test]
fn local_writes_are_broadcast_but_merges_and_gc_are_not() {
    use parking_lot::Mutex;
    let registry = crate::metrics::Registry::new();
    let clock: crate::clock::SharedClock = Arc::new(crate::clock::SystemClock);
    let handle = SilencesHandle::new(store(), &registry, clock);
    let sent: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let sink = Arc::clone(&sent);
    handle.set_broadcast(Arc::new(move |b| sink.lock().push(b)));

    let id = handle
        .set(sil(vec![eq("a", "b")], t(0), t(100)), t(0))
        .unwrap();
    handle.expire(&id, t(10)).unwrap();
    let got: Vec<pb::MeshSilence> = sent
        .lock()
        .iter()
        .map(|b| {
            let mut v = pb::read_delimited(b).unwrap();
            assert_eq!(v.len(), 1, "one delimited MeshSilence per broadcast");
            v.remove(0)
        })
        .collect();
    assert_eq!(got.len(), 2, "set and expire are both broadcast");
    // A fresh peer merging the second message holds the expired version.
    let mut peer = store();
    assert!(peer.merge(got[1].clone(), t(10)));
    let s = peer.get(&id).unwrap();
    assert_eq!(
        s.ends_at,
        t(10),
        "the broadcast carries the expired version"
    );

    // A peer's silence merged locally is not broadcast by the store (the cluster layer
    // re-gossips the received blob itself), and neither is GC.
    let mut other = store();
    other
        .set(sil(vec![eq("c", "d")], t(0), t(100)), t(0))
        .unwrap();
    assert_eq!(handle.merge_bytes(&other.snapshot(), t(1)).unwrap(), 1);
    handle.gc(t(1_000_000)).unwrap();
    assert_eq!(sent.lock().len(), 2);
}

//! Property tests: the hand-written writers produce exactly the bytes of serializing the serde
//! models with Go's escaping, the output parses back to the same model, and every timestamp
//! round-trips through the millisecond format (truncated to milliseconds).

use am_api::json::to_vec;
use am_api::time::{format_millis, parse_datetime};
use am_api::v2::{
    AlertGroup, AlertRef, AlertState, AlertStatus, GettableAlert, Receiver, write_alert_group,
    write_gettable_alert,
};
use am_model::alert::Alert;
use am_model::labels::LabelSet;
use jiff::Timestamp;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{0,8}",
        "[<>&\"\\\\\n\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é✓\u{2028}\u{2029}\u{2027}a ]{0,12}",
        any::<String>(),
    ]
}

fn labels() -> impl Strategy<Value = LabelSet> {
    proptest::collection::vec((text(), text()), 0..5).prop_map(LabelSet::new)
}

fn time() -> impl Strategy<Value = Timestamp> {
    (-62_135_596_800i64..253_402_300_799, 0i32..1_000_000_000)
        .prop_map(|(s, n)| Timestamp::new(s, n).unwrap())
}

fn alert() -> impl Strategy<Value = Alert> {
    (
        labels(),
        labels(),
        time(),
        time(),
        text(),
        time(),
        any::<bool>(),
    )
        .prop_map(
            |(labels, annotations, starts_at, ends_at, url, updated_at, timeout)| Alert {
                labels,
                annotations,
                starts_at,
                ends_at,
                generator_url: url.into(),
                updated_at,
                timeout,
            },
        )
}

fn status() -> impl Strategy<Value = AlertStatus> {
    let list = || proptest::collection::vec(text(), 0..3);
    (list(), list(), list(), 0..3u8).prop_map(|(s, i, m, st)| AlertStatus {
        inhibited_by: i,
        muted_by: m,
        silenced_by: s,
        state: [
            AlertState::Unprocessed,
            AlertState::Active,
            AlertState::Suppressed,
        ][st as usize],
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn gettable_alert_writer_equals_serde(a in alert(), rs in proptest::collection::vec(text(), 0..3), st in status()) {
        let mut fast = Vec::new();
        write_gettable_alert(&mut fast, &a, a.fingerprint(), &rs, &st);
        let model = GettableAlert::from_alert(&a, &rs, st.clone());
        prop_assert_eq!(&fast, &to_vec(&model).unwrap());
        let back: GettableAlert = serde_json::from_slice(&fast).unwrap();
        prop_assert_eq!(&back.labels, &a.labels);
        prop_assert_eq!(back.status, st);
        prop_assert_eq!(back.fingerprint, a.fingerprint().to_string());
    }

    #[test]
    fn alert_group_writer_equals_serde(alerts in proptest::collection::vec((alert(), status()), 0..3), gl in labels(), recv in text()) {
        let rs = vec![recv.clone()];
        let refs: Vec<AlertRef<'_, String>> = alerts
            .iter()
            .map(|(a, s)| AlertRef { alert: a, fingerprint: a.fingerprint(), receivers: &rs, status: s })
            .collect();
        let mut fast = Vec::new();
        write_alert_group(&mut fast, &gl, &recv, &refs);
        let model = AlertGroup {
            alerts: alerts.iter().map(|(a, s)| GettableAlert::from_alert(a, &rs, s.clone())).collect(),
            labels: gl,
            receiver: Receiver { name: recv },
        };
        prop_assert_eq!(fast, to_vec(&model).unwrap());
    }

    #[test]
    fn millis_round_trip(t in time()) {
        let s = format_millis(t);
        let back = parse_datetime(&s).unwrap();
        let ms = t.as_millisecond() - i64::from(t.subsec_nanosecond() < 0 && t.subsec_nanosecond() % 1_000_000 != 0);
        prop_assert_eq!(back, Timestamp::from_millisecond(ms).unwrap());
        prop_assert_eq!(format_millis(back), s);
    }
}

fn ms_time() -> impl Strategy<Value = Timestamp> {
    time().prop_map(|t| Timestamp::from_millisecond(t.as_millisecond()).unwrap())
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "http://[a-z]{1,8}(:[0-9]{1,4})?/[a-z?=&<>]{0,10}"
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn postable_alerts_round_trip(items in proptest::collection::vec((labels(), labels(), ms_time(), ms_time(), url()), 0..4)) {
        let alerts: Vec<am_api::v2::PostableAlert> = items
            .into_iter()
            .map(|(labels, annotations, s, e, generator_url)| am_api::v2::PostableAlert {
                annotations,
                ends_at: e.into(),
                starts_at: s.into(),
                generator_url,
                labels,
            })
            .collect();
        let body = to_vec(&alerts).unwrap();
        prop_assert_eq!(am_api::v2::decode_postable_alerts(&body).unwrap(), alerts);
    }

    #[test]
    fn decoders_never_panic(body in proptest::collection::vec(any::<u8>(), 0..64), json in "[\\[\\]{}\",:a-z0-9 ]{0,40}") {
        for b in [&body[..], json.as_bytes()] {
            if let Err(e) = am_api::v2::decode_postable_alerts(b) {
                prop_assert!(e.status == 400 || e.status == 422);
            }
            if let Err(e) = am_api::v2::decode_postable_silence(b) {
                prop_assert!(e.status == 400 || e.status == 422);
            }
            let _ = am_api::v1::decode_alerts(b);
        }
    }
}

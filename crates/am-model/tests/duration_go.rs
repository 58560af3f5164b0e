//! Differential test of `duration` against Go: prometheus/common 0.39 `model.ParseDuration` /
//! `model.Duration.String` and Go's `time.ParseDuration` / `time.Duration.String` (checked
//! against both `GoDuration`, which refuses negative values, and `SignedGoDuration`, which is
//! `time.ParseDuration` itself), through the oracle in `tests/go/duration/main.go`. Inputs come
//! from a fixed-seed generator.

use std::path::Path;
use std::time::Duration;

use am_model::duration::{GoDuration, GoDurationError, PromDuration, SignedGoDuration};
use am_testkit::{GoOracle, TestRng};
use serde_json::{Value, json};

/// A run of decimal digits: usually short, sometimes long enough to overflow, sometimes with
/// leading zeros, sometimes empty.
fn digits(rng: &mut TestRng) -> String {
    let len = match rng.below(10) {
        0 => 0,
        1 => 15 + rng.below(10),
        2 => 10 + rng.below(4),
        _ => 1 + rng.below(4),
    };
    let mut s: String = (0..len)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect();
    if rng.below(8) == 0 {
        s.insert(0, '0');
    }
    s
}

const NOISE: &[&str] = &[
    "", ".", "-", "+", " ", "µ", "μ", "us", "ns", "M", "S", "0", "1", "x", "é", "\n", "\"", "ms",
    "y", "d",
];

/// Prometheus-style inputs: ordered `<digits><unit>` terms, then random damage.
fn prom_input(rng: &mut TestRng) -> String {
    const UNITS: [&str; 7] = ["y", "w", "d", "h", "m", "s", "ms"];
    let mut s = String::new();
    for unit in UNITS {
        if rng.below(3) == 0 {
            s.push_str(&digits(rng));
            s.push_str(unit);
        }
    }
    match rng.below(6) {
        0 => rng.insert_one_of(&mut s, NOISE),
        1 => {
            // Append a term out of order or twice.
            s.push_str(&digits(rng));
            s.push_str(rng.pick(&UNITS));
        }
        2 => {
            // Random short string over the relevant alphabet.
            const ALPHABET: &[&str] = &["0", "1", "9", "y", "w", "d", "h", "m", "s", "ms", "."];
            let len = rng.below(7);
            s = rng.concat(ALPHABET, len);
        }
        _ => {}
    }
    s
}

/// Go-style inputs: optional sign, terms of `<digits>[.<digits>]<unit>`, then random damage.
fn go_input(rng: &mut TestRng) -> String {
    const UNITS: &[&str] = &[
        "ns", "us", "µs", "μs", "ms", "s", "m", "h", "h", "s", "d", "", "x", "µ", "S", "sec",
    ];
    let mut s = String::from(rng.pick(&["", "", "", "+", "-"]));
    for _ in 0..1 + rng.below(3) {
        s.push_str(&digits(rng));
        if rng.below(3) == 0 {
            s.push('.');
            s.push_str(&digits(rng));
        }
        s.push_str(rng.pick(UNITS));
    }
    match rng.below(8) {
        0 => rng.insert_one_of(&mut s, NOISE),
        1 => {
            s = rng
                .pick(&["0", "-0", "+0", "", "-", ".", "0.", ".0", "00"])
                .to_owned()
        }
        2 => s = format!("{}ns{}ns", 1u64 << 63, rng.pick(&[0, 1, 1u64 << 63])),
        _ => {}
    }
    s
}

/// Runs the Go oracle on the given requests and returns one reply per request.
fn run_oracle(requests: &[Value]) -> Option<Vec<Value>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/duration");
    let replies: Vec<Value> = GoOracle::build(&src, "duration-oracle")?.run_json(requests);
    assert_eq!(replies.len(), requests.len(), "one reply per request");
    Some(replies)
}

fn nanos_of(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).expect("parsed durations fit in i64")
}

/// Random durations across magnitudes, plus exact multiples of days, weeks and years.
fn interesting_nanos(rng: &mut TestRng) -> i64 {
    const DAY_NS: i64 = 86_400_000_000_000;
    let raw = rng.next_u64() >> 1;
    match rng.below(6) {
        0 => (raw % 1_000_000_000) as i64,
        1 => (raw % 10_000_000_000_000) as i64,
        2 => (raw % 290) as i64 * DAY_NS * rng.pick(&[1, 7, 365]),
        3 => (raw % 100_000) as i64 * 1_000_000 * rng.pick(&[1, 1000, 60_000]),
        4 => i64::MAX - (raw % 1_000_000_000_000) as i64,
        _ => raw as i64,
    }
}

/// Checks that we reject `s` with exactly Go's message.
fn assert_same_error<T: std::fmt::Debug, E: std::fmt::Display>(
    s: &str,
    ours: Result<T, E>,
    reply: &Value,
) {
    let err = ours.expect_err(&format!("{s:?}: Go rejects, we accept"));
    assert_eq!(
        Some(err.to_string().as_str()),
        reply["err"].as_str(),
        "{s:?}"
    );
}

/// Checks that we accept `s` as Go does: same nanoseconds, printed the same.
fn assert_same_value<E: std::fmt::Display>(s: &str, ours: Result<(i64, String), E>, reply: &Value) {
    let (nanos, printed) = ours.unwrap_or_else(|e| panic!("{s:?}: Go accepts, we say {e}"));
    assert_eq!(Some(nanos), reply["nanos"].as_i64(), "{s:?}");
    assert_eq!(Some(printed.as_str()), reply["string"].as_str(), "{s:?}");
}

#[test]
fn durations_match_go() {
    let mut rng = TestRng::new(0x5eed_d0a7_1011_0002);
    let prom_inputs: Vec<String> = (0..3000).map(|_| prom_input(&mut rng)).collect();
    let go_inputs: Vec<String> = (0..3000).map(|_| go_input(&mut rng)).collect();
    let values: Vec<i64> = (0..1000).map(|_| interesting_nanos(&mut rng)).collect();
    // Negative values for the signed printer, down to Go's minimum.
    let negatives: Vec<i64> = values.iter().map(|n| -n).chain([i64::MIN]).collect();

    let mut requests: Vec<Value> = Vec::new();
    requests.extend(
        prom_inputs
            .iter()
            .map(|s| json!({"op": "prom_parse", "s": s})),
    );
    requests.extend(go_inputs.iter().map(|s| json!({"op": "go_parse", "s": s})));
    requests.extend(
        values
            .iter()
            .map(|n| json!({"op": "prom_string", "nanos": n})),
    );
    requests.extend(
        values
            .iter()
            .chain(&negatives)
            .map(|n| json!({"op": "go_string", "nanos": n})),
    );
    let Some(replies) = run_oracle(&requests) else {
        return;
    };
    let (prom_replies, rest) = replies.split_at(prom_inputs.len());
    let (go_replies, rest) = rest.split_at(go_inputs.len());
    let (prom_strings, rest) = rest.split_at(values.len());
    let (go_strings, go_negative_strings) = rest.split_at(values.len());

    let mut prom_ok = 0;
    for (s, reply) in prom_inputs.iter().zip(prom_replies) {
        let ours = s.parse::<PromDuration>();
        if reply["ok"].as_bool().expect("ok") {
            prom_ok += 1;
            let ours = ours.map(|d| (nanos_of(d.0), d.to_string()));
            assert_same_value(s, ours, reply);
        } else {
            assert_same_error(s, ours, reply);
        }
    }

    let (mut go_ok, mut go_negative) = (0, 0);
    for (s, reply) in go_inputs.iter().zip(go_replies) {
        let ours = s.parse::<GoDuration>();
        // The signed variant is Go's `time.ParseDuration` itself, negative values included.
        let signed = s.parse::<SignedGoDuration>();
        let go_nanos = reply["nanos"].as_i64().expect("nanos");
        if !reply["ok"].as_bool().expect("ok") {
            assert_same_error(s, ours, reply);
            assert_same_error(s, signed, reply);
            continue;
        }
        assert_same_value(s, signed.map(|d| (d.0, d.to_string())), reply);
        if go_nanos < 0 {
            go_negative += 1;
            assert_eq!(ours, Err(GoDurationError::Negative(s.clone())), "{s:?}");
        } else {
            go_ok += 1;
            assert_same_value(s, ours.map(|d| (nanos_of(d.0), d.to_string())), reply);
        }
    }

    for ((n, prom), go) in values.iter().zip(prom_strings).zip(go_strings) {
        let d = Duration::from_nanos(u64::try_from(*n).expect("non-negative"));
        assert_eq!(
            Some(PromDuration(d).to_string().as_str()),
            prom.as_str(),
            "{n}"
        );
        assert_eq!(Some(GoDuration(d).to_string().as_str()), go.as_str(), "{n}");
        assert_eq!(
            Some(SignedGoDuration(*n).to_string().as_str()),
            go.as_str(),
            "{n}"
        );
    }
    for (n, go) in negatives.iter().zip(go_negative_strings) {
        let ours = SignedGoDuration(*n).to_string();
        assert_eq!(Some(ours.as_str()), go.as_str(), "{n}");
    }

    eprintln!(
        "prom: {prom_ok}/{} accepted; go: {go_ok}/{} accepted, {go_negative} negative",
        prom_inputs.len(),
        go_inputs.len()
    );
    // The generators must produce plenty of both outcomes.
    assert!(
        prom_ok > 500 && prom_inputs.len() - prom_ok > 500,
        "{prom_ok}"
    );
    assert!(
        go_ok > 500 && go_inputs.len() - go_ok - go_negative > 500,
        "{go_ok}"
    );
    assert!(go_negative > 50, "{go_negative}");
}

//! Differential test of `am_server::metrics` against Go's client_golang + expfmt (the encoder
//! Go Alertmanager's `/metrics` uses): float formatting over random and edge values, and a
//! whole registry with counters, gauges, histograms and escaped label values.

use std::path::Path;

use am_server::metrics::{DEFAULT_BUCKETS, Registry, format_float};
use am_testkit::{GoOracle, TestRng};

fn oracle() -> Option<GoOracle> {
    GoOracle::build(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/expfmt"),
        "expfmt",
    )
}

#[test]
fn floats_format_like_go() {
    let Some(go) = oracle() else { return };
    let mut values = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        1e6,
        999999.0,
        123456.7,
        1e-4,
        1e-5,
        1.5e-7,
        1e21,
        1e20,
        12345678.9,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        1.7e9,
        0.1 + 0.2,
        100.0,
        -123.456,
        2.5,
        1e100,
    ];
    let mut rng = TestRng::new(7);
    for _ in 0..2000 {
        let bits = rng.next_u64();
        let v = f64::from_bits(bits);
        if !v.is_nan() {
            values.push(v);
        }
        // Also human-scale numbers.
        values.push(
            rng.range(-1_000_000_000, 1_000_000_000) as f64 / 10f64.powi(rng.below(12) as i32),
        );
    }
    let input: Vec<String> = values.iter().map(|v| v.to_bits().to_string()).collect();
    let want = go.run_lines(&input);
    assert_eq!(want.len(), values.len());
    for (v, w) in values.iter().zip(&want) {
        assert_eq!(&format_float(*v), w, "value bits {}", v.to_bits());
    }
}

#[test]
fn registry_encodes_like_go() {
    let Some(go) = oracle() else { return };
    let want = go.run_lines(&["REGISTRY".to_string()]).join("\n") + "\n";

    let r = Registry::new();
    let cv = r.counter_vec(
        "test_requests_total",
        "Requests \\ with\nnewline.",
        &["method", "code"],
    );
    cv.with(&["GET", "200"]).inc_by(3.0);
    cv.with(&["POST", "5\"00\n\\"]).inc();
    cv.with(&["DELETE", "200"]).inc_by(0.25);
    let _empty = r.counter_vec("test_empty_total", "never used", &["x"]);
    r.gauge("test_gauge", "a gauge").set(1e6);
    let gv = r.gauge_vec("test_gauge_vec", "labels sorted", &["z", "a"]);
    gv.with(&["1", "2"]).set(0.5);
    gv.with(&["0", "3"]).set(-1.0);
    gv.with(&["0", "10"]).set(123456789.0);
    let hv = r.histogram_vec(
        "test_duration_seconds",
        "durations",
        &["handler"],
        &DEFAULT_BUCKETS,
    );
    for v in [0.003, 0.2, 7.0, 20.0, 0.005] {
        hv.with(&["/x"]).observe(v);
    }
    hv.with(&["/a"]).observe(1.0);
    let h = r.histogram("test_sizes", "sizes", &[1e-05, 1000000.0, 2.5]);
    h.observe(3.0);
    h.observe(2e6);
    r.gauge_fn("test_fn", "fn", || 1.5e-7);
    assert_eq!(r.encode(), want);
}

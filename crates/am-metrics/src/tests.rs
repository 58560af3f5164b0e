//! Unit tests of the registry and the text encoder.

use super::*;

#[test]
fn go_float_formatting() {
    for (v, want) in [
        (1.0, "1"),
        (0.5, "0.5"),
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (f64::INFINITY, "+Inf"),
        (f64::NEG_INFINITY, "-Inf"),
        (f64::NAN, "NaN"),
        (-0.0, "0"),
        (1.7e9 + 0.25, "1.70000000025e+09"),
    ] {
        assert_eq!(format_float(v), want, "{v}");
    }
}

#[test]
fn counter_and_gauge_values() {
    let r = Registry::new();
    let c = r.counter("a_total", "A.");
    c.inc();
    c.inc_by(0.5);
    c.inc_by(-3.0);
    c.inc_by_u64(2);
    assert_eq!(c.get(), 3.5);
    let g = r.gauge("b", "B.");
    g.set(4.0);
    g.dec();
    g.add(0.5);
    assert_eq!(g.get(), 3.5);
    assert_eq!(
        r.encode(),
        "# HELP a_total A.\n# TYPE a_total counter\na_total 3.5\n# HELP b B.\n# TYPE b gauge\nb 3.5\n"
    );
}

#[test]
fn reregistration_shares_the_series() {
    let r = Registry::new();
    let a = r.counter_vec("x_total", "X.", &["k"]);
    let b = r.counter_vec("x_total", "X.", &["k"]);
    a.with(&["v"]).inc();
    b.with(&["v"]).inc();
    assert_eq!(a.with(&["v"]).get(), 2.0);
    // Conflicting type: detached, the original keeps its series.
    let g = r.gauge("x_total", "X.");
    g.set(10.0);
    assert!(r.encode().contains("x_total{k=\"v\"} 2\n"));
    assert!(a.remove(&["v"]));
    assert!(!r.encode().contains("x_total"));
}

#[test]
fn histogram_buckets_are_cumulative() {
    let r = Registry::new();
    let h = r.histogram_vec("h_seconds", "H.", &["m"], &[1.0, 0.1]);
    let c = h.with(&["GET"]);
    c.observe(0.1);
    c.observe(0.5);
    c.observe(5.0);
    assert_eq!(c.sample_count(), 3);
    let text = r.encode();
    let want = "h_seconds_bucket{m=\"GET\",le=\"0.1\"} 1\nh_seconds_bucket{m=\"GET\",le=\"1\"} 2\n\
                h_seconds_bucket{m=\"GET\",le=\"+Inf\"} 3\nh_seconds_sum{m=\"GET\"} 5.6\nh_seconds_count{m=\"GET\"} 3\n";
    assert!(text.ends_with(want), "{text}");
}

#[test]
fn gauge_fn_is_evaluated_at_scrape_and_replaced() {
    let r = Registry::new();
    let v = Arc::new(AtomicU64::new(1));
    let v2 = v.clone();
    r.gauge_fn("f", "F.", move || v2.load(Ordering::Relaxed) as f64);
    v.store(7, Ordering::Relaxed);
    assert!(r.encode().contains("\nf 7\n"));
    r.gauge_fn("f", "F.", || 9.0);
    assert!(r.encode().contains("\nf 9\n"));
    r.gauge_vec_fn("s", "S.", &["state"], || {
        vec![
            (vec!["suppressed".into()], 2.0),
            (vec!["active".into()], 1.0),
        ]
    });
    assert!(
        r.encode()
            .contains("s{state=\"active\"} 1\ns{state=\"suppressed\"} 2\n")
    );
}

#[test]
fn process_and_build_info() {
    let r = Registry::new();
    r.register_process_metrics();
    r.register_build_info(
        "alertmanager",
        &BuildInfo {
            version: "0.28.0".into(),
            goos: "linux".into(),
            ..Default::default()
        },
    );
    let text = r.encode();
    assert!(text.contains(
        "alertmanager_build_info{branch=\"\",goarch=\"\",goos=\"linux\",goversion=\"\",revision=\"\",version=\"0.28.0\"} 1\n"
    ));
    let rss = text
        .lines()
        .find_map(|l| l.strip_prefix("process_resident_memory_bytes "))
        .and_then(|v| v.parse::<f64>().ok())
        .expect("rss line");
    assert!(rss > 1e5, "{rss}");
    let start = text
        .lines()
        .find_map(|l| l.strip_prefix("process_start_time_seconds "))
        .and_then(|v| v.parse::<f64>().ok())
        .expect("start line");
    assert!(start > 1.5e9, "{start}");
    assert!(text.contains("# TYPE process_cpu_seconds_total counter\n"));
}

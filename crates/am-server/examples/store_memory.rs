//! Measures the alert store ([`am_server::provider::AlertStore`]) at scale: resident memory
//! per alert, insertion rate (one and two threads), update rate and full-scan time.
//!
//! `cargo run --release -p am-server --example store_memory -- 1000000`
//!
//! Alerts look like `{alertname="HighLatency<k % 50>", instance="host-<k>:9100", job="node",
//! severity="warning"}` with the annotation `summary="Latency is high"`.

use std::time::{Duration, Instant};

use am_model::alert::Alert;
use am_model::labels::LabelSet;
use am_server::metrics::Registry;
use am_server::provider::{AlertStore, StoreLimits};
use jiff::{SignedDuration, Timestamp};
use smol_str::SmolStr;

const BATCH: usize = 1024;

/// Resident set size in bytes (`VmRSS` of `/proc/self/status`).
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// CPU time of the calling thread (`/proc/thread-self/schedstat`), which unlike wall time is
/// meaningful on a busy machine.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    Duration::from_nanos(
        stat.split_whitespace()
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    )
}

fn make(k: usize, now: Timestamp, updated: Timestamp) -> Alert {
    Alert {
        labels: LabelSet::new([
            ("alertname", SmolStr::new(format!("HighLatency{}", k % 50))),
            ("instance", SmolStr::new(format!("host-{k}:9100"))),
            ("job", SmolStr::new_static("node")),
            ("severity", SmolStr::new_static("warning")),
        ]),
        annotations: LabelSet::new([("summary", "Latency is high")]),
        starts_at: now,
        ends_at: now + SignedDuration::from_mins(5),
        generator_url: SmolStr::default(),
        updated_at: updated,
        timeout: false,
    }
}

/// Inserts alerts `range` in batches; returns the CPU time spent inside the store only.
fn fill(
    store: &AlertStore,
    range: std::ops::Range<usize>,
    now: Timestamp,
    updated: Timestamp,
) -> Duration {
    let mut spent = Duration::ZERO;
    let mut k = range.start;
    while k < range.end {
        let end = (k + BATCH).min(range.end);
        let batch: Vec<Alert> = (k..end).map(|i| make(i, now, updated)).collect();
        let c0 = cpu();
        let res = store.put_batch(batch, now);
        spent += cpu() - c0;
        assert!(res.iter().all(Result::is_ok));
        k = end;
    }
    spent
}

fn rate(n: usize, d: Duration) -> String {
    format!(
        "{:.0} alerts/s ({:.0} ns/alert)",
        n as f64 / d.as_secs_f64(),
        d.as_nanos() as f64 / n as f64
    )
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let now = Timestamp::from_second(1_700_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
    let registry = Registry::new();

    // Memory and single-thread insertion.
    let before = rss();
    let store = AlertStore::new(StoreLimits::default(), &registry);
    let c0 = cpu();
    let spent = fill(&store, 0..n, now, now);
    let wall = cpu() - c0;
    let after = rss();
    assert_eq!(store.len(), n);
    println!("alerts:                 {n}");
    println!(
        "rss delta:              {:.1} MiB = {:.1} bytes/alert (store heap estimate {:.1} bytes/alert)",
        (after.saturating_sub(before)) as f64 / (1 << 20) as f64,
        after.saturating_sub(before) as f64 / n as f64,
        store.heap_bytes() as f64 / n as f64
    );
    println!(
        "insert, 1 thread:       {} in the store; {} incl. alert construction",
        rate(n, spent),
        rate(n, wall)
    );
    println!(
        "                        (CPU time of the inserting thread; wall time is meaningless on a shared box)"
    );

    // Updates of existing alerts (merge path).
    let later = now + SignedDuration::from_secs(30);
    let spent = fill(&store, 0..n, now, later);
    println!("update, 1 thread:       {}", rate(n, spent));

    // Single puts (no batching).
    let singles = n.min(200_000);
    let c0 = cpu();
    for k in 0..singles {
        let a = make(k, now, later + SignedDuration::from_secs(1));
        let _ = store.put(a, now);
    }
    println!(
        "single put (update):    {} incl. alert construction",
        rate(singles, cpu() - c0)
    );

    // Full scans.
    let (t0, c0) = (Instant::now(), cpu());
    let mut seen = 0usize;
    let mut bytes = 0usize;
    store.scan_chunks(|chunk| {
        seen += chunk.len();
        bytes += chunk.iter().map(|a| a.labels.len()).sum::<usize>();
    });
    let (scan, scan_cpu) = (t0.elapsed(), cpu() - c0);
    assert_eq!(seen, n);
    println!(
        "full scan (materialize): {:.3} s CPU, {:.3} s wall ({} labels)",
        scan_cpu.as_secs_f64(),
        scan.as_secs_f64(),
        bytes
    );
    let t0 = Instant::now();
    let counts = store.count_active_resolved(now);
    println!(
        "count_active_resolved:  {:.3} s {counts:?}",
        t0.elapsed().as_secs_f64()
    );
    let t0 = Instant::now();
    let fps = store.fingerprints();
    println!(
        "fingerprints():         {:.3} s ({})",
        t0.elapsed().as_secs_f64(),
        fps.len()
    );
    let t0 = Instant::now();
    let gone = store.gc(now);
    println!(
        "gc (nothing resolved):  {:.3} s ({})",
        t0.elapsed().as_secs_f64(),
        gone.len()
    );
    drop(fps);
    drop(store);

    // Two threads inserting disjoint halves into a fresh store.
    let store = AlertStore::new(StoreLimits::default(), &registry);
    let t0 = Instant::now();
    let half = n / 2;
    std::thread::scope(|s| {
        let a = s.spawn(|| fill(&store, 0..half, now, now));
        let b = s.spawn(|| fill(&store, half..n, now, now));
        let (a, b) = (a.join().unwrap_or_default(), b.join().unwrap_or_default());
        println!(
            "insert, 2 threads:      {} / {} per thread (CPU in the store)",
            rate(half, a),
            rate(n - half, b)
        );
    });
    let wall = t0.elapsed();
    assert_eq!(store.len(), n);
    println!(
        "insert, 2 threads:      {} wall incl. alert construction",
        rate(n, wall)
    );
}

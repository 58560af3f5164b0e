//! Cluster benchmark, Go Alertmanager vs alertmesh (run by scripts/bench-cluster.sh): for each
//! flavor, a 3-node cluster on 127.0.0.1 with upstream's default gossip timings; measures the
//! CPU time all three processes spend idle in the cluster (gossip, probes), the time and CPU to
//! replicate N silences created on node 0 to every node, and the nodes' RSS afterwards. Prints
//! one table with alertmesh / Go ratios.
//!
//! Usage: `am-bench-cluster [--silences N] [--idle-secs S] [--only go|alertmesh]`.

use std::time::{Duration, Instant};

use am_testkit::Flavor;
use am_testkit::cluster::{Cluster, ClusterOptions, wait_until};
use anyhow::{Context, Result, anyhow, bail};
use serde_json::json;

const CONFIG: &str = "route:\n  receiver: none\nreceivers:\n- name: none\n";

/// Clock ticks per second of `/proc/<pid>/stat` (USER_HZ; 100 on Linux everywhere we run).
const TICKS_PER_SEC: f64 = 100.0;

/// A table row: its label and how to read the value from a sample.
type Row = (&'static str, fn(&Sample) -> f64);

#[derive(Debug, Default, Clone, Copy)]
struct Sample {
    idle_cpu_secs: f64,
    replicate_secs: f64,
    replicate_cpu_secs: f64,
    rss_mb: f64,
}

fn cpu_secs(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or_else(|| anyhow!("bad /proc/{pid}/stat"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after ')'.
    let utime: f64 = fields.get(11).context("utime")?.parse()?;
    let stime: f64 = fields.get(12).context("stime")?.parse()?;
    Ok((utime + stime) / TICKS_PER_SEC)
}

fn total_cpu(cluster: &Cluster) -> Result<f64> {
    let mut sum = 0.0;
    for i in 0..cluster.len() {
        let server = cluster.server(i).context("node not running")?;
        sum += cpu_secs(server.pid())?;
    }
    Ok(sum)
}

fn silence_count(cluster: &Cluster, i: usize) -> Result<usize, String> {
    let resp = cluster
        .client(i)
        .get("/api/v2/silences")
        .map_err(|e| e.to_string())?;
    Ok(resp.json()?.as_array().map_or(0, Vec::len))
}

fn run(flavor: Flavor, silences: usize, idle: Duration) -> Result<Sample> {
    let opts = ClusterOptions {
        gossip_interval: Duration::from_millis(200),
        pushpull_interval: Duration::from_secs(60),
        probe_interval: Duration::from_secs(1),
        probe_timeout: Duration::from_millis(500),
        ..ClusterOptions::default()
    };
    let flavors = [flavor; 3];
    let cluster = Cluster::start(&flavors, CONFIG, opts).map_err(|e| anyhow!(e))?;
    cluster
        .wait_converged(Duration::from_secs(60))
        .map_err(|e| anyhow!(e))?;

    let before = total_cpu(&cluster)?;
    std::thread::sleep(idle); // a measurement window, not synchronisation
    let idle_cpu_secs = total_cpu(&cluster)? - before;

    let now = jiff::Timestamp::now();
    let ends = now + jiff::SignedDuration::from_hours(2);
    let before = total_cpu(&cluster)?;
    let t = Instant::now();
    for n in 0..silences {
        let body = json!({
            "matchers": [{"name": "job", "value": format!("bench-{n}"), "isRegex": false,
                          "isEqual": true}],
            "startsAt": now.to_string(),
            "endsAt": ends.to_string(),
            "createdBy": "bench",
            "comment": format!("cluster benchmark silence {n}"),
        });
        let resp = cluster
            .client(0)
            .post_json("/api/v2/silences", &body)
            .map_err(|e| anyhow!("POST silence: {e}"))?;
        if resp.status != 200 {
            bail!("POST silence: {} {}", resp.status, resp.text());
        }
    }
    for i in 1..cluster.len() {
        wait_until(
            Duration::from_secs(600),
            &format!("{silences} silences on node {i}"),
            || match silence_count(&cluster, i)? {
                n if n >= silences => Ok(()),
                n => Err(format!("{n}")),
            },
        )
        .map_err(|e| anyhow!(e))?;
    }
    let replicate_secs = t.elapsed().as_secs_f64();
    let replicate_cpu_secs = total_cpu(&cluster)? - before;
    let mut rss = 0.0;
    for i in 0..cluster.len() {
        rss += cluster
            .server(i)
            .and_then(am_testkit::Server::rss_bytes)
            .unwrap_or(0) as f64;
    }
    Ok(Sample {
        idle_cpu_secs,
        replicate_secs,
        replicate_cpu_secs,
        rss_mb: rss / 3.0 / 1e6,
    })
}

fn main() -> Result<()> {
    let mut silences = 2000;
    let mut idle = Duration::from_secs(20);
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--silences" => silences = args.next().context("--silences N")?.parse()?,
            "--idle-secs" => {
                idle = Duration::from_secs(args.next().context("--idle-secs S")?.parse()?);
            }
            "--only" => only = args.next(),
            other => bail!("unknown argument {other}"),
        }
    }
    let mut results = Vec::new();
    for flavor in [Flavor::Go, Flavor::Alertmesh] {
        if only.as_deref().is_some_and(|o| o != flavor.name()) {
            continue;
        }
        eprintln!("running {} ...", flavor.name());
        results.push((flavor, run(flavor, silences, idle)?));
    }
    println!(
        "3-node cluster, gossip 200ms, {silences} silences created on node 0, idle window {idle:?}"
    );
    println!(
        "{:<34} {:>12} {:>12} {:>8}",
        "metric", "go", "alertmesh", "ratio"
    );
    let get = |f: Flavor| results.iter().find(|(x, _)| *x == f).map(|(_, s)| *s);
    let (go, am) = (get(Flavor::Go), get(Flavor::Alertmesh));
    let rows: [Row; 4] = [
        ("idle CPU, 3 nodes (s)", |s| s.idle_cpu_secs),
        ("replication wall time (s)", |s| s.replicate_secs),
        ("replication CPU, 3 nodes (s)", |s| s.replicate_cpu_secs),
        ("RSS per node after (MB)", |s| s.rss_mb),
    ];
    for (name, f) in rows {
        let g = go.as_ref().map(f);
        let a = am.as_ref().map(f);
        let ratio = match (g, a) {
            (Some(g), Some(a)) if g > 0.0 => format!("{:.3}", a / g),
            _ => "-".to_owned(),
        };
        let show = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.3}"));
        println!("{name:<34} {:>12} {:>12} {ratio:>8}", show(g), show(a));
    }
    Ok(())
}

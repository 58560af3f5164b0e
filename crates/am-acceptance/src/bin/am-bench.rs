//! `am-bench`: the engine benchmark (issue 4 targets) against one Alertmanager-compatible server.
//!
//! ```text
//! am-bench run --flavor go|alertmesh [--alerts 1000000] [--connections 4] [--server-cpu 0]
//!              [--out result.json]
//! am-bench report go.json [alertmesh.json]
//! ```
//! `run` starts the server (pinned with `taskset -c <cpu>` when `--server-cpu` is given), measures
//! idle RSS, ingests `--alerts` distinct alerts in batches of 100, then RSS per alert, full
//! `GET /api/v2/alerts` and `/api/v2/alerts/groups` times, and POST latency while a full GET
//! runs. `report` prints the comparison table with the targets.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use am_acceptance::bench;
use am_testkit::server::{Flavor, Server, ServerOptions, free_port, rss_bytes};
use anyhow::{Context, bail};
use serde_json::{Value, json};

struct RunArgs {
    flavor: Flavor,
    alerts: usize,
    connections: usize,
    server_cpu: Option<String>,
    out: Option<String>,
}

fn parse_run(args: &[String]) -> anyhow::Result<RunArgs> {
    let mut r = RunArgs {
        flavor: Flavor::Go,
        alerts: 1_000_000,
        connections: 4,
        server_cpu: None,
        out: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .cloned()
                .with_context(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--flavor" => {
                r.flavor = match val()?.as_str() {
                    "go" => Flavor::Go,
                    "alertmesh" => Flavor::Alertmesh,
                    other => bail!("unknown flavor {other:?}"),
                }
            }
            "--alerts" => r.alerts = val()?.parse().context("--alerts")?,
            "--connections" => r.connections = val()?.parse().context("--connections")?,
            "--server-cpu" => r.server_cpu = Some(val()?),
            "--out" => r.out = Some(val()?),
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(r)
}

fn config() -> String {
    format!(
        "route:\n  receiver: dead\n  group_by: [alertname]\n  group_wait: 1h\n  group_interval: 1h\n  \
         repeat_interval: 24h\nreceivers:\n- name: dead\n  webhook_configs:\n  - url: \
         'http://127.0.0.1:{}/'\n",
        free_port()
    )
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

/// User + system CPU seconds of a process (`/proc/<pid>/stat` utime + stime, 100 ticks/s as
/// on every Linux `x86_64`/`aarch64` build).
fn cpu_secs(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

fn run(a: RunArgs) -> anyhow::Result<Value> {
    let opts = ServerOptions {
        wrapper: a
            .server_cpu
            .iter()
            .flat_map(|cpu| ["taskset".to_string(), "-c".to_string(), cpu.clone()])
            .collect(),
        ready_path: "/api/v2/status".into(),
        ready_timeout: Duration::from_secs(15),
        ..ServerOptions::default()
    };
    let server = Server::start_with(a.flavor, &config(), &opts)
        .map_err(|e| anyhow::anyhow!("{} does not serve: {e}", a.flavor.name()))?;
    let pid = server.pid();
    let addr = format!("127.0.0.1:{}", server.port());
    let idle_rss = rss_bytes(pid).context("read VmRSS")?;
    eprintln!(
        "[{}] idle RSS {:.1} MB",
        a.flavor.name(),
        idle_rss as f64 / 1e6
    );

    let bodies = Arc::new(bench::alert_bodies(a.alerts));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    let cpu0 = cpu_secs(pid);
    let (ingest_time, mut lat) =
        rt.block_on(bench::ingest(&addr, Arc::clone(&bodies), a.connections))?;
    let rate = a.alerts as f64 / ingest_time.as_secs_f64();
    let ingest_cpu = cpu_secs(pid) - cpu0;
    let rss_ingest = rss_bytes(pid).context("read VmRSS")?;
    let per_alert = rss_ingest.saturating_sub(idle_rss) as f64 / a.alerts.max(1) as f64;
    eprintln!(
        "[{}] ingested {} alerts in {:.2} s: {:.0} alerts/s ({:.0} per server CPU-s); RSS {:.1} \
         MB ({:.0} B/alert)",
        a.flavor.name(),
        a.alerts,
        ingest_time.as_secs_f64(),
        rate,
        a.alerts as f64 / ingest_cpu.max(0.01),
        rss_ingest as f64 / 1e6,
        per_alert
    );

    let cpu1 = cpu_secs(pid);
    let get = rt.block_on(bench::get_streamed(&addr, "/api/v2/alerts"))?;
    let get_cpu = cpu_secs(pid) - cpu1;
    eprintln!(
        "[{}] GET /api/v2/alerts: {:.2} s (server CPU {:.2} s), {} alerts, {:.1} MB",
        a.flavor.name(),
        get.elapsed.as_secs_f64(),
        get_cpu,
        get.alerts,
        get.bytes as f64 / 1e6
    );
    if get.alerts != a.alerts as u64 {
        bail!("GET returned {} alerts, expected {}", get.alerts, a.alerts);
    }
    let groups = rt.block_on(bench::get_streamed(&addr, "/api/v2/alerts/groups"))?;
    eprintln!(
        "[{}] GET /api/v2/alerts/groups: {:.2} s, {} alerts, {:.1} MB",
        a.flavor.name(),
        groups.elapsed.as_secs_f64(),
        groups.alerts,
        groups.bytes as f64 / 1e6
    );
    let (get2, mut during) = rt.block_on(bench::posts_during_get(&addr, Arc::clone(&bodies)))?;
    let p99_during = bench::percentile_ms(&mut during, 99.0);
    eprintln!(
        "[{}] {} POSTs during a {:.2} s GET: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        a.flavor.name(),
        during.len(),
        get2.elapsed.as_secs_f64(),
        bench::percentile_ms(&mut during, 50.0),
        p99_during,
        bench::percentile_ms(&mut during, 100.0),
    );
    let rss_end = rss_bytes(pid).unwrap_or(0);
    Ok(json!({
        "flavor": a.flavor.name(),
        "alerts": a.alerts,
        "connections": a.connections,
        "server_cpu": a.server_cpu,
        "idle_rss_bytes": idle_rss,
        "ingest_secs": secs(ingest_time),
        "ingest_alerts_per_sec": rate.round(),
        "ingest_server_cpu_secs": (ingest_cpu * 100.0).round() / 100.0,
        "ingest_alerts_per_cpu_sec": (a.alerts as f64 / ingest_cpu.max(0.01)).round(),
        "get_alerts_server_cpu_secs": (get_cpu * 100.0).round() / 100.0,
        "ingest_post_p99_ms": bench::percentile_ms(&mut lat, 99.0),
        "rss_after_ingest_bytes": rss_ingest,
        "bytes_per_alert": per_alert.round(),
        "get_alerts_secs": secs(get.elapsed),
        "get_alerts_bytes": get.bytes,
        "get_groups_secs": secs(groups.elapsed),
        "get_groups_bytes": groups.bytes,
        "get_groups_alerts": groups.alerts,
        "get_during_posts_secs": secs(get2.elapsed),
        "posts_during_get": during.len(),
        "post_p50_during_get_ms": bench::percentile_ms(&mut during, 50.0),
        "post_p99_during_get_ms": p99_during,
        "post_max_during_get_ms": bench::percentile_ms(&mut during, 100.0),
        "rss_end_bytes": rss_end,
        "peak_rss_bytes": vm_hwm(pid),
    }))
}

fn num(v: &Value, k: &str) -> Option<f64> {
    v.get(k).and_then(Value::as_f64)
}

fn report(go: &Value, mesh: Option<&Value>) {
    // (label, key, unit, target ratio text, ratio = f(go, mesh), pass(ratio, mesh value))
    type Check = fn(f64, f64) -> (f64, bool);
    #[rustfmt::skip]
    let rows: [(&str, &str, &str, &str, Check); 10] = [
        ("ingest (alerts/s)", "ingest_alerts_per_sec", "", "mesh/go >= 5", |g, m| (m / g, m / g >= 5.0)),
        ("ingest (alerts per server CPU-s)", "ingest_alerts_per_cpu_sec", "", "(info, load-independent)", |g, m| (m / g, true)),
        ("RSS per alert (B)", "bytes_per_alert", "", "mesh/go <= 0.125", |g, m| (m / g, m / g <= 0.125)),
        ("GET /alerts (s)", "get_alerts_secs", "", "go/mesh >= 10", |g, m| (g / m, g / m >= 10.0)),
        ("GET /alerts server CPU (s)", "get_alerts_server_cpu_secs", "", "(info, load-independent)", |g, m| (g / m, true)),
        ("GET /alerts/groups (s)", "get_groups_secs", "", "go/mesh (info)", |g, m| (g / m, true)),
        ("idle RSS (MB)", "idle_rss_bytes", "MB", "mesh/go <= 0.333", |g, m| (m / g, m / g <= 1.0 / 3.0)),
        ("POST p99 during GET (ms)", "post_p99_during_get_ms", "", "mesh < 50 ms", |_, m| (f64::NAN, m < 50.0)),
        ("POST p99 while ingesting (ms)", "ingest_post_p99_ms", "", "(info)", |_, _| (f64::NAN, true)),
        ("peak RSS (MB)", "peak_rss_bytes", "MB", "(info)", |g, m| (m / g, true)),
    ];
    let alerts = num(go, "alerts").unwrap_or(0.0);
    println!("Engine benchmark, {alerts} alerts (batches of 100)\n");
    if let Some(m) = mesh
        && num(m, "alerts") != num(go, "alerts")
    {
        println!("WARNING: the runs used different alert counts; ratios are not comparable\n");
    }
    println!("| metric | Go 0.25 | alertmesh | ratio | target | ok |");
    println!("|---|---:|---:|---:|---|---|");
    for (label, key, unit, target, check) in rows {
        let scale = if unit == "MB" { 1e-6 } else { 1.0 };
        let g = num(go, key);
        let m = mesh.and_then(|m| num(m, key));
        let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |x| format!("{:.1}", x * scale));
        let (ratio, ok) = match (g, m) {
            (Some(g), Some(m)) => {
                let (r, ok) = check(g, m);
                (
                    if r.is_nan() {
                        "-".into()
                    } else {
                        format!("{r:.3}")
                    },
                    if ok { "yes" } else { "NO" },
                )
            }
            _ => ("n/a".into(), "n/a"),
        };
        println!(
            "| {label} | {} | {} | {ratio} | {target} | {ok} |",
            fmt(g),
            fmt(m)
        );
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => parse_run(&args[1..]).and_then(|a| {
            let out = a.out.clone();
            let v = run(a)?;
            let text = serde_json::to_string_pretty(&v)?;
            match out {
                Some(path) => std::fs::write(&path, text).with_context(|| format!("write {path}")),
                None => {
                    println!("{text}");
                    Ok(())
                }
            }
        }),
        Some("report") => (|| {
            let read = |p: &String| -> anyhow::Result<Value> {
                Ok(serde_json::from_str(
                    &std::fs::read_to_string(p).with_context(|| format!("read {p}"))?,
                )?)
            };
            let go = read(args.get(1).context("report needs go.json")?)?;
            let mesh = args.get(2).map(read).transpose()?;
            report(&go, mesh.as_ref());
            Ok(())
        })(),
        _ => {
            eprintln!(
                "usage: am-bench run --flavor go|alertmesh [--alerts N] [--connections C] [--server-cpu CPU] [--out FILE]\n       am-bench report go.json [alertmesh.json]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("am-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

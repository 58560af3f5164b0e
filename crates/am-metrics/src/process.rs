//! The `process_*` metrics of client_golang's process collector (`process_collector_other.go`,
//! values from `/proc/self`, like `prometheus/procfs`) and the `<program>_build_info` gauge of
//! `prometheus/common/version.NewCollector`.

use super::Registry;

/// Linux `USER_HZ` (procfs assumes 100 as well).
const USER_HZ: f64 = 100.0;
/// Page size used to turn `rss` pages into bytes.
const PAGE_SIZE: f64 = 4096.0;

/// Version fields exported as labels of `<program>_build_info` and in `/api/v2/status`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildInfo {
    /// Release version, e.g. `0.28.0`.
    pub version: String,
    /// VCS revision.
    pub revision: String,
    /// VCS branch.
    pub branch: String,
    /// Who built the binary.
    pub build_user: String,
    /// When it was built.
    pub build_date: String,
    /// Toolchain version (Go reports `goversion`; we report the Rust toolchain there).
    pub go_version: String,
    /// Target OS (`linux`).
    pub goos: String,
    /// Target architecture (`amd64`, `arm64`).
    pub goarch: String,
}

/// Fields of `/proc/self/stat` after the command name.
struct Stat {
    utime: f64,
    stime: f64,
    starttime: f64,
    vsize: f64,
    rss: f64,
}

fn read_stat() -> Option<Stat> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &s[s.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let num = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok());
    Some(Stat {
        utime: num(11)?,
        stime: num(12)?,
        starttime: num(19)?,
        vsize: num(20)?,
        rss: num(21)?,
    })
}

fn boot_time() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/stat").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

/// Soft limit of a `/proc/self/limits` row (`unlimited` → u64::MAX like procfs).
fn limit(row: &str) -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = s.lines().find(|l| l.starts_with(row))?;
    let soft = line[row.len()..].split_whitespace().next()?;
    if soft == "unlimited" {
        Some(u64::MAX as f64)
    } else {
        soft.parse().ok()
    }
}

fn open_fds() -> Option<f64> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count() as f64)
}

pub(super) fn register(r: &Registry) {
    if std::fs::metadata("/proc/self/stat").is_err() {
        return;
    }
    r.counter_fn(
        "process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.",
        || read_stat().map_or(0.0, |s| (s.utime + s.stime) / USER_HZ),
    );
    r.gauge_fn(
        "process_open_fds",
        "Number of open file descriptors.",
        || open_fds().unwrap_or(0.0),
    );
    r.gauge_fn(
        "process_max_fds",
        "Maximum number of open file descriptors.",
        || limit("Max open files").unwrap_or(0.0),
    );
    r.gauge_fn(
        "process_virtual_memory_bytes",
        "Virtual memory size in bytes.",
        || read_stat().map_or(0.0, |s| s.vsize),
    );
    r.gauge_fn(
        "process_virtual_memory_max_bytes",
        "Maximum amount of virtual memory available in bytes.",
        || limit("Max address space").unwrap_or(0.0),
    );
    r.gauge_fn(
        "process_resident_memory_bytes",
        "Resident memory size in bytes.",
        || read_stat().map_or(0.0, |s| s.rss * PAGE_SIZE),
    );
    let start = match (read_stat(), boot_time()) {
        (Some(s), Some(b)) => b + s.starttime / USER_HZ,
        _ => 0.0,
    };
    r.gauge_fn(
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        move || start,
    );
}

pub(super) fn register_build_info(r: &Registry, program: &str, info: &BuildInfo) {
    let help = format!(
        "A metric with a constant '1' value labeled by version, revision, branch, goversion from which {program} was built, and the goos and goarch for the build."
    );
    let values = vec![
        info.branch.clone(),
        info.goarch.clone(),
        info.goos.clone(),
        info.go_version.clone(),
        info.revision.clone(),
        info.version.clone(),
    ];
    r.gauge_vec_fn(
        &format!("{program}_build_info"),
        &help,
        &[
            "branch",
            "goarch",
            "goos",
            "goversion",
            "revision",
            "version",
        ],
        move || vec![(values.clone(), 1.0)],
    );
}

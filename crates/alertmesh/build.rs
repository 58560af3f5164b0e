//! Records the build context that `alertmesh --version` and the startup log print, in the spirit
//! of Go's `prometheus/common/version` variables that `promu` fills in at link time: the git
//! revision and branch, who built it, when, and with which compiler.
//!
//! Every value can be pinned from the environment for reproducible builds
//! (`ALERTMESH_BUILD_REVISION`, `ALERTMESH_BUILD_BRANCH`, `ALERTMESH_BUILD_USER`,
//! `SOURCE_DATE_EPOCH`); otherwise it is taken from git and the build host, falling back to
//! `unknown`.

#[allow(dead_code)]
#[path = "src/civil_time.rs"]
mod civil_time;

use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for name in [
        "ALERTMESH_BUILD_REVISION",
        "ALERTMESH_BUILD_BRANCH",
        "ALERTMESH_BUILD_USER",
        "SOURCE_DATE_EPOCH",
    ] {
        println!("cargo:rerun-if-env-changed={name}");
    }
    watch_git_head();

    let revision = env_override("ALERTMESH_BUILD_REVISION")
        .or_else(|| git(&["rev-parse", "HEAD"]))
        .unwrap_or_else(unknown);
    let branch = env_override("ALERTMESH_BUILD_BRANCH")
        .or_else(|| git(&["rev-parse", "--abbrev-ref", "HEAD"]))
        .unwrap_or_else(unknown);
    let user = env_override("ALERTMESH_BUILD_USER").unwrap_or_else(build_user);
    let date = build_date();
    let rustc = rustc_version().unwrap_or_else(unknown);

    println!("cargo:rustc-env=AM_BUILD_REVISION={revision}");
    println!("cargo:rustc-env=AM_BUILD_BRANCH={branch}");
    println!("cargo:rustc-env=AM_BUILD_USER={user}");
    println!("cargo:rustc-env=AM_BUILD_DATE={date}");
    println!("cargo:rustc-env=AM_BUILD_RUSTC={rustc}");
}

fn unknown() -> String {
    "unknown".to_owned()
}

fn env_override(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Runs git and returns its trimmed stdout, or None when git is missing or fails (for example when
/// building from a source tarball).
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Re-runs this script when HEAD moves (checkout or commit), so the revision stays current.
fn watch_git_head() {
    let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) else {
        return;
    };
    println!("cargo:rerun-if-changed={git_dir}/HEAD");
    println!("cargo:rerun-if-changed={git_dir}/packed-refs");
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
        println!("cargo:rerun-if-changed={git_dir}/{reference}");
    }
}

/// `user@host`, like promu's build user.
fn build_user() -> String {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| env_override(name));
    let host = env_override("HOSTNAME").or_else(|| {
        ["/proc/sys/kernel/hostname", "/etc/hostname"]
            .iter()
            .find_map(|path| {
                std::fs::read_to_string(path)
                    .ok()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
            })
    });
    match (user, host) {
        (Some(user), Some(host)) => format!("{user}@{host}"),
        (Some(user), None) => user,
        (None, Some(host)) => format!("unknown@{host}"),
        (None, None) => unknown(),
    }
}

/// The build date in Go's `version.BuildDate` layout, `20060102-15:04:05`, UTC.
fn build_date() -> String {
    let seconds = env_override("SOURCE_DATE_EPOCH")
        .and_then(|v| v.parse::<i64>().ok())
        .or_else(|| {
            let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
            i64::try_from(since_epoch.as_secs()).ok()
        });
    let Some(seconds) = seconds else {
        return unknown();
    };
    let t = civil_time::civil_from_unix_seconds(seconds);
    format!(
        "{:04}{:02}{:02}-{:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

/// The compiler version, e.g. `1.95.0`, from `$RUSTC --version`.
fn rustc_version() -> Option<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let output = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    // "rustc 1.95.0 (hash date)" → "1.95.0"
    text.split_whitespace().nth(1).map(str::to_owned)
}

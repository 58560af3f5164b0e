//! Helpers shared by the workspace's tests: finding the Go reference binaries (Debian's
//! `prometheus-alertmanager` and `amtool`), building small Go oracle programs against Debian's
//! packaged Go sources, and temporary directories.
//!
//! Tests that need a Go component call [`require_tool`]; it fails the test with an
//! explanation when the tool is missing, unless `AM_ALLOW_MISSING_GO=1` is set, in which case
//! it returns `None` and the test is skipped with a message. The project's test script
//! (`scripts/test.sh`) installs everything, so CI never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Locates an executable on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Returns the path of a required external tool. Panics with a clear message when it is missing,
/// unless `AM_ALLOW_MISSING_GO=1`, when it prints a skip notice and returns `None`.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    if let Some(p) = which(name) {
        return Some(p);
    }
    if std::env::var("AM_ALLOW_MISSING_GO").as_deref() == Ok("1") {
        eprintln!("skipping: `{name}` not installed (AM_ALLOW_MISSING_GO=1)");
        return None;
    }
    panic!("`{name}` is not installed; run scripts/test.sh, which installs the Go reference tools");
}

/// The GOPATH holding Debian's packaged Go sources (golang-github-prometheus-*-dev).
pub const DEBIAN_GOPATH: &str = "/usr/share/gocode";

/// Builds a Go program (a single `main.go` in `src_dir`) in GOPATH mode against Debian's packaged
/// Go libraries and returns the binary path (inside `out_dir`).
///
/// # Panics
/// Panics when `go` is missing or the build fails; the message includes the compiler output.
pub fn build_go_program(src_dir: &Path, out_dir: &Path, name: &str) -> PathBuf {
    let out = out_dir.join(name);
    let cache = go_cache_dir();
    let status = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&out)
        .arg(".")
        .current_dir(src_dir)
        .env("GOPATH", DEBIAN_GOPATH)
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOCACHE", &cache)
        .output()
        .expect("failed to run `go build`");
    assert!(
        status.status.success(),
        "go build failed:\n{}",
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

/// The Go build cache shared by all test runs: `$GOCACHE` if set, else `target/go-cache` in the
/// workspace, so each oracle program compiles Debian's Go sources once, not once per test.
pub fn go_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GOCACHE") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/go-cache")
}

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("cannot create a temporary directory")
}

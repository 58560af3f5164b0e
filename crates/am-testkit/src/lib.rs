//! Helpers shared by the workspace's tests: finding the Go reference binaries (Debian's
//! `prometheus-alertmanager` and `amtool`), building small Go oracle programs against Debian's
//! packaged Go sources and running them on a batch of input lines ([`oracle`]), a seeded random
//! generator for test data ([`rng`]), and temporary directories. For acceptance tests and
//! benchmarks: launching a Go or alertmesh server ([`server`]), a local webhook receiver
//! ([`webhook`]), a tiny local HTTP client ([`http`]) and notification normalization
//! ([`normalize`]); a mixed Go/alertmesh gossip cluster ([`cluster`]).
//!
//! Tests that need a Go component call [`require_tool`]; it fails the test with an
//! explanation when the tool is missing, unless `AM_ALLOW_MISSING_GO=1` is set, in which case
//! it returns `None` and the test is skipped with a message. The project's test script
//! (`scripts/test.sh`) installs everything, so CI never skips.

use std::path::PathBuf;

pub mod cluster;
pub mod http;
pub mod normalize;
pub mod oracle;
pub mod rng;
pub mod server;
pub mod tls;
pub mod webhook;

pub use oracle::{DEBIAN_GOPATH, GoOracle, build_go_program, go_cache_dir};
pub use rng::TestRng;
pub use server::{Flavor, Server, ServerOptions, flavor_available};
pub use tls::self_signed_cert;
pub use webhook::WebhookCollector;

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

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("cannot create a temporary directory")
}

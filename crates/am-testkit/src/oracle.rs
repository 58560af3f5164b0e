//! Go oracle programs for differential tests: building a small `main.go` against Debian's
//! packaged Go sources (GOPATH mode, no modules, no network) and running it once on a batch of
//! input lines (no upstream counterpart: test infrastructure only).
//!
//! An oracle reads one request per line on stdin and writes its answers as lines on stdout;
//! [`GoOracle::run_json`] does the JSON encoding of both directions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The GOPATH holding Debian's packaged Go sources (golang-github-prometheus-*-dev).
pub const DEBIAN_GOPATH: &str = "/usr/share/gocode";

/// The GOPATH root of the Go code this crate shares with the oracles: package
/// `amtestkit/oracleio`, the JSON-lines loop every oracle runs.
pub fn testkit_gopath() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("go")
}

/// Builds a Go program (a single `main.go` in `src_dir`) in GOPATH mode against Debian's packaged
/// Go libraries and [`testkit_gopath`], and returns the binary path (inside `out_dir`).
///
/// # Panics
/// Panics when `go` is missing or the build fails; the message includes the compiler output.
pub fn build_go_program(src_dir: &Path, out_dir: &Path, name: &str) -> PathBuf {
    let out = out_dir.join(name);
    let cache = go_cache_dir();
    let gopath = std::env::join_paths([PathBuf::from(DEBIAN_GOPATH), testkit_gopath()])
        .expect("GOPATH entries contain no separator");
    let status = Command::new("go")
        .arg("build")
        .arg("-o")
        .arg(&out)
        .arg(".")
        .current_dir(src_dir)
        .env("GOPATH", &gopath)
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

/// A built Go oracle program, living in a temporary directory that is removed on drop.
#[derive(Debug)]
pub struct GoOracle {
    _dir: tempfile::TempDir,
    binary: PathBuf,
}

impl GoOracle {
    /// Builds the oracle whose `main.go` is in `src_dir`, naming the binary `name`.
    ///
    /// Returns `None` when `go` is not installed and `AM_ALLOW_MISSING_GO=1` (see
    /// [`crate::require_tool`]); the caller then skips its test.
    ///
    /// # Panics
    /// Panics when `go` is missing otherwise, or when the build fails.
    pub fn build(src_dir: &Path, name: &str) -> Option<GoOracle> {
        crate::require_tool("go")?;
        let dir = crate::tempdir();
        let binary = build_go_program(src_dir, dir.path(), name);
        Some(GoOracle { _dir: dir, binary })
    }

    /// Runs the oracle once with `input` on stdin, one line per element, and returns its
    /// stdout lines.
    ///
    /// # Panics
    /// Panics when the program cannot be run, exits unsuccessfully (the message includes its
    /// stderr) or prints something that is not UTF-8.
    pub fn run_lines(&self, input: &[String]) -> Vec<String> {
        let mut child = Command::new(&self.binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.binary.display()));
        let mut stdin = child.stdin.take().expect("piped stdin");
        let text: String = input.iter().flat_map(|l| [l.as_str(), "\n"]).collect();
        // Write from another thread so that a large reply cannot block a large request.
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let output = child.wait_with_output().expect("oracle output");
        let written = writer.join().expect("oracle writer thread");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{} failed ({}):\n{stderr}",
            self.binary.display(),
            output.status
        );
        written.expect("write the oracle's input");
        let stdout = String::from_utf8(output.stdout).expect("oracle output is UTF-8");
        stdout.lines().map(str::to_owned).collect()
    }

    /// Like [`GoOracle::run_lines`], with every request encoded as one JSON line and every
    /// output line decoded from JSON. The number of replies is whatever the oracle printed.
    ///
    /// # Panics
    /// As [`GoOracle::run_lines`], and when a line is not JSON of type `R`.
    pub fn run_json<Q: Serialize, R: DeserializeOwned>(&self, requests: &[Q]) -> Vec<R> {
        let lines: Vec<String> = requests
            .iter()
            .map(|r| serde_json::to_string(r).expect("encode an oracle request"))
            .collect();
        self.run_lines(&lines)
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("oracle reply {l:?}: {e}")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shell script standing in for a Go binary, to test the process plumbing without `go`.
    fn fake(script: &str) -> GoOracle {
        let dir = crate::tempdir();
        let binary = dir.path().join("fake-oracle");
        std::fs::write(&binary, format!("#!/bin/sh\n{script}\n")).unwrap();
        let status = Command::new("chmod")
            .arg("+x")
            .arg(&binary)
            .status()
            .unwrap();
        assert!(status.success());
        GoOracle { _dir: dir, binary }
    }

    #[test]
    fn run_lines_pipes_every_line_through_one_process() {
        let oracle = fake("sed 's/^/echo:/'");
        let input: Vec<String> = (0..20_000).map(|i| format!("line {i}")).collect();
        let out = oracle.run_lines(&input);
        assert_eq!(out.len(), input.len());
        assert_eq!(out[0], "echo:line 0");
        assert_eq!(out[19_999], "echo:line 19999");
    }

    #[test]
    fn run_json_encodes_and_decodes() {
        let oracle = fake("cat");
        let out: Vec<serde_json::Value> =
            oracle.run_json(&[serde_json::json!({"a": "x\ny"}), serde_json::json!(5)]);
        assert_eq!(
            out,
            [serde_json::json!({"a": "x\ny"}), serde_json::json!(5)]
        );
    }

    #[test]
    fn failure_reports_stderr() {
        let oracle = fake("echo 'bad request: boom' >&2; exit 2");
        let err = std::panic::catch_unwind(|| oracle.run_lines(&["x".to_owned()]))
            .expect_err("a failing oracle must fail the test");
        let message = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("bad request: boom"), "{message}");
    }

    /// The shared Go side, `amtestkit/oracleio`, built and run for real.
    #[test]
    fn go_oracle_with_oracleio() {
        let src = crate::tempdir();
        std::fs::write(
            src.path().join("main.go"),
            r#"package main

import "amtestkit/oracleio"

type request struct {
	N int `json:"n"`
}

func main() {
	oracleio.Serve(func(r request) int {
		if r.N < 0 {
			oracleio.Fail("negative %d", r.N)
		}
		return 2 * r.N
	})
}
"#,
        )
        .unwrap();
        let Some(oracle) = GoOracle::build(src.path(), "double") else {
            return;
        };
        let replies: Vec<i64> = oracle.run_json(&[
            serde_json::json!({"n": 1}),
            serde_json::json!({"n": 21}),
            serde_json::json!({}),
        ]);
        assert_eq!(replies, [2, 42, 0]);
        for bad in ["{\"n\": -1}", "not json"] {
            let err = std::panic::catch_unwind(|| oracle.run_lines(&[bad.to_owned()]))
                .expect_err("the oracle must fail");
            let message = err.downcast_ref::<String>().cloned().unwrap_or_default();
            let want = if bad == "not json" {
                "oracle: bad input line"
            } else {
                "oracle: negative -1"
            };
            assert!(message.contains(want), "{message}");
        }
    }
}

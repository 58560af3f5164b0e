//! Launching an Alertmanager-compatible server for acceptance tests and benchmarks: Go
//! Alertmanager (`/usr/bin/prometheus-alertmanager`) or alertmesh, on free local ports, with the
//! upstream command line (`cmd/alertmanager/main.go` flags), readiness polling on `/-/ready`,
//! stderr captured to a file and the process killed on drop (no upstream counterpart).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::http::HttpClient;

/// Which implementation to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Go Alertmanager 0.25 (Debian's `prometheus-alertmanager`).
    Go,
    /// The `alertmesh` binary (`ALERTMESH_BIN`, else built from this workspace).
    Alertmesh,
}

impl Flavor {
    /// A short name for messages and reports: `go` or `alertmesh`.
    pub fn name(self) -> &'static str {
        match self {
            Flavor::Go => "go",
            Flavor::Alertmesh => "alertmesh",
        }
    }

    /// The executable to run, building alertmesh if needed (once per process).
    pub fn binary(self) -> Result<PathBuf, String> {
        match self {
            Flavor::Go => {
                let p = PathBuf::from(
                    std::env::var("AM_GO_ALERTMANAGER")
                        .unwrap_or_else(|_| "/usr/bin/prometheus-alertmanager".into()),
                );
                if p.is_file() {
                    Ok(p)
                } else {
                    Err(format!("{} is not installed", p.display()))
                }
            }
            Flavor::Alertmesh => alertmesh_binary(),
        }
    }
}

/// Picks a free TCP port on 127.0.0.1 (binds port 0 and releases it), never one this process
/// handed out before: two servers started concurrently must not race for the same port (the
/// loser could see the winner answer its readiness probe). Another process may still take it
/// before it is used; [`Server::start`] retries on bind failures.
pub fn free_port() -> u16 {
    static HANDED_OUT: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<u16>>> =
        std::sync::OnceLock::new();
    let handed = HANDED_OUT.get_or_init(Default::default);
    // Listeners stay bound while we look, so the kernel offers a different port each time.
    let mut held = Vec::new();
    loop {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("cannot bind an ephemeral port on 127.0.0.1");
        let port = listener
            .local_addr()
            .expect("local address of a bound listener")
            .port();
        let fresh = handed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(port);
        if fresh || held.len() >= 256 {
            return port;
        }
        held.push(listener);
    }
}

/// The alertmesh executable: `ALERTMESH_BIN` when set, else this workspace's `alertmesh` built
/// with `cargo build -p alertmesh` into the target directory of the running test (done once
/// per process; cargo makes it a no-op when up to date).
pub fn alertmesh_binary() -> Result<PathBuf, String> {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("ALERTMESH_BIN") {
            let p = PathBuf::from(p);
            return if p.is_file() {
                Ok(p)
            } else {
                Err(format!("ALERTMESH_BIN={} does not exist", p.display()))
            };
        }
        build_alertmesh()
    })
    .clone()
}

/// Builds `alertmesh` next to the current executable (`<target>/<profile>/alertmesh`).
fn build_alertmesh() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    // <target>/<profile>/deps/<test> or <target>/<profile>/<bin>
    let mut profile_dir = exe.parent().ok_or("exe has no parent")?.to_path_buf();
    if profile_dir.ends_with("deps") {
        profile_dir.pop();
    }
    let target_dir = profile_dir.parent().ok_or("no target dir")?.to_path_buf();
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug")
        .to_string();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("-q")
        .arg("-p")
        .arg("alertmesh")
        .arg("--bin")
        .arg("alertmesh")
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    if profile != "debug" {
        cmd.arg("--profile").arg(if profile == "release" {
            "release"
        } else {
            &profile
        });
    }
    // The outer `cargo test` keeps the jobserver tokens while tests run; a nested cargo that
    // inherits them waits forever, so give it its own.
    cmd.env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    let log = tempfile::NamedTempFile::new().map_err(|e| format!("temp file: {e}"))?;
    let log_file = log.reopen().map_err(|e| format!("temp file: {e}"))?;
    let mut child = cmd
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("cannot run cargo build -p alertmesh: {e}"))?;
    let secs = std::env::var("ALERTMESH_BUILD_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "cargo build -p alertmesh did not finish within {secs} s \
                     (ALERTMESH_BUILD_TIMEOUT_SECS); set ALERTMESH_BIN to a built binary"
                ));
            }
        }
    };
    if !status.success() {
        return Err(format!(
            "cargo build -p alertmesh failed:\n{}",
            std::fs::read_to_string(log.path()).unwrap_or_default()
        ));
    }
    let bin = profile_dir.join("alertmesh");
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("{} missing after cargo build", bin.display()))
    }
}

/// How to start a server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Extra command-line arguments (appended after the standard ones).
    pub extra_args: Vec<String>,
    /// A command prefix such as `["taskset", "-c", "0"]` (it must `exec` the server so the pid
    /// stays the server's).
    pub wrapper: Vec<String>,
    /// How long to wait for the readiness path to answer 200.
    pub ready_timeout: Duration,
    /// The path polled for readiness (`/-/ready`).
    pub ready_path: String,
    /// Keep the temp dir (config, data, logs) after drop.
    pub keep_dir: bool,
    /// Extra environment variables for the server process (e.g. `TZ=UTC`).
    pub env: Vec<(String, String)>,
    /// The `--storage.path` directory, when the caller owns it (to seed a snapshot before the
    /// start or read one after [`Server::terminate`]); `None`: `data/` in the temp dir.
    pub storage_dir: Option<PathBuf>,
    /// The `--cluster.listen-address` value; `None` passes an empty one (clustering off, the
    /// default). The cluster launcher ([`crate::cluster`]) sets `127.0.0.1:PORT`.
    pub cluster_listen: Option<String>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            extra_args: Vec::new(),
            wrapper: Vec::new(),
            ready_timeout: Duration::from_secs(20),
            ready_path: "/-/ready".into(),
            keep_dir: std::env::var("AM_KEEP_SERVER_DIR").as_deref() == Ok("1"),
            env: Vec::new(),
            storage_dir: None,
            cluster_listen: None,
        }
    }
}

/// A running server; killed (and its temp dir removed) on drop.
pub struct Server {
    flavor: Flavor,
    child: Child,
    port: u16,
    dir: Option<tempfile::TempDir>,
    dir_path: PathBuf,
    started: Instant,
}

impl Server {
    /// Starts `flavor` with this configuration YAML and default options.
    pub fn start(flavor: Flavor, config_yaml: &str) -> Result<Server, String> {
        Self::start_with(flavor, config_yaml, &ServerOptions::default())
    }

    /// Starts `flavor` with options; retries with another port when the port was taken.
    pub fn start_with(
        flavor: Flavor,
        config_yaml: &str,
        opts: &ServerOptions,
    ) -> Result<Server, String> {
        let bin = flavor.binary()?;
        let mut last_err = String::new();
        for _attempt in 0..5 {
            match Self::try_start(flavor, &bin, config_yaml, opts) {
                Ok(server) => return Ok(server),
                Err((retry, msg)) => {
                    last_err = msg;
                    if !retry {
                        break;
                    }
                }
            }
        }
        Err(last_err)
    }

    fn try_start(
        flavor: Flavor,
        bin: &Path,
        config_yaml: &str,
        opts: &ServerOptions,
    ) -> Result<Server, (bool, String)> {
        let io = |e: std::io::Error| (false, format!("i/o: {e}"));
        let dir = tempfile::Builder::new()
            .prefix(&format!("am-{}-", flavor.name()))
            .tempdir()
            .map_err(io)?;
        let dir_path = dir.path().to_path_buf();
        let config = dir_path.join("alertmanager.yml");
        std::fs::write(&config, config_yaml).map_err(io)?;
        let data = opts
            .storage_dir
            .clone()
            .unwrap_or_else(|| dir_path.join("data"));
        std::fs::create_dir_all(&data).map_err(io)?;
        let stderr = std::fs::File::create(dir_path.join("stderr.log")).map_err(io)?;
        let stdout = std::fs::File::create(dir_path.join("stdout.log")).map_err(io)?;
        let port = free_port();
        let mut cmd = match opts.wrapper.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        cmd.arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg(format!(
                "--cluster.listen-address={}",
                opts.cluster_listen.as_deref().unwrap_or("")
            ))
            .args(&opts.extra_args)
            .envs(opts.env.iter().map(|(k, v)| (k, v)))
            .current_dir(&dir_path)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        let child = cmd
            .spawn()
            .map_err(|e| (false, format!("cannot start {}: {e}", bin.display())))?;
        let mut server = Server {
            flavor,
            child,
            port,
            dir: Some(dir),
            dir_path,
            started: Instant::now(),
        };
        if opts.keep_dir
            && let Some(d) = server.dir.take()
        {
            let _ = d.keep();
        }
        match server.wait_ready(&opts.ready_path, opts.ready_timeout) {
            Ok(()) => Ok(server),
            Err(msg) => {
                let log = server.stderr();
                let retry = log.to_ascii_lowercase().contains("address already in use");
                Err((
                    retry,
                    format!(
                        "{} ({}): {msg}\n--- stderr ---\n{log}",
                        flavor.name(),
                        bin.display()
                    ),
                ))
            }
        }
    }

    /// Polls `path` until it answers 200 or `timeout` passes (fails early if the process exits).
    pub fn wait_ready(&mut self, path: &str, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let client = self.client().with_timeout(Duration::from_secs(2));
        let mut last: String;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited with {status} before serving {path}"));
            }
            match client.get(path) {
                // Another process answering on our port while ours died binding it must not
                // count as ours being ready.
                Ok(r) if r.status == 200 => {
                    return match self.child.try_wait() {
                        Ok(Some(status)) => Err(format!(
                            "exited with {status}; another process answered {path} on its port"
                        )),
                        _ => Ok(()),
                    };
                }
                Ok(r) => last = format!("status {}", r.status),
                Err(e) => last = e.to_string(),
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{path} did not answer 200 within {timeout:?} (last: {last})"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Which implementation this is.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The web port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// When the process was started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// The temp dir with `alertmanager.yml`, `data/` (unless [`ServerOptions::storage_dir`] is
    /// set), `stderr.log`, `stdout.log`.
    pub fn dir(&self) -> &Path {
        &self.dir_path
    }

    /// The config file path (rewrite it and POST `/-/reload` to reload).
    pub fn config_path(&self) -> PathBuf {
        self.dir_path.join("alertmanager.yml")
    }

    /// An HTTP client for this server.
    pub fn client(&self) -> HttpClient {
        HttpClient::new(&self.url())
    }

    /// What the process wrote to stderr so far.
    pub fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir_path.join("stderr.log")).unwrap_or_default()
    }

    /// Resident set size in bytes (`VmRSS` of `/proc/<pid>/status`).
    pub fn rss_bytes(&self) -> Option<u64> {
        rss_bytes(self.pid())
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Graceful shutdown: sends SIGTERM (with `kill -TERM`, no unsafe code) and waits up to
    /// 30 s for the exit (Go Alertmanager writes its final nflog and silence snapshots then).
    /// On timeout the process is killed and an error returned. The temp dir is removed
    /// afterwards unless kept; a caller-owned [`ServerOptions::storage_dir`] stays.
    pub fn terminate(mut self) -> Result<ExitStatus, String> {
        let pid = self.pid().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .map_err(|e| format!("cannot run kill -TERM {pid}: {e}"))?;
        if !sent.success() {
            return Err(format!("kill -TERM {pid} failed: {sent}"));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) => {
                    return Err(format!(
                        "{} (pid {pid}) did not exit within 30 s of SIGTERM",
                        self.flavor.name()
                    ));
                }
                Err(e) => return Err(format!("waiting for pid {pid}: {e}")),
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `VmRSS` of a process in bytes.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A minimal valid configuration (one webhook receiver at a dead local port).
pub fn minimal_config() -> String {
    format!(
        "route:\n  receiver: blackhole\nreceivers:\n- name: blackhole\n  webhook_configs:\n  - url: \
         'http://127.0.0.1:{}/'\n",
        free_port()
    )
}

/// Whether alertmesh serves the API: starts it (once per process) with [`minimal_config`] and
/// requires `GET /api/v2/status` to answer 200 within `ALERTMESH_READY_TIMEOUT_MS` (5000).
pub fn alertmesh_serving() -> Result<PathBuf, String> {
    static SERVING: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    SERVING
        .get_or_init(|| {
            let bin = alertmesh_binary()?;
            let ms = std::env::var("ALERTMESH_READY_TIMEOUT_MS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(5000);
            let opts = ServerOptions {
                ready_path: "/api/v2/status".into(),
                ready_timeout: Duration::from_millis(ms),
                ..ServerOptions::default()
            };
            Server::start_with(Flavor::Alertmesh, &minimal_config(), &opts).map(|_| bin)
        })
        .clone()
}

/// For tests parameterized by flavor: `true` when the test should run. Go must be installed
/// (else [`crate::require_tool`] rules apply). alertmesh must serve the API; while it does not,
/// the test is skipped with a message, unless `ALERTMESH_REQUIRE_SERVER=1`, which turns the skip
/// into a failure. `ALERTMESH_SKIP=1` skips the alertmesh flavor outright (for work in progress).
pub fn flavor_available(flavor: Flavor) -> bool {
    match flavor {
        Flavor::Go => crate::require_tool("prometheus-alertmanager").is_some(),
        Flavor::Alertmesh if std::env::var("ALERTMESH_SKIP").as_deref() == Ok("1") => {
            eprintln!("SKIPPED: alertmesh tests disabled by ALERTMESH_SKIP=1");
            false
        }
        Flavor::Alertmesh => match alertmesh_serving() {
            Ok(_) => true,
            Err(why) => {
                if std::env::var("ALERTMESH_REQUIRE_SERVER").as_deref() == Ok("1") {
                    panic!("alertmesh does not serve the API (ALERTMESH_REQUIRE_SERVER=1): {why}");
                }
                eprintln!(
                    "SKIPPED: alertmesh does not serve the API yet (set ALERTMESH_REQUIRE_SERVER=1 \
                     to make this a failure): {}",
                    why.lines().next().unwrap_or("")
                );
                false
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminate_is_graceful_and_keeps_a_caller_storage_dir() {
        if crate::require_tool("prometheus-alertmanager").is_none() {
            return;
        }
        let storage = crate::tempdir();
        let opts = ServerOptions {
            env: vec![("AM_TESTKIT_MARKER".into(), "1".into())],
            storage_dir: Some(storage.path().to_path_buf()),
            ..ServerOptions::default()
        };
        let server = Server::start_with(Flavor::Go, &minimal_config(), &opts).unwrap();
        let environ = std::fs::read(format!("/proc/{}/environ", server.pid())).unwrap();
        assert!(
            environ
                .split(|b| *b == 0)
                .any(|kv| kv == b"AM_TESTKIT_MARKER=1")
        );
        let dir = server.dir().to_path_buf();
        let status = server.terminate().unwrap();
        assert!(status.success(), "{status}");
        // Go writes its snapshots on a graceful shutdown, into the caller's directory.
        assert!(storage.path().join("silences").is_file());
        assert!(!dir.exists());
    }
}

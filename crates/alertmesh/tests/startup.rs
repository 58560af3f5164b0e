//! End-to-end checks of the `alertmesh` binary's front door: flags, startup logging, the
//! configuration choice and shutdown on signals. Each test runs the real binary in its own
//! temporary working directory and synchronises on its log lines (read with a timeout), never
//! on sleeps.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_alertmesh");
/// Generous: the machine is shared; a healthy run takes milliseconds.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A running server whose stderr lines arrive on a channel.
struct Server {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start(dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(BINARY)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start alertmesh");
        let stderr = child.stderr.take().unwrap();
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line containing every one of `parts` and returns it.
    fn wait_for(&mut self, parts: &[&str]) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if parts.iter().all(|p| line.contains(p)) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!(
                        "no line with {parts:?} within {TIMEOUT:?}; got:\n{}",
                        self.log()
                    );
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "alertmesh exited before logging {parts:?}; got:\n{}",
                        self.log()
                    )
                }
            }
        }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("cannot run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit; the rest of its log is collected into `seen`.
    fn wait_exit(mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + TIMEOUT;
        // The reader thread ends when stderr closes, i.e. when the process exits.
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!(
                        "alertmesh did not exit within {TIMEOUT:?}; log:\n{}",
                        self.log()
                    );
                }
            }
        }
        let status = self.child.wait().expect("cannot wait for alertmesh");
        (status, self.log())
    }

    fn log(&self) -> String {
        self.seen.join("\n")
    }
}

/// Runs the binary to completion (for commands that exit on their own).
fn run_to_exit(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(BINARY)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("cannot run alertmesh");
    (
        output.status.code().expect("killed by a signal"),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Flags that keep a test server from touching shared ports: an ephemeral web port on
/// loopback and no cluster listener.
const ISOLATED: [&str; 2] = [
    "--cluster.listen-address=",
    "--web.listen-address=127.0.0.1:0",
];

const VALID_CONFIG: &str = "route:\n  receiver: team\nreceivers:\n  - name: team\n";

#[test]
fn starts_without_any_configuration_and_exits_0_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    // No configuration flags at all; only the listen addresses are isolated so that tests can
    // run in parallel (the defaults would bind :9093 and :9094).
    let mut server = Server::start(dir.path(), &ISOLATED);
    let start = server.wait_for(&["level=info", "msg=\"Starting alertmesh\"", "version="]);
    assert!(start.starts_with("ts="), "{start}");
    server.wait_for(&["msg=\"Build context\"", "build_context="]);
    server.wait_for(&["level=warn", "built-in default configuration"]);
    server.wait_for(&["Completed loading of configuration file"]);
    server.wait_for(&["level=info", "msg=\"Listening on\"", "address=127.0.0.1:"]);
    server.signal("TERM");
    let (status, log) = server.wait_exit();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(
        log.contains("Received SIGTERM, exiting gracefully"),
        "{log}"
    );
    assert!(
        dir.path().join("data").is_dir(),
        "the storage path is created"
    );
}

#[test]
fn sigint_also_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path(), &ISOLATED);
    server.wait_for(&["Completed loading of configuration file"]);
    server.signal("INT");
    let (status, log) = server.wait_exit();
    assert_eq!(status.code(), Some(0), "{log}");
}

#[test]
fn alertmanager_yml_in_the_working_directory_is_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("alertmanager.yml"), VALID_CONFIG).unwrap();
    let mut server = Server::start(dir.path(), &ISOLATED);
    server.wait_for(&[
        "component=configuration",
        "Loading configuration file",
        "file=alertmanager.yml",
    ]);
    server.wait_for(&[
        "Completed loading of configuration file",
        "file=alertmanager.yml",
    ]);
    // SIGHUP reloads the same file.
    server.signal("HUP");
    server.wait_for(&["Loading configuration file", "file=alertmanager.yml"]);
    server.wait_for(&["Completed loading of configuration file"]);
    server.signal("TERM");
    let (status, log) = server.wait_exit();
    assert_eq!(status.code(), Some(0), "{log}");
    assert!(!log.contains("built-in default"), "{log}");
}

#[test]
fn flag_values_with_equals_or_as_next_argument() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("custom.yml"), VALID_CONFIG).unwrap();
    let joined = [
        "--log.format=json",
        "--config.file=custom.yml",
        "--storage.path=state",
    ];
    let separate = [
        "--log.format",
        "json",
        "--config.file",
        "custom.yml",
        "--storage.path",
        "state",
    ];
    for args in [&joined[..], &separate[..]] {
        let all: Vec<&str> = args.iter().copied().chain(ISOLATED).collect();
        let mut server = Server::start(dir.path(), &all);
        let line = server.wait_for(&["\"msg\":\"Completed loading of configuration file\""]);
        let json: serde_json::Value = serde_json::from_str(&line).expect("a JSON log line");
        assert_eq!(json["file"], "custom.yml", "{args:?}");
        assert_eq!(json["component"], "configuration");
        server.signal("TERM");
        let (status, log) = server.wait_exit();
        assert_eq!(status.code(), Some(0), "{args:?}: {log}");
        assert!(dir.path().join("state").is_dir(), "{args:?}");
        // The final snapshots are written there at shutdown.
        assert!(dir.path().join("state/silences").is_file(), "{args:?}");
        assert!(dir.path().join("state/nflog").is_file(), "{args:?}");
        std::fs::remove_dir_all(dir.path().join("state")).unwrap();
    }
}

#[test]
fn version_banner() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run_to_exit(dir.path(), &["--version"]);
    assert_eq!(code, 0);
    let mut lines = stdout.lines();
    let first = lines.next().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        first.starts_with(&format!("alertmesh, version {version} (branch: ")),
        "{first}"
    );
    assert!(
        first.contains(", revision: ") && first.ends_with(')'),
        "{first}"
    );
    for label in ["build user:", "build date:", "rust version:", "platform:"] {
        assert!(
            lines.any(|l| l.trim_start().starts_with(label)),
            "{label} in\n{stdout}"
        );
    }
}

#[test]
fn bad_duration_exits_1_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--cluster.gossip-interval=5x"][..],
        &["--cluster.gossip-interval", "5x"][..],
    ] {
        let (code, _, stderr) = run_to_exit(dir.path(), args);
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(
            stderr.trim_end(),
            "alertmesh: error: invalid value \"5x\" for --cluster.gossip-interval: \
             time: unknown unit \"x\" in duration \"5x\", try --help"
        );
    }
}

#[test]
fn usage_errors_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (&["--bogus"][..], "unknown long flag '--bogus'"),
        (&["stray"][..], "unexpected stray"),
        (&["--log.level=loud"][..], "unrecognized log level loud"),
        (
            &["--config.file"][..],
            "expected argument for flag '--config.file'",
        ),
    ] {
        let (code, stdout, stderr) = run_to_exit(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(
            stderr.starts_with("alertmesh: error: "),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn startup_errors_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &["--web.config.file=web.yml"],
            "--web.config.file (TLS and basic auth for the HTTP server) is not supported",
        ),
        (
            &["--web.systemd-socket"],
            "--web.systemd-socket is not supported",
        ),
        (
            &["--enable-feature=bogus"],
            "Unknown option 'bogus' for --enable-feature",
        ),
        (
            &["--enable-feature=classic-mode,utf8-strict-mode"],
            "cannot have both",
        ),
        (
            &["--web.external-url=ftp://x"],
            "failed to determine external URL",
        ),
        (
            &[
                "--enable-feature=auto-gomemlimit",
                "--auto-gomemlimit.ratio=1.5",
            ],
            "ratio must be",
        ),
    ];
    for (args, expected) in cases {
        let all: Vec<&str> = args.iter().copied().chain(ISOLATED).collect();
        let (code, _, stderr) = run_to_exit(dir.path(), &all);
        assert_eq!(code, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("level=error") && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn explicit_missing_config_file_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["--config.file=absent.yml"];
    args.extend(ISOLATED);
    let (code, _, stderr) = run_to_exit(dir.path(), &args);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("Loading configuration file failed"),
        "{stderr}"
    );
    assert!(stderr.contains("absent.yml"), "{stderr}");
    assert!(!stderr.contains("built-in"), "{stderr}");
}

#[test]
fn invalid_config_file_exits_1_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    // Line 3 names a receiver that does not exist.
    let config = "# comment\nroute:\n  receiver: nobody\nreceivers:\n  - name: team\n";
    std::fs::write(dir.path().join("broken.yml"), config).unwrap();
    let mut args = vec!["--config.file=broken.yml"];
    args.extend(ISOLATED);
    let (code, _, stderr) = run_to_exit(dir.path(), &args);
    assert_eq!(code, 1, "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("Loading configuration file failed"))
        .unwrap_or_else(|| panic!("no failure line in:\n{stderr}"));
    assert!(
        line.contains("level=error") && line.contains("component=configuration"),
        "{line}"
    );
    assert!(line.contains("err=\"broken.yml:3: "), "{line}");
    assert!(line.contains("nobody"), "{line}");
    assert!(!stderr.contains("Completed loading"), "{stderr}");
}

#[test]
fn invalid_alertmanager_yml_in_the_working_directory_is_not_replaced_by_the_default() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("alertmanager.yml"), "route: [\n").unwrap();
    let (code, _, stderr) = run_to_exit(dir.path(), &ISOLATED);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("err=\"alertmanager.yml:"), "{stderr}");
    assert!(!stderr.contains("built-in"), "{stderr}");
}

#[test]
fn listen_address_without_host_binds_every_interface() {
    // The default `--web.listen-address` is `:9093` (Go's empty host = all interfaces); `:0`
    // is the same form on an ephemeral port.
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(
        dir.path(),
        &["--cluster.listen-address=", "--web.listen-address=:0"],
    );
    let line = server.wait_for(&["msg=\"Listening on\""]);
    assert!(
        line.contains("address=[::]:") || line.contains("address=0.0.0.0:"),
        "{line}"
    );
    server.signal("TERM");
    let (status, log) = server.wait_exit();
    assert_eq!(status.code(), Some(0), "{log}");
}

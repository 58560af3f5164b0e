//! Shared helpers of the differential tests against amtool 0.25 and a real Go Alertmanager
//! 0.25 (`/usr/bin/amtool`, `/usr/bin/prometheus-alertmanager`): running both CLIs with the
//! same arguments, normalizing what must differ (the program name in error messages, silence
//! IDs, and times relative to now) and a one-shot fake HTTP server that records requests.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;

use am_testkit::{Flavor, Server};

/// Both tools, or `None` (test skipped) when the Go binaries are absent.
pub struct Tools {
    /// `/usr/bin/amtool`.
    pub amtool: PathBuf,
    /// The running Go Alertmanager.
    pub server: Server,
    /// An empty HOME so no user configuration interferes.
    pub home: tempfile::TempDir,
}

/// What one invocation produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// Standard error, with the program name replaced by `amtool`.
    pub stderr: String,
    /// Exit code.
    pub code: i32,
}

/// Starts a Go Alertmanager with `config` and finds amtool; `None` when either is missing.
pub fn tools(config: &str) -> Option<Tools> {
    let amtool = am_testkit::require_tool("amtool")?;
    am_testkit::require_tool("prometheus-alertmanager")?;
    let server = Server::start(Flavor::Go, config).expect("start Go alertmanager");
    Some(Tools {
        amtool,
        server,
        home: am_testkit::tempdir(),
    })
}

/// Our binary.
pub fn ctl_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_alertmeshctl"))
}

/// Runs `bin` with `args`, HOME set to `home`, and `stdin` as input.
pub fn run_with(bin: &Path, args: &[&str], home: &Path, stdin: &str) -> Run {
    let mut child = Command::new(bin)
        .args(args)
        .env("HOME", home)
        .env("USER", "tester")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).replace("alertmeshctl: ", "amtool: "),
        code: out.status.code().unwrap_or(-1),
    }
}

impl Tools {
    /// `--alertmanager.url=<server>`.
    pub fn url_flag(&self) -> String {
        format!("--alertmanager.url={}", self.server.url())
    }

    /// Runs amtool with the URL flag first.
    pub fn amtool(&self, args: &[&str]) -> Run {
        let url = self.url_flag();
        let mut all = vec![url.as_str()];
        all.extend_from_slice(args);
        run_with(&self.amtool, &all, self.home.path(), "")
    }

    /// Runs alertmeshctl with the URL flag first.
    pub fn ctl(&self, args: &[&str]) -> Run {
        let url = self.url_flag();
        let mut all = vec![url.as_str()];
        all.extend_from_slice(args);
        run_with(&ctl_bin(), &all, self.home.path(), "")
    }

    /// Runs both with the same arguments and asserts identical stdout, stderr and exit code;
    /// returns our run.
    pub fn same(&self, args: &[&str]) -> Run {
        let theirs = self.amtool(args);
        let ours = self.ctl(args);
        assert_eq!(ours, theirs, "alertmeshctl vs amtool differ for {args:?}");
        ours
    }
}

/// Replaces every UUID by `<id-N>`, numbered by first appearance (so equal IDs stay equal).
pub fn ids(text: &str) -> String {
    let re = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("regex");
    let mut seen: HashMap<String, usize> = HashMap::new();
    re.replace_all(text, |c: &regex::Captures<'_>| {
        let n = seen.len() + 1;
        let k = *seen.entry(c[0].to_owned()).or_insert(n);
        format!("<id-{k}>")
    })
    .into_owned()
}

/// Replaces table dates (`2006-01-02 15:04:05 UTC`) and wire times by `<time>`.
pub fn times(text: &str) -> String {
    let table = regex::Regex::new(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC").expect("regex");
    let wire = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z").expect("regex");
    let text = table.replace_all(text, "<time>");
    wire.replace_all(&text, "<time>").into_owned()
}

/// A request the fake server received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Request line (`GET /api/v2/status HTTP/1.1`).
    pub line: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
}

impl Seen {
    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A fake Alertmanager answering every request with `status` and `body` (JSON), for `count`
/// requests. Returns its base URL and a receiver of what it saw.
pub fn fake_server(
    status: u16,
    body: &'static str,
    count: usize,
) -> (String, mpsc::Receiver<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut headers = Vec::new();
            let mut length = 0usize;
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some((n, v)) = h.trim_end().split_once(':') {
                    let n = n.to_ascii_lowercase();
                    if n == "content-length" {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    headers.push((n, v.trim().to_owned()));
                }
            }
            let mut body_in = vec![0u8; length];
            let _ = reader.read_exact(&mut body_in);
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            // Record before answering, so the request is known once the client is done.
            let _ = tx.send(Seen {
                line: line.trim_end().to_owned(),
                headers,
            });
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, rx)
}

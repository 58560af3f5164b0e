//! The published HA tutorial's configuration (tests/deployment/alertmanager.yml: as published
//! but with `subject:`/`body:` corrected to `headers: {Subject: ...}`/`text:`), run by the real
//! binary against a real SMTP peer (the Python sink of the email tests, speaking STARTTLS with
//! a throw-away certificate the server trusts through `SSL_CERT_FILE`). Only the smarthost's
//! port differs from the file. The operator's verification steps run as written: the v1 status
//! (`.data.cluster` and `.data.clusterStatus`), `/-/healthy`, and a v1 POST of a test alert; then
//! the routes, the critical→warning inhibition and the subjects are checked on the mails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Spawns `cmd` with stdout (sink) or stderr (server) forwarded line by line to a channel.
fn spawn_lines(mut cmd: Command, stderr: bool) -> (Killed, Receiver<String>) {
    if stderr {
        cmd.stderr(Stdio::piped()).stdout(Stdio::null());
    } else {
        cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    }
    let mut child = cmd.spawn().expect("spawn");
    let out: Box<dyn Read + Send> = if stderr {
        Box::new(child.stderr.take().expect("stderr"))
    } else {
        Box::new(child.stdout.take().expect("stdout"))
    };
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (Killed(child), rx)
}

/// The first line containing `needle`, within `within`.
fn wait_line(rx: &Receiver<String>, needle: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => {}
            Err(e) => panic!("no line with {needle:?} within {within:?}: {e}"),
        }
    }
}

fn http(port: u16, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: localhost\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let status = raw[9..12].parse().unwrap();
    let body = raw.split_once("\r\n\r\n").map(|x| x.1).unwrap_or_default();
    (status, body.to_owned())
}

#[test]
fn tutorial_configuration_sends_routed_and_inhibited_mail() {
    let Some(python) = am_testkit::require_tool("python3") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let Some((cert, key)) = am_testkit::self_signed_cert(dir.path()) else {
        return;
    };

    let mut sink_cmd = Command::new(python);
    sink_cmd
        .arg(root.join("crates/am-server/tests/smtp_sink.py"))
        .args(["--ext", "STARTTLS", "--cert"])
        .arg(&cert)
        .arg("--key")
        .arg(&key);
    let (_sink, mails) = spawn_lines(sink_cmd, false);
    let first = mails
        .recv_timeout(Duration::from_secs(30))
        .expect("sink port");
    let smtp_port: u16 = first.strip_prefix("PORT ").unwrap().parse().unwrap();

    let published =
        std::fs::read_to_string(root.join("tests/deployment/alertmanager.yml")).unwrap();
    assert!(published.contains("smtp_smarthost: 'localhost:587'"));
    let config = published.replace("localhost:587", &format!("localhost:{smtp_port}"));
    let config_file = dir.path().join("alertmanager.yml");
    std::fs::write(&config_file, config).unwrap();

    let mut server_cmd = Command::new(env!("CARGO_BIN_EXE_alertmesh"));
    server_cmd
        .env("SSL_CERT_FILE", &cert)
        .arg(format!("--config.file={}", config_file.display()))
        .arg(format!(
            "--storage.path={}",
            dir.path().join("data").display()
        ))
        .args([
            "--web.listen-address=127.0.0.1:0",
            "--cluster.listen-address=",
        ]);
    let (_server, log) = spawn_lines(server_cmd, true);
    let listening = wait_line(&log, "Listening on", Duration::from_secs(30));
    let port: u16 = listening
        .rsplit_once("address=127.0.0.1:")
        .and_then(|(_, p)| p.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .expect("port in the listening line");

    // The operator's checks, as the tutorial writes them.
    let (code, body) = http(port, "GET", "/api/v1/status", "");
    assert_eq!(code, 200);
    let status: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status["status"], "success");
    assert_eq!(status["data"]["cluster"], status["data"]["clusterStatus"]);
    assert_eq!(http(port, "GET", "/-/healthy", "").0, 200);
    let test_alert = r#"[{"labels":{"alertname":"TestAlert","severity":"warning","instance":"test-server"},
        "annotations":{"summary":"Test alert for cluster verification","description":"..."}}]"#;
    let (code, body) = http(port, "POST", "/api/v1/alerts", test_alert);
    assert_eq!((code, body.as_str()), (200, r#"{"status":"success"}"#));
    // A critical alert on the same instance inhibits the warning; a third alert without a
    // severity goes to the default receiver.
    let more = r#"[{"labels":{"alertname":"TestAlert","severity":"critical","instance":"test-server"},
        "annotations":{"summary":"Disk full","description":"/ is 100% full"}},
        {"labels":{"alertname":"Other","instance":"db1"},"annotations":{"summary":"other"}}]"#;
    assert_eq!(http(port, "POST", "/api/v2/alerts", more).0, 200);

    // group_wait is 30s in the tutorial's file: two mails within a minute, none for warnings.
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(90);
    while got.len() < 2 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = mails
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("mails so far {got:#?}: {e}"));
        got.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    got.sort_by_key(|s| s["rcpt"].to_string());
    let summary: Vec<(String, String, bool)> = got
        .iter()
        .map(|s| {
            (
                s["rcpt"][0].as_str().unwrap_or_default().to_owned(),
                s["messages"][0]["headers"]["Subject"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                s["tls"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "TO:<admin@example.com>".to_owned(),
                "Alertmanager notification".to_owned(),
                true
            ),
            (
                "TO:<critical@example.com>".to_owned(),
                "CRITICAL: TestAlert".to_owned(),
                true
            ),
        ],
        "{got:#?}"
    );
    let text = got[1]["messages"][0].to_string();
    assert!(text.contains("Severity: critical"), "{text}");
    assert!(!text.contains("Severity: warning"), "{text}");
    // The inhibited warning never produces a mail (the next one would be the critical group's
    // repeat after 12h); the API shows it suppressed.
    let (_, alerts) = http(
        port,
        "GET",
        "/api/v2/alerts?filter=severity%3D%22warning%22",
        "",
    );
    let alerts: Value = serde_json::from_str(&alerts).unwrap();
    assert_eq!(alerts[0]["status"]["state"], "suppressed", "{alerts}");
    assert_eq!(
        alerts[0]["status"]["inhibitedBy"].as_array().unwrap().len(),
        1
    );
}

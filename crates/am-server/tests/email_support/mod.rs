//! Shared helpers of the email integration tests: [`Sink`] runs `tests/smtp_sink.py` (a real
//! SMTP peer that reports each session as JSON), plus the alert, template and notifier
//! fixtures. Not every test target uses every helper.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use am_config::receiver::EmailConfig;
use am_model::alert::Alert;
use am_model::labels::LabelSet;
use am_server::notify::email::EmailNotifier;
use am_server::notify::{Notifier, NotifyContext, NotifyError};
use am_template::alertmanager::{Template, TemplateOptions, system_clock};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

/// A running `smtp_sink.py`; killed on drop.
pub struct Sink {
    child: Child,
    /// The port the sink listens on (127.0.0.1).
    pub port: u16,
    lines: Receiver<String>,
}

impl Sink {
    pub fn start(args: &[&str]) -> Option<Sink> {
        let python = am_testkit::require_tool("python3")?;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
        let mut child = Command::new(python)
            .arg(script)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start smtp_sink.py");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = lines
            .recv_timeout(Duration::from_secs(30))
            .expect("sink prints its port");
        let port = first
            .strip_prefix("PORT ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"));
        Some(Sink { child, port, lines })
    }

    /// The next finished session's record.
    pub fn session(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(30))
            .expect("a finished SMTP session");
        serde_json::from_str(&line).expect("session JSON")
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn t0() -> Timestamp {
    Timestamp::from_second(1_700_000_000).unwrap()
}

pub fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    LabelSet::new(pairs.iter().copied())
}

pub fn alerts() -> Vec<Alert> {
    vec![Alert {
        labels: labels(&[("alertname", "Disk"), ("instance", "h1")]),
        annotations: labels(&[("summary", "disk is full")]),
        starts_at: t0() - SignedDuration::from_secs(600),
        ends_at: t0() + SignedDuration::from_secs(3600),
        generator_url: "http://prom/graph".into(),
        updated_at: t0(),
        timeout: false,
    }]
}

pub fn template() -> Arc<Template> {
    let mut opts = TemplateOptions::new(system_clock());
    opts.external_url = "http://am.example:9093".into();
    Arc::new(Template::from_globs(&[] as &[&str], opts).expect("default templates"))
}

/// The email config of one `email_configs` entry's YAML (indented by 4).
pub fn email_config(entry: &str) -> EmailConfig {
    let yaml = format!(
        "route:\n  receiver: mail\nreceivers:\n- name: mail\n  email_configs:\n  - {}\n",
        entry.trim_start()
    );
    let cfg = am_config::load::load_str(&yaml, None, &Default::default())
        .unwrap_or_else(|e| panic!("config: {e:?}\n{yaml}"));
    cfg.receivers[0].email_configs[0].clone()
}

/// An email notifier from the YAML of one `email_configs` entry (indented by 4).
pub fn notifier(entry: &str) -> EmailNotifier {
    EmailNotifier::new(email_config(entry), template()).with_hostname("testhost.example")
}

/// `smtp_sink.py` arguments: AUTH PLAIN and LOGIN for `am`/`pw`, and 8BITMIME.
pub const PLAIN_LOGIN_SINK: [&str; 8] = [
    "--ext",
    "AUTH PLAIN LOGIN",
    "--ext",
    "8BITMIME",
    "--user",
    "am",
    "--password",
    "pw",
];

/// A full `email_configs` entry (indented by 4) for a [`PLAIN_LOGIN_SINK`] sink on `port`:
/// `to`, HELO `alertmesh.test`, no TLS, PLAIN auth as `am`/`pw`, one custom `header` line
/// (`Name: 'value'`) and the [`TEXT`] body.
pub fn full_entry(port: u16, to: &str, header: &str) -> String {
    format!(
        r#"
    to: {to}
    from: 'Alertmanager <am@example.org>'
    smarthost: 127.0.0.1:{port}
    hello: alertmesh.test
    require_tls: false
    auth_username: am
    auth_password: pw
    headers:
      {header}
    text: {text}
"#,
        text = serde_json::to_string(TEXT).unwrap(),
    )
}

pub fn ctx() -> NotifyContext {
    NotifyContext {
        receiver: "mail".into(),
        group_key: "{}:{alertname=\"Disk\"}".into(),
        group_labels: labels(&[("alertname", "Disk")]),
        now: t0(),
        deadline: tokio::time::Instant::now() + Duration::from_secs(30),
    }
}

pub async fn send(n: &EmailNotifier) -> Result<(), NotifyError> {
    n.notify(&ctx(), &alerts()).await
}

pub fn commands(s: &Value) -> Vec<String> {
    s["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

pub const TEXT: &str = "Alert {{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}: \
    ünïcödé = fine.\nA long line: segment-1 segment-2 segment-3 segment-4 segment-5 segment-6 \
    segment-7 segment-8 segment-9 segment-10 segment-11 segment-12 \ntrailing space \n\
    .leading dot line\n";

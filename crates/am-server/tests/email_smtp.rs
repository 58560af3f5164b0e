//! The email integration against a real SMTP peer: `tests/smtp_sink.py`, a small asyncio SMTP
//! server that records the dialogue and parses the received message with Python's `email`
//! package (an independent MIME and RFC 2047 decoder). Checks the command sequence, the
//! envelope, AUTH PLAIN / LOGIN / CRAM-MD5 (verified by the sink), STARTTLS with a
//! self-signed certificate, `require_tls` without STARTTLS, 4xx/5xx replies, template errors,
//! and the message: headers, part order, decoded bodies and subject.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use am_model::alert::Alert;
use am_model::labels::LabelSet;
use am_server::notify::email::EmailNotifier;
use am_server::notify::{Notifier, NotifyContext, NotifyError};
use am_template::alertmanager::{Template, TemplateOptions, system_clock};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

/// A running `smtp_sink.py`; killed on drop.
struct Sink {
    child: Child,
    port: u16,
    lines: Receiver<String>,
}

impl Sink {
    fn start(args: &[&str]) -> Option<Sink> {
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
    fn session(&self) -> Value {
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

fn t0() -> Timestamp {
    Timestamp::from_second(1_700_000_000).unwrap()
}

fn labels(pairs: &[(&str, &str)]) -> LabelSet {
    LabelSet::new(pairs.iter().copied())
}

fn alerts() -> Vec<Alert> {
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

fn template() -> Arc<Template> {
    let mut opts = TemplateOptions::new(system_clock());
    opts.external_url = "http://am.example:9093".into();
    Arc::new(Template::from_globs(&[] as &[&str], opts).expect("default templates"))
}

/// An email notifier from the YAML of one `email_configs` entry (indented by 4).
fn notifier(entry: &str) -> EmailNotifier {
    let yaml = format!(
        "route:\n  receiver: mail\nreceivers:\n- name: mail\n  email_configs:\n  - {}\n",
        entry.trim_start()
    );
    let cfg = am_config::load::load_str(&yaml, None, &Default::default())
        .unwrap_or_else(|e| panic!("config: {e:?}\n{yaml}"));
    let email = cfg.receivers[0].email_configs[0].clone();
    EmailNotifier::new(email, template()).with_hostname("testhost.example")
}

fn ctx() -> NotifyContext {
    NotifyContext {
        receiver: "mail".into(),
        group_key: "{}:{alertname=\"Disk\"}".into(),
        group_labels: labels(&[("alertname", "Disk")]),
        now: t0(),
        deadline: tokio::time::Instant::now() + Duration::from_secs(30),
    }
}

async fn send(n: &EmailNotifier) -> Result<(), NotifyError> {
    n.notify(&ctx(), &alerts()).await
}

fn commands(s: &Value) -> Vec<String> {
    s["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

const TEXT: &str = "Alert {{ .CommonLabels.alertname }} on {{ .CommonLabels.instance }}: \
    ünïcödé = fine.\nA long line: segment-1 segment-2 segment-3 segment-4 segment-5 segment-6 \
    segment-7 segment-8 segment-9 segment-10 segment-11 segment-12 \ntrailing space \n\
    .leading dot line\n";

#[tokio::test]
async fn full_dialogue_with_plain_auth_and_message() {
    let Some(sink) = Sink::start(&[
        "--ext",
        "AUTH PLAIN LOGIN",
        "--ext",
        "8BITMIME",
        "--user",
        "am",
        "--password",
        "pw",
    ]) else {
        return;
    };
    let entry = format!(
        r#"
    to: 'Ops Team <ops@example.org>, "Dev, Team" <dev@example.org>'
    from: 'Alertmanager <am@example.org>'
    smarthost: 127.0.0.1:{port}
    hello: alertmesh.test
    require_tls: false
    auth_username: am
    auth_password: pw
    headers:
      x-custom: 'group {{{{ .GroupLabels.alertname }}}} – {{{{ .Status }}}}'
    text: {text}
"#,
        port = sink.port,
        text = serde_json::to_string(TEXT).unwrap(),
    );
    let n = notifier(&entry);
    send(&n).await.expect("delivered");
    let s = sink.session();
    let cmds = commands(&s);
    assert_eq!(cmds[0], "EHLO alertmesh.test");
    assert!(cmds[1].starts_with("AUTH PLAIN "), "{cmds:?}");
    assert_eq!(
        cmds[2..],
        [
            "MAIL FROM:<am@example.org> BODY=8BITMIME",
            "RCPT TO:<ops@example.org>",
            "RCPT TO:<dev@example.org>",
            "DATA",
            "QUIT"
        ]
    );
    assert_eq!(s["auth"][0]["mechanism"], "PLAIN");
    assert_eq!(s["auth"][0]["ok"], true);
    assert_eq!(s["tls"], false);
    let m = &s["messages"][0];
    assert_eq!(m["defects"], serde_json::json!([]), "{m}");
    assert_eq!(m["content_type"], "multipart/alternative");
    let h = &m["headers"];
    assert_eq!(h["Subject"], "[FIRING:1] Disk (h1)");
    assert_eq!(h["X-Custom"], "group Disk – firing");
    assert_eq!(
        h["To"],
        "Ops Team <ops@example.org>, \"Dev, Team\" <dev@example.org>"
    );
    assert_eq!(h["From"], "Alertmanager <am@example.org>");
    assert_eq!(h["MIME-Version"], "1.0");
    let id = h["Message-Id"].as_str().unwrap();
    let inner = id
        .strip_prefix('<')
        .and_then(|i| i.strip_suffix("@testhost.example>"));
    let (nanos, rand) = inner.and_then(|i| i.split_once('.')).expect("<n.r@host>");
    assert_eq!(nanos, "1700000000000000000");
    assert!(rand.parse::<u64>().is_ok(), "{id}");
    assert!(h["Date"].as_str().unwrap().contains(" 2023 "), "{h}");
    let names: Vec<&str> = m["header_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "From",
            "Subject",
            "To",
            "X-Custom",
            "Message-Id",
            "Date",
            "Content-Type",
            "MIME-Version"
        ]
    );
    let parts = m["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["content_type"], "text/plain");
    assert_eq!(parts[0]["transfer_encoding"], "quoted-printable");
    assert_eq!(parts[0]["charset"], "utf-8");
    let segments: String = (1..=12).map(|i| format!("segment-{i} ")).collect();
    let want_text = format!(
        "Alert Disk on h1: ünïcödé = fine.\nA long line: {segments}\ntrailing space \n.leading dot line\n"
    );
    // Line ends go out as CRLF, as Go's quoted-printable writer writes them.
    assert_eq!(parts[0]["body"], want_text.replace('\n', "\r\n"));
    assert_eq!(parts[1]["content_type"], "text/html");
    let html = parts[1]["body"].as_str().unwrap();
    assert!(
        html.contains("disk is full") && html.contains("http://am.example:9093"),
        "{html}"
    );
    // The wire form: quoted-printable lines of at most 76 characters.
    let raw = s["raw"][0].as_str().unwrap();
    assert!(raw.lines().all(|l| l.len() <= 998));
    let body = raw.split_once("\r\n\r\n").unwrap().1;
    assert!(body.lines().all(|l| l.chars().count() <= 76), "{body}");
}

#[tokio::test]
async fn login_and_cram_md5_follow_the_server_list() {
    for (ext, mech) in [("AUTH LOGIN", "LOGIN"), ("AUTH CRAM-MD5 PLAIN", "CRAM-MD5")] {
        let args = [
            "--ext",
            ext,
            "--user",
            "am",
            "--password",
            "pw",
            "--secret",
            "s3cret",
        ];
        let Some(sink) = Sink::start(&args) else {
            return;
        };
        let n = notifier(&format!(
            "to: a@example.org\n    from: am@example.org\n    smarthost: 127.0.0.1:{}\n    \
             require_tls: false\n    auth_username: am\n    auth_password: pw\n    \
             auth_secret: s3cret",
            sink.port
        ));
        send(&n).await.unwrap_or_else(|e| panic!("{mech}: {e}"));
        let s = sink.session();
        assert_eq!(s["auth"][0]["mechanism"], mech);
        assert_eq!(s["auth"][0]["ok"], true, "{s}");
        assert_eq!(s["messages"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn bad_credentials_abort_the_exchange() {
    let Some(sink) = Sink::start(&["--ext", "AUTH LOGIN", "--user", "am", "--password", "pw"])
    else {
        return;
    };
    let n = notifier(&format!(
        "to: a@example.org\n    from: am@example.org\n    smarthost: 127.0.0.1:{}\n    \
         require_tls: false\n    auth_username: am\n    auth_password: wrong",
        sink.port
    ));
    let e = send(&n).await.unwrap_err();
    assert_eq!(
        e.message,
        "*email.loginAuth auth: 535 5.7.8 bad credentials"
    );
    assert!(e.retryable);
    let s = sink.session();
    assert_eq!(s["auth"][0]["ok"], false);
    let cmds = commands(&s);
    assert!(cmds.contains(&"*".to_owned()), "{cmds:?}");
    assert!(!cmds.iter().any(|c| c.starts_with("MAIL")), "{cmds:?}");
}

#[tokio::test]
async fn require_tls_without_starttls_fails() {
    let Some(sink) = Sink::start(&["--ext", "8BITMIME"]) else {
        return;
    };
    let n = notifier(&format!(
        "to: a@example.org\n    from: am@example.org\n    smarthost: 127.0.0.1:{}",
        sink.port
    ));
    let e = send(&n).await.unwrap_err();
    let want = format!(
        "'require_tls' is true (default) but \"127.0.0.1:{}\" does not advertise the STARTTLS extension",
        sink.port
    );
    assert_eq!(e.message, want);
    assert!(e.retryable);
    assert_eq!(commands(&sink.session()), ["EHLO localhost", "QUIT"]);
}

#[tokio::test]
async fn smtp_error_replies_are_retryable_like_upstream() {
    let cases = [
        (
            "RCPT=452 4.2.2 mailbox full",
            "send RCPT command: 452 4.2.2 mailbox full",
        ),
        (
            "RCPT=550 5.1.1 no such user",
            "send RCPT command: 550 5.1.1 no such user",
        ),
        (
            "MAIL=421 4.3.0 try later",
            "send MAIL command: 421 4.3.0 try later",
        ),
        (
            "EOM=554 5.6.0 rejected",
            "delivery failure: 554 5.6.0 rejected",
        ),
        ("GREETING=554 go away", "create SMTP client: 554 go away"),
    ];
    for (reply, want) in cases {
        let Some(sink) = Sink::start(&["--reply", reply]) else {
            return;
        };
        let n = notifier(&format!(
            "to: a@example.org\n    from: am@example.org\n    smarthost: 127.0.0.1:{}\n    \
             require_tls: false",
            sink.port
        ));
        let e = send(&n).await.unwrap_err();
        assert_eq!(e.message, want);
        assert!(e.retryable, "{reply}");
        let s = sink.session();
        if !reply.starts_with("GREETING") {
            assert_eq!(commands(&s).last().map(String::as_str), Some("QUIT"), "{s}");
        }
    }
}

#[tokio::test]
async fn template_and_address_errors_are_fatal_and_send_nothing() {
    let cases = [
        ("'{{ template \"nope\" . }}'", "execute 'to' template: "),
        (
            "'not an address'",
            "parse 'to' addresses: mail: no angle-addr",
        ),
        ("''", ""),
    ];
    for (to, want) in cases {
        if to == "''" {
            continue; // an empty `to` is refused by the configuration already
        }
        let Some(sink) = Sink::start(&[]) else {
            return;
        };
        let n = notifier(&format!(
            "to: {to}\n    from: am@example.org\n    smarthost: 127.0.0.1:{}\n    require_tls: false",
            sink.port
        ));
        let e = send(&n).await.unwrap_err();
        assert!(e.message.starts_with(want), "{} !~ {want}", e.message);
        assert!(!e.retryable);
        assert_eq!(commands(&sink.session()), ["EHLO localhost", "QUIT"]);
    }
}

fn self_signed(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let openssl = am_testkit::require_tool("openssl")?;
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = Command::new(openssl)
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("run openssl");
    assert!(status.success());
    Some((cert, key))
}

#[tokio::test]
async fn starttls_with_a_trusted_self_signed_certificate() {
    let dir = am_testkit::tempdir();
    let Some((cert, key)) = self_signed(dir.path()) else {
        return;
    };
    let (cert_s, key_s) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let args = [
        "--ext",
        "STARTTLS",
        "--ext",
        "AUTH PLAIN",
        "--cert",
        cert_s,
        "--key",
        key_s,
        "--user",
        "am",
        "--password",
        "pw",
    ];
    let Some(sink) = Sink::start(&args) else {
        return;
    };
    let n = notifier(&format!(
        "to: a@example.org\n    from: am@example.org\n    smarthost: localhost:{}\n    \
         auth_username: am\n    auth_password: pw\n    tls_config:\n      ca_file: {cert_s}",
        sink.port
    ));
    send(&n).await.expect("delivered over STARTTLS");
    let s = sink.session();
    assert_eq!(s["tls"], true);
    let cmds = commands(&s);
    assert_eq!(cmds[..3], ["EHLO localhost", "STARTTLS", "EHLO localhost"]);
    assert!(cmds[3].starts_with("AUTH PLAIN "), "{cmds:?}");
    assert_eq!(s["auth"][0]["ok"], true);
    assert_eq!(s["messages"].as_array().unwrap().len(), 1);

    // An untrusted certificate fails the handshake (retryable, like upstream).
    let Some(sink) = Sink::start(&args) else {
        return;
    };
    let n = notifier(&format!(
        "to: a@example.org\n    from: am@example.org\n    smarthost: localhost:{}",
        sink.port
    ));
    let e = send(&n).await.unwrap_err();
    assert!(
        e.message.starts_with("send STARTTLS command: "),
        "{}",
        e.message
    );
    assert!(e.retryable);
    drop(sink);
}

/// Drops what legitimately differs between two sessions' messages: the `Message-Id` and `Date`
/// values, the boundary, and the one change v0.28 made to the HTML body (0.25 links
/// `http://schema.org`).
fn comparable(s: &Value) -> Value {
    let m = &s["messages"][0];
    let mut names: Vec<String> = m["header_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    names.sort();
    let mut headers = m["headers"].clone();
    let h = headers.as_object_mut().unwrap();
    let id = h.remove("Message-Id").unwrap();
    let id = id.as_str().unwrap();
    let host = id.split_once('@').map(|(_, h)| h.to_owned());
    let date = h.remove("Date").unwrap();
    let date = date.as_str().unwrap();
    h.remove("Content-Type");
    let parts: Vec<Value> = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let mut p = p.clone();
            let body = p["body"]
                .as_str()
                .unwrap()
                .replace("http://schema.org", "https://schema.org");
            p["body"] = Value::String(body);
            p
        })
        .collect();
    let raw = s["raw"][0].as_str().unwrap();
    let ctype_line = raw
        .lines()
        .find(|l| l.starts_with("Content-Type: multipart"))
        .map(|l| l.len());
    // The wire form: header lines (Q-encoded words byte for byte) and the text part as
    // quoted-printable, with the random boundary replaced.
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut raw_headers: Vec<&str> = head
        .split("\r\n")
        .filter(|l| {
            !["Message-Id:", "Date:", "Content-Type:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    raw_headers.sort_unstable();
    let boundary = m["boundary"].as_str().unwrap();
    let body = body.replace(boundary, "BOUNDARY");
    let text_part = body.split("--BOUNDARY").nth(1).map(str::to_owned);
    serde_json::json!({
        "raw_headers": raw_headers, "raw_text_part": text_part,
        "commands": s["commands"], "tls": s["tls"], "auth": s["auth"],
        "header_names": names, "headers": headers, "message_id_host": host,
        "date_shape": date.len(), "date_zone": date.rsplit(' ').next(),
        "content_type": m["content_type"], "boundary_len": m["boundary"].as_str().map(str::len),
        "content_type_line_len": ctype_line, "defects": m["defects"], "parts": parts,
    })
}

/// The same alert sent by Go Alertmanager 0.25 and by alertmesh's notifier to the same sink
/// gives the same dialogue and the same message (after decoding).
#[tokio::test]
async fn same_message_as_go_alertmanager() {
    use am_testkit::server::{Flavor, Server, ServerOptions};
    if !am_testkit::server::flavor_available(Flavor::Go) {
        eprintln!("skipped: Go Alertmanager is not installed");
        return;
    }
    let args = [
        "--ext",
        "AUTH PLAIN LOGIN",
        "--ext",
        "8BITMIME",
        "--user",
        "am",
        "--password",
        "pw",
    ];
    let Some(sink) = Sink::start(&args) else {
        return;
    };
    let email = format!(
        r#"
    to: 'Ops Team <ops@example.org>, dev@example.org'
    from: 'Alertmanager <am@example.org>'
    smarthost: 127.0.0.1:{port}
    hello: alertmesh.test
    require_tls: false
    auth_username: am
    auth_password: pw
    headers:
      X-Custom: 'group {{{{ .GroupLabels.alertname }}}} – {{{{ .Status }}}} ✓'
    text: {text}
"#,
        port = sink.port,
        text = serde_json::to_string(TEXT).unwrap(),
    );
    let templates = "/usr/share/prometheus/alertmanager";
    let go_config = format!(
        "templates: ['{templates}/default.tmpl', '{templates}/email.tmpl']\nroute:\n  \
         receiver: mail\n  group_by: [alertname]\n  group_wait: 0s\n  group_interval: 1h\n  \
         repeat_interval: 4h\nreceivers:\n- name: mail\n  email_configs:\n  - {}\n",
        email.trim_start()
    );
    let opts = ServerOptions {
        extra_args: vec!["--web.external-url=http://am.example:9093".into()],
        ..ServerOptions::default()
    };
    let go = Server::start_with(Flavor::Go, &go_config, &opts).expect("start Go Alertmanager");
    let now = Timestamp::now();
    let starts = now - SignedDuration::from_secs(600);
    let alert = serde_json::json!([{
        "labels": {"alertname": "Disk", "instance": "h1"},
        "annotations": {"summary": "disk is full"},
        "startsAt": starts.to_string(),
        "generatorURL": "http://prom/graph",
    }]);
    let resp = go
        .client()
        .post_json("/api/v2/alerts", &alert)
        .expect("POST alert");
    assert_eq!(resp.status, 200, "{}", resp.text());
    let go_session = sink.session();
    drop(go);

    let n = EmailNotifier::new(
        {
            let yaml = format!(
                "route:\n  receiver: mail\nreceivers:\n- name: mail\n  email_configs:\n  - {}\n",
                email.trim_start()
            );
            let cfg = am_config::load::load_str(&yaml, None, &Default::default()).unwrap();
            cfg.receivers[0].email_configs[0].clone()
        },
        template(),
    );
    let mut a = alerts();
    a[0].starts_at = starts;
    a[0].ends_at = am_model::alert::ZERO_TIME;
    let ctx = NotifyContext { now, ..ctx() };
    n.notify(&ctx, &a).await.expect("delivered");
    let ours = sink.session();
    assert_eq!(
        comparable(&ours),
        comparable(&go_session),
        "ours vs Go 0.25"
    );
}

//! The email integration against a real SMTP peer: `tests/smtp_sink.py`, a small asyncio SMTP
//! server that records the dialogue and parses the received message with Python's `email`
//! package (an independent MIME and RFC 2047 decoder). Checks the command sequence, the
//! envelope, AUTH PLAIN / LOGIN / CRAM-MD5 (verified by the sink), STARTTLS with a
//! self-signed certificate, `require_tls` without STARTTLS, 4xx/5xx replies, template errors,
//! and the message: headers, part order, decoded bodies and subject.
mod email_support;

use std::path::{Path, PathBuf};

use email_support::*;

#[tokio::test]
async fn full_dialogue_with_plain_auth_and_message() {
    let Some(sink) = Sink::start(&PLAIN_LOGIN_SINK) else {
        return;
    };
    let entry = full_entry(
        sink.port,
        r#"'Ops Team <ops@example.org>, "Dev, Team" <dev@example.org>'"#,
        "x-custom: 'group {{ .GroupLabels.alertname }} – {{ .Status }}'",
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
    ];
    for (to, want) in cases {
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
    am_testkit::self_signed_cert(dir)
}

/// `smtp_sink.py` arguments: STARTTLS with this certificate and key, AUTH PLAIN for `am`/`pw`.
fn tls_sink<'a>(cert: &'a str, key: &'a str) -> [&'a str; 12] {
    [
        "--ext",
        "STARTTLS",
        "--ext",
        "AUTH PLAIN",
        "--cert",
        cert,
        "--key",
        key,
        "--user",
        "am",
        "--password",
        "pw",
    ]
}

#[tokio::test]
async fn starttls_with_a_trusted_self_signed_certificate() {
    let dir = am_testkit::tempdir();
    let Some((cert, key)) = self_signed(dir.path()) else {
        return;
    };
    let (cert_s, key_s) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let args = tls_sink(cert_s, key_s);
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

/// Implicit TLS (upstream: smarthost port 465; here the sink's port is declared the implicit
/// one). Like upstream, `require_tls` still asks for STARTTLS, which a TLS session does not
/// advertise, so it has to be off.
#[tokio::test]
async fn implicit_tls_like_port_465() {
    let dir = am_testkit::tempdir();
    let Some((cert, key)) = self_signed(dir.path()) else {
        return;
    };
    let (cert_s, key_s) = (cert.to_str().unwrap(), key.to_str().unwrap());
    let args = [&["--implicit-tls"][..], &tls_sink(cert_s, key_s)].concat();
    let Some(sink) = Sink::start(&args) else {
        return;
    };
    let entry = |require_tls: bool| {
        format!(
            "to: a@example.org\n    from: am@example.org\n    smarthost: localhost:{}\n    \
             auth_username: am\n    auth_password: pw\n    require_tls: {require_tls}\n    \
             tls_config:\n      ca_file: {cert_s}",
            sink.port
        )
    };
    let port = sink.port.to_string();
    let n = notifier(&entry(false)).with_implicit_tls_port(port.clone());
    send(&n).await.expect("delivered over implicit TLS");
    let s = sink.session();
    assert_eq!(s["tls"], true);
    let cmds = commands(&s);
    assert_eq!(cmds[0], "EHLO localhost");
    assert!(cmds[1].starts_with("AUTH PLAIN "), "{cmds:?}");
    assert_eq!(s["auth"][0]["ok"], true);
    assert_eq!(s["messages"].as_array().unwrap().len(), 1);

    let n = notifier(&entry(true)).with_implicit_tls_port(port);
    let e = send(&n).await.unwrap_err();
    assert!(
        e.message.starts_with("'require_tls' is true (default) but"),
        "{}",
        e.message
    );
    assert_eq!(commands(&sink.session()), ["EHLO localhost", "QUIT"]);
}

//! Webhook and email receivers: defaults, inheritance from `global`, every validation rule
//! (message and path), and printing (upstream's keys, secrets redacted).

mod common;

use am_config::global::GlobalConfig;
use am_config::receiver::url::SecretUrlSource;
use am_config::secret::SecretSource;
use common::{Entry, global, keys, printed};
use serde_json::{Value, json};

/// The entry under test; error paths name it.
const RECEIVER: Entry = Entry("receivers[3]");

#[test]
fn webhook_defaults_and_printing() {
    let g = GlobalConfig::default();
    let r = RECEIVER.ok(
        &g,
        "name: w\nwebhook_configs:\n- url: https://hooks.example/secret-token\n",
    );
    let w = &r.webhook_configs[0];
    assert!(w.send_resolved);
    assert_eq!(w.max_alerts, 0);
    assert!(w.timeout.is_zero());
    assert_eq!(w.http_config, g.http_config);
    let SecretUrlSource::Inline(u) = &w.url else {
        panic!("inline url expected")
    };
    assert_eq!(
        u.url().map(|u| u.as_str()),
        Some("https://hooks.example/secret-token")
    );
    assert_eq!(r.integration_count(), 1);
    let p = printed(&r);
    assert_eq!(
        p["webhook_configs"][0],
        json!({
            "send_resolved": true,
            "http_config": {"follow_redirects": true, "enable_http2": true},
            "url": "<secret>",
            "url_file": "",
            "max_alerts": 0,
            "timeout": "0s"
        })
    );
    assert!(!p.to_string().contains("secret-token"));
    assert_eq!(keys(&p), ["name", "webhook_configs"]);
}

#[test]
fn webhook_fields_and_url_file() {
    let g = GlobalConfig::default();
    let yaml = "name: w\nwebhook_configs:\n- url_file: /etc/am/url\n  send_resolved: false\n  max_alerts: 7\n  timeout: 1m30s\n- url: http://x.example/\n  timeout: 250\n";
    let r = RECEIVER.ok(&g, yaml);
    let w = &r.webhook_configs[0];
    assert_eq!(w.url, SecretUrlSource::File("/etc/am/url".into()));
    assert!(!w.send_resolved);
    assert_eq!(w.max_alerts, 7);
    assert_eq!(w.timeout.to_string(), "1m30s");
    // yaml.v2 reads a bare integer into a time.Duration as nanoseconds.
    assert_eq!(r.webhook_configs[1].timeout.0, 250);
    let p = printed(&r);
    assert_eq!(p["webhook_configs"][0]["url"], Value::Null);
    assert_eq!(p["webhook_configs"][0]["url_file"], "/etc/am/url");
    assert_eq!(p["webhook_configs"][0]["timeout"], "1m30s");
    assert_eq!(r.integration_count(), 2);
}

#[test]
fn webhook_errors() {
    let g = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&g, "name: w\nwebhook_configs:\n- max_alerts: 1\n"),
        ["receivers[3].webhook_configs[0]: one of url or url_file must be configured"]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: w\nwebhook_configs:\n- url: http://a.example/\n  url_file: /f\n"
        ),
        ["receivers[3].webhook_configs[0]: at most one of url & url_file must be configured"]
    );
    assert_eq!(
        RECEIVER.errors(&g, "name: w\nwebhook_configs:\n- url: ftp://a.example/\n"),
        ["receivers[3].webhook_configs[0].url: unsupported scheme \"ftp\" for URL"]
    );
    assert_eq!(
        RECEIVER.errors(&g, "name: w\nwebhook_configs:\n- url: http:///x\n"),
        ["receivers[3].webhook_configs[0].url: missing host for URL"]
    );
    let e = RECEIVER.errors(
        &g,
        "name: w\nwebhook_configs:\n- url: http://h/x\n  timeout: soon\n",
    );
    assert_eq!(
        e,
        [
            "receivers[3].webhook_configs[0].timeout: cannot unmarshal !!str `soon` into time.Duration"
        ]
    );
    // A secret URL that fails to parse is not echoed back.
    let e = RECEIVER.errors(
        &g,
        "name: w\nwebhook_configs:\n- url: 'http://h:1x/tok3n'\n",
    );
    assert!(
        e[0].starts_with("receivers[3].webhook_configs[0].url: parse"),
        "{e:?}"
    );
    assert!(!e[0].contains("tok3n"), "{e:?}");
}

#[test]
fn webhook_accepts_printed_secret_placeholder() {
    let g = GlobalConfig::default();
    let r = RECEIVER.ok(&g, "name: w\nwebhook_configs:\n- url: <secret>\n");
    let SecretUrlSource::Inline(u) = &r.webhook_configs[0].url else {
        panic!()
    };
    assert!(u.url().is_none());
}

#[test]
fn receiver_name_is_required_and_errors_accumulate() {
    let g = GlobalConfig::default();
    let e = RECEIVER.errors(
        &g,
        "webhook_configs:\n- {}\n- url: http://ok.example/\n- url: x\n",
    );
    assert_eq!(
        e,
        [
            "receivers[3]: missing name in receiver",
            "receivers[3].webhook_configs[0]: one of url or url_file must be configured",
            "receivers[3].webhook_configs[2].url: unsupported scheme \"\" for URL",
        ]
    );
    let empty = RECEIVER.ok(&g, "name: blackhole\n");
    assert_eq!(empty.integration_count(), 0);
    assert_eq!(printed(&empty), json!({"name": "blackhole"}));
}

const SMTP_GLOBAL: &str = "smtp_smarthost: smtp.example:587\nsmtp_from: am@example.org\nsmtp_hello: am.example.org\nsmtp_auth_username: alert\nsmtp_auth_password: hunter2\nsmtp_auth_secret: cram-s3cret\nsmtp_auth_identity: ident\nsmtp_require_tls: false\nsmtp_tls_config:\n  server_name: smtp.internal\n";

#[test]
fn email_inherits_global_smtp_settings() {
    let g = global(SMTP_GLOBAL);
    let r = RECEIVER.ok(&g, "name: e\nemail_configs:\n- to: ops@example.org\n");
    let e = &r.email_configs[0];
    assert!(!e.send_resolved);
    assert_eq!(e.to, "ops@example.org");
    assert_eq!(e.from, "am@example.org");
    assert_eq!(e.hello, "am.example.org");
    assert_eq!(
        (e.smarthost.host(), e.smarthost.port()),
        ("smtp.example", "587")
    );
    assert_eq!(e.auth_username, "alert");
    assert_eq!(
        e.auth_password
            .as_ref()
            .and_then(|p| p.inline())
            .map(|s| s.expose()),
        Some("hunter2")
    );
    assert_eq!(e.auth_secret.expose(), "cram-s3cret");
    assert_eq!(e.auth_identity, "ident");
    assert!(!e.require_tls);
    assert_eq!(e.tls_config.server_name, "smtp.internal");
    assert_eq!(e.html, r#"{{ template "email.default.html" . }}"#);
    assert_eq!(e.text, "");
    let p = printed(&r);
    let text = p.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("cram-s3cret"),
        "{text}"
    );
    assert_eq!(
        keys(&p["email_configs"][0]),
        [
            "send_resolved",
            "to",
            "from",
            "hello",
            "smarthost",
            "auth_username",
            "auth_password",
            "auth_secret",
            "auth_identity",
            "html",
            "require_tls",
            "tls_config"
        ]
    );
    assert_eq!(p["email_configs"][0]["auth_password"], "<secret>");
    assert_eq!(p["email_configs"][0]["smarthost"], "smtp.example:587");
}

#[test]
fn email_own_settings_win() {
    let g = global(SMTP_GLOBAL);
    let yaml = "name: e\nemail_configs:\n- to: a@b\n  from: me@b\n  hello: h\n  smarthost: '[::1]:25'\n  auth_password_file: /run/pw\n  require_tls: true\n  send_resolved: true\n  text: plain\n  html: ''\n  tls_config: {insecure_skip_verify: true}\n";
    let r = RECEIVER.ok(&g, yaml);
    let e = &r.email_configs[0];
    assert_eq!((e.from.as_str(), e.hello.as_str()), ("me@b", "h"));
    assert_eq!(e.smarthost.host(), "::1");
    assert_eq!(e.auth_password, Some(SecretSource::File("/run/pw".into())));
    assert!(e.require_tls && e.send_resolved && e.tls_config.insecure_skip_verify);
    assert_eq!(e.tls_config.server_name, "");
    assert_eq!((e.text.as_str(), e.html.as_str()), ("plain", ""));
    let p = printed(&r);
    assert_eq!(p["email_configs"][0]["auth_password_file"], "/run/pw");
    assert!(p["email_configs"][0].get("auth_password").is_none());
    assert!(p["email_configs"][0].get("html").is_none());
}

#[test]
fn email_defaults_without_global_smtp() {
    let g = global("smtp_smarthost: mail:25\nsmtp_from: x@y\n");
    let e = &RECEIVER
        .ok(&g, "name: e\nemail_configs:\n- to: a@b\n")
        .email_configs[0];
    assert_eq!(e.hello, "localhost");
    assert!(e.require_tls);
    assert!(e.auth_password.is_none());
    let p = serde_json::to_value(e).unwrap();
    assert_eq!(p["tls_config"], json!({"insecure_skip_verify": false}));
}

#[test]
fn email_errors() {
    let none = GlobalConfig::default();
    assert_eq!(
        RECEIVER.errors(&none, "name: e\nemail_configs:\n- to: a@b\n"),
        [
            "receivers[3].email_configs[0]: no global SMTP smarthost set",
            "receivers[3].email_configs[0]: no global SMTP from set",
        ]
    );
    let g = global(SMTP_GLOBAL);
    assert_eq!(
        RECEIVER.errors(&g, "name: e\nemail_configs:\n- from: x@y\n"),
        ["receivers[3].email_configs[0]: missing to address in email config"]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: e\nemail_configs:\n- to: a@b\n  smarthost: nohost\n"
        ),
        ["receivers[3].email_configs[0].smarthost: address nohost: missing port in address"]
    );
    assert_eq!(
        RECEIVER.errors(
            &g,
            "name: e\nemail_configs:\n- to: a@b\n  smarthost: 'h:'\n"
        ),
        ["receivers[3].email_configs[0].smarthost: address \"h:\": port cannot be empty"]
    );
    let e = RECEIVER.errors(
        &g,
        "name: e\nemail_configs:\n- to: a@b\n  tls_config: {min_version: TLS9}\n",
    );
    assert_eq!(
        e,
        ["receivers[3].email_configs[0].tls_config.min_version: unknown TLS version: TLS9"]
    );
}

#[test]
fn email_headers_are_canonical_and_unique() {
    let g = global(SMTP_GLOBAL);
    let yaml = "name: e\nemail_configs:\n- to: a@b\n  headers:\n    subject: s\n    x-PRIORITY: '1'\n    'bad key': v\n";
    let e = &RECEIVER.ok(&g, yaml).email_configs[0];
    let names: Vec<&str> = e.headers.keys().map(String::as_str).collect();
    assert_eq!(names, ["Subject", "X-Priority", "bad key"]);
    let dup = "name: e\nemail_configs:\n- to: a@b\n  headers:\n    Subject: a\n    subject: b\n";
    let errs = RECEIVER.errors(&g, dup);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with("receivers[3].email_configs[0].headers.")
            && errs[0].ends_with(": duplicate header \"Subject\" in email config"),
        "{errs:?}"
    );
}

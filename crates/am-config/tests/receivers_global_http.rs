//! The `global` section (defaults, checks, printing) and `http_config` (prometheus/common's
//! `HTTPClientConfig.Validate` rules, inheritance, printing, relative paths).

mod common;

use std::path::Path;

use am_config::error::ConfigError;
use am_config::global::{GlobalConfig, RawGlobal};
use am_config::http_config::{HttpAuth, HttpClientConfig, RawHttpClientConfig};
use am_config::receiver::url::SecretUrlSource;
use am_config::secret::{SecretSource, ValueSource};
use am_config::yaml::{YamlPath, from_str};
use common::Entry;
use serde_json::{Value, json};

fn global(yaml: &str) -> Result<GlobalConfig, Vec<String>> {
    let (raw, _) = from_str::<Option<RawGlobal>>(yaml).expect("global parses");
    GlobalConfig::from_raw(raw, &YamlPath::parse("global"))
        .map_err(|e| e.iter().map(ToString::to_string).collect())
}

fn http(yaml: &str) -> Result<HttpClientConfig, Vec<String>> {
    let (raw, _) = from_str::<RawHttpClientConfig>(yaml).expect("http_config parses");
    HttpClientConfig::from_raw(raw, &YamlPath::parse("global.http_config"))
        .map_err(|e: Vec<ConfigError>| e.iter().map(|e| e.message.clone()).collect())
}

/// The receiver entry used to check `http_config` inheritance.
const RECEIVER: Entry = Entry("receivers[0]");

#[test]
fn defaults_print_like_upstream() {
    let g = global("").unwrap();
    assert_eq!(g, GlobalConfig::default());
    assert_eq!(global("{}").unwrap(), g);
    let printed = serde_json::to_value(&g).unwrap();
    assert_eq!(
        printed,
        json!({
            "resolve_timeout": "5m",
            "http_config": {"follow_redirects": true, "enable_http2": true},
            "smtp_hello": "localhost",
            "smtp_require_tls": true,
            "pagerduty_url": "https://events.pagerduty.com/v2/enqueue",
            "opsgenie_api_url": "https://api.opsgenie.com/",
            "wechat_api_url": "https://qyapi.weixin.qq.com/cgi-bin/",
            "victorops_api_url": "https://alert.victorops.com/integrations/generic/20131114/alert/",
            "telegram_api_url": "https://api.telegram.org",
            "webex_api_url": "https://webexapis.com/v1/messages"
        })
    );
    // Upstream 0.28 also prints the default `smtp_tls_config` and `rocketchat_api_url`; we
    // leave defaults out so that amtool <= 0.27 can re-parse `/api/v2/status`. Set values print.
    let set = global("smtp_tls_config: {insecure_skip_verify: true}\nrocketchat_api_url: https://chat.example/\n")
        .unwrap();
    let printed_set = serde_json::to_value(&set).unwrap();
    assert_eq!(
        printed_set["smtp_tls_config"],
        json!({"insecure_skip_verify": true})
    );
    assert_eq!(
        printed_set["rocketchat_api_url"],
        json!("https://chat.example/")
    );
    let keys: Vec<&String> = printed.as_object().unwrap().keys().collect();
    assert_eq!(keys[..3], ["resolve_timeout", "http_config", "smtp_hello"]);
}

#[test]
fn global_values_and_secrets() {
    let g = global(
        "resolve_timeout: 1h30m\nsmtp_auth_password_file: /pw\nopsgenie_api_key: 0pskey\nvictorops_api_key_file: /vo\nwechat_api_secret: wxs3cret\nrocketchat_token_id: rc1d\nslack_api_url: https://hooks.slack.com/T/B/sl4ck\njira_api_url: https://jira.example\nsmtp_smarthost: 'mail:25'\nsmtp_hello: ''\n",
    )
    .unwrap();
    assert_eq!(g.resolve_timeout.to_string(), "1h30m");
    assert_eq!(g.smtp_auth_password, Some(SecretSource::File("/pw".into())));
    assert_eq!(g.smtp_hello, "");
    assert!(matches!(g.slack_api_url, Some(SecretUrlSource::Inline(_))));
    let text = serde_json::to_string(&g).unwrap();
    for secret in ["0pskey", "wxs3cret", "rc1d", "sl4ck"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["smtp_auth_password_file"], "/pw");
    assert_eq!(v["slack_api_url"], "<secret>");
    assert_eq!(v["jira_api_url"], "https://jira.example");
    assert_eq!(v["smtp_smarthost"], "mail:25");
    assert!(v.get("smtp_hello").is_none());
}

#[test]
fn global_errors_name_their_keys() {
    let e = global(
        "resolve_timeout: 5x\nsmtp_smarthost: nope\npagerduty_url: ftp://x\nslack_api_url: http://a/\nslack_api_url_file: /f\nopsgenie_api_key: a\nopsgenie_api_key_file: b\nvictorops_api_key: a\nvictorops_api_key_file: b\nsmtp_auth_password: a\nsmtp_auth_password_file: b\nrocketchat_token: ''\nrocketchat_token_file: f\nrocketchat_token_id: x\nrocketchat_token_id_file: y\nhttp_config: {bearer_token: a, bearer_token_file: b}\n",
    )
    .unwrap_err();
    assert_eq!(
        e,
        [
            "global.resolve_timeout: not a valid duration string: \"5x\"",
            "global.http_config: at most one of bearer_token & bearer_token_file must be configured",
            "global.smtp_smarthost: address nope: missing port in address",
            "global: at most one of smtp_auth_password & smtp_auth_password_file must be configured",
            "global: at most one of opsgenie_api_key & opsgenie_api_key_file must be configured",
            "global: at most one of victorops_api_key & victorops_api_key_file must be configured",
            "global: at most one of rocketchat_token & rocketchat_token_file must be configured",
            "global: at most one of rocketchat_token_id & rocketchat_token_id_file must be configured",
            "global: at most one of slack_api_url & slack_api_url_file must be configured",
            "global.pagerduty_url: unsupported scheme \"ftp\" for URL",
        ]
    );
}

#[test]
fn integrations_inherit_the_global_http_config_unless_they_have_one() {
    let g = global(
        "http_config:\n  proxy_url: http://user:pa55@proxy:3128\n  follow_redirects: false\n",
    )
    .unwrap();
    let r = RECEIVER.ok(
        &g,
        "name: r\nwebhook_configs:\n- url: http://a/\n- url: http://b/\n  http_config: {enable_http2: false}\n",
    );
    assert_eq!(r.webhook_configs[0].http_config, g.http_config);
    let own = &r.webhook_configs[1].http_config;
    assert!(own.follow_redirects && !own.enable_http2 && own.proxy.proxy_url.is_none());
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        v["webhook_configs"][0]["http_config"],
        json!({"follow_redirects": false, "enable_http2": true, "proxy_url": "http://user:xxxxx@proxy:3128"})
    );
    assert!(!v.to_string().contains("pa55"));
}

#[test]
fn http_auth_methods() {
    let h = http("basic_auth: {username: u, password: pw}\n").unwrap();
    let Some(HttpAuth::Basic(b)) = &h.auth else {
        panic!("{h:?}")
    };
    assert_eq!(b.username, Some(ValueSource::Inline("u".to_string())));
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(
        v["basic_auth"],
        json!({"username": "u", "password": "<secret>"})
    );
    let h = http("basic_auth: {password_file: /pw}\n").unwrap();
    assert_eq!(
        serde_json::to_value(&h).unwrap()["basic_auth"],
        json!({"username": "", "password_file": "/pw"})
    );

    let h = http("authorization: {type: ' Token ', credentials_file: /c}\n").unwrap();
    assert_eq!(h.authorization().map(|a| a.kind.as_str()), Some("Token"));
    let h = http("bearer_token_file: /b\n").unwrap();
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(
        v["authorization"],
        json!({"type": "Bearer", "credentials_file": "/b"})
    );
    assert!(v.get("bearer_token_file").is_none());

    let h = http("oauth2: {client_id: id, client_secret: cs3cret, token_url: 'https://t', scopes: [a], tls_config: {insecure_skip_verify: true}}\n").unwrap();
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(
        v["oauth2"],
        json!({
            "client_id": "id", "client_secret": "<secret>", "client_secret_file": "",
            "client_secret_ref": "", "scopes": ["a"], "token_url": "https://t",
            "tls_config": {"insecure_skip_verify": true}
        })
    );
    let h = http("oauth2: {client_id: id, token_url: 'https://t'}\n").unwrap();
    assert_eq!(
        serde_json::to_value(&h).unwrap()["oauth2"]["client_secret"],
        Value::Null
    );
}

#[test]
fn http_validate_rules() {
    let cases: &[(&str, &str)] = &[
        (
            "basic_auth: {username: u}\nbearer_token: t\n",
            "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
        ),
        (
            "basic_auth: {username: u, username_file: f}\n",
            "at most one of basic_auth username, username_file & username_ref must be configured",
        ),
        (
            "basic_auth: {password: p, password_ref: r}\n",
            "at most one of basic_auth password, password_file & password_ref must be configured",
        ),
        (
            "authorization: {credentials: c}\nbearer_token: t\n",
            "authorization is not compatible with bearer_token & bearer_token_file",
        ),
        (
            "authorization: {credentials: c, credentials_file: f}\n",
            "at most one of authorization credentials & credentials_file must be configured",
        ),
        (
            "authorization: {type: BASIC}\n",
            "authorization type cannot be set to \"basic\", use \"basic_auth\" instead",
        ),
        (
            "authorization: {}\nbasic_auth: {}\n",
            "at most one of basic_auth, oauth2 & authorization must be configured",
        ),
        (
            "oauth2: {client_id: a, token_url: b}\nbasic_auth: {}\n",
            "at most one of basic_auth, oauth2 & authorization must be configured",
        ),
        (
            "oauth2: {token_url: b}\n",
            "oauth2 client_id must be configured",
        ),
        (
            "oauth2: {client_id: a}\n",
            "oauth2 token_url must be configured",
        ),
        (
            "oauth2: {client_id: a, token_url: b, client_secret: s, client_secret_file: f}\n",
            "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured",
        ),
        (
            "oauth2: {client_id: a, token_url: b, no_proxy: x}\n",
            "if no_proxy is configured, proxy_url must also be configured",
        ),
        (
            "proxy_connect_header: {X: [a]}\n",
            "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured",
        ),
        (
            "proxy_from_environment: true\nproxy_url: http://p\n",
            "if proxy_from_environment is configured, proxy_url must not be configured",
        ),
        (
            "proxy_from_environment: true\nno_proxy: x\n",
            "if proxy_from_environment is configured, no_proxy must not be configured",
        ),
        (
            "proxy_url: 'http://p:port'\n",
            "parse \"http://p:port\": invalid port \":port\" after host",
        ),
        (
            "no_proxy: x\n",
            "if no_proxy is configured, proxy_url must also be configured",
        ),
        (
            "http_headers: {user-agent: {values: [x]}}\n",
            "setting header \"User-Agent\" is not allowed",
        ),
        (
            "tls_config: {ca: x, ca_file: y}\n",
            "at most one of ca, ca_file & ca_ref must be configured",
        ),
        (
            "tls_config: {max_version: TLS10, min_version: TLS12}\n",
            "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified",
        ),
    ];
    for (yaml, want) in cases {
        let errs = http(yaml).expect_err(yaml);
        assert!(
            errs.iter().any(|e| e == want),
            "{yaml}: got {errs:?}, want {want}"
        );
    }
    assert!(http("proxy_from_environment: true\nproxy_connect_header: {X: [a]}\n").is_ok());
}

#[test]
fn http_error_paths() {
    let (raw, _) = from_str::<RawHttpClientConfig>(
        "authorization: {type: basic}\nhttp_headers: {Host: {values: [h]}}\ntls_config: {min_version: SSL3}\n",
    )
    .unwrap();
    let errs = HttpClientConfig::from_raw(
        raw,
        &YamlPath::parse("receivers[2].webhook_configs[0].http_config"),
    )
    .unwrap_err();
    let paths: Vec<String> = errs.iter().map(|e| e.path.to_string()).collect();
    let p = "receivers[2].webhook_configs[0].http_config";
    assert_eq!(
        paths,
        [
            format!("{p}.authorization.type"),
            format!("{p}.http_headers.Host"),
            format!("{p}.tls_config.min_version")
        ]
    );
}

#[test]
fn headers_and_proxy_headers_print_redacted() {
    let h = http("proxy_url: http://p:3128\nproxy_connect_header: {Proxy-Token: [pr0xy]}\nhttp_headers:\n  X-Team: {values: [a], secrets: [h3ader], files: [/f]}\n").unwrap();
    let v = serde_json::to_value(&h).unwrap();
    assert!(
        !v.to_string().contains("pr0xy") && !v.to_string().contains("h3ader"),
        "{v}"
    );
    assert_eq!(
        v["proxy_connect_header"],
        json!({"Proxy-Token": ["<secret>"]})
    );
    assert_eq!(
        v["http_headers"],
        json!({"X-Team": {"values": ["a"], "secrets": ["<secret>"], "files": ["/f"]}})
    );
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "follow_redirects",
            "enable_http2",
            "proxy_url",
            "proxy_connect_header",
            "http_headers"
        ]
    );
}

#[test]
fn set_directory_resolves_relative_http_files() {
    let mut h = http("basic_auth: {password_file: pw}\ntls_config: {ca_file: ca.pem, cert_file: /abs/c.pem, key_file: k.pem}\nhttp_headers: {X-A: {files: [h]}}\n").unwrap();
    h.set_directory(Path::new("/etc/am"));
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(v["basic_auth"]["password_file"], "/etc/am/pw");
    assert_eq!(v["tls_config"]["ca_file"], "/etc/am/ca.pem");
    assert_eq!(v["tls_config"]["cert_file"], "/abs/c.pem");
    assert_eq!(v["tls_config"]["key_file"], "/etc/am/k.pem");
    assert_eq!(v["http_headers"]["X-A"]["files"][0], "/etc/am/h");
}

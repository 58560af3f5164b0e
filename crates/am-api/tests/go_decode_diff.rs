//! Differential test against Go Alertmanager 0.25 (`/usr/bin/prometheus-alertmanager`): POSTs a
//! corpus of good and bad bodies to a real Go instance and checks that our decoders choose the
//! same status (200/400/422/404 class) and, for go-openapi schema errors and `Validate()`
//! failures, the same message. Also reads alerts back with GET and checks our fast writer
//! reproduces Go's bytes (modulo the 0.28-only `mutedBy` field; times are posted in UTC because
//! Go echoes a client's offset while we always answer in UTC).

use std::time::Duration;

use am_api::v2::{self, AlertStatus, GettableAlert};
use am_model::alert::Alert;
use am_testkit::http::{HttpError, request};
use am_testkit::{Flavor, Server, ServerOptions};
use jiff::{SignedDuration, Timestamp};

/// One request with a JSON content type: (status, de-chunked body).
fn http(go: &Server, method: &str, path: &str, body: &[u8]) -> Result<(u16, Vec<u8>), HttpError> {
    let url = format!("{}{path}", go.url());
    let resp = request(
        method,
        &url,
        Some(("application/json", body)),
        Duration::from_secs(10),
    )?;
    Ok((resp.status, resp.body))
}

fn start_go() -> Option<Server> {
    am_testkit::require_tool("prometheus-alertmanager")?;
    let opts = ServerOptions {
        env: vec![("TZ".into(), "UTC".into())],
        ..ServerOptions::default()
    };
    let config = "route:\n  receiver: r\nreceivers:\n- name: r\n";
    Some(Server::start_with(Flavor::Go, config, &opts).expect("start prometheus-alertmanager"))
}

const ALERTS: &[&str] = &[
    "",
    "  \n",
    "[",
    "{}",
    "[]",
    "null",
    "[{}]",
    r#"[{"labels":{}}]"#,
    r#"[{"labels":{"a":"b"}}]"#,
    r#"[{"labels":{"a":1}}]"#,
    r#"[{"labels":"x"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"bad"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01T00:00:00+02:00"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01T00:00:00.123456789Z"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01T00:00:00.12+0200"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01T00:00:00.123+0200"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-02-30T00:00:00Z"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01 10:00:00","endsAt":"2999-01-01T10:00"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":5}]"#,
    r#"[{"labels":{"a":"b"},"generatorURL":5}]"#,
    r#"[{"labels":{"a":"b"},"generatorURL":"::bad"}]"#,
    r#"[{"labels":{"a":"b"},"generatorURL":"http://x:abc/"}]"#,
    r#"[{"labels":{"a":"b"},"generatorURL":"http://x/%zz"}]"#,
    r#"[{"labels":{"a":"b"},"generatorURL":"a b"}]"#,
    r#"[{"labels":{"a":"b"},"generatorURL":"http://prom:9090/graph?g0.expr=up"}]"#,
    r#"[{"generatorURL":"::bad"}]"#,
    r#"[{"labels":{"a":"b"},"annotations":{"x":2}}]"#,
    r#"[{"labels":{"a":"b"},"annotations":null}]"#,
    r#"[{"labels":null}]"#,
    r#"[{"labels":{"a":null}}]"#,
    r#"[{"Labels":{"a":"b"}}]"#,
    r#"[{"labels":{"a":"b"},"extra":1}]"#,
    r#"[{"labels":{"a":"b"}}] trailing"#,
    r#"[{"labels":{"a":"b"}},{}]"#,
    r#"[{},{}]"#,
    r#"[{"labels":{"0a":"b"}}]"#,
    r#"[{"labels":{"a":"b"},"annotations":{"bad-name":"x"}}]"#,
    r#"[{"labels":{"a":""}}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":"2024-01-02T00:00:00Z","endsAt":"2024-01-01T00:00:00Z"}]"#,
    r#"[{"labels":{"a":"b"},"startsAt":""}]"#,
    "[1]",
];

fn sil(matchers: &str, rest: &str) -> String {
    format!(
        r#"{{"matchers":{matchers},"startsAt":"2030-01-01T00:00:00Z","endsAt":"2030-01-02T00:00:00Z"{rest}}}"#
    )
}

fn silences() -> Vec<String> {
    let m = r#"[{"name":"a","value":"b","isRegex":false}]"#;
    let who = r#","createdBy":"me","comment":"c""#;
    vec![
        String::new(),
        "{}".into(),
        "[]".into(),
        r#"{"matchers":[]}"#.into(),
        sil(m, who),
        sil(r#"[{"name":"a","value":"b"}]"#, who),
        sil(r#"[{"name":"a","isRegex":false}]"#, who),
        sil(r#"[{"value":"b","isRegex":false}]"#, who),
        sil(r#"[{}]"#, who),
        sil("[]", who),
        sil("null", who),
        sil(m, ""),
        sil(m, r#","comment":"c""#),
        sil(r#"[{"name":"a","value":"b","isRegex":"no"}]"#, who),
        sil(m, r#","createdBy":"me","comment":5"#),
        sil(m, r#","createdBy":"","comment":"","id":5"#),
        sil(m, r#","createdBy":"","comment":"","id":"nope""#),
        sil(r#"[{"name":"a","value":"b","isRegex":false,"isEqual":null}]"#, who),
        sil(r#"[{"name":"a","value":"b","isRegex":true,"isEqual":false}]"#, who),
        r#"{"matchers":[{"name":"a","value":"b","isRegex":false}],"endsAt":"2030-01-02T00:00:00Z","createdBy":"me","comment":"c"}"#.into(),
        r#"{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":null,"endsAt":"2030-01-02T00:00:00Z","createdBy":"me","comment":"c"}"#.into(),
        r#"{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"x","endsAt":"2030-01-02T00:00:00Z","createdBy":"me","comment":"c"}"#.into(),
        "{".into(),
    ]
}

/// (status, message) the way our server would answer: decoder errors as-is, `Validate()`
/// failures joined like `types.MultiError` with status 400.
fn ours_alerts(body: &str, now: Timestamp) -> (u16, Option<String>) {
    match v2::decode_postable_alerts(body.as_bytes()) {
        Err(e) => (e.status, Some(e.message().to_owned())),
        Ok(alerts) => {
            let errs: Vec<String> = alerts
                .iter()
                .filter_map(|a| a.to_alert(now, SignedDuration::from_mins(5)).err())
                .collect();
            if errs.is_empty() {
                (200, None)
            } else {
                (400, Some(errs.join("; ")))
            }
        }
    }
}

/// Go's answer: for go-openapi bodies the message, for handler strings the string.
fn go_message(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<serde_json::Value>(body).ok()? {
        serde_json::Value::Object(o) => {
            o.get("message").and_then(|m| m.as_str()).map(str::to_owned)
        }
        serde_json::Value::String(s) => Some(s),
        _ => None,
    }
}

#[test]
fn decoders_match_go_status_codes_and_messages() {
    let Some(go) = start_go() else { return };
    let now = Timestamp::from_second(1_800_000_000).unwrap();
    let mut checked = 0;
    for body in ALERTS {
        let (gs, gb) = http(&go, "POST", "/api/v2/alerts", body.as_bytes()).unwrap();
        let (os, om) = ours_alerts(body, now);
        assert_eq!(
            os,
            gs,
            "alerts body {body:?}: go said {}",
            String::from_utf8_lossy(&gb)
        );
        if gs == 422 || (gs == 400 && !gb.starts_with(b"{")) {
            assert_eq!(om, go_message(&gb), "alerts body {body:?}");
        }
        checked += 1;
    }
    for body in silences() {
        let (gs, gb) = http(&go, "POST", "/api/v2/silences", body.as_bytes()).unwrap();
        let go_openapi = gb.starts_with(b"{\"code\"");
        match v2::decode_postable_silence(body.as_bytes()) {
            Err(e) => {
                assert!(
                    go_openapi,
                    "silence body {body:?}: we said {e}, go said {gs}"
                );
                assert_eq!(e.status, gs, "silence body {body:?}");
                if gs == 422 {
                    assert_eq!(Some(e.message().to_owned()), go_message(&gb), "{body:?}");
                }
            }
            Ok(s) => {
                assert!(
                    !go_openapi,
                    "silence body {body:?}: go rejected it: {}",
                    String::from_utf8_lossy(&gb)
                );
                if body.contains("isEqual\":false") {
                    assert_eq!(
                        s.matchers[0].match_type(),
                        am_model::matcher::MatchType::NotRegexp
                    );
                }
            }
        }
        checked += 1;
    }
    assert!(checked >= 60, "{checked}");
}

#[test]
fn writer_reproduces_go_get_alerts_bytes() {
    let Some(go) = start_go() else { return };
    let body = r#"[{"labels":{"alertname":"<Tag> & \"q\"","z":"é\u2028\u2029✓","a":"\n\t\\"},
        "annotations":{"summary":"a<b>c&d","empty":""},"generatorURL":"http://x/?a=<b>&c",
        "startsAt":"2024-01-01T00:00:00.123456Z"},
        {"labels":{"alertname":"plain"},"endsAt":"2999-01-01T00:00:00Z"}]"#;
    let (s, b) = http(&go, "POST", "/api/v2/alerts", body.as_bytes()).unwrap();
    assert_eq!(s, 200, "{}", String::from_utf8_lossy(&b));
    let (s, got) = http(&go, "GET", "/api/v2/alerts", b"").unwrap();
    assert_eq!(s, 200);
    let got = String::from_utf8(got).unwrap();
    let parsed: Vec<GettableAlert> = serde_json::from_str(&got).unwrap();
    assert_eq!(parsed.len(), 2);
    let mut ours = b"[".to_vec();
    for (i, g) in parsed.iter().enumerate() {
        if i > 0 {
            ours.push(b',');
        }
        let alert = Alert {
            labels: g.labels.clone(),
            annotations: g.annotations.clone(),
            starts_at: g.starts_at.0,
            ends_at: g.ends_at.0,
            generator_url: g.generator_url.as_str().into(),
            updated_at: g.updated_at.0,
            timeout: false,
        };
        assert_eq!(alert.fingerprint().to_string(), g.fingerprint);
        let names: Vec<&str> = g.receivers.iter().map(|r| r.name.as_str()).collect();
        let status = AlertStatus {
            muted_by: vec![],
            ..g.status.clone()
        };
        v2::write_gettable_alert(&mut ours, &alert, alert.fingerprint(), &names, &status);
    }
    ours.extend_from_slice(b"]\n");
    let ours = String::from_utf8(ours)
        .unwrap()
        .replace("\"mutedBy\":[],", "");
    assert_eq!(ours, got);
}

/// GET bodies of Go 0.25 re-serialized through our models must come out byte-identical
/// (field order, escaping, time formats): v2 silences, v1 alerts, silences, receivers, status.
#[test]
fn models_reproduce_go_get_bytes() {
    use am_api::json::to_vec;
    use am_api::v1;
    let Some(go) = start_go() else { return };
    let post = |path: &str, body: &str| {
        let (s, b) = http(&go, "POST", path, body.as_bytes()).unwrap();
        assert_eq!(s, 200, "{path}: {}", String::from_utf8_lossy(&b));
    };
    post(
        "/api/v2/silences",
        r#"{"matchers":[{"name":"a","value":"b<&>","isRegex":false},{"name":"c","value":"d.*","isRegex":true,"isEqual":false}],
           "startsAt":"2030-01-01T00:00:00.5Z","endsAt":"2030-01-02T00:00:00Z","createdBy":"me","comment":"why <not>"}"#,
    );
    post(
        "/api/v1/alerts",
        r#"[{"labels":{"alertname":"x<y","job":"j"},"annotations":{"s":"t&u"},"generatorURL":"http://g/"}]"#,
    );
    let get = |path: &str| {
        let (s, b) = http(&go, "GET", path, b"").unwrap();
        assert_eq!(s, 200, "{path}");
        String::from_utf8(b).unwrap()
    };
    let reser = |v: Vec<u8>| String::from_utf8(v).unwrap();

    let got = get("/api/v2/silences");
    let parsed: Vec<v2::GettableSilence> = serde_json::from_str(&got).unwrap();
    assert_eq!(parsed.len(), 1);
    assert_eq!(reser(to_vec(&parsed).unwrap()) + "\n", got);

    let got = get("/api/v1/alerts");
    let parsed: v1::Envelope<Vec<v1::Alert>> = serde_json::from_str(&got).unwrap();
    assert_eq!(parsed.data.as_ref().map(Vec::len), Some(1));
    assert_eq!(reser(to_vec(&parsed).unwrap()), got);

    let got = get("/api/v1/silences");
    let parsed: v1::Envelope<Vec<v1::Silence>> = serde_json::from_str(&got).unwrap();
    assert_eq!(reser(to_vec(&parsed).unwrap()), got);

    let got = get("/api/v1/receivers");
    let parsed: v1::Envelope<Vec<String>> = serde_json::from_str(&got).unwrap();
    assert_eq!(reser(to_vec(&parsed).unwrap()), got);

    let got = get("/api/v1/status");
    let parsed: v1::Envelope<v1::StatusData> = serde_json::from_str(&got).unwrap();
    let data = parsed.data.clone().unwrap();
    assert!(data.config_yaml.contains("receiver: r"));
    // Go 0.25 without a cluster serves `clusterStatus: null`; we add `cluster` (same content).
    let ours = reser(to_vec(&parsed).unwrap());
    assert_eq!(ours.replace(",\"cluster\":null", ""), got);
    let with_cluster = v1::StatusData::new(
        data.config_yaml,
        data.config_json,
        data.version_info,
        data.uptime.0,
        Some(v1::ClusterStatus {
            name: "n".into(),
            status: "ready".into(),
            peers: Some(vec![]),
        }),
    );
    let v: serde_json::Value = serde_json::from_slice(&to_vec(&with_cluster).unwrap()).unwrap();
    assert_eq!(v["cluster"], v["clusterStatus"]);
    assert_eq!(v["cluster"]["status"], "ready");

    let got = get("/api/v2/status");
    let parsed: v2::AlertmanagerStatus = serde_json::from_str(&got).unwrap();
    assert_eq!(parsed.cluster.status, "disabled");
    assert_eq!(reser(to_vec(&parsed).unwrap()) + "\n", got);
}

/// v1 POST /api/v1/alerts (served by Go 0.25 like 0.26): same accept/reject decision, and the
/// same error text for `Validate()` failures.
#[test]
fn v1_alert_decoding_matches_go() {
    let Some(go) = start_go() else { return };
    let now = Timestamp::from_second(1_800_000_000).unwrap();
    let bodies = [
        r#"[{"labels":{"a":"b"}}]"#,
        r#"[{"annotations":{"s":"y"}}]"#,
        r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01T00:00:00.12+0200"}]"#,
        r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01T00:00:00.5+02:00"}]"#,
        r#"[{"labels":{"a":"b"},"startsAt":"2024-01-01T00:00:00"}]"#,
        r#"[{"labels":{"a":"b"},"startsAt":""}]"#,
        r#"[{"labels":{"0a":"b"}}]"#,
        r#"[{"labels":{"a":1}}]"#,
        r#"[{"labels":{"a":"b"},"generatorURL":"::bad"}]"#,
        "{",
        "[]",
    ];
    for body in bodies {
        let (_, gb) = http(&go, "POST", "/api/v1/alerts", body.as_bytes()).unwrap();
        let env: serde_json::Value = serde_json::from_slice(&gb).unwrap();
        let ours: Result<(), String> = am_api::v1::decode_alerts(body.as_bytes()).and_then(|v| {
            let errs: Vec<String> = v
                .iter()
                .filter_map(|a| a.to_alert(now, SignedDuration::from_mins(5)).err())
                .collect();
            if errs.is_empty() {
                Ok(())
            } else {
                Err(errs.join("; "))
            }
        });
        assert_eq!(
            ours.is_ok(),
            env["status"] == "success",
            "{body}: go said {env}, we said {ours:?}"
        );
        if let Err(e) = ours
            && !e.contains("pars")
            && !e.contains("invalid type")
            && !e.contains("EOF")
        {
            assert_eq!(env["error"], e.as_str(), "{body}");
        }
    }
}

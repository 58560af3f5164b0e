//! Shape comparison with Go Alertmanager 0.25 (`/usr/bin/prometheus-alertmanager`, which still
//! serves v1): the same config, alerts and silence are posted to both, then every v1 and v2
//! read endpoint's JSON is reduced to its shape (object keys, value types, first array
//! element) and compared. Known, intended differences are removed first: v2 `mutedBy`
//! (0.28+) and v1 `data.cluster` (alertmesh extension).

use am_testkit::{Flavor, Server};
use serde_json::{Map, Value};

use super::fixture::{CONFIG, Fixture};

fn start_go() -> Option<Server> {
    am_testkit::require_tool("prometheus-alertmanager")?;
    Some(Server::start(Flavor::Go, CONFIG).expect("start alertmanager"))
}

/// One request to Go with a JSON content type: (status, body).
async fn go_call(go: &Server, method: &str, path: &str, body: &str) -> (u16, String) {
    let client = reqwest::Client::new();
    let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let r = client
        .request(m, format!("{}{path}", go.url()))
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("request to Go");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

/// The JSON's shape: objects keep keys, arrays their first element, scalars their type.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(k.clone(), shape(v));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.first().map(shape).into_iter().collect()),
        Value::String(_) => Value::String("string".into()),
        Value::Number(_) => Value::String("number".into()),
        Value::Bool(_) => Value::String("bool".into()),
        Value::Null => Value::Null,
    }
}

fn strip(v: &mut Value, path: &[&str]) {
    match (v, path) {
        (Value::Object(m), [last]) => {
            m.remove(*last);
        }
        (Value::Object(m), [first, rest @ ..]) => {
            if let Some(inner) = m.get_mut(*first) {
                strip(inner, rest);
            }
        }
        (Value::Array(a), _) => a.iter_mut().for_each(|e| strip(e, path)),
        _ => {}
    }
}

fn silence_body(start: &str, end: &str) -> String {
    format!(
        r#"{{"matchers":[{{"name":"alertname","value":"X","isRegex":false}}],"startsAt":"{start}","endsAt":"{end}","createdBy":"me","comment":"c"}}"#
    )
}

const ALERTS: &str = r#"[{"labels":{"alertname":"X","severity":"critical","instance":"i"},"annotations":{"a":"b"},"generatorURL":"http://g/"},{"labels":{"alertname":"X","severity":"warning","instance":"i"}}]"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_and_v2_shapes_match_go() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let Some(go) = start_go() else { return };
    let f = Fixture::new();

    for path in ["/api/v2/alerts", "/api/v1/alerts"] {
        let (gs, gb) = go_call(&go, "POST", path, ALERTS).await;
        let (os, _, ob) = f.call("POST", path, ALERTS).await;
        assert_eq!(
            (gs, shape_text(&gb)),
            (os.as_u16(), shape_text(&ob)),
            "POST {path}"
        );
    }
    let real_now = jiff::Timestamp::now();
    let go_sil = silence_body(
        &real_now.to_string(),
        &(real_now + jiff::SignedDuration::from_hours(1)).to_string(),
    );
    let our_sil = silence_body("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z");
    let (_, gb) = go_call(&go, "POST", "/api/v2/silences", &go_sil).await;
    let (_, _, ob) = f.call("POST", "/api/v2/silences", &our_sil).await;
    assert_eq!(shape_text(&gb), shape_text(&ob), "POST silences");
    let go_id = id_of(&gb, "silenceID");
    let our_id = id_of(&ob, "silenceID");
    let (_, gb) = go_call(&go, "POST", "/api/v1/silences", &go_sil).await;
    let (_, _, ob) = f.call("POST", "/api/v1/silences", &our_sil).await;
    assert_eq!(shape_text(&gb), shape_text(&ob), "POST v1 silences");

    let paths = [
        "/api/v2/status",
        "/api/v2/receivers",
        "/api/v2/alerts",
        "/api/v2/alerts/groups",
        "/api/v2/silences",
        "/api/v2/silence/{id}",
        "/api/v1/status",
        "/api/v1/receivers",
        "/api/v1/alerts",
        "/api/v1/silences",
        "/api/v1/silence/{id}",
    ];
    for p in paths {
        let (gs, gb) = go_call(&go, "GET", &p.replace("{id}", &go_id), "").await;
        let (os, _, ob) = f.call("GET", &p.replace("{id}", &our_id), "").await;
        assert_eq!(gs, os.as_u16(), "GET {p}");
        let mut g: Value = serde_json::from_str(&gb).unwrap_or_else(|e| panic!("Go {p}: {e}"));
        let mut o: Value = serde_json::from_str(&ob).unwrap_or_else(|e| panic!("ours {p}: {e}"));
        strip(&mut o, &["status", "mutedBy"]);
        strip(&mut o, &["alerts", "status", "mutedBy"]);
        strip(&mut o, &["data", "cluster"]);
        // Go's configJSON differs in detail (Go struct fields); compare its top level only.
        for v in [&mut g, &mut o] {
            if let Some(cj) = v.pointer_mut("/data/configJSON") {
                *cj = Value::String("config".into());
            }
        }
        assert_eq!(shape(&g), shape(&o), "GET {p}\nGo:   {gb}\nours: {ob}");
    }
    for p in ["/api/v2/silence/{id}", "/api/v1/silence/{id}"] {
        let (gs, _) = go_call(&go, "DELETE", &p.replace("{id}", &go_id), "").await;
        let (os, _, _) = f.call("DELETE", &p.replace("{id}", &our_id), "").await;
        assert_eq!(gs, os.as_u16(), "DELETE {p}");
    }
    // Error statuses agree too.
    for (m, p, b) in [
        ("GET", "/api/v2/silence/not-a-uuid", ""),
        ("GET", "/api/v2/alerts?filter=%7B", ""),
        ("POST", "/api/v2/alerts", "[{"),
        ("POST", "/api/v2/alerts", "[{}]"),
        ("POST", "/api/v2/alerts", r#"[{"labels":{"0x":"y"}}]"#),
        ("GET", "/api/v1/alerts?silenced=nope", ""),
    ] {
        let (gs, gb) = go_call(&go, m, p, b).await;
        let (os, _, ob) = f.call(m, p, b).await;
        assert_eq!(
            (gs, shape_text(&gb)),
            (os.as_u16(), shape_text(&ob)),
            "{m} {p}: Go {gb} ours {ob}"
        );
    }
}

fn shape_text(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => shape(&v).to_string(),
        Err(_) => format!("text:{}", body.is_empty()),
    }
}

fn id_of(body: &str, key: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v.get(key)
        .or_else(|| v.pointer("/data/silenceId"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {key} in {body}"))
        .to_owned()
}

//! API v2 and `/-/` endpoint tests.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::fixture::{Fixture, t0};
use crate::api::ApiOptions;

const ALERTS: &str = r#"[
 {"labels":{"alertname":"A","severity":"critical","instance":"1"}},
 {"labels":{"alertname":"A","severity":"warning","instance":"1"},"annotations":{"s":"t"}},
 {"labels":{"alertname":"B","team":"a","empty":""},"generatorURL":"http://x/y"},
 {"labels":{"alertname":"C"},"endsAt":"2025-12-31T23:00:00Z"}
]"#;

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|a| {
            format!(
                "{}/{}",
                a["labels"]["alertname"].as_str().unwrap_or(""),
                a["labels"]["severity"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test]
async fn post_then_get_alerts_with_status_and_filters() {
    let f = Fixture::new();
    let (st, h, body) = f.call("POST", "/api/v2/alerts", ALERTS).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(body, "");
    assert_eq!(
        h.get("cache-control").map(|v| v.to_str().ok()),
        Some(Some("no-store"))
    );

    let all = f.get_json("/api/v2/alerts").await;
    let list = all.as_array().expect("array");
    // The resolved alert C is not returned; sorted by fingerprint.
    assert_eq!(list.len(), 3, "{all}");
    let fps: Vec<&str> = list
        .iter()
        .map(|a| a["fingerprint"].as_str().unwrap_or(""))
        .collect();
    let mut sorted = fps.clone();
    sorted.sort();
    assert_eq!(fps, sorted);
    let warning = list
        .iter()
        .find(|a| a["labels"]["severity"] == "warning")
        .expect("warning alert");
    let critical = list
        .iter()
        .find(|a| a["labels"]["severity"] == "critical")
        .expect("critical alert");
    assert_eq!(warning["status"]["state"], "suppressed");
    assert_eq!(
        warning["status"]["inhibitedBy"],
        json!([critical["fingerprint"]])
    );
    assert_eq!(warning["status"]["mutedBy"], json!([]));
    assert_eq!(critical["status"]["state"], "active");
    assert_eq!(critical["receivers"], json!([{"name":"crit"}]));
    let b = list
        .iter()
        .find(|a| a["labels"]["alertname"] == "B")
        .expect("B");
    assert_eq!(
        b["labels"],
        json!({"alertname":"B","team":"a"}),
        "empty label dropped"
    );
    assert_eq!(b["receivers"], json!([{"name":"team-a"}]));
    assert_eq!(b["generatorURL"], "http://x/y");
    assert_eq!(b["startsAt"], "2026-01-01T00:00:00.000Z");
    assert_eq!(b["endsAt"], "2026-01-01T00:05:00.000Z");

    let fr = &f;
    let q = move |s: &'static str| async move { names(&fr.get_json(s).await) };
    assert_eq!(q("/api/v2/alerts?inhibited=false").await.len(), 2);
    let mut active = q("/api/v2/alerts?active=false").await;
    active.sort();
    assert_eq!(active, vec!["A/warning"]);
    assert_eq!(
        q("/api/v2/alerts?filter=severity%3D%22critical%22").await,
        vec!["A/critical"]
    );
    assert_eq!(
        q("/api/v2/alerts?filter=severity%3D%22%22").await,
        vec!["B/"]
    );
    assert_eq!(q("/api/v2/alerts?receiver=team-.*").await, vec!["B/"]);
    assert_eq!(q("/api/v2/alerts?receiver=team").await.len(), 0, "anchored");

    let (st, _, body) = f.call("GET", "/api/v2/alerts?filter=%7Ba%3D", "").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        serde_json::from_str::<Value>(&body)
            .expect("json")
            .is_string(),
        "{body}"
    );
    let (st, _, body) = f.call("GET", "/api/v2/alerts?receiver=(", "").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body.contains("failed to parse receiver param"), "{body}");

    // After the resolve timeout everything is over.
    f.advance(301);
    assert_eq!(f.get_json("/api/v2/alerts").await, json!([]));
}

#[tokio::test]
async fn post_alerts_errors() {
    let f = Fixture::new();
    let body = r#"[{"labels":{"alertname":"ok"}},{"labels":{"0bad":"x"}},{"labels":{"a":"b"},"startsAt":"2026-01-01T01:00:00Z","endsAt":"2026-01-01T00:30:00Z"}]"#;
    let (st, _, resp) = f.call("POST", "/api/v2/alerts", body).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let msg: String = serde_json::from_str(&resp).expect("json string");
    assert!(
        msg.contains("invalid label set") && msg.contains("start time must be before end time"),
        "{msg}"
    );
    assert_eq!(
        names(&f.get_json("/api/v2/alerts").await),
        vec!["ok/"],
        "valid alerts are stored"
    );

    let (st, _, resp) = f.call("POST", "/api/v2/alerts", "[{}]").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    let (st, _, resp) = f.call("POST", "/api/v2/alerts", "[{").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{resp}");
    let metrics = f.call("GET", "/metrics", "").await.2;
    assert!(
        metrics.contains("alertmanager_alerts_invalid_total{version=\"v2\"} 2\n"),
        "{metrics}"
    );
    assert!(
        metrics
            .contains("alertmanager_alerts_received_total{status=\"firing\",version=\"v2\"} 3\n"),
        "{metrics}"
    );
}

#[tokio::test]
async fn silences_lifecycle() {
    let f = Fixture::new();
    f.call("POST", "/api/v2/alerts", ALERTS).await;
    let sil = |starts: &str, ends: &str, v: &str| {
        format!(
            r#"{{"matchers":[{{"name":"alertname","value":"{v}","isRegex":false}}],"startsAt":"{starts}","endsAt":"{ends}","createdBy":"me","comment":"c"}}"#
        )
    };
    let (st, _, body) = f
        .call(
            "POST",
            "/api/v2/silences",
            &sil("2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z", "B"),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let id = serde_json::from_str::<Value>(&body).expect("json")["silenceID"]
        .as_str()
        .expect("id")
        .to_owned();
    let (_, _, b2) = f
        .call(
            "POST",
            "/api/v2/silences",
            &sil("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "A"),
        )
        .await;
    let id2 = serde_json::from_str::<Value>(&b2).expect("json")["silenceID"]
        .as_str()
        .expect("id")
        .to_owned();
    let (_, _, b3) = f
        .call(
            "POST",
            "/api/v2/silences",
            &sil("2026-01-01T03:00:00Z", "2026-01-01T04:00:00Z", "C"),
        )
        .await;
    let id3 = serde_json::from_str::<Value>(&b3).expect("json")["silenceID"]
        .as_str()
        .expect("id")
        .to_owned();

    let alerts = f
        .get_json("/api/v2/alerts?filter=alertname%3D%22B%22")
        .await;
    assert_eq!(alerts[0]["status"]["silencedBy"], json!([id]));
    assert_eq!(alerts[0]["status"]["state"], "suppressed");
    assert_eq!(
        names(&f.get_json("/api/v2/alerts?silenced=false").await).len(),
        0
    );

    // Ordering: active by soonest end (id2 then id), then pending.
    let list = f.get_json("/api/v2/silences").await;
    let ids: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, vec![id2.as_str(), id.as_str(), id3.as_str()]);
    assert_eq!(list[2]["status"]["state"], "pending");
    let filtered = f
        .get_json("/api/v2/silences?filter=alertname%3D%22C%22")
        .await;
    assert_eq!(filtered.as_array().map(Vec::len), Some(1));
    assert_eq!(
        f.get_json("/api/v2/silences?filter=alertname%3D~%22C%22")
            .await,
        json!([]),
        "filters compare matcher types"
    );

    let one = f.get_json(&format!("/api/v2/silence/{id}")).await;
    assert_eq!(
        one["matchers"],
        json!([{"isEqual":true,"isRegex":false,"name":"alertname","value":"B"}])
    );
    assert_eq!(one["createdBy"], "me");

    let (st, _, _) = f.call("DELETE", &format!("/api/v2/silence/{id}"), "").await;
    assert_eq!(st, StatusCode::OK);
    f.advance(1);
    assert_eq!(
        f.get_json(&format!("/api/v2/silence/{id}")).await["status"]["state"],
        "expired"
    );
    let missing = "9a1f2f3c-1111-4222-8333-444455556666";
    assert_eq!(
        f.call("GET", &format!("/api/v2/silence/{missing}"), "")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        f.call("DELETE", &format!("/api/v2/silence/{missing}"), "")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (st, _, body) = f.call("GET", "/api/v2/silence/nope", "").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body.trim(),
        r#"{"code":601,"message":"silenceID in path must be of type uuid: \"nope\""}"#
    );

    // POST rules.
    let (st, _, body) = f
        .call(
            "POST",
            "/api/v2/silences",
            &sil("2026-01-01T02:00:00Z", "2026-01-01T01:00:00Z", "A"),
        )
        .await;
    assert_eq!(
        (st, body.trim()),
        (
            StatusCode::BAD_REQUEST,
            r#""Failed to create silence: start time must be before end time""#
        )
    );
    f.advance(7200);
    let (st, _, body) = f
        .call(
            "POST",
            "/api/v2/silences",
            &sil("2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "A"),
        )
        .await;
    assert_eq!(
        (st, body.trim()),
        (
            StatusCode::BAD_REQUEST,
            r#""Failed to create silence: end time can't be in the past""#
        )
    );
    let with_id = format!(
        r#"{{"id":"{missing}","matchers":[{{"name":"a","value":"b","isRegex":false}}],"startsAt":"2026-01-01T02:00:00Z","endsAt":"2026-01-01T05:00:00Z","createdBy":"me","comment":"c"}}"#
    );
    assert_eq!(
        f.call("POST", "/api/v2/silences", &with_id).await.0,
        StatusCode::NOT_FOUND
    );
    let empty_match = r#"{"matchers":[{"name":"a","value":"","isRegex":false}],"startsAt":"2026-01-01T02:00:00Z","endsAt":"2026-01-01T05:00:00Z","createdBy":"me","comment":"c"}"#;
    let (st, _, body) = f.call("POST", "/api/v2/silences", empty_match).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        body.contains("at least one matcher must not match the empty string"),
        "{body}"
    );
}

#[tokio::test]
async fn alert_groups_with_mute_and_receivers() {
    let f = Fixture::new();
    f.call("POST", "/api/v2/alerts", ALERTS).await;
    let groups = f.get_json("/api/v2/alerts/groups").await;
    let g = groups.as_array().expect("array");
    // A/critical → crit (continue) and default? No: the critical route matched, so only crit
    // for it; the warning goes to default. B → team-a.
    let summary: Vec<(String, String, usize)> = g
        .iter()
        .map(|g| {
            (
                g["receiver"]["name"].as_str().unwrap_or("").to_owned(),
                g["labels"].to_string(),
                g["alerts"].as_array().map(Vec::len).unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("crit".to_owned(), r#"{"alertname":"A"}"#.to_owned(), 1),
            ("default".to_owned(), r#"{"alertname":"A"}"#.to_owned(), 1),
            ("team-a".to_owned(), r#"{"alertname":"B"}"#.to_owned(), 1),
        ]
    );
    let rt = f.runtime.load();
    let node = rt
        .tree
        .nodes()
        .iter()
        .find(|n| n.receiver == "team-a")
        .expect("route");
    let snap = rt
        .dispatcher
        .as_ref()
        .expect("dispatcher")
        .groups_snapshot();
    let key = snap
        .groups
        .iter()
        .find(|g| g.receiver == "team-a")
        .expect("group")
        .group_key
        .clone();
    rt.group_marker
        .set_muted(&node.id, &key, vec!["weekends".to_owned()]);
    let groups = f.get_json("/api/v2/alerts/groups?receiver=team-a").await;
    assert_eq!(
        groups[0]["alerts"][0]["status"]["mutedBy"],
        json!(["weekends"])
    );
    assert_eq!(groups[0]["alerts"][0]["status"]["state"], "suppressed");
    assert_eq!(
        f.get_json("/api/v2/alerts/groups?receiver=team-a&muted=false")
            .await,
        json!([])
    );
    assert_eq!(
        f.get_json("/api/v2/alerts/groups?inhibited=false")
            .await
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn status_receivers_and_ops() {
    let f = Fixture::new();
    let st = f.get_json("/api/v2/status").await;
    assert_eq!(st["cluster"], json!({"peers":[],"status":"disabled"}));
    assert_eq!(st["uptime"], "2026-01-01T00:00:00.000Z");
    assert_eq!(st["versionInfo"]["version"], "0.28.0");
    assert!(
        st["config"]["original"]
            .as_str()
            .expect("yaml")
            .contains("receiver: default")
    );
    assert_eq!(
        f.get_json("/api/v2/receivers").await,
        json!([{"name":"default"},{"name":"crit"},{"name":"team-a"}])
    );

    assert_eq!(f.call("GET", "/-/healthy", "").await.2, "OK");
    assert_eq!(f.call("HEAD", "/-/healthy", "").await.0, StatusCode::OK);
    assert_eq!(f.call("GET", "/-/ready", "").await.0, StatusCode::OK);
    f.deps.ready.store(false, Ordering::SeqCst);
    assert_eq!(
        f.call("GET", "/-/ready", "").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(f.call("POST", "/-/reload", "").await.0, StatusCode::OK);
    f.reloader.fail.store(true, Ordering::SeqCst);
    let (st, _, body) = f.call("POST", "/-/reload", "").await;
    assert_eq!(
        (st, body.as_str()),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "failed to reload config: bad yaml at line 3\n"
        )
    );
    assert_eq!(f.reloader.calls.load(Ordering::SeqCst), 2);
    let (st, h, body) = f.call("GET", "/metrics", "").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        h["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert!(body.contains("alertmanager_http_request_duration_seconds_count{handler=\"/-/reload\",method=\"post\"} 2\n"), "{body}");
    assert!(
        body.contains("alertmanager_http_requests_in_flight{method=\"get\"} 1\n"),
        "{body}"
    );
}

#[tokio::test]
async fn prefix_limits_and_cors() {
    let opts = ApiOptions {
        route_prefix: "/am/".to_owned(),
        get_concurrency: 1,
        max_body_bytes: 1024,
        ..ApiOptions::default()
    };
    let f = Fixture::with(opts, super::fixture::CONFIG);
    assert_eq!(f.call("GET", "/am/-/healthy", "").await.0, StatusCode::OK);
    assert_eq!(
        f.call("GET", "/-/healthy", "").await.0,
        StatusCode::NOT_FOUND
    );
    let (st, h, _) = f.call("GET", "/", "").await;
    assert_eq!(
        (st, h["location"].to_str().ok()),
        (StatusCode::FOUND, Some("/am"))
    );
    assert_eq!(
        f.call("GET", "/am/api/v2/status", "").await.0,
        StatusCode::OK
    );

    let big = format!("[{}]", vec![r#"{"labels":{"a":"b"}}"#; 100].join(","));
    assert_eq!(
        f.call("POST", "/am/api/v2/alerts", &big).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    // Hold one GET open (its streamed body is not consumed): the next GET gets 503.
    use tower::ServiceExt as _;
    let req = axum::http::Request::get("/am/api/v2/alerts")
        .body(axum::body::Body::empty())
        .expect("req");
    let held = f.router.clone().oneshot(req).await.expect("resp");
    let (st, _, body) = f.call("GET", "/am/api/v2/status", "").await;
    assert_eq!(
        (st, body.as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "Limit of concurrent GET requests reached (1), try again later.\n"
        )
    );
    assert_eq!(
        f.call("POST", "/am/-/reload", "").await.0,
        StatusCode::OK,
        "only GETs are limited"
    );
    drop(held);
    assert_eq!(
        f.call("GET", "/am/api/v2/status", "").await.0,
        StatusCode::OK
    );

    let req = axum::http::Request::get("/am/api/v2/status")
        .header("origin", "http://example.com")
        .body(axum::body::Body::empty())
        .expect("req");
    let resp = f.router.clone().oneshot(req).await.expect("resp");
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    let _ = t0();
}

#[tokio::test(start_paused = true)]
async fn timeout_answers_503() {
    struct Slow;
    impl crate::api::Reloader for Slow {
        fn reload(&self) -> crate::api::BoxFuture<'_, Result<(), String>> {
            Box::pin(async {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                Ok(())
            })
        }
    }
    let opts = ApiOptions {
        timeout: Some(std::time::Duration::from_millis(1500)),
        ..ApiOptions::default()
    };
    let mut f = Fixture::with(opts, super::fixture::CONFIG);
    f.deps.reloader = std::sync::Arc::new(Slow);
    f.router = crate::api::router(f.deps.clone());
    let (st, _, body) = f.call("POST", "/-/reload", "").await;
    assert_eq!(
        (st, body.as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "Exceeded configured timeout of 1.5s.\n"
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_alerts_stream_in_fingerprint_order() {
    let f = Fixture::new();
    let n = 5000;
    for i in 0..n {
        let a = am_model::alert::Alert {
            labels: am_model::labels::LabelSet::new([("alertname", format!("a{i}"))]),
            annotations: am_model::labels::LabelSet::empty(),
            starts_at: t0(),
            ends_at: t0() + jiff::SignedDuration::from_hours(1),
            generator_url: Default::default(),
            updated_at: t0(),
            timeout: false,
        };
        f.deps.store.put(a, t0()).expect("put");
    }
    let v = f.get_json("/api/v2/alerts").await;
    let fps: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|a| a["fingerprint"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(fps.len(), n);
    assert!(fps.windows(2).all(|w| w[0] < w[1]), "strictly sorted");
}

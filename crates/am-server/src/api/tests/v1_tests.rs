//! v1 API tests (0.26 shapes) and the 0.27+ 410 answer.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::fixture::{CONFIG, Fixture};
use crate::api::ApiOptions;

#[tokio::test]
async fn v1_alerts_silences_status() {
    let f = Fixture::new();
    let (st, h, body) = f
        .call(
            "POST",
            "/api/v1/alerts",
            r#"[{"labels":{"alertname":"TestAlert","severity":"warning","instance":"test-server"},"annotations":{"summary":"s"}},{"labels":{"alertname":"X"}}]"#,
        )
        .await;
    assert_eq!(
        (st, body.as_str()),
        (StatusCode::OK, r#"{"status":"success"}"#)
    );
    assert_eq!(h["access-control-allow-origin"], "*");

    let v: Value = f.get_json("/api/v1/alerts").await;
    assert_eq!(v["status"], "success");
    let list = v["data"].as_array().expect("array");
    assert_eq!(list.len(), 2);
    let x = list
        .iter()
        .find(|a| a["labels"]["alertname"] == "X")
        .expect("X");
    assert_eq!(x["annotations"], Value::Null);
    assert_eq!(x["receivers"], json!(["default"]));
    assert_eq!(
        x["status"],
        json!({"state":"active","silencedBy":[],"inhibitedBy":[]})
    );
    assert_eq!(x["startsAt"], "2026-01-01T00:00:00Z");
    let filtered = f
        .get_json("/api/v1/alerts?filter=%7Balertname%3D%22X%22%7D")
        .await;
    assert_eq!(filtered["data"].as_array().map(Vec::len), Some(1));
    let (st, _, body) = f.call("GET", "/api/v1/alerts?active=maybe", "").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        r#"{"status":"error","errorType":"bad_data","error":"parameter \"active\" can either be 'true' or 'false', not \"maybe\""}"#
    );

    let (st, _, body) = f
        .call(
            "POST",
            "/api/v1/silences",
            r#"{"matchers":[{"name":"alertname","value":"X","isRegex":false}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2026-01-01T01:00:00Z","createdBy":"me","comment":"c"}"#,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let id = serde_json::from_str::<Value>(&body).expect("json")["data"]["silenceId"]
        .as_str()
        .expect("id")
        .to_owned();
    let got = f.get_json(&format!("/api/v1/silence/{id}")).await;
    assert_eq!(got["data"]["status"]["state"], "active");
    assert_eq!(
        got["data"]["matchers"],
        json!([{"name":"alertname","value":"X","isRegex":false,"isEqual":true}])
    );
    let x = f
        .get_json("/api/v1/alerts?filter=%7Balertname%3D%22X%22%7D")
        .await;
    assert_eq!(x["data"][0]["status"]["silencedBy"], json!([id]));
    assert_eq!(
        f.get_json("/api/v1/silences").await["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let (st, _, body) = f.call("DELETE", &format!("/api/v1/silence/{id}"), "").await;
    assert_eq!(
        (st, body.as_str()),
        (StatusCode::OK, r#"{"status":"success"}"#)
    );
    let (st, _, body) = f.call("GET", "/api/v1/silence/nope", "").await;
    assert_eq!(
        (st, body.as_str()),
        (StatusCode::NOT_FOUND, "Error getting silence: <nil>\n")
    );

    let status = f.get_json("/api/v1/status").await;
    assert_eq!(status["data"]["clusterStatus"], Value::Null);
    assert_eq!(status["data"]["cluster"], Value::Null);
    assert!(
        status["data"]["configYAML"]
            .as_str()
            .expect("yaml")
            .contains("receiver: default")
    );
    assert_eq!(status["data"]["configJSON"]["route"]["receiver"], "default");
    assert_eq!(
        f.get_json("/api/v1/receivers").await,
        json!({"status":"success","data":["default","crit","team-a"]})
    );
}

#[tokio::test]
async fn v1_gone_when_disabled() {
    let f = Fixture::with(
        ApiOptions {
            enable_v1: false,
            ..ApiOptions::default()
        },
        CONFIG,
    );
    let (st, _, body) = f.call("POST", "/api/v1/alerts", "[]").await;
    assert_eq!(st, StatusCode::GONE);
    assert!(body.contains("removed as of version 0.27.0"), "{body}");
}

//! Differential tests against Go Alertmanager 0.25 (`/usr/bin/prometheus-alertmanager`):
//! silences created through Go's API and written to its snapshot on shutdown load into our
//! state unchanged (and re-encode to the very same bytes); a snapshot we write is loaded by Go
//! and served back by its API with the same content.

use std::path::Path;
use std::time::Duration;

use am_model::matcher::MatchType;
use am_testkit::{Flavor, Server, ServerOptions};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::tests::{m, sil};
use super::*;
use crate::clock::{Clock, SystemClock};

const CONFIG: &str = "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n";

/// Go Alertmanager with `storage` as its `--storage.path` (the caller's directory, so a
/// snapshot can be seeded before the start and read after [`stop`]).
fn start_go(storage: &Path) -> Server {
    let opts = ServerOptions {
        storage_dir: Some(storage.to_path_buf()),
        ..ServerOptions::default()
    };
    Server::start_with(Flavor::Go, CONFIG, &opts).expect("start Go alertmanager")
}

/// A JSON request to Go that must answer 200; `Null` for an empty body.
fn json(go: &Server, method: &str, path: &str, body: Option<&Value>) -> Value {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let resp = am_testkit::http::request(
        method,
        &format!("{}{path}", go.url()),
        Some(("application/json", body.as_bytes())),
        Duration::from_secs(10),
    )
    .expect("request");
    assert_eq!(resp.status, 200, "{method} {path}: {}", resp.text());
    if resp.body.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(&resp.body).unwrap()
}

/// SIGTERM and wait: Go writes its final snapshot on graceful shutdown.
fn stop(go: Server) {
    let status = go.terminate().expect("terminate Go alertmanager");
    assert!(status.success(), "Go alertmanager exited with {status}");
}

fn api_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn parse_time(v: &Value) -> Timestamp {
    v.as_str().unwrap().parse().unwrap()
}

/// Truncates to the millisecond, as Go's API formats times.
fn ms(t: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(t.as_millisecond()).unwrap()
}

fn api_matchers(s: &Silence) -> Value {
    s.matchers
        .iter()
        .map(|m| {
            json!({"name": m.name(), "value": m.value(), "isRegex": m.match_type().is_regex(),
                   "isEqual": m.match_type().is_equal()})
        })
        .collect()
}

fn sort_matchers(v: &Value) -> Vec<String> {
    let key = |m: &Value| {
        format!(
            "{}|{}|{}|{}",
            m["name"], m["value"], m["isRegex"], m["isEqual"]
        )
    };
    let mut out: Vec<String> = v.as_array().unwrap().iter().map(key).collect();
    out.sort();
    out
}

fn go_available() -> bool {
    am_testkit::require_tool("prometheus-alertmanager").is_some()
}

#[test]
fn go_snapshot_loads_into_our_state() {
    if !go_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let am = start_go(dir.path());
    let now = SystemClock.now();
    let posts = [
        json!({"matchers": [{"name": "alertname", "value": "Disk.*", "isRegex": true, "isEqual": true},
                            {"name": "job", "value": "node", "isRegex": false, "isEqual": false}],
               "startsAt": api_time(now), "endsAt": api_time(now + SignedDuration::from_hours(2)),
               "createdBy": "alice", "comment": "maintenance ✓"}),
        json!({"matchers": [{"name": "instance", "value": "a|b", "isRegex": true, "isEqual": false},
                            {"name": "team", "value": "db", "isRegex": false, "isEqual": true}],
               "startsAt": api_time(now + SignedDuration::from_hours(1)),
               "endsAt": api_time(now + SignedDuration::from_hours(3)),
               "createdBy": "bob", "comment": ""}),
        json!({"matchers": [{"name": "x", "value": "y", "isRegex": false, "isEqual": true}],
               "startsAt": api_time(now), "endsAt": api_time(now + SignedDuration::from_mins(5)),
               "createdBy": "carol", "comment": "to expire"}),
    ];
    let ids: Vec<String> = posts
        .iter()
        .map(|p| {
            json(&am, "POST", "/api/v2/silences", Some(p))["silenceID"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    json(&am, "DELETE", &format!("/api/v2/silence/{}", ids[2]), None);
    let listed = json(&am, "GET", "/api/v2/silences", None);
    stop(am);

    let bytes = std::fs::read(dir.path().join("silences")).unwrap();
    let mut ours = Silences::new(SilencesOptions::default());
    assert_eq!(ours.load(&bytes).unwrap(), 3);
    for g in listed.as_array().unwrap() {
        let id = g["id"].as_str().unwrap();
        let s = ours.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(
            sort_matchers(&api_matchers(&s)),
            sort_matchers(&g["matchers"])
        );
        assert_eq!(ms(s.starts_at), parse_time(&g["startsAt"]), "{id}");
        assert_eq!(ms(s.ends_at), parse_time(&g["endsAt"]), "{id}");
        assert_eq!(ms(s.updated_at), parse_time(&g["updatedAt"]), "{id}");
        assert_eq!(s.created_by, g["createdBy"].as_str().unwrap());
        assert_eq!(s.comment, g["comment"].as_str().unwrap());
        let retention = SignedDuration::from_hours(120);
        assert_eq!(ours.expires_at(id), Some(s.ends_at + retention));
    }
    // Our encoding of every message is byte-identical to Go's (Go writes them in map order).
    let mut go_msgs: Vec<Vec<u8>> = Vec::new();
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let m = <pb::MeshSilence as prost::Message>::decode_length_delimited(&mut rest).unwrap();
        let mut one = Vec::new();
        pb::write_delimited(&mut one, &m);
        go_msgs.push(one);
    }
    let consumed: usize = go_msgs.iter().map(Vec::len).sum();
    assert_eq!(consumed, bytes.len());
    let mut ours_msgs: Vec<Vec<u8>> = ids
        .iter()
        .map(|id| {
            let mut one = Vec::new();
            pb::write_delimited(&mut one, &ours.mesh_silence(id).unwrap());
            one
        })
        .collect();
    ours_msgs.sort();
    let mut go_sorted = go_msgs.clone();
    go_sorted.sort();
    assert_eq!(ours_msgs, go_sorted);
    // And those are exactly the byte runs in Go's file.
    assert_eq!(go_msgs.concat(), bytes);
}

#[test]
fn our_snapshot_loads_into_go() {
    if !go_available() {
        return;
    }
    let now = SystemClock.now();
    let mut ours = Silences::new(SilencesOptions::default());
    let mut a = sil(
        vec![
            m(MatchType::Equal, "alertname", "Up"),
            m(MatchType::NotRegexp, "env", "dev|test"),
        ],
        now,
        now + SignedDuration::from_hours(2),
    );
    a.comment = "π day".into();
    let a = ours.set(a, now).unwrap();
    let p = sil(
        vec![
            m(MatchType::NotEqual, "severity", "info"),
            m(MatchType::Regexp, "team", "d.+"),
        ],
        now + SignedDuration::from_hours(1),
        now + SignedDuration::from_hours(5),
    );
    let p = ours.set(p, now).unwrap();
    let e = ours
        .set(
            sil(
                vec![m(MatchType::Equal, "x", "1")],
                now,
                now + SignedDuration::from_hours(1),
            ),
            now,
        )
        .unwrap();
    ours.expire(&e, now + SignedDuration::from_millis(10))
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    crate::persist::write_atomic(&dir.path().join("silences"), &ours.snapshot()).unwrap();
    let am = start_go(dir.path());
    let listed = json(&am, "GET", "/api/v2/silences", None);
    stop(am);

    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 3);
    for (id, state) in [(&a, "active"), (&p, "pending"), (&e, "expired")] {
        let g = listed
            .iter()
            .find(|g| g["id"] == id.as_str())
            .expect("listed");
        let s = ours.get(id).unwrap();
        assert_eq!(g["status"]["state"], state, "{id}");
        assert_eq!(
            sort_matchers(&g["matchers"]),
            sort_matchers(&api_matchers(&s))
        );
        assert_eq!(parse_time(&g["startsAt"]), ms(s.starts_at));
        assert_eq!(parse_time(&g["endsAt"]), ms(s.ends_at));
        assert_eq!(parse_time(&g["updatedAt"]), ms(s.updated_at));
        assert_eq!(g["createdBy"], s.created_by.as_str());
        assert_eq!(g["comment"], s.comment.as_str());
    }
}

//! Differential tests against Go Alertmanager 0.25 (`/usr/bin/prometheus-alertmanager`):
//! silences created through Go's API and written to its snapshot on shutdown load into our
//! state unchanged (and re-encode to the very same bytes); a snapshot we write is loaded by Go
//! and served back by its API with the same content.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use am_model::matcher::MatchType;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::tests::{m, sil};
use super::*;
use crate::clock::{Clock, SystemClock};

const CONFIG: &str = "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n";

struct GoAm {
    child: Child,
    port: u16,
}

impl GoAm {
    fn start(bin: &Path, storage: &Path) -> GoAm {
        let cfg = storage.join("am.yml");
        std::fs::write(&cfg, CONFIG).unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(bin)
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!("--storage.path={}", storage.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let am = GoAm { child, port };
        // Poll readiness (bounded): the process needs a moment to bind.
        for _ in 0..200 {
            if am
                .try_request("GET", "/-/ready", None)
                .is_some_and(|(st, _)| st == 200)
            {
                return am;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("Go alertmanager did not become ready on port {port}");
    }

    fn try_request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Option<(u16, Vec<u8>)> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).ok()?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).ok()?;
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        let mut rest = &raw[split + 4..];
        if !head.contains("transfer-encoding: chunked") {
            return Some((status, rest.to_vec()));
        }
        let mut out = Vec::new();
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n")?;
            let len =
                usize::from_str_radix(std::str::from_utf8(&rest[..nl]).ok()?.trim(), 16).ok()?;
            if len == 0 {
                return Some((status, out));
            }
            out.extend_from_slice(rest.get(nl + 2..nl + 2 + len)?);
            rest = rest.get(nl + 4 + len..)?;
        }
    }

    fn json(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, bytes) = self.try_request(method, path, body).expect("request");
        assert_eq!(
            status,
            200,
            "{method} {path}: {}",
            String::from_utf8_lossy(&bytes)
        );
        if bytes.is_empty() {
            return Value::Null;
        }
        serde_json::from_slice(&bytes).unwrap()
    }

    /// SIGTERM and wait: Go writes its final snapshot on graceful shutdown.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let ok = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(ok.success());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "Go alertmanager exited with {status}");
    }
}

impl Drop for GoAm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

fn go_bin() -> Option<PathBuf> {
    am_testkit::require_tool("prometheus-alertmanager")
}

#[test]
fn go_snapshot_loads_into_our_state() {
    let Some(bin) = go_bin() else { return };
    let dir = tempfile::tempdir().unwrap();
    let am = GoAm::start(&bin, dir.path());
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
            am.json("POST", "/api/v2/silences", Some(p))["silenceID"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    am.json("DELETE", &format!("/api/v2/silence/{}", ids[2]), None);
    let listed = am.json("GET", "/api/v2/silences", None);
    am.stop();

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
    let Some(bin) = go_bin() else { return };
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
    let am = GoAm::start(&bin, dir.path());
    let listed = am.json("GET", "/api/v2/silences", None);
    am.stop();

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

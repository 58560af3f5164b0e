//! A raw hashicorp/memberlist 0.2.2 node (the Go program `tests/go/memberlist_node`, built
//! against Debian's packages: the memberlist Go Alertmanager 0.25 links) joins a single node
//! and reports what it decodes of that node's UDP packets (probes, acks, gossip with the
//! silence state) and TCP streams (join and periodic push/pull with the full state, reliable
//! user messages for large silences); the node in turn must decode the Go node's gossip,
//! reliable messages, probes and leave. Run against Go Alertmanager (validating the oracle)
//! and alertmesh.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::Instant;

use am_testkit::cluster::{free_cluster_port, wait_until};
use am_testkit::{Flavor, build_go_program, flavor_available};
use serde_json::Value;

use super::support::{LARGE, create_silence, node_metric, wait_metric, wait_silence};
use super::{CONVERGE, config};

/// The oracle binary, built once per test process (`None`: Go missing and allowed).
fn oracle_binary() -> Option<PathBuf> {
    static BIN: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    BIN.get_or_init(|| {
        am_testkit::require_tool("go")?;
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/memberlist_node");
        let dir = am_testkit::tempdir();
        let bin = build_go_program(&src, dir.path(), "memberlist_node");
        Some((dir, bin))
    })
    .as_ref()
    .map(|(_, bin)| bin.clone())
}

type Events = Arc<(Mutex<Vec<Value>>, Condvar)>;

/// The running Go node: its JSON-line events are collected by a reader thread.
struct MemberlistNode {
    child: Child,
    stdin: ChildStdin,
    events: Events,
    stderr: tempfile::NamedTempFile,
    name: String,
    addr: String,
}

impl MemberlistNode {
    fn start(bin: &PathBuf, join: &str) -> Result<Self, String> {
        let port = free_cluster_port()?;
        let stderr = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
        let name = format!("go-memberlist-{port}");
        let addr = format!("127.0.0.1:{port}");
        let mut child = Command::new(bin)
            .args(["-bind", &addr, "-join", join, "-name", &name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr.reopen().map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let events: Events = Arc::default();
        let sink = Arc::clone(&events);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let v = serde_json::from_str(&line).unwrap_or(Value::String(line));
                sink.0.lock().unwrap_or_else(|e| e.into_inner()).push(v);
                sink.1.notify_all();
            }
        });
        Ok(Self {
            child,
            stdin,
            events,
            stderr,
            name,
            addr,
        })
    }

    fn command(&mut self, line: &str) -> Result<(), String> {
        writeln!(self.stdin, "{line}").map_err(|e| format!("oracle stdin: {e}"))
    }

    fn events(&self) -> Vec<Value> {
        self.events
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits for an event (from the `from`-th on) satisfying `pred`; returns it.
    fn wait_event(
        &self,
        from: usize,
        what: &str,
        pred: impl Fn(&Value) -> bool,
    ) -> Result<Value, String> {
        let deadline = Instant::now() + CONVERGE;
        let (lock, cond) = &*self.events;
        let mut got = lock.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(v) = got.iter().skip(from).find(|v| pred(v)) {
                return Ok(v.clone());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(format!(
                    "memberlist oracle: no {what} within {CONVERGE:?}; events:\n{}\n--- oracle \
                     stderr ---\n{}",
                    got.iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    self.stderr_tail()
                ));
            }
            got = cond
                .wait_timeout(got, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn stderr_tail(&self) -> String {
        let text = std::fs::read_to_string(self.stderr.path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for MemberlistNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether a decoded part list (`parts` of a state event, or a user event itself) holds
/// silence `id`.
fn has_silence(part: &Value, id: &str) -> bool {
    part["key"] == "sil"
        && part["silences"]
            .as_array()
            .is_some_and(|s| s.iter().any(|s| s["id"] == id))
}

fn state_has_silences(ev: &Value, join: bool, ids: &[&str]) -> bool {
    ev["event"] == "state"
        && ev["join"] == join
        && ids.iter().all(|id| {
            ev["parts"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| has_silence(p, id)))
        })
}

fn run(flavor: Flavor) -> Result<(), String> {
    let Some(bin) = oracle_binary() else {
        return Ok(());
    };
    let cluster = super::start(&[flavor], &config(None))?;
    let fail = |e: String| format!("{e}\n{}", cluster.logs());
    let node_name = cluster.status(0).map_err(fail)?.name;
    let before = create_silence(&cluster, 0, 0).map_err(fail)?;

    let mut go = MemberlistNode::start(&bin, &cluster.cluster_addr(0)).map_err(fail)?;
    // The join's push/pull (TCP) carried the node's full state, decoded by Go.
    go.wait_event(0, "joined", |e| {
        e["event"] == "joined" && e["contacted"] == 1
    })
    .map_err(fail)?;
    go.wait_event(0, "join of the node", |e| {
        e["event"] == "join"
            && e["name"] == node_name.as_str()
            && e["addr"] == cluster.cluster_addr(0)
    })
    .map_err(fail)?;
    go.wait_event(0, "join state with the first silence", |e| {
        state_has_silences(e, true, &[&before])
    })
    .map_err(fail)?;
    // The node decoded the Go node's alive message and lists it.
    let want = [
        (node_name.clone(), cluster.cluster_addr(0)),
        (go.name.clone(), go.addr.clone()),
    ];
    wait_until(CONVERGE, "node lists the Go memberlist node", || {
        let s = cluster.status(0)?;
        let mut have: Vec<_> = s
            .peers
            .iter()
            .map(|p| (p.name.clone(), p.address.clone()))
            .collect();
        let mut want = want.to_vec();
        have.sort();
        want.sort();
        if have == want {
            Ok(())
        } else {
            Err(format!("{have:?}"))
        }
    })
    .map_err(fail)?;

    // Gossip (UDP) and the reliable path (TCP user message), node → Go.
    for size in [0, LARGE] {
        let mark = go.events().len();
        let id = create_silence(&cluster, 0, size).map_err(fail)?;
        let ev = go
            .wait_event(mark, &format!("user message with silence {id}"), |e| {
                e["event"] == "user" && has_silence(e, &id)
            })
            .map_err(fail)?;
        if size == LARGE && ev["size"].as_u64().is_none_or(|n| n <= 1400) {
            return Err(fail(format!(
                "large silence arrived as {} bytes",
                ev["size"]
            )));
        }
    }
    // Go → node, both paths; then the Go node's periodic push/pull gets every silence back.
    let mut ids = vec![before.clone()];
    for size in [0, LARGE] {
        let mark = go.events().len();
        go.command(&format!("silence {size}")).map_err(fail)?;
        let sent = go
            .wait_event(mark, "sent_silence", |e| e["event"] == "sent_silence")
            .map_err(fail)?;
        if sent.get("error").is_some() || sent["reliable"] != (size == LARGE) {
            return Err(fail(format!("oracle send: {sent}")));
        }
        let id = sent["id"].as_str().unwrap_or_default().to_owned();
        wait_silence(&cluster, 0, &id, "active")
            .map_err(|e| fail(format!("silence sent by the Go node: {e}")))?;
        ids.push(id);
    }
    let mark = go.events().len();
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    go.wait_event(mark, "periodic push/pull state with every silence", |e| {
        state_has_silences(e, false, &id_refs)
    })
    .map_err(fail)?;

    // Probes both ways succeed: the Go node got acks from the node and still sees it alive;
    // the node still lists the Go node and counts two members.
    let mark = go.events().len();
    go.command("members").map_err(fail)?;
    let members = go
        .wait_event(mark, "members", |e| e["event"] == "members")
        .map_err(fail)?;
    let alive = members["members"].as_array().is_some_and(|m| {
        m.iter()
            .any(|m| m["name"] == node_name.as_str() && m["state"] == 0)
    });
    if !alive || members["acks"][&node_name].as_u64().is_none_or(|n| n == 0) {
        return Err(fail(format!("the Go node's view: {members}")));
    }
    wait_metric(&cluster, &[0], "alertmanager_cluster_members", 2.0).map_err(fail)?;
    let events = go.events();
    if let Some(bad) = events.iter().find(|e| {
        e.get("error").is_some() || (e["event"] == "leave" && e["name"] == node_name.as_str())
    }) {
        return Err(fail(format!("oracle event {bad}")));
    }

    // The Go node leaves: the node drops it at once (a dead message from itself).
    go.command("leave").map_err(fail)?;
    go.wait_event(0, "left", |e| e["event"] == "left")
        .map_err(fail)?;
    cluster.wait_members(&[0], CONVERGE).map_err(fail)?;
    let members = node_metric(&cluster, 0, "alertmanager_cluster_members").map_err(fail)?;
    if members != 1.0 {
        return Err(fail(format!(
            "alertmanager_cluster_members {members} after the leave"
        )));
    }
    Ok(())
}

#[test]
fn memberlist_node_decodes_go() {
    if flavor_available(Flavor::Go) {
        run(Flavor::Go).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn memberlist_node_decodes_alertmesh() {
    if flavor_available(Flavor::Go) && flavor_available(Flavor::Alertmesh) {
        run(Flavor::Alertmesh).unwrap_or_else(|e| panic!("{e}"));
    }
}

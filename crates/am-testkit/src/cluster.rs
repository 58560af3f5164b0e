//! Launching a gossip cluster of Alertmanager-compatible nodes for interop tests: any mix of Go
//! Alertmanager 0.25 and alertmesh on 127.0.0.1, each with its own web port, cluster port (free
//! for both UDP and TCP) and storage directory, every node listing every other one with
//! `--cluster.peer` (upstream `cluster/cluster.go` flags as `cmd/alertmanager/main.go` defines
//! them). Nodes can be killed (SIGKILL), terminated (SIGTERM) and restarted on the same cluster
//! address with their old or an empty storage. Waiting is polling against a deadline
//! ([`wait_until`]); `/api/v2/status` and `/metrics` are parsed into [`ClusterStatus`] and
//! [`metric_sum`]. No upstream counterpart: test infrastructure only.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::{TcpListener, UdpSocket};
use std::process::ExitStatus;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::http::HttpClient;
use crate::server::{Flavor, Server, ServerOptions};

/// How often [`wait_until`] polls.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Calls `check` every [`POLL_INTERVAL`] until it returns `Ok` or `timeout` passes; the error
/// names `what` and carries the last failure.
pub fn wait_until<T>(
    timeout: Duration,
    what: &str,
    mut check: impl FnMut() -> Result<T, String>,
) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        match check() {
            Ok(v) => return Ok(v),
            Err(e) if Instant::now() >= deadline => {
                return Err(format!("{what}: not within {timeout:?}; last: {e}"));
            }
            Err(_) => std::thread::sleep(POLL_INTERVAL),
        }
    }
}

/// Timing flags shared by every node of a cluster (Go duration syntax on the command line).
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// `--cluster.gossip-interval`; settling polls every 10 × this.
    pub gossip_interval: Duration,
    /// `--cluster.pushpull-interval`. Long by default so that a state reaching a peer quickly
    /// proves the gossip or reliable (TCP) path rather than a periodic full sync.
    pub pushpull_interval: Duration,
    /// `--cluster.probe-interval`.
    pub probe_interval: Duration,
    /// `--cluster.probe-timeout`.
    pub probe_timeout: Duration,
    /// `--cluster.peer-timeout` (the notification wait per position).
    pub peer_timeout: Duration,
    /// `--cluster.settle-timeout`.
    pub settle_timeout: Duration,
    /// `--cluster.reconnect-interval`.
    pub reconnect_interval: Duration,
    /// `--cluster.tcp-timeout`.
    pub tcp_timeout: Duration,
    /// Extra arguments for every node (e.g. `--log.level=debug`).
    pub extra_args: Vec<String>,
    /// How long one node may take to serve `/api/v2/status` after its start.
    pub start_timeout: Duration,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            gossip_interval: Duration::from_millis(50),
            pushpull_interval: Duration::from_secs(60),
            probe_interval: Duration::from_millis(250),
            probe_timeout: Duration::from_millis(100),
            peer_timeout: Duration::from_millis(1500),
            settle_timeout: Duration::from_secs(10),
            reconnect_interval: Duration::from_secs(1),
            tcp_timeout: Duration::from_secs(5),
            extra_args: Vec::new(),
            start_timeout: Duration::from_secs(20),
        }
    }
}

/// Go's duration syntax for a flag value, in whole milliseconds (`1500ms`).
fn go_duration(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

/// What a restarted node starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// The storage directory of the previous run (snapshots it wrote stay).
    Keep,
    /// A fresh empty directory.
    Empty,
}

/// One member as `/api/v2/status` lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PeerStatus {
    /// The member name (a ULID unless `--cluster.peer-name` is set).
    pub name: String,
    /// `ip:port` of its cluster listener.
    pub address: String,
}

/// The `cluster` object of `GET /api/v2/status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterStatus {
    /// This node's member name.
    pub name: String,
    /// `ready`, `settling` or `disabled`.
    pub status: String,
    /// Members including this node, sorted by name.
    pub peers: Vec<PeerStatus>,
}

impl ClusterStatus {
    /// Parses the `cluster` object of a `/api/v2/status` body.
    pub fn from_status_json(body: &Value) -> Result<Self, String> {
        let c = &body["cluster"];
        let text = |v: &Value, what: &str| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("status: cluster.{what} missing in {c}"))
        };
        let mut peers = Vec::new();
        for p in c["peers"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            peers.push(PeerStatus {
                name: text(&p["name"], "peers[].name")?,
                address: text(&p["address"], "peers[].address")?,
            });
        }
        peers.sort();
        Ok(Self {
            name: c["name"].as_str().unwrap_or_default().to_owned(),
            status: text(&c["status"], "status")?,
            peers,
        })
    }

    /// The member names.
    pub fn peer_names(&self) -> BTreeSet<String> {
        self.peers.iter().map(|p| p.name.clone()).collect()
    }
}

/// Sums the samples of metric `name` whose labels include every `labels` pair, in the
/// Prometheus text format; `None` when no sample matches.
pub fn metric_sum(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let mut sum = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let (metric, label_text) = match series.split_once('{') {
            Some((m, rest)) => (m, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        if metric != name {
            continue;
        }
        let have: Vec<(&str, &str)> = label_text
            .split("\",")
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.trim_matches(','), v.trim_matches('"')))
            .collect();
        if !labels.iter().all(|want| have.contains(want)) {
            continue;
        }
        if let Ok(v) = value.parse::<f64>() {
            *sum.get_or_insert(0.0) += v;
        }
    }
    sum
}

/// Ports handed out in this process, never handed out twice.
fn used_ports() -> &'static Mutex<HashSet<u16>> {
    static USED: OnceLock<Mutex<HashSet<u16>>> = OnceLock::new();
    USED.get_or_init(Default::default)
}

/// A cluster port found free for TCP and UDP; the UDP socket stays bound until the node starts
/// on it. (A held TCP listener would accept the earlier nodes' join attempts into its backlog
/// and stall them for the TCP timeout, so TCP is only checked.)
struct Reservation {
    port: u16,
    _udp: UdpSocket,
}

/// The first port of the kernel's ephemeral range (`ip_local_port_range`, 32768 if unknown).
fn ephemeral_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768)
}

/// A random number from the standard library's per-process hash keys and a counter.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.finish()
}

/// Reserves a port of 127.0.0.1 that is free for both TCP and UDP. It is drawn at random below
/// the ephemeral range, so the outgoing connections of the running servers (which take
/// ephemeral ports) cannot occupy it between the reservation and the node's start, nor
/// while a node is down for a restart.
fn reserve_port() -> Result<Reservation, String> {
    let high = ephemeral_start().max(2048);
    let low = high.saturating_sub(16384).max(1024);
    for _ in 0..200 {
        let port = low + (random_u64() % u64::from(high - low)) as u16;
        let Ok(udp) = UdpSocket::bind(("127.0.0.1", port)) else {
            continue;
        };
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            continue;
        }
        let mut used = used_ports().lock().unwrap_or_else(|e| e.into_inner());
        if used.insert(port) {
            return Ok(Reservation { port, _udp: udp });
        }
    }
    Err(format!(
        "no port of 127.0.0.1 in {low}..{high} is free for both TCP and UDP"
    ))
}

/// A port of 127.0.0.1 free for both TCP and UDP right now and never handed out before by this
/// process (for a cluster member started outside [`Cluster`], e.g. a Go memberlist oracle).
pub fn free_cluster_port() -> Result<u16, String> {
    reserve_port().map(|r| r.port)
}

/// One node slot: its flavor, cluster address and storage survive restarts.
struct Node {
    flavor: Flavor,
    port: u16,
    reservation: Option<Reservation>,
    storage: tempfile::TempDir,
    server: Option<Server>,
    /// stderr of earlier runs of this slot, for failure messages.
    old_logs: String,
}

/// A running cluster; every process is killed when it is dropped.
pub struct Cluster {
    nodes: Vec<Node>,
    config_yaml: String,
    opts: ClusterOptions,
}

impl Cluster {
    /// Starts one node per flavor, in order, each listing every other node as `--cluster.peer`,
    /// and returns once every node serves `/api/v2/status` (not once they have joined: see
    /// [`Cluster::wait_converged`]).
    pub fn start(
        flavors: &[Flavor],
        config_yaml: &str,
        opts: ClusterOptions,
    ) -> Result<Cluster, String> {
        let mut nodes = Vec::new();
        for &flavor in flavors {
            let reservation = reserve_port()?;
            nodes.push(Node {
                flavor,
                port: reservation.port,
                reservation: Some(reservation),
                storage: tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?,
                server: None,
                old_logs: String::new(),
            });
        }
        let mut cluster = Cluster {
            nodes,
            config_yaml: config_yaml.to_owned(),
            opts,
        };
        for i in 0..cluster.nodes.len() {
            let mut attempt = 0;
            loop {
                match cluster.launch(i, true) {
                    Ok(()) => break,
                    // Another process took the released port before the node bound it.
                    Err(e)
                        if e.to_ascii_lowercase().contains("address already in use")
                            && attempt < 3 =>
                    {
                        attempt += 1;
                        let reservation = reserve_port()?;
                        cluster.nodes[i].port = reservation.port;
                        cluster.nodes[i].reservation = Some(reservation);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(cluster)
    }

    /// Starts slot `i` on its cluster port, joining the other nodes when `join`.
    fn launch(&mut self, i: usize, join: bool) -> Result<(), String> {
        let o = &self.opts;
        let node = &self.nodes[i];
        let addr = format!("127.0.0.1:{}", node.port);
        let mut args = vec![
            format!("--cluster.advertise-address={addr}"),
            format!(
                "--cluster.gossip-interval={}",
                go_duration(o.gossip_interval)
            ),
            format!(
                "--cluster.pushpull-interval={}",
                go_duration(o.pushpull_interval)
            ),
            format!("--cluster.probe-interval={}", go_duration(o.probe_interval)),
            format!("--cluster.probe-timeout={}", go_duration(o.probe_timeout)),
            format!("--cluster.peer-timeout={}", go_duration(o.peer_timeout)),
            format!("--cluster.settle-timeout={}", go_duration(o.settle_timeout)),
            format!(
                "--cluster.reconnect-interval={}",
                go_duration(o.reconnect_interval)
            ),
            format!("--cluster.tcp-timeout={}", go_duration(o.tcp_timeout)),
        ];
        if join {
            for (j, other) in self.nodes.iter().enumerate() {
                if j != i {
                    args.push(format!("--cluster.peer=127.0.0.1:{}", other.port));
                }
            }
        }
        args.extend(o.extra_args.iter().cloned());
        let opts = ServerOptions {
            extra_args: args,
            ready_path: "/api/v2/status".into(),
            ready_timeout: o.start_timeout,
            storage_dir: Some(node.storage.path().to_path_buf()),
            cluster_listen: Some(addr),
            ..ServerOptions::default()
        };
        let flavor = node.flavor;
        // Free the reserved port just before the process binds it.
        self.nodes[i].reservation = None;
        let server = Server::start_with(flavor, &self.config_yaml, &opts)
            .map_err(|e| format!("node {i} ({}): {e}", flavor.name()))?;
        self.nodes[i].server = Some(server);
        Ok(())
    }

    /// Number of node slots (running or not).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the cluster has no node slots.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The flavor of slot `i`.
    pub fn flavor(&self, i: usize) -> Flavor {
        self.nodes[i].flavor
    }

    /// `127.0.0.1:PORT` of slot `i`'s cluster listener (the same across restarts).
    pub fn cluster_addr(&self, i: usize) -> String {
        format!("127.0.0.1:{}", self.nodes[i].port)
    }

    /// The running server of slot `i`.
    pub fn server(&self, i: usize) -> Option<&Server> {
        self.nodes[i].server.as_ref()
    }

    /// An HTTP client for slot `i`.
    ///
    /// # Panics
    /// When the node is not running.
    pub fn client(&self, i: usize) -> HttpClient {
        self.server(i)
            .unwrap_or_else(|| panic!("node {i} is not running"))
            .client()
            .with_timeout(Duration::from_secs(5))
    }

    /// The indexes of the running nodes.
    pub fn running(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].server.is_some())
            .collect()
    }

    /// `GET /api/v2/status` of slot `i`, parsed.
    pub fn status(&self, i: usize) -> Result<ClusterStatus, String> {
        let server = self.server(i).ok_or(format!("node {i} is not running"))?;
        let body = server
            .client()
            .with_timeout(Duration::from_secs(5))
            .get_json("/api/v2/status")?;
        ClusterStatus::from_status_json(&body)
    }

    /// `GET /metrics` of slot `i`.
    pub fn metrics(&self, i: usize) -> Result<String, String> {
        let resp = self
            .client(i)
            .get("/metrics")
            .map_err(|e| format!("node {i}: GET /metrics: {e}"))?;
        match resp.status {
            200 => Ok(resp.text()),
            s => Err(format!("node {i}: GET /metrics: status {s}")),
        }
    }

    /// Waits until each of `nodes` lists exactly `nodes` as members (names and cluster
    /// addresses) and reports `ready`; returns their statuses in the order of `nodes`.
    pub fn wait_members(
        &self,
        nodes: &[usize],
        timeout: Duration,
    ) -> Result<Vec<ClusterStatus>, String> {
        let want_addrs: BTreeSet<String> = nodes.iter().map(|&i| self.cluster_addr(i)).collect();
        wait_until(timeout, "cluster convergence", || {
            let statuses = nodes
                .iter()
                .map(|&i| self.status(i))
                .collect::<Result<Vec<_>, _>>()?;
            let want_names: BTreeSet<String> = statuses.iter().map(|s| s.name.clone()).collect();
            for (&i, s) in nodes.iter().zip(&statuses) {
                let addrs: BTreeSet<String> = s.peers.iter().map(|p| p.address.clone()).collect();
                if s.peer_names() != want_names || addrs != want_addrs || s.status != "ready" {
                    return Err(format!(
                        "node {i} ({}) is {} with peers {:?}; want {want_names:?} at \
                         {want_addrs:?}",
                        self.flavor(i).name(),
                        s.status,
                        s.peers
                    ));
                }
            }
            Ok(statuses)
        })
    }

    /// [`Cluster::wait_members`] over every running node.
    pub fn wait_converged(&self, timeout: Duration) -> Result<Vec<ClusterStatus>, String> {
        self.wait_members(&self.running(), timeout)
    }

    /// SIGKILLs slot `i` (no leave message, no snapshot).
    pub fn kill(&mut self, i: usize) {
        if let Some(server) = self.nodes[i].server.take() {
            self.nodes[i].old_logs.push_str(&server.stderr());
            drop(server);
        }
    }

    /// SIGTERMs slot `i` and waits for it to exit (it leaves the cluster gracefully).
    pub fn terminate(&mut self, i: usize) -> Result<ExitStatus, String> {
        let server = self.nodes[i]
            .server
            .take()
            .ok_or(format!("node {i} is not running"))?;
        self.nodes[i].old_logs.push_str(&server.stderr());
        server.terminate()
    }

    /// Starts the stopped slot `i` again on its cluster address. `join`: pass the other nodes
    /// as `--cluster.peer` (else the node only comes back when a peer reconnects to it).
    pub fn restart(&mut self, i: usize, storage: Storage, join: bool) -> Result<(), String> {
        if self.nodes[i].server.is_some() {
            return Err(format!("node {i} is still running"));
        }
        if storage == Storage::Empty {
            self.nodes[i].storage = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        }
        self.nodes[i].old_logs.push_str("--- restart ---\n");
        self.launch(i, join)
    }

    /// Every node's stderr (all runs, the last 60 lines each), labelled, for failure messages.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for (i, node) in self.nodes.iter().enumerate() {
            let mut text = node.old_logs.clone();
            if let Some(server) = &node.server {
                text.push_str(&server.stderr());
            }
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(60)..];
            out.push_str(&format!(
                "--- node {i} ({}, cluster {}) ---\n{}\n",
                node.flavor.name(),
                self.cluster_addr(i),
                tail.join("\n")
            ));
        }
        out
    }

    /// The metric `name` summed over matching series on each running node (`None` where the
    /// node does not expose it), keyed by node index.
    pub fn metric_by_node(
        &self,
        name: &str,
        labels: &[(&str, &str)],
    ) -> Result<BTreeMap<usize, Option<f64>>, String> {
        self.running()
            .into_iter()
            .map(|i| Ok((i, metric_sum(&self.metrics(i)?, name, labels))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_sum_matches_names_and_labels() {
        let text = "# HELP x y\nalertmanager_cluster_members 3\n\
                    alertmanager_notifications_total{integration=\"webhook\"} 2\n\
                    alertmanager_notifications_total{integration=\"email\"} 5\n\
                    alertmanager_cluster_members_x 9\n";
        assert_eq!(
            metric_sum(text, "alertmanager_cluster_members", &[]),
            Some(3.0)
        );
        assert_eq!(
            metric_sum(
                text,
                "alertmanager_notifications_total",
                &[("integration", "webhook")]
            ),
            Some(2.0)
        );
        assert_eq!(
            metric_sum(text, "alertmanager_notifications_total", &[]),
            Some(7.0)
        );
        assert_eq!(metric_sum(text, "alertmanager_peer_position", &[]), None);
    }

    #[test]
    fn reserved_ports_are_distinct_and_free_for_udp_and_tcp() {
        let a = reserve_port().unwrap();
        let b = reserve_port().unwrap();
        assert_ne!(a.port, b.port);
        let port = a.port;
        drop(a);
        UdpSocket::bind(("127.0.0.1", port)).unwrap();
        TcpListener::bind(("127.0.0.1", port)).unwrap();
    }

    #[test]
    fn wait_until_reports_the_last_failure() {
        let mut n = 0;
        let ok = wait_until(Duration::from_secs(5), "count", || {
            n += 1;
            if n >= 3 { Ok(n) } else { Err(format!("{n}")) }
        });
        assert_eq!(ok, Ok(3));
        let err = wait_until(Duration::from_millis(10), "never", || {
            Err::<(), _>("no".into())
        });
        assert!(
            err.unwrap_err()
                .contains("never: not within 10ms; last: no")
        );
    }

    #[test]
    fn parses_the_cluster_status() {
        let body = serde_json::json!({"cluster": {"name": "B", "status": "ready", "peers": [
            {"name": "B", "address": "127.0.0.1:2"}, {"name": "A", "address": "127.0.0.1:1"}]}});
        let s = ClusterStatus::from_status_json(&body).unwrap();
        assert_eq!(s.name, "B");
        assert_eq!(s.status, "ready");
        assert_eq!(s.peers[0].name, "A");
        assert_eq!(s.peer_names().len(), 2);
        assert!(ClusterStatus::from_status_json(&serde_json::json!({})).is_err());
    }
}

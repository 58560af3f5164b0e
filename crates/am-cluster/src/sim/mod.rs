//! Deterministic discrete-event simulation of many [`Memberlist`] nodes over an in-memory network
//! (chitchat's simulator model; no upstream Go counterpart — memberlist tests use real sockets).
//!
//! Everything runs in virtual time on one thread: a priority queue of events ordered by
//! `(time, sequence)`, one seeded [`StdRng`] for the network and the nodes' seeds, and the
//! sans-IO core driven through `handle_packet`/`handle_stream`/`handle_stream_reply`/
//! `handle_timeout`. The network ([`Network`]) has per-link delay, jitter and loss, directional
//! cuts, and crashed nodes that drop everything. TCP streams are loss-free but pay a
//! retransmission timeout per simulated loss; they fail at their deadline across a cut, and
//! after one link delay ("connection refused") towards a crashed node, and towards a node with
//! another cluster label (the transport checks the stream's label header).
//!
//! Every UDP packet a node emits is checked: it must decode with [`crate::codec::decode_packet`]
//! and fit in `udp_buffer_size + 5` (CRC) `+ 2 + len(label)` bytes. Failures are recorded as
//! [`Simulation::violations`] instead of panicking, as are timers that do not advance.
//!
//! ```
//! use std::time::Duration;
//! use am_cluster::sim::{SimConfig, Simulation};
//!
//! let mut sim = Simulation::new(SimConfig::seeded(7));
//! let nodes = sim.add_nodes(3);
//! sim.join_to_first(&nodes);
//! let took = sim.converge_within(Duration::from_secs(5));
//! assert!(took.is_some());
//! sim.crash(nodes[2]);
//! sim.run_for(Duration::from_secs(30));
//! assert!(!sim.converged() || sim.running().len() == 2);
//! assert!(sim.violations().is_empty());
//! ```

mod delegate;
mod events;
mod network;
mod trace;

use std::collections::{BTreeMap, BinaryHeap};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub use delegate::{DelegateEvent, DelegateEventKind, SimDelegate, USER_RETRANSMIT_MULT};
pub use network::{LinkConfig, Network, TCP_RTO};
pub use trace::{SimStats, TraceHash};

use crate::codec::Message;
use crate::memberlist::{Config, Memberlist, NodeInfo, NodeState, StreamId, StreamOutcome};
use events::{Event, Scheduled};

/// Hook that adjusts each node's configuration before it is created.
pub type Configure = Box<dyn Fn(&mut Config)>;

/// Simulation parameters.
pub struct SimConfig {
    /// Seed of the simulation's RNG (network draws and the nodes' seeds).
    pub seed: u64,
    /// The default link.
    pub link: LinkConfig,
    /// Applied to `Config::alertmanager(name, addr)` for every node created.
    pub configure: Option<Configure>,
    /// Granularity of [`Simulation::run_until_converged`] checks.
    pub check_step: Duration,
    /// Whether delegates re-gossip user messages they learn (AM's merge-and-rebroadcast).
    pub rebroadcast: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            link: LinkConfig::default(),
            configure: None,
            check_step: Duration::from_millis(10),
            rebroadcast: true,
        }
    }
}

impl SimConfig {
    /// The default configuration with another seed.
    pub fn seeded(seed: u64) -> Self {
        SimConfig {
            seed,
            ..SimConfig::default()
        }
    }
}

/// One simulated process.
pub struct SimNode {
    /// The protocol state.
    pub ml: Memberlist<SimDelegate>,
    /// False after a crash.
    pub running: bool,
    /// Bumped at every crash/restart so that stale timers and stream results are ignored.
    generation: u64,
    /// The timer event currently scheduled for this node.
    timer_at: Option<Duration>,
    /// Outcomes of streams this node opened, in completion order.
    pub outcomes: Vec<(Duration, StreamId, StreamOutcome)>,
    restarts: u32,
    timer_stall_reported: bool,
}

/// A cluster of simulated nodes keyed by address.
pub struct Simulation {
    epoch: Instant,
    now: Duration,
    rng: StdRng,
    seq: u64,
    queue: BinaryHeap<Scheduled>,
    nodes: BTreeMap<SocketAddr, SimNode>,
    /// The network model; change links and cuts at any time.
    pub net: Network,
    configure: Option<Configure>,
    check_step: Duration,
    rebroadcast: bool,
    next_index: usize,
    trace: TraceHash,
    stats: SimStats,
    violations: Vec<String>,
    capture: Option<Vec<Captured>>,
}

/// A delivered UDP packet's decoded messages, kept when capturing is on.
#[derive(Debug, Clone)]
pub struct Captured {
    /// Delivery time.
    pub at: Duration,
    /// Sender.
    pub from: SocketAddr,
    /// Receiver.
    pub to: SocketAddr,
    /// The messages, compound and compression unwrapped.
    pub messages: Vec<Message>,
}

/// `127.0.x.y:7946` for node index `i` (`127.0.0.1` for 0).
pub fn sim_addr(i: usize) -> SocketAddr {
    let n = i + 1;
    SocketAddr::from(([127, 0, (n / 256) as u8, (n % 256) as u8], 7946))
}

impl Simulation {
    /// An empty simulation at virtual time zero.
    pub fn new(config: SimConfig) -> Self {
        Simulation {
            epoch: Instant::now(),
            now: Duration::ZERO,
            rng: StdRng::seed_from_u64(config.seed),
            seq: 0,
            queue: BinaryHeap::new(),
            nodes: BTreeMap::new(),
            net: Network::new(config.link),
            configure: config.configure,
            check_step: config.check_step,
            rebroadcast: config.rebroadcast,
            next_index: 0,
            trace: TraceHash::default(),
            stats: SimStats::default(),
            violations: Vec::new(),
            capture: None,
        }
    }

    /// Virtual time since the start.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// The real `Instant` standing for virtual time `d`.
    pub fn instant(&self, d: Duration) -> Instant {
        self.epoch + d
    }

    /// Virtual time of an `Instant` handed out by a node.
    pub fn offset(&self, i: Instant) -> Duration {
        i.saturating_duration_since(self.epoch)
    }

    /// Hash of every event delivered so far (same seed and script ⇒ same hash).
    pub fn trace_hash(&self) -> u64 {
        self.trace.value()
    }

    /// Traffic counters.
    pub fn stats(&self) -> &SimStats {
        &self.stats
    }

    /// Contract violations seen (oversized or undecodable packets, stalled timers).
    pub fn violations(&self) -> &[String] {
        &self.violations
    }

    /// Starts (or stops and clears) keeping every delivered packet's decoded messages.
    pub fn set_capture(&mut self, on: bool) {
        self.capture = on.then(Vec::new);
    }

    /// Packets captured since [`Self::set_capture`]`(true)`.
    pub fn captured(&self) -> &[Captured] {
        self.capture.as_deref().unwrap_or_default()
    }

    /// Creates and starts the next node (`node-NN` at [`sim_addr`]`(NN)`); it knows only itself.
    pub fn add_node(&mut self) -> SocketAddr {
        let i = self.next_index;
        self.next_index += 1;
        let addr = sim_addr(i);
        self.add_node_at(format!("node-{i:02}"), addr);
        addr
    }

    /// Creates and starts `n` nodes.
    pub fn add_nodes(&mut self, n: usize) -> Vec<SocketAddr> {
        (0..n).map(|_| self.add_node()).collect()
    }

    /// Creates and starts a node with an explicit name and address (replacing any node there).
    pub fn add_node_at(&mut self, name: String, addr: SocketAddr) {
        let (generation, restarts) = match self.nodes.get(&addr) {
            Some(old) => (old.generation + 1, old.restarts),
            None => (0, 0),
        };
        let mut config = Config::alertmanager(name, addr);
        if let Some(f) = &self.configure {
            f(&mut config);
        }
        let seed = self.rng.random::<u64>();
        let mut delegate = SimDelegate::new(self.rebroadcast);
        delegate.now = self.now;
        let ml = Memberlist::new(config, delegate, seed, self.instant(self.now));
        self.nodes.insert(
            addr,
            SimNode {
                ml,
                running: true,
                generation,
                timer_at: None,
                outcomes: Vec::new(),
                restarts,
                timer_stall_reported: false,
            },
        );
        self.flush(addr);
    }

    /// Every node's address (crashed ones included).
    pub fn addrs(&self) -> Vec<SocketAddr> {
        self.nodes.keys().copied().collect()
    }

    /// Addresses of running nodes.
    pub fn running(&self) -> Vec<SocketAddr> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.running)
            .map(|(a, _)| *a)
            .collect()
    }

    /// The node at `addr`. Panics if there is none (test helper).
    pub fn node(&self, addr: SocketAddr) -> &SimNode {
        &self.nodes[&addr]
    }

    /// The node at `addr`, mutably. Call [`Self::flush`] after driving it directly.
    pub fn node_mut(&mut self, addr: SocketAddr) -> &mut SimNode {
        self.nodes
            .get_mut(&addr)
            .expect("no simulated node at this address")
    }

    /// The current name of the node at `addr`.
    pub fn name(&self, addr: SocketAddr) -> String {
        self.node(addr).ml.config().name.clone()
    }

    /// The delegate of the node at `addr`.
    pub fn delegate(&self, addr: SocketAddr) -> &SimDelegate {
        self.node(addr).ml.delegate()
    }

    /// Every entry in `observer`'s table, by name.
    pub fn view(&self, observer: SocketAddr) -> BTreeMap<String, NodeInfo> {
        self.node(observer)
            .ml
            .nodes()
            .into_iter()
            .map(|n| (n.name.clone(), n))
            .collect()
    }

    /// The state `observer` has for the node called `subject`, if it knows it.
    pub fn state_seen(&self, observer: SocketAddr, subject: &str) -> Option<NodeState> {
        self.node(observer)
            .ml
            .nodes()
            .into_iter()
            .find(|n| n.name == subject)
            .map(|n| n.state)
    }

    /// Whether every node of `nodes` has `state` for the node called `subject` (`None`: it has
    /// no entry, e.g. after reaping).
    pub fn all_see(&self, nodes: &[SocketAddr], subject: &str, state: Option<NodeState>) -> bool {
        nodes.iter().all(|o| self.state_seen(*o, subject) == state)
    }

    /// Whether some node of `nodes` has `state` for the node called `subject`.
    pub fn any_sees(&self, nodes: &[SocketAddr], subject: &str, state: Option<NodeState>) -> bool {
        nodes.iter().any(|o| self.state_seen(*o, subject) == state)
    }

    /// Whether every running node in `observers` sees every node of `subjects` (by their current
    /// names) alive and knows no other alive or suspect node.
    pub fn all_see_alive(&self, observers: &[SocketAddr], subjects: &[SocketAddr]) -> bool {
        let mut want: Vec<String> = subjects.iter().map(|a| self.name(*a)).collect();
        want.sort();
        observers
            .iter()
            .filter(|o| self.node(**o).running)
            .all(|o| {
                let mut members: Vec<(String, NodeState)> = self
                    .node(*o)
                    .ml
                    .members()
                    .into_iter()
                    .map(|n| (n.name, n.state))
                    .collect();
                members.sort();
                members.len() == want.len()
                    && members
                        .iter()
                        .zip(&want)
                        .all(|((name, state), w)| name == w && *state == NodeState::Alive)
            })
    }

    /// Whether all running nodes see exactly the running nodes alive.
    pub fn converged(&self) -> bool {
        let running = self.running();
        self.all_see_alive(&running, &running)
    }

    /// Starts a join from `addr` to `seeds`; outcomes land in [`SimNode::outcomes`].
    pub fn join(&mut self, addr: SocketAddr, seeds: &[SocketAddr]) -> Vec<StreamId> {
        let now = self.prepare(addr);
        let ids = self.node_mut(addr).ml.join(seeds, now);
        self.flush(addr);
        ids
    }

    /// Has every node of `addrs` but the first start a join to the first one (the seed node).
    pub fn join_to_first(&mut self, addrs: &[SocketAddr]) {
        if let Some((seed, rest)) = addrs.split_first() {
            for a in rest {
                self.join(*a, &[*seed]);
            }
        }
    }

    /// One pass of Alertmanager's reconnect loop (`cluster.go` `reconnect`): every running node
    /// joins each address its delegate saw die and has not seen join again. Returns the number
    /// of joins started.
    pub fn reconnect_failed(&mut self) -> usize {
        let mut started = 0;
        for addr in self.running() {
            let failed: Vec<SocketAddr> = self
                .delegate(addr)
                .failed
                .values()
                .copied()
                .filter(|a| *a != addr)
                .collect();
            if !failed.is_empty() {
                started += self.join(addr, &failed).len();
            }
        }
        started
    }

    /// Puts raw bytes on the wire from `from` to `to` (subject to the network model), as if a
    /// node (or an attacker) at `from` had sent them. Not checked against the MTU or decoded.
    pub fn inject_packet(&mut self, from: SocketAddr, to: SocketAddr, bytes: Vec<u8>) {
        if self.net.is_cut(from, to) {
            self.stats.dropped_cut += 1;
            return;
        }
        match self.net.udp(&mut self.rng, from, to) {
            None => self.stats.dropped_loss += 1,
            Some(d) => self.schedule(self.now + d, Event::Packet { from, to, bytes }),
        }
    }

    /// `SendReliable` from `addr` to the node named `to`.
    pub fn send_reliable(&mut self, addr: SocketAddr, to: &str, msg: Vec<u8>) -> Option<StreamId> {
        let now = self.prepare(addr);
        let id = self.node_mut(addr).ml.send_reliable(to, msg, now);
        self.flush(addr);
        id
    }

    /// Queues an application broadcast on `addr`'s delegate.
    pub fn broadcast(&mut self, addr: SocketAddr, msg: Vec<u8>) {
        self.prepare(addr);
        self.node_mut(addr).ml.delegate_mut().broadcast(msg);
    }

    /// Starts a graceful leave on `addr`.
    pub fn leave(&mut self, addr: SocketAddr) {
        let now = self.prepare(addr);
        self.node_mut(addr).ml.leave(now);
        self.flush(addr);
    }

    /// Stops `addr`: it processes nothing more and everything addressed to it is dropped.
    pub fn crash(&mut self, addr: SocketAddr) {
        let now = self.now;
        let node = self.node_mut(addr);
        node.running = false;
        node.generation += 1;
        node.timer_at = None;
        self.trace.event(now, b'C', addr, addr, &[]);
    }

    /// Starts a fresh process at `addr` (new name, incarnation 1, empty table), like an
    /// Alertmanager restart with a new ULID; it must [`Self::join`] to rejoin.
    pub fn restart(&mut self, addr: SocketAddr, name: Option<String>) {
        let old = self.node(addr);
        let restarts = old.restarts + 1;
        let name = name.unwrap_or_else(|| format!("{}-r{restarts}", old.ml.config().name));
        self.add_node_at(name, addr);
        self.node_mut(addr).restarts = restarts;
        let now = self.now;
        self.trace.event(now, b'B', addr, addr, &[]);
    }

    /// Processes the earliest event; false when none is queued.
    pub fn step(&mut self) -> bool {
        let Some(Scheduled { at, ev, .. }) = self.queue.pop() else {
            return false;
        };
        self.now = self.now.max(at);
        self.stats.events += 1;
        match ev {
            Event::Timer { node, generation } => self.on_timer(node, generation, at),
            Event::Packet { from, to, bytes } => self.on_packet(from, to, bytes),
            Event::StreamRequest(req) => self.on_stream_request(req),
            Event::StreamResult {
                node,
                generation,
                id,
                result,
            } => self.on_stream_result(node, generation, id, result),
        }
        true
    }

    /// Runs every event up to and including virtual time `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Duration) {
        while self.queue.peek().is_some_and(|s| s.at <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Runs for `d` of virtual time.
    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now + d);
    }

    /// Runs until `pred` holds (checked now and every `check_step`) or `limit` has elapsed;
    /// returns the virtual time it took, or `None` on timeout.
    pub fn run_until_converged(
        &mut self,
        mut pred: impl FnMut(&Simulation) -> bool,
        limit: Duration,
    ) -> Option<Duration> {
        let start = self.now;
        loop {
            if pred(self) {
                return Some(self.now - start);
            }
            if self.now >= start + limit {
                return None;
            }
            let next = (self.now + self.check_step).min(start + limit);
            self.run_until(next);
        }
    }

    /// [`Self::run_until_converged`] with [`Self::converged`] as the predicate.
    pub fn converge_within(&mut self, limit: Duration) -> Option<Duration> {
        self.run_until_converged(|s| s.converged(), limit)
    }
}

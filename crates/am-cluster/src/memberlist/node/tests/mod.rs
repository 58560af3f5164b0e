//! Tests of the memberlist state machine: a recording delegate, a zero-latency in-memory
//! network of several [`Memberlist`]s driven by a fake clock, and helpers to play a peer by
//! hand (decode what the node sent, craft what it receives).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::Memberlist;
use crate::codec::{Alive, Message, decode_packet};
use crate::memberlist::{Config, Delegate, NodeInfo, NodeState, Output, StreamId, StreamOutcome};

mod cluster;
mod gossip;
mod probe;
mod rules;

/// A delegate that records every call.
#[derive(Debug, Default)]
pub(super) struct TestDelegate {
    /// User messages received (UDP or TCP).
    pub msgs: Vec<Vec<u8>>,
    /// User broadcasts waiting to be piggy-backed (each sent once).
    pub user_queue: Vec<Vec<u8>>,
    /// Returned by `local_state`.
    pub local_state: Vec<u8>,
    /// `merge_remote_state` calls.
    pub merged: Vec<(Vec<u8>, bool)>,
    pub joins: Vec<String>,
    pub leaves: Vec<String>,
    pub updates: Vec<String>,
    pub alives: usize,
    pub pings: Vec<(String, Duration)>,
}

impl Delegate for TestDelegate {
    fn notify_msg(&mut self, msg: &[u8]) {
        self.msgs.push(msg.to_vec());
    }
    fn get_broadcasts(&mut self, overhead: usize, limit: usize) -> Vec<Vec<u8>> {
        let mut used = 0;
        let mut out = Vec::new();
        self.user_queue.retain(|m| {
            if used + overhead + m.len() <= limit {
                used += overhead + m.len();
                out.push(m.clone());
                false
            } else {
                true
            }
        });
        out
    }
    fn local_state(&mut self, _join: bool) -> Vec<u8> {
        self.local_state.clone()
    }
    fn merge_remote_state(&mut self, buf: &[u8], join: bool) {
        self.merged.push((buf.to_vec(), join));
    }
    fn notify_join(&mut self, node: &NodeInfo) {
        self.joins.push(node.name.clone());
    }
    fn notify_leave(&mut self, node: &NodeInfo) {
        self.leaves.push(node.name.clone());
    }
    fn notify_update(&mut self, node: &NodeInfo) {
        self.updates.push(node.name.clone());
    }
    fn notify_alive(&mut self, _node: &NodeInfo) {
        self.alives += 1;
    }
    fn notify_ping_complete(&mut self, node: &NodeInfo, rtt: Duration) {
        self.pings.push((node.name.clone(), rtt));
    }
}

pub(super) type Node = Memberlist<TestDelegate>;

/// Address of test node `i`.
pub(super) fn addr(i: usize) -> SocketAddr {
    SocketAddr::from(([10, 0, 0, i as u8 + 1], 9094))
}

pub(super) fn name(i: usize) -> String {
    format!("node-{i}")
}

/// Config for node `i` with AM defaults.
pub(super) fn config(i: usize) -> Config {
    Config::alertmanager(name(i), addr(i))
}

/// A config with every periodic timer off, for hand-driven tests.
pub(super) fn quiet_config(i: usize) -> Config {
    let mut c = config(i);
    c.probe_interval = Duration::ZERO;
    c.gossip_interval = Duration::ZERO;
    c.push_pull_interval = Duration::ZERO;
    c
}

/// An alive message for test node `i` (Vsn 1/5/2).
pub(super) fn alive_msg(i: usize, inc: u32) -> Alive {
    alive_with_vsn(i, inc, vec![1, 5, 2, 0, 0, 0])
}

pub(super) fn alive_with_vsn(i: usize, inc: u32, vsn: Vec<u8>) -> Alive {
    Alive {
        addr: vec![10, 0, 0, i as u8 + 1],
        incarnation: inc,
        meta: Vec::new(),
        node: name(i),
        port: 9094,
        vsn,
    }
}

/// Takes every output of `m`.
pub(super) fn drain(m: &mut Node) -> Vec<Output> {
    std::iter::from_fn(|| m.poll_output()).collect()
}

/// Decodes an unlabelled packet.
pub(super) fn decode(bytes: &[u8]) -> Vec<Message> {
    decode_packet(bytes, "").expect("decodable packet")
}

/// Packets among `outs` sent to `to`, decoded.
pub(super) fn packets_to(outs: &[Output], to: SocketAddr) -> Vec<Message> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Packet { to: t, bytes } if *t == to => Some(decode(bytes)),
            _ => None,
        })
        .flatten()
        .collect()
}

pub(super) fn state_of(m: &Node, i: usize) -> Option<NodeState> {
    m.node(&name(i)).map(|n| n.state)
}

/// A zero-latency network of nodes on a fake clock.
pub(super) struct Net {
    pub now: Instant,
    pub nodes: Vec<Node>,
    /// Crashed nodes: they send, receive and tick nothing.
    pub down: BTreeSet<usize>,
    /// Directed UDP links that drop everything.
    pub udp_blocked: BTreeSet<(usize, usize)>,
    /// Directed TCP links that refuse connections.
    pub tcp_blocked: BTreeSet<(usize, usize)>,
    /// Every packet handed to the network: (from, to, bytes).
    pub sent: Vec<(usize, SocketAddr, Vec<u8>)>,
    /// Outcomes of the streams nodes initiated.
    pub outcomes: Vec<(usize, StreamId, StreamOutcome)>,
}

impl Net {
    pub fn new(n: usize, tweak: impl Fn(&mut Config)) -> Net {
        let now = Instant::now();
        let nodes = (0..n)
            .map(|i| {
                let mut c = config(i);
                tweak(&mut c);
                Memberlist::new(c, TestDelegate::default(), 1000 + i as u64, now)
            })
            .collect();
        Net {
            now,
            nodes,
            down: BTreeSet::new(),
            udp_blocked: BTreeSet::new(),
            tcp_blocked: BTreeSet::new(),
            sent: Vec::new(),
            outcomes: Vec::new(),
        }
    }

    fn index(to: SocketAddr) -> Option<usize> {
        match to.ip() {
            std::net::IpAddr::V4(v4) => Some(usize::from(v4.octets()[3]) - 1),
            _ => None,
        }
    }

    /// Delivers outputs until none is left.
    pub fn deliver(&mut self) {
        loop {
            let mut progress = false;
            for i in 0..self.nodes.len() {
                while let Some(out) = self.nodes[i].poll_output() {
                    progress = true;
                    if self.down.contains(&i) {
                        continue;
                    }
                    self.route(i, out);
                }
            }
            if !progress {
                return;
            }
        }
    }

    fn route(&mut self, i: usize, out: Output) {
        let now = self.now;
        match out {
            Output::Packet { to, bytes } => {
                self.sent.push((i, to, bytes.clone()));
                let Some(j) = Self::index(to).filter(|j| *j < self.nodes.len()) else {
                    return;
                };
                if self.down.contains(&j) || self.udp_blocked.contains(&(i, j)) {
                    return;
                }
                self.nodes[j].handle_packet(addr(i), &bytes, now);
            }
            Output::Stream {
                id,
                to,
                msg,
                expect_reply,
                ..
            } => {
                let j = Self::index(to).filter(|j| *j < self.nodes.len());
                let result = match j {
                    Some(j) if !self.down.contains(&j) && !self.tcp_blocked.contains(&(i, j)) => {
                        let reply = self.nodes[j].handle_stream(addr(i), msg, now);
                        Ok(if expect_reply { reply } else { None })
                    }
                    _ => Err("connection refused".to_string()),
                };
                let outcome = self.nodes[i].handle_stream_reply(id, result, now);
                self.outcomes.push((i, id, outcome));
            }
        }
    }

    /// Runs the clock forward by `d`, firing timers and delivering outputs.
    pub fn run_for(&mut self, d: Duration) {
        let end = self.now + d;
        loop {
            self.deliver();
            let next = (0..self.nodes.len())
                .filter(|i| !self.down.contains(i))
                .filter_map(|i| self.nodes[i].poll_timeout())
                .min();
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    for i in 0..self.nodes.len() {
                        if self.down.contains(&i) {
                            continue;
                        }
                        if self.nodes[i].poll_timeout().is_some_and(|t| t <= self.now) {
                            self.nodes[i].handle_timeout(self.now);
                        }
                    }
                }
                _ => {
                    self.now = end;
                    return;
                }
            }
        }
    }

    /// Node `i` joins node `j`.
    pub fn join(&mut self, i: usize, j: usize) {
        let now = self.now;
        let ids = self.nodes[i].join(&[addr(j)], now);
        assert_eq!(ids.len(), 1);
        self.deliver();
    }

    /// Everyone joins node 0 and the cluster runs until it has converged.
    pub fn joined(n: usize, tweak: impl Fn(&mut Config)) -> Net {
        let mut net = Net::new(n, tweak);
        for i in 1..n {
            net.join(i, 0);
        }
        net.run_for(Duration::from_secs(5));
        for m in &net.nodes {
            assert_eq!(
                m.num_members(),
                n,
                "{} sees {:?}",
                m.config().name,
                m.members()
            );
        }
        net
    }
}

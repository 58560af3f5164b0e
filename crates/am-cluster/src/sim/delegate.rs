//! The simulator's [`Delegate`]: records user messages and membership events with their virtual
//! time, gossips application broadcasts through a [`TransmitLimitedQueue`] the way Alertmanager's
//! delegate does (`cluster/delegate.go`: retransmit multiplier 3, `NumNodes = NumMembers()`), and
//! carries every known message in its push/pull state so late joiners catch up.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use crate::memberlist::queue::TransmitLimitedQueue;
use crate::memberlist::{Delegate, NodeInfo, NodeState};

/// Retransmit multiplier of the application queue (AM's `max(len(peers)/2, 3)` with few peers).
pub const USER_RETRANSMIT_MULT: usize = 3;

/// One membership callback as the delegate saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DelegateEventKind {
    /// `notify_join`.
    Join,
    /// `notify_leave` with the state the node had (`Dead` or `Left`).
    Leave(NodeState),
    /// `notify_update`.
    Update,
}

/// A timestamped membership callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegateEvent {
    /// Virtual time (since the simulation's start) of the callback.
    pub at: Duration,
    /// Which callback.
    pub kind: DelegateEventKind,
    /// The node's name.
    pub name: String,
    /// The node's address.
    pub addr: SocketAddr,
    /// The node's incarnation at the time.
    pub incarnation: u32,
}

/// Test delegate driven by [`super::Simulation`].
#[derive(Debug)]
pub struct SimDelegate {
    /// Virtual time, set by the simulation before each call into the node.
    pub now: Duration,
    /// `NumMembers()` of the node, set by the simulation before each call (queue limit input).
    pub num_nodes: usize,
    /// Whether a newly learned user message is queued again for gossip (AM's silences and
    /// nflog re-broadcast merged changes).
    pub rebroadcast: bool,
    /// Membership callbacks in order.
    pub events: Vec<DelegateEvent>,
    /// Every user message known, with the virtual time it was first learned (by any path).
    pub known: BTreeMap<Vec<u8>, Duration>,
    /// Number of `notify_msg` calls (duplicates included).
    pub notify_msgs: usize,
    /// Number of `merge_remote_state` calls, and how many of them were joins.
    pub merges: (usize, usize),
    /// AM's failed-peer list: nodes seen dead (not left) and not seen alive since, by name.
    pub failed: BTreeMap<String, SocketAddr>,
    queue: TransmitLimitedQueue,
}

impl SimDelegate {
    /// A delegate that re-broadcasts new messages when `rebroadcast` is set.
    pub fn new(rebroadcast: bool) -> Self {
        SimDelegate {
            now: Duration::ZERO,
            num_nodes: 1,
            rebroadcast,
            events: Vec::new(),
            known: BTreeMap::new(),
            notify_msgs: 0,
            merges: (0, 0),
            failed: BTreeMap::new(),
            queue: TransmitLimitedQueue::new(USER_RETRANSMIT_MULT),
        }
    }

    /// Originates an application broadcast (AM `Channel::broadcast` for a small message).
    pub fn broadcast(&mut self, msg: Vec<u8>) {
        self.known.entry(msg.clone()).or_insert(self.now);
        self.queue.queue_broadcast(None, msg);
    }

    /// Broadcasts still queued for gossip.
    pub fn pending_broadcasts(&self) -> usize {
        self.queue.len()
    }

    /// Events about the node `name`, in order.
    pub fn events_about<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a DelegateEvent> {
        self.events.iter().filter(move |e| e.name == name)
    }

    /// The `notify_leave` events (a node recorded dead or left), in order.
    pub fn leave_events(&self) -> Vec<&DelegateEvent> {
        let leave = |e: &&DelegateEvent| matches!(e.kind, DelegateEventKind::Leave(_));
        self.events.iter().filter(leave).collect()
    }

    fn learn(&mut self, msg: &[u8], gossip: bool) -> bool {
        if self.known.contains_key(msg) {
            return false;
        }
        self.known.insert(msg.to_vec(), self.now);
        if gossip && self.rebroadcast {
            self.queue.queue_broadcast(None, msg.to_vec());
        }
        true
    }

    fn record(&mut self, kind: DelegateEventKind, node: &NodeInfo) {
        self.events.push(DelegateEvent {
            at: self.now,
            kind,
            name: node.name.clone(),
            addr: node.addr,
            incarnation: node.incarnation,
        });
    }
}

/// Push/pull state: each message as a 4-byte big-endian length and its bytes.
fn encode_state<'a>(msgs: impl Iterator<Item = &'a Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    for m in msgs {
        out.extend_from_slice(&(m.len() as u32).to_be_bytes());
        out.extend_from_slice(m);
    }
    out
}

/// Inverse of [`encode_state`]; stops at the first truncated entry.
fn decode_state(mut buf: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while buf.len() >= 4 {
        let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        let Some(m) = buf.get(4..4 + len) else { break };
        out.push(m);
        buf = &buf[4 + len..];
    }
    out
}

impl Delegate for SimDelegate {
    fn notify_msg(&mut self, msg: &[u8]) {
        self.notify_msgs += 1;
        self.learn(msg, true);
    }

    fn get_broadcasts(&mut self, overhead: usize, limit: usize) -> Vec<Vec<u8>> {
        self.queue.get_broadcasts(overhead, limit, self.num_nodes)
    }

    fn local_state(&mut self, _join: bool) -> Vec<u8> {
        encode_state(self.known.keys())
    }

    fn merge_remote_state(&mut self, buf: &[u8], join: bool) {
        self.merges.0 += 1;
        if join {
            self.merges.1 += 1;
        }
        for m in decode_state(buf) {
            self.learn(m, false);
        }
    }

    fn notify_join(&mut self, node: &NodeInfo) {
        self.failed.remove(&node.name);
        self.record(DelegateEventKind::Join, node);
    }

    fn notify_leave(&mut self, node: &NodeInfo) {
        if node.state == NodeState::Dead {
            self.failed.insert(node.name.clone(), node.addr);
        }
        self.record(DelegateEventKind::Leave(node.state), node);
    }

    fn notify_update(&mut self, node: &NodeInfo) {
        self.record(DelegateEventKind::Update, node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_tolerates_truncation() {
        let msgs = [b"a".to_vec(), Vec::new(), b"hello".to_vec()];
        let enc = encode_state(msgs.iter());
        let dec = decode_state(&enc);
        assert_eq!(dec, vec![&b"a"[..], &b""[..], &b"hello"[..]]);
        assert_eq!(decode_state(&enc[..enc.len() - 1]).len(), 2);
    }

    #[test]
    fn learned_messages_are_rebroadcast_once() {
        let mut d = SimDelegate::new(true);
        d.notify_msg(b"x");
        d.notify_msg(b"x");
        assert_eq!(d.notify_msgs, 2);
        assert_eq!(d.pending_broadcasts(), 1);
        let mut quiet = SimDelegate::new(false);
        quiet.notify_msg(b"x");
        assert_eq!(quiet.pending_broadcasts(), 0);
        assert!(quiet.known.contains_key(&b"x"[..]));
    }
}

//! The memberlist delegate of the Alertmanager layer (`cluster/delegate.go`): user messages are
//! protobuf [`Part`]s merged into the registered [`State`] of their key, push/pull carries a
//! [`FullState`] of every state, gossip comes from Alertmanager's own
//! [`TransmitLimitedQueue`], and membership events feed the [`PeerBook`]; docs/PROTOCOL.md §3.1.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use am_metrics::CounterVec;
use parking_lot::{Mutex, MutexGuard, RwLock};

use super::State;
use super::metrics::{ClusterMetrics, FULL_STATE, UPDATE};
use super::peers::PeerBook;
use super::proto::{FullState, Part};
use crate::memberlist::queue::TransmitLimitedQueue;
use crate::memberlist::{Delegate, NodeInfo};

/// Queue length above which the periodic pruning drops messages (`maxQueueSize`).
pub const MAX_QUEUE_SIZE: usize = 4096;

/// Go's `Node.Address()` for a node: `ip:port` with IPv4-mapped addresses shown as IPv4.
pub fn node_address(addr: SocketAddr) -> String {
    SocketAddr::new(addr.ip().to_canonical(), addr.port()).to_string()
}

/// State shared by the delegate (inside the memberlist task), the channels and the peer.
pub struct AmShared {
    states: RwLock<BTreeMap<String, Arc<dyn State>>>,
    queue: Mutex<TransmitLimitedQueue>,
    book: Mutex<PeerBook>,
    members: Mutex<HashSet<String>>,
    metrics: ClusterMetrics,
}

impl std::fmt::Debug for AmShared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmShared")
            .field("states", &self.states.read().keys().collect::<Vec<_>>())
            .field("queued", &self.queue.lock().len())
            .finish_non_exhaustive()
    }
}

impl AmShared {
    /// Empty shared state; `retransmit_mult` is `max(len(--cluster.peer)/2, 3)`.
    pub fn new(metrics: ClusterMetrics, retransmit_mult: usize) -> Arc<AmShared> {
        Arc::new(AmShared {
            states: RwLock::new(BTreeMap::new()),
            queue: Mutex::new(TransmitLimitedQueue::new(retransmit_mult)),
            book: Mutex::new(PeerBook::new()),
            members: Mutex::new(HashSet::new()),
            metrics,
        })
    }

    /// Registers (or replaces) the state of `key`.
    pub fn add_state(&self, key: &str, state: Arc<dyn State>) {
        self.states.write().insert(key.to_string(), state);
    }

    fn state(&self, key: &str) -> Option<Arc<dyn State>> {
        self.states.read().get(key).cloned()
    }

    /// Queues an already Part-encoded gossip message (Go's `simpleBroadcast`, never invalidated).
    pub fn queue_broadcast(&self, msg: Vec<u8>) {
        self.queue.lock().queue_broadcast(None, msg);
    }

    /// Messages waiting in the gossip queue (`alertmanager_cluster_messages_queued`).
    pub fn queued(&self) -> usize {
        self.queue.lock().len()
    }

    /// `handleQueueDepth`: prunes to [`MAX_QUEUE_SIZE`] and counts what was dropped.
    pub fn prune_queue(&self) -> usize {
        let n = self.queue.lock().prune(MAX_QUEUE_SIZE);
        if n > 0 {
            tracing::warn!(
                dropped = n,
                limit = MAX_QUEUE_SIZE,
                "dropping messages because too many are queued"
            );
            self.metrics.pruned.inc_by_u64(n as u64);
        }
        n
    }

    /// Alive + suspect members seen through join/leave events (Go's `NumMembers`).
    pub fn num_members(&self) -> usize {
        self.members.lock().len()
    }

    /// The peer bookkeeping.
    pub fn book(&self) -> MutexGuard<'_, PeerBook> {
        self.book.lock()
    }

    /// The counters.
    pub fn metrics(&self) -> &ClusterMetrics {
        &self.metrics
    }

    fn local_state(&self) -> Vec<u8> {
        let states: Vec<(String, Arc<dyn State>)> = self
            .states
            .read()
            .iter()
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect();
        let mut fs = FullState::default();
        for (key, s) in states {
            match s.marshal_binary() {
                Ok(data) => fs.parts.push(Part { key, data }),
                Err(err) => {
                    tracing::warn!(%err, key, "encode local state");
                    return Vec::new();
                }
            }
        }
        let b = fs.encode_to_bytes();
        let m = &self.metrics;
        count_messages(&m.sent, &m.sent_size, FULL_STATE, 1, b.len());
        b
    }

    fn merge_remote_state(&self, buf: &[u8]) {
        let m = &self.metrics;
        count_messages(&m.received, &m.received_size, FULL_STATE, 1, buf.len());
        let fs = match FullState::decode_bytes(buf) {
            Ok(fs) => fs,
            Err(err) => {
                tracing::warn!(%err, "merge remote state");
                return;
            }
        };
        for p in fs.parts {
            let Some(s) = self.state(&p.key) else {
                tracing::warn!(len = buf.len(), key = p.key, "unknown state key");
                continue;
            };
            if let Err(err) = s.merge(&p.data) {
                // Go stops at the first failing part.
                tracing::warn!(%err, key = p.key, "merge remote state");
                return;
            }
        }
    }

    fn notify_msg(&self, msg: &[u8]) {
        let m = &self.metrics;
        count_messages(&m.received, &m.received_size, UPDATE, 1, msg.len());
        let p = match Part::decode_bytes(msg) {
            Ok(p) => p,
            Err(err) => {
                tracing::warn!(%err, "decode broadcast");
                return;
            }
        };
        let Some(s) = self.state(&p.key) else {
            return;
        };
        if let Err(err) = s.merge(&p.data) {
            tracing::warn!(%err, key = p.key, "merge broadcast");
        }
    }

    fn get_broadcasts(&self, overhead: usize, limit: usize) -> Vec<Vec<u8>> {
        let n = self.num_members();
        let msgs = self.queue.lock().get_broadcasts(overhead, limit, n);
        if !msgs.is_empty() {
            let size: usize = msgs.iter().map(Vec::len).sum();
            let m = &self.metrics;
            count_messages(&m.sent, &m.sent_size, UPDATE, msgs.len(), size);
        }
        msgs
    }
}

/// Adds `n` messages of `msg_type` and their `bytes` to a count and a size counter.
fn count_messages(count: &CounterVec, size: &CounterVec, msg_type: &str, n: usize, bytes: usize) {
    count.with(&[msg_type]).inc_by_u64(n as u64);
    size.with(&[msg_type]).inc_by_u64(bytes as u64);
}

/// The [`Delegate`] handed to the memberlist core; all state lives in the shared [`AmShared`].
#[derive(Debug, Clone)]
pub struct AmDelegate {
    shared: Arc<AmShared>,
}

impl AmDelegate {
    /// A delegate over `shared`.
    pub fn new(shared: Arc<AmShared>) -> AmDelegate {
        AmDelegate { shared }
    }

    /// The shared state.
    pub fn shared(&self) -> &Arc<AmShared> {
        &self.shared
    }
}

fn now() -> std::time::Instant {
    tokio::time::Instant::now().into_std()
}

impl Delegate for AmDelegate {
    fn node_meta(&mut self, _limit: usize) -> Vec<u8> {
        Vec::new()
    }

    fn notify_msg(&mut self, msg: &[u8]) {
        self.shared.notify_msg(msg);
    }

    fn get_broadcasts(&mut self, overhead: usize, limit: usize) -> Vec<Vec<u8>> {
        self.shared.get_broadcasts(overhead, limit)
    }

    fn local_state(&mut self, _join: bool) -> Vec<u8> {
        self.shared.local_state()
    }

    fn merge_remote_state(&mut self, buf: &[u8], _join: bool) {
        self.shared.merge_remote_state(buf);
    }

    fn notify_join(&mut self, node: &NodeInfo) {
        let addr = node_address(node.addr);
        tracing::debug!(node = node.name, addr, "NotifyJoin");
        self.shared.members.lock().insert(node.name.clone());
        if self.shared.book().on_join(&node.name, &addr) {
            tracing::debug!(peer = node.name, "peer rejoined");
        }
        self.shared.metrics.peers_joined.inc();
    }

    fn notify_leave(&mut self, node: &NodeInfo) {
        let addr = node_address(node.addr);
        tracing::debug!(node = node.name, addr, "NotifyLeave");
        self.shared.members.lock().remove(&node.name);
        if self.shared.book().on_leave(&node.name, &addr, now()) {
            self.shared.metrics.peers_left.inc();
            tracing::debug!(peer = node.name, "peer left");
        }
    }

    fn notify_update(&mut self, node: &NodeInfo) {
        let addr = node_address(node.addr);
        tracing::debug!(node = node.name, addr, "NotifyUpdate");
        if self.shared.book().on_update(&node.name, &addr) {
            self.shared.metrics.peers_update.inc();
        }
    }

    fn notify_alive(&mut self, node: &NodeInfo) {
        self.shared.metrics.alive.with(&[&node.name]).inc();
    }

    fn notify_ping_complete(&mut self, node: &NodeInfo, rtt: Duration) {
        self.shared
            .metrics
            .pings
            .with(&[&node.name])
            .observe(rtt.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alertmanager::membership::alive_node;
    use crate::alertmanager::peers::PeerStatus;

    /// Records merges; fails on data equal to `b"bad"`.
    #[derive(Default)]
    struct Rec {
        merged: Mutex<Vec<Vec<u8>>>,
        full: Vec<u8>,
        fail_marshal: bool,
    }

    impl State for Rec {
        fn marshal_binary(&self) -> Result<Vec<u8>, String> {
            if self.fail_marshal {
                return Err("nope".into());
            }
            Ok(self.full.clone())
        }
        fn merge(&self, data: &[u8]) -> Result<(), String> {
            if data == b"bad" {
                return Err("bad data".into());
            }
            self.merged.lock().push(data.to_vec());
            Ok(())
        }
    }

    fn setup() -> (AmDelegate, am_metrics::Registry, Arc<Rec>, Arc<Rec>) {
        let reg = am_metrics::Registry::new();
        let shared = AmShared::new(ClusterMetrics::register(&reg, "me"), 3);
        let sil = Arc::new(Rec {
            full: b"S".to_vec(),
            ..Rec::default()
        });
        let nfl = Arc::new(Rec {
            full: b"N".to_vec(),
            ..Rec::default()
        });
        shared.add_state("sil", sil.clone());
        shared.add_state("nfl", nfl.clone());
        (AmDelegate::new(shared), reg, sil, nfl)
    }

    fn node(name: &str, addr: &str) -> NodeInfo {
        alive_node(name, addr.parse().unwrap())
    }

    fn part(key: &str, data: &[u8]) -> Part {
        Part {
            key: key.into(),
            data: data.to_vec(),
        }
    }

    fn metric(reg: &am_metrics::Registry, line_prefix: &str) -> String {
        reg.encode()
            .lines()
            .find(|l| l.starts_with(line_prefix))
            .unwrap_or_else(|| panic!("no {line_prefix}"))
            .to_string()
    }

    #[test]
    fn notify_msg_merges_by_key_and_ignores_unknown() {
        let (mut d, reg, sil, nfl) = setup();
        d.notify_msg(&part("sil", b"one").encode_to_bytes());
        d.notify_msg(&part("xyz", b"two").encode_to_bytes());
        d.notify_msg(&[0xff, 0xff]);
        assert_eq!(*sil.merged.lock(), vec![b"one".to_vec()]);
        assert!(nfl.merged.lock().is_empty());
        assert_eq!(
            metric(
                &reg,
                "alertmanager_cluster_messages_received_total{msg_type=\"update\"}"
            ),
            "alertmanager_cluster_messages_received_total{msg_type=\"update\"} 3"
        );
    }

    #[test]
    fn merge_remote_state_stops_at_first_error() {
        let (mut d, reg, sil, nfl) = setup();
        let fs = FullState {
            parts: vec![
                part("zzz", b"u"),
                part("nfl", b"n1"),
                part("sil", b"bad"),
                part("nfl", b"n2"),
            ],
        };
        d.merge_remote_state(&fs.encode_to_bytes(), false);
        assert_eq!(*nfl.merged.lock(), vec![b"n1".to_vec()]);
        assert!(sil.merged.lock().is_empty());
        assert!(
            metric(
                &reg,
                "alertmanager_cluster_messages_received_total{msg_type=\"full_state\"}"
            )
            .ends_with(" 1")
        );
    }

    #[test]
    fn local_state_has_every_state() {
        let (mut d, reg, _, _) = setup();
        let fs = FullState::decode_bytes(&d.local_state(true)).unwrap();
        assert_eq!(fs.parts, vec![part("nfl", b"N"), part("sil", b"S")]);
        assert!(
            metric(
                &reg,
                "alertmanager_cluster_messages_sent_total{msg_type=\"full_state\"}"
            )
            .ends_with(" 1")
        );
        // A failing state means no user state at all.
        d.shared().add_state(
            "bad",
            Arc::new(Rec {
                fail_marshal: true,
                ..Rec::default()
            }),
        );
        assert!(d.local_state(false).is_empty());
    }

    #[test]
    fn broadcasts_use_member_count_for_retransmits() {
        let (mut d, reg, _, _) = setup();
        d.notify_join(&node("me", "10.0.0.1:9094"));
        d.notify_join(&node("b", "10.0.0.2:9094"));
        d.notify_join(&node("c", "10.0.0.3:9094"));
        assert_eq!(d.shared().num_members(), 3);
        d.shared().queue_broadcast(b"gossip".to_vec());
        // 3 members → limit 3 × ⌈log10 4⌉ = 3 transmits.
        let mut sent = 0;
        for _ in 0..10 {
            sent += d.get_broadcasts(2, 1398).len();
        }
        assert_eq!(sent, 3);
        assert_eq!(d.shared().queued(), 0);
        assert!(
            metric(
                &reg,
                "alertmanager_cluster_messages_sent_total{msg_type=\"update\"}"
            )
            .ends_with(" 3")
        );
        assert!(
            metric(
                &reg,
                "alertmanager_cluster_messages_sent_size_total{msg_type=\"update\"}"
            )
            .ends_with(" 18")
        );
    }

    #[test]
    fn membership_events_update_the_book() {
        let (mut d, reg, _, _) = setup();
        d.notify_join(&node("b", "10.0.0.2:9094"));
        d.notify_update(&node("b", "10.0.0.2:9094"));
        d.notify_update(&node("x", "10.0.0.9:9094"));
        d.notify_leave(&node("b", "10.0.0.2:9094"));
        d.notify_leave(&node("y", "10.0.0.8:9094"));
        assert_eq!(d.shared().num_members(), 0);
        assert_eq!(
            d.shared().book().get("10.0.0.2:9094").unwrap().status,
            PeerStatus::Failed
        );
        assert_eq!(d.shared().book().failed_len(), 1);
        d.notify_join(&node("b2", "[::ffff:10.0.0.2]:9094"));
        assert_eq!(d.shared().book().failed_len(), 0);
        assert!(metric(&reg, "alertmanager_cluster_peers_joined_total").ends_with(" 2"));
        assert!(metric(&reg, "alertmanager_cluster_peers_left_total").ends_with(" 1"));
        assert!(metric(&reg, "alertmanager_cluster_peers_update_total").ends_with(" 1"));
        d.notify_alive(&node("b2", "10.0.0.2:9094"));
        d.notify_ping_complete(&node("b2", "10.0.0.2:9094"), Duration::from_millis(20));
        assert!(
            metric(
                &reg,
                "alertmanager_cluster_alive_messages_total{peer=\"b2\"}"
            )
            .ends_with(" 1")
        );
        assert!(
            metric(
                &reg,
                "alertmanager_cluster_pings_seconds_bucket{peer=\"b2\",le=\"0.025\"}"
            )
            .ends_with(" 1")
        );
        assert!(d.node_meta(512).is_empty());
    }

    #[test]
    fn prune_counts_dropped() {
        let (d, reg, _, _) = setup();
        for i in 0..(MAX_QUEUE_SIZE + 5) {
            d.shared().queue_broadcast(i.to_be_bytes().to_vec());
        }
        assert_eq!(d.shared().prune_queue(), 5);
        assert_eq!(d.shared().queued(), MAX_QUEUE_SIZE);
        assert_eq!(d.shared().prune_queue(), 0);
        assert!(metric(&reg, "alertmanager_cluster_messages_pruned_total").ends_with(" 5"));
    }
}

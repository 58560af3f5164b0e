//! Sans-IO SWIM membership compatible with hashicorp memberlist (`memberlist.go`, `state.go`,
//! `net.go` handlers, `suspicion.go`, `awareness.go`, `broadcast.go`): the node table,
//! probing, suspicion, incarnations and refutation, gossip, push/pull merge and leave.
//! [`Memberlist`] takes `now` and input events and queues [`Output`]s; it never does IO and
//! draws all randomness from a seeded RNG, so a simulator can drive many nodes deterministically.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::codec::StreamMessage;

pub mod queue;

/// memberlist's `NodeStateType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeState {
    /// 0
    Alive,
    /// 1
    Suspect,
    /// 2
    Dead,
    /// 3
    Left,
}

/// A node as the table knows it (memberlist `Node` + state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeInfo {
    /// Unique node name.
    pub name: String,
    /// Advertised UDP/TCP address.
    pub addr: SocketAddr,
    /// Node metadata (AM: empty).
    pub meta: Vec<u8>,
    /// Current state.
    pub state: NodeState,
    /// Incarnation number.
    pub incarnation: u32,
    /// `[PMin, PMax, PCur, DMin, DMax, DCur]`.
    pub vsn: [u8; 6],
}

/// Configuration (memberlist `Config` as Alertmanager sets it; see docs/PROTOCOL.md §1.1).
#[derive(Debug, Clone)]
pub struct Config {
    /// This node's name.
    pub name: String,
    /// The address announced to others (advertise address and port).
    pub advertise: SocketAddr,
    /// `--cluster.label`; "" for none.
    pub label: String,
    /// 1s.
    pub probe_interval: Duration,
    /// 500ms.
    pub probe_timeout: Duration,
    /// 200ms.
    pub gossip_interval: Duration,
    /// AM: `max(len(peers)/2, 3)`.
    pub gossip_nodes: usize,
    /// AM: 60s.
    pub push_pull_interval: Duration,
    /// 10s (deadline given to stream outputs).
    pub tcp_timeout: Duration,
    /// 3.
    pub indirect_checks: usize,
    /// 4 (memberlist's own queue).
    pub retransmit_mult: usize,
    /// 4.
    pub suspicion_mult: usize,
    /// 6.
    pub suspicion_max_timeout_mult: usize,
    /// 8.
    pub awareness_max_multiplier: usize,
    /// 30s.
    pub gossip_to_the_dead_time: Duration,
    /// 1400.
    pub udp_buffer_size: usize,
    /// false (TCP ping fallback enabled).
    pub disable_tcp_pings: bool,
    /// true.
    pub enable_compression: bool,
}

impl Config {
    /// Alertmanager's values (memberlist `DefaultLANConfig` with AM's overrides).
    pub fn alertmanager(name: String, advertise: SocketAddr) -> Config {
        Config {
            name,
            advertise,
            label: String::new(),
            probe_interval: Duration::from_secs(1),
            probe_timeout: Duration::from_millis(500),
            gossip_interval: Duration::from_millis(200),
            gossip_nodes: 3,
            push_pull_interval: Duration::from_secs(60),
            tcp_timeout: Duration::from_secs(10),
            indirect_checks: 3,
            retransmit_mult: 4,
            suspicion_mult: 4,
            suspicion_max_timeout_mult: 6,
            awareness_max_multiplier: 8,
            gossip_to_the_dead_time: Duration::from_secs(30),
            udp_buffer_size: 1400,
            disable_tcp_pings: false,
            enable_compression: true,
        }
    }
}

/// The application's hooks (memberlist `Delegate` + `EventDelegate` + `AliveDelegate` +
/// `PingDelegate`), called synchronously from inside [`Memberlist`]'s methods.
pub trait Delegate: Send + 'static {
    /// Metadata announced in our alive messages (AM: empty).
    fn node_meta(&mut self, _limit: usize) -> Vec<u8> {
        Vec::new()
    }
    /// A user message arrived (UDP user part or TCP user stream).
    fn notify_msg(&mut self, msg: &[u8]);
    /// Messages to piggy-back: each at most `limit - overhead` bytes in total with `overhead`
    /// charged per message.
    fn get_broadcasts(&mut self, overhead: usize, limit: usize) -> Vec<Vec<u8>>;
    /// Our state for a push/pull.
    fn local_state(&mut self, join: bool) -> Vec<u8>;
    /// A peer's state from a push/pull.
    fn merge_remote_state(&mut self, buf: &[u8], join: bool);
    /// A node joined (also fired once for ourselves at start).
    fn notify_join(&mut self, _node: &NodeInfo) {}
    /// A node left or died.
    fn notify_leave(&mut self, _node: &NodeInfo) {}
    /// A node's metadata changed.
    fn notify_update(&mut self, _node: &NodeInfo) {}
    /// An alive message about `node` is being accepted (AM counts them).
    fn notify_alive(&mut self, _node: &NodeInfo) {}
    /// A direct probe of `node` was acked after `rtt`.
    fn notify_ping_complete(&mut self, _node: &NodeInfo, _rtt: Duration) {}
}

/// Identifies a stream the core asked the driver to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StreamId(pub u64);

/// What the core wants done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send one UDP packet (already labelled/CRC'd/compressed; at most `udp_buffer_size` + headers).
    Packet {
        /// Destination.
        to: SocketAddr,
        /// Packet bytes.
        bytes: Vec<u8>,
    },
    /// Open a TCP stream to `to`, write `msg`, and if `expect_reply` read one reply message;
    /// report the result with [`Memberlist::handle_stream_reply`] (always, also on failure).
    Stream {
        /// Correlates the reply.
        id: StreamId,
        /// Destination.
        to: SocketAddr,
        /// What to send.
        msg: StreamMessage,
        /// Whether one reply must be read (push/pull, TCP ping) or not (user message).
        expect_reply: bool,
        /// Give up (and report an error) at this instant.
        deadline: Instant,
    },
}

/// Outcome of a stream the core initiated, as returned by [`Memberlist::handle_stream_reply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamOutcome {
    /// The exchange completed (push/pull merged, ping acked, user message written).
    Ok,
    /// It failed, with a reason.
    Failed(String),
}

mod node;
pub use node::Memberlist;

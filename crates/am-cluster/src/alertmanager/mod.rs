//! Alertmanager's cluster layer on top of memberlist (`cluster/` at v0.28.0: `cluster.go`,
//! `delegate.go`, `channel.go`, `advertise.go`, `clusterpb`); docs/PROTOCOL.md §3.
//!
//! [`Peer::create`] binds the transport, computes the advertise address, starts the memberlist
//! driver with an [`AmDelegate`]; [`Peer::add_state`] registers a replicated [`State`] and
//! returns its [`Channel`]; [`Peer::join`] joins and starts the reconnect/refresh tasks;
//! [`Peer::spawn_settle`] starts readiness polling.

use std::path::PathBuf;
use std::time::Duration;

pub mod addr;
pub mod advertise;
mod channel;
pub mod delegate;
pub mod membership;
pub mod metrics;
pub mod names;
mod peer;
pub mod peers;
pub mod proto;
pub mod settle;

pub use channel::{Channel, OVERSIZE_QUEUE, OVERSIZE_THRESHOLD, is_oversized};
pub use delegate::{AmDelegate, AmShared};
pub use peer::Peer;

/// Refresh interval of `--cluster.peer` resolution (`DefaultRefreshInterval`).
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_secs(15);
/// How often failed peers past `reconnect_timeout` are dropped.
pub const REMOVE_FAILED_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// How often the gossip queue is checked against [`delegate::MAX_QUEUE_SIZE`].
pub const QUEUE_PRUNE_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// UDP budget for one gossip packet (`MaxGossipPacketSize`).
pub const MAX_GOSSIP_PACKET_SIZE: usize = 1400;

/// The `--cluster.*` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerConfig {
    /// `--cluster.listen-address` (`host:port`; "" disables clustering, which the caller decides).
    pub listen: String,
    /// `--cluster.advertise-address`.
    pub advertise: Option<String>,
    /// `--cluster.peer` values (`host:port`, DNS names allowed).
    pub peers: Vec<String>,
    /// `--cluster.peer-name` (default: a ULID).
    pub peer_name: Option<String>,
    /// `--cluster.label`.
    pub label: String,
    /// `--cluster.gossip-interval` (200ms).
    pub gossip_interval: Duration,
    /// `--cluster.pushpull-interval` (60s).
    pub pushpull_interval: Duration,
    /// `--cluster.probe-interval` (1s).
    pub probe_interval: Duration,
    /// `--cluster.probe-timeout` (500ms).
    pub probe_timeout: Duration,
    /// `--cluster.tcp-timeout` (10s).
    pub tcp_timeout: Duration,
    /// `--cluster.peer-timeout` (15s; used by the notification pipeline, kept here for it).
    pub peer_timeout: Duration,
    /// `--cluster.reconnect-interval` (10s; zero disables reconnecting).
    pub reconnect_interval: Duration,
    /// `--cluster.reconnect-timeout` (6h; zero keeps failed peers forever).
    pub reconnect_timeout: Duration,
    /// `--cluster.settle-timeout` (60s).
    pub settle_timeout: Duration,
    /// `--cluster.allow-insecure-public-advertise-address-discovery`.
    pub allow_insecure_advertise: bool,
    /// `--cluster.tls-config`.
    pub tls_config: Option<PathBuf>,
}

impl Default for PeerConfig {
    fn default() -> Self {
        PeerConfig {
            listen: "0.0.0.0:9094".into(),
            advertise: None,
            peers: Vec::new(),
            peer_name: None,
            label: String::new(),
            gossip_interval: Duration::from_millis(200),
            pushpull_interval: Duration::from_secs(60),
            probe_interval: Duration::from_secs(1),
            probe_timeout: Duration::from_millis(500),
            tcp_timeout: Duration::from_secs(10),
            peer_timeout: Duration::from_secs(15),
            reconnect_interval: Duration::from_secs(10),
            reconnect_timeout: Duration::from_secs(6 * 3600),
            settle_timeout: Duration::from_secs(60),
            allow_insecure_advertise: false,
            tls_config: None,
        }
    }
}

/// A piece of replicated state (Go's `cluster.State`): silences, the notification log.
pub trait State: Send + Sync + 'static {
    /// The full state, sent in push/pull.
    fn marshal_binary(&self) -> Result<Vec<u8>, String>;
    /// Merges data received by gossip, TCP user message or push/pull.
    fn merge(&self, data: &[u8]) -> Result<(), String>;
}

/// A cluster member as the API shows it (Go's `ClusterMember`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PeerInfo {
    /// Node name.
    pub name: String,
    /// `ip:port`.
    pub address: String,
}

/// Errors of [`Peer::create`] and [`Peer::join`] (texts as upstream where operators see them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// `--cluster.listen-address` is not `host:port`.
    #[error("invalid listen address: {0}")]
    InvalidListenAddress(String),
    /// `--cluster.advertise-address` is not `host:port`.
    #[error("invalid advertise address: {0}")]
    InvalidAdvertiseAddress(String),
    /// A port is not a number (`address <addr>: invalid port: …`).
    #[error("{0}")]
    InvalidPort(String),
    /// `--cluster.peer` resolution failed.
    #[error("resolve peers: {0}")]
    ResolvePeers(String),
    /// The TLS transport could not be set up.
    #[error("tls transport: {0}")]
    Tls(String),
    /// Binding or the advertise address failed.
    #[error("create memberlist: {0}")]
    Memberlist(String),
    /// The initial join reached nobody (start-up continues; reconnect retries).
    #[error("failed to join cluster: {0}")]
    Join(String),
}

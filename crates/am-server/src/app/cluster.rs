//! The node's side of the cluster (upstream `cmd/alertmanager/main.go`'s wiring of
//! `cluster.Peer`): the silences and the notification log as gossip states `sil` and `nfl`
//! (full state for push/pull, merge with re-gossip of small blobs), their local writes
//! broadcast, and the peer as the notify pipeline's [`Peer`] and the API's [`ClusterInfo`].

use std::sync::{Arc, OnceLock};

use am_api::v2::{ClusterStatus, PeerStatus};
use am_cluster::alertmanager::{Channel, Peer as ClusterPeer, State};
use futures::future::BoxFuture;

use super::{Core, SharedClock};
use crate::api::ClusterInfo;
use crate::nflog::NflogHandle;
use crate::notify::Peer;
use crate::silence::SilencesHandle;

/// Received blobs up to this size are gossiped on after a merge that changed something
/// (upstream `cluster.OversizedMessage` = `MaxGossipPacketSize / 2`); bigger ones were already
/// sent to every member over TCP by their origin.
const REGOSSIP_MAX: usize = 700;

/// The key of the silences state (upstream `silences` registers `"sil"`).
pub const SILENCES_KEY: &str = "sil";
/// The key of the notification log state (`"nfl"`).
pub const NFLOG_KEY: &str = "nfl";

/// A clustered node's peer: position and settle for the pipeline, status for the API.
#[derive(Clone)]
pub struct ClusterNode {
    peer: ClusterPeer,
}

impl ClusterNode {
    /// Wraps a created (not yet joined) peer.
    pub fn new(peer: ClusterPeer) -> ClusterNode {
        ClusterNode { peer }
    }

    /// The wrapped peer.
    pub fn peer(&self) -> &ClusterPeer {
        &self.peer
    }

    /// Registers `sil` and `nfl` with the peer (before it joins, like upstream, so the first
    /// push/pull already carries both) and routes local writes to their channels.
    pub fn attach(&self, core: &Core) {
        let channel = self.register(SILENCES_KEY, core.silences.clone(), &core.clock);
        core.silences
            .set_broadcast(Arc::new(move |b| channel.broadcast(b)));
        let channel = self.register(NFLOG_KEY, core.nflog.clone(), &core.clock);
        core.nflog
            .set_broadcast(Arc::new(move |b| channel.broadcast(b)));
    }

    fn register<H: Replicated>(&self, key: &str, handle: H, clock: &SharedClock) -> Channel {
        let state = Arc::new(GossipState {
            handle,
            clock: Arc::clone(clock),
            channel: OnceLock::new(),
        });
        let channel = self
            .peer
            .add_state(key, Arc::clone(&state) as Arc<dyn State>);
        let _ = state.channel.set(channel.clone());
        channel
    }
}

impl Peer for ClusterNode {
    fn position(&self) -> usize {
        self.peer.position()
    }
    fn wait_ready(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.peer.wait_ready())
    }
}

impl ClusterInfo for ClusterNode {
    fn status(&self) -> Option<ClusterStatus> {
        let mut peers: Vec<PeerStatus> = self
            .peer
            .members()
            .into_iter()
            .map(|m| PeerStatus {
                address: m.address,
                name: m.name,
            })
            .collect();
        peers.sort_by(|a, b| a.name.cmp(&b.name));
        Some(ClusterStatus {
            name: self.peer.name(),
            peers,
            status: self.peer.status().to_owned(),
        })
    }
}

/// The pipeline's [`Peer`] for a node whose cluster peer is created after the node itself
/// (the peer must not accept gossip before the node's states are registered, and the states
/// live in the node's [`Core`]). Until [`DeferredPeer::set`] it acts as a single node; the
/// server sets it before it accepts alerts.
#[derive(Default)]
pub struct DeferredPeer(OnceLock<ClusterNode>);

impl DeferredPeer {
    /// Binds the created peer; later calls are ignored.
    pub fn set(&self, node: ClusterNode) {
        let _ = self.0.set(node);
    }
}

impl Peer for DeferredPeer {
    fn position(&self) -> usize {
        self.0.get().map_or(0, Peer::position)
    }
    fn wait_ready(&self) -> BoxFuture<'_, ()> {
        match self.0.get() {
            Some(node) => node.wait_ready(),
            None => Box::pin(std::future::ready(())),
        }
    }
}

/// Re-gossips `data` once per merged entry when it is small enough (upstream's
/// `Silences.Merge` / `Log.Merge` call `broadcast(b)` inside the per-entry loop).
/// Returns how many times it was sent.
fn regossip(channel: &OnceLock<Channel>, data: &[u8], merged: usize) -> usize {
    if merged == 0 || data.len() > REGOSSIP_MAX {
        return 0;
    }
    let Some(channel) = channel.get() else {
        return 0;
    };
    for _ in 0..merged {
        channel.broadcast(data.to_vec());
    }
    merged
}

/// A replicated store as the gossip layer sees it: its full state and a merge of a peer's blob.
trait Replicated: Send + Sync + 'static {
    fn full_state(&self) -> Vec<u8>;
    /// Merges `data`; returns how many entries changed the state.
    fn merge_blob(&self, data: &[u8], now: jiff::Timestamp) -> Result<usize, String>;
    /// Counts `n` re-gossiped messages in the store's propagation metric.
    fn propagated(&self, n: usize);
}

impl Replicated for SilencesHandle {
    fn full_state(&self) -> Vec<u8> {
        self.snapshot()
    }
    fn merge_blob(&self, data: &[u8], now: jiff::Timestamp) -> Result<usize, String> {
        self.merge_bytes(data, now).map_err(|e| e.to_string())
    }
    fn propagated(&self, n: usize) {
        self.count_propagated(n);
    }
}

impl Replicated for NflogHandle {
    fn full_state(&self) -> Vec<u8> {
        self.snapshot()
    }
    fn merge_blob(&self, data: &[u8], now: jiff::Timestamp) -> Result<usize, String> {
        self.merge_bytes(data, now).map_err(|e| e.to_string())
    }
    fn propagated(&self, n: usize) {
        self.count_propagated(n);
    }
}

/// A store registered with the peer under one key, with the channel its merges re-gossip on.
struct GossipState<H> {
    handle: H,
    clock: SharedClock,
    channel: OnceLock<Channel>,
}

impl<H: Replicated> State for GossipState<H> {
    fn marshal_binary(&self) -> Result<Vec<u8>, String> {
        Ok(self.handle.full_state())
    }
    fn merge(&self, data: &[u8]) -> Result<(), String> {
        let merged = self.handle.merge_blob(data, self.clock.now())?;
        let sent = regossip(&self.channel, data, merged);
        self.handle.propagated(sent);
        Ok(())
    }
}

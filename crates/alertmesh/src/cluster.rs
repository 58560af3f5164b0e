//! Starting the cluster peer from the `--cluster.*` flags (upstream `cmd/alertmanager/main.go`:
//! `cluster.Create`, `AddState`, `Join`, `Settle`) and deciding when the node is ready.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use am_cluster::alertmanager::{Peer, PeerConfig};
use am_server::app::Node;
use am_server::app::cluster::ClusterNode;
use tracing::{info, warn};

use crate::flags::ClusterFlags;

/// The peer configuration the flags describe; `None` when `--cluster.listen-address` is empty.
pub fn peer_config(flags: &ClusterFlags) -> Option<PeerConfig> {
    if flags.listen_address.is_empty() {
        return None;
    }
    Some(PeerConfig {
        listen: flags.listen_address.clone(),
        advertise: flags.advertise_address.clone().filter(|a| !a.is_empty()),
        peers: flags
            .peers
            .iter()
            .filter(|p| !p.is_empty())
            .cloned()
            .collect(),
        peer_name: Some(flags.peer_name.clone()).filter(|n| !n.is_empty()),
        label: flags.label.clone(),
        gossip_interval: flags.gossip_interval.as_duration(),
        pushpull_interval: flags.pushpull_interval.as_duration(),
        probe_interval: flags.probe_interval.as_duration(),
        probe_timeout: flags.probe_timeout.as_duration(),
        tcp_timeout: flags.tcp_timeout.as_duration(),
        peer_timeout: flags.peer_timeout.as_duration(),
        reconnect_interval: flags.reconnect_interval.as_duration(),
        reconnect_timeout: flags.reconnect_timeout.as_duration(),
        settle_timeout: flags.settle_timeout.as_duration(),
        allow_insecure_advertise: flags.allow_insecure_public_advertise,
        tls_config: Some(PathBuf::from(&flags.tls_config)).filter(|_| !flags.tls_config.is_empty()),
    })
}

/// Creates the peer (binds the cluster port, resolves `--cluster.peer`) and registers the
/// node's states `sil` and `nfl` with it before anything else can run on this task, like
/// upstream's `AddState` right after `Create`.
///
/// # Errors
/// A log-ready message (`unable to initialize gossip mesh: …`).
pub async fn create(config: PeerConfig, node: &Node) -> Result<ClusterNode, String> {
    let peer = Peer::create(config, &node.core().registry)
        .await
        .map_err(|e| format!("unable to initialize gossip mesh: {e}"))?;
    let cluster = ClusterNode::new(peer);
    cluster.attach(node.core());
    let peer = cluster.peer();
    info!(
        component = "cluster",
        peer = peer.name(),
        addr = %peer.bound_addr(),
        "cluster peer created"
    );
    Ok(cluster)
}

/// Joins the configured peers (a failure only warns, reconnects
/// continue in the background), starts the settle timer and flips `ready` once the node holds
/// the cluster's state: at once without peers, else after the first successful join (its
/// push/pull carried the full state) or when settling ends, whichever comes first.
pub async fn start(cluster: &ClusterNode, gossip_interval: Duration, ready: Arc<AtomicBool>) {
    let peer = cluster.peer().clone();
    let joined = match peer.join().await {
        Ok(()) => true,
        Err(e) => {
            warn!(
                component = "cluster",
                err = %e,
                "unable to join gossip mesh; will keep retrying in the background"
            );
            false
        }
    };
    peer.spawn_settle(gossip_interval * 10);
    if joined {
        ready.store(true, Ordering::SeqCst);
        return;
    }
    tokio::spawn(async move {
        peer.wait_ready().await;
        ready.store(true, Ordering::SeqCst);
    });
}

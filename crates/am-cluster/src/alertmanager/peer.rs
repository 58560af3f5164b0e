//! The [`Peer`] (`cluster/cluster.go` `Create`, `Join`, `AddState`, `Leave`, `Settle`,
//! `Position`, `Peers`, `reconnect`, `refresh`, `removeFailedPeers`; `delegate.go`
//! `handleQueueDepth`): wires the transport, the memberlist driver, the delegate, the channels
//! and the periodic tasks together; docs/PROTOCOL.md §3.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use am_metrics::Registry;
use tokio::sync::watch;

use super::addr::{has_nonlocal, is_any, is_unroutable, parse_ip, parse_port, split_host_port};
use super::advertise::{calculate_advertise_address, select_ip, system_interfaces};
use super::channel::{Channel, run_oversize};
use super::delegate::{AmDelegate, AmShared, node_address};
use super::membership::Membership;
use super::metrics::{ClusterMetrics, OversizeMetrics};
use super::names::default_peer_name;
use super::peers::{Resolver, SystemResolver, resolve_peers};
use super::settle::{Readiness, position, settle};
use super::{
    ClusterError, DEFAULT_REFRESH_INTERVAL, MAX_GOSSIP_PACKET_SIZE, PeerConfig, PeerInfo,
    QUEUE_PRUNE_INTERVAL, REMOVE_FAILED_INTERVAL, State,
};
use crate::driver::{Driver, DriverStats};
use crate::memberlist::{Config, Memberlist};
use crate::transport::{NetTransport, TlsTransport, Transport, load_tls_config};

/// A member of an Alertmanager cluster. Cheap to clone.
#[derive(Clone)]
pub struct Peer {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    config: PeerConfig,
    shared: Arc<AmShared>,
    ml: Arc<dyn Membership>,
    ready: Readiness,
    stop: watch::Sender<bool>,
    resolved: Vec<String>,
    registry: Registry,
    resolver: Arc<dyn Resolver>,
}

impl std::fmt::Debug for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peer")
            .field("name", &self.inner.name)
            .field("bound", &self.inner.ml.bound_addr())
            .finish_non_exhaustive()
    }
}

fn now() -> std::time::Instant {
    tokio::time::Instant::now().into_std()
}

/// Resolves when the stop flag is set (or its sender is gone).
pub(crate) async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// Runs `f` every `period` (first run after one period) until `stop` turns true.
fn spawn_periodic<F, Fut>(mut stop: watch::Receiver<bool>, period: Duration, mut f: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = stopped(&mut stop) => return,
                _ = tick.tick() => f().await,
            }
        }
    });
}

/// Joins `addrs` (`ip:port`, or `host:port` resolved now), like memberlist's `Join` with strings.
async fn join_strings(
    ml: &dyn Membership,
    res: &dyn Resolver,
    addrs: &[String],
) -> Result<usize, String> {
    let mut socks = Vec::new();
    let mut errs = Vec::new();
    for a in addrs {
        if let Ok(s) = a.parse::<SocketAddr>() {
            socks.push(s);
            continue;
        }
        let resolved = match split_host_port(a) {
            Err(e) => Err(e.to_string()),
            Ok((host, port)) => match port.parse::<u16>() {
                Err(_) => Err(format!("address {a}: invalid port")),
                Ok(port) => res.lookup_ip(&host).await.map(|ips| {
                    ips.into_iter()
                        .map(|ip| SocketAddr::new(ip, port))
                        .collect::<Vec<_>>()
                }),
            },
        };
        match resolved {
            Ok(v) if !v.is_empty() => socks.extend(v),
            Ok(_) => errs.push(format!("failed to resolve {a}: no addresses")),
            Err(e) => errs.push(format!("failed to resolve {a}: {e}")),
        }
    }
    if socks.is_empty() {
        if errs.is_empty() {
            return Ok(0);
        }
        return Err(errs.join("; "));
    }
    ml.join(socks).await
}

impl Peer {
    /// Go's `Create`: validates the addresses, resolves `--cluster.peer`, computes the advertise
    /// address, binds the transport and starts the memberlist with the Alertmanager delegate.
    /// Registers the cluster metrics on `registry`. Must run inside a tokio runtime.
    pub async fn create(config: PeerConfig, registry: &Registry) -> Result<Peer, ClusterError> {
        // memberlist refuses a label that does not fit its one-byte length header; checked
        // before anything binds.
        if config.label.len() > crate::codec::LABEL_MAX_SIZE {
            return Err(ClusterError::Memberlist(format!(
                "could not use {:?} as a label: too long (--cluster.label, {} bytes, at most {})",
                config.label,
                config.label.len(),
                crate::codec::LABEL_MAX_SIZE
            )));
        }
        let (bind_host, bind_port) = split_host_port(&config.listen)
            .map_err(|e| ClusterError::InvalidListenAddress(e.to_string()))?;
        let bind_port =
            parse_port(&config.listen, &bind_port).map_err(ClusterError::InvalidPort)?;
        let advertise_flag = config.advertise.clone().unwrap_or_default();
        let (mut adv_host, mut adv_port) = (String::new(), 0u16);
        if !advertise_flag.is_empty() {
            let (h, p) = split_host_port(&advertise_flag)
                .map_err(|e| ClusterError::InvalidAdvertiseAddress(e.to_string()))?;
            adv_port = parse_port(&advertise_flag, &p).map_err(ClusterError::InvalidPort)?;
            adv_host = h;
        }

        let resolver: Arc<dyn Resolver> = Arc::new(SystemResolver);
        let resolved = resolve_peers(&config.peers, &advertise_flag, resolver.as_ref(), true)
            .await
            .map_err(ClusterError::ResolvePeers)?;
        tracing::debug!(
            peers = resolved.join(","),
            "resolved peers to following addresses"
        );

        match calculate_advertise_address(
            &bind_host,
            &adv_host,
            config.allow_insecure_advertise,
            system_interfaces,
        ) {
            Err(err) => tracing::warn!("couldn't deduce an advertise address: {err}"),
            Ok(addr) if has_nonlocal(&resolved) && is_unroutable(&addr.to_string()) => {
                tracing::warn!(addr = %addr, "this node advertises itself on an unroutable address");
                tracing::warn!("this node will be unreachable in the cluster");
                tracing::warn!(
                    "provide --cluster.advertise-address as a routable IP address or hostname"
                );
            }
            Ok(addr) if is_any(&config.listen) && adv_host.is_empty() => {
                tracing::info!(addr = %addr, port = bind_port, "setting advertise address explicitly");
                adv_host = addr.to_string();
                adv_port = bind_port;
            }
            Ok(_) => {}
        }

        let name = match &config.peer_name {
            Some(n) if !n.is_empty() => n.clone(),
            _ => default_peer_name(),
        };
        let metrics = ClusterMetrics::register(registry, &name);
        let retransmit = (config.peers.len() / 2).max(3);
        let shared = AmShared::new(metrics, retransmit);
        let my_addr = if adv_host.is_empty() {
            config.listen.clone()
        } else {
            format!("{adv_host}:{adv_port}")
        };
        shared.book().set_initial_failed(&resolved, &my_addr, now());

        // memberlist binds all interfaces for an empty or non-IP host.
        let bind_ip = parse_ip(&bind_host).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let bind = SocketAddr::new(bind_ip, bind_port);
        let transport: Arc<dyn Transport> = match &config.tls_config {
            Some(path) => {
                tracing::info!("using TLS for gossip");
                let tls = load_tls_config(path).map_err(|e| ClusterError::Tls(e.to_string()))?;
                Arc::new(
                    TlsTransport::bind(bind, &tls, registry)
                        .await
                        .map_err(|e| ClusterError::Tls(e.to_string()))?,
                )
            }
            None => Arc::new(
                NetTransport::bind(bind)
                    .await
                    .map_err(|e| ClusterError::Memberlist(e.to_string()))?,
            ),
        };
        let bound = transport.local_addr();

        // memberlist's FinalAdvertiseAddr.
        let advertise = if !adv_host.is_empty() {
            let ip = parse_ip(&adv_host).ok_or_else(|| {
                ClusterError::Memberlist(format!("failed to parse advertise address {adv_host:?}"))
            })?;
            let port = if adv_port == 0 {
                bound.port()
            } else {
                adv_port
            };
            SocketAddr::new(ip, port)
        } else if bound.ip().is_unspecified() {
            let ip = system_interfaces()
                .ok()
                .and_then(|ifs| select_ip(&ifs, true))
                .ok_or_else(|| {
                    ClusterError::Memberlist(
                        "failed to get final advertise address: no private IP address found, and explicit IP not provided"
                            .into(),
                    )
                })?;
            SocketAddr::new(ip, bound.port())
        } else {
            bound
        };

        let mut mcfg = Config::alertmanager(name.clone(), advertise);
        mcfg.label = config.label.clone();
        mcfg.gossip_interval = config.gossip_interval;
        mcfg.push_pull_interval = config.pushpull_interval;
        mcfg.tcp_timeout = config.tcp_timeout;
        mcfg.probe_timeout = config.probe_timeout;
        mcfg.probe_interval = config.probe_interval;
        mcfg.gossip_nodes = retransmit;
        mcfg.udp_buffer_size = MAX_GOSSIP_PACKET_SIZE;
        let memberlist = Memberlist::new(
            mcfg,
            AmDelegate::new(shared.clone()),
            rand::random::<u64>(),
            now(),
        );
        let handle = Driver::spawn(memberlist, transport);
        let ml: Arc<dyn Membership> = Arc::new(handle);

        let peer = Peer::from_parts(name, config, shared, ml, resolved, registry, resolver);
        peer.register_gauges();
        let shared = peer.inner.shared.clone();
        spawn_periodic(peer.stop_rx(), QUEUE_PRUNE_INTERVAL, move || {
            let shared = shared.clone();
            async move {
                shared.prune_queue();
            }
        });
        Ok(peer)
    }

    fn from_parts(
        name: String,
        config: PeerConfig,
        shared: Arc<AmShared>,
        ml: Arc<dyn Membership>,
        resolved: Vec<String>,
        registry: &Registry,
        resolver: Arc<dyn Resolver>,
    ) -> Peer {
        Peer {
            inner: Arc::new(Inner {
                name,
                config,
                shared,
                ml,
                ready: Readiness::new(),
                stop: watch::channel(false).0,
                resolved,
                registry: registry.clone(),
                resolver,
            }),
        }
    }

    fn stop_rx(&self) -> watch::Receiver<bool> {
        self.inner.stop.subscribe()
    }

    /// Registers the scrape-time gauges. They hold only a weak reference, so that dropping
    /// every [`Peer`] clone lets the driver stop.
    fn register_gauges(&self) {
        let reg = &self.inner.registry;
        let gauge = |name: &str, help: &str, f: fn(&Inner) -> f64| {
            let w = Arc::downgrade(&self.inner);
            reg.gauge_fn(name, help, move || w.upgrade().map_or(0.0, |i| f(&i)));
        };
        gauge(
            "alertmanager_cluster_members",
            "Number indicating current number of members in cluster.",
            |i| i.ml.num_members() as f64,
        );
        gauge(
            "alertmanager_cluster_failed_peers",
            "Number indicating the current number of failed peers in the cluster.",
            |i| i.shared.book().failed_len() as f64,
        );
        gauge(
            "alertmanager_cluster_health_score",
            "Health score of the cluster. Lower values are better and zero means 'totally healthy'.",
            |i| i.ml.health_score() as f64,
        );
        gauge(
            "alertmanager_peer_position",
            "Position the Alertmanager instance believes it's in. The position determines a peer's behavior in the cluster.",
            |i| {
                let members = i.ml.members();
                position(members.iter().map(|n| n.name.as_str()), &i.name) as f64
            },
        );
        gauge(
            "alertmanager_cluster_messages_queued",
            "Number of cluster messages which are queued.",
            |i| i.shared.queued() as f64,
        );
        // alertmesh's own: what the bounded queues and the decoders dropped (upstream only
        // logs these).
        let counter = |name: &str, help: &str, f: fn(&DriverStats) -> u64| {
            let w = Arc::downgrade(&self.inner);
            reg.counter_fn(name, help, move || {
                w.upgrade().map_or(0.0, |i| f(&i.ml.stats()) as f64)
            });
        };
        counter(
            "alertmesh_cluster_packets_dropped_total",
            "UDP packets dropped before processing: oversized or the receive queue was full.",
            |s| s.packets_dropped,
        );
        counter(
            "alertmesh_cluster_packets_malformed_total",
            "UDP packets discarded for a wrong label, a bad checksum or undecodable content.",
            |s| s.packets_malformed,
        );
        counter(
            "alertmesh_cluster_streams_dropped_total",
            "Incoming TCP streams closed because too many push/pulls were running.",
            |s| s.streams_dropped,
        );
        counter(
            "alertmesh_cluster_streams_malformed_total",
            "Incoming TCP streams that could not be decoded.",
            |s| s.streams_malformed,
        );
        counter(
            "alertmesh_cluster_streams_failed_total",
            "Outgoing TCP streams (push/pull, reliable messages, TCP pings) that failed.",
            |s| s.streams_failed,
        );
    }

    /// Go's `AddState`: registers `state` under `key` (call before [`Peer::join`] so that the
    /// first push/pull carries it) and returns the channel for its broadcasts. Spawns the key's
    /// oversize sender, so it must be called inside a tokio runtime.
    pub fn add_state(&self, key: &str, state: Arc<dyn State>) -> Channel {
        self.inner.shared.add_state(key, state);
        let metrics = OversizeMetrics::register(&self.inner.registry, key);
        let (ch, rx) = Channel::new(key, self.inner.shared.clone(), metrics.clone());
        tokio::spawn(run_oversize(
            key.to_string(),
            rx,
            self.inner.ml.clone(),
            self.inner.name.clone(),
            metrics,
            self.stop_rx(),
        ));
        ch
    }

    /// Go's `Join`: joins the resolved `--cluster.peer` addresses and starts the reconnect,
    /// failed-peer removal and refresh tasks. A failed join is returned (callers log it as a
    /// warning, like Alertmanager) but the tasks run anyway and retry.
    pub async fn join(&self) -> Result<(), ClusterError> {
        let inner = &self.inner;
        let result = if inner.resolved.is_empty() {
            Ok(0)
        } else {
            join_strings(inner.ml.as_ref(), inner.resolver.as_ref(), &inner.resolved).await
        };
        let reconnect = inner.config.reconnect_interval;
        let result = match result {
            Ok(n) => {
                tracing::debug!(peers = n, "joined cluster");
                Ok(())
            }
            Err(err) => {
                tracing::warn!(%err, "failed to join cluster");
                if !reconnect.is_zero() {
                    tracing::info!("will retry joining cluster every {reconnect:?}");
                }
                Err(ClusterError::Join(err))
            }
        };
        if !reconnect.is_zero() {
            let p = self.clone();
            spawn_periodic(self.stop_rx(), reconnect, move || {
                let p = p.clone();
                async move { p.reconnect().await }
            });
        }
        let timeout = inner.config.reconnect_timeout;
        if !timeout.is_zero() {
            let shared = inner.shared.clone();
            spawn_periodic(self.stop_rx(), REMOVE_FAILED_INTERVAL, move || {
                let shared = shared.clone();
                async move {
                    for p in shared.book().remove_failed(timeout, now()) {
                        tracing::debug!(
                            peer = p.name,
                            addr = p.address,
                            "failed peer has timed out"
                        );
                    }
                }
            });
        }
        let p = self.clone();
        spawn_periodic(self.stop_rx(), DEFAULT_REFRESH_INTERVAL, move || {
            let p = p.clone();
            async move { p.refresh().await }
        });
        result
    }

    /// A join attempt to one address (an IP or a name to resolve).
    async fn join_one(&self, addr: &str) -> Result<usize, String> {
        let inner = &self.inner;
        join_strings(
            inner.ml.as_ref(),
            inner.resolver.as_ref(),
            &[addr.to_owned()],
        )
        .await
    }

    /// One reconnect round: a join attempt per failed peer.
    async fn reconnect(&self) {
        let failed = self.inner.shared.book().failed_addresses();
        let m = self.inner.shared.metrics();
        for addr in failed {
            match self.join_one(&addr).await {
                Ok(_) => {
                    m.reconnections.inc();
                    tracing::debug!(addr, "reconnect success");
                }
                Err(err) => {
                    m.reconnections_failed.inc();
                    tracing::debug!(addr, %err, "reconnect failure");
                }
            }
        }
    }

    /// One refresh round: re-resolve `--cluster.peer` and join addresses that are not members.
    async fn refresh(&self) {
        let inner = &self.inner;
        // Go passes its never-set `advertiseAddr` field here, i.e. "".
        let resolved =
            match resolve_peers(&inner.config.peers, "", inner.resolver.as_ref(), false).await {
                Ok(r) => r,
                Err(err) => {
                    tracing::debug!(%err, peers = ?inner.config.peers, "refresh");
                    return;
                }
            };
        let members: Vec<String> = inner
            .ml
            .members()
            .iter()
            .map(|n| node_address(n.addr))
            .collect();
        let m = inner.shared.metrics();
        for addr in resolved {
            if members.contains(&addr) {
                continue;
            }
            match self.join_one(&addr).await {
                Ok(_) => {
                    m.refresh_join.inc();
                    tracing::debug!(addr, "refresh success");
                }
                Err(err) => {
                    m.refresh_join_failed.inc();
                    tracing::warn!(addr, %err, "refresh failure");
                }
            }
        }
    }

    /// Go's `Settle(ctx with --cluster.settle-timeout, interval)` in a background task.
    pub fn spawn_settle(&self, interval: Duration) {
        let ml = self.inner.ml.clone();
        let ready = self.inner.ready.clone();
        let deadline = tokio::time::Instant::now() + self.inner.config.settle_timeout;
        tokio::spawn(async move {
            settle(|| ml.members().len(), interval, deadline, &ready).await;
        });
    }

    /// Whether settling has finished.
    pub fn ready(&self) -> bool {
        self.inner.ready.is_ready()
    }

    /// `"ready"` or `"settling"`.
    pub fn status(&self) -> &'static str {
        self.inner.ready.status()
    }

    /// Resolves once settling has finished (Go's `WaitReady`; wrap it in a timeout for a
    /// context deadline).
    pub fn wait_ready(&self) -> impl Future<Output = ()> + Send + '_ {
        self.inner.ready.wait()
    }

    /// Our index among the members sorted by name (Go's `Position`).
    pub fn position(&self) -> usize {
        let members = self.inner.ml.members();
        position(members.iter().map(|n| n.name.as_str()), &self.inner.name)
    }

    /// This node's name.
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// Alive and suspect members, ourselves included (Go's `Peers`).
    pub fn members(&self) -> Vec<PeerInfo> {
        self.inner
            .ml
            .members()
            .into_iter()
            .map(|n| PeerInfo {
                address: node_address(n.addr),
                name: n.name,
            })
            .collect()
    }

    /// Number of alive and suspect members (Go's `ClusterSize`).
    pub fn cluster_size(&self) -> usize {
        self.inner.ml.num_members()
    }

    /// The address the transport is bound to.
    pub fn bound_addr(&self) -> SocketAddr {
        self.inner.ml.bound_addr()
    }

    /// Go's `Leave`: stops the periodic tasks and oversize senders, then leaves the cluster,
    /// waiting at most `timeout`.
    pub async fn leave(&self, timeout: Duration) {
        self.inner.stop.send_replace(true);
        tracing::debug!("leaving cluster");
        self.inner.ml.leave(timeout).await;
    }
}

#[cfg(test)]
#[path = "peer_tests.rs"]
mod tests;

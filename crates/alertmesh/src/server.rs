//! Starting the node and its HTTP listeners from the command line: flags → [`AppOptions`] and
//! [`ApiOptions`], one listener per `--web.listen-address`, the reload hook for
//! `POST /-/reload` and SIGHUP.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use am_api::v2::VersionInfo;
use am_server::api::{self, ApiOptions, BoxFuture, ClusterInfo, NoCluster, Reloader};
use am_server::app::cluster::{ClusterNode, DeferredPeer};
use am_server::app::{self, AppOptions, Node};
use am_server::clock::SystemClock;
use am_server::metrics::Registry;
use am_server::notify::{Peer, SingleNode};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::{error, info};

use crate::build_info;
use crate::flags::{Features, Flags};
use crate::startup_config::{ConfigSource, LoadedConfig, matcher_mode};
use crate::web_url::WebUrls;

/// A running server: the node, its HTTP servers and the way to stop them.
pub struct Server {
    /// The node.
    pub node: Arc<Node>,
    cluster: Option<ClusterNode>,
    http_stop: CancellationToken,
    http: tokio::task::JoinSet<()>,
}

/// Reloads from the configuration source (`POST /-/reload`, SIGHUP).
pub struct SourceReloader {
    source: ConfigSource,
    features: Features,
    node: std::sync::OnceLock<Arc<Node>>,
}

impl SourceReloader {
    /// Loads the configuration again and applies it; errors are logged and returned.
    pub async fn reload(&self) -> Result<(), String> {
        let Some(node) = self.node.get() else {
            return Err("server is starting".to_owned());
        };
        let loaded = crate::lifecycle::load_config(&self.source, &self.features)
            .await
            .ok_or_else(|| "configuration file could not be loaded (see the log)".to_owned())?;
        let loaded = loaded.map_err(|errors| errors.join("; "))?;
        node.apply_config(loaded.config).await.inspect_err(|e| {
            error!(component = "configuration", err = %e, "reload failed");
        })
    }
}

impl Reloader for SourceReloader {
    fn reload(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(SourceReloader::reload(self))
    }
}

fn version_info() -> VersionInfo {
    VersionInfo {
        branch: build_info::BRANCH.to_owned(),
        build_date: build_info::BUILD_DATE.to_owned(),
        build_user: build_info::BUILD_USER.to_owned(),
        go_version: build_info::RUST_VERSION.to_owned(),
        revision: build_info::REVISION.to_owned(),
        version: build_info::VERSION.to_owned(),
    }
}

fn to_usize(v: i64) -> usize {
    usize::try_from(v).unwrap_or(0)
}

/// Starts the node and binds every web listen address.
///
/// # Errors
/// A listener that cannot be bound or a runtime that cannot be built, as a log-ready message.
pub async fn start(
    flags: &Flags,
    features: &Features,
    urls: &WebUrls,
    loaded: LoadedConfig,
) -> Result<(Server, Arc<SourceReloader>), String> {
    let parse_mode = matcher_mode(features);
    let opts = AppOptions {
        storage_path: flags.storage_path.clone().into(),
        retention: flags.data_retention.as_duration(),
        maintenance_interval: flags.data_maintenance_interval.as_duration(),
        max_silences: to_usize(flags.silences_max_silences),
        max_silence_size_bytes: to_usize(flags.silences_max_silence_size_bytes),
        alerts_gc_interval: flags.alerts_gc_interval.as_duration(),
        per_alertname_limit: to_usize(flags.alerts_per_alertname_limit),
        dispatch_maintenance_interval: flags.dispatch_maintenance_interval.as_duration(),
        dispatch_start_delay: flags.dispatch_start_delay.as_duration(),
        peer_timeout: flags.cluster.peer_timeout.as_duration(),
        cluster_enabled: !flags.cluster.listen_address.is_empty(),
        external_url: urls.external_url.clone(),
        parse_mode,
        version: build_info::VERSION.to_owned(),
        http_transport: None,
    };
    let registry = Registry::new();
    registry.register_process_metrics();
    registry.register_build_info(
        "alertmanager",
        &am_server::metrics::BuildInfo {
            version: build_info::VERSION.to_owned(),
            revision: build_info::REVISION.to_owned(),
            branch: build_info::BRANCH.to_owned(),
            build_user: build_info::BUILD_USER.to_owned(),
            build_date: build_info::BUILD_DATE.to_owned(),
            go_version: build_info::RUST_VERSION.to_owned(),
            goos: std::env::consts::OS.to_owned(),
            goarch: std::env::consts::ARCH.to_owned(),
        },
    );
    let reloader = Arc::new(SourceReloader {
        source: loaded.source.clone(),
        features: features.clone(),
        node: std::sync::OnceLock::new(),
    });
    let cluster_config = crate::cluster::peer_config(&flags.cluster);
    let deferred = cluster_config
        .as_ref()
        .map(|_| Arc::new(DeferredPeer::default()));
    let peer: Arc<dyn Peer> = match &deferred {
        Some(d) => Arc::clone(d) as Arc<dyn Peer>,
        None => Arc::new(SingleNode),
    };
    let node = Node::start(opts, loaded.config, Arc::new(SystemClock), peer, registry).await?;
    let _ = reloader.node.set(Arc::clone(&node));
    // The peer starts listening only now, and registers the node's states right away, so no
    // gossip arrives for a state that does not exist yet.
    let cluster = match (cluster_config, &deferred) {
        (Some(config), Some(deferred)) => {
            let cluster = crate::cluster::create(config, &node).await?;
            deferred.set(cluster.clone());
            Some(cluster)
        }
        _ => None,
    };

    let timeout = flags.web.timeout.as_duration();
    let api_options = ApiOptions {
        route_prefix: api::normalize_route_prefix(&urls.route_prefix),
        get_concurrency: to_usize(flags.web.get_concurrency),
        timeout: (!timeout.is_zero()).then_some(timeout),
        label_names: app::label_names(parse_mode),
        matcher_mode: parse_mode,
        ..ApiOptions::default()
    };
    let ready = Arc::new(AtomicBool::new(false));
    let deps = app::api_deps(
        &node,
        api_options,
        Arc::clone(&reloader) as Arc<dyn Reloader>,
        match &cluster {
            Some(c) => Arc::new(c.clone()) as Arc<dyn ClusterInfo>,
            None => Arc::new(NoCluster),
        },
        Arc::clone(&ready),
        version_info(),
    );
    let router = api::router(deps);
    let http_stop = CancellationToken::new();
    let mut http = tokio::task::JoinSet::new();
    for address in &flags.web.listen_addresses {
        let listener = bind_web(address).await?;
        let local = listener
            .local_addr()
            .map_or_else(|_| address.clone(), |a| a.to_string());
        info!(address = local, "Listening on");
        let stop = http_stop.clone();
        let router = router.clone();
        http.spawn(async move {
            let shutdown = async move { stop.cancelled().await };
            if let Err(e) = api::serve(listener, router, shutdown).await {
                error!(err = %e, "HTTP server stopped");
            }
        });
    }
    match &cluster {
        Some(c) => {
            crate::cluster::start(
                c,
                flags.cluster.gossip_interval.as_duration(),
                Arc::clone(&ready),
            )
            .await;
        }
        None => ready.store(true, Ordering::SeqCst),
    }
    Ok((
        Server {
            node,
            cluster,
            http_stop,
            http,
        },
        reloader,
    ))
}

/// Binds a `--web.listen-address` the way Go's `net.Listen("tcp", …)` reads it: an empty host
/// (`:9093`, the default) means every interface, IPv6 and IPv4 (`[::]`, falling back to
/// `0.0.0.0` where IPv6 is unavailable).
async fn bind_web(address: &str) -> Result<TcpListener, String> {
    let err = |e: std::io::Error| format!("listen tcp {address}: {e}");
    match address.strip_prefix(':') {
        Some(port) if !port.contains(':') => {
            match TcpListener::bind(format!("[::]:{port}")).await {
                Ok(l) => Ok(l),
                Err(_) => TcpListener::bind(format!("0.0.0.0:{port}"))
                    .await
                    .map_err(err),
            }
        }
        _ => TcpListener::bind(address).await.map_err(err),
    }
}

impl Server {
    /// Stops accepting requests, lets in-flight ones finish, then shuts the node down.
    pub async fn stop(mut self) {
        self.http_stop.cancel();
        while self.http.join_next().await.is_some() {}
        self.node.shutdown().await;
        if let Some(c) = self.cluster {
            // Like upstream's deferred `peer.Leave(10 * time.Second)`: peers record us as left
            // at once instead of suspecting us for seconds.
            c.peer().leave(Duration::from_secs(10)).await;
        }
    }
}

//! Readiness of a clustered node (alertmesh's promise beyond upstream, whose `/-/ready` is 200
//! as soon as the API listens): `/-/ready` answers 503 and the cluster status is `settling`
//! until the node holds the cluster's state; a node without peers is ready at once.

use std::time::Duration;

use am_testkit::cluster::{free_cluster_port, metric_sum, wait_until};
use am_testkit::server::{Server, ServerOptions, minimal_config};
use am_testkit::{Flavor, flavor_available};

fn start(extra: &[String], ready_path: &str) -> Option<Server> {
    if !flavor_available(Flavor::Alertmesh) {
        return None;
    }
    let port = free_cluster_port().expect("cluster port");
    let opts = ServerOptions {
        cluster_listen: Some(format!("127.0.0.1:{port}")),
        extra_args: extra.to_vec(),
        ready_path: ready_path.into(),
        ..ServerOptions::default()
    };
    Some(Server::start_with(Flavor::Alertmesh, &minimal_config(), &opts).expect("start alertmesh"))
}

fn cluster_status(server: &Server) -> String {
    let body = server
        .client()
        .get("/api/v2/status")
        .expect("status")
        .json()
        .expect("json");
    body["cluster"]["status"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn unreachable_peers_keep_the_node_unready_until_settled() {
    // Nothing listens on the peer's port, so the join fails and only the end of settling
    // (5 polls of 10 × 100 ms, so at least 5 s after the start) makes the node ready.
    let dead_peer = free_cluster_port().expect("port");
    let extra = vec![
        format!("--cluster.peer=127.0.0.1:{dead_peer}"),
        "--cluster.gossip-interval=100ms".to_owned(),
        "--cluster.reconnect-interval=1h".to_owned(),
    ];
    let Some(server) = start(&extra, "/-/healthy") else {
        return;
    };
    let client = server.client();
    let first = client.get("/-/ready").expect("ready");
    let elapsed = server.started().elapsed();
    if elapsed < Duration::from_secs(4) {
        assert_eq!(first.status, 503, "not ready {elapsed:?} after the start");
        assert_eq!(cluster_status(&server), "settling");
    }
    wait_until(
        Duration::from_secs(60),
        "ready after settling",
        || match client.get("/-/ready") {
            Ok(r) if r.status == 200 => Ok(()),
            Ok(r) => Err(format!("status {}", r.status)),
            Err(e) => Err(e.to_string()),
        },
    )
    .unwrap_or_else(|e| panic!("{e}\n{}", server.stderr()));
    assert!(
        server.started().elapsed() >= Duration::from_secs(5),
        "ready before settling could end"
    );
    assert_eq!(cluster_status(&server), "ready");
    assert!(
        server.stderr().contains("unable to join gossip mesh"),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_node_without_peers_is_ready_at_once_and_reports_itself() {
    let extra = vec!["--cluster.gossip-interval=1s".to_owned()];
    // The launcher waits for /-/ready: settling alone would take ≥ 50 s at this interval.
    let Some(server) = start(&extra, "/-/ready") else {
        return;
    };
    assert!(
        server.started().elapsed() < Duration::from_secs(40),
        "a lone node must not wait for settling"
    );
    let status = server
        .client()
        .get("/api/v2/status")
        .expect("status")
        .json()
        .expect("json");
    let peers = status["cluster"]["peers"].as_array().expect("peers");
    assert_eq!(peers.len(), 1, "{status}");
    assert_eq!(peers[0]["name"], status["cluster"]["name"]);
    let metrics = server.client().get("/metrics").expect("metrics").text();
    assert_eq!(
        metric_sum(&metrics, "alertmanager_cluster_enabled", &[]),
        Some(1.0)
    );
    assert_eq!(
        metric_sum(&metrics, "alertmanager_cluster_members", &[]),
        Some(1.0)
    );
    assert_eq!(
        metric_sum(&metrics, "alertmanager_peer_position", &[]),
        Some(0.0)
    );
}

/// `--cluster.peer` takes host names: `localhost:<port>` is resolved (to 127.0.0.1, and ::1
/// where nothing listens, which must not matter) and joined.
#[test]
fn peers_given_by_host_name_are_resolved_and_joined() {
    let Some(first) = start(&[], "/-/ready") else {
        return;
    };
    let first_status = first
        .client()
        .get("/api/v2/status")
        .expect("status")
        .json()
        .expect("json");
    let first_addr = first_status["cluster"]["peers"][0]["address"]
        .as_str()
        .expect("own address")
        .to_owned();
    let port = first_addr.rsplit_once(':').expect("host:port").1;
    let Some(second) = start(&[format!("--cluster.peer=localhost:{port}")], "/-/ready") else {
        return;
    };
    for server in [&first, &second] {
        wait_until(Duration::from_secs(30), "both nodes listed", || {
            let status = server
                .client()
                .get("/api/v2/status")
                .map_err(|e| e.to_string())?
                .json()?;
            match status["cluster"]["peers"].as_array().map(Vec::len) {
                Some(2) => Ok(()),
                n => Err(format!("{n:?} peers")),
            }
        })
        .unwrap_or_else(|e| panic!("{e}\n{}\n{}", first.stderr(), second.stderr()));
    }
}

//! End-to-end tests of `am_cluster::alertmanager::Peer` on loopback: two peers with real UDP/TCP
//! sockets join, exchange full state by push/pull, a small update by UDP gossip and a large one
//! (> 700 bytes encoded) by a TCP user message, then one leaves.

use std::sync::Arc;
use std::time::Duration;

use am_cluster::alertmanager::{ClusterError, Peer, PeerConfig, State};
use tokio::sync::mpsc;

/// A state that reports every merge on a channel and marshals to a fixed blob.
struct Probe {
    full: Vec<u8>,
    merged: mpsc::UnboundedSender<Vec<u8>>,
}

impl State for Probe {
    fn marshal_binary(&self) -> Result<Vec<u8>, String> {
        Ok(self.full.clone())
    }
    fn merge(&self, data: &[u8]) -> Result<(), String> {
        let _ = self.merged.send(data.to_vec());
        Ok(())
    }
}

/// A probe state marshalling to `full`, and the receiving end of its merges.
fn probe(full: &[u8]) -> (Arc<Probe>, mpsc::UnboundedReceiver<Vec<u8>>) {
    let (merged, rx) = mpsc::unbounded_channel();
    let full = full.to_vec();
    (Arc::new(Probe { full, merged }), rx)
}

fn config(peers: Vec<String>) -> PeerConfig {
    PeerConfig {
        listen: "127.0.0.1:0".into(),
        peers,
        gossip_interval: Duration::from_millis(50),
        probe_interval: Duration::from_millis(200),
        probe_timeout: Duration::from_millis(100),
        pushpull_interval: Duration::from_secs(30),
        tcp_timeout: Duration::from_secs(2),
        settle_timeout: Duration::from_secs(5),
        ..PeerConfig::default()
    }
}

/// Waits for the next merged blob satisfying `pred`.
async fn next_merge(
    rx: &mut mpsc::UnboundedReceiver<Vec<u8>>,
    pred: impl Fn(&[u8]) -> bool,
) -> Vec<u8> {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let got = rx.recv().await.expect("state dropped");
            if pred(&got) {
                return got;
            }
        }
    })
    .await
    .expect("merge did not arrive in time")
}

async fn until(what: &str, f: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn metric_value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Asserts that each series has exactly the wanted value in `reg`'s exposition.
fn assert_metrics(reg: &am_metrics::Registry, want: &[(&str, f64)]) {
    let text = reg.encode();
    for (series, value) in want {
        assert_eq!(metric_value(&text, series), Some(*value), "{series}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_peers_exchange_state() {
    let reg_a = am_metrics::Registry::new();
    let a = Peer::create(config(vec![]), &reg_a).await.unwrap();
    let (state_a, mut rx_a) = probe(b"A-full");
    let ch_a = a.add_state("sil", state_a);
    a.join().await.unwrap();
    assert_eq!(a.members().len(), 1);
    assert_eq!(a.position(), 0);

    let reg_b = am_metrics::Registry::new();
    let b = Peer::create(config(vec![a.bound_addr().to_string()]), &reg_b)
        .await
        .unwrap();
    let (state_b, mut rx_b) = probe(b"B-full");
    let _ch_b = b.add_state("sil", state_b);
    // Before joining, A's bound address is a failed peer to reconnect to.
    assert_metrics(&reg_b, &[("alertmanager_cluster_failed_peers", 1.0)]);
    b.join().await.unwrap();

    // The join's push/pull carried both full states.
    assert_eq!(next_merge(&mut rx_b, |d| d == b"A-full").await, b"A-full");
    assert_eq!(next_merge(&mut rx_a, |d| d == b"B-full").await, b"B-full");
    until("both members", || {
        a.members().len() == 2 && b.members().len() == 2
    })
    .await;
    let names: Vec<String> = b.members().into_iter().map(|m| m.name).collect();
    assert!(names.contains(&a.name()) && names.contains(&b.name()));
    assert_ne!(a.name(), b.name());
    let addr_a = a.bound_addr().to_string();
    assert!(b.members().iter().any(|m| m.address == addr_a));
    let mut positions = [a.position(), b.position()];
    positions.sort();
    assert_eq!(positions, [0, 1]);
    assert_metrics(
        &reg_b,
        &[
            ("alertmanager_cluster_failed_peers", 0.0),
            ("alertmanager_cluster_members", 2.0),
        ],
    );

    // Small update: UDP gossip.
    ch_a.broadcast(b"small-update".to_vec());
    assert_eq!(
        next_merge(&mut rx_b, |d| d == b"small-update").await,
        b"small-update"
    );

    // Large update: TCP user message.
    let big = vec![b'x'; 1500];
    ch_a.broadcast(big.clone());
    assert_eq!(next_merge(&mut rx_b, |d| d.len() == 1500).await, big);
    assert_metrics(
        &reg_a,
        &[
            (
                "alertmanager_oversized_gossip_message_sent_total{key=\"sil\"}",
                1.0,
            ),
            (
                "alertmanager_oversized_gossip_message_failure_total{key=\"sil\"}",
                0.0,
            ),
        ],
    );
    assert!(
        metric_value(
            &reg_a.encode(),
            "alertmanager_cluster_messages_sent_total{msg_type=\"update\"}"
        )
        .unwrap()
            >= 1.0
    );

    // Settling: two stable members → ready.
    assert_eq!(b.status(), "settling");
    b.spawn_settle(Duration::from_millis(20));
    tokio::time::timeout(Duration::from_secs(5), b.wait_ready())
        .await
        .unwrap();
    assert!(b.ready());
    assert_eq!(b.status(), "ready");

    // A leaves gracefully; B drops it and books it as failed.
    a.leave(Duration::from_secs(2)).await;
    until("A gone from B", || b.members().len() == 1).await;
    assert_metrics(
        &reg_b,
        &[
            ("alertmanager_cluster_failed_peers", 1.0),
            ("alertmanager_cluster_peers_left_total", 1.0),
        ],
    );
}

#[tokio::test]
async fn metrics_are_registered_with_upstream_names() {
    let reg = am_metrics::Registry::new();
    let p = Peer::create(
        PeerConfig {
            peer_name: Some("fixed-name".into()),
            ..config(vec![])
        },
        &reg,
    )
    .await
    .unwrap();
    p.add_state("nfl", probe(b"").0);
    assert_eq!(p.name(), "fixed-name");
    let text = reg.encode();
    for series in [
        "alertmanager_cluster_peer_info{peer=\"fixed-name\"} 1",
        "alertmanager_cluster_members 1",
        "alertmanager_cluster_failed_peers 0",
        "alertmanager_cluster_health_score 0",
        "alertmanager_peer_position 0",
        "alertmanager_cluster_messages_queued 0",
        "alertmanager_cluster_messages_received_total{msg_type=\"full_state\"} 0",
        "alertmanager_cluster_messages_received_size_total{msg_type=\"update\"} 0",
        "alertmanager_cluster_messages_sent_total{msg_type=\"full_state\"} 0",
        "alertmanager_cluster_messages_sent_size_total{msg_type=\"update\"} 0",
        "alertmanager_cluster_peers_joined_total 1",
        "alertmanager_oversized_gossip_message_dropped_total{key=\"nfl\"} 0",
    ] {
        assert!(
            text.lines().any(|l| l == series),
            "missing {series}\n{text}"
        );
    }
    for family in [
        "alertmanager_cluster_messages_pruned_total",
        "alertmanager_cluster_reconnections_total",
        "alertmanager_cluster_reconnections_failed_total",
        "alertmanager_cluster_refresh_join_total",
        "alertmanager_cluster_refresh_join_failed_total",
        "alertmanager_cluster_peers_left_total",
        "alertmanager_cluster_peers_update_total",
        "alertmanager_oversize_gossip_message_duration_seconds",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family} ")),
            "missing {family}"
        );
    }
}

#[tokio::test]
async fn create_rejects_bad_addresses() {
    let reg = am_metrics::Registry::new();
    let err = |listen: &str, adv: Option<&str>, peers: Vec<String>| {
        let cfg = PeerConfig {
            listen: listen.into(),
            advertise: adv.map(str::to_string),
            ..config(peers)
        };
        let reg = reg.clone();
        async move { Peer::create(cfg, &reg).await.unwrap_err() }
    };
    let e = err("nope", None, vec![]).await;
    assert!(matches!(e, ClusterError::InvalidListenAddress(_)));
    assert_eq!(
        e.to_string(),
        "invalid listen address: address nope: missing port in address"
    );
    assert_eq!(
        err("127.0.0.1:abc", None, vec![]).await.to_string(),
        "address 127.0.0.1:abc: invalid port: strconv.Atoi: parsing \"abc\": invalid syntax"
    );
    assert_eq!(
        err("127.0.0.1:0", Some("10.0.0.1"), vec![])
            .await
            .to_string(),
        "invalid advertise address: address 10.0.0.1: missing port in address"
    );
    assert_eq!(
        err("127.0.0.1:0", None, vec!["no-port".into()])
            .await
            .to_string(),
        "resolve peers: split host/port for peer no-port: address no-port: missing port in address"
    );
    // A hostname advertise address cannot be announced by memberlist.
    assert!(
        err("127.0.0.1:0", Some("am.invalid:9094"), vec![])
            .await
            .to_string()
            .starts_with("create memberlist: failed to parse advertise address")
    );
    // A label longer than memberlist's one-byte length header is refused up front (memberlist
    // 0.5 `Create`), not turned into a node that silently sends nothing.
    let long = PeerConfig {
        label: "x".repeat(256),
        ..config(vec![])
    };
    let e = Peer::create(long, &reg).await.unwrap_err().to_string();
    assert!(e.contains("as a label: too long"), "{e}");
    let max = PeerConfig {
        label: "x".repeat(255),
        ..config(vec![])
    };
    Peer::create(max, &reg)
        .await
        .expect("a 255-byte label is fine");
}

#[tokio::test]
async fn explicit_advertise_and_failed_join() {
    let reg = am_metrics::Registry::new();
    // Nobody listens on the peer address: join fails, start-up continues.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_addr = dead.local_addr().unwrap().to_string();
    drop(dead);
    let p = Peer::create(
        PeerConfig {
            advertise: Some("127.0.0.1:0".into()),
            reconnect_interval: Duration::ZERO,
            ..config(vec![dead_addr])
        },
        &reg,
    )
    .await
    .unwrap();
    let e = p.join().await.unwrap_err();
    assert!(matches!(e, ClusterError::Join(_)), "{e}");
    // Advertise port 0 means the bound port.
    let me = &p.members()[0];
    assert_eq!(me.address, p.bound_addr().to_string());
    p.leave(Duration::from_millis(100)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_packets_are_dropped_and_counted() {
    let reg = am_metrics::Registry::new();
    let p = Peer::create(config(vec![]), &reg).await.unwrap();
    p.add_state("sil", probe(b"").0);
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // An unknown message type, a compound announcing more parts than it holds, and a CRC
    // packet whose checksum is wrong.
    for packet in [
        &[200u8, 1, 2][..],
        &[7, 3, 0, 9],
        &[12, 0, 0, 0, 0, 0, 1, 2],
    ] {
        sock.send_to(packet, p.bound_addr()).await.unwrap();
    }
    until("three malformed packets counted", || {
        metric_value(&reg.encode(), "alertmesh_cluster_packets_malformed_total")
            .is_some_and(|v| v >= 3.0)
    })
    .await;
    assert_metrics(
        &reg,
        &[
            ("alertmesh_cluster_packets_dropped_total", 0.0),
            ("alertmesh_cluster_streams_malformed_total", 0.0),
            ("alertmanager_cluster_members", 1.0),
        ],
    );
}

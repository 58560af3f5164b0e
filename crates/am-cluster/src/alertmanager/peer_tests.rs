//! Tests of the peer's periodic tasks against a fake membership, on tokio's paused clock.

use std::collections::HashSet;
use std::time::Duration;

use futures::future::BoxFuture;
use parking_lot::Mutex;

use super::*;
use crate::alertmanager::membership::alive_node;
use crate::memberlist::NodeInfo;

struct Fake {
    members: Mutex<Vec<(String, SocketAddr)>>,
    reachable: HashSet<SocketAddr>,
    joins: Mutex<Vec<SocketAddr>>,
    left: Mutex<bool>,
}

impl Membership for Fake {
    fn join(&self, addrs: Vec<SocketAddr>) -> BoxFuture<'_, Result<usize, String>> {
        Box::pin(async move {
            self.joins.lock().extend(addrs.iter().copied());
            let ok = addrs.iter().filter(|a| self.reachable.contains(a)).count();
            if ok == 0 {
                Err("connection refused".into())
            } else {
                Ok(ok)
            }
        })
    }
    fn send_reliable(&self, _node: String, _msg: Vec<u8>) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
    fn members(&self) -> Vec<NodeInfo> {
        self.members
            .lock()
            .iter()
            .map(|(name, addr)| alive_node(name, *addr))
            .collect()
    }
    fn num_members(&self) -> usize {
        self.members.lock().len()
    }
    fn health_score(&self) -> usize {
        0
    }
    fn leave(&self, _timeout: Duration) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            *self.left.lock() = true;
        })
    }
    fn bound_addr(&self) -> SocketAddr {
        "10.0.0.9:9094".parse().unwrap()
    }
}

fn sa(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn setup(peers: &[&str], cfg: PeerConfig) -> (Peer, Arc<Fake>, Registry) {
    let reg = Registry::new();
    let shared = AmShared::new(ClusterMetrics::register(&reg, "me"), 3);
    let fake = Arc::new(Fake {
        members: Mutex::new(vec![
            ("me".into(), sa("10.0.0.9:9094")),
            ("p2".into(), sa("10.0.0.2:9094")),
        ]),
        reachable: [sa("10.0.0.2:9094")].into_iter().collect(),
        joins: Mutex::new(Vec::new()),
        left: Mutex::new(false),
    });
    let peers: Vec<String> = peers.iter().map(|s| s.to_string()).collect();
    shared
        .book()
        .set_initial_failed(&peers, "10.0.0.9:9094", now());
    let cfg = PeerConfig {
        peers: peers.clone(),
        ..cfg
    };
    let p = Peer::from_parts(
        "me".into(),
        cfg,
        shared,
        fake.clone(),
        peers,
        &reg,
        Arc::new(SystemResolver),
    );
    p.register_gauges();
    (p, fake, reg)
}

fn value(reg: &Registry, series: &str) -> f64 {
    let text = reg.encode();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

#[tokio::test(start_paused = true)]
async fn reconnect_refresh_and_removal() {
    let cfg = PeerConfig {
        reconnect_interval: Duration::from_secs(10),
        reconnect_timeout: Duration::from_secs(60),
        ..PeerConfig::default()
    };
    let (p, fake, reg) = setup(&["10.0.0.1:9094", "10.0.0.2:9094"], cfg);
    assert_eq!(value(&reg, "alertmanager_cluster_failed_peers"), 2.0);
    let start = tokio::time::Instant::now();
    // One of two reachable: the join succeeds.
    p.join().await.unwrap();
    assert_eq!(fake.joins.lock().len(), 2);
    fake.joins.lock().clear();

    // t=10s: reconnect tries both failed peers (the fake never fires join events).
    tokio::time::sleep_until(start + Duration::from_millis(10_001)).await;
    assert_eq!(
        *fake.joins.lock(),
        vec![sa("10.0.0.1:9094"), sa("10.0.0.2:9094")]
    );
    assert_eq!(value(&reg, "alertmanager_cluster_reconnections_total"), 1.0);
    assert_eq!(
        value(&reg, "alertmanager_cluster_reconnections_failed_total"),
        1.0
    );
    fake.joins.lock().clear();

    // t=15s: refresh joins only the resolved address that is not a member.
    tokio::time::sleep_until(start + Duration::from_millis(15_001)).await;
    assert_eq!(*fake.joins.lock(), vec![sa("10.0.0.1:9094")]);
    assert_eq!(
        value(&reg, "alertmanager_cluster_refresh_join_failed_total"),
        1.0
    );
    assert_eq!(value(&reg, "alertmanager_cluster_refresh_join_total"), 0.0);

    // Just before t=5min: reconnect rounds at 10s..290s each failed once for 10.0.0.1.
    tokio::time::sleep_until(start + Duration::from_millis(299_900)).await;
    assert_eq!(
        value(&reg, "alertmanager_cluster_reconnections_failed_total"),
        29.0
    );
    assert_eq!(value(&reg, "alertmanager_cluster_failed_peers"), 2.0);
    // t=5min: both failed entries are older than 60s and are dropped.
    tokio::time::sleep_until(start + Duration::from_millis(300_500)).await;
    assert_eq!(value(&reg, "alertmanager_cluster_failed_peers"), 0.0);
    fake.joins.lock().clear();
    // Reconnect (310s, 320s) has nothing left to do; refresh (315s) still joins 10.0.0.1.
    tokio::time::sleep_until(start + Duration::from_millis(320_500)).await;
    assert_eq!(*fake.joins.lock(), vec![sa("10.0.0.1:9094")]);

    // Leave stops every task.
    p.leave(Duration::from_secs(1)).await;
    assert!(*fake.left.lock());
    fake.joins.lock().clear();
    tokio::time::sleep(Duration::from_secs(120)).await;
    assert!(fake.joins.lock().is_empty());
}

#[tokio::test(start_paused = true)]
async fn zero_reconnect_interval_disables_reconnect() {
    let cfg = PeerConfig {
        reconnect_interval: Duration::ZERO,
        ..PeerConfig::default()
    };
    let (p, fake, reg) = setup(&["10.0.0.1:9094"], cfg);
    assert!(matches!(p.join().await, Err(ClusterError::Join(_))));
    tokio::time::sleep(Duration::from_secs(14)).await;
    assert_eq!(fake.joins.lock().len(), 1, "only the initial join");
    assert_eq!(
        value(&reg, "alertmanager_cluster_reconnections_failed_total"),
        0.0
    );
}

#[tokio::test(start_paused = true)]
async fn settle_position_and_members() {
    let (p, fake, reg) = setup(&[], PeerConfig::default());
    // Sorted names: "me" < "p2".
    assert_eq!(p.position(), 0);
    assert_eq!(
        value(&reg, "alertmanager_peer_position"),
        p.position() as f64
    );
    fake.members
        .lock()
        .push(("a".into(), sa("[::ffff:10.0.0.3]:9094")));
    assert_eq!(p.position(), 1);
    let addrs: Vec<String> = p.members().into_iter().map(|m| m.address).collect();
    assert_eq!(
        addrs,
        vec!["10.0.0.9:9094", "10.0.0.2:9094", "10.0.0.3:9094"]
    );
    assert_eq!(p.cluster_size(), 3);

    let start = tokio::time::Instant::now();
    p.spawn_settle(Duration::from_secs(2));
    p.wait_ready().await;
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert_eq!(p.status(), "ready");
}

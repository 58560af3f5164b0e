//! Driver tests on an in-memory transport with tokio's clock paused: the core's timers run on
//! tokio time, so failure detection of a vanished node happens within the SWIM bounds of
//! virtual time (probe interval, probe timeout, suspicion timeout) without waiting for real.

mod driver_support;

use std::net::SocketAddr;
use std::time::Duration;

use driver_support::*;

fn addr(i: u8) -> SocketAddr {
    SocketAddr::from(([10, 0, 0, i], 7946))
}

#[tokio::test(start_paused = true)]
async fn crashed_node_is_detected_in_virtual_time() {
    let net = MemoryNet::default();
    let a = start("a", net.transport(addr(1)), 1);
    let b = start("b", net.transport(addr(2)), 2);
    let c = start("c", net.transport(addr(3)), 3);
    assert_eq!(b.handle.join(vec![addr(1)]).await, Ok(1));
    assert_eq!(c.handle.join(vec![addr(1)]).await, Ok(1));
    let limit = Duration::from_secs(60);
    for n in [&a, &b, &c] {
        wait_members(&n.handle, &["a", "b", "c"], limit).await;
    }

    // c vanishes without leaving: its endpoint is gone, packets and dials to it fail.
    let crashed = tokio::time::Instant::now();
    c.handle.shutdown().await;
    wait_members(&a.handle, &["a", "b"], limit).await;
    wait_members(&b.handle, &["a", "b"], limit).await;
    let took = crashed.elapsed();
    // Suspicion with 3 nodes lasts SuspicionMult × ProbeInterval = 4s; probing c and timing
    // out first adds at most a few probe intervals.
    assert!(
        took >= Duration::from_secs(4) && took <= Duration::from_secs(20),
        "detected after {took:?}"
    );
    let dead = a
        .handle
        .with_memberlist(|ml| ml.nodes().into_iter().find(|n| n.name == "c"))
        .await
        .expect("c is still in the table until reaped");
    assert_eq!(dead.state, am_cluster::memberlist::NodeState::Dead);
}

#[tokio::test(start_paused = true)]
async fn leave_returns_at_once_when_alone_and_handles_outlive_shutdown() {
    let net = MemoryNet::default();
    let a = start("a", net.transport(addr(1)), 1);
    let started = tokio::time::Instant::now();
    a.handle.leave(Duration::from_secs(10)).await;
    assert!(started.elapsed() < Duration::from_secs(1));
    a.handle.shutdown().await;
    assert!(a.handle.join(vec![addr(2)]).await.is_err());
    assert!(a.handle.send_reliable("x".into(), vec![]).await.is_err());
    // The last snapshot stays readable.
    assert_eq!(a.handle.local_node().name, "a");
}

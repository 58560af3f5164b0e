//! Determinism: the simulator and the sans-IO core draw all randomness from seeds and never read
//! the clock, so one seed and one script must give the identical event trace (FNV-1a over every
//! delivered packet, stream and stream result with its virtual time) every time, and another
//! seed a different one.

use std::collections::BTreeMap;
use std::time::Duration;

use am_cluster::memberlist::NodeState;
use am_cluster::sim::{LinkConfig, SimConfig, SimStats, Simulation};

type Views = Vec<BTreeMap<String, (NodeState, u32)>>;

/// A script touching every feature: joins, loss, broadcasts, a reliable message, a crash, a
/// partition with heal and reconnect, a leave and a restart.
fn scenario(seed: u64) -> (u64, Views, SimStats) {
    let mut sim = Simulation::new(SimConfig {
        seed,
        link: LinkConfig {
            delay: Duration::from_millis(5),
            jitter: Duration::from_millis(5),
            loss: 0.05,
        },
        ..SimConfig::default()
    });
    let addrs = sim.add_nodes(8);
    let start = sim.trace_hash();
    sim.join_to_first(&addrs);
    sim.run_for(Duration::from_secs(5));
    assert_ne!(sim.trace_hash(), start, "the trace records events");
    for (i, a) in addrs.iter().enumerate() {
        sim.broadcast(*a, format!("state-{i}").into_bytes());
    }
    let to = sim.name(addrs[5]);
    sim.send_reliable(addrs[2], &to, b"reliable".to_vec());
    sim.run_for(Duration::from_secs(5));
    sim.crash(addrs[7]);
    sim.run_for(Duration::from_secs(20));
    let (left, right) = addrs[..7].split_at(3);
    sim.net.cut(left, right);
    sim.net.cut(right, left);
    sim.run_for(Duration::from_secs(30));
    sim.net.heal_all();
    for _ in 0..3 {
        sim.reconnect_failed();
        sim.run_for(Duration::from_secs(10));
    }
    sim.leave(addrs[6]);
    sim.run_for(Duration::from_secs(2));
    sim.crash(addrs[6]);
    sim.restart(addrs[7], None);
    sim.join(addrs[7], &[addrs[1]]);
    sim.run_for(Duration::from_secs(30));
    let views = addrs
        .iter()
        .filter(|a| sim.node(**a).running)
        .map(|a| {
            sim.view(*a)
                .into_iter()
                .map(|(k, v)| (k, (v.state, v.incarnation)))
                .collect()
        })
        .collect();
    (sim.trace_hash(), views, sim.stats().clone())
}

#[test]
fn same_seed_gives_the_same_trace() {
    let (h1, v1, s1) = scenario(42);
    let (h2, v2, s2) = scenario(42);
    eprintln!(
        "trace {h1:016x}; {} events, {} packets",
        s1.events, s1.packets_sent
    );
    assert_eq!(s1, s2, "same counters");
    assert_eq!(v1, v2, "same final views");
    assert_eq!(h1, h2, "same event trace");
    assert!(
        s1.events > 5_000 && s1.packets_sent > 2_000,
        "the scenario does real work: {s1:?}"
    );
}

#[test]
fn another_seed_gives_another_trace() {
    let (h1, _, _) = scenario(42);
    let (h2, _, _) = scenario(43);
    assert_ne!(h1, h2);
}

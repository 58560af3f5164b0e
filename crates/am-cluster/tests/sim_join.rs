//! Simulated joins through one seed node (docs/PROTOCOL.md §2.6, §4.2 "join of 3/5 nodes").
//!
//! Bound used: every node must see every node alive within [`JOIN_BOUND`] of the joins
//! starting. A join push/pull gives the joiner the seed's whole table at once; the others hear of
//! the joiner from the alive message the seed and joiner gossip (every 200 ms to 3 nodes, each
//! message retransmitted `4 × ⌈log10(n+1)⌉` times), which takes a few gossip rounds, and the 60 s
//! periodic push/pull is never needed. 5 s is 25 gossip rounds.

use std::time::Duration;

use am_cluster::memberlist::{NodeState, StreamOutcome};
use am_cluster::sim::{DelegateEventKind, SimConfig, Simulation};

const JOIN_BOUND: Duration = Duration::from_secs(5);

fn join_via_seed(n: usize, seed: u64) -> (Simulation, Duration) {
    let mut sim = Simulation::new(SimConfig::seeded(seed));
    let addrs = sim.add_nodes(n);
    assert!(
        !sim.converged() || n == 1,
        "nodes must not know each other before joining"
    );
    for a in &addrs[1..] {
        let ids = sim.join(*a, &[addrs[0]]);
        assert_eq!(ids.len(), 1, "one push/pull per seed address");
    }
    let took = sim.converge_within(JOIN_BOUND).unwrap_or_else(|| {
        let views: Vec<_> = addrs.iter().map(|a| sim.view(*a)).collect();
        panic!("{n} nodes did not converge within {JOIN_BOUND:?}: {views:#?}")
    });
    for a in &addrs[1..] {
        let outcomes: Vec<_> = sim.node(*a).outcomes.iter().map(|o| o.2.clone()).collect();
        assert_eq!(
            outcomes.first(),
            Some(&StreamOutcome::Ok),
            "join push/pull of {a}"
        );
    }
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    (sim, took)
}

fn check_join(n: usize) {
    let (mut sim, took) = join_via_seed(n, 7 + n as u64);
    eprintln!("{n} nodes converged in {took:?}; {:?}", sim.stats());
    let addrs = sim.addrs();
    let converged_at = sim.now();
    // Everyone got a join event for everyone (itself included), with incarnation 1: nobody had
    // to refute anything in a clean join.
    for a in &addrs {
        let d = sim.delegate(*a);
        for b in &addrs {
            let name = sim.name(*b);
            assert!(
                d.events_about(&name)
                    .any(|e| e.kind == DelegateEventKind::Join),
                "{a} has no join event for {name}"
            );
        }
        for info in sim.view(*a).values() {
            assert_eq!(info.incarnation, 1, "{a} sees {info:?}");
        }
    }
    // Stable afterwards for three minutes without suspicion or death. The first periodic push/pull
    // comes after a random stagger below 60 s plus one interval (Go's `pushPullTrigger`).
    // Sampled every 100 ms; a suspicion lasts at least 4 s, so none can slip through.
    let mut suspected = Vec::new();
    while suspected.is_empty() && sim.now() < converged_at + Duration::from_secs(180) {
        sim.run_for(Duration::from_millis(100));
        for a in &addrs {
            for info in sim.view(*a).values() {
                if info.state != NodeState::Alive {
                    suspected.push((sim.now(), *a, info.clone()));
                }
            }
        }
    }
    assert!(
        suspected.is_empty(),
        "state changed on a lossless LAN: {suspected:?}"
    );
    assert!(sim.converged());
    let stats = sim.stats();
    assert!(
        stats.messages.get("ping").copied().unwrap_or(0) > 0,
        "nodes must probe"
    );
    // Each node starts one periodic push/pull within 2 × 60 s (stagger + interval) and then
    // every 60 s, so three minutes hold at least n and at most 3n of them.
    let periodic = stats.streams.get("push-pull").copied().unwrap_or(0);
    assert!(
        (n as u64..=3 * n as u64).contains(&periodic),
        "{n} nodes, {stats:?}"
    );
    assert_eq!(
        stats.streams.get("push-pull-join").copied(),
        Some(n as u64 - 1)
    );
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn three_nodes_join_via_one_seed() {
    check_join(3);
}

#[test]
fn five_nodes_join_via_one_seed() {
    check_join(5);
}

#[test]
fn ten_nodes_join_via_one_seed() {
    check_join(10);
}

#[test]
fn twenty_five_nodes_join_via_one_seed() {
    let (sim, took) = join_via_seed(25, 25);
    eprintln!(
        "25 nodes converged in {took:?}; max packet {}",
        sim.stats().max_packet
    );
}

#[test]
fn joining_an_unreachable_address_fails() {
    let mut sim = Simulation::new(SimConfig::default());
    let a = sim.add_node();
    let nobody = am_cluster::sim::sim_addr(99);
    let ids = sim.join(a, &[nobody]);
    assert_eq!(ids.len(), 1);
    sim.run_for(Duration::from_secs(1));
    let outcomes = &sim.node(a).outcomes;
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert!(
        matches!(outcomes[0].2, StreamOutcome::Failed(_)),
        "{outcomes:?}"
    );
    assert_eq!(sim.node(a).ml.num_members(), 1);
}

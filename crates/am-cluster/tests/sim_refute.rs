//! Simulated false suspicions and their refutation (docs/PROTOCOL.md §2.3, §2.4).
//!
//! A node's packets are dropped until some other node suspects it, then the network is restored.
//! The suspicion lasts at least `min` = 4 s (5 nodes), which leaves the accused time to hear the
//! suspect message (piggy-backed gossip, or the `[ping, suspect]` compound every prober sends to
//! a suspect node), refute with a higher incarnation and spread its alive message. Expected:
//! nobody ever records it dead, everyone ends up seeing it alive with incarnation ≥ 2, and its
//! Lifeguard awareness went up (each refutation adds 1).

use std::net::SocketAddr;
use std::time::Duration;

use am_cluster::memberlist::NodeState;
use am_cluster::sim::{DelegateEventKind, SimConfig, Simulation};

mod sim_support;

const N: usize = 5;

fn converged_cluster(seed: u64) -> (Simulation, Vec<SocketAddr>) {
    sim_support::converged_cluster(SimConfig::seeded(seed), N, Duration::from_secs(10))
}

/// Drops what `cut` selects until another node suspects `victim`; returns when that happened.
fn drop_until_suspected(
    sim: &mut Simulation,
    addrs: &[SocketAddr],
    victim: SocketAddr,
    both_ways: bool,
) -> Duration {
    let others = sim_support::all_but(addrs, victim);
    let name = sim.name(victim);
    sim.net.cut(&[victim], &others);
    if both_ways {
        sim.net.cut(&others, &[victim]);
    }
    let t = sim.now();
    let took = sim
        .run_until_converged(
            |s| s.any_sees(&others, &name, Some(NodeState::Suspect)),
            Duration::from_secs(10),
        )
        .expect("a node whose packets are dropped is suspected within 10 s");
    sim.net.heal_all();
    assert!(
        took >= Duration::from_millis(990),
        "suspected after {took:?}: before a probe could fail"
    );
    t
}

fn check_refuted(sim: &mut Simulation, addrs: &[SocketAddr], victim: SocketAddr) {
    let name = sim.name(victim);
    let others = sim_support::all_but(addrs, victim);
    let mut max_health = 0;
    let took = sim
        .run_until_converged(
            |s| {
                max_health = max_health.max(s.node(victim).ml.health_score());
                s.converged() && others.iter().all(|o| s.view(*o)[&name].incarnation >= 2)
            },
            Duration::from_secs(10),
        )
        .unwrap_or_else(|| {
            let views: Vec<_> = addrs.iter().map(|a| sim.view(*a)).collect();
            panic!("{name} not refuted within 10 s: {views:#?}")
        });
    let inc = sim.node(victim).ml.local_node().incarnation;
    eprintln!(
        "{name} refuted: incarnation {inc}, {took:?} after the network came back; max health score {max_health}"
    );
    assert!(inc >= 2, "the accused must bump its incarnation");
    for o in &others {
        assert_eq!(
            sim.view(*o)[&name].incarnation,
            inc,
            "{o} sees the refuting incarnation"
        );
    }
    assert!(max_health >= 1, "a refutation raises the awareness score");
    // A minute later nothing has died and everyone is still alive everywhere.
    sim.run_for(Duration::from_secs(60));
    assert!(sim.converged());
    for a in addrs {
        let deaths = sim.delegate(*a).leave_events();
        assert!(deaths.is_empty(), "{a} recorded a false death: {deaths:?}");
    }
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

/// For each seed: node `victim` of a converged cluster is suspected while its packets (and with
/// `both_ways` those sent to it) are dropped, then refutes.
fn suspect_and_refute(seeds: [u64; 3], victim: usize, both_ways: bool) {
    for seed in seeds {
        let (mut sim, addrs) = converged_cluster(seed);
        let victim = addrs[victim];
        drop_until_suspected(&mut sim, &addrs, victim, both_ways);
        check_refuted(&mut sim, &addrs, victim);
    }
}

#[test]
fn node_whose_packets_are_dropped_refutes_the_suspicion() {
    suspect_and_refute([1, 2, 3], 3, false);
}

#[test]
fn briefly_isolated_node_refutes_the_suspicion() {
    suspect_and_refute([4, 5, 6], 0, true);
}

/// When the refutation itself is lost (the accused's packets are still dropped when it hears the
/// suspicion), memberlist ignores the later suspect/dead messages that carry the old incarnation,
/// so the accused does not refute again and may be declared dead (and even reaped). It comes back
/// through push/pull: the others never push/pull with a node they consider dead, but the
/// accused's own periodic push/pull carries `alive` with the new incarnation. Its first periodic
/// push/pull comes at most 2 × 60 s after it started (stagger + one interval, Go's
/// `pushPullTrigger`), later ones every 60 s; 5 s are allowed for gossip on top.
#[test]
fn lost_refutation_is_repaired_by_push_pull() {
    let (mut sim, addrs) = converged_cluster(9);
    let victim = addrs[2];
    let name = sim.name(victim);
    let others = sim_support::all_but(&addrs, victim);
    sim.net.cut(&[victim], &others);
    sim.run_until_converged(
        |s| s.node(victim).ml.local_node().incarnation >= 2,
        Duration::from_secs(15),
    )
    .expect("the accused hears the suspicion and refutes (into the cut)");
    sim.run_for(Duration::from_secs(2));
    sim.net.heal_all();
    let healed = sim.now();
    let deadline = Duration::from_secs(125).max(healed + Duration::from_secs(65));
    let took = sim
        .run_until_converged(
            |s| {
                s.converged()
                    && others
                        .iter()
                        .all(|o| s.view(*o).get(&name).is_some_and(|n| n.incarnation >= 2))
            },
            deadline - healed,
        )
        .expect("push/pull restores the accused");
    let died = others.iter().any(|o| {
        sim.delegate(*o)
            .events_about(&name)
            .any(|e| e.kind == DelegateEventKind::Leave(NodeState::Dead))
    });
    eprintln!("restored {took:?} after the cut ended (declared dead meanwhile: {died})");
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

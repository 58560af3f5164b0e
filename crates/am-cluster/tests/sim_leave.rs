//! Simulated graceful leave (docs/PROTOCOL.md §2.7): the leaver broadcasts `dead{from: itself}`,
//! which every other node records as **left**, never dead, and the leaver is then stopped (AM's
//! shutdown: `Leave(10s)` then process exit).
//!
//! Bounds: `leave_done()` must turn true within 2 s (the broadcast's retransmit limit is
//! `4 × ⌈log10(n + 1)⌉` = 4 transmits, at 3 per 200 ms gossip round plus piggy-backing); everyone
//! must see the node as left within 2 s of the leave; the entry is reaped like a dead one, 30 s
//! (GossipToTheDeadTime) plus at most one probe-list wrap after it was marked left.

use std::net::SocketAddr;
use std::time::Duration;

use am_cluster::memberlist::NodeState;
use am_cluster::sim::{DelegateEventKind, SimConfig, Simulation};

mod sim_support;

fn converged_cluster(n: usize, seed: u64) -> (Simulation, Vec<SocketAddr>) {
    sim_support::converged_cluster(SimConfig::seeded(seed), n, Duration::from_secs(5))
}

#[test]
fn leaving_node_is_left_not_dead_everywhere() {
    for (n, seed) in [(3, 1), (5, 2), (10, 3)] {
        let (mut sim, addrs) = converged_cluster(n, seed);
        let leaver = addrs[1];
        let name = sim.name(leaver);
        let others = sim_support::all_but(&addrs, leaver);
        assert!(!sim.node(leaver).ml.leave_done(), "not done before leaving");
        let t = sim.now();
        sim.leave(leaver);
        let done = sim
            .run_until_converged(|s| s.node(leaver).ml.leave_done(), Duration::from_secs(2))
            .expect("leave broadcast sent to its limit within 2 s");
        sim.crash(leaver);
        let seen = sim
            .run_until_converged(
                |s| s.all_see(&others, &name, Some(NodeState::Left)),
                Duration::from_secs(2).saturating_sub(sim.now() - t),
            )
            .unwrap_or_else(|| panic!("{n} nodes: not all see {name} left within 2 s"));
        eprintln!(
            "{n} nodes: leave done after {done:?}, everyone saw it left {:?} later",
            seen
        );
        assert!(
            sim.all_see_alive(&others, &others),
            "{name} is no member anymore"
        );

        // Thirty seconds later it is still left (not dead, not suspect) or reaped everywhere,
        // and nobody ever recorded it as dead.
        sim.run_for(Duration::from_secs(30));
        for o in &others {
            assert!(
                matches!(sim.state_seen(*o, &name), Some(NodeState::Left) | None),
                "{o}: {:?}",
                sim.state_seen(*o, &name)
            );
            let kinds: Vec<_> = sim
                .delegate(*o)
                .events_about(&name)
                .map(|e| e.kind.clone())
                .collect();
            assert_eq!(
                kinds,
                vec![
                    DelegateEventKind::Join,
                    DelegateEventKind::Leave(NodeState::Left)
                ],
                "{o}'s events about {name}"
            );
        }
        sim.run_for(Duration::from_secs(n as u64 + 1));
        assert!(
            sim.all_see(&others, &name, None),
            "left entries are reaped after 30 s and a probe-list wrap"
        );
        assert!(sim.converged());
        assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    }
}

#[test]
fn leave_without_peers_is_done_at_once() {
    let mut sim = Simulation::new(SimConfig::default());
    let a = sim.add_node();
    sim.leave(a);
    assert!(sim.node(a).ml.leave_done());
}

#[test]
fn crash_instead_of_leave_is_dead_not_left() {
    // The contrast case: the same cluster without the leave broadcast ends with `dead`.
    let (mut sim, addrs) = converged_cluster(5, 2);
    let victim = addrs[1];
    let name = sim.name(victim);
    sim.crash(victim);
    let others = sim_support::all_but(&addrs, victim);
    sim.run_until_converged(
        |s| s.all_see(&others, &name, Some(NodeState::Dead)),
        Duration::from_secs(40),
    )
    .expect("crashed node is declared dead");
}

#[test]
fn node_that_left_can_come_back_under_the_same_name() {
    // The others hold `left` at incarnation 1; the join push/pull merges that as
    // `dead{from: itself}` on the newcomer, which is not leaving, so it refutes (§2.4, §2.6).
    let (mut sim, addrs) = converged_cluster(5, 8);
    let leaver = addrs[2];
    let name = sim.name(leaver);
    sim.leave(leaver);
    sim.run_until_converged(|s| s.node(leaver).ml.leave_done(), Duration::from_secs(2))
        .expect("leave done");
    sim.crash(leaver);
    sim.run_for(Duration::from_secs(5));
    assert_eq!(sim.state_seen(addrs[0], &name), Some(NodeState::Left));
    sim.restart(leaver, Some(name.clone()));
    sim.join(leaver, &[addrs[0]]);
    let took = sim
        .converge_within(Duration::from_secs(5))
        .unwrap_or_else(|| panic!("not back: {:#?}", sim.view(addrs[0])));
    let inc = sim.node(leaver).ml.local_node().incarnation;
    eprintln!("back after {took:?} at incarnation {inc}");
    assert!(inc >= 2);
    let rejoined = sim
        .delegate(addrs[0])
        .events_about(&name)
        .filter(|e| e.kind == DelegateEventKind::Join)
        .count();
    assert_eq!(rejoined, 2, "notify_join again after the leave");
}

//! Simulated crash detection, reaping and restart (docs/PROTOCOL.md §2.2, §2.3, §2.1).
//!
//! Bounds, for a node crashed at `T` in a converged cluster of `n` nodes on a clean LAN
//! (awareness 0, 1 ms ± 1 ms links, probe interval 1 s, suspicion multipliers 4 and 6):
//! * `min = 4 s × max(1, log10 n)`, `max = 6 × min` (§2.3).
//! * Lower: nobody may declare it dead before `T + probe_interval + min − 5 ms`. A probe that
//!   fails must have sent its ping after `T − link delay` (an earlier ping is answered before the
//!   crash), it fails only at its deadline one probe interval after it started, every other
//!   node's suspicion descends from that one, and a suspicion lasts at least `min` however many
//!   confirmations arrive. 5 ms covers the link delay (≤ 2 ms).
//! * Upper: `T + n × probe_interval + max + 2 s`. Each survivor probes it within `n − 1` probe
//!   intervals, the failed probe ends at its deadline one interval later, the suspicion lasts at
//!   most `max`, and the dead message then spreads by gossip (200 ms rounds; 2 s of slack).
//! * Reaping: an observer removes a dead entry once it has been dead for more than
//!   GossipToTheDeadTime (30 s), at the next wrap of its probe index, which comes within `n` probe
//!   intervals. Checked as `30 s ≤ removal − death ≤ 30 s + n s + 0.1 s` (sampled every 100 ms).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use am_cluster::memberlist::NodeState;
use am_cluster::sim::{DelegateEventKind, SimConfig, Simulation};

mod sim_support;

const PROBE_INTERVAL: Duration = Duration::from_secs(1);
const DEAD_TIME: Duration = Duration::from_secs(30);

fn converged_cluster(n: usize, seed: u64) -> (Simulation, Vec<SocketAddr>) {
    // 10 s more let the probe rounds settle into their steady state.
    let (sim, addrs) =
        sim_support::converged_cluster(SimConfig::seeded(seed), n, Duration::from_secs(10));
    assert!(sim.converged());
    (sim, addrs)
}

/// `min` suspicion timeout of §2.3 (the log10 scale is truncated to 1/1000 as in Go).
fn min_suspicion(n: usize) -> Duration {
    let scale = (n as f64).log10().max(1.0);
    let scale = (scale * 1000.0).floor() / 1000.0;
    Duration::from_millis((4.0 * scale * 1000.0) as u64)
}

/// When each observer recorded the subject as dead (from `notify_leave`).
fn dead_times(sim: &Simulation, observers: &[SocketAddr], subject: &str) -> Vec<Duration> {
    observers
        .iter()
        .filter_map(|o| {
            sim.delegate(*o)
                .events_about(subject)
                .find(|e| e.kind == DelegateEventKind::Leave(NodeState::Dead))
                .map(|e| e.at)
        })
        .collect()
}

fn crash_and_detect(n: usize, seed: u64) {
    let (mut sim, addrs) = converged_cluster(n, seed);
    let victim = addrs[n / 2];
    let name = sim.name(victim);
    let others = sim_support::all_but(&addrs, victim);
    let t = sim.now();
    sim.crash(victim);

    let min = min_suspicion(n);
    let max = min * 6;
    let upper = PROBE_INTERVAL * n as u32 + max + Duration::from_secs(2);
    let mut suspected = false;
    let took = sim.run_until_converged(
        |s| {
            suspected |= s.any_sees(&others, &name, Some(NodeState::Suspect));
            s.all_see(&others, &name, Some(NodeState::Dead))
        },
        upper,
    );
    let times = dead_times(&sim, &others, &name);
    let took = took
        .unwrap_or_else(|| panic!("{n} nodes: not all saw {name} dead by T+{upper:?}: {times:?}"));
    assert!(suspected, "the node must pass through suspect before dead");
    assert_eq!(
        times.len(),
        others.len(),
        "every survivor got notify_leave(dead)"
    );
    let first = times.iter().min().copied().unwrap_or_default() - t;
    let last = times.iter().max().copied().unwrap_or_default() - t;
    let lower = PROBE_INTERVAL + min - Duration::from_millis(5);
    eprintln!(
        "{n} nodes: {name} dead at T+{first:?}..T+{last:?} (bounds {lower:?}..{upper:?}), sampled {took:?}"
    );
    assert!(
        first >= lower,
        "declared dead {first:?} after the crash, before {lower:?}"
    );
    assert!(last <= upper);
    assert!(
        sim.all_see_alive(&others, &others),
        "no survivor is affected"
    );

    // Reaping, per observer, relative to its own death record.
    let dead_at: BTreeMap<SocketAddr, Duration> =
        others.iter().copied().zip(times.iter().copied()).collect();
    let mut reaped: BTreeMap<SocketAddr, Duration> = BTreeMap::new();
    let window = DEAD_TIME + PROBE_INTERVAL * n as u32 + Duration::from_millis(100);
    let sample = Duration::from_millis(100);
    while reaped.len() < others.len() && sim.now() < t + last + window + sample {
        sim.run_for(sample);
        for o in &others {
            if !reaped.contains_key(o) && sim.state_seen(*o, &name).is_none() {
                reaped.insert(*o, sim.now());
            }
        }
    }
    assert_eq!(
        reaped.len(),
        others.len(),
        "not reaped everywhere: {reaped:?}"
    );
    for (o, at) in &reaped {
        let held = *at - dead_at[o];
        assert!(
            held >= DEAD_TIME && held <= window,
            "{o} reaped {name} {held:?} after its death (want {DEAD_TIME:?}..{window:?})"
        );
    }
    // Nobody but the victim was ever declared dead or suspect-then-dead.
    for o in &others {
        for e in sim.delegate(*o).leave_events() {
            assert_eq!(e.name, name, "{o} saw an unexpected leave: {e:?}");
        }
    }
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn crash_is_detected_within_bounds_with_5_nodes() {
    crash_and_detect(5, 11);
}

#[test]
fn crash_is_detected_within_bounds_with_10_nodes() {
    crash_and_detect(10, 12);
}

#[test]
fn crash_is_detected_within_bounds_with_25_nodes() {
    // log10(25) = 1.397: min 5.588 s, max 33.528 s.
    crash_and_detect(25, 13);
}

#[test]
fn crash_with_three_nodes_uses_the_minimum_timeout() {
    // n − 2 < k (= 2 confirmations wanted) ⇒ k = 0 and the timeout is `min` (4 s) flat, so the
    // detection time is bounded on both sides much more tightly: the first failed probe ends at
    // most 2 probe intervals after the crash (one survivor's round-robin has 2 entries), and the
    // timer then runs exactly 4 s.
    let (mut sim, addrs) = converged_cluster(3, 3);
    let victim = addrs[2];
    let name = sim.name(victim);
    let t = sim.now();
    sim.crash(victim);
    let others = &addrs[..2];
    sim.run_until_converged(
        |s| s.all_see(others, &name, Some(NodeState::Dead)),
        Duration::from_secs(20),
    )
    .expect("both survivors declare it dead");
    let times = dead_times(&sim, others, &name);
    let first = times.iter().min().copied().unwrap_or_default() - t;
    eprintln!(
        "3 nodes: dead at {:?} after the crash",
        times.iter().map(|x| *x - t).collect::<Vec<_>>()
    );
    assert!(
        first >= Duration::from_secs(4) + PROBE_INTERVAL - Duration::from_millis(5),
        "{first:?}"
    );
    assert!(
        first <= Duration::from_secs(4) + PROBE_INTERVAL * 3,
        "{first:?}"
    );
}

#[test]
fn restarted_node_rejoins_under_a_new_name() {
    let (mut sim, addrs) = converged_cluster(5, 21);
    let victim = addrs[1];
    let old = sim.name(victim);
    sim.crash(victim);
    sim.run_for(Duration::from_secs(2));
    sim.restart(victim, None);
    let new = sim.name(victim);
    assert_ne!(old, new);
    assert_eq!(
        sim.node(victim).ml.num_members(),
        1,
        "a restarted node starts alone"
    );
    sim.join(victim, &[addrs[0]]);
    let others = sim_support::all_but(&addrs, victim);
    let took = sim
        .run_until_converged(
            |s| s.all_see(&others, &new, Some(NodeState::Alive)),
            Duration::from_secs(2),
        )
        .expect("restarted node is seen alive by all");
    eprintln!("rejoined in {took:?}");
    // The old name stays in the tables (suspect, then dead) until it is reaped; it never comes
    // back alive, and it ends up dead everywhere.
    sim.run_until_converged(
        |s| s.all_see(&others, &old, Some(NodeState::Dead)),
        Duration::from_secs(40),
    )
    .expect("old name declared dead");
    assert!(
        sim.converged(),
        "the new name stays alive while the old one dies"
    );
    sim.run_for(DEAD_TIME + Duration::from_secs(10));
    assert!(sim.all_see(&others, &old, None), "old name reaped");
    assert!(sim.converged());
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn node_restarted_under_the_same_name_refutes_its_death() {
    // A fixed `--cluster.peer-name` (AM ≥ 0.30): the new process starts at incarnation 1 while
    // the others hold `dead` at incarnation 1. The join push/pull shows it that state, which it
    // must refute (suspect/dead about us with incarnation ≥ ours, §2.4); the refuting alive with
    // incarnation 2 then beats the dead entry everywhere.
    let (mut sim, addrs) = converged_cluster(5, 31);
    let victim = addrs[4];
    let name = sim.name(victim);
    let others: Vec<SocketAddr> = addrs[..4].to_vec();
    sim.crash(victim);
    sim.run_until_converged(
        |s| s.all_see(&others, &name, Some(NodeState::Dead)),
        Duration::from_secs(40),
    )
    .expect("declared dead");
    sim.restart(victim, Some(name.clone()));
    assert_eq!(sim.node(victim).ml.local_node().incarnation, 1);
    sim.join(victim, &[addrs[0]]);
    let took = sim
        .converge_within(Duration::from_secs(5))
        .unwrap_or_else(|| panic!("same-name restart not accepted: {:#?}", sim.view(addrs[0])));
    let inc = sim.node(victim).ml.local_node().incarnation;
    eprintln!("same-name restart alive everywhere after {took:?} at incarnation {inc}");
    assert!(inc >= 2, "it had to refute its own death");
    for o in &others {
        assert_eq!(sim.view(*o)[&name].incarnation, inc);
    }
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

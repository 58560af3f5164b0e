//! Application messages through the delegate (docs/PROTOCOL.md §2.5, §2.6, §3.1): gossip
//! piggy-backing within the UDP budget, `SendReliable` over streams, and the push/pull user
//! state a joining node receives.
//!
//! The test delegate queues broadcasts like Alertmanager's (TransmitLimitedQueue, multiplier 3,
//! so `3 × ⌈log10(n + 1)⌉` transmits each) and re-broadcasts a message the first time it learns
//! it, as AM's silences/nflog do after a merge that changed their state. Bounds:
//! * one message reaches all of 10 or 25 nodes within 2 s (10 gossip rounds);
//! * 300 messages of 100–600 bytes queued at once on different nodes: at least 99% of the
//!   deliveries within 50 s by gossip, which is bandwidth-bound (300 messages × 10 nodes × 6
//!   transmits, 15 gossip packets a second per node holding 3–4 such messages each: about 35 s).
//!   An epidemic with a transmit limit misses a node now and then (each message has ~60
//!   transmits to random targets; (8/9)^60 ≈ 0.1% per message and node), and the periodic
//!   push/pull repairs that: everything everywhere by 150 s (first push/pull 60–120 s after start).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

use am_cluster::memberlist::StreamOutcome;
use am_cluster::sim::{LinkConfig, SimConfig, Simulation};

mod sim_support;

fn converged(n: usize, config: SimConfig) -> (Simulation, Vec<SocketAddr>) {
    sim_support::converged_cluster(config, n, Duration::from_secs(2))
}

fn all_know(sim: &Simulation, addrs: &[SocketAddr], msgs: &BTreeSet<Vec<u8>>) -> bool {
    addrs.iter().all(|a| {
        let known = &sim.delegate(*a).known;
        msgs.iter().all(|m| known.contains_key(m))
    })
}

fn one_broadcast_reaches_everyone(n: usize, link: LinkConfig, seed: u64) {
    let (mut sim, addrs) = converged(
        n,
        SimConfig {
            seed,
            link,
            ..SimConfig::default()
        },
    );
    let msg = b"silence 42 created".to_vec();
    let want: BTreeSet<Vec<u8>> = [msg.clone()].into();
    let before: Vec<usize> = addrs.iter().map(|a| sim.delegate(*a).notify_msgs).collect();
    assert!(!all_know(&sim, &addrs[1..], &want));
    sim.broadcast(addrs[3], msg);
    let took = sim
        .run_until_converged(|s| all_know(s, &addrs, &want), Duration::from_secs(2))
        .unwrap_or_else(|| {
            let missing: Vec<_> = addrs
                .iter()
                .filter(|a| {
                    !sim.delegate(**a)
                        .known
                        .contains_key(&want.first().cloned().unwrap_or_default())
                })
                .collect();
            panic!("{n} nodes: not delivered within 2 s to {missing:?}")
        });
    eprintln!("{n} nodes: broadcast everywhere after {took:?}");
    // Delivered by gossip (notify_msg), not by a push/pull.
    for (a, b) in addrs.iter().zip(before) {
        if *a != addrs[3] {
            assert!(
                sim.delegate(*a).notify_msgs > b,
                "{a} got it without a user message"
            );
        }
    }
    // The queues drain: every message is retired after its transmit limit.
    sim.run_for(Duration::from_secs(5));
    assert!(
        addrs
            .iter()
            .all(|a| sim.delegate(*a).pending_broadcasts() == 0)
    );
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn broadcast_reaches_ten_nodes() {
    one_broadcast_reaches_everyone(10, LinkConfig::default(), 1);
}

#[test]
fn broadcast_reaches_twenty_five_nodes_over_a_lossy_network() {
    let link = LinkConfig {
        delay: Duration::from_millis(10),
        jitter: Duration::from_millis(10),
        loss: 0.05,
    };
    one_broadcast_reaches_everyone(25, link, 2);
}

#[test]
fn many_large_broadcasts_fit_the_udp_budget_and_arrive() {
    // Checking 3000 deliveries is costly: sample every 250 ms.
    let config = SimConfig {
        seed: 3,
        check_step: Duration::from_millis(250),
        ..SimConfig::default()
    };
    let (mut sim, addrs) = converged(10, config);
    let mut want = BTreeSet::new();
    for i in 0..300usize {
        // 100..=600 bytes, distinct, incompressible (LZW would otherwise shrink the packets).
        let mut m = format!("msg-{i:03}-").into_bytes();
        let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ i as u64;
        while m.len() < 100 + (i * 37) % 501 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            m.push(x as u8);
        }
        want.insert(m.clone());
        sim.broadcast(addrs[i % addrs.len()], m);
    }
    let took = sim.run_until_converged(|s| all_know(s, &addrs, &want), Duration::from_secs(50));
    let missing: usize = addrs
        .iter()
        .map(|a| want.len() - sim.delegate(*a).known.len())
        .sum();
    eprintln!(
        "after {:?}: {missing} of {} deliveries missing",
        took,
        want.len() * addrs.len()
    );
    assert!(
        missing * 100 <= want.len() * addrs.len(),
        "{missing} deliveries missing after 50 s"
    );
    let rest = Duration::from_secs(150).saturating_sub(sim.now());
    let took = sim
        .run_until_converged(|s| all_know(s, &addrs, &want), rest)
        .expect("push/pull delivers the rest by 150 s");
    let stats = sim.stats();
    eprintln!(
        "all delivered at {:?} (+{took:?}); largest packet {} bytes",
        sim.now(),
        stats.max_packet
    );
    assert!(
        stats.max_packet > 1000,
        "piggy-backing should fill packets: {}",
        stats.max_packet
    );
    assert!(stats.max_packet <= 1400 + 5, "{}", stats.max_packet);
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn send_reliable_delivers_to_the_named_node() {
    let (mut sim, addrs) = converged(5, SimConfig::seeded(4));
    let to = sim.name(addrs[4]);
    let big = vec![7u8; 64 * 1024]; // far beyond a UDP packet: streams have no MTU
    let id = sim
        .send_reliable(addrs[0], &to, big.clone())
        .expect("known node");
    sim.run_for(Duration::from_millis(100));
    assert!(sim.delegate(addrs[4]).known.contains_key(&big));
    assert!(
        addrs[1..4]
            .iter()
            .all(|a| !sim.delegate(*a).known.contains_key(&big)),
        "only the addressee gets a reliable message"
    );
    assert!(
        sim.node(addrs[0])
            .outcomes
            .iter()
            .any(|(_, i, o)| *i == id && *o == StreamOutcome::Ok)
    );
    assert_eq!(sim.send_reliable(addrs[0], "nobody", b"x".to_vec()), None);

    // To a crashed node: the stream fails and the outcome says so.
    sim.crash(addrs[3]);
    let to = sim.name(addrs[3]);
    let id = sim
        .send_reliable(addrs[0], &to, b"y".to_vec())
        .expect("still in the table");
    sim.run_for(Duration::from_millis(100));
    let outcome = sim
        .node(addrs[0])
        .outcomes
        .iter()
        .find(|(_, i, _)| *i == id)
        .map(|o| o.2.clone());
    assert!(
        matches!(outcome, Some(StreamOutcome::Failed(_))),
        "{outcome:?}"
    );
}

#[test]
fn late_joiner_gets_the_user_state_by_push_pull() {
    let (mut sim, addrs) = converged(5, SimConfig::seeded(5));
    let mut want = BTreeSet::new();
    for i in 0..20u8 {
        want.insert(vec![b's', i]);
        sim.broadcast(addrs[usize::from(i) % 5], vec![b's', i]);
    }
    sim.run_until_converged(|s| all_know(s, &addrs, &want), Duration::from_secs(5))
        .expect("gossiped");
    sim.run_for(Duration::from_secs(10));
    assert!(
        addrs
            .iter()
            .all(|a| sim.delegate(*a).pending_broadcasts() == 0),
        "gossip is over"
    );
    let late = sim.add_node();
    sim.join(late, &[addrs[2]]);
    sim.run_for(Duration::from_millis(50));
    let d = sim.delegate(late);
    assert_eq!(d.merges, (1, 1), "one join merge");
    assert_eq!(d.notify_msgs, 0, "nothing came by gossip");
    assert!(
        want.iter().all(|m| d.known.contains_key(m)),
        "full state arrived with the join"
    );
    // And the seed merged the joiner's (empty) state too, with join = true.
    sim.converge_within(Duration::from_secs(5)).expect("joined");
}

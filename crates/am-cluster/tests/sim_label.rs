//! Cluster labels and hostile input in simulation (docs/PROTOCOL.md §1.4, §1.6): clusters with
//! different labels on one network never merge, labelled packets stay within the budget, and
//! garbage or foreign-label packets are dropped and counted without disturbing the cluster.

use std::net::SocketAddr;
use std::time::Duration;

use am_cluster::codec::{Message, Ping, add_label_header_to_packet};
use am_cluster::memberlist::StreamOutcome;
use am_cluster::sim::{SimConfig, Simulation};

fn labelled(seed: u64) -> (Simulation, Vec<SocketAddr>, Vec<SocketAddr>) {
    // Nodes 0..3 get label "blue", 3..6 "green" (the hook sees the node's name).
    let configure: am_cluster::sim::Configure = Box::new(|c| {
        let i: usize = c.name.trim_start_matches("node-").parse().unwrap_or(0);
        c.label = if i < 3 { "blue".into() } else { "green".into() };
    });
    let mut sim = Simulation::new(SimConfig {
        seed,
        configure: Some(configure),
        ..SimConfig::default()
    });
    let addrs = sim.add_nodes(6);
    let (blue, green) = addrs.split_at(3);
    (sim, blue.to_vec(), green.to_vec())
}

#[test]
fn clusters_with_different_labels_do_not_merge() {
    let (mut sim, blue, green) = labelled(1);
    sim.join_to_first(&blue);
    sim.join_to_first(&green);
    // A cross-label join fails at the stream's label check.
    sim.join(green[0], &[blue[0]]);
    sim.run_for(Duration::from_secs(30));
    assert!(sim.all_see_alive(&blue, &blue));
    assert!(sim.all_see_alive(&green, &green));
    let outcomes = &sim.node(green[0]).outcomes;
    assert!(
        matches!(outcomes.last(), Some((_, _, StreamOutcome::Failed(_)))),
        "{outcomes:?}"
    );

    // Labelled packets from the green cluster to a blue node are dropped by the core.
    let before = sim.node(blue[0]).ml.dropped_packets();
    let ping = Message::Ping(Ping {
        node: sim.name(blue[0]),
        seq_no: 9,
        ..Ping::default()
    });
    let packet = add_label_header_to_packet(&ping.encode(), "green").expect("short label");
    sim.inject_packet(green[0], blue[0], packet);
    sim.run_for(Duration::from_millis(10));
    assert_eq!(sim.node(blue[0]).ml.dropped_packets(), before + 1);
    // The same ping with the right label is answered (an ack goes back to the sender).
    let packet = add_label_header_to_packet(&ping.encode(), "blue").expect("short label");
    sim.set_capture(true);
    sim.inject_packet(green[0], blue[0], packet);
    sim.run_for(Duration::from_millis(10));
    let acked = sim.captured().iter().any(|c| {
        c.from == blue[0]
            && c.to == green[0]
            && c.messages
                .iter()
                .any(|m| matches!(m, Message::Ack(a) if a.seq_no == 9))
    });
    assert!(acked, "a correctly labelled ping is acked");
    // ... and the ack, labelled "blue", is in turn dropped by the green node.
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
}

#[test]
fn garbage_packets_are_dropped_and_counted() {
    let mut sim = Simulation::new(SimConfig::seeded(2));
    let addrs = sim.add_nodes(3);
    sim.join_to_first(&addrs);
    sim.converge_within(Duration::from_secs(5))
        .expect("converges");
    let attacker: SocketAddr = "10.9.9.9:7946".parse().expect("addr");
    let junk: Vec<Vec<u8>> = vec![
        vec![],
        vec![255],
        vec![7, 200, 0],           // compound claiming 200 parts
        vec![12, 0, 0, 0, 0, 0],   // CRC that does not match
        vec![9, 0x81, 0xa4, b'A'], // compress, truncated
        vec![244, 0],              // empty label
        vec![0, 0xde, 0xad],       // ping with broken msgpack
    ];
    let n = junk.len() as u64;
    let before = sim.node(addrs[0]).ml.dropped_packets();
    for j in junk {
        sim.inject_packet(attacker, addrs[0], j);
    }
    sim.run_for(Duration::from_secs(10));
    let dropped = sim.node(addrs[0]).ml.dropped_packets() - before;
    assert_eq!(dropped, n, "every malformed packet is dropped and counted");
    assert!(sim.converged(), "the cluster is unaffected");
}

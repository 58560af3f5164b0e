//! Gossip targets, piggy-backing, packet budget, compression, CRC and labels.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::codec::{AckResp, Dead, Ping, Suspect, add_crc, add_label_header_to_packet};

/// Node 0 gossiping every 200ms to up to 10 nodes; nothing else periodic.
fn gossiper(now: Instant, label: &str) -> Node {
    let mut c = quiet_config(0);
    c.gossip_interval = Duration::from_millis(200);
    c.gossip_nodes = 10;
    c.label = label.to_string();
    Memberlist::new(c, TestDelegate::default(), 5, now)
}

/// Runs gossip rounds until `to`, keeping one user message pending; returns destinations.
fn gossip_targets(m: &mut Node, from: Instant, to: Instant) -> BTreeSet<usize> {
    let mut dests = BTreeSet::new();
    let mut t = from;
    while let Some(next) = m.poll_timeout().filter(|n| *n <= to) {
        t = t.max(next);
        if m.delegate().user_queue.is_empty() {
            m.delegate_mut().user_queue.push(b"u".to_vec());
        }
        m.handle_timeout(t);
        for o in drain(m) {
            if let Output::Packet { to, .. } = o {
                dests.insert(Net::index(to).expect("v4"));
            }
        }
    }
    dests
}

#[test]
fn gossip_goes_to_alive_suspect_and_recently_dead_nodes_only() {
    let now = Instant::now();
    let mut m = gossiper(now, "");
    for i in 1..=5 {
        m.alive_node(&alive_msg(i, 1), false, now);
    }
    let dead = |i: usize, from: usize| Dead {
        from: name(from),
        incarnation: 1,
        node: name(i),
    };
    m.dead_node(&dead(5, 1), now); // dead since the start
    let t1 = now + Duration::from_secs(31);
    m.suspect_node(
        &Suspect {
            from: name(1),
            incarnation: 1,
            node: name(2),
        },
        t1,
    );
    // Keep node 2 suspect (refresh the suspicion well before it would time out).
    m.suspicions.clear();
    m.dead_node(&dead(3, 1), t1); // dead just now
    m.dead_node(&dead(4, 4), t1); // left
    let dests = gossip_targets(&mut m, t1, t1 + Duration::from_secs(10));
    assert_eq!(dests, BTreeSet::from([1, 2, 3]));
    // 30s after its death node 3 is no longer gossiped to.
    let t2 = t1 + Duration::from_secs(31);
    let _ = gossip_targets(&mut m, t1, t2);
    let dests = gossip_targets(&mut m, t2, t2 + Duration::from_secs(10));
    assert_eq!(dests, BTreeSet::from([1, 2]));
}

#[test]
fn nothing_pending_means_no_gossip() {
    let now = Instant::now();
    let mut m = gossiper(now, "");
    m.alive_node(&alive_msg(1, 1), false, now);
    // Drain memberlist's own queue through gossip.
    let end = now + Duration::from_secs(10);
    while let Some(t) = m.poll_timeout().filter(|t| *t <= end) {
        m.handle_timeout(t);
    }
    assert!(m.broadcasts.is_empty());
    let _ = drain(&mut m);
    let t = m.poll_timeout().expect("gossip tick");
    m.handle_timeout(t);
    assert!(drain(&mut m).is_empty());
    m.delegate_mut().user_queue.push(b"hello".to_vec());
    let t = m.poll_timeout().expect("gossip tick");
    m.handle_timeout(t);
    let out = drain(&mut m);
    // A single message goes alone (not compound), as a user message; CRC for PMax 5.
    let [Output::Packet { to, bytes }] = &out[..] else {
        panic!("{out:?}");
    };
    assert_eq!(*to, addr(1));
    assert_eq!(bytes[0], 12);
    assert_eq!(&bytes[5..], b"\x08hello");
}

fn max_packet(outs: &[Output]) -> usize {
    outs.iter()
        .filter_map(|o| match o {
            Output::Packet { bytes, .. } => Some(bytes.len()),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn packets_stay_within_the_udp_budget() {
    for label in ["", "a-cluster-label"] {
        let now = Instant::now();
        let mut m = gossiper(now, label);
        let mut rng = StdRng::seed_from_u64(11);
        // Many memberlist broadcasts (40 nodes) and random-size incompressible user messages.
        for i in 1..=40 {
            m.alive_node(&alive_msg(i, 1), false, now);
        }
        let mut outs = Vec::new();
        let mut t = now;
        for round in 0..200 {
            for _ in 0..rng.random_range(0..6) {
                let len = rng.random_range(1..700);
                let msg: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                m.delegate_mut().user_queue.push(msg);
            }
            t = m.poll_timeout().expect("tick");
            m.handle_timeout(t);
            // Also piggy-back on pings and acks.
            if round % 3 == 0 {
                let ping = Message::Ping(Ping {
                    node: name(0),
                    seq_no: round,
                    ..Default::default()
                })
                .encode();
                let pkt = add_label_header_to_packet(&ping, label).expect("label");
                m.handle_packet(addr(1), &pkt, t);
            }
            outs.extend(drain(&mut m));
        }
        let _ = t;
        let biggest = max_packet(&outs);
        // 1400 bytes including the label, plus a 5-byte CRC header Go does not budget for.
        assert!(biggest <= 1400 + 5, "{label:?}: {biggest}");
        assert!(
            biggest > 1200,
            "{label:?}: packets should be well filled: {biggest}"
        );
        for o in &outs {
            if let Output::Packet { bytes, .. } = o {
                if label.is_empty() {
                    assert_ne!(bytes[0], 244);
                } else {
                    assert_eq!(
                        &bytes[..2 + label.len()],
                        &crate::codec::label_header(label).expect("l")[..]
                    );
                }
                crate::codec::decode_packet(bytes, label).expect("decodable");
            }
        }
    }
}

#[test]
fn compression_only_when_smaller() {
    let now = Instant::now();
    let mut m = gossiper(now, "");
    m.alive_node(&alive_msg(1, 1), false, now);
    while !m.broadcasts.is_empty() {
        let _ = m.broadcasts.get_broadcasts(2, 1 << 20, 2);
    }
    // A tiny ack is not compressed.
    let ping = Message::Ping(Ping {
        node: name(0),
        seq_no: 1,
        ..Default::default()
    })
    .encode();
    m.handle_packet(addr(1), &ping, now);
    let out = drain(&mut m);
    let Some(Output::Packet { bytes, .. }) = out.first() else {
        panic!("{out:?}");
    };
    assert_eq!(bytes[0], 2, "plain ack");
    // A compressible user broadcast is.
    m.delegate_mut().user_queue.push(vec![b'z'; 600]);
    m.handle_packet(addr(1), &ping, now);
    let out = drain(&mut m);
    let Some(Output::Packet { bytes, .. }) = out.first() else {
        panic!("{out:?}");
    };
    assert_eq!(bytes[0], 9, "compressed compound");
    assert!(bytes.len() < 600);
    let msgs = decode(bytes);
    assert!(matches!(&msgs[..], [Message::Ack(_), Message::User(u)] if u.len() == 600));
}

#[test]
fn labels_and_checksums_on_receive() {
    let now = Instant::now();
    let mut m = gossiper(now, "blue");
    while !m.broadcasts.is_empty() {
        let _ = m.broadcasts.get_broadcasts(2, 1 << 20, 1);
    }
    let ping = Message::Ping(Ping {
        node: name(0),
        seq_no: 3,
        ..Default::default()
    })
    .encode();
    let acks = |m: &mut Node| {
        drain(m)
            .iter()
            .filter_map(|o| match o {
                Output::Packet { bytes, .. } => Some(bytes.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    // Wrong label, no label, bad CRC: dropped and counted.
    m.handle_packet(
        addr(1),
        &add_label_header_to_packet(&ping, "red").expect("l"),
        now,
    );
    m.handle_packet(addr(1), &ping, now);
    let mut bad = add_crc(&ping);
    bad[1] ^= 1;
    m.handle_packet(
        addr(1),
        &add_label_header_to_packet(&bad, "blue").expect("l"),
        now,
    );
    m.handle_packet(addr(1), &[244, 0], now);
    assert!(acks(&mut m).is_empty());
    assert_eq!(m.dropped_packets(), 4);
    // Right label, with and without CRC: acked, with our label on the reply.
    for body in [ping.clone(), add_crc(&ping)] {
        m.handle_packet(
            addr(1),
            &add_label_header_to_packet(&body, "blue").expect("l"),
            now,
        );
        let out = acks(&mut m);
        assert_eq!(out.len(), 1);
        let msgs = crate::codec::decode_packet(&out[0], "blue").expect("labelled reply");
        assert_eq!(
            msgs,
            vec![Message::Ack(AckResp {
                payload: Vec::new(),
                seq_no: 3
            })]
        );
    }
    assert_eq!(m.dropped_packets(), 4);
}

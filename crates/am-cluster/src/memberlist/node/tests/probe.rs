//! Probe, indirect ping, nack, awareness and TCP fallback behaviour, with the peers played
//! by hand.

use std::time::{Duration, Instant};

use super::*;
use crate::codec::{AckResp, IndirectPingReq, NackResp, Ping, StreamMessage};

const MS: Duration = Duration::from_millis(1);

/// Node 0 probing every second (no gossip or push/pull) and knowing `peers` (index, vsn).
fn prober(now: Instant, peers: &[(usize, [u8; 6])]) -> Node {
    let mut c = quiet_config(0);
    c.probe_interval = Duration::from_secs(1);
    let mut m = Memberlist::new(c, TestDelegate::default(), 3, now);
    for (i, vsn) in peers {
        m.alive_node(&alive_with_vsn(*i, 1, vsn.to_vec()), false, now);
    }
    m
}

const V5: [u8; 6] = [1, 5, 2, 0, 0, 0];

/// Fires every timer up to `to`, in order.
fn advance(m: &mut Node, to: Instant) {
    while let Some(t) = m.poll_timeout().filter(|t| *t <= to) {
        m.handle_timeout(t);
    }
}

/// Runs to the next probe (or takes the one just started); returns (when, target, seq).
fn start_probe(m: &mut Node) -> (Instant, usize, u32) {
    if m.probe.is_none() {
        let t = m.poll_timeout().expect("probe timer");
        m.handle_timeout(t);
    }
    let _ = drain(m);
    let p = m.probe.as_ref().expect("probe started");
    (p.sent, Net::index(p.node.addr).expect("v4"), p.seq)
}

fn ack(seq: u32) -> Vec<u8> {
    Message::Ack(AckResp {
        payload: Vec::new(),
        seq_no: seq,
    })
    .encode()
}

#[test]
fn direct_ack_completes_the_probe() {
    let now = Instant::now();
    let mut m = prober(now, &[(1, V5)]);
    m.awareness.apply_delta(2);
    let t = m.poll_timeout().expect("probe timer");
    m.handle_timeout(t);
    let out = drain(&mut m);
    let pings: Vec<Ping> = packets_to(&out, addr(1))
        .into_iter()
        .filter_map(|x| match x {
            Message::Ping(p) => Some(p),
            _ => None,
        })
        .collect();
    let [p] = &pings[..] else {
        panic!("one ping expected: {out:?}");
    };
    assert_eq!(p.node, name(1));
    assert_eq!(p.source_node, name(0));
    assert_eq!(p.source_addr, vec![10, 0, 0, 1]);
    assert_eq!(p.source_port, 9094);
    let seq = p.seq_no;
    // Awareness 2 → the deadline is 3 probe intervals away.
    assert_eq!(
        m.probe.as_ref().map(|p| p.deadline),
        Some(t + 3 * 1000 * MS)
    );
    m.handle_packet(addr(1), &ack(seq + 1), t + 5 * MS);
    assert!(m.delegate().pings.is_empty(), "wrong seq ignored");
    m.handle_packet(addr(1), &ack(seq), t + 10 * MS);
    assert_eq!(m.delegate().pings, vec![(name(1), 10 * MS)]);
    assert_eq!(m.health_score(), 1);
    assert!(m.probe.is_none(), "probe finished");
    advance(&mut m, t + 999 * MS);
    assert_eq!(state_of(&m, 1), Some(NodeState::Alive));
    assert!(
        drain(&mut m)
            .iter()
            .all(|o| !matches!(o, Output::Stream { .. })),
        "no fallback after success"
    );
}

/// (probe start, target, seq, indirect requests per peer, TCP ping stream and deadline).
type Indirect = (
    Instant,
    usize,
    u32,
    Vec<(usize, IndirectPingReq)>,
    Option<(StreamId, Instant)>,
);

/// Starts a probe of one of nodes 1..=3, lets ProbeTimeout pass, and returns the target,
/// the seq, the indirect requests per peer and the TCP ping stream.
fn to_indirect(m: &mut Node) -> Indirect {
    let (t, target, seq) = start_probe(m);
    advance(m, t + 499 * MS);
    assert!(drain(m).is_empty(), "nothing before ProbeTimeout");
    advance(m, t + 500 * MS);
    let out = drain(m);
    let mut inds = Vec::new();
    let mut tcp = None;
    for o in &out {
        match o {
            Output::Packet { to, bytes } => {
                for msg in decode(bytes) {
                    if let Message::IndirectPing(ind) = msg {
                        inds.push((Net::index(*to).expect("v4"), ind));
                    }
                }
            }
            Output::Stream {
                id,
                to,
                msg: StreamMessage::Ping(p),
                expect_reply: true,
                deadline,
            } => {
                assert_eq!(*to, addr(target));
                assert_eq!(p.seq_no, seq);
                tcp = Some((*id, *deadline));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    for (peer, ind) in &inds {
        assert_ne!(*peer, target);
        assert_eq!(ind.seq_no, seq);
        assert_eq!(ind.node, name(target));
        assert_eq!(ind.target, vec![10, 0, 0, target as u8 + 1]);
        assert_eq!(ind.port, 9094);
    }
    (t, target, seq, inds, tcp)
}

#[test]
fn probe_timeout_sends_indirect_pings_and_tcp_ping_then_suspects() {
    let now = Instant::now();
    let mut m = prober(now, &[(1, V5), (2, V5), (3, V5)]);
    let (t, target, _seq, inds, tcp) = to_indirect(&mut m);
    assert_eq!(inds.len(), 2, "every other alive peer (IndirectChecks = 3)");
    assert!(
        inds.iter().all(|(_, i)| i.nack),
        "PMax 5 peers are asked for nacks"
    );
    let (id, deadline) = tcp.expect("TCP fallback for PMax ≥ 3");
    assert_eq!(deadline, t + 1000 * MS);
    assert_eq!(
        m.handle_stream_reply(id, Err("timeout".into()), t + 1000 * MS),
        StreamOutcome::Failed("timeout".into())
    );
    advance(&mut m, t + 999 * MS);
    assert_eq!(state_of(&m, target), Some(NodeState::Alive));
    advance(&mut m, t + 1000 * MS);
    assert_eq!(state_of(&m, target), Some(NodeState::Suspect));
    // No nacks from 2 expected → +2.
    assert_eq!(m.health_score(), 2);
    // The suspicion is broadcast.
    let out = {
        let n = m.order.len();
        m.broadcasts.get_broadcasts(2, 1 << 20, n)
    };
    assert!(
        out.iter().flat_map(|b| decode(b)).any(
            |x| matches!(x, Message::Suspect(s) if s.node == name(target) && s.from == name(0))
        )
    );
}

#[test]
fn nacks_reduce_the_awareness_penalty() {
    // (number of nacks received, expected health score)
    for (nacks, want) in [(0usize, 2usize), (1, 1), (2, 0), (5, 0)] {
        let now = Instant::now();
        let mut m = prober(now, &[(1, V5), (2, V5), (3, V5)]);
        let (t, target, seq, inds, tcp) = to_indirect(&mut m);
        for k in 0..nacks {
            let (peer, _) = &inds[k % inds.len()];
            let nack = Message::Nack(NackResp { seq_no: seq }).encode();
            m.handle_packet(addr(*peer), &nack, t + 600 * MS);
        }
        let (id, _) = tcp.expect("tcp");
        m.handle_stream_reply(id, Err("refused".into()), t + 600 * MS);
        advance(&mut m, t + 1000 * MS);
        assert_eq!(state_of(&m, target), Some(NodeState::Suspect), "{nacks}");
        assert_eq!(m.health_score(), want, "{nacks} nacks");
    }
}

#[test]
fn older_peers_get_no_nack_flag_and_no_tcp_ping() {
    let now = Instant::now();
    // Target candidates speak protocol 2 (no TCP ping); peers PMax 3 (no nack).
    let v3 = [1, 3, 2, 0, 0, 0];
    let v2 = [1, 2, 2, 0, 0, 0];
    let mut m = prober(now, &[(1, v2), (2, v3), (3, v3)]);
    m.probe_index = m.order.iter().position(|n| *n == name(1)).expect("known");
    let (t, target, _, inds, tcp) = to_indirect(&mut m);
    assert_eq!(target, 1);
    assert_eq!(inds.len(), 2);
    assert!(
        inds.iter().all(|(_, i)| !i.nack),
        "PMax 3 peers send no nacks"
    );
    assert!(tcp.is_none(), "PMax 2 target gets no TCP ping");
    advance(&mut m, t + 1000 * MS);
    assert_eq!(state_of(&m, 1), Some(NodeState::Suspect));
    // Failed probe without expected nacks: +1.
    assert_eq!(m.health_score(), 1);
}

#[test]
fn relayed_ack_or_tcp_contact_prevents_suspicion() {
    let now = Instant::now();
    let mut m = prober(now, &[(1, V5), (2, V5), (3, V5)]);
    let (t, target, seq, inds, tcp) = to_indirect(&mut m);
    let relay = inds[0].0;
    m.handle_packet(addr(relay), &ack(seq), t + 700 * MS);
    assert!(
        m.delegate().pings.is_empty(),
        "indirect acks are not RTT samples"
    );
    advance(&mut m, t + 999 * MS);
    assert_eq!(state_of(&m, target), Some(NodeState::Alive));
    assert_eq!(m.health_score(), 0);
    let (id, _) = tcp.expect("tcp");
    // The TCP result arriving after the probe ended changes nothing.
    m.handle_stream_reply(id, Err("late".into()), t + 999 * MS);
    assert_eq!(state_of(&m, target), Some(NodeState::Alive));

    // Only TCP gets through: success, reported at the deadline.
    let (t, target, seq, _, tcp) = to_indirect(&mut m);
    let (id, _) = tcp.expect("tcp");
    let reply = StreamMessage::Ack(AckResp {
        payload: Vec::new(),
        seq_no: seq,
    });
    assert_eq!(
        m.handle_stream_reply(id, Ok(Some(reply)), t + 800 * MS),
        StreamOutcome::Ok
    );
    advance(&mut m, t + 1000 * MS);
    assert_eq!(state_of(&m, target), Some(NodeState::Alive));
    assert_eq!(m.health_score(), 0);

    // TCP result pending at the deadline: the probe waits for it.
    let (t, target, _, _, tcp) = to_indirect(&mut m);
    advance(&mut m, t + 1000 * MS);
    assert!(m.probe.is_some(), "still waiting for the TCP ping");
    assert_eq!(state_of(&m, target), Some(NodeState::Alive));
    let (id, _) = tcp.expect("tcp");
    m.handle_stream_reply(id, Err("timeout".into()), t + 1010 * MS);
    assert_eq!(state_of(&m, target), Some(NodeState::Suspect));
}

#[test]
fn suspect_targets_get_a_compound_ping_with_suspect_and_crc() {
    let now = Instant::now();
    let mut m = prober(now, &[(1, V5)]);
    let s = crate::codec::Suspect {
        from: name(2),
        incarnation: 1,
        node: name(1),
    };
    m.suspect_node(&s, now);
    let t = m.poll_timeout().expect("timer");
    m.handle_timeout(t);
    let out = drain(&mut m);
    let bytes = out
        .iter()
        .find_map(|o| match o {
            Output::Packet { to, bytes } if *to == addr(1) => Some(bytes.clone()),
            _ => None,
        })
        .expect("ping packet");
    assert_eq!(bytes[0], 12, "CRC for a PMax 5 peer on this path");
    let msgs = decode(&bytes);
    assert!(matches!(&msgs[..], [Message::Ping(p), Message::Suspect(s)]
        if p.node == name(1) && s.node == name(1) && s.from == name(0)));
}

#[test]
fn ping_handler_acks_to_source_address() {
    let now = Instant::now();
    let mut m = Memberlist::new(quiet_config(0), TestDelegate::default(), 1, now);
    let _ = m.broadcasts.get_broadcasts(2, 1 << 20, 1); // nothing left to piggy-back
    while !m.broadcasts.is_empty() {
        let _ = m.broadcasts.get_broadcasts(2, 1 << 20, 1);
    }
    let ping = |node: &str, src: bool| {
        Message::Ping(Ping {
            node: node.into(),
            seq_no: 9,
            source_addr: if src { vec![10, 0, 0, 8] } else { vec![] },
            source_node: "x".into(),
            source_port: if src { 7000 } else { 0 },
        })
        .encode()
    };
    m.handle_packet(addr(1), &ping("other", true), now);
    assert!(drain(&mut m).is_empty(), "ping for another node is dropped");
    m.handle_packet(addr(1), &ping(&name(0), true), now);
    let out = drain(&mut m);
    let to = SocketAddr::from(([10, 0, 0, 8], 7000));
    assert!(matches!(&packets_to(&out, to)[..], [Message::Ack(a)] if a.seq_no == 9));
    m.handle_packet(addr(1), &ping("", false), now);
    let out = drain(&mut m);
    assert!(matches!(&packets_to(&out, addr(1))[..], [Message::Ack(a)] if a.seq_no == 9));
}

#[test]
fn indirect_ping_handler_relays_ack_or_nacks() {
    let now = Instant::now();
    let mut m = Memberlist::new(quiet_config(0), TestDelegate::default(), 1, now);
    let req = |seq: u32, nack: bool| {
        Message::IndirectPing(IndirectPingReq {
            nack,
            node: name(2),
            port: 9094,
            seq_no: seq,
            source_addr: vec![10, 0, 0, 2],
            source_node: name(1),
            source_port: 9094,
            target: vec![10, 0, 0, 3],
        })
        .encode()
    };
    // Target answers: the ack is relayed with the requester's seq, no nack follows.
    m.handle_packet(addr(1), &req(77, true), now);
    let out = drain(&mut m);
    let pings = packets_to(&out, addr(2));
    let Some(Message::Ping(p)) = pings.iter().find(|x| matches!(x, Message::Ping(_))) else {
        panic!("no ping to target: {out:?}");
    };
    assert_eq!(p.node, name(2));
    assert_ne!(p.seq_no, 77, "fresh local seq");
    m.handle_packet(addr(2), &ack(p.seq_no), now + 100 * MS);
    let out = drain(&mut m);
    assert!(
        packets_to(&out, addr(1))
            .iter()
            .any(|x| matches!(x, Message::Ack(a) if a.seq_no == 77))
    );
    advance(&mut m, now + 2000 * MS);
    assert!(
        !packets_to(&drain(&mut m), addr(1))
            .iter()
            .any(|x| matches!(x, Message::Nack(_)))
    );

    // Target silent: nack after ProbeTimeout, only when asked for.
    let t = now + 3000 * MS;
    m.handle_packet(addr(1), &req(78, true), t);
    m.handle_packet(addr(1), &req(79, false), t);
    let _ = drain(&mut m);
    advance(&mut m, t + 499 * MS);
    assert!(drain(&mut m).is_empty());
    advance(&mut m, t + 500 * MS);
    let msgs = packets_to(&drain(&mut m), addr(1));
    let nacks: Vec<u32> = msgs
        .iter()
        .filter_map(|x| match x {
            Message::Nack(n) => Some(n.seq_no),
            _ => None,
        })
        .collect();
    assert_eq!(nacks, vec![78]);
    assert!(!msgs.iter().any(|x| matches!(x, Message::Ack(_))));
}

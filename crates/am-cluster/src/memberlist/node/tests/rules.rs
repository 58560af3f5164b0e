//! Incarnation rules, refutation and push/pull merge rules (`state.go` `aliveNode`,
//! `suspectNode`, `deadNode`, `refute`, `mergeState`, `verifyProtocol`).

use std::time::Instant;

use super::*;
use crate::codec::{Dead, PushNodeState, PushPull, StreamMessage, Suspect};

fn node0(now: Instant) -> Node {
    Memberlist::new(quiet_config(0), TestDelegate::default(), 7, now)
}

/// Pending memberlist broadcasts, decoded (consumes one transmit each).
fn bcasts(m: &mut Node) -> Vec<Message> {
    let n = m.order.len();
    m.broadcasts
        .get_broadcasts(2, 1 << 20, n)
        .iter()
        .flat_map(|b| decode(b))
        .collect()
}

fn suspect(i: usize, inc: u32, from: usize) -> Suspect {
    Suspect {
        from: name(from),
        incarnation: inc,
        node: name(i),
    }
}

fn dead(i: usize, inc: u32, from: usize) -> Dead {
    Dead {
        from: name(from),
        incarnation: inc,
        node: name(i),
    }
}

#[derive(Debug, Clone, Copy)]
enum Setup {
    Alive,
    Suspect,
    Dead,
    Left,
}

#[derive(Debug, Clone)]
enum In {
    Alive(u32),
    AliveAt(u32, u8),
    Suspect(u32),
    Dead(u32),
    Leave(u32),
}

/// Node 0 knows node 1 at incarnation 5 in `setup`, then receives `msg` about node 1.
fn apply(setup: Setup, msg: &In) -> (NodeState, u32, SocketAddr, Node) {
    let now = Instant::now();
    let mut m = node0(now);
    m.alive_node(&alive_msg(1, 5), false, now);
    match setup {
        Setup::Alive => {}
        Setup::Suspect => m.suspect_node(&suspect(1, 5, 2), now),
        Setup::Dead => m.dead_node(&dead(1, 5, 2), now),
        Setup::Left => m.dead_node(&dead(1, 5, 1), now),
    }
    match msg {
        In::Alive(inc) => m.alive_node(&alive_msg(1, *inc), false, now),
        In::AliveAt(inc, last) => {
            let mut a = alive_msg(1, *inc);
            a.addr = vec![10, 0, 9, *last];
            m.alive_node(&a, false, now)
        }
        In::Suspect(inc) => m.suspect_node(&suspect(1, *inc, 2), now),
        In::Dead(inc) => m.dead_node(&dead(1, *inc, 2), now),
        In::Leave(inc) => m.dead_node(&dead(1, *inc, 1), now),
    }
    let n = m.node(&name(1)).expect("node 1 known");
    (n.state, n.incarnation, n.addr, m)
}

#[test]
fn incarnation_rules_about_other_nodes() {
    use NodeState::{Alive as A, Dead as D, Left as L, Suspect as S};
    let cases: &[(Setup, In, NodeState, u32)] = &[
        (Setup::Alive, In::Alive(4), A, 5),
        (Setup::Alive, In::Alive(5), A, 5),
        (Setup::Alive, In::Alive(6), A, 6),
        (Setup::Suspect, In::Alive(5), S, 5),
        (Setup::Suspect, In::Alive(6), A, 6),
        (Setup::Dead, In::Alive(5), D, 5),
        (Setup::Dead, In::Alive(6), A, 6),
        (Setup::Left, In::Alive(6), A, 6),
        (Setup::Alive, In::Suspect(4), A, 5),
        (Setup::Alive, In::Suspect(5), S, 5),
        (Setup::Alive, In::Suspect(7), S, 7),
        (Setup::Suspect, In::Suspect(9), S, 5),
        (Setup::Dead, In::Suspect(6), D, 5),
        (Setup::Alive, In::Dead(4), A, 5),
        (Setup::Alive, In::Dead(5), D, 5),
        (Setup::Alive, In::Leave(6), L, 6),
        (Setup::Suspect, In::Dead(5), D, 5),
        (Setup::Suspect, In::Dead(4), S, 5),
        (Setup::Dead, In::Leave(6), D, 5),
        (Setup::Left, In::Dead(6), L, 5),
        // Address changes: a conflict unless the node left.
        (Setup::Alive, In::AliveAt(6, 7), A, 5),
        (Setup::Dead, In::AliveAt(6, 7), D, 5),
        (Setup::Left, In::AliveAt(5, 7), A, 5),
    ];
    for (setup, msg, want_state, want_inc) in cases {
        let (state, inc, _, _) = apply(*setup, msg);
        assert_eq!(
            (state, inc),
            (*want_state, *want_inc),
            "{setup:?} then {msg:?}"
        );
    }
    let (_, _, a, _) = apply(Setup::Left, &In::AliveAt(5, 7));
    assert_eq!(
        a,
        SocketAddr::from(([10, 0, 9, 7], 9094)),
        "left node reclaimed"
    );
    let (_, _, a, _) = apply(Setup::Alive, &In::AliveAt(6, 7));
    assert_eq!(a, addr(1), "conflicting address ignored");
}

#[test]
fn accepted_messages_are_rebroadcast_and_events_fire() {
    let (_, _, _, mut m) = apply(Setup::Dead, &In::Alive(6));
    assert_eq!(m.delegate().joins, vec![name(0), name(1), name(1)]);
    assert_eq!(m.delegate().leaves, vec![name(1)]);
    let b = bcasts(&mut m);
    // The queue keeps only the newest message per node name.
    assert!(
        b.iter()
            .any(|x| matches!(x, Message::Alive(a) if a.node == name(1) && a.incarnation == 6)),
        "{b:?}"
    );
    assert!(!b.iter().any(|x| matches!(x, Message::Dead(_))), "{b:?}");

    let (_, _, _, mut m) = apply(Setup::Alive, &In::Alive(4));
    let b = bcasts(&mut m);
    assert!(
        !b.iter()
            .any(|x| matches!(x, Message::Alive(a) if a.node == name(1) && a.incarnation == 4)),
        "stale alive must not be re-broadcast: {b:?}"
    );

    // Meta change → update event.
    let now = Instant::now();
    let mut m = node0(now);
    m.alive_node(&alive_msg(1, 1), false, now);
    let mut a = alive_msg(1, 2);
    a.meta = b"x".to_vec();
    m.alive_node(&a, false, now);
    assert_eq!(m.delegate().updates, vec![name(1)]);
}

#[test]
fn invalid_alives_are_ignored() {
    let now = Instant::now();
    let mut m = node0(now);
    for vsn in [vec![1, 5], vec![0, 5, 2, 0, 0, 0], vec![3, 2, 2, 0, 0, 0]] {
        m.alive_node(&alive_with_vsn(1, 3, vsn.clone()), false, now);
        assert_eq!(m.node(&name(1)), None, "vsn {vsn:?}");
    }
    // Incarnation 0 for an unknown node leaves only a dead placeholder.
    m.alive_node(&alive_msg(2, 0), false, now);
    assert_eq!(state_of(&m, 2), Some(NodeState::Dead));
    assert_eq!(m.num_members(), 1);
    assert!(m.delegate().joins.iter().all(|n| n != &name(2)));
    // Unknown nodes cannot be suspected or killed.
    m.suspect_node(&suspect(3, 1, 2), now);
    m.dead_node(&dead(3, 1, 2), now);
    assert_eq!(m.node(&name(3)), None);
}

#[test]
fn accusations_about_ourselves_are_refuted() {
    let now = Instant::now();
    // (message, our incarnation afterwards, refuted?)
    let cases: Vec<(In, u32, bool)> = vec![
        (In::Suspect(1), 2, true),
        (In::Suspect(0), 1, false),
        (In::Suspect(5), 6, true),
        (In::Dead(1), 2, true),
        (In::Dead(3), 4, true),
        (In::Dead(0), 1, false),
        (In::Alive(1), 1, false),
        (In::Alive(0), 1, false),
        (In::Alive(7), 8, true),
    ];
    for (msg, want_inc, refuted) in cases {
        let mut m = node0(now);
        while !m.broadcasts.is_empty() {
            let _ = bcasts(&mut m);
        }
        let me = name(0);
        match &msg {
            In::Suspect(inc) => m.suspect_node(&suspect(0, *inc, 1), now),
            In::Dead(inc) => m.dead_node(&dead(0, *inc, 1), now),
            In::Alive(inc) => m.alive_node(&alive_msg(0, *inc), false, now),
            _ => unreachable!(),
        }
        let local = m.local_node();
        assert_eq!(local.state, NodeState::Alive, "{msg:?}");
        assert_eq!(local.incarnation, want_inc, "{msg:?}");
        assert_eq!(m.health_score(), usize::from(refuted), "{msg:?}");
        let b = bcasts(&mut m);
        let refute = b
            .iter()
            .any(|x| matches!(x, Message::Alive(a) if a.node == me && a.incarnation == want_inc));
        assert_eq!(refute, refuted, "{msg:?}: {b:?}");
    }
    // Same incarnation but different meta: refute.
    let mut m = node0(now);
    let mut a = alive_msg(0, 1);
    a.meta = b"other".to_vec();
    m.alive_node(&a, false, now);
    assert_eq!(m.local_node().incarnation, 2);
}

#[test]
fn after_leaving_alive_about_us_is_ignored() {
    let now = Instant::now();
    let mut m = node0(now);
    m.leave(now);
    assert_eq!(m.local_node().state, NodeState::Left);
    assert!(m.leave_done(), "nobody else alive");
    m.alive_node(&alive_msg(0, 9), false, now);
    m.suspect_node(&suspect(0, 9, 1), now);
    m.dead_node(&dead(0, 9, 1), now);
    let me = m.local_node();
    assert_eq!((me.state, me.incarnation), (NodeState::Left, 1));
    assert_eq!(m.num_members(), 0);
}

fn pns(i: usize, inc: u32, state: i64) -> PushNodeState {
    PushNodeState {
        addr: vec![10, 0, 0, i as u8 + 1],
        incarnation: inc,
        meta: Vec::new(),
        name: name(i),
        port: 9094,
        state,
        vsn: vec![1, 5, 2, 0, 0, 0],
    }
}

#[test]
fn push_pull_merge_rules() {
    let now = Instant::now();
    let mut m = node0(now);
    for i in 1..=4 {
        m.alive_node(&alive_msg(i, 1), false, now);
    }
    let remote = PushPull {
        join: true,
        nodes: vec![
            pns(1, 2, 0), // alive, newer → alive inc 2
            pns(2, 1, 3), // left → left
            pns(3, 1, 2), // dead → only suspect
            pns(4, 1, 1), // suspect → suspect
            pns(5, 3, 0), // unknown alive → added
            pns(6, 3, 2), // unknown dead → ignored
        ],
        user_state: b"state".to_vec(),
    };
    let reply = m.handle_stream(addr(1), StreamMessage::PushPull(remote), now);
    let Some(StreamMessage::PushPull(reply)) = reply else {
        panic!("expected push/pull reply, got {reply:?}");
    };
    assert!(reply.join);
    // The reply carries our state from before the merge.
    assert_eq!(reply.nodes.len(), 5);
    assert!(
        reply
            .nodes
            .iter()
            .all(|n| n.state == 0 && n.vsn == [1, 5, 2, 0, 0, 0])
    );
    let st = |i| (state_of(&m, i), m.node(&name(i)).map(|n| n.incarnation));
    assert_eq!(st(1), (Some(NodeState::Alive), Some(2)));
    assert_eq!(st(2), (Some(NodeState::Left), Some(1)));
    assert_eq!(st(3), (Some(NodeState::Suspect), Some(1)));
    assert_eq!(st(4), (Some(NodeState::Suspect), Some(1)));
    assert_eq!(st(5), (Some(NodeState::Alive), Some(3)));
    assert_eq!(st(6), (None, None));
    assert_eq!(m.delegate().merged, vec![(b"state".to_vec(), true)]);
}

#[test]
fn push_pull_version_check_refuses_incompatible_state() {
    let now = Instant::now();
    let mut m = node0(now);
    let id = m.join(&[addr(1)], now)[0];
    let out = drain(&mut m);
    assert!(matches!(
        &out[..],
        [Output::Stream { msg: StreamMessage::PushPull(pp), expect_reply: true, .. }]
            if pp.join && pp.nodes.len() == 1
    ));
    let mut bad = pns(1, 1, 0);
    bad.vsn = vec![1, 5, 9, 0, 0, 0]; // speaks protocol 9
    let pp = PushPull {
        join: true,
        nodes: vec![bad],
        user_state: b"s".to_vec(),
    };
    let outcome = m.handle_stream_reply(id, Ok(Some(StreamMessage::PushPull(pp))), now);
    assert!(
        matches!(&outcome, StreamOutcome::Failed(e) if e.contains("incompatible")),
        "{outcome:?}"
    );
    assert_eq!(m.node(&name(1)), None);
    assert!(m.delegate().merged.is_empty());

    // An error reply and a failed dial are failures too; a stale id is rejected.
    let id = m.join(&[addr(1)], now)[0];
    let err = StreamMessage::Err(crate::codec::ErrResp {
        error: "boom".into(),
    });
    assert_eq!(
        m.handle_stream_reply(id, Ok(Some(err)), now),
        StreamOutcome::Failed("remote error: boom".into())
    );
    let id = m.join(&[addr(1)], now)[0];
    assert_eq!(
        m.handle_stream_reply(id, Err("refused".into()), now),
        StreamOutcome::Failed("refused".into())
    );
    assert!(matches!(
        m.handle_stream_reply(id, Err("x".into()), now),
        StreamOutcome::Failed(_)
    ));

    // A good reply merges and succeeds, with the delegate told it was a join.
    let id = m.join(&[addr(1)], now)[0];
    let pp = PushPull {
        join: true,
        nodes: vec![pns(1, 1, 0)],
        user_state: b"s".to_vec(),
    };
    assert_eq!(
        m.handle_stream_reply(id, Ok(Some(StreamMessage::PushPull(pp))), now),
        StreamOutcome::Ok
    );
    assert_eq!(state_of(&m, 1), Some(NodeState::Alive));
    assert_eq!(m.delegate().merged, vec![(b"s".to_vec(), true)]);
}

#[test]
fn incoming_user_and_ping_streams() {
    let now = Instant::now();
    let mut m = node0(now);
    assert_eq!(
        m.handle_stream(addr(1), StreamMessage::User(b"hi".to_vec()), now),
        None
    );
    assert_eq!(m.delegate().msgs, vec![b"hi".to_vec()]);
    let ping = |node: &str| {
        StreamMessage::Ping(crate::codec::Ping {
            node: node.into(),
            seq_no: 42,
            ..Default::default()
        })
    };
    for ok in ["", "node-0"] {
        match m.handle_stream(addr(1), ping(ok), now) {
            Some(StreamMessage::Ack(a)) => assert_eq!(a.seq_no, 42),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        m.handle_stream(addr(1), ping("someone-else"), now),
        Some(StreamMessage::Err(_))
    ));
    // send_reliable goes to the named node's address, no reply expected.
    assert_eq!(m.send_reliable("nobody", b"x".to_vec(), now), None);
    m.alive_node(&alive_msg(1, 1), false, now);
    let id = m
        .send_reliable(&name(1), b"x".to_vec(), now)
        .expect("known");
    let out = drain(&mut m);
    assert!(matches!(
        &out[..],
        [Output::Stream { id: i, to, msg: StreamMessage::User(b), expect_reply: false, .. }]
            if *i == id && *to == addr(1) && b == b"x"
    ));
    assert_eq!(m.handle_stream_reply(id, Ok(None), now), StreamOutcome::Ok);
}

#[test]
fn suspicion_confirmations_in_a_five_node_cluster() {
    let t0 = Instant::now();
    // The timeouts scale with ProbeInterval; keep the interval but stop the probe loop.
    let mut c = quiet_config(0);
    c.probe_interval = std::time::Duration::from_secs(1);
    let mut m = Memberlist::new(c, TestDelegate::default(), 7, t0);
    m.probe_tick = None;
    for i in 1..=4 {
        m.alive_node(&alive_msg(i, 1), false, t0);
    }
    while !m.broadcasts.is_empty() {
        let _ = bcasts(&mut m);
    }
    let sec = std::time::Duration::from_secs(1);
    m.suspect_node(&suspect(1, 1, 2), t0);
    assert_eq!(
        m.poll_timeout(),
        Some(t0 + 24 * sec),
        "only the suspicion timer"
    );
    assert_eq!(m.suspicions[&name(1)].fire_at(), Some(t0 + 24 * sec));
    // A repeated accuser is no confirmation and is not re-broadcast.
    while !m.broadcasts.is_empty() {
        let _ = bcasts(&mut m);
    }
    m.suspect_node(&suspect(1, 1, 2), t0 + sec);
    assert!(m.broadcasts.is_empty());
    assert_eq!(m.suspicions[&name(1)].fire_at(), Some(t0 + 24 * sec));
    // First independent confirmation: 11.381s, and the suspect is re-broadcast.
    while !m.broadcasts.is_empty() {
        let _ = bcasts(&mut m);
    }
    m.suspect_node(&suspect(1, 1, 3), t0 + sec);
    assert_eq!(
        m.poll_timeout(),
        Some(t0 + std::time::Duration::from_millis(11381))
    );
    assert!(
        bcasts(&mut m)
            .iter()
            .any(|x| matches!(x, Message::Suspect(s) if s.from == name(3)))
    );
    // Second: the 4s minimum.
    m.suspect_node(&suspect(1, 1, 4), t0 + 2 * sec);
    assert_eq!(m.poll_timeout(), Some(t0 + 4 * sec));
    m.handle_timeout(t0 + 4 * sec - std::time::Duration::from_millis(1));
    assert_eq!(state_of(&m, 1), Some(NodeState::Suspect));
    m.handle_timeout(t0 + 4 * sec);
    assert_eq!(state_of(&m, 1), Some(NodeState::Dead));
    assert!(
        bcasts(&mut m)
            .iter()
            .any(|x| matches!(x, Message::Dead(d) if d.node == name(1) && d.from == name(0)))
    );
    // A refute (alive with a higher incarnation) revives it and clears the timer.
    m.alive_node(&alive_msg(1, 2), false, t0 + 5 * sec);
    assert_eq!(state_of(&m, 1), Some(NodeState::Alive));
    assert!(m.suspicions.is_empty());
}

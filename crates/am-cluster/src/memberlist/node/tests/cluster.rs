//! End-to-end behaviour of several nodes on the in-memory network: join, failure detection
//! within the suspicion bounds, refutation of a false suspicion, leave and reaping.

use std::time::Duration;

use super::*;

const SEC: Duration = Duration::from_secs(1);

#[test]
fn join_converges_and_fires_join_events() {
    let net = Net::joined(3, |_| {});
    for m in &net.nodes {
        let mut joins = m.delegate().joins.clone();
        joins.sort();
        assert_eq!(
            joins,
            vec![name(0), name(1), name(2)],
            "{}",
            m.config().name
        );
        assert_eq!(m.health_score(), 0);
        assert!(
            m.members()
                .iter()
                .all(|n| n.incarnation == 1 && n.vsn == [1, 5, 2, 0, 0, 0])
        );
    }
    // Join push/pulls succeeded.
    assert!(net.outcomes.iter().all(|(_, _, o)| *o == StreamOutcome::Ok));
    // Everyone probed someone and got RTT samples.
    assert!(net.nodes.iter().all(|m| !m.delegate().pings.is_empty()));
}

#[test]
fn join_failure_is_reported() {
    let mut net = Net::new(2, |_| {});
    net.down.insert(1);
    let now = net.now;
    let id = net.nodes[0].join(&[addr(1)], now)[0];
    net.deliver();
    assert!(
        net.outcomes
            .iter()
            .any(|(i, sid, o)| *i == 0 && *sid == id && matches!(o, StreamOutcome::Failed(_)))
    );
    assert_eq!(net.nodes[0].num_members(), 1);
}

#[test]
fn crashed_node_is_suspected_then_declared_dead() {
    let mut net = Net::joined(3, |_| {});
    net.down.insert(2);
    let start = net.now;
    let mut suspect_at = None;
    let mut dead_at = None;
    while dead_at.is_none() && net.now < start + 30 * SEC {
        net.run_for(Duration::from_millis(50));
        let s = state_of(&net.nodes[0], 2);
        if suspect_at.is_none() && s == Some(NodeState::Suspect) {
            suspect_at = Some(net.now);
        }
        if s == Some(NodeState::Dead) {
            dead_at = Some(net.now);
        }
    }
    let suspect_at = suspect_at.expect("suspected");
    let dead_at = dead_at.expect("declared dead");
    // Detection needs at most a couple of probe rounds (awareness may stretch them).
    assert!(suspect_at - start <= 6 * SEC, "{:?}", suspect_at - start);
    // 3 nodes: no confirmations expected, so the timeout is the 4s minimum.
    let sus = dead_at - suspect_at;
    assert!(
        sus >= Duration::from_millis(3950) && sus <= Duration::from_millis(4100),
        "{sus:?}"
    );
    net.run_for(2 * SEC);
    assert_eq!(state_of(&net.nodes[1], 2), Some(NodeState::Dead));
    assert_eq!(net.nodes[0].num_members(), 2);
    assert_eq!(net.nodes[1].num_members(), 2);
    assert!(net.nodes[0].delegate().leaves.contains(&name(2)));
}

#[test]
fn false_suspicion_is_refuted() {
    let mut net = Net::joined(3, |_| {});
    for other in [0, 1] {
        net.udp_blocked.insert((other, 2));
        net.udp_blocked.insert((2, other));
        net.tcp_blocked.insert((other, 2));
        net.tcp_blocked.insert((2, other));
    }
    let mut suspected = false;
    for _ in 0..60 {
        net.run_for(Duration::from_millis(50));
        if (0..2).any(|i| state_of(&net.nodes[i], 2) == Some(NodeState::Suspect)) {
            suspected = true;
            break;
        }
    }
    assert!(suspected, "node 2 should be suspected while cut off");
    net.udp_blocked.clear();
    net.tcp_blocked.clear();
    net.run_for(10 * SEC);
    for m in &net.nodes {
        assert_eq!(m.num_members(), 3, "{}: {:?}", m.config().name, m.nodes());
        let n2 = m.node(&name(2)).expect("known");
        assert_eq!(n2.state, NodeState::Alive);
        assert!(n2.incarnation >= 2, "refuted with a higher incarnation");
    }
}

#[test]
fn leave_is_recorded_as_left_and_reaped_later() {
    let mut net = Net::joined(3, |_| {});
    let now = net.now;
    net.nodes[2].leave(now);
    assert!(
        !net.nodes[2].leave_done(),
        "others are alive: wait for the broadcast"
    );
    let mut waited = Duration::ZERO;
    while !net.nodes[2].leave_done() {
        net.run_for(Duration::from_millis(100));
        waited += Duration::from_millis(100);
        assert!(waited < 10 * SEC, "leave broadcast never finished");
    }
    net.down.insert(2);
    net.run_for(SEC);
    for i in 0..2 {
        assert_eq!(
            state_of(&net.nodes[i], 2),
            Some(NodeState::Left),
            "node {i}"
        );
        assert_eq!(net.nodes[i].num_members(), 2);
        assert!(net.nodes[i].delegate().leaves.contains(&name(2)));
    }
    // Left nodes are reaped once GossipToTheDeadTime passed and the probe list wrapped.
    net.run_for(35 * SEC);
    for i in 0..2 {
        assert_eq!(net.nodes[i].node(&name(2)), None, "node {i}");
        assert_eq!(net.nodes[i].est_num_nodes(), 2);
    }
}

#[test]
fn partition_heals_after_rejoin_with_refutation() {
    let mut net = Net::joined(3, |_| {});
    let cut = |net: &mut Net, on: bool| {
        for other in [0, 1] {
            for pair in [(other, 2), (2, other)] {
                if on {
                    net.udp_blocked.insert(pair);
                    net.tcp_blocked.insert(pair);
                } else {
                    net.udp_blocked.remove(&pair);
                    net.tcp_blocked.remove(&pair);
                }
            }
        }
    };
    cut(&mut net, true);
    net.run_for(12 * SEC);
    assert_eq!(state_of(&net.nodes[0], 2), Some(NodeState::Dead));
    assert_eq!(state_of(&net.nodes[2], 0), Some(NodeState::Dead));
    assert_eq!(net.nodes[2].num_members(), 1);
    // memberlist alone does not heal this (each side only probes and push/pulls nodes it
    // believes alive, and the dead broadcasts are used up); Alertmanager's reconnect loop
    // re-joins failed peers. The join push/pulls make both sides refute the accusations.
    cut(&mut net, false);
    net.run_for(5 * SEC);
    assert_eq!(net.nodes[2].num_members(), 1, "no healing without a join");
    net.join(2, 0);
    net.join(2, 1);
    net.run_for(10 * SEC);
    for m in &net.nodes {
        assert_eq!(m.num_members(), 3, "{}: {:?}", m.config().name, m.nodes());
    }
}

#[test]
fn periodic_push_pull_exchanges_delegate_state() {
    let mut net = Net::joined(3, |c| c.push_pull_interval = Duration::from_secs(10));
    for (i, m) in net.nodes.iter_mut().enumerate() {
        m.delegate_mut().local_state = format!("state-{i}").into_bytes();
        m.delegate_mut().merged.clear();
    }
    let before = net.outcomes.len();
    net.run_for(25 * SEC);
    let ok = net.outcomes[before..]
        .iter()
        .filter(|(_, _, o)| *o == StreamOutcome::Ok)
        .count();
    // Each node starts at least two push/pulls in 25s (10s interval).
    assert!(ok >= 3 * 2, "{ok}");
    for (i, m) in net.nodes.iter().enumerate() {
        let merged = &m.delegate().merged;
        assert!(!merged.is_empty(), "node {i}");
        for (buf, join) in merged {
            assert!(!join);
            assert_ne!(
                buf,
                &format!("state-{i}").into_bytes(),
                "never our own state"
            );
        }
    }
}

#[test]
fn user_messages_piggy_back_on_gossip() {
    let mut net = Net::joined(3, |_| {});
    net.nodes[0]
        .delegate_mut()
        .user_queue
        .push(b"payload".to_vec());
    net.run_for(SEC);
    let got: usize = (1..3)
        .map(|i| {
            net.nodes[i]
                .delegate()
                .msgs
                .iter()
                .filter(|m| *m == b"payload")
                .count()
        })
        .sum();
    assert_eq!(got, 1, "the test delegate hands each message out once");
}

//! The node table's update rules (memberlist `state.go` `aliveNode`, `suspectNode`,
//! `deadNode`, `refute`, `mergeState`, `verifyProtocol`, `resetNodes`): incarnation numbers
//! decide which message wins, suspicion starts Lifeguard timers, and accusations about
//! ourselves are refuted with a higher incarnation.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Instant;

use rand::seq::SliceRandom;

use super::Memberlist;
use super::suspicion::{Suspicion, suspicion_timeout};
use crate::codec::{Alive, Dead, Message, PushNodeState, Suspect};
use crate::memberlist::{Delegate, NodeInfo, NodeState};

/// One entry of the node table (memberlist `nodeState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeEntry {
    pub(crate) name: String,
    pub(crate) addr: SocketAddr,
    pub(crate) meta: Vec<u8>,
    pub(crate) incarnation: u32,
    pub(crate) state: NodeState,
    /// Last state change; `None` is Go's zero time (a placeholder that was never alive).
    pub(crate) state_change: Option<Instant>,
    pub(crate) vsn: [u8; 6],
}

impl NodeEntry {
    pub(crate) fn dead_or_left(&self) -> bool {
        matches!(self.state, NodeState::Dead | NodeState::Left)
    }

    pub(crate) fn pmax(&self) -> u8 {
        self.vsn[1]
    }

    pub(crate) fn info(&self) -> NodeInfo {
        NodeInfo {
            name: self.name.clone(),
            addr: self.addr,
            meta: self.meta.clone(),
            state: self.state,
            incarnation: self.incarnation,
            vsn: self.vsn,
        }
    }

    /// This entry as a push/pull `pushNodeState`.
    pub(crate) fn push_state(&self) -> PushNodeState {
        PushNodeState {
            addr: ip_bytes(&self.addr),
            incarnation: self.incarnation,
            meta: self.meta.clone(),
            name: self.name.clone(),
            port: self.addr.port(),
            state: state_to_wire(self.state),
            vsn: self.vsn.to_vec(),
        }
    }

    /// How long ago the state changed is more than `d` (a zero time is infinitely long ago).
    pub(crate) fn changed_before(&self, now: Instant, d: std::time::Duration) -> bool {
        match self.state_change {
            None => true,
            Some(t) => now.saturating_duration_since(t) > d,
        }
    }
}

/// `NodeStateType` as sent on the wire.
pub(crate) fn state_to_wire(s: NodeState) -> i64 {
    match s {
        NodeState::Alive => 0,
        NodeState::Suspect => 1,
        NodeState::Dead => 2,
        NodeState::Left => 3,
    }
}

/// IP bytes as memberlist sends them: 4 bytes for IPv4 (`To4()`), 16 for IPv6.
pub(crate) fn ip_bytes(addr: &SocketAddr) -> Vec<u8> {
    match addr.ip() {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets().to_vec(),
        },
    }
}

/// Builds a socket address from wire IP bytes (4 or 16; v4-mapped IPv6 becomes IPv4, as Go
/// prints it). Anything else is unusable.
pub(crate) fn socket_addr(ip: &[u8], port: u16) -> Option<SocketAddr> {
    let ip = match ip.len() {
        4 => IpAddr::V4(Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3])),
        16 => {
            let mut b = [0u8; 16];
            b.copy_from_slice(ip);
            let v6 = Ipv6Addr::from(b);
            match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(v6),
            }
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

impl<D: Delegate> Memberlist<D> {
    /// Queues a memberlist broadcast keyed by `name` (invalidating older ones for it).
    pub(super) fn queue_node_broadcast(&mut self, name: &str, msg: Message) {
        self.broadcasts
            .queue_broadcast(Some(name.to_string()), msg.encode());
    }

    /// `aliveNode`.
    pub(super) fn alive_node(&mut self, a: &Alive, bootstrap: bool, now: Instant) {
        let is_local = self.is_local(&a.node);
        if self.left && is_local {
            return;
        }
        if a.vsn.len() >= 3 && (a.vsn[0] == 0 || a.vsn[1] == 0 || a.vsn[0] > a.vsn[1]) {
            return;
        }
        // Alertmanager installs an Alive delegate, which makes a full Vsn mandatory.
        if a.vsn.len() < 6 {
            return;
        }
        let Some(addr) = socket_addr(&a.addr, a.port) else {
            self.dropped += 1;
            return;
        };
        let mut vsn = [0u8; 6];
        vsn.copy_from_slice(&a.vsn[..6]);
        self.delegate.notify_alive(&NodeInfo {
            name: a.node.clone(),
            addr,
            meta: a.meta.clone(),
            state: NodeState::Alive,
            incarnation: a.incarnation,
            vsn,
        });

        let mut updates_node = false;
        match self.map.get(&a.node) {
            None => {
                let entry = NodeEntry {
                    name: a.node.clone(),
                    addr,
                    meta: a.meta.clone(),
                    incarnation: 0,
                    state: NodeState::Dead,
                    state_change: None,
                    vsn,
                };
                self.map.insert(a.node.clone(), entry);
                let n = self.order.len();
                let offset = self.random_offset(n);
                self.order.push(a.node.clone());
                self.order.swap(offset, n);
            }
            Some(existing) if existing.addr != addr => {
                // DeadNodeReclaimTime is 0: only a left node's address may change.
                if existing.state == NodeState::Left {
                    updates_node = true;
                } else {
                    // Conflict (AM installs no Conflict delegate): ignore.
                    return;
                }
            }
            Some(_) => {}
        }
        let Some(st) = self.map.get(&a.node) else {
            return;
        };
        if a.incarnation <= st.incarnation && !is_local && !updates_node {
            return;
        }
        if a.incarnation < st.incarnation && is_local {
            return;
        }
        self.suspicions.remove(&a.node);
        let old_state = st.state;
        let old_meta = st.meta.clone();

        if !bootstrap && is_local {
            if a.incarnation == st.incarnation && a.meta == st.meta && a.vsn[..] == st.vsn[..] {
                return;
            }
            self.refute(a.incarnation);
        } else {
            self.queue_node_broadcast(&a.node, Message::Alive(a.clone()));
            let Some(st) = self.map.get_mut(&a.node) else {
                return;
            };
            st.vsn = vsn;
            st.incarnation = a.incarnation;
            st.meta = a.meta.clone();
            st.addr = addr;
            if st.state != NodeState::Alive {
                st.state = NodeState::Alive;
                st.state_change = Some(now);
            }
        }

        let Some(info) = self.map.get(&a.node).map(NodeEntry::info) else {
            return;
        };
        if matches!(old_state, NodeState::Dead | NodeState::Left) {
            self.delegate.notify_join(&info);
        } else if old_meta != info.meta {
            self.delegate.notify_update(&info);
        }
    }

    /// `suspectNode`.
    pub(super) fn suspect_node(&mut self, s: &Suspect, now: Instant) {
        let Some(st) = self.map.get(&s.node) else {
            return;
        };
        if s.incarnation < st.incarnation {
            return;
        }
        if let Some(timer) = self.suspicions.get_mut(&s.node) {
            if timer.confirm(&s.from, now) {
                self.queue_node_broadcast(&s.node, Message::Suspect(s.clone()));
            }
            return;
        }
        if st.state != NodeState::Alive {
            return;
        }
        if self.is_local(&s.node) {
            self.refute(s.incarnation);
            return;
        }
        self.queue_node_broadcast(&s.node, Message::Suspect(s.clone()));
        if let Some(st) = self.map.get_mut(&s.node) {
            st.incarnation = s.incarnation;
            st.state = NodeState::Suspect;
            st.state_change = Some(now);
        }
        // Expect SuspicionMult - 2 confirmations, unless the cluster is too small to give
        // them (n - 2 excludes ourselves and the suspect).
        let n = self.order.len();
        let mut k = self.config.suspicion_mult.saturating_sub(2);
        if (n as i64) - 2 < k as i64 {
            k = 0;
        }
        let min = suspicion_timeout(self.config.suspicion_mult, n, self.config.probe_interval);
        let max = min.saturating_mul(self.config.suspicion_max_timeout_mult as u32);
        self.suspicions
            .insert(s.node.clone(), Suspicion::new(&s.from, k, min, max, now));
    }

    /// A suspicion timer fired: declare the node dead if it is still suspect since then.
    pub(super) fn suspicion_timeout(&mut self, name: &str, now: Instant) {
        let Some(timer) = self.suspicions.get_mut(name) else {
            return;
        };
        if timer.take_due(now).is_none() {
            return;
        }
        let start = timer.start();
        let d = match self.map.get(name) {
            Some(st) if st.state == NodeState::Suspect && st.state_change == Some(start) => Dead {
                from: self.config.name.clone(),
                incarnation: st.incarnation,
                node: st.name.clone(),
            },
            _ => return,
        };
        self.dead_node(&d, now);
    }

    /// `deadNode`.
    pub(super) fn dead_node(&mut self, d: &Dead, now: Instant) {
        let Some(st) = self.map.get(&d.node) else {
            return;
        };
        if d.incarnation < st.incarnation {
            return;
        }
        self.suspicions.remove(&d.node);
        if st.dead_or_left() {
            return;
        }
        if self.is_local(&d.node) && !self.left {
            self.refute(d.incarnation);
            return;
        }
        // When leaving, this is the leave broadcast `leave_done` waits for.
        self.queue_node_broadcast(&d.node, Message::Dead(d.clone()));
        let Some(st) = self.map.get_mut(&d.node) else {
            return;
        };
        st.incarnation = d.incarnation;
        st.state = if d.node == d.from {
            NodeState::Left
        } else {
            NodeState::Dead
        };
        st.state_change = Some(now);
        let info = st.info();
        self.delegate.notify_leave(&info);
    }

    /// `refute`: beat `accused_inc` with a fresh incarnation and broadcast an alive about us.
    pub(super) fn refute(&mut self, accused_inc: u32) {
        let mut inc = self.next_incarnation();
        if accused_inc >= inc {
            self.incarnation = accused_inc.wrapping_add(1);
            inc = self.incarnation;
        }
        self.awareness.apply_delta(1);
        let name = self.config.name.clone();
        let Some(me) = self.map.get_mut(&name) else {
            return;
        };
        me.incarnation = inc;
        let a = Alive {
            addr: ip_bytes(&me.addr),
            incarnation: inc,
            meta: me.meta.clone(),
            node: me.name.clone(),
            port: me.addr.port(),
            vsn: me.vsn.to_vec(),
        };
        // memberlist keys a refute by our IP string, not our name.
        let key = me.addr.ip().to_string();
        self.queue_node_broadcast(&key, Message::Alive(a));
    }

    /// `mergeState`: apply a push/pull peer's view of every node.
    pub(super) fn merge_state(&mut self, remote: &[PushNodeState], now: Instant) {
        for r in remote {
            match r.state {
                0 => {
                    let a = Alive {
                        addr: r.addr.clone(),
                        incarnation: r.incarnation,
                        meta: r.meta.clone(),
                        node: r.name.clone(),
                        port: r.port,
                        vsn: r.vsn.clone(),
                    };
                    self.alive_node(&a, false, now);
                }
                3 => {
                    let d = Dead {
                        from: r.name.clone(),
                        incarnation: r.incarnation,
                        node: r.name.clone(),
                    };
                    self.dead_node(&d, now);
                }
                // A remote "dead" only makes us suspect the node.
                1 | 2 => {
                    let s = Suspect {
                        from: self.config.name.clone(),
                        incarnation: r.incarnation,
                        node: r.name.clone(),
                    };
                    self.suspect_node(&s, now);
                }
                _ => {}
            }
        }
    }

    /// `verifyProtocol`: every node's current protocol and delegate versions must lie in the
    /// range every alive node understands.
    pub(super) fn verify_protocol(&self, remote: &[PushNodeState]) -> Result<(), String> {
        let (mut maxpmin, mut minpmax, mut maxdmin, mut mindmax) = (0u8, u8::MAX, 0u8, u8::MAX);
        for rn in remote {
            if rn.state != 0 || rn.vsn.is_empty() {
                continue;
            }
            if rn.vsn.len() < 6 {
                return Err(format!("node '{}' has a short version vector", rn.name));
            }
            maxpmin = maxpmin.max(rn.vsn[0]);
            minpmax = minpmax.min(rn.vsn[1]);
            maxdmin = maxdmin.max(rn.vsn[3]);
            mindmax = mindmax.min(rn.vsn[4]);
        }
        for n in self.entries().filter(|n| n.state == NodeState::Alive) {
            maxpmin = maxpmin.max(n.vsn[0]);
            minpmax = minpmax.min(n.vsn[1]);
            maxdmin = maxdmin.max(n.vsn[3]);
            mindmax = mindmax.min(n.vsn[4]);
        }
        let check = |name: &str, pcur: u8, dcur: u8| -> Result<(), String> {
            if pcur < maxpmin || pcur > minpmax {
                return Err(format!(
                    "node '{name}' protocol version ({pcur}) is incompatible: [{maxpmin}, {minpmax}]"
                ));
            }
            if dcur < maxdmin || dcur > mindmax {
                return Err(format!(
                    "node '{name}' delegate protocol version ({dcur}) is incompatible: [{maxdmin}, {mindmax}]"
                ));
            }
            Ok(())
        };
        for rn in remote {
            let (pcur, dcur) = match rn.vsn.len() {
                0 => (0, 0),
                6.. => (rn.vsn[2], rn.vsn[5]),
                _ => return Err(format!("node '{}' has a short version vector", rn.name)),
            };
            check(&rn.name, pcur, dcur)?;
        }
        for n in self.entries() {
            check(&n.name, n.vsn[2], n.vsn[5])?;
        }
        Ok(())
    }

    /// `resetNodes`: reap nodes dead or left for longer than GossipToTheDeadTime, then
    /// shuffle the probe order.
    pub(super) fn reset_nodes(&mut self, now: Instant) {
        let gttd = self.config.gossip_to_the_dead_time;
        let map = &mut self.map;
        self.order.retain(|name| {
            let reap = map
                .get(name)
                .is_none_or(|n| n.dead_or_left() && n.changed_before(now, gttd));
            if reap {
                map.remove(name);
            }
            !reap
        });
        self.order.shuffle(&mut self.rng);
    }
}

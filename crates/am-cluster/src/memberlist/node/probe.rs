//! Failure detection (memberlist `state.go` `probe`, `probeNode`, ack handlers; `net.go`
//! `handlePing`, `handleIndirectPing`, `handleAck`, `handleNack`): round-robin probing with
//! a direct ping, then indirect pings through up to IndirectChecks peers plus a TCP ping
//! fallback, then suspicion; relaying indirect pings for others.

use std::net::SocketAddr;
use std::time::Instant;

use super::state::{NodeEntry, ip_bytes, socket_addr};
use super::{Memberlist, PendingStream};
use crate::codec::{
    AckResp, IndirectPingReq, Message, NackResp, Ping, StreamMessage, Suspect,
    make_compound_message,
};
use crate::memberlist::{Delegate, NodeState, StreamId, StreamOutcome};

/// Where a probe stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Waiting ProbeTimeout for a direct ack.
    Direct,
    /// Indirect pings (and maybe a TCP ping) sent; waiting until the deadline.
    Indirect,
    /// Deadline passed; waiting for the TCP ping's outcome.
    AwaitTcp,
}

/// The TCP ping fallback's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TcpPing {
    NotTried,
    Pending(StreamId),
    Done(bool),
}

/// The probe in flight (one at a time, like memberlist's synchronous `probeNode`).
#[derive(Debug, Clone)]
pub(crate) struct ProbeState {
    pub(crate) seq: u32,
    /// Snapshot of the target when the probe started.
    pub(crate) node: NodeEntry,
    pub(crate) sent: Instant,
    pub(crate) phase: Phase,
    /// End of the direct phase (sent + ProbeTimeout).
    pub(crate) timeout_at: Instant,
    /// sent + ProbeInterval × (awareness + 1); the ack handler lives until then.
    pub(crate) deadline: Instant,
    pub(crate) expected_nacks: usize,
    pub(crate) nacks: usize,
    pub(crate) tcp: TcpPing,
}

/// An indirect ping we are relaying for another node.
#[derive(Debug, Clone)]
pub(crate) struct Relay {
    /// The requester's sequence number.
    pub(crate) orig_seq: u32,
    pub(crate) reply_to: SocketAddr,
    pub(crate) nack: bool,
    /// ProbeTimeout after the request: handler reaped, nack sent if wanted.
    pub(crate) expires: Instant,
}

/// `SourceAddr:SourcePort` when both are set, else the packet's source.
fn reply_addr(source_addr: &[u8], source_port: u16, from: SocketAddr) -> Option<SocketAddr> {
    if !source_addr.is_empty() && source_port > 0 {
        socket_addr(source_addr, source_port)
    } else {
        Some(from)
    }
}

impl<D: Delegate> Memberlist<D> {
    /// When the current probe's phase ends.
    pub(super) fn probe_phase_deadline(&self) -> Option<Instant> {
        let p = self.probe.as_ref()?;
        Some(match p.phase {
            Phase::Direct => p.timeout_at.min(p.deadline),
            Phase::Indirect => p.deadline,
            Phase::AwaitTcp => p.deadline + self.config.probe_timeout,
        })
    }

    fn self_ping(&self, seq: u32, target: &str) -> Ping {
        Ping {
            node: target.to_string(),
            seq_no: seq,
            source_addr: ip_bytes(&self.config.advertise),
            source_node: self.config.name.clone(),
            source_port: self.config.advertise.port(),
        }
    }

    /// `probe`: pick the next node round-robin (skipping ourselves, dead and left nodes;
    /// reaping and reshuffling when the index wraps) and probe it.
    pub(super) fn probe_round(&mut self, now: Instant) {
        let mut num_check = 0;
        loop {
            if num_check >= self.order.len() {
                return;
            }
            if self.probe_index >= self.order.len() {
                self.reset_nodes(now);
                self.probe_index = 0;
                num_check += 1;
                continue;
            }
            let name = &self.order[self.probe_index];
            self.probe_index += 1;
            let node = match self.map.get(name) {
                Some(n) if !self.is_local(&n.name) && !n.dead_or_left() => n.clone(),
                _ => {
                    num_check += 1;
                    continue;
                }
            };
            self.probe_node(node, now);
            return;
        }
    }

    /// `probeNode`, first step: the direct ping (with a suspect message when the target is
    /// not alive, so it can refute).
    fn probe_node(&mut self, node: NodeEntry, now: Instant) {
        let interval = self.awareness.scale_timeout(self.config.probe_interval);
        let seq = self.next_seq_no();
        let ping = self.self_ping(seq, &node.name);
        if node.state == NodeState::Alive {
            self.send_msg(node.addr, Message::Ping(ping).encode());
        } else {
            let s = Suspect {
                from: self.config.name.clone(),
                incarnation: node.incarnation,
                node: node.name.clone(),
            };
            let parts = [Message::Ping(ping).encode(), Message::Suspect(s).encode()];
            let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
            if let Ok(compound) = make_compound_message(&refs) {
                self.raw_send_packet(node.addr, node.pmax() >= 5, compound);
            }
        }
        self.probe = Some(ProbeState {
            seq,
            node,
            sent: now,
            phase: Phase::Direct,
            timeout_at: now + self.config.probe_timeout,
            deadline: now + interval,
            expected_nacks: 0,
            nacks: 0,
            tcp: TcpPing::NotTried,
        });
    }

    /// The current probe's phase timer fired.
    pub(super) fn probe_phase_timeout(&mut self, now: Instant) {
        let Some(p) = self.probe.as_ref() else {
            return;
        };
        match p.phase {
            Phase::Direct => self.start_indirect(now),
            Phase::Indirect => match p.tcp {
                TcpPing::Pending(_) => {
                    if let Some(p) = self.probe.as_mut() {
                        p.phase = Phase::AwaitTcp;
                    }
                }
                TcpPing::Done(contact) => self.finish_probe(contact, now),
                TcpPing::NotTried => self.finish_probe(false, now),
            },
            // The TCP ping never reported back: count it as no contact.
            Phase::AwaitTcp => self.finish_probe(false, now),
        }
    }

    /// No direct ack within ProbeTimeout: indirect pings through random alive peers, and
    /// the TCP fallback for targets speaking protocol ≥ 3.
    fn start_indirect(&mut self, _now: Instant) {
        let Some(p) = self.probe.as_ref() else {
            return;
        };
        let (seq, target, deadline) = (p.seq, p.node.clone(), p.deadline);
        let me = self.config.name.clone();
        let peers = self.k_random_nodes(self.config.indirect_checks, |n| {
            n.name == me || n.name == target.name || n.state != NodeState::Alive
        });
        let mut expected = 0;
        for peer in peers {
            let nack = peer.pmax() >= 4;
            if nack {
                expected += 1;
            }
            let ind = IndirectPingReq {
                nack,
                node: target.name.clone(),
                port: target.addr.port(),
                seq_no: seq,
                source_addr: ip_bytes(&self.config.advertise),
                source_node: self.config.name.clone(),
                source_port: self.config.advertise.port(),
                target: ip_bytes(&target.addr),
            };
            self.send_msg(peer.addr, Message::IndirectPing(ind).encode());
        }
        let mut tcp = TcpPing::NotTried;
        if !self.config.disable_tcp_pings && target.pmax() >= 3 {
            let ping = self.self_ping(seq, &target.name);
            let id = self.open_stream(
                target.addr,
                StreamMessage::Ping(ping),
                true,
                deadline,
                PendingStream::TcpPing { seq },
            );
            tcp = TcpPing::Pending(id);
        }
        if let Some(p) = self.probe.as_mut() {
            p.expected_nacks = expected;
            p.phase = Phase::Indirect;
            p.tcp = tcp;
        }
    }

    /// Ends the probe: awareness update, suspicion on failure, and the next probe if a tick
    /// arrived meanwhile.
    fn finish_probe(&mut self, success: bool, now: Instant) {
        let Some(p) = self.probe.take() else {
            return;
        };
        if success {
            self.awareness.apply_delta(-1);
        } else {
            let delta = if p.expected_nacks > 0 {
                p.expected_nacks.saturating_sub(p.nacks)
            } else {
                1
            };
            let s = Suspect {
                from: self.config.name.clone(),
                incarnation: p.node.incarnation,
                node: p.node.name.clone(),
            };
            self.suspect_node(&s, now);
            self.awareness.apply_delta(delta as i64);
        }
        if self.probe_tick_pending {
            self.probe_tick_pending = false;
            self.probe_round(now);
        }
    }

    /// The TCP ping fallback finished.
    pub(super) fn finish_tcp_ping(
        &mut self,
        id: StreamId,
        seq: u32,
        result: Result<Option<StreamMessage>, String>,
        now: Instant,
    ) -> StreamOutcome {
        let outcome = match &result {
            Ok(Some(StreamMessage::Ack(a))) if a.seq_no == seq => StreamOutcome::Ok,
            Ok(Some(StreamMessage::Ack(a))) => StreamOutcome::Failed(format!(
                "sequence number from ack ({}) doesn't match ping ({seq})",
                a.seq_no
            )),
            Ok(Some(StreamMessage::Err(e))) => {
                StreamOutcome::Failed(format!("remote error: {}", e.error))
            }
            Ok(_) => StreamOutcome::Failed("unexpected reply to tcp ping".to_string()),
            Err(e) => StreamOutcome::Failed(e.clone()),
        };
        let contact = outcome == StreamOutcome::Ok;
        let current = self
            .probe
            .as_ref()
            .is_some_and(|p| p.seq == seq && p.tcp == TcpPing::Pending(id));
        if current {
            let await_tcp = self.probe.as_ref().map(|p| p.phase) == Some(Phase::AwaitTcp);
            if await_tcp {
                self.finish_probe(contact, now);
            } else if let Some(p) = self.probe.as_mut() {
                p.tcp = TcpPing::Done(contact);
            }
        }
        outcome
    }

    /// `handlePing`: ack unless the ping names another node.
    pub(super) fn handle_ping(&mut self, p: &Ping, from: SocketAddr) {
        if !p.node.is_empty() && p.node != self.config.name {
            return;
        }
        let Some(to) = reply_addr(&p.source_addr, p.source_port, from) else {
            return;
        };
        let ack = AckResp {
            payload: Vec::new(),
            seq_no: p.seq_no,
        };
        self.send_msg(to, Message::Ack(ack).encode());
    }

    /// `handleIndirectPing`: ping the target with a fresh sequence number and relay the ack
    /// (or a nack after ProbeTimeout when asked for one).
    pub(super) fn handle_indirect_ping(
        &mut self,
        ind: &IndirectPingReq,
        from: SocketAddr,
        now: Instant,
    ) {
        let port = if ind.port == 0 {
            self.config.advertise.port()
        } else {
            ind.port
        };
        let Some(reply_to) = reply_addr(&ind.source_addr, ind.source_port, from) else {
            return;
        };
        let local_seq = self.next_seq_no();
        self.relays.insert(
            local_seq,
            Relay {
                orig_seq: ind.seq_no,
                reply_to,
                nack: ind.nack,
                expires: now + self.config.probe_timeout,
            },
        );
        if let Some(target) = socket_addr(&ind.target, port) {
            let ping = self.self_ping(local_seq, &ind.node);
            self.send_msg(target, Message::Ping(ping).encode());
        }
    }

    /// A relay's ProbeTimeout passed without an ack.
    pub(super) fn relay_timeout(&mut self, seq: u32, _now: Instant) {
        let Some(r) = self.relays.remove(&seq) else {
            return;
        };
        if r.nack {
            let nack = NackResp { seq_no: r.orig_seq };
            self.send_msg(r.reply_to, Message::Nack(nack).encode());
        }
    }

    /// `handleAck`: completes our probe or forwards a relayed ack.
    pub(super) fn handle_ack(&mut self, ack: &AckResp, now: Instant) {
        let probe = self
            .probe
            .as_ref()
            .filter(|p| p.seq == ack.seq_no && p.phase != Phase::AwaitTcp)
            .map(|p| (p.phase, p.node.info(), p.sent));
        if let Some((phase, info, sent)) = probe {
            if phase == Phase::Direct {
                let rtt = now.saturating_duration_since(sent);
                self.delegate.notify_ping_complete(&info, rtt);
            }
            self.finish_probe(true, now);
            return;
        }
        if let Some(r) = self.relays.remove(&ack.seq_no) {
            let fwd = AckResp {
                payload: Vec::new(),
                seq_no: r.orig_seq,
            };
            self.send_msg(r.reply_to, Message::Ack(fwd).encode());
        }
    }

    /// `handleNack`: counts towards the probe's awareness delta.
    pub(super) fn handle_nack(&mut self, nack: &NackResp) {
        let cap = self.config.indirect_checks + 1;
        if let Some(p) = self.probe.as_mut()
            && p.seq == nack.seq_no
            && p.phase != Phase::AwaitTcp
        {
            p.nacks = (p.nacks + 1).min(cap);
        }
    }
}

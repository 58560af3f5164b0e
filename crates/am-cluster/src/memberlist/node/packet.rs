//! UDP packets (memberlist `net.go` `ingestPacket`, `handleCommand`, `sendMsg`,
//! `rawSendMsgPacket`; `state.go` `gossip`; `broadcast.go` `getBroadcasts`): decoding and
//! dispatch of received packets, and building outgoing ones with piggy-backed broadcasts,
//! compound framing, compression when smaller, CRC and the label header.

use std::net::SocketAddr;
use std::time::Instant;

use super::Memberlist;
use crate::codec::{
    Message, MessageType, add_crc, add_label_header_to_packet, compress_payload,
    decode_packet_lenient, make_compound_message, make_compound_messages,
};
use crate::memberlist::{Delegate, NodeState, Output};

/// Bytes a compound header costs (`compoundHeaderOverhead`).
pub(crate) const COMPOUND_HEADER_OVERHEAD: usize = 2;
/// Bytes each compound part costs (`compoundOverhead`).
pub(crate) const COMPOUND_OVERHEAD: usize = 2;
/// The user message type byte (`userMsgOverhead`).
const USER_MSG_OVERHEAD: usize = 1;

impl<D: Delegate> Memberlist<D> {
    /// `labelOverhead`.
    pub(super) fn label_overhead(&self) -> usize {
        if self.config.label.is_empty() {
            0
        } else {
            2 + self.config.label.len()
        }
    }

    /// `ingestPacket` + `handleCommand`.
    pub(super) fn ingest_packet(&mut self, from: SocketAddr, buf: &[u8], now: Instant) {
        let (decoded, errors) = match decode_packet_lenient(buf, &self.config.label) {
            Ok(d) => d,
            Err(e) => {
                tracing::debug!(%from, error = %e, "memberlist: dropping packet");
                self.dropped += 1;
                return;
            }
        };
        if !errors.is_empty() || decoded.truncated > 0 {
            tracing::debug!(%from, errors = errors.len(), truncated = decoded.truncated,
                "memberlist: dropped malformed parts of a packet");
            self.dropped += 1;
        }
        for msg in decoded.messages {
            match msg {
                Message::Ping(p) => self.handle_ping(&p, from),
                Message::IndirectPing(ind) => self.handle_indirect_ping(&ind, from, now),
                Message::Ack(a) => self.handle_ack(&a, now),
                Message::Nack(n) => self.handle_nack(&n),
                Message::Suspect(s) => self.suspect_node(&s, now),
                Message::Alive(mut a) => {
                    if a.port == 0 {
                        a.port = self.config.advertise.port();
                    }
                    self.alive_node(&a, false, now);
                }
                Message::Dead(d) => self.dead_node(&d, now),
                Message::User(b) => self.delegate.notify_msg(&b),
                // errResp is stream-only; memberlist logs "not supported".
                Message::Err(_) => self.dropped += 1,
            }
        }
    }

    /// `getBroadcasts`: memberlist's own queue first, then the delegate's messages (each
    /// prefixed with the user type byte) if more than `overhead + 1` bytes remain.
    pub(super) fn get_broadcasts(&mut self, overhead: usize, limit: usize) -> Vec<Vec<u8>> {
        let n = self.order.len();
        let mut out = self.broadcasts.get_broadcasts(overhead, limit, n);
        let used: usize = out.iter().map(|m| m.len() + overhead).sum();
        let avail = limit.saturating_sub(used);
        if avail > overhead + USER_MSG_OVERHEAD {
            for msg in self
                .delegate
                .get_broadcasts(overhead + USER_MSG_OVERHEAD, avail)
            {
                let mut buf = Vec::with_capacity(msg.len() + 1);
                buf.push(MessageType::User as u8);
                buf.extend_from_slice(&msg);
                out.push(buf);
            }
        }
        out
    }

    /// `sendMsg`: one message plus whatever broadcasts fit, no CRC (memberlist cannot find
    /// the node on this path).
    pub(super) fn send_msg(&mut self, to: SocketAddr, msg: Vec<u8>) {
        let avail = self
            .config
            .udp_buffer_size
            .saturating_sub(msg.len() + COMPOUND_HEADER_OVERHEAD + self.label_overhead());
        let extra = self.get_broadcasts(COMPOUND_OVERHEAD, avail);
        if extra.is_empty() {
            self.raw_send_packet(to, false, msg);
            return;
        }
        let mut parts: Vec<&[u8]> = Vec::with_capacity(1 + extra.len());
        parts.push(&msg);
        parts.extend(extra.iter().map(Vec::as_slice));
        self.send_compounds(to, false, &parts);
    }

    /// Sends parts as one compound, or several when there are more than 255.
    fn send_compounds(&mut self, to: SocketAddr, crc: bool, parts: &[&[u8]]) {
        let compounds = if parts.len() <= crate::codec::MAX_COMPOUND_PARTS {
            make_compound_message(parts).map(|c| vec![c])
        } else {
            make_compound_messages(parts)
        };
        match compounds {
            Ok(cs) => {
                for c in cs {
                    self.raw_send_packet(to, crc, c);
                }
            }
            Err(e) => tracing::warn!(error = %e, "memberlist: cannot build compound message"),
        }
    }

    /// `rawSendMsgPacket`: compress when smaller, CRC for peers speaking protocol 5, label.
    pub(super) fn raw_send_packet(&mut self, to: SocketAddr, crc: bool, msg: Vec<u8>) {
        let mut msg = msg;
        if self.config.enable_compression
            && let Ok(c) = compress_payload(&msg)
            && c.len() < msg.len()
        {
            msg = c;
        }
        if crc {
            msg = add_crc(&msg);
        }
        if !self.config.label.is_empty() {
            match add_label_header_to_packet(&msg, &self.config.label) {
                Ok(b) => msg = b,
                Err(e) => {
                    tracing::warn!(error = %e, "memberlist: cannot label packet");
                    return;
                }
            }
        }
        self.outputs.push_back(Output::Packet { to, bytes: msg });
    }

    /// `gossip`: broadcasts to GossipNodes random nodes (alive, suspect, or dead within
    /// GossipToTheDeadTime; never left ones).
    pub(super) fn gossip(&mut self, now: Instant) {
        let me = self.config.name.clone();
        let gttd = self.config.gossip_to_the_dead_time;
        let targets = self.k_random_nodes(self.config.gossip_nodes, |n| {
            n.name == me
                || match n.state {
                    NodeState::Alive | NodeState::Suspect => false,
                    NodeState::Dead => n.changed_before(now, gttd),
                    NodeState::Left => true,
                }
        });
        let avail = self
            .config
            .udp_buffer_size
            .saturating_sub(COMPOUND_HEADER_OVERHEAD + self.label_overhead());
        for node in targets {
            let msgs = self.get_broadcasts(COMPOUND_OVERHEAD, avail);
            if msgs.is_empty() {
                return;
            }
            let crc = node.pmax() >= 5;
            if msgs.len() == 1 {
                if let Some(m) = msgs.into_iter().next() {
                    self.raw_send_packet(node.addr, crc, m);
                }
            } else {
                let parts: Vec<&[u8]> = msgs.iter().map(Vec::as_slice).collect();
                self.send_compounds(node.addr, crc, &parts);
            }
        }
    }
}

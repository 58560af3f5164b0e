//! The simulation's event loop internals: the event queue entries, timer scheduling, and how
//! UDP packets and TCP streams cross the [`super::Network`] between nodes.

use std::cmp::Ordering;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{Captured, Simulation};
use crate::codec::{self, Message, StreamMessage};
use crate::memberlist::{Output, StreamId};

pub(super) enum Event {
    Timer {
        node: SocketAddr,
        generation: u64,
    },
    Packet {
        from: SocketAddr,
        to: SocketAddr,
        bytes: Vec<u8>,
    },
    StreamRequest(StreamRequest),
    StreamResult {
        node: SocketAddr,
        generation: u64,
        id: StreamId,
        result: Result<Option<StreamMessage>, String>,
    },
}

/// A TCP stream opened by `origin` (at its `generation`) on its way to `to`.
pub(super) struct StreamRequest {
    origin: SocketAddr,
    generation: u64,
    id: StreamId,
    to: SocketAddr,
    msg: StreamMessage,
    expect_reply: bool,
    deadline: Duration,
}

pub(super) struct Scheduled {
    pub(super) at: Duration,
    pub(super) seq: u64,
    pub(super) ev: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed, so that `BinaryHeap` pops the earliest `(at, seq)` first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

fn message_name(m: &Message) -> &'static str {
    match m {
        Message::Ping(_) => "ping",
        Message::IndirectPing(_) => "indirect-ping",
        Message::Ack(_) => "ack",
        Message::Nack(_) => "nack",
        Message::Err(_) => "err",
        Message::Suspect(_) => "suspect",
        Message::Alive(_) => "alive",
        Message::Dead(_) => "dead",
        Message::User(_) => "user",
    }
}

impl Simulation {
    pub(super) fn schedule(&mut self, at: Duration, ev: Event) {
        self.seq += 1;
        self.queue.push(Scheduled {
            at: at.max(self.now),
            seq: self.seq,
            ev,
        });
    }

    /// Sets the delegate's clock and member count before a call into the node; returns `now`.
    pub(super) fn prepare(&mut self, addr: SocketAddr) -> Instant {
        let now = self.now;
        let instant = self.instant(now);
        let node = self.node_mut(addr);
        let n = node.ml.num_members();
        let d = node.ml.delegate_mut();
        d.now = now;
        d.num_nodes = n;
        instant
    }

    /// Sends everything `addr` has queued and (re)schedules its timer. Call after driving a node
    /// through [`Self::node_mut`].
    pub fn flush(&mut self, addr: SocketAddr) {
        self.flush_inner(addr, false);
    }

    fn flush_inner(&mut self, addr: SocketAddr, after_timeout: bool) {
        let mut outputs = Vec::new();
        {
            let node = self.node_mut(addr);
            if !node.running {
                return;
            }
            while let Some(o) = node.ml.poll_output() {
                outputs.push(o);
            }
        }
        for o in outputs {
            match o {
                Output::Packet { to, bytes } => self.send_packet(addr, to, bytes),
                Output::Stream {
                    id,
                    to,
                    msg,
                    expect_reply,
                    deadline,
                } => {
                    let deadline = self.offset(deadline);
                    self.open_stream(addr, id, to, msg, expect_reply, deadline);
                }
            }
        }
        self.reschedule(addr, after_timeout);
    }

    fn reschedule(&mut self, addr: SocketAddr, after_timeout: bool) {
        let now = self.now;
        let node = &self.nodes[&addr];
        let Some(at) = node.ml.poll_timeout().map(|i| self.offset(i)) else {
            self.node_mut(addr).timer_at = None;
            return;
        };
        let mut at = at.max(now);
        if after_timeout && at <= now {
            let name = node.ml.config().name.clone();
            let node = self.node_mut(addr);
            if !node.timer_stall_reported {
                node.timer_stall_reported = true;
                self.violations.push(format!(
                    "{name}: poll_timeout() is not after now ({now:?}) right after handle_timeout(now)"
                ));
            }
            at = now + Duration::from_millis(1);
        }
        let node = self.node_mut(addr);
        if node.timer_at != Some(at) {
            node.timer_at = Some(at);
            let generation = node.generation;
            self.schedule(
                at,
                Event::Timer {
                    node: addr,
                    generation,
                },
            );
        }
    }

    pub(super) fn on_timer(&mut self, addr: SocketAddr, generation: u64, at: Duration) {
        let Some(node) = self.nodes.get_mut(&addr) else {
            return;
        };
        if !node.running || node.generation != generation || node.timer_at != Some(at) {
            return;
        }
        node.timer_at = None;
        let now = self.prepare(addr);
        self.node_mut(addr).ml.handle_timeout(now);
        self.flush_inner(addr, true);
    }

    fn check_packet(&mut self, from: SocketAddr, to: SocketAddr, bytes: &[u8]) {
        let config = self.node(from).ml.config();
        let label_overhead = if config.label.is_empty() {
            0
        } else {
            2 + config.label.len()
        };
        let max = config.udp_buffer_size + 5 + label_overhead;
        let label = config.label.clone();
        let name = config.name.clone();
        self.stats.max_packet = self.stats.max_packet.max(bytes.len());
        if bytes.len() > max {
            self.violations.push(format!(
                "{name} -> {to}: packet of {} bytes exceeds {max}",
                bytes.len()
            ));
        }
        match codec::decode_packet(bytes, &label) {
            Ok(msgs) => {
                for m in &msgs {
                    *self.stats.messages.entry(message_name(m)).or_default() += 1;
                }
            }
            Err(e) => self
                .violations
                .push(format!("{name} -> {to}: undecodable packet: {e}")),
        }
    }

    fn send_packet(&mut self, from: SocketAddr, to: SocketAddr, bytes: Vec<u8>) {
        self.stats.packets_sent += 1;
        self.check_packet(from, to, &bytes);
        self.inject_packet(from, to, bytes);
    }

    pub(super) fn on_packet(&mut self, from: SocketAddr, to: SocketAddr, bytes: Vec<u8>) {
        if self.net.is_cut(from, to) {
            self.stats.dropped_cut += 1;
            return;
        }
        if !self.nodes.get(&to).is_some_and(|n| n.running) {
            self.stats.dropped_down += 1;
            return;
        }
        self.stats.packets_delivered += 1;
        self.trace.event(self.now, b'P', from, to, &bytes);
        if let Some(c) = &mut self.capture {
            // Decoded with the packet's own label: captures show what was sent.
            let label = codec::remove_label_header_from_packet(&bytes).map(|(_, l)| l.to_vec());
            let label = String::from_utf8(label.unwrap_or_default()).unwrap_or_default();
            if let Ok(messages) = codec::decode_packet(&bytes, &label) {
                c.push(Captured {
                    at: self.now,
                    from,
                    to,
                    messages,
                });
            }
        }
        let now = self.prepare(to);
        self.node_mut(to).ml.handle_packet(from, &bytes, now);
        self.flush(to);
    }

    fn open_stream(
        &mut self,
        origin: SocketAddr,
        id: StreamId,
        to: SocketAddr,
        msg: StreamMessage,
        expect_reply: bool,
        deadline: Duration,
    ) {
        self.stats.streams_opened += 1;
        let kind = match &msg {
            StreamMessage::PushPull(pp) if pp.join => "push-pull-join",
            StreamMessage::PushPull(_) => "push-pull",
            StreamMessage::Ping(_) => "ping",
            StreamMessage::User(_) => "user",
            _ => "other",
        };
        *self.stats.streams.entry(kind).or_default() += 1;
        let generation = self.node(origin).generation;
        let fail = |sim: &mut Simulation, at: Duration, why: &str| {
            let result = Err(why.to_string());
            sim.schedule(
                at,
                Event::StreamResult {
                    node: origin,
                    generation,
                    id,
                    result,
                },
            );
        };
        if !self.net.tcp_open(origin, to) {
            return fail(self, deadline, "i/o timeout (link cut)");
        }
        let leg = self.net.tcp(&mut self.rng, origin, to);
        if !self.nodes.get(&to).is_some_and(|n| n.running) {
            return fail(self, self.now + leg, "connection refused");
        }
        let label = &self.node(origin).ml.config().label;
        if *label != self.node(to).ml.config().label {
            // The transport reads the stream's label header first and closes on a mismatch.
            return fail(self, self.now + leg, "stream label mismatch");
        }
        let arrival = self.now + leg;
        if arrival > deadline {
            return fail(self, deadline, "i/o timeout");
        }
        let req = StreamRequest {
            origin,
            generation,
            id,
            to,
            msg,
            expect_reply,
            deadline,
        };
        self.schedule(arrival, Event::StreamRequest(req));
    }

    pub(super) fn on_stream_request(&mut self, req: StreamRequest) {
        let (origin, to, deadline) = (req.origin, req.to, req.deadline);
        let result = |result| Event::StreamResult {
            node: origin,
            generation: req.generation,
            id: req.id,
            result,
        };
        if !self.net.tcp_open(origin, to) {
            return self.schedule(deadline, result(Err("i/o timeout (link cut)".into())));
        }
        if !self.nodes.get(&to).is_some_and(|n| n.running) {
            let back = self.net.tcp(&mut self.rng, to, origin);
            return self.schedule(self.now + back, result(Err("connection reset".into())));
        }
        let msg = format!("{:?}", req.msg);
        self.trace.event(self.now, b'S', origin, to, msg.as_bytes());
        let now = self.prepare(to);
        let reply = self.node_mut(to).ml.handle_stream(origin, req.msg, now);
        self.flush(to);
        if !req.expect_reply {
            return self.schedule(self.now, result(Ok(None)));
        }
        let back = self.now + self.net.tcp(&mut self.rng, to, origin);
        match reply {
            None => self.schedule(back, result(Err("EOF".into()))),
            Some(_) if back > deadline => {
                self.schedule(deadline, result(Err("i/o timeout".into())))
            }
            Some(r) => self.schedule(back, result(Ok(Some(r)))),
        }
    }

    pub(super) fn on_stream_result(
        &mut self,
        addr: SocketAddr,
        generation: u64,
        id: StreamId,
        result: Result<Option<StreamMessage>, String>,
    ) {
        let Some(node) = self.nodes.get(&addr) else {
            return;
        };
        if !node.running || node.generation != generation {
            return;
        }
        if result.is_err() {
            self.stats.streams_failed += 1;
        }
        self.trace.event(
            self.now,
            b'R',
            addr,
            addr,
            format!("{id:?}{result:?}").as_bytes(),
        );
        let now = self.prepare(addr);
        let outcome = self.node_mut(addr).ml.handle_stream_reply(id, result, now);
        let at = self.now;
        self.node_mut(addr).outcomes.push((at, id, outcome));
        self.flush(addr);
    }
}

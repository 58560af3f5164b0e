//! The [`Memberlist`] state machine (memberlist `memberlist.go` public API, `state.go` timers):
//! owns the node table, the timers and the output queue. The protocol rules live in the
//! submodules: `state` (incarnations, alive/suspect/dead, refutation), `probe` (probe loop,
//! indirect pings, acks/nacks), `packet` (UDP send/receive, piggy-backing, gossip),
//! `pushpull` (streams), `suspicion` and `awareness` (Lifeguard).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::queue::TransmitLimitedQueue;
use super::{Config, Delegate, NodeInfo, NodeState, Output, StreamId, StreamOutcome};
use crate::codec::{Alive, StreamMessage};

mod awareness;
mod packet;
mod probe;
mod pushpull;
mod state;
mod suspicion;
#[cfg(test)]
mod tests;

use awareness::Awareness;
use probe::{ProbeState, Relay};
use state::NodeEntry;
use suspicion::Suspicion;

/// memberlist's `MetaMaxSize`.
const META_MAX_SIZE: usize = 512;
/// Our version vector `[PMin, PMax, PCur, DMin, DMax, DCur]` (`BuildVsnArray`).
pub(crate) const VSN: [u8; 6] = [1, 5, 2, 0, 0, 0];

/// What an initiated stream was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PendingStream {
    /// Push/pull (join or periodic).
    PushPull { join: bool },
    /// TCP ping fallback for the probe with this sequence number.
    TcpPing { seq: u32 },
    /// Reliable user message.
    User,
}

/// One memberlist node's protocol state.
pub struct Memberlist<D: Delegate> {
    config: Config,
    delegate: D,
    rng: StdRng,
    /// Probe order (memberlist `nodes`): names; new nodes go in at a random offset.
    order: Vec<String>,
    /// The node table (memberlist `nodeMap`).
    map: HashMap<String, NodeEntry>,
    /// Next index in `order` to probe.
    probe_index: usize,
    /// Our incarnation counter (`m.incarnation`).
    incarnation: u32,
    /// Sequence number counter for pings (`m.sequenceNum`).
    seq_no: u32,
    awareness: Awareness,
    /// memberlist's own broadcast queue (alive/suspect/dead).
    broadcasts: TransmitLimitedQueue,
    /// Suspicion timers by node name (`nodeTimers`).
    suspicions: BTreeMap<String, Suspicion>,
    /// The probe in flight, if any.
    probe: Option<ProbeState>,
    /// Next probe tick.
    probe_tick: Option<Instant>,
    /// A tick arrived while a probe was running (Go's ticker buffers one).
    probe_tick_pending: bool,
    /// Indirect-ping relays by the local sequence number we pinged the target with.
    relays: BTreeMap<u32, Relay>,
    gossip_tick: Option<Instant>,
    push_pull_tick: Option<Instant>,
    /// Streams we opened and are waiting on.
    streams: BTreeMap<StreamId, PendingStream>,
    next_stream: u64,
    outputs: VecDeque<Output>,
    /// `Leave` was called.
    left: bool,
    /// Nobody else was alive when we left.
    leave_no_peers: bool,
    /// Packets (or parts) dropped: label mismatch, bad CRC, malformed.
    dropped: u64,
}

/// Which timer is due.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Timer {
    Probe,
    ProbePhase,
    Relay(u32),
    Suspicion(String),
    Gossip,
    PushPull,
}

impl<D: Delegate> Memberlist<D> {
    /// Creates the node, adds itself as alive with incarnation 1 (firing `notify_join` for self)
    /// and schedules the probe, gossip and push/pull timers with a random stagger from `seed`.
    pub fn new(config: Config, delegate: D, seed: u64, now: Instant) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let stagger = |rng: &mut StdRng, iv: Duration| -> Option<Instant> {
            if iv.is_zero() {
                return None;
            }
            let nanos = u64::try_from(iv.as_nanos()).unwrap_or(u64::MAX);
            Some(now + Duration::from_nanos(rng.random_range(0..nanos)))
        };
        let probe_tick = stagger(&mut rng, config.probe_interval);
        let push_pull_tick = stagger(&mut rng, config.push_pull_interval)
            .map(|t| t + pushpull::push_pull_scale(config.push_pull_interval, 1));
        let gossip_tick = if config.gossip_nodes > 0 {
            stagger(&mut rng, config.gossip_interval)
        } else {
            None
        };
        let mut m = Memberlist {
            awareness: Awareness::new(config.awareness_max_multiplier),
            broadcasts: TransmitLimitedQueue::new(config.retransmit_mult),
            config,
            delegate,
            rng,
            order: Vec::new(),
            map: HashMap::new(),
            probe_index: 0,
            incarnation: 0,
            seq_no: 0,
            suspicions: BTreeMap::new(),
            probe: None,
            probe_tick,
            probe_tick_pending: false,
            relays: BTreeMap::new(),
            gossip_tick,
            push_pull_tick,
            streams: BTreeMap::new(),
            next_stream: 0,
            outputs: VecDeque::new(),
            left: false,
            leave_no_peers: false,
            dropped: 0,
        };
        // setAlive
        let mut meta = m.delegate.node_meta(META_MAX_SIZE);
        meta.truncate(META_MAX_SIZE);
        let a = Alive {
            addr: state::ip_bytes(&m.config.advertise),
            incarnation: m.next_incarnation(),
            meta,
            node: m.config.name.clone(),
            port: m.config.advertise.port(),
            vsn: VSN.to_vec(),
        };
        m.alive_node(&a, true, now);
        m
    }
    /// This node's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// The delegate.
    pub fn delegate(&self) -> &D {
        &self.delegate
    }
    /// The delegate, mutably.
    pub fn delegate_mut(&mut self) -> &mut D {
        &mut self.delegate
    }
    /// Handles one received UDP packet (label, CRC, compression, compound all handled here;
    /// malformed input is dropped and counted).
    pub fn handle_packet(&mut self, from: SocketAddr, buf: &[u8], now: Instant) {
        self.ingest_packet(from, buf, now);
    }
    /// Handles a request read from an incoming TCP stream; returns the reply to write, if any.
    pub fn handle_stream(
        &mut self,
        from: SocketAddr,
        msg: StreamMessage,
        now: Instant,
    ) -> Option<StreamMessage> {
        self.handle_incoming_stream(from, msg, now)
    }
    /// Reports the end of a stream opened for an [`Output::Stream`]: `Ok(reply)` (None when no
    /// reply was expected) or `Err(reason)` on dial/IO/timeout/decode failure.
    pub fn handle_stream_reply(
        &mut self,
        id: StreamId,
        result: Result<Option<StreamMessage>, String>,
        now: Instant,
    ) -> StreamOutcome {
        let Some(kind) = self.streams.remove(&id) else {
            return StreamOutcome::Failed(format!("unknown stream {}", id.0));
        };
        match kind {
            PendingStream::PushPull { join } => self.finish_push_pull(join, result, now),
            PendingStream::TcpPing { seq } => self.finish_tcp_ping(id, seq, result, now),
            PendingStream::User => match result {
                Ok(_) => StreamOutcome::Ok,
                Err(e) => StreamOutcome::Failed(e),
            },
        }
    }
    /// Runs every timer due at or before `now` (probe, probe timeouts, suspicion, gossip,
    /// push/pull, reaping).
    pub fn handle_timeout(&mut self, now: Instant) {
        // Every handler moves its timer past `now` or removes it; the bound is a safety net.
        for _ in 0..100_000 {
            let Some((at, timer)) = self.next_timer() else {
                return;
            };
            if at > now {
                return;
            }
            match timer {
                Timer::Probe => {
                    let interval = self.config.probe_interval;
                    self.probe_tick = Some(advance_tick(at, interval, now));
                    if self.probe.is_some() {
                        self.probe_tick_pending = true;
                    } else {
                        self.probe_round(now);
                    }
                }
                Timer::ProbePhase => self.probe_phase_timeout(now),
                Timer::Relay(seq) => self.relay_timeout(seq, now),
                Timer::Suspicion(name) => self.suspicion_timeout(&name, now),
                Timer::Gossip => {
                    let interval = self.config.gossip_interval;
                    self.gossip_tick = Some(advance_tick(at, interval, now));
                    self.gossip(now);
                }
                Timer::PushPull => {
                    let scaled =
                        pushpull::push_pull_scale(self.config.push_pull_interval, self.order.len());
                    self.push_pull_tick = Some(now + scaled);
                    self.periodic_push_pull(now);
                }
            }
        }
    }
    /// The earliest instant [`Self::handle_timeout`] must be called at.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.next_timer().map(|(t, _)| t)
    }
    /// Takes the next queued output.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }
    /// Starts a join push/pull (join=true) with each address; returns their stream ids.
    pub fn join(&mut self, addrs: &[SocketAddr], now: Instant) -> Vec<StreamId> {
        addrs
            .iter()
            .map(|&to| self.start_push_pull(to, true, now))
            .collect()
    }
    /// Sends `msg` reliably over TCP to the node `name` (`SendReliable`); `None` if unknown.
    pub fn send_reliable(&mut self, name: &str, msg: Vec<u8>, now: Instant) -> Option<StreamId> {
        let to = self.map.get(name)?.addr;
        let deadline = now + self.config.tcp_timeout;
        Some(self.open_stream(
            to,
            StreamMessage::User(msg),
            false,
            deadline,
            PendingStream::User,
        ))
    }
    /// Starts a graceful leave: broadcasts `dead{from: us}` about ourselves.
    pub fn leave(&mut self, now: Instant) {
        if self.left {
            return;
        }
        self.left = true;
        let Some(me) = self.map.get(&self.config.name) else {
            return;
        };
        let d = crate::codec::Dead {
            from: me.name.clone(),
            incarnation: me.incarnation,
            node: me.name.clone(),
        };
        self.dead_node(&d, now);
        self.leave_no_peers = !self.any_alive();
    }
    /// Whether the leave broadcast has been sent to its retransmit limit (or nobody else is
    /// alive).
    pub fn leave_done(&self) -> bool {
        self.left
            && (self.leave_no_peers
                || !self.any_alive()
                || !self.broadcasts.contains(&self.config.name))
    }
    /// Whether [`Self::leave`] has been called.
    pub fn has_left(&self) -> bool {
        self.left
    }
    /// Members that are alive or suspect, ourselves included (`Members()`).
    pub fn members(&self) -> Vec<NodeInfo> {
        self.entries()
            .filter(|n| !n.dead_or_left())
            .map(NodeEntry::info)
            .collect()
    }
    /// Every node in the table, dead/left included until reaped.
    pub fn nodes(&self) -> Vec<NodeInfo> {
        self.entries().map(NodeEntry::info).collect()
    }
    /// Looks up one node by name.
    pub fn node(&self, name: &str) -> Option<NodeInfo> {
        self.map.get(name).map(NodeEntry::info)
    }
    /// `NumMembers()`.
    pub fn num_members(&self) -> usize {
        self.entries().filter(|n| !n.dead_or_left()).count()
    }
    /// `estNumNodes()`: the size of the node table, dead and left nodes included.
    pub fn est_num_nodes(&self) -> usize {
        self.order.len()
    }
    /// Lifeguard awareness score (`GetHealthScore`).
    pub fn health_score(&self) -> usize {
        self.awareness.score()
    }
    /// Our own entry.
    pub fn local_node(&self) -> NodeInfo {
        match self.map.get(&self.config.name) {
            Some(n) => n.info(),
            None => NodeInfo {
                name: self.config.name.clone(),
                addr: self.config.advertise,
                meta: Vec::new(),
                state: NodeState::Alive,
                incarnation: self.incarnation,
                vsn: VSN,
            },
        }
    }
    /// Number of received packets (or compound parts) dropped: label mismatch, bad CRC,
    /// undecodable, unusable addresses.
    pub fn dropped_packets(&self) -> u64 {
        self.dropped
    }
    /// Number of memberlist broadcasts (alive/suspect/dead) waiting to be sent.
    pub fn queued_broadcasts(&self) -> usize {
        self.broadcasts.len()
    }

    // ----- internals shared by the submodules -----

    fn entries(&self) -> impl Iterator<Item = &NodeEntry> {
        self.order.iter().filter_map(|n| self.map.get(n))
    }

    fn is_local(&self, name: &str) -> bool {
        name == self.config.name
    }

    fn next_incarnation(&mut self) -> u32 {
        self.incarnation = self.incarnation.wrapping_add(1);
        self.incarnation
    }

    fn next_seq_no(&mut self) -> u32 {
        self.seq_no = self.seq_no.wrapping_add(1);
        self.seq_no
    }

    /// `randomOffset`.
    fn random_offset(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.rng.random::<u32>() % (n as u32)) as usize
    }

    /// `anyAlive`: another node that is not dead or left.
    fn any_alive(&self) -> bool {
        self.entries()
            .any(|n| !n.dead_or_left() && !self.is_local(&n.name))
    }

    /// `kRandomNodes`: up to `k` distinct nodes not excluded, 3n random draws at most.
    fn k_random_nodes(&mut self, k: usize, exclude: impl Fn(&NodeEntry) -> bool) -> Vec<NodeEntry> {
        let n = self.order.len();
        let mut out: Vec<NodeEntry> = Vec::with_capacity(k);
        let mut i = 0;
        while i < 3 * n && out.len() < k {
            i += 1;
            let idx = self.random_offset(n);
            let Some(node) = self.map.get(&self.order[idx]) else {
                continue;
            };
            if exclude(node) || out.iter().any(|o| o.name == node.name) {
                continue;
            }
            out.push(node.clone());
        }
        out
    }

    fn open_stream(
        &mut self,
        to: SocketAddr,
        msg: StreamMessage,
        expect_reply: bool,
        deadline: Instant,
        kind: PendingStream,
    ) -> StreamId {
        self.next_stream += 1;
        let id = StreamId(self.next_stream);
        self.streams.insert(id, kind);
        self.outputs.push_back(Output::Stream {
            id,
            to,
            msg,
            expect_reply,
            deadline,
        });
        id
    }

    /// The earliest timer, ties broken in a fixed order.
    fn next_timer(&self) -> Option<(Instant, Timer)> {
        let mut best: Option<(Instant, Timer)> = None;
        let mut consider = |t: Option<Instant>, timer: Timer| {
            if let Some(t) = t
                && best.as_ref().is_none_or(|(b, _)| t < *b)
            {
                best = Some((t, timer));
            }
        };
        consider(self.probe_phase_deadline(), Timer::ProbePhase);
        consider(self.probe_tick, Timer::Probe);
        for (seq, r) in &self.relays {
            consider(Some(r.expires), Timer::Relay(*seq));
        }
        let first_suspicion = self
            .suspicions
            .iter()
            .filter_map(|(name, s)| s.fire_at().map(|t| (t, name)))
            .min_by_key(|(t, _)| *t);
        if let Some((t, name)) = first_suspicion {
            consider(Some(t), Timer::Suspicion(name.clone()));
        }
        consider(self.gossip_tick, Timer::Gossip);
        consider(self.push_pull_tick, Timer::PushPull);
        best
    }
}

/// The first tick after `now` on the grid `at + k × interval` (a Go ticker drops missed ticks).
fn advance_tick(at: Instant, interval: Duration, now: Instant) -> Instant {
    let next = at + interval;
    if next > now || interval.is_zero() {
        return next;
    }
    let behind = (now - next).as_nanos();
    let k = behind / interval.as_nanos() + 1;
    next + interval.saturating_mul(u32::try_from(k).unwrap_or(u32::MAX))
}

//! Event-trace hashing (FNV-1a 64, stable across Rust versions and runs) and traffic counters.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

/// Running FNV-1a 64 hash of everything the simulation delivered, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceHash(u64);

impl Default for TraceHash {
    fn default() -> Self {
        TraceHash(0xcbf2_9ce4_8422_2325)
    }
}

impl TraceHash {
    /// Mixes in bytes.
    pub fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Mixes in one event: its virtual time, a kind tag, the two endpoints and a payload.
    pub fn event(&mut self, at: Duration, kind: u8, from: SocketAddr, to: SocketAddr, body: &[u8]) {
        self.bytes(&at.as_nanos().to_be_bytes());
        self.bytes(&[kind]);
        self.bytes(from.to_string().as_bytes());
        self.bytes(to.to_string().as_bytes());
        self.bytes(&(body.len() as u64).to_be_bytes());
        self.bytes(body);
    }

    /// The current value.
    pub fn value(&self) -> u64 {
        self.0
    }
}

/// Counters over a whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimStats {
    /// UDP packets the nodes emitted.
    pub packets_sent: u64,
    /// UDP packets handed to a running node.
    pub packets_delivered: u64,
    /// Lost to the link's loss probability.
    pub dropped_loss: u64,
    /// Dropped by a cut (at send or delivery time).
    pub dropped_cut: u64,
    /// Addressed to a crashed or unknown node.
    pub dropped_down: u64,
    /// Largest packet seen, in bytes.
    pub max_packet: usize,
    /// Messages by type name, counted inside compound/compressed packets.
    pub messages: BTreeMap<&'static str, u64>,
    /// Streams opened by the nodes.
    pub streams_opened: u64,
    /// Streams opened, by kind: `push-pull`, `push-pull-join`, `ping`, `user`, `other`.
    pub streams: BTreeMap<&'static str, u64>,
    /// Streams that ended with an error.
    pub streams_failed: u64,
    /// Events processed.
    pub events: u64,
}

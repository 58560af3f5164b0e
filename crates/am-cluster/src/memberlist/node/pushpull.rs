//! TCP streams (memberlist `net.go` `handleConn`, `sendLocalState`, `mergeRemoteState`,
//! `readUserMsg`; `state.go` `pushPull`, `pushPullNode`; `util.go` `pushPullScale`): full
//! state exchange for joins and anti-entropy, reliable user messages and the TCP ping.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{Memberlist, PendingStream};
use crate::codec::{AckResp, ErrResp, PushPull, StreamMessage};
use crate::memberlist::{Delegate, NodeState, StreamId, StreamOutcome};

/// Cluster size above which the push/pull interval grows (`pushPullScaleThreshold`).
const PUSH_PULL_SCALE_THRESHOLD: usize = 32;

/// `pushPullScale`: the interval, multiplied by `⌈log2 n − log2 32⌉ + 1` above 32 nodes.
pub(crate) fn push_pull_scale(interval: Duration, n: usize) -> Duration {
    if n <= PUSH_PULL_SCALE_THRESHOLD {
        return interval;
    }
    let mult = ((n as f64).log2() - (PUSH_PULL_SCALE_THRESHOLD as f64).log2()).ceil() + 1.0;
    interval.saturating_mul(mult as u32)
}

impl<D: Delegate> Memberlist<D> {
    /// Our side of a push/pull: every node we know plus the delegate's state.
    pub(super) fn local_push_pull(&mut self, join: bool) -> PushPull {
        let nodes = self.entries().map(|n| n.push_state()).collect();
        let user_state = self.delegate.local_state(join);
        PushPull {
            join,
            nodes,
            user_state,
        }
    }

    /// Opens a push/pull stream to `to`.
    pub(super) fn start_push_pull(&mut self, to: SocketAddr, join: bool, now: Instant) -> StreamId {
        let msg = StreamMessage::PushPull(self.local_push_pull(join));
        let deadline = now + self.config.tcp_timeout;
        self.open_stream(to, msg, true, deadline, PendingStream::PushPull { join })
    }

    /// `pushPull`: anti-entropy with one random alive node.
    pub(super) fn periodic_push_pull(&mut self, now: Instant) {
        let me = self.config.name.clone();
        let nodes = self.k_random_nodes(1, |n| n.name == me || n.state != NodeState::Alive);
        if let Some(n) = nodes.into_iter().next() {
            self.start_push_pull(n.addr, false, now);
        }
    }

    /// `mergeRemoteState`: version check, node merge, then the delegate's state.
    fn merge_remote(&mut self, join: bool, mut pp: PushPull, now: Instant) -> Result<(), String> {
        let port = self.config.advertise.port();
        for n in &mut pp.nodes {
            if n.port == 0 {
                n.port = port;
            }
        }
        self.verify_protocol(&pp.nodes)?;
        self.merge_state(&pp.nodes, now);
        if !pp.user_state.is_empty() {
            self.delegate.merge_remote_state(&pp.user_state, join);
        }
        Ok(())
    }

    /// The reply to a push/pull we initiated.
    pub(super) fn finish_push_pull(
        &mut self,
        join: bool,
        result: Result<Option<StreamMessage>, String>,
        now: Instant,
    ) -> StreamOutcome {
        match result {
            Err(e) => StreamOutcome::Failed(e),
            Ok(Some(StreamMessage::PushPull(pp))) => match self.merge_remote(join, pp, now) {
                Ok(()) => StreamOutcome::Ok,
                Err(e) => StreamOutcome::Failed(e),
            },
            Ok(Some(StreamMessage::Err(e))) => {
                StreamOutcome::Failed(format!("remote error: {}", e.error))
            }
            Ok(Some(_)) => StreamOutcome::Failed(
                "received invalid msgType, expected pushPullMsg (6)".to_string(),
            ),
            Ok(None) => StreamOutcome::Failed("no push/pull reply".to_string()),
        }
    }

    /// `handleConn` after the stream was decoded.
    pub(super) fn handle_incoming_stream(
        &mut self,
        from: SocketAddr,
        msg: StreamMessage,
        now: Instant,
    ) -> Option<StreamMessage> {
        match msg {
            StreamMessage::PushPull(pp) => {
                // Reply with our state as it was before merging theirs.
                let reply = self.local_push_pull(pp.join);
                let join = pp.join;
                if let Err(e) = self.merge_remote(join, pp, now) {
                    tracing::warn!(%from, error = %e, "memberlist: failed push/pull merge");
                }
                Some(StreamMessage::PushPull(reply))
            }
            StreamMessage::User(b) => {
                if !b.is_empty() {
                    self.delegate.notify_msg(&b);
                }
                None
            }
            StreamMessage::Ping(p) => {
                if !p.node.is_empty() && p.node != self.config.name {
                    return Some(StreamMessage::Err(ErrResp {
                        error: format!("got ping for unexpected node {}", p.node),
                    }));
                }
                Some(StreamMessage::Ack(AckResp {
                    payload: Vec::new(),
                    seq_no: p.seq_no,
                }))
            }
            StreamMessage::Ack(_) | StreamMessage::Err(_) => {
                tracing::debug!(%from, "memberlist: unexpected stream message type");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_pull_interval_scales_above_32_nodes() {
        let iv = Duration::from_secs(60);
        assert_eq!(push_pull_scale(iv, 1), iv);
        assert_eq!(push_pull_scale(iv, 32), iv);
        assert_eq!(push_pull_scale(iv, 33), iv * 2);
        assert_eq!(push_pull_scale(iv, 64), iv * 2);
        assert_eq!(push_pull_scale(iv, 65), iv * 3);
        assert_eq!(push_pull_scale(iv, 1000), iv * 6);
    }
}

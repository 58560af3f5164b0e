//! The tokio runtime around the sans-IO [`Memberlist`]: one task owns it and feeds it packets,
//! stream requests, stream outcomes, commands and timer ticks; IO runs in helper tasks
//! (see `io`). This is what memberlist's goroutines (`memberlist.go` `Create`/`Join`/`Leave`,
//! `net.go` listeners, `state.go` tickers) do around its locked state.
//!
//! Time is `tokio::time::Instant` converted to `std::time::Instant`, so tests can pause and
//! advance tokio's clock.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::{mpsc, oneshot, watch};

use crate::codec::StreamMessage;
use crate::memberlist::{Delegate, Memberlist, NodeInfo, StreamId};
use crate::transport::Transport;

mod io;
mod task;

/// Commands queued before callers wait.
const COMMAND_QUEUE: usize = 64;

/// The current instant on tokio's clock as a `std::time::Instant` (what [`Memberlist`] takes).
pub fn now() -> std::time::Instant {
    tokio::time::Instant::now().into_std()
}

/// Counters kept by the driver's tasks.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    packets_received: AtomicU64,
    packets_dropped: AtomicU64,
    packet_read_errors: AtomicU64,
    packets_send_failed: AtomicU64,
    streams_accepted: AtomicU64,
    streams_malformed: AtomicU64,
    streams_dropped: AtomicU64,
    streams_timed_out: AtomicU64,
    streams_failed: AtomicU64,
    /// The core's count of packets it could not use (label, CRC, decode), copied after each
    /// step.
    packets_malformed: AtomicU64,
    push_pulls_in_flight: AtomicUsize,
}

/// A copy of the driver's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DriverStats {
    /// Packets read from the transport.
    pub packets_received: u64,
    /// Packets dropped before the core saw them (oversized, or the queue was full).
    pub packets_dropped: u64,
    /// Errors reading packets.
    pub packet_read_errors: u64,
    /// Outgoing packets the transport refused.
    pub packets_send_failed: u64,
    /// Incoming streams accepted.
    pub streams_accepted: u64,
    /// Incoming streams that did not decode (bad label, type or bytes).
    pub streams_malformed: u64,
    /// Incoming push/pulls closed because too many were running.
    pub streams_dropped: u64,
    /// Incoming streams that did not finish within `tcp_timeout`.
    pub streams_timed_out: u64,
    /// Outgoing streams that failed (dial, IO, decode or timeout).
    pub streams_failed: u64,
    /// Packets the core dropped: wrong label, bad CRC, undecodable.
    pub packets_malformed: u64,
}

impl Stats {
    fn snapshot(&self) -> DriverStats {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        DriverStats {
            packets_received: g(&self.packets_received),
            packets_dropped: g(&self.packets_dropped),
            packet_read_errors: g(&self.packet_read_errors),
            packets_send_failed: g(&self.packets_send_failed),
            streams_accepted: g(&self.streams_accepted),
            streams_malformed: g(&self.streams_malformed),
            streams_dropped: g(&self.streams_dropped),
            streams_timed_out: g(&self.streams_timed_out),
            streams_failed: g(&self.streams_failed),
            packets_malformed: g(&self.packets_malformed),
        }
    }
}

/// Messages from IO tasks to the owner task.
pub(crate) enum Event {
    /// An incoming stream request; the owner answers with the reply to write, if any.
    Stream {
        from: SocketAddr,
        msg: StreamMessage,
        reply: oneshot::Sender<Option<StreamMessage>>,
    },
    /// An outgoing stream ended.
    StreamDone {
        id: StreamId,
        result: Result<Option<StreamMessage>, String>,
    },
}

/// A closure run on the owner task with the memberlist; it returns the reply to send once the
/// step is complete.
type MemberlistFn<D> = Box<dyn FnOnce(&mut Memberlist<D>) -> Box<dyn FnOnce() + Send> + Send>;

/// Requests from handles to the owner task.
pub(crate) enum Command<D: Delegate> {
    Join(Vec<SocketAddr>, oneshot::Sender<Result<usize, String>>),
    SendReliable(String, Vec<u8>, oneshot::Sender<Result<(), String>>),
    Leave(oneshot::Sender<()>),
    With(MemberlistFn<D>),
    Shutdown(oneshot::Sender<()>),
}

/// What the handle reads without asking the task; replaced after every step.
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    members: Arc<Vec<NodeInfo>>,
    num_members: usize,
    health_score: usize,
    local: NodeInfo,
}

impl Snapshot {
    fn of<D: Delegate>(ml: &Memberlist<D>) -> Snapshot {
        let members = ml.members();
        Snapshot {
            num_members: members.len(),
            members: Arc::new(members),
            health_score: ml.health_score(),
            local: ml.local_node(),
        }
    }
}

/// State shared by handles and the task.
struct Shared {
    snapshot: ArcSwap<Snapshot>,
    /// The member list, sent only when it changes.
    members: watch::Sender<Arc<Vec<NodeInfo>>>,
    bound: SocketAddr,
    stats: Arc<Stats>,
}

/// Runs a [`Memberlist`] on a [`Transport`].
pub struct Driver<D: Delegate> {
    _delegate: std::marker::PhantomData<D>,
}

impl<D: Delegate> Driver<D> {
    /// Spawns the owner task and its IO tasks on the current tokio runtime and returns a handle.
    /// The task runs until [`MemberlistHandle::shutdown`] or until every handle is dropped;
    /// then it shuts the transport down too.
    pub fn spawn(memberlist: Memberlist<D>, transport: Arc<dyn Transport>) -> MemberlistHandle<D> {
        let (cmd_tx, cmd_rx) = mpsc::channel(COMMAND_QUEUE);
        let stats = Arc::new(Stats::default());
        let first = Snapshot::of(&memberlist);
        let shared = Arc::new(Shared {
            members: watch::channel(first.members.clone()).0,
            snapshot: ArcSwap::from_pointee(first),
            bound: transport.local_addr(),
            stats: stats.clone(),
        });
        let owner = task::Owner::new(memberlist, transport, cmd_rx, shared.clone(), stats);
        tokio::spawn(owner.run());
        MemberlistHandle {
            cmd: cmd_tx,
            shared,
        }
    }
}

/// A cheap, cloneable handle to a running [`Driver`].
pub struct MemberlistHandle<D: Delegate> {
    cmd: mpsc::Sender<Command<D>>,
    shared: Arc<Shared>,
}

impl<D: Delegate> Clone for MemberlistHandle<D> {
    fn clone(&self) -> Self {
        MemberlistHandle {
            cmd: self.cmd.clone(),
            shared: self.shared.clone(),
        }
    }
}

impl<D: Delegate> std::fmt::Debug for MemberlistHandle<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberlistHandle")
            .field("bound", &self.shared.bound)
            .finish()
    }
}

const STOPPED: &str = "memberlist driver stopped";

impl<D: Delegate> MemberlistHandle<D> {
    async fn ask<R>(&self, make: impl FnOnce(oneshot::Sender<R>) -> Command<D>) -> Option<R> {
        let (tx, rx) = oneshot::channel();
        self.cmd.send(make(tx)).await.ok()?;
        rx.await.ok()
    }

    /// Push/pulls (join=true) with every address, waits for all of them and returns the number
    /// that succeeded; an error when there were addresses and none succeeded (`Join`).
    pub async fn join(&self, addrs: Vec<SocketAddr>) -> Result<usize, String> {
        self.ask(|tx| Command::Join(addrs, tx))
            .await
            .unwrap_or_else(|| Err(STOPPED.into()))
    }

    /// Sends `msg` to the member `node_name` as a user message over a stream (`SendReliable`)
    /// and waits until it was written.
    pub async fn send_reliable(&self, node_name: String, msg: Vec<u8>) -> Result<(), String> {
        self.ask(|tx| Command::SendReliable(node_name, msg, tx))
            .await
            .unwrap_or_else(|| Err(STOPPED.into()))
    }

    /// Members that are alive or suspect, ourselves included, as of the last step.
    pub fn members(&self) -> Arc<Vec<NodeInfo>> {
        self.shared.snapshot.load().members.clone()
    }

    /// A receiver of the member list (alive and suspect nodes, ourselves included) that is
    /// notified whenever it changes.
    pub fn watch_members(&self) -> watch::Receiver<Arc<Vec<NodeInfo>>> {
        self.shared.members.subscribe()
    }

    /// `NumMembers()` as of the last step.
    pub fn num_members(&self) -> usize {
        self.shared.snapshot.load().num_members
    }

    /// Lifeguard awareness score as of the last step.
    pub fn health_score(&self) -> usize {
        self.shared.snapshot.load().health_score
    }

    /// Our own node as of the last step.
    pub fn local_node(&self) -> NodeInfo {
        self.shared.snapshot.load().local.clone()
    }

    /// The transport's bound address (port 0 resolved).
    pub fn bound_addr(&self) -> SocketAddr {
        self.shared.bound
    }

    /// The driver's counters.
    pub fn stats(&self) -> DriverStats {
        self.shared.stats.snapshot()
    }

    /// Runs `f` on the owner task with the delegate and returns its result.
    ///
    /// # Panics
    /// When the driver has stopped.
    pub async fn with_delegate<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut D) -> R + Send + 'static,
    ) -> R {
        self.with_memberlist(move |ml| f(ml.delegate_mut())).await
    }

    /// Runs `f` on the owner task with the memberlist (outputs it queues are sent right after)
    /// and returns its result.
    ///
    /// # Panics
    /// When the driver has stopped.
    pub async fn with_memberlist<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Memberlist<D>) -> R + Send + 'static,
    ) -> R {
        self.ask(|tx| {
            Command::With(Box::new(move |ml| {
                let r = f(ml);
                Box::new(move || {
                    let _ = tx.send(r);
                })
            }))
        })
        .await
        .expect(STOPPED)
    }

    /// Leaves the cluster gracefully (`Leave`): broadcasts our departure and waits until it has
    /// been gossiped enough, or for `timeout`.
    pub async fn leave(&self, timeout: Duration) {
        let _ = tokio::time::timeout(timeout, self.ask(Command::Leave)).await;
    }

    /// Stops the driver and its transport (no leave message; see [`Self::leave`]).
    pub async fn shutdown(&self) {
        let _ = self.ask(Command::Shutdown).await;
    }
}

//! The owner task: the only place that touches the [`Memberlist`]. It selects over commands,
//! stream events, packets and the core's next timer, then sends the core's outputs and
//! publishes a membership snapshot.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::io::{self, StreamSettings};
use super::{Command, Event, Shared, Snapshot, Stats, now};
use crate::memberlist::{Delegate, Memberlist, Output, StreamId, StreamOutcome};
use crate::transport::Transport;

/// Incoming packets queued for the owner task before new ones are dropped (memberlist's
/// handoff queue depth).
const PACKET_QUEUE: usize = 1024;
/// Stream events queued before IO tasks wait.
const EVENT_QUEUE: usize = 256;

/// A `Join` call waiting for its push/pulls.
struct JoinWait {
    pending: usize,
    ok: usize,
    errors: Vec<String>,
    reply: oneshot::Sender<Result<usize, String>>,
}

/// A reply to a caller, sent after the step's snapshot is published so that the caller sees
/// the state its request produced.
type Reply = Box<dyn FnOnce() + Send>;

/// Who waits for an outgoing stream's outcome.
enum Waiter {
    Join(u64),
    Reliable(oneshot::Sender<Result<(), String>>),
}

pub(super) struct Owner<D: Delegate> {
    ml: Memberlist<D>,
    transport: Arc<dyn Transport>,
    commands: mpsc::Receiver<Command<D>>,
    shared: Arc<Shared>,
    stats: Arc<Stats>,
    settings: StreamSettings,
    events_tx: mpsc::Sender<Event>,
    events_rx: mpsc::Receiver<Event>,
    packets_tx: Option<mpsc::Sender<(SocketAddr, Vec<u8>)>>,
    packets_rx: mpsc::Receiver<(SocketAddr, Vec<u8>)>,
    joins: HashMap<u64, JoinWait>,
    next_join: u64,
    waiters: HashMap<StreamId, Waiter>,
    /// Streams the core started since the last check (to fail waiters whose stream never
    /// starts).
    started: HashSet<StreamId>,
    leaving: Vec<oneshot::Sender<()>>,
    /// Replies to send at the end of the current step.
    replies: Vec<Reply>,
}

impl<D: Delegate> Owner<D> {
    pub(super) fn new(
        ml: Memberlist<D>,
        transport: Arc<dyn Transport>,
        commands: mpsc::Receiver<Command<D>>,
        shared: Arc<Shared>,
        stats: Arc<Stats>,
    ) -> Self {
        let c = ml.config();
        let settings = StreamSettings {
            label: c.label.clone(),
            compress: c.enable_compression,
            tcp_timeout: c.tcp_timeout,
        };
        let (events_tx, events_rx) = mpsc::channel(EVENT_QUEUE);
        let (packets_tx, packets_rx) = mpsc::channel(PACKET_QUEUE);
        Owner {
            ml,
            transport,
            commands,
            shared,
            stats,
            settings,
            events_tx,
            events_rx,
            packets_tx: Some(packets_tx),
            packets_rx,
            joins: HashMap::new(),
            next_join: 0,
            waiters: HashMap::new(),
            started: HashSet::new(),
            leaving: Vec::new(),
            replies: Vec::new(),
        }
    }

    pub(super) async fn run(mut self) {
        let readers: [JoinHandle<()>; 2] = [
            tokio::spawn(io::packet_reader(
                self.transport.clone(),
                self.packets_tx.take().expect("packet sender set in new"),
                self.stats.clone(),
            )),
            tokio::spawn(io::stream_acceptor(
                self.transport.clone(),
                self.events_tx.clone(),
                self.settings.clone(),
                self.stats.clone(),
            )),
        ];
        // Outputs queued by `Memberlist::new` (the bootstrap alive, timers).
        self.flush();
        let mut shutdown_reply = None;
        loop {
            let timer = self.ml.poll_timeout().map(Instant::from_std);
            tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    None => break,
                    Some(Command::Shutdown(tx)) => {
                        shutdown_reply = Some(tx);
                        break;
                    }
                    Some(cmd) => self.command(cmd),
                },
                Some(ev) = self.events_rx.recv() => self.event(ev),
                Some((from, buf)) = self.packets_rx.recv() => self.ml.handle_packet(from, &buf, now()),
                () = sleep_until(timer), if timer.is_some() => self.ml.handle_timeout(now()),
            }
            self.flush();
        }
        for r in readers {
            r.abort();
        }
        self.transport.shutdown();
        if let Some(tx) = shutdown_reply {
            let _ = tx.send(());
        }
    }

    fn command(&mut self, cmd: Command<D>) {
        let t = now();
        match cmd {
            Command::Join(addrs, reply) => {
                let ids = self.ml.join(&addrs, t);
                if ids.is_empty() {
                    let r = if addrs.is_empty() {
                        Ok(0)
                    } else {
                        Err("no push/pull could be started".into())
                    };
                    self.reply(reply, r);
                    return;
                }
                let key = self.next_join;
                self.next_join += 1;
                for id in &ids {
                    self.waiters.insert(*id, Waiter::Join(key));
                }
                self.joins.insert(
                    key,
                    JoinWait {
                        pending: ids.len(),
                        ok: 0,
                        errors: Vec::new(),
                        reply,
                    },
                );
            }
            Command::SendReliable(name, msg, reply) => match self.ml.send_reliable(&name, msg, t) {
                Some(id) => {
                    self.waiters.insert(id, Waiter::Reliable(reply));
                }
                None => self.reply(reply, Err(format!("node {name} not found"))),
            },
            Command::Leave(reply) => {
                self.ml.leave(t);
                self.leaving.push(reply);
            }
            Command::With(f) => {
                let r = f(&mut self.ml);
                self.replies.push(r);
            }
            Command::Shutdown(_) => unreachable!("handled by the loop"),
        }
    }

    fn event(&mut self, ev: Event) {
        match ev {
            Event::Stream { from, msg, reply } => {
                let r = self.ml.handle_stream(from, msg, now());
                let _ = reply.send(r);
            }
            Event::StreamDone { id, result } => {
                let outcome = self.ml.handle_stream_reply(id, result, now());
                self.finish(id, outcome);
            }
        }
    }

    /// Reports a stream's outcome to whoever waits for it.
    fn finish(&mut self, id: StreamId, outcome: StreamOutcome) {
        match self.waiters.remove(&id) {
            None => {}
            Some(Waiter::Reliable(tx)) => {
                let r = match outcome {
                    StreamOutcome::Ok => Ok(()),
                    StreamOutcome::Failed(e) => Err(e),
                };
                self.reply(tx, r);
            }
            Some(Waiter::Join(key)) => {
                let Some(j) = self.joins.get_mut(&key) else {
                    return;
                };
                j.pending -= 1;
                match outcome {
                    StreamOutcome::Ok => j.ok += 1,
                    StreamOutcome::Failed(e) => j.errors.push(e),
                }
                if j.pending == 0
                    && let Some(j) = self.joins.remove(&key)
                {
                    let r = if j.ok > 0 {
                        Ok(j.ok)
                    } else {
                        Err(j.errors.join("; "))
                    };
                    self.reply(j.reply, r);
                }
            }
        }
    }

    /// Sends every queued output, fails waiters whose stream the core never started, answers
    /// leave waiters and publishes a snapshot.
    fn flush(&mut self) {
        self.stats
            .packets_malformed
            .store(self.ml.dropped_packets(), Ordering::Relaxed);
        while let Some(out) = self.ml.poll_output() {
            match out {
                Output::Packet { to, bytes } => {
                    if let Err(e) = self.transport.send_packet(to, bytes) {
                        self.stats
                            .packets_send_failed
                            .fetch_add(1, Ordering::Relaxed);
                        tracing::debug!(%to, error = %e, "memberlist: failed to send packet");
                    }
                }
                Output::Stream {
                    id,
                    to,
                    msg,
                    expect_reply,
                    deadline,
                } => {
                    self.started.insert(id);
                    tokio::spawn(io::outgoing_stream(
                        self.transport.clone(),
                        self.events_tx.clone(),
                        self.settings.clone(),
                        self.stats.clone(),
                        id,
                        to,
                        msg,
                        expect_reply,
                        Instant::from_std(deadline),
                    ));
                }
            }
        }
        let unstarted: Vec<StreamId> = self
            .waiters
            .keys()
            .filter(|id| !self.started.contains(id))
            .copied()
            .collect();
        for id in unstarted {
            self.finish(id, StreamOutcome::Failed("stream was not started".into()));
        }
        self.started.retain(|id| self.waiters.contains_key(id));
        if !self.leaving.is_empty() && self.ml.leave_done() {
            for tx in std::mem::take(&mut self.leaving) {
                self.reply(tx, ());
            }
        }
        let snapshot = Snapshot::of(&self.ml);
        if *snapshot.members != **self.shared.snapshot.load().members {
            self.shared.members.send_replace(snapshot.members.clone());
        }
        self.shared.snapshot.store(Arc::new(snapshot));
        for r in self.replies.drain(..) {
            r();
        }
    }

    fn reply<T: Send + 'static>(&mut self, tx: oneshot::Sender<T>, value: T) {
        self.replies.push(Box::new(move || {
            let _ = tx.send(value);
        }));
    }
}

async fn sleep_until(t: Option<Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

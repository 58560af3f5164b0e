//! Shared pieces of the driver tests: a recording delegate, node start-up helpers, waiting on
//! membership, and an in-memory transport (channels and `tokio::io::duplex`) for paused-time
//! tests.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use am_cluster::driver::{self, Driver, MemberlistHandle};
use am_cluster::memberlist::{Config, Delegate, Memberlist, NodeInfo};
use am_cluster::transport::{BoxFuture, BoxedStream, Transport, TransportError};
use tokio::sync::{Mutex, mpsc};

/// What a [`TestDelegate`] saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// `notify_msg`.
    Msg(Vec<u8>),
    /// `merge_remote_state(state, join)`.
    Merge(Vec<u8>, bool),
    /// `notify_join(name)`.
    Join(String),
    /// `notify_leave(name)`.
    Leave(String),
}

/// Transmissions of each delegate broadcast.
const TRANSMITS: usize = 6;

/// Records callbacks on a channel; gossips whatever is pushed to `broadcasts` a few times.
pub struct TestDelegate {
    pub seen: mpsc::UnboundedSender<Seen>,
    pub broadcasts: Vec<Vec<u8>>,
    sent: HashMap<Vec<u8>, usize>,
    pub state: Vec<u8>,
}

impl Delegate for TestDelegate {
    fn notify_msg(&mut self, msg: &[u8]) {
        let _ = self.seen.send(Seen::Msg(msg.to_vec()));
    }
    fn get_broadcasts(&mut self, overhead: usize, limit: usize) -> Vec<Vec<u8>> {
        let mut used = 0;
        let mut out = Vec::new();
        let sent = &mut self.sent;
        self.broadcasts.retain(|b| {
            if used + overhead + b.len() > limit {
                return true;
            }
            used += overhead + b.len();
            out.push(b.clone());
            let n = sent.entry(b.clone()).or_default();
            *n += 1;
            *n < TRANSMITS
        });
        out
    }
    fn local_state(&mut self, _join: bool) -> Vec<u8> {
        self.state.clone()
    }
    fn merge_remote_state(&mut self, buf: &[u8], join: bool) {
        let _ = self.seen.send(Seen::Merge(buf.to_vec(), join));
    }
    fn notify_join(&mut self, node: &NodeInfo) {
        let _ = self.seen.send(Seen::Join(node.name.clone()));
    }
    fn notify_leave(&mut self, node: &NodeInfo) {
        let _ = self.seen.send(Seen::Leave(node.name.clone()));
    }
}

/// A running node and the receiver of its delegate's callbacks.
pub struct Node {
    pub handle: MemberlistHandle<TestDelegate>,
    pub seen: mpsc::UnboundedReceiver<Seen>,
}

/// Starts a driver named `name` on `transport`, advertising the transport's address.
pub fn start(name: &str, transport: Arc<dyn Transport>, seed: u64) -> Node {
    let config = Config::alertmanager(name.to_string(), transport.local_addr());
    start_with(config, transport, seed)
}

/// Starts a driver with an explicit configuration.
pub fn start_with(config: Config, transport: Arc<dyn Transport>, seed: u64) -> Node {
    let (tx, rx) = mpsc::unbounded_channel();
    let delegate = TestDelegate {
        seen: tx,
        broadcasts: Vec::new(),
        sent: HashMap::new(),
        state: format!("state of {}", config.name).into_bytes(),
    };
    let ml = Memberlist::new(config, delegate, seed, driver::now());
    Node {
        handle: Driver::spawn(ml, transport),
        seen: rx,
    }
}

/// Member names, sorted.
pub fn names(members: &[NodeInfo]) -> Vec<String> {
    let mut v: Vec<String> = members.iter().map(|n| n.name.clone()).collect();
    v.sort();
    v
}

/// Waits (at most `limit`) until the member names equal `want`.
pub async fn wait_members(h: &MemberlistHandle<TestDelegate>, want: &[&str], limit: Duration) {
    let mut rx = h.watch_members();
    let r = tokio::time::timeout(limit, rx.wait_for(|m| names(m) == want)).await;
    assert!(
        matches!(r, Ok(Ok(_))),
        "{:?} never saw members {want:?}; last saw {:?}",
        h.local_node().name,
        names(&h.members())
    );
}

/// Waits (at most `limit`) for a callback matching `pred`, skipping others.
pub async fn wait_seen(
    rx: &mut mpsc::UnboundedReceiver<Seen>,
    limit: Duration,
    pred: impl Fn(&Seen) -> bool,
) -> Seen {
    let r = tokio::time::timeout(limit, async {
        while let Some(s) = rx.recv().await {
            if pred(&s) {
                return Some(s);
            }
        }
        None
    })
    .await;
    match r {
        Ok(Some(s)) => s,
        other => panic!("expected callback not seen: {other:?}"),
    }
}

/// Channels into one endpoint of a [`MemoryNet`].
#[derive(Clone)]
struct Endpoint {
    packets: mpsc::Sender<(SocketAddr, Vec<u8>)>,
    streams: mpsc::Sender<(SocketAddr, BoxedStream)>,
}

/// Endpoints of an in-memory network.
#[derive(Clone, Default)]
pub struct MemoryNet {
    nodes: Arc<std::sync::Mutex<HashMap<SocketAddr, Endpoint>>>,
}

impl MemoryNet {
    /// Adds an endpoint at `addr`.
    pub fn transport(&self, addr: SocketAddr) -> Arc<MemoryTransport> {
        let (ptx, prx) = mpsc::channel(1024);
        let (stx, srx) = mpsc::channel(64);
        self.nodes.lock().unwrap().insert(
            addr,
            Endpoint {
                packets: ptx,
                streams: stx,
            },
        );
        Arc::new(MemoryTransport {
            net: self.clone(),
            addr,
            packets: Mutex::new(prx),
            streams: Mutex::new(srx),
        })
    }

    fn get(&self, addr: SocketAddr) -> Result<Endpoint, TransportError> {
        self.nodes
            .lock()
            .unwrap()
            .get(&addr)
            .cloned()
            .ok_or_else(|| {
                TransportError::io(
                    format!("no route to {addr}"),
                    std::io::ErrorKind::ConnectionRefused.into(),
                )
            })
    }
}

/// One endpoint of a [`MemoryNet`]: packets are channel messages, streams are duplex pipes.
pub struct MemoryTransport {
    net: MemoryNet,
    addr: SocketAddr,
    packets: Mutex<mpsc::Receiver<(SocketAddr, Vec<u8>)>>,
    streams: Mutex<mpsc::Receiver<(SocketAddr, BoxedStream)>>,
}

impl Transport for MemoryTransport {
    fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    fn send_packet(&self, to: SocketAddr, buf: Vec<u8>) -> Result<(), TransportError> {
        self.net
            .get(to)?
            .packets
            .try_send((self.addr, buf))
            .map_err(|_| TransportError::QueueFull(to))
    }

    fn recv_packet(&self) -> BoxFuture<'_, Result<(SocketAddr, Vec<u8>), TransportError>> {
        Box::pin(async move {
            self.packets
                .lock()
                .await
                .recv()
                .await
                .ok_or(TransportError::Closed)
        })
    }

    fn dial_stream(
        &self,
        to: SocketAddr,
        _timeout: Duration,
    ) -> BoxFuture<'_, Result<BoxedStream, TransportError>> {
        Box::pin(async move {
            let ep = self.net.get(to)?;
            let (ours, theirs) = tokio::io::duplex(64 * 1024);
            ep.streams
                .send((self.addr, Box::new(theirs)))
                .await
                .map_err(|_| TransportError::Closed)?;
            Ok(Box::new(ours) as BoxedStream)
        })
    }

    fn accept_stream(&self) -> BoxFuture<'_, Result<(SocketAddr, BoxedStream), TransportError>> {
        Box::pin(async move {
            self.streams
                .lock()
                .await
                .recv()
                .await
                .ok_or(TransportError::Closed)
        })
    }

    fn shutdown(&self) {
        self.net.nodes.lock().unwrap().remove(&self.addr);
    }
}

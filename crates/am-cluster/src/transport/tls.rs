//! Alertmanager's TLS transport (`cluster/tls_transport.go`, `tls_connection.go`,
//! `connection_pool.go`): everything goes over TLS on TCP. Packets are PACKET frames on pooled
//! connections (one writer task per peer here, so sending never waits); a stream is a fresh
//! connection that starts with a STREAM frame and then carries raw memberlist stream bytes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use am_metrics::{Counter, CounterVec, Registry};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Mutex, mpsc, watch};
use tokio::task::JoinHandle;
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::tls_config::TlsTransportConfig;
use super::tls_proto::{FrameKind, MAX_FRAME_LEN, MemberlistMessage};
use super::tls_rustls::{self, RustlsConfigs};
use super::{BoxFuture, BoxedStream, MAX_PACKET_SIZE, Transport, TransportError};

/// Dial and handshake timeout for pooled packet connections and for accepting (Alertmanager's
/// `DefaultTCPTimeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Most peers with a pooled connection (`connection_pool.go` `capacity`).
const POOL_CAPACITY: usize = 1024;
/// Packets queued per peer before new ones are dropped.
const PEER_QUEUE: usize = 256;
/// A pooled connection's writer task ends after this long without packets.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
/// Incoming packets buffered before new ones are dropped.
const PACKET_QUEUE: usize = 1024;

/// `alertmanager_tls_transport_*` metrics.
#[derive(Clone, Debug)]
struct Metrics {
    packet_bytes_sent: Counter,
    packet_bytes_received: Counter,
    streams_sent: Counter,
    streams_received: Counter,
    read_errors: Counter,
    write_errors: CounterVec,
}

impl Metrics {
    fn new(r: &Registry) -> Metrics {
        let n = |s: &str| format!("alertmanager_tls_transport_{s}");
        Metrics {
            packet_bytes_sent: r.counter(
                &n("packet_bytes_sent_total"),
                "The number of packet bytes sent to outgoing connections (excluding internal metadata).",
            ),
            packet_bytes_received: r.counter(
                &n("packet_bytes_received_total"),
                "The number of packet bytes received from incoming connections (excluding internal metadata).",
            ),
            streams_sent: r.counter(
                &n("stream_connections_sent_total"),
                "The number of stream connections sent.",
            ),
            streams_received: r.counter(
                &n("stream_connections_received_total"),
                "The number of stream connections received.",
            ),
            read_errors: r.counter(
                &n("read_errors_total"),
                "The number of errors encountered while reading from incoming connections.",
            ),
            write_errors: r.counter_vec(
                &n("write_errors_total"),
                "The number of errors encountered while writing to outgoing connections.",
                &["connection_type"],
            ),
        }
    }
}

type TlsClientStream = tokio_rustls::client::TlsStream<TcpStream>;

/// State shared by the transport and its tasks.
struct Shared {
    local: SocketAddr,
    connector: TlsConnector,
    server_name: Option<ServerName<'static>>,
    metrics: Metrics,
    pool: parking_lot::Mutex<HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>>,
    closed: watch::Sender<bool>,
}

impl Shared {
    async fn until_closed(&self) {
        let mut rx = self.closed.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }

    /// TCP connect plus TLS handshake within `timeout`.
    async fn dial(
        &self,
        to: SocketAddr,
        timeout: Duration,
    ) -> Result<TlsClientStream, TransportError> {
        let name = self
            .server_name
            .clone()
            .unwrap_or_else(|| ServerName::IpAddress(to.ip().into()));
        let connect = async {
            let tcp = TcpStream::connect(to)
                .await
                .map_err(|e| TransportError::io(format!("failed to dial {to}"), e))?;
            let _ = tcp.set_nodelay(true);
            self.connector
                .connect(name, tcp)
                .await
                .map_err(|e| TransportError::Tls(format!("handshake with {to} failed: {e}")))
        };
        match tokio::time::timeout(timeout, connect).await {
            Ok(r) => r,
            Err(_) => Err(TransportError::Timeout(format!("dialing {to}"))),
        }
    }
}

/// The TLS transport: a TLS listener for incoming packets and streams, a pool of outgoing
/// connections for packets, and fresh connections for streams.
pub struct TlsTransport {
    shared: Arc<Shared>,
    accept_task: JoinHandle<()>,
    packets: Mutex<mpsc::Receiver<(SocketAddr, Vec<u8>)>>,
    streams: Mutex<mpsc::Receiver<(SocketAddr, BoxedStream)>>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport")
            .field("local", &self.shared.local)
            .finish()
    }
}

impl TlsTransport {
    /// Reads the certificates of `config`, starts a TLS listener on `addr` (port 0 picks one)
    /// and registers the `alertmanager_tls_transport_*` metrics on `registry`.
    pub async fn bind(
        addr: SocketAddr,
        config: &TlsTransportConfig,
        registry: &Registry,
    ) -> Result<TlsTransport, TransportError> {
        let RustlsConfigs {
            server,
            client,
            server_name,
        } = tls_rustls::build(config)?;
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            TransportError::io(format!("failed to start TLS listener on {addr}"), e)
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| TransportError::io("failed to get TLS listener address", e))?;
        let shared = Arc::new(Shared {
            local,
            connector: TlsConnector::from(client),
            server_name,
            metrics: Metrics::new(registry),
            pool: parking_lot::Mutex::new(HashMap::new()),
            closed: watch::channel(false).0,
        });
        let (packet_tx, packet_rx) = mpsc::channel(PACKET_QUEUE);
        let (stream_tx, stream_rx) = mpsc::channel(64);
        let accept_task = tokio::spawn(accept_loop(
            shared.clone(),
            listener,
            TlsAcceptor::from(server),
            packet_tx,
            stream_tx,
        ));
        Ok(TlsTransport {
            shared,
            accept_task,
            packets: Mutex::new(packet_rx),
            streams: Mutex::new(stream_rx),
        })
    }

    fn queue_packet(&self, to: SocketAddr, frame: Vec<u8>) -> Result<(), TransportError> {
        let mut pool = self.shared.pool.lock();
        if let Some(tx) = pool.get(&to) {
            match tx.try_send(frame) {
                Ok(()) => return Ok(()),
                Err(mpsc::error::TrySendError::Full(_)) => {
                    return Err(TransportError::QueueFull(to));
                }
                // The writer went idle and stopped: start a new one below.
                Err(mpsc::error::TrySendError::Closed(f)) => {
                    pool.remove(&to);
                    return self.start_writer(&mut pool, to, f);
                }
            }
        }
        self.start_writer(&mut pool, to, frame)
    }

    fn start_writer(
        &self,
        pool: &mut HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>,
        to: SocketAddr,
        frame: Vec<u8>,
    ) -> Result<(), TransportError> {
        if pool.len() >= POOL_CAPACITY {
            // Evict an arbitrary peer; dropping its sender stops its writer.
            if let Some(k) = pool.keys().next().copied() {
                pool.remove(&k);
            }
        }
        let (tx, rx) = mpsc::channel(PEER_QUEUE);
        tx.try_send(frame)
            .map_err(|_| TransportError::QueueFull(to))?;
        pool.insert(to, tx);
        tokio::spawn(packet_writer(self.shared.clone(), to, rx));
        Ok(())
    }
}

impl Drop for TlsTransport {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Transport for TlsTransport {
    fn local_addr(&self) -> SocketAddr {
        self.shared.local
    }

    fn send_packet(&self, to: SocketAddr, buf: Vec<u8>) -> Result<(), TransportError> {
        if buf.len() > MAX_PACKET_SIZE {
            return Err(TransportError::PacketTooLarge(buf.len()));
        }
        if *self.shared.closed.borrow() {
            return Err(TransportError::Closed);
        }
        let r = self.queue_packet(to, buf);
        if r.is_err() {
            self.shared.metrics.write_errors.with(&["packet"]).inc();
        }
        r
    }

    fn recv_packet(&self) -> BoxFuture<'_, Result<(SocketAddr, Vec<u8>), TransportError>> {
        Box::pin(async move {
            let mut rx = self.packets.lock().await;
            tokio::select! {
                p = rx.recv() => p.ok_or(TransportError::Closed),
                () = self.shared.until_closed() => Err(TransportError::Closed),
            }
        })
    }

    fn dial_stream(
        &self,
        to: SocketAddr,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<BoxedStream, TransportError>> {
        Box::pin(async move {
            let m = &self.shared.metrics;
            let result = async {
                let mut conn = self.shared.dial(to, timeout).await?;
                // The STREAM frame goes in its own TLS record (Go's reader buffers per frame).
                let frame = MemberlistMessage::stream().encode_frame();
                conn.write_all(&frame)
                    .await
                    .map_err(|e| TransportError::io("failed to create stream connection", e))?;
                conn.flush()
                    .await
                    .map_err(|e| TransportError::io("failed to create stream connection", e))?;
                Ok(Box::new(conn) as BoxedStream)
            }
            .await;
            match &result {
                Ok(_) => m.streams_sent.inc(),
                Err(_) => m.write_errors.with(&["stream"]).inc(),
            }
            result
        })
    }

    fn accept_stream(&self) -> BoxFuture<'_, Result<(SocketAddr, BoxedStream), TransportError>> {
        Box::pin(async move {
            let mut rx = self.streams.lock().await;
            tokio::select! {
                s = rx.recv() => s.ok_or(TransportError::Closed),
                () = self.shared.until_closed() => Err(TransportError::Closed),
            }
        })
    }

    fn shutdown(&self) {
        self.shared.closed.send_replace(true);
        self.accept_task.abort();
        self.shared.pool.lock().clear();
    }
}

/// Writes queued packets to one peer over a pooled connection, dialing on demand.
async fn packet_writer(shared: Arc<Shared>, to: SocketAddr, mut rx: mpsc::Receiver<Vec<u8>>) {
    let from_addr = shared.local.to_string();
    let mut conn: Option<TlsClientStream> = None;
    loop {
        let next = tokio::select! {
            r = tokio::time::timeout(IDLE_TIMEOUT, rx.recv()) => r,
            () = shared.until_closed() => return,
        };
        let buf = match next {
            Ok(Some(buf)) => buf,
            Ok(None) => return,
            Err(_) => {
                rx.close();
                let mut pool = shared.pool.lock();
                if pool.get(&to).is_some_and(mpsc::Sender::is_closed) {
                    pool.remove(&to);
                }
                return;
            }
        };
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match shared.dial(to, CONNECT_TIMEOUT).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    tracing::debug!(peer = %to, error = %e, "tls transport: packet dial failed");
                    shared.metrics.write_errors.with(&["packet"]).inc();
                    continue;
                }
            },
        };
        let n = buf.len();
        let frame = MemberlistMessage::packet(from_addr.clone(), buf).encode_frame();
        let written = async {
            c.write_all(&frame).await?;
            c.flush().await
        };
        match written.await {
            Ok(()) => shared.metrics.packet_bytes_sent.inc_by_u64(n as u64),
            Err(e) => {
                tracing::debug!(peer = %to, error = %e, "tls transport: packet write failed");
                shared.metrics.write_errors.with(&["packet"]).inc();
                conn = None;
            }
        }
    }
}

async fn accept_loop(
    shared: Arc<Shared>,
    listener: TcpListener,
    acceptor: TlsAcceptor,
    packets: mpsc::Sender<(SocketAddr, Vec<u8>)>,
    streams: mpsc::Sender<(SocketAddr, BoxedStream)>,
) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                shared.metrics.read_errors.inc();
                tracing::debug!(error = %e, "tls transport: error accepting connection");
                // Out of file descriptors and the like: do not spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let (shared, acceptor) = (shared.clone(), acceptor.clone());
        let (packets, streams) = (packets.clone(), streams.clone());
        tokio::spawn(async move {
            tokio::select! {
                () = handle_conn(&shared, tcp, peer, acceptor, packets, streams) => {}
                () = shared.until_closed() => {}
            }
        });
    }
}

/// Reads frames from one incoming connection: packets until the peer closes, or one STREAM
/// frame after which the connection is handed over as a stream.
async fn handle_conn(
    shared: &Shared,
    tcp: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    packets: mpsc::Sender<(SocketAddr, Vec<u8>)>,
    streams: mpsc::Sender<(SocketAddr, BoxedStream)>,
) {
    let m = &shared.metrics;
    let mut conn = match tokio::time::timeout(CONNECT_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => {
            m.read_errors.inc();
            tracing::debug!(%peer, error = %e, "tls transport: handshake failed");
            return;
        }
        Err(_) => {
            m.read_errors.inc();
            return;
        }
    };
    loop {
        let frame = match read_frame(&mut conn).await {
            Ok(Some(f)) => f,
            Ok(None) => return,
            Err(e) => {
                m.read_errors.inc();
                tracing::debug!(%peer, error = %e, "tls transport: error reading from connection");
                return;
            }
        };
        match FrameKind::try_from(frame.kind) {
            Ok(FrameKind::Stream) => {
                m.streams_received.inc();
                let _ = streams.send((peer, Box::new(conn) as BoxedStream)).await;
                return;
            }
            Ok(FrameKind::Packet) => {
                let Ok(from) = frame.from_addr.parse::<SocketAddr>() else {
                    m.read_errors.inc();
                    tracing::debug!(%peer, from = %frame.from_addr, "tls transport: error parsing packet sender address");
                    return;
                };
                if frame.msg.len() > MAX_PACKET_SIZE {
                    tracing::debug!(%peer, len = frame.msg.len(), "tls transport: oversized packet dropped");
                    continue;
                }
                m.packet_bytes_received.inc_by_u64(frame.msg.len() as u64);
                if packets.try_send((from, frame.msg)).is_err() {
                    tracing::debug!(%peer, "tls transport: incoming packet queue full, packet dropped");
                }
            }
            Err(_) => {
                m.read_errors.inc();
                return;
            }
        }
    }
}

/// Reads exactly one frame (`4 + len` bytes, nothing more); `None` on a clean end of stream
/// before the frame starts.
async fn read_frame<R: AsyncRead + Unpin>(r: &mut R) -> Result<Option<MemberlistMessage>, String> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(format!("error reading message length: {e}")),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME_LEN {
        return Err(format!("frame of {len} bytes exceeds {MAX_FRAME_LEN}"));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)
        .await
        .map_err(|e| format!("error reading message: {e}"))?;
    MemberlistMessage::decode_body(&body).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn read_frame_takes_exactly_one_frame() {
        let mut bytes = MemberlistMessage::stream().encode_frame();
        bytes.extend_from_slice(b"raw stream bytes");
        let mut r = bytes.as_slice();
        let f = read_frame(&mut r).await.unwrap().unwrap();
        assert_eq!(f.kind, FrameKind::Stream as i32);
        assert_eq!(r, b"raw stream bytes");
        assert_eq!(read_frame(&mut &b""[..]).await, Ok(None));
        assert!(
            read_frame(&mut &[0xff, 0xff, 0xff, 0x7f][..])
                .await
                .is_err()
        );
        assert!(read_frame(&mut &[5, 0, 0, 0, 1][..]).await.is_err());
    }
}

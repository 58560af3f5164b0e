//! Plain UDP + TCP transport on one address (memberlist `net_transport.go` `NewNetTransport`,
//! `WriteTo`, `DialTimeout`, `udpListen`, `tcpListen`).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::watch;

use super::{BoxFuture, BoxedStream, MAX_PACKET_SIZE, Transport, TransportError};

/// How many times [`NetTransport::bind`] looks for a port free for both UDP and TCP when
/// asked for port 0 (memberlist retries 10 times too).
const BIND_ATTEMPTS: usize = 10;

/// UDP for packets and TCP for streams, both bound to the same address and port.
#[derive(Debug)]
pub struct NetTransport {
    udp: UdpSocket,
    /// The same socket as `udp`, non-blocking, for sends that never wait (tokio's
    /// `try_send_to` refuses until the reactor has seen the socket writable).
    udp_send: std::net::UdpSocket,
    tcp: TcpListener,
    addr: SocketAddr,
    closed: watch::Sender<bool>,
}

impl NetTransport {
    /// Binds UDP and TCP on `addr`. With port 0, picks a port that is free for both (binding
    /// TCP first, then UDP on the same port, retrying a few times).
    pub async fn bind(addr: SocketAddr) -> Result<NetTransport, TransportError> {
        let attempts = if addr.port() == 0 { BIND_ATTEMPTS } else { 1 };
        let mut last = None;
        for _ in 0..attempts {
            let tcp = TcpListener::bind(addr).await.map_err(|e| {
                TransportError::io(format!("failed to start TCP listener on {addr}"), e)
            })?;
            let bound = tcp
                .local_addr()
                .map_err(|e| TransportError::io("failed to get TCP listener address", e))?;
            match bind_udp(bound) {
                Ok((udp, udp_send)) => {
                    return Ok(NetTransport {
                        udp,
                        udp_send,
                        tcp,
                        addr: bound,
                        closed: watch::channel(false).0,
                    });
                }
                Err(e) => last = Some((bound, e)),
            }
        }
        let (bound, e) = last.expect("at least one attempt");
        Err(TransportError::io(
            format!("failed to start UDP listener on {bound}"),
            e,
        ))
    }

    async fn until_closed(&self) {
        let mut rx = self.closed.subscribe();
        // An error means the sender is gone, which cannot happen while `self` lives.
        let _ = rx.wait_for(|c| *c).await;
    }
}

/// Binds a UDP socket and returns a tokio handle for receiving and a non-blocking std handle
/// (a duplicate of the same socket) for sending.
fn bind_udp(addr: SocketAddr) -> std::io::Result<(UdpSocket, std::net::UdpSocket)> {
    let std_socket = std::net::UdpSocket::bind(addr)?;
    std_socket.set_nonblocking(true)?;
    let sender = std_socket.try_clone()?;
    Ok((UdpSocket::from_std(std_socket)?, sender))
}

impl Transport for NetTransport {
    fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    fn send_packet(&self, to: SocketAddr, buf: Vec<u8>) -> Result<(), TransportError> {
        if buf.len() > MAX_PACKET_SIZE {
            return Err(TransportError::PacketTooLarge(buf.len()));
        }
        if *self.closed.borrow() {
            return Err(TransportError::Closed);
        }
        match self.udp_send.send_to(&buf, to) {
            Ok(_) => Ok(()),
            Err(e) => Err(TransportError::io(
                format!("failed to send packet to {to}"),
                e,
            )),
        }
    }

    fn recv_packet(&self) -> BoxFuture<'_, Result<(SocketAddr, Vec<u8>), TransportError>> {
        Box::pin(async move {
            let mut buf = vec![0u8; MAX_PACKET_SIZE];
            tokio::select! {
                r = self.udp.recv_from(&mut buf) => {
                    let (n, from) = r.map_err(|e| TransportError::io("failed to read UDP packet", e))?;
                    buf.truncate(n);
                    buf.shrink_to_fit();
                    Ok((from, buf))
                }
                () = self.until_closed() => Err(TransportError::Closed),
            }
        })
    }

    fn dial_stream(
        &self,
        to: SocketAddr,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<BoxedStream, TransportError>> {
        Box::pin(async move {
            if *self.closed.borrow() {
                return Err(TransportError::Closed);
            }
            let conn = match tokio::time::timeout(timeout, TcpStream::connect(to)).await {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => return Err(TransportError::io(format!("failed to dial {to}"), e)),
                Err(_) => return Err(TransportError::Timeout(format!("dialing {to}"))),
            };
            // Small request/response exchanges: do not wait for Nagle.
            let _ = conn.set_nodelay(true);
            Ok(Box::new(conn) as BoxedStream)
        })
    }

    fn accept_stream(&self) -> BoxFuture<'_, Result<(SocketAddr, BoxedStream), TransportError>> {
        Box::pin(async move {
            tokio::select! {
                r = self.tcp.accept() => match r {
                    Ok((conn, from)) => {
                        let _ = conn.set_nodelay(true);
                        Ok((from, Box::new(conn) as BoxedStream))
                    }
                    Err(e) => Err(TransportError::io("error accepting TCP connection", e)),
                },
                () = self.until_closed() => Err(TransportError::Closed),
            }
        })
    }

    fn shutdown(&self) {
        self.closed.send_replace(true);
    }
}

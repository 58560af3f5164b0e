//! Network transports for the memberlist driver (memberlist `transport.go` `Transport`,
//! `net_transport.go` `NetTransport`; Alertmanager `cluster/tls_transport.go` and friends):
//! unreliable packets (UDP, or frames on pooled TLS connections) and reliable one-request
//! streams (TCP, or TLS connections opened with a STREAM frame).
//!
//! - [`NetTransport`]: UDP and TCP on the same address (`--cluster.listen-address`).
//! - [`TlsTransport`]: Alertmanager's TLS-over-TCP transport (`--cluster.tls-config`), with
//!   [`load_tls_config`] for its YAML file.
//! - [`tls_proto`]: the TLS transport's frame.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};

mod net;
mod tls;
mod tls_config;
pub mod tls_proto;
mod tls_rustls;

pub use net::NetTransport;
pub use tls::TlsTransport;
pub use tls_config::{
    ClientAuth, PemSource, TlsClientConfig, TlsServerConfig, TlsTransportConfig, TlsVersion,
    load_tls_config, parse_tls_config,
};

/// Largest packet accepted or sent (memberlist's `udpPacketBufSize`, 64 KiB).
pub const MAX_PACKET_SIZE: usize = 65536;

/// A bidirectional byte stream (TCP or TLS connection).
pub trait AsyncStream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> AsyncStream for T {}

/// A boxed [`AsyncStream`].
pub type BoxedStream = Box<dyn AsyncStream>;

/// A boxed, sendable future (the trait is object safe so that the driver can hold
/// `Arc<dyn Transport>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Errors from transports and their configuration.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// A socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// An operation did not finish in time.
    #[error("{0} timed out")]
    Timeout(String),
    /// A packet was too large to send or receive.
    #[error("packet of {0} bytes exceeds {MAX_PACKET_SIZE} bytes")]
    PacketTooLarge(usize),
    /// The outgoing queue for a peer is full; the packet was dropped.
    #[error("send queue to {0} is full")]
    QueueFull(SocketAddr),
    /// A TLS handshake, certificate or frame problem.
    #[error("tls: {0}")]
    Tls(String),
    /// The TLS configuration file is invalid.
    #[error("{0}")]
    Config(String),
    /// The transport was shut down.
    #[error("transport is shut down")]
    Closed,
}

impl TransportError {
    /// Wraps an IO error with context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        TransportError::Io {
            context: context.into(),
            source,
        }
    }
}

/// What the memberlist driver needs from the network. Implementations must be cheap to call
/// from one task: [`Transport::send_packet`] never waits (it sends or queues, else drops), the
/// async methods are called from dedicated tasks.
pub trait Transport: Send + Sync + 'static {
    /// The address actually bound (port 0 resolved).
    fn local_addr(&self) -> SocketAddr;

    /// Sends one packet to `to` without waiting (UDP datagram, or a PACKET frame queued on a
    /// pooled TLS connection). An error means the packet was dropped.
    fn send_packet(&self, to: SocketAddr, buf: Vec<u8>) -> Result<(), TransportError>;

    /// Waits for the next incoming packet and its sender.
    fn recv_packet(&self) -> BoxFuture<'_, Result<(SocketAddr, Vec<u8>), TransportError>>;

    /// Opens a stream to `to`, giving up after `timeout`.
    fn dial_stream(
        &self,
        to: SocketAddr,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<BoxedStream, TransportError>>;

    /// Waits for the next incoming stream and its peer address.
    fn accept_stream(&self) -> BoxFuture<'_, Result<(SocketAddr, BoxedStream), TransportError>>;

    /// Stops background tasks and closes listeners; later calls fail with
    /// [`TransportError::Closed`] or pend forever. Idempotent.
    fn shutdown(&self) {}
}

//! The driver's IO tasks: the packet reader, the stream acceptor, one task per incoming stream
//! (read one request within `TCPTimeout`, ask the owner task for the reply, write it) and one
//! task per outgoing stream (dial, write, read the reply), as memberlist's `net.go`
//! `packetListen`, `streamListen`/`handleConn`, `sendAndReceiveState`, `sendUserMsg` and
//! `sendPingAndWaitForAck` do with goroutines.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::{Event, Stats};
use crate::codec::{
    CodecError, ErrResp, StreamDecode, StreamMessage, decode_stream_prefix, encode_stream_message,
};
use crate::memberlist::StreamId;
use crate::transport::{BoxedStream, MAX_PACKET_SIZE, Transport, TransportError};

/// Most bytes read for one stream message (a 20 MiB user state plus a large node list,
/// compressed or not).
pub(crate) const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
/// Concurrent incoming push/pulls served before new ones are closed (`maxPushPullRequests`).
pub(crate) const MAX_PUSH_PULL_REQUESTS: usize = 128;

/// Why reading a stream message failed.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The label header was missing, empty, too long or different: close without reply.
    Label(CodecError),
    /// Not a message type served on streams: close without reply.
    Unsupported(u8),
    /// The bytes did not decode: reply with an error message.
    Malformed(CodecError),
    /// The connection failed or ended early.
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Label(e) | ReadError::Malformed(e) => write!(f, "{e}"),
            ReadError::Unsupported(t) => write!(f, "unsupported stream message type {t}"),
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

/// Reads one stream message. `Ok(None)` when the peer closed before sending anything. Reads
/// only as much as has arrived (never sized from declared lengths) and at most
/// [`MAX_STREAM_BYTES`].
pub(crate) async fn read_message<R: AsyncRead + Unpin>(
    r: &mut R,
    label: &str,
) -> Result<Option<StreamMessage>, ReadError> {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut need = 1usize;
    loop {
        while buf.len() < need {
            let n = r
                .read(&mut chunk)
                .await
                .map_err(|e| ReadError::Io(format!("failed to read stream: {e}")))?;
            if n == 0 {
                return if buf.is_empty() {
                    Ok(None)
                } else {
                    Err(ReadError::Io(format!(
                        "stream ended after {} bytes, expected at least {need}",
                        buf.len()
                    )))
                };
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        match decode_stream_prefix(&buf, label) {
            Ok(StreamDecode::Complete(m, _)) => return Ok(Some(m)),
            Ok(StreamDecode::NeedMore(n)) if n > MAX_STREAM_BYTES => {
                return Err(ReadError::Malformed(CodecError::TooLarge(
                    "stream message",
                    n,
                )));
            }
            Ok(StreamDecode::NeedMore(n)) => need = n,
            Err(
                e @ (CodecError::LabelMismatch(_)
                | CodecError::EmptyLabel
                | CodecError::LabelTooLong(_)),
            ) => return Err(ReadError::Label(e)),
            // memberlist answers an encrypted stream with an error, other types with silence.
            Err(CodecError::Unsupported(t)) if t != 10 => return Err(ReadError::Unsupported(t)),
            Err(e) => return Err(ReadError::Malformed(e)),
        }
    }
}

async fn write_message<W: AsyncWrite + Unpin>(
    w: &mut W,
    msg: &StreamMessage,
    label: &str,
    compress: bool,
) -> Result<(), String> {
    let bytes = encode_stream_message(msg, label, compress).map_err(|e| e.to_string())?;
    w.write_all(&bytes)
        .await
        .map_err(|e| format!("failed to write stream: {e}"))?;
    w.flush()
        .await
        .map_err(|e| format!("failed to write stream: {e}"))
}

/// Forwards incoming packets to the owner task; drops oversized packets and packets that find
/// the queue full.
pub(crate) async fn packet_reader(
    transport: Arc<dyn Transport>,
    tx: mpsc::Sender<(SocketAddr, Vec<u8>)>,
    stats: Arc<Stats>,
) {
    loop {
        match transport.recv_packet().await {
            Ok((from, buf)) => {
                stats.packets_received.fetch_add(1, Ordering::Relaxed);
                if buf.len() > MAX_PACKET_SIZE || tx.try_send((from, buf)).is_err() {
                    stats.packets_dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
            Err(TransportError::Closed) => return,
            Err(e) => {
                stats.packet_read_errors.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(error = %e, "memberlist: error reading packet");
                tokio::task::yield_now().await;
            }
        }
    }
}

/// Settings the stream tasks need.
#[derive(Clone)]
pub(crate) struct StreamSettings {
    pub label: String,
    pub compress: bool,
    pub tcp_timeout: Duration,
}

/// Accepts incoming streams and serves each in its own task.
pub(crate) async fn stream_acceptor(
    transport: Arc<dyn Transport>,
    events: mpsc::Sender<Event>,
    settings: StreamSettings,
    stats: Arc<Stats>,
) {
    loop {
        match transport.accept_stream().await {
            Ok((from, stream)) => {
                stats.streams_accepted.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(serve_stream(
                    stream,
                    from,
                    events.clone(),
                    settings.clone(),
                    stats.clone(),
                ));
            }
            Err(TransportError::Closed) => return,
            Err(e) => {
                tracing::debug!(error = %e, "memberlist: error accepting stream");
                // Out of file descriptors and the like: do not spin.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// Decrements the push/pull counter when the serving task ends.
struct PushPullSlot(Arc<Stats>);

impl Drop for PushPullSlot {
    fn drop(&mut self) {
        self.0.push_pulls_in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One incoming stream (`handleConn`), all within `TCPTimeout`.
async fn serve_stream(
    mut stream: BoxedStream,
    from: SocketAddr,
    events: mpsc::Sender<Event>,
    settings: StreamSettings,
    stats: Arc<Stats>,
) {
    let deadline = Instant::now() + settings.tcp_timeout;
    let work = async {
        let msg = match read_message(&mut stream, &settings.label).await {
            Ok(Some(m)) => m,
            Ok(None) => return,
            Err(e) => {
                stats.streams_malformed.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(%from, error = %e, "memberlist: failed to receive stream");
                if let ReadError::Malformed(e) = e {
                    let reply = StreamMessage::Err(ErrResp {
                        error: e.to_string(),
                    });
                    let _ = write_message(&mut stream, &reply, "", settings.compress).await;
                }
                return;
            }
        };
        let _slot = if matches!(msg, StreamMessage::PushPull(_)) {
            let n = stats.push_pulls_in_flight.fetch_add(1, Ordering::Relaxed);
            let slot = PushPullSlot(stats.clone());
            if n >= MAX_PUSH_PULL_REQUESTS {
                stats.streams_dropped.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%from, "memberlist: too many pending push/pull requests");
                return;
            }
            Some(slot)
        } else {
            None
        };
        let (tx, rx) = oneshot::channel();
        if events
            .send(Event::Stream {
                from,
                msg,
                reply: tx,
            })
            .await
            .is_err()
        {
            return;
        }
        if let Ok(Some(reply)) = rx.await
            && let Err(e) = write_message(&mut stream, &reply, "", settings.compress).await
        {
            tracing::debug!(%from, error = %e, "memberlist: failed to send stream reply");
        }
        let _ = stream.shutdown().await;
    };
    if tokio::time::timeout_at(deadline, work).await.is_err() {
        stats.streams_timed_out.fetch_add(1, Ordering::Relaxed);
    }
}

/// One outgoing stream for an `Output::Stream`; always reports back with `StreamDone`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn outgoing_stream(
    transport: Arc<dyn Transport>,
    events: mpsc::Sender<Event>,
    settings: StreamSettings,
    stats: Arc<Stats>,
    id: StreamId,
    to: SocketAddr,
    msg: StreamMessage,
    expect_reply: bool,
    deadline: Instant,
) {
    let work = async {
        let timeout = deadline.saturating_duration_since(Instant::now());
        let mut s = transport
            .dial_stream(to, timeout)
            .await
            .map_err(|e| e.to_string())?;
        write_message(&mut s, &msg, &settings.label, settings.compress).await?;
        if !expect_reply {
            let _ = s.shutdown().await;
            return Ok(None);
        }
        match read_message(&mut s, "").await {
            Ok(Some(m)) => Ok(Some(m)),
            Ok(None) => Err(format!("{to} closed the stream without a reply")),
            Err(e) => Err(e.to_string()),
        }
    };
    let result = match tokio::time::timeout_at(deadline, work).await {
        Ok(r) => r,
        Err(_) => Err(format!("stream to {to} timed out")),
    };
    if result.is_err() {
        stats.streams_failed.fetch_add(1, Ordering::Relaxed);
    }
    let _ = events.send(Event::StreamDone { id, result }).await;
}

//! TCP stream messages (`net.go` `handleConn`, `readStream`, `sendLocalState`, `readRemoteState`,
//! `readUserMsg`, `sendUserMsg`, `sendPingAndWaitForAck`; `label.go` stream label header): typed
//! values and their byte encoding with the optional label header and the unconditional LZW
//! wrapping Go applies to streams, plus an incremental, allocation-bounded decoder.

use super::messages::{PushPullHeader, UserMsgHeader, WireStruct};
use super::{
    AckResp, CodecError, Compress, ErrResp, MessageType, Ping, PushNodeState, StreamLabel,
    label_header, lzw_compress, lzw_decompress, peek_stream_label,
};

/// Most node states a push/pull may declare (memberlist v0.6.0 `maxPushStateNodes`).
pub const MAX_PUSH_STATE_NODES: usize = 1_048_576;
/// Largest user state (push/pull) or reliable user message accepted, in bytes (memberlist
/// v0.6.0 `maxPushStateBytes`; v0.6.0 applies it to push/pull state only).
pub const MAX_PUSH_STATE_BYTES: usize = 20 * 1024 * 1024;

/// Deepest msgpack nesting accepted while measuring a value.
const MAX_SCAN_DEPTH: usize = 32;

/// One message exchanged on a TCP stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamMessage {
    /// `[6]` push/pull: full membership plus the delegate's state.
    PushPull(PushPull),
    /// `[8]` user message sent reliably (`SendReliable`); no reply.
    User(Vec<u8>),
    /// `[0]` TCP ping fallback; the reply is an `Ack`.
    Ping(Ping),
    /// `[2]` reply to a TCP ping.
    Ack(AckResp),
    /// `[13]` error reply.
    Err(ErrResp),
}

/// A push/pull exchange's body (`pushPullHeader` + node states + user state).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushPull {
    /// Whether this exchange is part of a join.
    pub join: bool,
    /// Every node the sender knows (dead/left included until reaped).
    pub nodes: Vec<PushNodeState>,
    /// The delegate's `LocalState` bytes (AM: a `FullState` protobuf); may be empty.
    pub user_state: Vec<u8>,
}

impl StreamMessage {
    /// The type byte of the (uncompressed) message.
    pub fn message_type(&self) -> MessageType {
        match self {
            StreamMessage::PushPull(_) => MessageType::PushPull,
            StreamMessage::User(_) => MessageType::User,
            StreamMessage::Ping(_) => MessageType::Ping,
            StreamMessage::Ack(_) => MessageType::AckResp,
            StreamMessage::Err(_) => MessageType::Err,
        }
    }

    /// The uncompressed, unlabelled message: type byte, msgpack header(s) and raw payload, as
    /// `sendLocalState`, `sendUserMsg` and `encode` build it before `rawSendMsgStream`.
    pub fn encode_plain(&self) -> Vec<u8> {
        let mut out = vec![self.message_type() as u8];
        match self {
            StreamMessage::PushPull(p) => {
                PushPullHeader {
                    join: p.join,
                    nodes: p.nodes.len() as i64,
                    user_state_len: p.user_state.len() as i64,
                }
                .encode_into(&mut out);
                for n in &p.nodes {
                    n.encode_into(&mut out);
                }
                out.extend_from_slice(&p.user_state);
            }
            StreamMessage::User(b) => {
                UserMsgHeader {
                    user_msg_len: b.len() as i64,
                }
                .encode_into(&mut out);
                out.extend_from_slice(b);
            }
            StreamMessage::Ping(m) => m.encode_into(&mut out),
            StreamMessage::Ack(m) => m.encode_into(&mut out),
            StreamMessage::Err(m) => m.encode_into(&mut out),
        }
        out
    }
}

/// Encodes one stream message as written on a connection: the label header when `label` is
/// non-empty (only the side that dials writes it; replies go unlabelled), then the message,
/// wrapped whole as `[9] compress{Algo: 0, Buf: lzw(message)}` when `compress` is set (Go
/// compresses every stream message when `EnableCompression` is on, without a size check).
pub fn encode_stream_message(
    msg: &StreamMessage,
    label: &str,
    compress: bool,
) -> Result<Vec<u8>, CodecError> {
    let mut out = label_header(label)?;
    let plain = msg.encode_plain();
    if compress {
        out.push(MessageType::Compress as u8);
        Compress {
            algo: 0,
            buf: lzw_compress(&plain)?,
        }
        .encode_into(&mut out);
    } else {
        out.extend_from_slice(&plain);
    }
    Ok(out)
}

/// Progress of [`decode_stream_prefix`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamDecode {
    /// A whole message and the number of bytes it took (label header included).
    Complete(StreamMessage, usize),
    /// The input is a valid prefix; at least this many bytes (in total, from the start of
    /// the buffer) are needed before decoding can progress.
    NeedMore(usize),
}

/// Decodes one stream message from the start of `buf` as memberlist's `handleConn` /
/// `readStream` read it: an optional label header (which must equal `expected_label`; "" =
/// none), then either a compressed wrapper or a push/pull, user, ping, ack or error message.
/// Returns `Ok(None)` while `buf` is a valid but incomplete prefix. Never panics, and never
/// allocates from declared lengths: counts and sizes are checked against the caps
/// ([`MAX_PUSH_STATE_NODES`], [`MAX_PUSH_STATE_BYTES`]) and against the bytes present.
pub fn decode_stream_message(
    buf: &[u8],
    expected_label: &str,
) -> Result<Option<(StreamMessage, usize)>, CodecError> {
    Ok(match decode_stream_prefix(buf, expected_label)? {
        StreamDecode::Complete(m, n) => Some((m, n)),
        StreamDecode::NeedMore(_) => None,
    })
}

/// Like [`decode_stream_message`], but an incomplete input reports how many bytes are needed
/// at least, so that a reader can wait for them instead of re-parsing after every read.
pub fn decode_stream_prefix(buf: &[u8], expected_label: &str) -> Result<StreamDecode, CodecError> {
    let (label, off): (&[u8], usize) = match peek_stream_label(buf)? {
        StreamLabel::NeedMore => return Ok(StreamDecode::NeedMore(buf.len() + 1)),
        StreamLabel::Unlabeled => (&[], 0),
        StreamLabel::Labeled { header_len, .. } => (&buf[2..header_len], header_len),
    };
    if label != expected_label.as_bytes() {
        return Err(CodecError::LabelMismatch(
            String::from_utf8_lossy(label).into_owned(),
        ));
    }
    let body = &buf[off..];
    let Some(&t) = body.first() else {
        return Ok(StreamDecode::NeedMore(off + 1));
    };
    if t == MessageType::Compress as u8 {
        let end = match scan_value(body, 1, 0)? {
            Scan::Done(end) => end,
            Scan::Need(n) => return Ok(StreamDecode::NeedMore(off + n)),
        };
        let c = Compress::from_msgpack(&body[1..end])?;
        if c.algo != 0 {
            return Err(CodecError::UnknownCompression(c.algo));
        }
        let inner = lzw_decompress(&c.buf)?;
        if inner.first() == Some(&(MessageType::Compress as u8)) {
            return Err(CodecError::Unsupported(MessageType::Compress as u8));
        }
        return match decode_plain(&inner)? {
            Progress::Done(msg, _) => Ok(StreamDecode::Complete(msg, off + end)),
            Progress::Need(_) => Err(CodecError::Truncated("compressed stream message")),
        };
    }
    Ok(match decode_plain(body)? {
        Progress::Done(msg, used) => StreamDecode::Complete(msg, off + used),
        Progress::Need(n) => StreamDecode::NeedMore(off + n),
    })
}

/// Internal progress with offsets relative to the slice being decoded.
enum Progress {
    Done(StreamMessage, usize),
    Need(usize),
}

/// Outcome of measuring one msgpack value.
enum Scan {
    /// The value ends at this offset.
    Done(usize),
    /// At least this many bytes are needed.
    Need(usize),
}

/// Measures one msgpack value (any type) starting at `pos`, without allocating.
fn scan_value(buf: &[u8], pos: usize, depth: usize) -> Result<Scan, CodecError> {
    if depth > MAX_SCAN_DEPTH {
        return Err(CodecError::Msgpack("value nested too deeply".into()));
    }
    let Some(&b) = buf.get(pos) else {
        return Ok(Scan::Need(pos + 1));
    };
    let mut p = pos + 1;
    // Reads an n-byte big-endian length following the type byte.
    let mut len = |n: usize| -> Result<usize, usize> {
        let s = buf.get(p..p + n).ok_or(p + n)?;
        p += n;
        Ok(s.iter().fold(0usize, |a, x| (a << 8) | usize::from(*x)))
    };
    let lens = match b {
        0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => Ok((0, 0)),
        0x80..=0x8f => Ok((0, 2 * usize::from(b & 0x0f))),
        0x90..=0x9f => Ok((0, usize::from(b & 0x0f))),
        0xa0..=0xbf => Ok((usize::from(b & 0x1f), 0)),
        0xcc | 0xd0 => Ok((1, 0)),
        0xcd | 0xd1 => Ok((2, 0)),
        0xce | 0xd2 | 0xca => Ok((4, 0)),
        0xcf | 0xd3 | 0xcb => Ok((8, 0)),
        0xd4 => Ok((2, 0)),
        0xd5 => Ok((3, 0)),
        0xd6 => Ok((5, 0)),
        0xd7 => Ok((9, 0)),
        0xd8 => Ok((17, 0)),
        0xc4 | 0xd9 => len(1).map(|n| (n, 0)),
        0xc5 | 0xda => len(2).map(|n| (n, 0)),
        0xc6 | 0xdb => len(4).map(|n| (n, 0)),
        0xc7 => len(1).map(|n| (n + 1, 0)),
        0xc8 => len(2).map(|n| (n + 1, 0)),
        0xc9 => len(4).map(|n| (n + 1, 0)),
        0xdc => len(2).map(|n| (0, n)),
        0xdd => len(4).map(|n| (0, n)),
        0xde => len(2).map(|n| (0, 2 * n)),
        0xdf => len(4).map(|n| (0, 2 * n)),
        _ => {
            return Err(CodecError::Msgpack(format!(
                "invalid msgpack byte 0x{b:02x}"
            )));
        }
    };
    let (skip, items) = match lens {
        Ok(v) => v,
        Err(need) => return Ok(Scan::Need(need)),
    };
    let mut end = p + skip;
    if end > buf.len() {
        return Ok(Scan::Need(end));
    }
    // Each item takes at least one byte, so this loop ends within the buffer.
    for _ in 0..items {
        match scan_value(buf, end, depth + 1)? {
            Scan::Done(e) => end = e,
            need => return Ok(need),
        }
    }
    Ok(Scan::Done(end))
}

/// Measures and decodes one msgpack struct at `pos`.
fn struct_at<T: WireStruct>(
    buf: &[u8],
    pos: usize,
) -> Result<Result<(T, usize), usize>, CodecError> {
    match scan_value(buf, pos, 0)? {
        Scan::Done(end) => Ok(Ok((T::from_msgpack(&buf[pos..end])?, end))),
        Scan::Need(n) => Ok(Err(n)),
    }
}

/// Checks a declared length against a cap.
fn declared_len(v: i64, cap: usize, what: &'static str) -> Result<usize, CodecError> {
    match usize::try_from(v) {
        Ok(n) if n <= cap => Ok(n),
        Ok(n) => Err(CodecError::TooLarge(what, n)),
        Err(_) => Err(CodecError::Msgpack(format!("negative {what} {v}"))),
    }
}

/// Decodes an uncompressed message (type byte first).
fn decode_plain(buf: &[u8]) -> Result<Progress, CodecError> {
    let Some(&t) = buf.first() else {
        return Err(CodecError::MissingType);
    };
    macro_rules! take {
        ($ty:ty, $pos:expr) => {
            match struct_at::<$ty>(buf, $pos)? {
                Ok(v) => v,
                Err(n) => return Ok(Progress::Need(n)),
            }
        };
    }
    let (msg, used) = match MessageType::from_u8(t) {
        Some(MessageType::PushPull) => {
            let (h, mut pos) = take!(PushPullHeader, 1);
            let count = declared_len(h.nodes, MAX_PUSH_STATE_NODES, "push/pull node count")?;
            let user_len = declared_len(
                h.user_state_len,
                MAX_PUSH_STATE_BYTES,
                "push/pull user state",
            )?;
            // Capacity bounded by the bytes present (each state is at least one byte).
            let mut nodes = Vec::with_capacity(count.min(buf.len() - pos));
            for _ in 0..count {
                let (n, end) = take!(PushNodeState, pos);
                nodes.push(n);
                pos = end;
            }
            let end = pos + user_len;
            let Some(user_state) = buf.get(pos..end) else {
                return Ok(Progress::Need(end));
            };
            let p = PushPull {
                join: h.join,
                nodes,
                user_state: user_state.to_vec(),
            };
            (StreamMessage::PushPull(p), end)
        }
        Some(MessageType::User) => {
            let (h, pos) = take!(UserMsgHeader, 1);
            let len = declared_len(h.user_msg_len, MAX_PUSH_STATE_BYTES, "user message")?;
            let end = pos + len;
            let Some(b) = buf.get(pos..end) else {
                return Ok(Progress::Need(end));
            };
            (StreamMessage::User(b.to_vec()), end)
        }
        Some(MessageType::Ping) => {
            let (m, end) = take!(Ping, 1);
            (StreamMessage::Ping(m), end)
        }
        Some(MessageType::AckResp) => {
            let (m, end) = take!(AckResp, 1);
            (StreamMessage::Ack(m), end)
        }
        Some(MessageType::Err) => {
            let (m, end) = take!(ErrResp, 1);
            (StreamMessage::Err(m), end)
        }
        _ => return Err(CodecError::Unsupported(t)),
    };
    Ok(Progress::Done(msg, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StreamMessage {
        StreamMessage::PushPull(PushPull {
            join: true,
            nodes: vec![PushNodeState {
                addr: vec![127, 0, 0, 1],
                incarnation: 3,
                meta: Vec::new(),
                name: "a".into(),
                port: 9094,
                state: 0,
                vsn: vec![1, 5, 2, 0, 0, 0],
            }],
            user_state: b"state".to_vec(),
        })
    }

    #[test]
    fn every_prefix_needs_more_and_the_hint_is_a_lower_bound() {
        for compress in [false, true] {
            let bytes = encode_stream_message(&sample(), "lbl", compress).unwrap();
            for cut in 0..bytes.len() {
                match decode_stream_prefix(&bytes[..cut], "lbl").unwrap() {
                    StreamDecode::NeedMore(n) => assert!(n > cut && n <= bytes.len(), "{cut} {n}"),
                    StreamDecode::Complete(..) => panic!("complete at {cut}"),
                }
            }
            let mut extra = bytes.clone();
            extra.extend_from_slice(b"trailing");
            assert_eq!(
                decode_stream_message(&extra, "lbl").unwrap(),
                Some((sample(), bytes.len()))
            );
        }
    }

    #[test]
    fn caps_and_bad_input_are_errors() {
        let mut b = vec![6];
        PushPullHeader {
            join: false,
            nodes: MAX_PUSH_STATE_NODES as i64 + 1,
            user_state_len: 0,
        }
        .encode_into(&mut b);
        assert!(matches!(
            decode_stream_message(&b, ""),
            Err(CodecError::TooLarge(..))
        ));
        let mut b = vec![6];
        PushPullHeader {
            join: false,
            nodes: 0,
            user_state_len: -1,
        }
        .encode_into(&mut b);
        assert!(decode_stream_message(&b, "").is_err());
        let mut b = vec![8];
        UserMsgHeader {
            user_msg_len: i64::MAX,
        }
        .encode_into(&mut b);
        assert!(decode_stream_message(&b, "").is_err());
        assert_eq!(
            decode_stream_message(&[10, 0, 0], ""),
            Err(CodecError::Unsupported(10))
        );
        assert!(matches!(
            decode_stream_message(&[244, 1, b'x', 6], ""),
            Err(CodecError::LabelMismatch(l)) if l == "x"
        ));
        assert!(matches!(
            decode_stream_message(&[6], "x"),
            Err(CodecError::LabelMismatch(l)) if l.is_empty()
        ));
        assert_eq!(
            decode_stream_message(&[244, 0], ""),
            Err(CodecError::EmptyLabel)
        );
        // A huge declared map is a valid prefix, not an allocation.
        assert_eq!(
            decode_stream_message(&[0, 0xdf, 0xff, 0xff, 0xff, 0xff], "").unwrap(),
            None
        );
    }
}

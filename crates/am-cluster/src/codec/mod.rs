//! Sans-IO wire codec for hashicorp memberlist packets (v0.5.0 as pinned by Alertmanager
//! 0.27/0.28; unchanged in v0.6.0): message type bytes and structs (`net.go`), go-msgpack
//! encoding (`util.go` encode/decode), compound/compress/CRC/label framing (`util.go`,
//! `label.go`) and a panic-free [`decode_packet`]. Encryption (`security.go`) is not here.

mod framing;
mod messages;
mod msgpack;
mod stream;

pub use framing::*;
pub use messages::*;
pub use stream::*;

/// Maximum nesting of compound/compress wrappers accepted by [`decode_packet`]
/// (memberlist recurses without a bound; we cap it to stay panic-free).
pub const MAX_NESTING: usize = 8;

/// Errors from encoding or decoding memberlist packets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// Input ended early.
    #[error("truncated {0}")]
    Truncated(&'static str),
    /// Malformed msgpack.
    #[error("msgpack: {0}")]
    Msgpack(String),
    /// A length or count exceeds the wire format's limit.
    #[error("{0} too large: {1}")]
    TooLarge(&'static str, usize),
    /// LZW stream error.
    #[error("lzw: {0}")]
    Lzw(String),
    /// `compress.Algo` other than 0.
    #[error("cannot decompress unknown algorithm {0}")]
    UnknownCompression(u8),
    /// CRC mismatch.
    #[error("invalid checksum: expected {expected:08x}, got {got:08x}")]
    BadChecksum {
        /// CRC carried in the packet.
        expected: u32,
        /// CRC computed over the payload.
        got: u32,
    },
    /// Label longer than 255 bytes.
    #[error("label {0:?} is too long")]
    LabelTooLong(String),
    /// Label header with length 0.
    #[error("label header cannot be empty when present")]
    EmptyLabel,
    /// Label differs from the expected one.
    #[error("discarding packet with unacceptable label {0:?}")]
    LabelMismatch(String),
    /// Empty packet / missing type byte.
    #[error("missing message type byte")]
    MissingType,
    /// Compound/compress nested beyond [`MAX_NESTING`].
    #[error("message nesting deeper than {0}")]
    TooDeep(usize),
    /// An encrypted packet (type 10) or unknown type that we cannot decode.
    #[error("unsupported message type {0}")]
    Unsupported(u8),
}

/// memberlist `messageType` byte values (iota order in `net.go`, plus `hasLabelMsg`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MessageType {
    /// `pingMsg`
    Ping = 0,
    /// `indirectPingMsg`
    IndirectPing = 1,
    /// `ackRespMsg`
    AckResp = 2,
    /// `suspectMsg`
    Suspect = 3,
    /// `aliveMsg`
    Alive = 4,
    /// `deadMsg`
    Dead = 5,
    /// `pushPullMsg`
    PushPull = 6,
    /// `compoundMsg`
    Compound = 7,
    /// `userMsg`
    User = 8,
    /// `compressMsg`
    Compress = 9,
    /// `encryptMsg`
    Encrypt = 10,
    /// `nackRespMsg`
    NackResp = 11,
    /// `hasCrcMsg`
    HasCrc = 12,
    /// `errMsg`
    Err = 13,
    /// `hasLabelMsg`
    HasLabel = 244,
}

impl MessageType {
    /// Maps a byte to a known type.
    pub fn from_u8(b: u8) -> Option<Self> {
        use MessageType::*;
        Some(match b {
            0 => Ping,
            1 => IndirectPing,
            2 => AckResp,
            3 => Suspect,
            4 => Alive,
            5 => Dead,
            6 => PushPull,
            7 => Compound,
            8 => User,
            9 => Compress,
            10 => Encrypt,
            11 => NackResp,
            12 => HasCrc,
            13 => Err,
            244 => HasLabel,
            _ => return None,
        })
    }
}

/// A decoded packet-level message (compound/compress/CRC/label already unwrapped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// `ping`
    Ping(Ping),
    /// `indirectPingReq`
    IndirectPing(IndirectPingReq),
    /// `ackResp`
    Ack(AckResp),
    /// `nackResp`
    Nack(NackResp),
    /// `errResp`
    Err(ErrResp),
    /// `suspect`
    Suspect(Suspect),
    /// `alive`
    Alive(Alive),
    /// `dead`
    Dead(Dead),
    /// `userMsg`: raw delegate bytes (no msgpack).
    User(Vec<u8>),
}

impl Message {
    /// The type byte this message is sent with.
    pub fn message_type(&self) -> MessageType {
        match self {
            Message::Ping(_) => MessageType::Ping,
            Message::IndirectPing(_) => MessageType::IndirectPing,
            Message::Ack(_) => MessageType::AckResp,
            Message::Nack(_) => MessageType::NackResp,
            Message::Err(_) => MessageType::Err,
            Message::Suspect(_) => MessageType::Suspect,
            Message::Alive(_) => MessageType::Alive,
            Message::Dead(_) => MessageType::Dead,
            Message::User(_) => MessageType::User,
        }
    }

    /// Encodes as memberlist's `encode(msgType, msg)`: type byte then msgpack body
    /// (user messages: type byte then raw bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![self.message_type() as u8];
        match self {
            Message::Ping(m) => m.encode_into(&mut out),
            Message::IndirectPing(m) => m.encode_into(&mut out),
            Message::Ack(m) => m.encode_into(&mut out),
            Message::Nack(m) => m.encode_into(&mut out),
            Message::Err(m) => m.encode_into(&mut out),
            Message::Suspect(m) => m.encode_into(&mut out),
            Message::Alive(m) => m.encode_into(&mut out),
            Message::Dead(m) => m.encode_into(&mut out),
            Message::User(b) => out.extend_from_slice(b),
        }
        out
    }
}

/// Decoded packet: messages plus the number of compound parts dropped as truncated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecodedPacket {
    /// Messages in wire order.
    pub messages: Vec<Message>,
    /// Truncated compound parts (memberlist warns and drops them).
    pub truncated: usize,
}

/// Decodes one UDP packet as memberlist's `ingestPacket` does, minus decryption: removes
/// the label header and checks it equals `expected_label` ("" = no label), verifies a
/// top-level CRC prefix, then unwraps compound and compressed messages recursively.
/// Never panics. Any malformed part fails the whole packet (memberlist instead logs
/// and skips that part; use [`decode_packet_lenient`] for that behaviour).
pub fn decode_packet(buf: &[u8], expected_label: &str) -> Result<Vec<Message>, CodecError> {
    let body = unwrap_packet(buf, expected_label)?;
    let mut out = DecodedPacket::default();
    decode_command(body, 0, &mut out, &mut |e| Err(e))?;
    Ok(out.messages)
}

/// Like [`decode_packet`] but, like memberlist, skips malformed parts inside compound
/// messages; returns the skipped errors alongside the decoded messages.
pub fn decode_packet_lenient(
    buf: &[u8],
    expected_label: &str,
) -> Result<(DecodedPacket, Vec<CodecError>), CodecError> {
    let body = unwrap_packet(buf, expected_label)?;
    let mut out = DecodedPacket::default();
    let mut errors = Vec::new();
    decode_command(body, 0, &mut out, &mut |e| {
        errors.push(e);
        Ok(())
    })?;
    Ok((out, errors))
}

fn unwrap_packet<'a>(buf: &'a [u8], expected_label: &str) -> Result<&'a [u8], CodecError> {
    let (rest, label) = remove_label_header_from_packet(buf)?;
    if label != expected_label.as_bytes() {
        return Err(CodecError::LabelMismatch(
            String::from_utf8_lossy(label).into_owned(),
        ));
    }
    strip_crc(rest)
}

type OnErr<'f> = dyn FnMut(CodecError) -> Result<(), CodecError> + 'f;

fn decode_command(
    buf: &[u8],
    depth: usize,
    out: &mut DecodedPacket,
    on_err: &mut OnErr<'_>,
) -> Result<(), CodecError> {
    if depth > MAX_NESTING {
        return on_err(CodecError::TooDeep(MAX_NESTING));
    }
    let Some((&t, body)) = buf.split_first() else {
        return on_err(CodecError::MissingType);
    };
    let msg = match MessageType::from_u8(t) {
        Some(MessageType::Compound) => {
            let parts = match decode_compound_message(body) {
                Ok(p) => p,
                Err(e) => return on_err(e),
            };
            out.truncated += parts.truncated;
            for p in parts.parts {
                decode_command(p, depth + 1, out, on_err)?;
            }
            return Ok(());
        }
        Some(MessageType::Compress) => {
            return match decompress_payload(body) {
                Ok(inner) => decode_command(&inner, depth + 1, out, on_err),
                Err(e) => on_err(e),
            };
        }
        Some(MessageType::Ping) => Ping::from_msgpack(body).map(Message::Ping),
        Some(MessageType::IndirectPing) => {
            IndirectPingReq::from_msgpack(body).map(Message::IndirectPing)
        }
        Some(MessageType::AckResp) => AckResp::from_msgpack(body).map(Message::Ack),
        Some(MessageType::NackResp) => NackResp::from_msgpack(body).map(Message::Nack),
        Some(MessageType::Err) => ErrResp::from_msgpack(body).map(Message::Err),
        Some(MessageType::Suspect) => Suspect::from_msgpack(body).map(Message::Suspect),
        Some(MessageType::Alive) => Alive::from_msgpack(body).map(Message::Alive),
        Some(MessageType::Dead) => Dead::from_msgpack(body).map(Message::Dead),
        Some(MessageType::User) => Ok(Message::User(body.to_vec())),
        _ => Err(CodecError::Unsupported(t)),
    };
    match msg {
        Ok(m) => {
            out.messages.push(m);
            Ok(())
        }
        Err(e) => on_err(e),
    }
}

//! memberlist's message structs (`net.go`: ping, indirectPingReq, ackResp, nackResp, errResp,
//! suspect, alive, dead, pushPullHeader, userMsgHeader, pushNodeState, compress) and their
//! go-msgpack encoding: a map keyed by the Go field names, with `omitempty` fields left out
//! when zero. go-msgpack (0.5.x `kStruct`) writes map keys sorted by name, not in declaration
//! order, so the fields below are declared in byte-wise name order and encoded in that order.
//! Go `int` fields (`Nodes`, `UserStateLen`, `UserMsgLen`, `State`) are written the v0.5.0 way
//! (go-msgpack 0.5: non-negative values use the unsigned encodings); memberlist v0.5.4+ with
//! go-msgpack/v2 writes values above 127 as signed int16/32/64 instead. Both decoders, and ours,
//! accept either form.

use super::CodecError;
use super::msgpack::{Reader, Writer};

/// A struct carried as a go-msgpack map keyed by its Go field names.
pub trait WireStruct: Sized + Default {
    /// Appends the msgpack map (no message-type byte).
    fn encode_into(&self, out: &mut Vec<u8>);
    /// Applies one decoded map entry; unknown keys must be skipped by the caller.
    #[doc(hidden)]
    fn decode_field(&mut self, key: &str, r: &mut Reader<'_>) -> Result<bool, CodecError>;

    /// Encodes to a fresh buffer (no message-type byte).
    fn to_msgpack(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    /// Decodes a msgpack map; unknown keys are ignored and missing keys stay zero,
    /// like go-msgpack. Trailing bytes are ignored (Go's decoder stops after one value).
    fn from_msgpack(buf: &[u8]) -> Result<Self, CodecError> {
        let mut r = Reader::new(buf);
        let mut v = Self::default();
        let n = r.map_len()?;
        for _ in 0..n {
            let key = r.string()?;
            if !v.decode_field(&key, &mut r)? {
                r.skip()?;
            }
        }
        Ok(v)
    }
}

macro_rules! wire_struct {
    (
        $(#[$m:meta])* $name:ident {
            $( $(#[$fm:meta])* $field:ident : $ty:ty = $go:literal, $kind:ident $(, $omit:ident)? ; )*
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name {
            $( $(#[$fm])* pub $field: $ty, )*
        }

        impl WireStruct for $name {
            fn encode_into(&self, out: &mut Vec<u8>) {
                let mut w = Writer { buf: std::mem::take(out) };
                let mut n = 0usize;
                $( if !wire_struct!(@omitted self.$field, $kind $(, $omit)?) { n += 1; } )*
                w.map_len(n);
                $(
                    if !wire_struct!(@omitted self.$field, $kind $(, $omit)?) {
                        w.raw($go.as_bytes());
                        wire_struct!(@put w, self.$field, $kind);
                    }
                )*
                *out = w.buf;
            }

            fn decode_field(&mut self, key: &str, r: &mut Reader<'_>) -> Result<bool, CodecError> {
                match key {
                    $( $go => { self.$field = wire_struct!(@get r, $kind); Ok(true) } )*
                    _ => Ok(false),
                }
            }
        }
    };
    (@omitted $v:expr, $kind:ident) => { false };
    (@omitted $v:expr, bytes, omitempty) => { $v.is_empty() };
    (@omitted $v:expr, string, omitempty) => { $v.is_empty() };
    (@omitted $v:expr, u16, omitempty) => { $v == 0 };
    (@put $w:ident, $v:expr, bytes) => { $w.bytes_or_nil(&$v) };
    (@put $w:ident, $v:expr, string) => { $w.raw($v.as_bytes()) };
    (@put $w:ident, $v:expr, u8) => { $w.uint(u64::from($v)) };
    (@put $w:ident, $v:expr, u16) => { $w.uint(u64::from($v)) };
    (@put $w:ident, $v:expr, u32) => { $w.uint(u64::from($v)) };
    (@put $w:ident, $v:expr, int) => { $w.int($v) };
    (@put $w:ident, $v:expr, bool) => { $w.bool($v) };
    (@get $r:ident, bytes) => { $r.bytes()? };
    (@get $r:ident, string) => { $r.string()? };
    (@get $r:ident, u8) => { $r.uint(u64::from(u8::MAX))? as u8 };
    (@get $r:ident, u16) => { $r.uint(u64::from(u16::MAX))? as u16 };
    (@get $r:ident, u32) => { $r.uint(u64::from(u32::MAX))? as u32 };
    (@get $r:ident, int) => { $r.int()? };
    (@get $r:ident, bool) => { $r.bool()? };
}

wire_struct! {
    /// `ping` (type 0): direct probe.
    Ping {
        /// Name of the node being probed (protocol >= 3).
        node: String = "Node", string;
        /// Sequence number echoed in the ack.
        seq_no: u32 = "SeqNo", u32;
        /// Source IP bytes for a direct reply (omitempty).
        source_addr: Vec<u8> = "SourceAddr", bytes, omitempty;
        /// Source node name (omitempty).
        source_node: String = "SourceNode", string, omitempty;
        /// Source port for a direct reply (omitempty).
        source_port: u16 = "SourcePort", u16, omitempty;
    }
}

wire_struct! {
    /// `indirectPingReq` (type 1): ask a peer to probe `target`.
    IndirectPingReq {
        /// Whether a nack is wanted.
        nack: bool = "Nack", bool;
        /// Target node name.
        node: String = "Node", string;
        /// Target port.
        port: u16 = "Port", u16;
        /// Sequence number.
        seq_no: u32 = "SeqNo", u32;
        /// Source IP bytes (omitempty).
        source_addr: Vec<u8> = "SourceAddr", bytes, omitempty;
        /// Source node name (omitempty).
        source_node: String = "SourceNode", string, omitempty;
        /// Source port (omitempty).
        source_port: u16 = "SourcePort", u16, omitempty;
        /// Target IP bytes.
        target: Vec<u8> = "Target", bytes;
    }
}

wire_struct! {
    /// `ackResp` (type 2).
    AckResp {
        /// Optional payload (nil when empty).
        payload: Vec<u8> = "Payload", bytes;
        /// Sequence number being acked.
        seq_no: u32 = "SeqNo", u32;
    }
}

wire_struct! {
    /// `nackResp` (type 11).
    NackResp {
        /// Sequence number being nacked.
        seq_no: u32 = "SeqNo", u32;
    }
}

wire_struct! {
    /// `errResp` (type 13).
    ErrResp {
        /// Error text.
        error: String = "Error", string;
    }
}

wire_struct! {
    /// `suspect` (type 3).
    Suspect {
        /// Node raising the suspicion.
        from: String = "From", string;
        /// Incarnation being suspected.
        incarnation: u32 = "Incarnation", u32;
        /// Suspected node.
        node: String = "Node", string;
    }
}

wire_struct! {
    /// `alive` (type 4).
    Alive {
        /// IP bytes (4 or 16).
        addr: Vec<u8> = "Addr", bytes;
        /// Incarnation number.
        incarnation: u32 = "Incarnation", u32;
        /// Node metadata (nil when empty).
        meta: Vec<u8> = "Meta", bytes;
        /// Node name.
        node: String = "Node", string;
        /// Port.
        port: u16 = "Port", u16;
        /// Protocol/delegate versions: pmin, pmax, pcur, dmin, dmax, dcur.
        vsn: Vec<u8> = "Vsn", bytes;
    }
}

wire_struct! {
    /// `dead` (type 5).
    Dead {
        /// Node declaring it dead (equal to `node` for a voluntary leave).
        from: String = "From", string;
        /// Incarnation number.
        incarnation: u32 = "Incarnation", u32;
        /// Dead node.
        node: String = "Node", string;
    }
}

wire_struct! {
    /// `pushPullHeader` (follows type 6 on a stream).
    PushPullHeader {
        /// Join (true) or anti-entropy (false).
        join: bool = "Join", bool;
        /// Number of `PushNodeState` values that follow.
        nodes: i64 = "Nodes", int;
        /// Byte length of the user state that follows.
        user_state_len: i64 = "UserStateLen", int;
    }
}

wire_struct! {
    /// `userMsgHeader` (follows type 8 on a stream).
    UserMsgHeader {
        /// Byte length of the user message that follows.
        user_msg_len: i64 = "UserMsgLen", int;
    }
}

wire_struct! {
    /// `pushNodeState` (one per node in a push/pull exchange).
    PushNodeState {
        /// IP bytes.
        addr: Vec<u8> = "Addr", bytes;
        /// Incarnation.
        incarnation: u32 = "Incarnation", u32;
        /// Metadata (nil when empty).
        meta: Vec<u8> = "Meta", bytes;
        /// Node name.
        name: String = "Name", string;
        /// Port.
        port: u16 = "Port", u16;
        /// NodeStateType: 0 alive, 1 suspect, 2 dead, 3 left (Go `int`).
        state: i64 = "State", int;
        /// Versions.
        vsn: Vec<u8> = "Vsn", bytes;
    }
}

wire_struct! {
    /// `compress` (type 9): `Algo` 0 is LZW.
    Compress {
        /// Compression algorithm (0 = LZW).
        algo: u8 = "Algo", u8;
        /// Compressed bytes.
        buf: Vec<u8> = "Buf", bytes;
    }
}

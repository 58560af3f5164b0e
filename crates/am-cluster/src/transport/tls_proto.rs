//! The TLS transport's frame (Alertmanager `cluster/clusterpb/cluster.proto` `MemberlistMessage`
//! and `cluster/tls_connection.go` `writePacket`/`writeStream`/`read`): a little-endian `u32`
//! length followed by the protobuf message.

use prost::Message as _;

/// The only frame version Alertmanager accepts (`version` in `tls_connection.go`).
pub const FRAME_VERSION: &str = "v0.1.0";

/// Frames longer than this are refused (Go has no limit; a frame holds one memberlist packet,
/// at most 64 KiB, plus a few header bytes).
pub const MAX_FRAME_LEN: usize = 1024 * 1024;

/// `MemberlistMessage.Kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum FrameKind {
    /// The connection carries one raw memberlist stream after this frame.
    Stream = 0,
    /// `msg` is one memberlist packet from `from_addr`.
    Packet = 1,
}

/// `clusterpb.MemberlistMessage`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct MemberlistMessage {
    /// Must be [`FRAME_VERSION`].
    #[prost(string, tag = "1")]
    pub version: String,
    /// A [`FrameKind`] value.
    #[prost(enumeration = "FrameKind", tag = "2")]
    pub kind: i32,
    /// The sender's listener address (`host:port`), packets only.
    #[prost(string, tag = "3")]
    pub from_addr: String,
    /// The memberlist packet, packets only.
    #[prost(bytes = "vec", tag = "4")]
    pub msg: Vec<u8>,
}

impl MemberlistMessage {
    /// A packet frame.
    pub fn packet(from_addr: String, msg: Vec<u8>) -> Self {
        MemberlistMessage {
            version: FRAME_VERSION.to_string(),
            kind: FrameKind::Packet as i32,
            from_addr,
            msg,
        }
    }

    /// The frame that turns a connection into a stream.
    pub fn stream() -> Self {
        MemberlistMessage {
            version: FRAME_VERSION.to_string(),
            kind: FrameKind::Stream as i32,
            from_addr: String::new(),
            msg: Vec::new(),
        }
    }

    /// The protobuf body (no length prefix).
    pub fn encode_body(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    /// Length prefix plus body, as written on the connection in one write.
    pub fn encode_frame(&self) -> Vec<u8> {
        let body = self.encode_to_vec();
        let mut out = Vec::with_capacity(4 + body.len());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Decodes a body and checks its version (`tls memberlist message version incompatible`).
    pub fn decode_body(body: &[u8]) -> Result<Self, String> {
        let m =
            MemberlistMessage::decode(body).map_err(|e| format!("error parsing message: {e}"))?;
        if m.version != FRAME_VERSION {
            return Err(format!(
                "tls memberlist message version incompatible: {:?}",
                m.version
            ));
        }
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_layout() {
        let f = MemberlistMessage::stream().encode_frame();
        // len 8, then field 1 "v0.1.0"; kind 0 is the proto3 default and not written.
        assert_eq!(f, [8, 0, 0, 0, 0x0a, 6, b'v', b'0', b'.', b'1', b'.', b'0']);
        let p = MemberlistMessage::packet("1.2.3.4:5".into(), vec![9]);
        let f = p.encode_frame();
        assert_eq!(
            u32::from_le_bytes([f[0], f[1], f[2], f[3]]) as usize,
            f.len() - 4
        );
        assert_eq!(MemberlistMessage::decode_body(&f[4..]).unwrap(), p);
        let old = MemberlistMessage {
            version: "v0.0.1".into(),
            ..p
        };
        assert!(MemberlistMessage::decode_body(&old.encode_body()).is_err());
        assert!(MemberlistMessage::decode_body(&[0xff]).is_err());
    }
}

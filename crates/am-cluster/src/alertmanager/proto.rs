//! Alertmanager's cluster protobufs (`cluster/clusterpb/cluster.proto`, proto3): the gossip
//! unit [`Part`] and the push/pull payload [`FullState`] (the TLS frame `MemberlistMessage` lives
//! in `transport::tls_proto`). Encoded with `prost`; the bytes equal gogo-protobuf's.

use prost::Message;

/// One state's data tagged with its key (`"sil"` silences, `"nfl"` notification log).
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Part {
    /// State key.
    #[prost(string, tag = "1")]
    pub key: String,
    /// Opaque state bytes (the State's own format).
    #[prost(bytes = "vec", tag = "2")]
    pub data: Vec<u8>,
}

/// Every state of a node, exchanged in push/pull.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct FullState {
    /// One part per registered state.
    #[prost(message, repeated, tag = "1")]
    pub parts: Vec<Part>,
}

impl Part {
    /// Protobuf encoding.
    pub fn encode_to_bytes(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    /// Decodes a protobuf `Part`.
    pub fn decode_bytes(buf: &[u8]) -> Result<Part, prost::DecodeError> {
        Part::decode(buf)
    }
}

impl FullState {
    /// Protobuf encoding.
    pub fn encode_to_bytes(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    /// Decodes a protobuf `FullState`.
    pub fn decode_bytes(buf: &[u8]) -> Result<FullState, prost::DecodeError> {
        FullState::decode(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    fn part(key: &str, data: &[u8]) -> Part {
        Part {
            key: key.to_string(),
            data: data.to_vec(),
        }
    }

    // Expected bytes were produced by gogo-protobuf (Alertmanager's generated `clusterpb`).
    #[test]
    fn part_bytes_match_gogo() {
        assert_eq!(
            hex(&part("sil", &[1, 2, 3]).encode_to_bytes()),
            "0a0373696c1203010203"
        );
        assert_eq!(hex(&part("", &[]).encode_to_bytes()), "");
        let big = part("nfl", &[0u8; 300]).encode_to_bytes();
        assert_eq!(hex(&big[..7]), "0a036e666c12ac");
        assert_eq!(big.len(), 5 + 3 + 300);
    }

    #[test]
    fn full_state_bytes_match_gogo() {
        let fs = FullState {
            parts: vec![part("sil", b"ab"), part("nfl", b""), part("", b"")],
        };
        assert_eq!(
            hex(&fs.encode_to_bytes()),
            "0a090a0373696c120261620a050a036e666c0a00"
        );
        assert_eq!(FullState::decode_bytes(&fs.encode_to_bytes()).unwrap(), fs);
        assert_eq!(FullState::decode_bytes(&[]).unwrap(), FullState::default());
    }

    #[test]
    fn decode_rejects_garbage() {
        assert!(Part::decode_bytes(&[0x0a, 0x05, b'a']).is_err());
        assert!(FullState::decode_bytes(&[0xff, 0xff, 0xff]).is_err());
    }
}

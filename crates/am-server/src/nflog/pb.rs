//! Hand-written protobuf structs for upstream's `nflog/nflogpb/nflog.proto` (v0.28) and the
//! varint-length-delimited stream codec of `nflog.state.MarshalBinary` / `decodeState`
//! (`pbutil.WriteDelimited` / `ReadDelimited`).
//!
//! Field numbers and presence rules follow the gogo-generated Go code: the two timestamps are
//! non-nullable (`gogoproto.nullable = false`), so Go always writes them and an absent one
//! decodes as Go's zero time; every other field is written only when it is non-default.

use jiff::Timestamp;
use prost::Message;

use am_model::alert::ZERO_TIME;

/// `google.protobuf.Timestamp`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct PbTimestamp {
    /// Seconds since the Unix epoch.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second, `0..1e9`.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// `nflogpb.Receiver`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct PbReceiver {
    /// Configured name of the receiver.
    #[prost(string, tag = "1")]
    pub group_name: String,
    /// Integration kind (`webhook`, `email`, …).
    #[prost(string, tag = "2")]
    pub integration: String,
    /// Index of the integration within its kind in the receiver.
    #[prost(uint32, tag = "3")]
    pub idx: u32,
}

/// `nflogpb.Entry`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbEntry {
    /// The aggregation group key.
    #[prost(bytes = "vec", tag = "1")]
    pub group_key: Vec<u8>,
    /// The notified receiver.
    #[prost(message, optional, tag = "2")]
    pub receiver: Option<PbReceiver>,
    /// Deprecated group hash (read and ignored).
    #[prost(bytes = "vec", tag = "3")]
    pub group_hash: Vec<u8>,
    /// Deprecated resolved flag (read and ignored).
    #[prost(bool, tag = "4")]
    pub resolved: bool,
    /// When the notification succeeded (always written).
    #[prost(message, optional, tag = "5")]
    pub timestamp: Option<PbTimestamp>,
    /// Hashes of the firing alerts notified.
    #[prost(uint64, repeated, tag = "6")]
    pub firing_alerts: Vec<u64>,
    /// Hashes of the resolved alerts notified.
    #[prost(uint64, repeated, tag = "7")]
    pub resolved_alerts: Vec<u64>,
}

/// `nflogpb.MeshEntry`: an entry plus its eviction time.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PbMeshEntry {
    /// The log entry.
    #[prost(message, optional, tag = "1")]
    pub entry: Option<PbEntry>,
    /// When peers evict the entry (always written).
    #[prost(message, optional, tag = "2")]
    pub expires_at: Option<PbTimestamp>,
}

/// Errors decoding a notification-log snapshot or gossip message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    /// A message could not be decoded (bad varint, truncated data, wrong wire type).
    #[error("invalid notification log message at byte {offset}: {reason}")]
    Protobuf {
        /// Offset of the message's length prefix in the input.
        offset: usize,
        /// The protobuf decoder's description.
        reason: String,
    },
    /// A message has no entry or no receiver (upstream `ErrInvalidState`).
    #[error("invalid state: entry at byte {offset} has no entry or receiver")]
    InvalidState {
        /// Offset of the message's length prefix in the input.
        offset: usize,
    },
    /// A timestamp lies outside 0001-01-01 … 9999-12-31.
    #[error("invalid timestamp {seconds}s {nanos}ns at byte {offset}")]
    Timestamp {
        /// Offset of the message's length prefix in the input.
        offset: usize,
        /// The timestamp's seconds.
        seconds: i64,
        /// The timestamp's nanoseconds.
        nanos: i32,
    },
}

impl PbTimestamp {
    /// The protobuf form of `t`.
    pub fn from_timestamp(t: Timestamp) -> Self {
        PbTimestamp {
            seconds: t.as_second(),
            nanos: t.subsec_nanosecond(),
        }
    }

    /// The instant, or `None` when it is out of range.
    pub fn to_timestamp(self) -> Option<Timestamp> {
        if !(0..1_000_000_000).contains(&self.nanos) {
            return None;
        }
        Timestamp::new(self.seconds, self.nanos).ok()
    }
}

/// Converts an optional non-nullable Go timestamp field: absent means Go's zero time.
pub(crate) fn decode_time(t: Option<PbTimestamp>, offset: usize) -> Result<Timestamp, DecodeError> {
    match t {
        None => Ok(ZERO_TIME),
        Some(pb) => pb.to_timestamp().ok_or(DecodeError::Timestamp {
            offset,
            seconds: pb.seconds,
            nanos: pb.nanos,
        }),
    }
}

/// Appends one varint-length-delimited message to `out` (`pbutil.WriteDelimited`).
pub fn write_delimited(out: &mut Vec<u8>, msg: &PbMeshEntry) {
    // Encoding into a Vec cannot run out of capacity.
    let _ = msg.encode_length_delimited(out);
}

/// Splits a delimited stream into messages (`pbutil.ReadDelimited` until EOF). Each item is
/// the message and the byte offset of its length prefix.
pub fn read_delimited(mut buf: &[u8]) -> Result<Vec<(usize, PbMeshEntry)>, DecodeError> {
    let total = buf.len();
    let mut out = Vec::new();
    while !buf.is_empty() {
        let offset = total - buf.len();
        let msg =
            PbMeshEntry::decode_length_delimited(&mut buf).map_err(|e| DecodeError::Protobuf {
                offset,
                reason: e.to_string(),
            })?;
        out.push((offset, msg));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_and_reject_out_of_range() {
        let t: Timestamp = "2024-05-06T07:08:09.123456789Z".parse().unwrap();
        let pb = PbTimestamp::from_timestamp(t);
        assert_eq!(pb.seconds, 1_714_979_289);
        assert_eq!(pb.nanos, 123_456_789);
        assert_eq!(pb.to_timestamp(), Some(t));
        let zero = PbTimestamp::from_timestamp(ZERO_TIME);
        assert_eq!(zero.seconds, -62_135_596_800);
        assert_eq!(decode_time(None, 0), Ok(ZERO_TIME));
        assert!(
            decode_time(
                Some(PbTimestamp {
                    seconds: 0,
                    nanos: -1
                }),
                3
            )
            .is_err()
        );
        assert!(
            decode_time(
                Some(PbTimestamp {
                    seconds: i64::MAX,
                    nanos: 0
                }),
                3
            )
            .is_err()
        );
    }

    #[test]
    fn wire_bytes_match_gogo_layout() {
        // Hand-assembled bytes for: receiver {"r","webhook",1}, group_key "g", timestamp
        // {1,2}, firing [1, 300] (packed), expires_at {5,0}.
        let msg = PbMeshEntry {
            entry: Some(PbEntry {
                group_key: b"g".to_vec(),
                receiver: Some(PbReceiver {
                    group_name: "r".into(),
                    integration: "webhook".into(),
                    idx: 1,
                }),
                timestamp: Some(PbTimestamp {
                    seconds: 1,
                    nanos: 2,
                }),
                firing_alerts: vec![1, 300],
                ..Default::default()
            }),
            expires_at: Some(PbTimestamp {
                seconds: 5,
                nanos: 0,
            }),
        };
        let mut out = Vec::new();
        write_delimited(&mut out, &msg);
        let receiver = [
            0x0a, 1, b'r', 0x12, 7, b'w', b'e', b'b', b'h', b'o', b'o', b'k', 0x18, 1,
        ];
        let mut entry = vec![0x0a, 1, b'g', 0x12, receiver.len() as u8];
        entry.extend_from_slice(&receiver);
        entry.extend_from_slice(&[0x2a, 4, 0x08, 1, 0x10, 2]);
        entry.extend_from_slice(&[0x32, 3, 0x01, 0xac, 0x02]);
        let mut mesh = vec![0x0a, entry.len() as u8];
        mesh.extend_from_slice(&entry);
        mesh.extend_from_slice(&[0x12, 2, 0x08, 5]);
        let mut want = vec![mesh.len() as u8];
        want.extend_from_slice(&mesh);
        assert_eq!(out, want);

        let back = read_delimited(&out).unwrap();
        assert_eq!(back, vec![(0, msg)]);
    }

    #[test]
    fn truncated_stream_is_an_error() {
        let msg = PbMeshEntry {
            entry: Some(PbEntry::default()),
            expires_at: None,
        };
        let mut out = Vec::new();
        write_delimited(&mut out, &msg);
        write_delimited(&mut out, &msg);
        let cut = &out[..out.len() - 1];
        match read_delimited(cut) {
            Err(DecodeError::Protobuf { offset, .. }) => assert_eq!(offset, out.len() / 2),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(read_delimited(&[]).unwrap(), vec![]);
    }
}

//! Property tests for the stream codec (`encode_stream_message`, `decode_stream_message`,
//! `decode_stream_prefix`): round trips through label and compression, the "bytes needed"
//! hint a reader follows, and panic-freedom on arbitrary or damaged input.

use am_cluster::codec::*;
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,40}", "[a-z]{30,300}"]
}

fn node() -> impl Strategy<Value = PushNodeState> {
    (
        bytes(20),
        any::<u32>(),
        bytes(40),
        text(),
        any::<u16>(),
        0i64..4,
        bytes(8),
    )
        .prop_map(
            |(addr, incarnation, meta, name, port, state, vsn)| PushNodeState {
                addr,
                incarnation,
                meta,
                name,
                port,
                state,
                vsn,
            },
        )
}

fn message() -> impl Strategy<Value = StreamMessage> {
    prop_oneof![
        (
            any::<bool>(),
            prop::collection::vec(node(), 0..8),
            bytes(3000)
        )
            .prop_map(
                |(join, nodes, user_state)| StreamMessage::PushPull(PushPull {
                    join,
                    nodes,
                    user_state
                })
            ),
        bytes(3000).prop_map(StreamMessage::User),
        (text(), any::<u32>(), bytes(16), text(), any::<u16>()).prop_map(
            |(node, seq_no, source_addr, source_node, source_port)| {
                StreamMessage::Ping(Ping {
                    node,
                    seq_no,
                    source_addr,
                    source_node,
                    source_port,
                })
            }
        ),
        (bytes(30), any::<u32>())
            .prop_map(|(payload, seq_no)| StreamMessage::Ack(AckResp { payload, seq_no })),
        text().prop_map(|error| StreamMessage::Err(ErrResp { error })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn stream_messages_round_trip(
        m in message(),
        label in "[a-z]{0,12}",
        compress in any::<bool>(),
        trailing in bytes(8),
    ) {
        let enc = encode_stream_message(&m, &label, compress).unwrap();
        let mut buf = enc.clone();
        buf.extend_from_slice(&trailing);
        prop_assert_eq!(decode_stream_message(&buf, &label).unwrap(), Some((m, enc.len())));
        if !label.is_empty() {
            prop_assert!(decode_stream_message(&buf, "other").is_err());
        }
    }

    /// A reader that waits for exactly the hinted number of bytes completes at the end of the
    /// message, never asks for bytes beyond it, and never re-reads without progress.
    #[test]
    fn need_more_hint_leads_to_the_end(m in message(), compress in any::<bool>()) {
        let enc = encode_stream_message(&m, "", compress).unwrap();
        let mut have = 0;
        let mut steps = 0;
        loop {
            match decode_stream_prefix(&enc[..have], "").unwrap() {
                StreamDecode::NeedMore(n) => {
                    prop_assert!(n > have && n <= enc.len(), "hint {} at {} of {}", n, have, enc.len());
                    have = n;
                }
                StreamDecode::Complete(got, used) => {
                    prop_assert_eq!(used, enc.len());
                    prop_assert_eq!(have, enc.len());
                    prop_assert_eq!(got, m);
                    break;
                }
            }
            steps += 1;
            prop_assert!(steps <= enc.len() + 1);
        }
    }

    #[test]
    fn decode_never_panics(buf in bytes(600), label in "[a-z]{0,3}") {
        let _ = decode_stream_message(&buf, &label);
        let _ = decode_stream_prefix(&buf, "");
    }

    #[test]
    fn decode_never_panics_on_damaged_messages(
        m in message(),
        compress in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut enc = encode_stream_message(&m, "l", compress).unwrap();
        for (i, v) in flips {
            let i = i.index(enc.len());
            enc[i] ^= v;
        }
        let n = cut.index(enc.len() + 1);
        if let Ok(StreamDecode::NeedMore(need)) = decode_stream_prefix(&enc[..n], "l") {
            prop_assert!(need > n);
        }
        let _ = decode_stream_message(&enc[..n], "");
    }
}

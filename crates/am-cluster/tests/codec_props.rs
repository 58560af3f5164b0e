//! Property tests for `am_cluster::codec`: message round-trips through every framing layer
//! (compound, compress, CRC, label) and panic-freedom of `decode_packet` on arbitrary bytes.

use am_cluster::codec::*;
use proptest::prelude::*;

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..300)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,40}", "[a-z]{30,300}"]
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (text(), any::<u32>(), bytes(), text(), any::<u16>()).prop_map(|(n, s, a, sn, sp)| {
            Message::Ping(Ping {
                node: n,
                seq_no: s,
                source_addr: a,
                source_node: sn,
                source_port: sp,
            })
        }),
        (
            any::<bool>(),
            text(),
            any::<u16>(),
            any::<u32>(),
            bytes(),
            bytes()
        )
            .prop_map(|(nack, node, port, seq_no, source_addr, target)| {
                Message::IndirectPing(IndirectPingReq {
                    nack,
                    node,
                    port,
                    seq_no,
                    source_addr,
                    source_node: String::new(),
                    source_port: 0,
                    target,
                })
            }),
        (bytes(), any::<u32>())
            .prop_map(|(payload, seq_no)| Message::Ack(AckResp { payload, seq_no })),
        any::<u32>().prop_map(|seq_no| Message::Nack(NackResp { seq_no })),
        text().prop_map(|error| Message::Err(ErrResp { error })),
        (text(), any::<u32>(), text()).prop_map(|(from, incarnation, node)| Message::Suspect(
            Suspect {
                from,
                incarnation,
                node
            }
        )),
        (text(), any::<u32>(), text()).prop_map(|(from, incarnation, node)| Message::Dead(Dead {
            from,
            incarnation,
            node
        })),
        (
            bytes(),
            any::<u32>(),
            bytes(),
            text(),
            any::<u16>(),
            bytes()
        )
            .prop_map(|(addr, incarnation, meta, node, port, vsn)| {
                Message::Alive(Alive {
                    addr,
                    incarnation,
                    meta,
                    node,
                    port,
                    vsn,
                })
            }),
        bytes().prop_map(Message::User),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn single_message_round_trips(m in message()) {
        prop_assert_eq!(decode_packet(&m.encode(), "").unwrap(), vec![m]);
    }

    #[test]
    fn framed_messages_round_trip(
        msgs in prop::collection::vec(message(), 1..20),
        compress in any::<bool>(),
        crc in any::<bool>(),
        label in "[a-z]{0,10}",
    ) {
        let encoded: Vec<Vec<u8>> = msgs.iter().map(Message::encode).collect();
        let refs: Vec<&[u8]> = encoded.iter().map(Vec::as_slice).collect();
        let mut p = make_compound_message(&refs).unwrap();
        if compress {
            p = compress_payload(&p).unwrap();
        }
        if crc {
            p = add_crc(&p);
        }
        p = add_label_header_to_packet(&p, &label).unwrap();
        prop_assert_eq!(decode_packet(&p, &label).unwrap(), msgs);
    }

    #[test]
    fn lzw_round_trips(data in prop::collection::vec(any::<u8>(), 0..5000)) {
        prop_assert_eq!(lzw_decompress(&lzw_compress(&data).unwrap()).unwrap(), data);
    }

    #[test]
    fn decode_packet_never_panics(buf in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = decode_packet(&buf, "");
        let _ = decode_packet_lenient(&buf, "x");
    }

    #[test]
    fn decode_packet_never_panics_on_damaged_packets(
        m in message(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        kind in 0u8..4,
    ) {
        let inner = m.encode();
        let mut p = match kind {
            0 => inner,
            1 => make_compound_message(&[&inner, &inner]).unwrap(),
            2 => compress_payload(&inner).unwrap(),
            _ => add_label_header_to_packet(&add_crc(&inner), "l").unwrap(),
        };
        for (i, v) in flips {
            let i = i.index(p.len());
            p[i] ^= v;
        }
        let n = cut.index(p.len() + 1);
        let _ = decode_packet(&p[..n], "l");
        let _ = decode_packet_lenient(&p[..n], "");
    }
}

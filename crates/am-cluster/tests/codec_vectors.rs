//! Hand-written byte vectors for `am_cluster::codec`, derived by reading memberlist v0.5.0
//! (`net.go`, `util.go`, `label.go`) and go-msgpack 0.5.x's encoder (sorted map keys,
//! old-spec raw strings without str8, nil for nil slices).

use am_cluster::codec::*;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn type_bytes_follow_iota_order() {
    let expected = [
        (MessageType::Ping, 0),
        (MessageType::IndirectPing, 1),
        (MessageType::AckResp, 2),
        (MessageType::Suspect, 3),
        (MessageType::Alive, 4),
        (MessageType::Dead, 5),
        (MessageType::PushPull, 6),
        (MessageType::Compound, 7),
        (MessageType::User, 8),
        (MessageType::Compress, 9),
        (MessageType::Encrypt, 10),
        (MessageType::NackResp, 11),
        (MessageType::HasCrc, 12),
        (MessageType::Err, 13),
        (MessageType::HasLabel, 244),
    ];
    for (t, b) in expected {
        assert_eq!(t as u8, b);
        assert_eq!(MessageType::from_u8(b), Some(t));
    }
    assert_eq!(MessageType::from_u8(14), None);
}

#[test]
fn ping_vector_sorted_keys_and_omitempty() {
    let m = Message::Ping(Ping {
        seq_no: 1,
        node: "a".into(),
        ..Default::default()
    });
    // type 0, fixmap 2, "Node" -> "a", "SeqNo" -> 1; Source* omitted.
    let want = hex("00 82 a4 4e6f6465 a1 61 a5 5365714e6f 01");
    assert_eq!(m.encode(), want);
    assert_eq!(decode_packet(&want, "").unwrap(), vec![m]);
}

#[test]
fn alive_vector_matches_go_layout() {
    let a = Alive {
        incarnation: 300,
        node: "n".into(),
        addr: vec![1, 2, 3, 4],
        port: 9094,
        meta: vec![],
        vsn: vec![1, 5, 2, 0, 0, 0],
    };
    let want = hex(
        "04 86 a4 41646472 a4 01020304 ab 496e6361726e6174696f6e cd 012c \
         a4 4d657461 c0 a4 4e6f6465 a1 6e a4 506f7274 cd 2386 a3 56736e a6 010502000000",
    );
    assert_eq!(Message::Alive(a.clone()).encode(), want);
    assert_eq!(decode_packet(&want, "").unwrap(), vec![Message::Alive(a)]);
}

#[test]
fn strings_32_to_255_use_str16_not_str8() {
    let e = ErrResp {
        error: "x".repeat(40),
    };
    let b = e.to_msgpack();
    // 81, a5 "Error", then da 0028 (str16) because WriteExt=false disables str8.
    assert_eq!(&b[..10], &hex("81 a5 4572726f72 da 0028")[..]);
    assert_eq!(ErrResp::from_msgpack(&b).unwrap(), e);
    // A decoder must still accept str8 and bin8 produced by newer encoders.
    let str8 = hex("81 a5 4572726f72 d9 02 6869");
    assert_eq!(ErrResp::from_msgpack(&str8).unwrap().error, "hi");
    let bin8 = hex("81 a7 5061796c6f6164 c4 02 0102");
    assert_eq!(AckResp::from_msgpack(&bin8).unwrap().payload, vec![1, 2]);
}

#[test]
fn integers_use_smallest_encoding() {
    let cases: [(u32, &str); 5] = [
        (0, "00"),
        (127, "7f"),
        (128, "cc80"),
        (65535, "cdffff"),
        (65536, "ce00010000"),
    ];
    for (v, h) in cases {
        let b = NackResp { seq_no: v }.to_msgpack();
        assert_eq!(b, [hex("81 a5 5365714e6f"), hex(h)].concat(), "{v}");
    }
    let p = PushPullHeader {
        nodes: -1,
        user_state_len: -200,
        join: true,
    }
    .to_msgpack();
    assert_eq!(
        p,
        hex("83 a4 4a6f696e c3 a5 4e6f646573 ff ac 5573657253746174654c656e d1 ff38")
    );
    assert_eq!(
        PushPullHeader::from_msgpack(&p).unwrap().user_state_len,
        -200
    );
}

#[test]
fn unknown_keys_skipped_and_missing_keys_zero() {
    // {"Extra": [1, {"x": nil}], "SeqNo": 7}
    let b = hex("82 a5 4578747261 92 01 81 a1 78 c0 a5 5365714e6f 07");
    assert_eq!(NackResp::from_msgpack(&b).unwrap(), NackResp { seq_no: 7 });
    assert_eq!(Dead::from_msgpack(&hex("80")).unwrap(), Dead::default());
    assert!(NackResp::from_msgpack(&hex("81 a5 5365714e6f cf 0000000100000000")).is_err());
}

#[test]
fn compound_layout_and_truncation() {
    let a = Message::Nack(NackResp { seq_no: 1 }).encode();
    let b = Message::User(b"hello".to_vec()).encode();
    let c = make_compound_message(&[&a, &b]).unwrap();
    let mut want = vec![7, 2];
    want.extend_from_slice(&(a.len() as u16).to_be_bytes());
    want.extend_from_slice(&[0, 6]);
    want.extend_from_slice(&a);
    want.extend_from_slice(&b);
    assert_eq!(c, want);
    let got = decode_packet(&c, "").unwrap();
    assert_eq!(
        got,
        vec![
            Message::Nack(NackResp { seq_no: 1 }),
            Message::User(b"hello".to_vec())
        ]
    );

    // Cut the last body short: one part survives, one is reported truncated.
    let cut = &c[..c.len() - 2];
    let parts = decode_compound_message(&cut[1..]).unwrap();
    assert_eq!(parts.parts.len(), 1);
    assert_eq!(parts.truncated, 1);
    let (p, errs) = decode_packet_lenient(cut, "").unwrap();
    assert_eq!((p.messages.len(), p.truncated, errs.len()), (1, 1, 0));

    assert_eq!(
        decode_compound_message(&[]),
        Err(CodecError::Truncated("compound length byte"))
    );
    assert_eq!(
        decode_compound_message(&[2, 0]),
        Err(CodecError::Truncated("compound length slice"))
    );
    let many: Vec<&[u8]> = vec![&a[..]; 300];
    assert!(make_compound_message(&many).is_err());
    let chunks = make_compound_messages(&many).unwrap();
    assert_eq!(
        chunks.iter().map(|c| c[1]).collect::<Vec<_>>(),
        vec![255, 45]
    );
}

#[test]
fn lzw_known_stream() {
    // Go's compress/lzw writer starts with a clear code (256, 9 bits, LSB first), then the
    // literal 97.
    let out = lzw_compress(b"aaaa").unwrap();
    assert_eq!(lzw_decompress(&out).unwrap(), b"aaaa");
    let first = u16::from(out[0]) | (u16::from(out[1] & 1) << 8);
    assert_eq!(first, 256, "first code must be clear, got {out:02x?}");
    let second = (u16::from(out[1]) >> 1) | (u16::from(out[2] & 3) << 7);
    assert_eq!(
        second, 97,
        "second code must be the literal, got {out:02x?}"
    );
    let packet = compress_payload(b"\x08payload").unwrap();
    assert_eq!(packet[0], 9);
    assert_eq!(&packet[1..9], &hex("82 a4 416c676f 00 a3")[..]);
    assert_eq!(
        decode_packet(&packet, "").unwrap(),
        vec![Message::User(b"payload".to_vec())]
    );
    let bad = Compress {
        algo: 1,
        buf: vec![],
    }
    .to_msgpack();
    assert_eq!(
        decompress_payload(&bad),
        Err(CodecError::UnknownCompression(1))
    );
}

#[test]
fn crc_prefix() {
    let inner = Message::Nack(NackResp { seq_no: 9 }).encode();
    let p = add_crc(&inner);
    assert_eq!(p[0], 12);
    assert_eq!(&p[1..5], &crc32fast::hash(&inner).to_be_bytes());
    assert_eq!(decode_packet(&p, "").unwrap().len(), 1);
    let mut bad = p.clone();
    *bad.last_mut().unwrap() ^= 1;
    assert!(matches!(
        decode_packet(&bad, ""),
        Err(CodecError::BadChecksum { .. })
    ));
    // Shorter than 5 bytes: not treated as CRC, so type 12 is unsupported.
    assert_eq!(strip_crc(&[12, 0, 0]).unwrap(), &[12, 0, 0]);
}

#[test]
fn label_header_packet_and_stream() {
    let inner = Message::Nack(NackResp { seq_no: 3 }).encode();
    let p = add_label_header_to_packet(&inner, "prod").unwrap();
    assert_eq!(&p[..6], &[244, 4, b'p', b'r', b'o', b'd']);
    assert_eq!(
        remove_label_header_from_packet(&p).unwrap(),
        (&inner[..], &b"prod"[..])
    );
    assert_eq!(decode_packet(&p, "prod").unwrap().len(), 1);
    assert_eq!(
        decode_packet(&p, ""),
        Err(CodecError::LabelMismatch("prod".into()))
    );
    assert_eq!(
        decode_packet(&inner, "prod"),
        Err(CodecError::LabelMismatch(String::new()))
    );
    assert_eq!(add_label_header_to_packet(&inner, "").unwrap(), inner);
    assert!(matches!(
        add_label_header_to_packet(&inner, &"l".repeat(256)),
        Err(CodecError::LabelTooLong(_))
    ));
    assert_eq!(
        remove_label_header_from_packet(&[244, 0, 1]),
        Err(CodecError::EmptyLabel)
    );
    assert_eq!(
        remove_label_header_from_packet(&[244, 5, 1]),
        Err(CodecError::Truncated("label"))
    );
    assert_eq!(
        remove_label_header_from_packet(&[244]),
        Err(CodecError::Truncated("label"))
    );

    assert_eq!(peek_stream_label(&[]).unwrap(), StreamLabel::NeedMore);
    assert_eq!(peek_stream_label(&[6, 1]).unwrap(), StreamLabel::Unlabeled);
    assert_eq!(peek_stream_label(&[244]).unwrap(), StreamLabel::NeedMore);
    assert_eq!(
        peek_stream_label(&[244, 2, b'x']).unwrap(),
        StreamLabel::NeedMore
    );
    assert_eq!(
        peek_stream_label(&[244, 2, b'x', b'y', 6]).unwrap(),
        StreamLabel::Labeled {
            label: b"xy".to_vec(),
            header_len: 4
        }
    );
    assert_eq!(peek_stream_label(&[244, 0]), Err(CodecError::EmptyLabel));
    assert_eq!(label_header("ab").unwrap(), vec![244, 2, b'a', b'b']);
}

#[test]
fn nesting_is_bounded() {
    let mut p = Message::User(vec![1]).encode();
    for _ in 0..(MAX_NESTING + 2) {
        p = make_compound_message(&[&p]).unwrap();
    }
    assert_eq!(decode_packet(&p, ""), Err(CodecError::TooDeep(MAX_NESTING)));
    assert_eq!(decode_packet(&[], ""), Err(CodecError::MissingType));
    assert_eq!(
        decode_packet(&[10, 1, 2], ""),
        Err(CodecError::Unsupported(10))
    );
}

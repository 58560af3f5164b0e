//! Fuzzes memberlist UDP packet decoding (`am_cluster::codec::decode_packet` and
//! `decode_packet_lenient`, memberlist `net.go` ingestPacket/handleCommand) on arbitrary bytes
//! and expected labels. Neither may panic; a packet the strict decoder accepts must decode the
//! same leniently with nothing skipped; and whatever decodes must survive re-framing: the
//! messages re-encoded, wrapped as a compound (when several), optionally compressed,
//! CRC-prefixed and labelled must decode to the same messages.
//!
//! Input layout: byte 0 = label length (low 6 bits) and re-framing flags (0x40 compress,
//! 0x80 CRC); then the label bytes (lossy UTF-8); the rest is the packet.
#![no_main]

use am_cluster::codec::{
    Message, add_crc, add_label_header_to_packet, compress_payload, decode_packet,
    decode_packet_lenient, make_compound_message,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let label_len = usize::from(head & 0x3f).min(rest.len());
    let (label, packet) = rest.split_at(label_len);
    let label = String::from_utf8_lossy(label);

    let strict = decode_packet(packet, &label);
    let lenient = decode_packet_lenient(packet, &label);
    let messages = match (strict, lenient) {
        (Ok(strict), Ok((lenient, skipped))) => {
            assert!(
                skipped.is_empty(),
                "strict accepted what lenient skipped: {skipped:?}"
            );
            assert_eq!(
                strict, lenient.messages,
                "strict and lenient decodes differ"
            );
            strict
        }
        (Ok(strict), Err(e)) => panic!("lenient rejected a strict decode {strict:?}: {e}"),
        (Err(_), Ok((lenient, _))) => lenient.messages,
        (Err(_), Err(_)) => return,
    };
    if messages.is_empty() {
        return;
    }
    reframe_round_trip(&messages, &label, head & 0x40 != 0, head & 0x80 != 0);
});

/// Re-encodes `messages` into one packet and checks it decodes back to them.
fn reframe_round_trip(messages: &[Message], label: &str, compress: bool, crc: bool) {
    let parts: Vec<Vec<u8>> = messages.iter().map(Message::encode).collect();
    let mut packet = if parts.len() == 1 {
        parts[0].clone()
    } else {
        let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        // More than 255 parts or a part over 64 KiB cannot be one compound: nothing to check.
        let Ok(compound) = make_compound_message(&refs) else {
            return;
        };
        compound
    };
    if compress {
        packet = compress_payload(&packet).expect("compressing a re-encoded packet");
    }
    if crc {
        packet = add_crc(&packet);
    }
    // A label over 255 bytes cannot be framed (the input's label is at most 63 bytes).
    let Ok(packet) = add_label_header_to_packet(&packet, label) else {
        return;
    };
    match decode_packet(&packet, label) {
        Ok(again) => assert_eq!(again, messages, "re-framed packet decodes differently"),
        Err(e) => panic!("re-framed packet does not decode: {e}\nmessages: {messages:?}"),
    }
}

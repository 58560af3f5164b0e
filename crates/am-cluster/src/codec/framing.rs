//! Packet framing around message bodies: compound messages, LZW compression, the CRC32
//! prefix and the label header. Mirrors memberlist `util.go` (makeCompoundMessage,
//! decodeCompoundMessage, compressPayload, decompressBuffer), `net.go` (hasCrcMsg) and
//! `label.go` (AddLabelHeaderToPacket, RemoveLabelHeaderFromPacket and the stream variant).

use super::messages::{Compress, WireStruct};
use super::{CodecError, MessageType};

/// Maximum label length in bytes (`LabelMaxSize`).
pub const LABEL_MAX_SIZE: usize = 255;
/// Maximum number of parts in one compound message.
pub const MAX_COMPOUND_PARTS: usize = 255;
/// Upper bound on decompressed size, protecting against LZW bombs (memberlist has none;
/// a UDP packet never legitimately decompresses beyond a few hundred KiB).
pub const MAX_DECOMPRESSED_SIZE: usize = 20 * 1024 * 1024;

/// Builds one compound message: type byte, part count, big-endian u16 lengths, bodies.
/// Fails when there are more than 255 parts or a part is longer than 65535 bytes.
pub fn make_compound_message(parts: &[&[u8]]) -> Result<Vec<u8>, CodecError> {
    if parts.len() > MAX_COMPOUND_PARTS {
        return Err(CodecError::TooLarge("compound part count", parts.len()));
    }
    let total: usize = parts.iter().map(|p| p.len() + 2).sum();
    let mut out = Vec::with_capacity(2 + total);
    out.push(MessageType::Compound as u8);
    out.push(parts.len() as u8);
    for p in parts {
        let len =
            u16::try_from(p.len()).map_err(|_| CodecError::TooLarge("compound part", p.len()))?;
        out.extend_from_slice(&len.to_be_bytes());
    }
    for p in parts {
        out.extend_from_slice(p);
    }
    Ok(out)
}

/// Splits parts into compound messages of at most 255 parts each (`makeCompoundMessages`).
pub fn make_compound_messages(parts: &[&[u8]]) -> Result<Vec<Vec<u8>>, CodecError> {
    parts
        .chunks(MAX_COMPOUND_PARTS)
        .map(make_compound_message)
        .collect()
}

/// Result of splitting a compound body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompoundParts<'a> {
    /// Complete parts, in order.
    pub parts: Vec<&'a [u8]>,
    /// Number of trailing parts whose bodies were cut off (memberlist logs and drops them).
    pub truncated: usize,
}

/// Splits a compound body (everything after the `compoundMsg` type byte).
pub fn decode_compound_message(buf: &[u8]) -> Result<CompoundParts<'_>, CodecError> {
    let (&n, rest) = buf
        .split_first()
        .ok_or(CodecError::Truncated("compound length byte"))?;
    let n = usize::from(n);
    if rest.len() < n * 2 {
        return Err(CodecError::Truncated("compound length slice"));
    }
    let (lens, mut body) = rest.split_at(n * 2);
    let mut parts = Vec::with_capacity(n);
    for (idx, l) in lens.chunks_exact(2).enumerate() {
        let len = usize::from(u16::from_be_bytes([l[0], l[1]]));
        if body.len() < len {
            return Ok(CompoundParts {
                parts,
                truncated: n - idx,
            });
        }
        let (part, tail) = body.split_at(len);
        parts.push(part);
        body = tail;
    }
    Ok(CompoundParts {
        parts,
        truncated: 0,
    })
}

/// LZW-compresses (LSB order, 8-bit literals, like Go's `compress/lzw`).
pub fn lzw_compress(input: &[u8]) -> Result<Vec<u8>, CodecError> {
    weezl::encode::Encoder::new(weezl::BitOrder::Lsb, 8)
        .encode(input)
        .map_err(|e| CodecError::Lzw(e.to_string()))
}

/// LZW-decompresses, failing beyond [`MAX_DECOMPRESSED_SIZE`].
pub fn lzw_decompress(input: &[u8]) -> Result<Vec<u8>, CodecError> {
    let mut dec = weezl::decode::Decoder::new(weezl::BitOrder::Lsb, 8);
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut inp = input;
    loop {
        let res = dec.decode_bytes(inp, &mut chunk);
        out.extend_from_slice(&chunk[..res.consumed_out]);
        inp = &inp[res.consumed_in..];
        if out.len() > MAX_DECOMPRESSED_SIZE {
            return Err(CodecError::TooLarge("decompressed payload", out.len()));
        }
        match res.status {
            Ok(weezl::LzwStatus::Done) => return Ok(out),
            Ok(weezl::LzwStatus::Ok) => {}
            Ok(weezl::LzwStatus::NoProgress) => {
                return Err(CodecError::Lzw("unexpected end of lzw stream".into()));
            }
            Err(e) => return Err(CodecError::Lzw(e.to_string())),
        }
    }
}

/// Builds a full `compressMsg` packet (type byte + msgpack `compress{Algo: 0, Buf}`).
pub fn compress_payload(input: &[u8]) -> Result<Vec<u8>, CodecError> {
    let c = Compress {
        algo: 0,
        buf: lzw_compress(input)?,
    };
    let mut out = vec![MessageType::Compress as u8];
    c.encode_into(&mut out);
    Ok(out)
}

/// Decodes a `compressMsg` body (after the type byte) and decompresses it.
pub fn decompress_payload(body: &[u8]) -> Result<Vec<u8>, CodecError> {
    let c = Compress::from_msgpack(body)?;
    if c.algo != 0 {
        return Err(CodecError::UnknownCompression(c.algo));
    }
    lzw_decompress(&c.buf)
}

/// Prefixes a packet with `hasCrcMsg` and the big-endian CRC32 (IEEE) of `buf`.
pub fn add_crc(buf: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(buf.len() + 5);
    out.push(MessageType::HasCrc as u8);
    out.extend_from_slice(&crc32fast::hash(buf).to_be_bytes());
    out.extend_from_slice(buf);
    out
}

/// If `buf` is a CRC-prefixed packet (type 12 and at least 5 bytes, as memberlist checks),
/// verifies and strips the prefix; otherwise returns `buf` unchanged.
pub fn strip_crc(buf: &[u8]) -> Result<&[u8], CodecError> {
    if buf.len() >= 5 && buf[0] == MessageType::HasCrc as u8 {
        let expected = u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]);
        let got = crc32fast::hash(&buf[5..]);
        if got != expected {
            return Err(CodecError::BadChecksum { expected, got });
        }
        return Ok(&buf[5..]);
    }
    Ok(buf)
}

/// The label header bytes (`hasLabelMsg`, length, label); empty for an empty label.
pub fn label_header(label: &str) -> Result<Vec<u8>, CodecError> {
    if label.is_empty() {
        return Ok(Vec::new());
    }
    if label.len() > LABEL_MAX_SIZE {
        return Err(CodecError::LabelTooLong(label.to_string()));
    }
    let mut out = Vec::with_capacity(2 + label.len());
    out.push(MessageType::HasLabel as u8);
    out.push(label.len() as u8);
    out.extend_from_slice(label.as_bytes());
    Ok(out)
}

/// `AddLabelHeaderToPacket`: prefixes the label header (no-op for an empty label).
pub fn add_label_header_to_packet(buf: &[u8], label: &str) -> Result<Vec<u8>, CodecError> {
    let mut out = label_header(label)?;
    out.extend_from_slice(buf);
    Ok(out)
}

/// `RemoveLabelHeaderFromPacket`: returns the rest of the packet and the label ("" if none).
/// The label is returned as raw bytes converted lossily only for display in errors.
pub fn remove_label_header_from_packet(buf: &[u8]) -> Result<(&[u8], &[u8]), CodecError> {
    match buf.first() {
        Some(&b) if b == MessageType::HasLabel as u8 => {}
        _ => return Ok((buf, &[])),
    }
    let size = usize::from(*buf.get(1).ok_or(CodecError::Truncated("label"))?);
    if size < 1 {
        return Err(CodecError::EmptyLabel);
    }
    let label = buf.get(2..2 + size).ok_or(CodecError::Truncated("label"))?;
    Ok((&buf[2 + size..], label))
}

/// Outcome of inspecting the first bytes of a stream for a label header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamLabel {
    /// More bytes are needed to decide (end of stream at this point is an error, except
    /// for an empty stream, which is unlabeled).
    NeedMore,
    /// No label header: the stream starts at offset 0.
    Unlabeled,
    /// A label header of `header_len` bytes carrying `label`.
    Labeled {
        /// The label bytes.
        label: Vec<u8>,
        /// Bytes to consume before the first message.
        header_len: usize,
    },
}

/// Sans-IO `RemoveLabelHeaderFromStream`: inspects the bytes peeked so far.
pub fn peek_stream_label(peeked: &[u8]) -> Result<StreamLabel, CodecError> {
    match peeked.first() {
        None => return Ok(StreamLabel::NeedMore),
        Some(&b) if b != MessageType::HasLabel as u8 => return Ok(StreamLabel::Unlabeled),
        Some(_) => {}
    }
    let Some(&size) = peeked.get(1) else {
        return Ok(StreamLabel::NeedMore);
    };
    let size = usize::from(size);
    if size < 1 {
        return Err(CodecError::EmptyLabel);
    }
    match peeked.get(2..2 + size) {
        None => Ok(StreamLabel::NeedMore),
        Some(l) => Ok(StreamLabel::Labeled {
            label: l.to_vec(),
            header_len: 2 + size,
        }),
    }
}

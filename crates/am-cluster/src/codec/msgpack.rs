//! Minimal msgpack writer/reader reproducing hashicorp/go-msgpack's `codec.MsgpackHandle{}`
//! defaults as memberlist's `util.go` `encode`/`decode` use them (old-spec "raw" strings:
//! `WriteExt` is false, so `[]byte` and `string` both use the str family and never str8).

use super::CodecError;

/// Maximum nesting depth accepted when skipping unknown values.
const MAX_SKIP_DEPTH: usize = 32;

/// Append-only msgpack writer with go-msgpack's default-handle choices.
#[derive(Debug, Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    /// Map header (fixmap below 16, else map16/map32).
    pub fn map_len(&mut self, n: usize) {
        self.container_len(0x80, 16, 0xde, 0xdf, n);
    }

    fn container_len(&mut self, fix: u8, cutoff: usize, b16: u8, b32: u8, n: usize) {
        if n < cutoff {
            self.buf.push(fix | n as u8);
        } else if let Ok(v) = u16::try_from(n) {
            self.buf.push(b16);
            self.buf.extend_from_slice(&v.to_be_bytes());
        } else {
            self.buf.push(b32);
            self.buf.extend_from_slice(&(n as u32).to_be_bytes());
        }
    }

    /// Raw bytes in the str family: fixstr below 32, then str16 (no str8), then str32.
    pub fn raw(&mut self, b: &[u8]) {
        self.container_len(0xa0, 32, 0xda, 0xdb, b.len());
        self.buf.extend_from_slice(b);
    }

    /// A `[]byte` field: Go encodes a nil slice as msgpack nil; we map empty to nil.
    pub fn bytes_or_nil(&mut self, b: &[u8]) {
        if b.is_empty() {
            self.buf.push(0xc0);
        } else {
            self.raw(b);
        }
    }

    /// Unsigned integer in the smallest encoding (positive fixint up to 127).
    pub fn uint(&mut self, v: u64) {
        if v <= 127 {
            self.buf.push(v as u8);
        } else if v <= 0xff {
            self.buf.extend_from_slice(&[0xcc, v as u8]);
        } else if v <= 0xffff {
            self.buf.push(0xcd);
            self.buf.extend_from_slice(&(v as u16).to_be_bytes());
        } else if v <= 0xffff_ffff {
            self.buf.push(0xce);
            self.buf.extend_from_slice(&(v as u32).to_be_bytes());
        } else {
            self.buf.push(0xcf);
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// Signed integer: non-negative values use the unsigned encodings.
    pub fn int(&mut self, v: i64) {
        if v >= 0 {
            self.uint(v as u64);
        } else if v >= -32 {
            self.buf.push(v as u8);
        } else if v >= i64::from(i8::MIN) {
            self.buf.extend_from_slice(&[0xd0, v as u8]);
        } else if v >= i64::from(i16::MIN) {
            self.buf.push(0xd1);
            self.buf.extend_from_slice(&(v as i16).to_be_bytes());
        } else if v >= i64::from(i32::MIN) {
            self.buf.push(0xd2);
            self.buf.extend_from_slice(&(v as i32).to_be_bytes());
        } else {
            self.buf.push(0xd3);
            self.buf.extend_from_slice(&v.to_be_bytes());
        }
    }

    /// Boolean.
    pub fn bool(&mut self, v: bool) {
        self.buf.push(if v { 0xc3 } else { 0xc2 });
    }
}

/// Lenient msgpack reader over a byte slice.
#[derive(Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(CodecError::Truncated("msgpack"))?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(CodecError::Truncated("msgpack"))?;
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }

    fn be(&mut self, n: usize) -> Result<u64, CodecError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |a, b| (a << 8) | u64::from(*b)))
    }

    /// Reads a map header; nil counts as an empty map.
    pub fn map_len(&mut self) -> Result<usize, CodecError> {
        let b = self.byte()?;
        match b {
            0x80..=0x8f => Ok(usize::from(b & 0x0f)),
            0xde => Ok(self.be(2)? as usize),
            0xdf => Ok(self.be(4)? as usize),
            0xc0 => Ok(0),
            _ => Err(CodecError::Msgpack(format!("expected map, got 0x{b:02x}"))),
        }
    }

    /// Reads any integer (or nil as 0) as i128.
    pub fn integer(&mut self) -> Result<i128, CodecError> {
        let b = self.byte()?;
        Ok(match b {
            0x00..=0x7f => i128::from(b),
            0xe0..=0xff => i128::from(b as i8),
            0xcc => i128::from(self.be(1)?),
            0xcd => i128::from(self.be(2)?),
            0xce => i128::from(self.be(4)?),
            0xcf => i128::from(self.be(8)?),
            0xd0 => i128::from(self.be(1)? as u8 as i8),
            0xd1 => i128::from(self.be(2)? as u16 as i16),
            0xd2 => i128::from(self.be(4)? as u32 as i32),
            0xd3 => i128::from(self.be(8)? as i64),
            0xc0 => 0,
            _ => {
                return Err(CodecError::Msgpack(format!(
                    "expected integer, got 0x{b:02x}"
                )));
            }
        })
    }

    /// Reads an unsigned integer that must fit in `max`.
    pub fn uint(&mut self, max: u64) -> Result<u64, CodecError> {
        let v = self.integer()?;
        u64::try_from(v)
            .ok()
            .filter(|v| *v <= max)
            .ok_or_else(|| CodecError::Msgpack(format!("integer {v} out of range")))
    }

    /// Reads a signed 64-bit integer.
    pub fn int(&mut self) -> Result<i64, CodecError> {
        let v = self.integer()?;
        i64::try_from(v).map_err(|_| CodecError::Msgpack(format!("integer {v} out of range")))
    }

    /// Reads a boolean (nil is false).
    pub fn bool(&mut self) -> Result<bool, CodecError> {
        match self.byte()? {
            0xc2 | 0xc0 => Ok(false),
            0xc3 => Ok(true),
            b => Err(CodecError::Msgpack(format!("expected bool, got 0x{b:02x}"))),
        }
    }

    /// Reads str/bin family bytes (nil is empty); also accepts an array of small integers.
    pub fn bytes(&mut self) -> Result<Vec<u8>, CodecError> {
        let b = self.byte()?;
        let n = match b {
            0xa0..=0xbf => usize::from(b & 0x1f),
            0xd9 | 0xc4 => self.be(1)? as usize,
            0xda | 0xc5 => self.be(2)? as usize,
            0xdb | 0xc6 => self.be(4)? as usize,
            0xc0 => 0,
            0x90..=0x9f | 0xdc | 0xdd => {
                let n = match b {
                    0xdc => self.be(2)? as usize,
                    0xdd => self.be(4)? as usize,
                    _ => usize::from(b & 0x0f),
                };
                let mut out = Vec::with_capacity(n.min(self.buf.len()));
                for _ in 0..n {
                    out.push(self.uint(255)? as u8);
                }
                return Ok(out);
            }
            _ => {
                return Err(CodecError::Msgpack(format!(
                    "expected bytes, got 0x{b:02x}"
                )));
            }
        };
        Ok(self.take(n)?.to_vec())
    }

    /// Reads a string (must be valid UTF-8).
    pub fn string(&mut self) -> Result<String, CodecError> {
        String::from_utf8(self.bytes()?)
            .map_err(|_| CodecError::Msgpack("invalid utf-8 string".into()))
    }

    /// Skips one value of any type.
    pub fn skip(&mut self) -> Result<(), CodecError> {
        self.skip_depth(0)
    }

    fn skip_depth(&mut self, depth: usize) -> Result<(), CodecError> {
        if depth > MAX_SKIP_DEPTH {
            return Err(CodecError::Msgpack("value nested too deeply".into()));
        }
        let b = self.byte()?;
        let (skip, items) = match b {
            0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => (0, 0),
            0x80..=0x8f => (0, 2 * usize::from(b & 0x0f)),
            0x90..=0x9f => (0, usize::from(b & 0x0f)),
            0xa0..=0xbf => (usize::from(b & 0x1f), 0),
            0xcc | 0xd0 => (1, 0),
            0xcd | 0xd1 => (2, 0),
            0xce | 0xd2 | 0xca => (4, 0),
            0xcf | 0xd3 | 0xcb => (8, 0),
            0xc4 | 0xd9 => (self.be(1)? as usize, 0),
            0xc5 | 0xda => (self.be(2)? as usize, 0),
            0xc6 | 0xdb => (self.be(4)? as usize, 0),
            0xd4 => (2, 0),
            0xd5 => (3, 0),
            0xd6 => (5, 0),
            0xd7 => (9, 0),
            0xd8 => (17, 0),
            0xc7 => (self.be(1)? as usize + 1, 0),
            0xc8 => (self.be(2)? as usize + 1, 0),
            0xc9 => (self.be(4)? as usize + 1, 0),
            0xdc => (0, self.be(2)? as usize),
            0xdd => (0, self.be(4)? as usize),
            0xde => (0, 2 * self.be(2)? as usize),
            0xdf => (0, 2 * self.be(4)? as usize),
            _ => {
                return Err(CodecError::Msgpack(format!(
                    "invalid msgpack byte 0x{b:02x}"
                )));
            }
        };
        self.take(skip)?;
        for _ in 0..items {
            self.skip_depth(depth + 1)?;
        }
        Ok(())
    }
}

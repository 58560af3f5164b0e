//! JSON output byte-compatible with Go's `encoding/json` as go-swagger models use it
//! (`json.Marshal`, HTML escaping on): `<`, `>`, `&` become `\u003c`, `\u003e`, `\u0026`,
//! U+2028/U+2029 become `\u2028`/`\u2029`, `\b \f \n \r \t` use short escapes (Go ≥ 1.22, the
//! toolchain of Alertmanager 0.28) and other control characters `\u00XX` (lower-case hex).
//!
//! [`write_str`] is the hand-written escaper used by the fast writers; [`to_vec`] serializes
//! any serde model through a `serde_json` formatter that applies the same rules.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Per-byte class: 0 = copy, 1 = needs escaping, 2 = maybe U+2028/2029 (lead byte 0xE2).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[b'"' as usize] = 1;
    t[b'\\' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'&' as usize] = 1;
    t[0xE2] = 2;
    t
};

fn escape_byte(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(b >> 4) as usize],
            HEX[(b & 0xF) as usize],
        ]),
    }
}

/// Appends the escaped contents of `s` (without surrounding quotes).
fn write_escaped(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match CLASS[b as usize] {
            0 => {
                i += 1;
            }
            1 => {
                out.extend_from_slice(&bytes[start..i]);
                escape_byte(out, b);
                i += 1;
                start = i;
            }
            _ => {
                if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9))
                {
                    out.extend_from_slice(&bytes[start..i]);
                    out.extend_from_slice(if bytes[i + 2] == 0xA8 {
                        b"\\u2028"
                    } else {
                        b"\\u2029"
                    });
                    i += 3;
                    start = i;
                } else {
                    i += 1;
                }
            }
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

/// Appends `s` as a quoted JSON string escaped like Go's `encoding/json`.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    write_escaped(out, s);
    out.push(b'"');
}

/// A `serde_json` formatter producing Go's escaping (compact output).
#[derive(Debug, Default, Clone, Copy)]
pub struct GoFormatter;

impl Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut buf = Vec::with_capacity(fragment.len() + 8);
        write_escaped(&mut buf, fragment);
        writer.write_all(&buf)
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        let b = match char_escape {
            CharEscape::Quote => b'"',
            CharEscape::ReverseSolidus => b'\\',
            CharEscape::Solidus => b'/',
            CharEscape::Backspace => 0x08,
            CharEscape::FormFeed => 0x0C,
            CharEscape::LineFeed => b'\n',
            CharEscape::CarriageReturn => b'\r',
            CharEscape::Tab => b'\t',
            CharEscape::AsciiControl(b) => b,
        };
        let mut buf = Vec::with_capacity(6);
        if b == b'/' {
            buf.push(b'/');
        } else {
            escape_byte(&mut buf, b);
        }
        writer.write_all(&buf)
    }
}

/// Serializes `value` to compact JSON with Go's escaping (see the module docs).
///
/// # Errors
/// Whatever the value's `Serialize` implementation reports (never for this crate's models).
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    value.serialize(&mut ser)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut v = Vec::new();
        write_str(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn escapes_like_go() {
        assert_eq!(esc("a<b>&c"), r#""a\u003cb\u003e\u0026c""#);
        assert_eq!(
            esc("\u{2028}x\u{2029}\u{2027}"),
            "\"\\u2028x\\u2029\u{2027}\""
        );
        assert_eq!(
            esc("q\"\\/\n\r\t\x08\x0c\x01\x1f\x7f"),
            r#""q\"\\/\n\r\t\b\f\u0001\u001f"#.to_owned() + "\x7f\""
        );
        assert_eq!(esc("héllo ✓"), "\"héllo ✓\"");
    }

    #[test]
    fn serde_formatter_agrees() {
        for s in [
            "a<b>&c",
            "\u{2028}\u{2029}",
            "q\"\\/\n\x08\x0c\x01",
            "plain",
            "é✓€",
        ] {
            assert_eq!(String::from_utf8(to_vec(s).unwrap()).unwrap(), esc(s));
        }
    }
}

//! Go string quoting and unquoting used by the parser: `strconv.Quote` (for `%q` in error texts
//! and node printing), `strconv.Unquote` and `strconv.UnquoteChar` (string and character
//! constants), mirroring Go's `strconv/quote.go` behaviour.

/// Go's `unicode.IsPrint` (shared with `gofmt`, Unicode 15 as Go 1.23).
pub fn is_print(c: char) -> bool {
    crate::gofmt::is_print(c)
}

/// Appends Go's quoted form of `c` (without surrounding quotes) as `strconv.Quote` does.
pub fn push_quoted_char(out: &mut String, c: char, quote: char) {
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if is_print(c) => out.push(c),
        c if (c as u32) < 0x20 || c == '\x7f' => {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `strconv.Quote` of at most `max_runes` leading runes of `s` (as `%.Nq` formats).
pub fn go_quote_trunc(s: &str, max_runes: usize) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars().take(max_runes) {
        push_quoted_char(&mut out, c, '"');
    }
    out.push('"');
    out
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    go_quote_trunc(s, usize::MAX)
}

/// Error of [`unquote`] / [`unquote_char`]: Go's `strconv.ErrSyntax` ("invalid syntax").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError;

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid syntax")
    }
}

fn unhex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// One decoded element of a quoted literal: a Unicode scalar or a raw byte (`\xff`, `\377`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A character.
    Char(char),
    /// A single byte from `\x` or octal escapes.
    Byte(u8),
}

/// Go's `strconv.UnquoteChar`: decodes the first character or escape of `s` (which is quoted
/// with `quote`), returning the unit and the remaining tail.
pub fn unquote_char(s: &str, quote: char) -> Result<(Unit, &str), SyntaxError> {
    let mut chars = s.chars();
    let c = chars.next().ok_or(SyntaxError)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(SyntaxError);
    }
    if c != '\\' {
        return Ok((Unit::Char(c), chars.as_str()));
    }
    let b = s.as_bytes();
    if b.len() <= 1 {
        return Err(SyntaxError);
    }
    let e = b[1];
    let rest = &s[2..];
    let simple = |ch: char| Ok((Unit::Char(ch), rest));
    match e {
        b'a' => simple('\x07'),
        b'b' => simple('\x08'),
        b'f' => simple('\x0c'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'v' => simple('\x0b'),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let rb = rest.as_bytes();
            if rb.len() < n {
                return Err(SyntaxError);
            }
            let mut v: u32 = 0;
            for &d in &rb[..n] {
                v = (v << 4) | unhex(d).ok_or(SyntaxError)?;
            }
            let tail = &rest[n..];
            if e == b'x' {
                return Ok((byte_or_char(v), tail));
            }
            let ch = char::from_u32(v).ok_or(SyntaxError)?;
            Ok((Unit::Char(ch), tail))
        }
        b'0'..=b'7' => {
            let rb = rest.as_bytes();
            if rb.len() < 2 {
                return Err(SyntaxError);
            }
            let mut v = u32::from(e - b'0');
            for &d in &rb[..2] {
                if !(b'0'..=b'7').contains(&d) {
                    return Err(SyntaxError);
                }
                v = (v << 3) | u32::from(d - b'0');
            }
            if v > 255 {
                return Err(SyntaxError);
            }
            Ok((byte_or_char(v), &rest[2..]))
        }
        b'\\' => simple('\\'),
        b'\'' | b'"' => {
            if char::from(e) != quote {
                return Err(SyntaxError);
            }
            simple(char::from(e))
        }
        _ => Err(SyntaxError),
    }
}

fn byte_or_char(v: u32) -> Unit {
    if v < 0x80 {
        Unit::Char(char::from(v as u8))
    } else {
        Unit::Byte(v as u8)
    }
}

/// Go's `strconv.Unquote` for double-quoted, back-quoted and single-quoted literals.
/// Bytes that do not form valid UTF-8 (from `\x`/octal escapes) become U+FFFD.
pub fn unquote(s: &str) -> Result<String, SyntaxError> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(SyntaxError);
    }
    let quote = b[0];
    if quote != b[b.len() - 1] {
        return Err(SyntaxError);
    }
    let inner = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if inner.contains('`') {
                return Err(SyntaxError);
            }
            Ok(inner.replace('\r', ""))
        }
        b'"' | b'\'' => {
            let q = char::from(quote);
            if inner.contains('\n') {
                return Err(SyntaxError);
            }
            let mut bytes: Vec<u8> = Vec::with_capacity(inner.len());
            let mut rest = inner;
            let mut count = 0usize;
            while !rest.is_empty() {
                let (unit, tail) = unquote_char(rest, q)?;
                match unit {
                    Unit::Char(c) => {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    Unit::Byte(x) => bytes.push(x),
                }
                rest = tail;
                count += 1;
                if quote == b'\'' && count > 1 {
                    return Err(SyntaxError);
                }
            }
            if quote == b'\'' && count != 1 {
                return Err(SyntaxError);
            }
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        }
        _ => Err(SyntaxError),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n\t\x01é"), r#""a\"b\\c\n\t\x01é""#);
        assert_eq!(go_quote("\u{200b}"), r#""\u200b""#);
        assert_eq!(go_quote_trunc("abcdef", 3), r#""abc""#);
    }

    #[test]
    fn unquote_like_go() {
        assert_eq!(unquote(r#""a\tb\x41\101\u00e9""#).as_deref(), Ok("a\tbAAé"));
        assert_eq!(unquote("`a\\n\r`").as_deref(), Ok("a\\n"));
        assert_eq!(unquote(r#""\'""#), Err(SyntaxError));
        assert_eq!(unquote(r#""\400""#), Err(SyntaxError));
        assert_eq!(unquote(r#""\q""#), Err(SyntaxError));
        assert_eq!(unquote(r#""\ud800""#), Err(SyntaxError));
        assert_eq!(unquote(r#""\xff""#).as_deref(), Ok("\u{fffd}"));
    }

    #[test]
    fn unquote_char_tail() {
        assert_eq!(unquote_char("a'", '\''), Ok((Unit::Char('a'), "'")));
        assert_eq!(unquote_char("\\n'", '\''), Ok((Unit::Char('\n'), "'")));
        assert_eq!(unquote_char("'", '\''), Err(SyntaxError));
        assert_eq!(unquote_char("\\\"'", '\''), Err(SyntaxError));
    }
}

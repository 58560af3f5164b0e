//! Go string literal quoting: [`quote`] behaves like Go's `strconv.Quote` and [`unquote`] like
//! `strconv.Unquote` (Go standard library, `strconv/quote.go`).
//!
//! Alertmanager prints label values with `%q` (for example in `model.LabelSet.String()`, which is
//! part of every aggregation-group key) and the matcher parser unquotes values with
//! `strconv.Unquote`, so both must agree with Go byte for byte.
//!
//! Unicode version caveat: whether a non-ASCII character is printed as-is or escaped as `\uXXXX`
//! depends on Go's `unicode.IsPrint`, i.e. on the Unicode version compiled into the Go toolchain.
//! Our table ([`is_print`]) is Unicode 15.0.0, the version of Go 1.21 to 1.24 used to build
//! Alertmanager 0.28. Go 1.19 (Unicode 13.0.0) escapes the characters added in Unicode 14 and 15
//! that we print as-is; nothing else differs.

use std::fmt;

mod print_table;

/// Reports whether Go's `strconv.IsPrint` / `unicode.IsPrint` holds for `c`: letters, marks,
/// numbers, punctuation, symbols (Unicode 15.0.0 categories L, M, N, P, S) and the ASCII space.
pub fn is_print(c: char) -> bool {
    let c = u32::from(c);
    if c < 0x80 {
        return (0x20..0x7f).contains(&c);
    }
    if c <= 0xff {
        return c >= 0xa1 && c != 0xad;
    }
    let table = print_table::PRINTABLE_RANGES;
    // Index of the first bound >= c: an odd index is the end of a range that started below c.
    let i = table.partition_point(|&bound| bound < c);
    match table.get(i) {
        None => false,
        Some(&bound) => i % 2 == 1 || bound == c,
    }
}

/// Returns `s` as a double-quoted Go string literal, exactly like Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    // Writing into a String cannot fail.
    let _ = write_quoted(&mut out, s);
    out
}

/// Writes `s` as a double-quoted Go string literal (`strconv.Quote`) into `w`.
///
/// # Errors
/// Only the errors of `w` itself.
pub fn write_quoted<W: fmt::Write + ?Sized>(w: &mut W, s: &str) -> fmt::Result {
    w.write_char('"')?;
    let mut plain_start = 0;
    for (i, c) in s.char_indices() {
        let plain = c != '"' && c != '\\' && is_print(c);
        if plain {
            continue;
        }
        w.write_str(&s[plain_start..i])?;
        plain_start = i + c.len_utf8();
        write_escaped(w, c)?;
    }
    w.write_str(&s[plain_start..])?;
    w.write_char('"')
}

/// Writes the escape sequence Go's `strconv.Quote` uses for a character that is not copied as is.
fn write_escaped<W: fmt::Write + ?Sized>(w: &mut W, c: char) -> fmt::Result {
    match c {
        '"' => w.write_str("\\\""),
        '\\' => w.write_str("\\\\"),
        '\x07' => w.write_str("\\a"),
        '\x08' => w.write_str("\\b"),
        '\x0c' => w.write_str("\\f"),
        '\n' => w.write_str("\\n"),
        '\r' => w.write_str("\\r"),
        '\t' => w.write_str("\\t"),
        '\x0b' => w.write_str("\\v"),
        c if c < ' ' || c == '\x7f' => write!(w, "\\x{:02x}", u32::from(c)),
        c if u32::from(c) < 0x10000 => write!(w, "\\u{:04x}", u32::from(c)),
        c => write!(w, "\\U{:08x}", u32::from(c)),
    }
}

/// Why [`unquote`] rejected its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnquoteError {
    /// Go's `strconv.ErrSyntax`: not a valid Go string (or rune) literal.
    #[error("invalid syntax in quoted string {}", quote(.0))]
    Syntax(String),
    /// The literal is valid Go, but its `\x` or octal escapes decode to bytes that are not UTF-8.
    /// Go accepts these (Go strings are byte strings); we cannot represent them in a `String`.
    #[error("quoted string {} decodes to invalid utf-8", quote(.0))]
    InvalidUtf8(String),
}

/// Interprets `s` as a Go string literal like Go's `strconv.Unquote`: a double-quoted string with
/// escapes, a back-quoted raw string (carriage returns are dropped), or a single-quoted rune
/// literal. Text after the closing quote is an error.
///
/// # Errors
/// [`UnquoteError::Syntax`] wherever Go returns `strconv.ErrSyntax`;
/// [`UnquoteError::InvalidUtf8`] when Go would succeed but the result is not valid UTF-8
/// (for example `"\xff"`).
pub fn unquote(s: &str) -> Result<String, UnquoteError> {
    let syntax = || UnquoteError::Syntax(s.to_owned());
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return Err(syntax());
    }
    let quote_byte = bytes[0];
    match quote_byte {
        b'`' => {
            // The first back quote after the opening one must be the last byte.
            let end = bytes[1..]
                .iter()
                .position(|&b| b == b'`')
                .ok_or_else(syntax)?
                + 2;
            if end != bytes.len() {
                return Err(syntax());
            }
            Ok(s[1..end - 1].replace('\r', ""))
        }
        b'"' | b'\'' => unquote_escaped(s, quote_byte).map_err(|e| match e {
            Failure::Syntax => syntax(),
            Failure::Utf8 => UnquoteError::InvalidUtf8(s.to_owned()),
        }),
        _ => Err(syntax()),
    }
}

/// Internal failure kinds of [`unquote_escaped`], turned into [`UnquoteError`] by the caller.
enum Failure {
    Syntax,
    Utf8,
}

/// Unquotes a `"…"` or `'…'` literal (the whole of `s`, including both quotes).
fn unquote_escaped(s: &str, quote_byte: u8) -> Result<String, Failure> {
    let bytes = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut rest = &bytes[1..];
    // Go's fast path for literals without escapes accepts the empty rune literal `''`; keep that.
    if quote_byte == b'\'' && rest == b"'" {
        return Ok(String::new());
    }
    while let Some(&first) = rest.first() {
        if first == quote_byte {
            break;
        }
        if first == b'\n' {
            return Err(Failure::Syntax);
        }
        rest = unquote_char(rest, quote_byte, &mut out)?;
        if quote_byte == b'\'' {
            break;
        }
    }
    // `rest` must be exactly the closing quote.
    if rest != [quote_byte] {
        return Err(Failure::Syntax);
    }
    String::from_utf8(out).map_err(|_| Failure::Utf8)
}

/// Decodes one character or escape sequence at the start of `s` (like Go's `strconv.UnquoteChar`),
/// appends its bytes to `out` and returns the remaining input.
fn unquote_char<'a>(s: &'a [u8], quote_byte: u8, out: &mut Vec<u8>) -> Result<&'a [u8], Failure> {
    let Some((&c, rest)) = s.split_first() else {
        return Err(Failure::Syntax);
    };
    if c != b'\\' {
        // A whole UTF-8 sequence (the input is a &str, so it is valid) or one ASCII byte.
        let len = utf8_len(c);
        out.extend_from_slice(&s[..len]);
        return Ok(&s[len..]);
    }
    let Some((&kind, rest)) = rest.split_first() else {
        return Err(Failure::Syntax);
    };
    let simple = match kind {
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'n' => Some(b'\n'),
        b'r' => Some(b'\r'),
        b't' => Some(b'\t'),
        b'v' => Some(0x0b),
        b'\\' => Some(b'\\'),
        b'\'' | b'"' if kind == quote_byte => Some(kind),
        _ => None,
    };
    if let Some(b) = simple {
        out.push(b);
        return Ok(rest);
    }
    match kind {
        b'x' | b'u' | b'U' => {
            let digits = match kind {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = rest.get(..digits).ok_or(Failure::Syntax)?;
            let mut value: u32 = 0;
            for &h in hex {
                let d = char::from(h).to_digit(16).ok_or(Failure::Syntax)?;
                value = (value << 4) | d;
            }
            if kind == b'x' {
                // A single byte, not necessarily UTF-8 on its own.
                out.push(value as u8);
            } else {
                let ch = char::from_u32(value).ok_or(Failure::Syntax)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            Ok(&rest[digits..])
        }
        b'0'..=b'7' => {
            let more = rest.get(..2).ok_or(Failure::Syntax)?;
            let mut value = u32::from(kind - b'0');
            for &o in more {
                if !(b'0'..=b'7').contains(&o) {
                    return Err(Failure::Syntax);
                }
                value = (value << 3) | u32::from(o - b'0');
            }
            let byte = u8::try_from(value).map_err(|_| Failure::Syntax)?;
            out.push(byte);
            Ok(&rest[2..])
        }
        _ => Err(Failure::Syntax),
    }
}

/// Length of the UTF-8 sequence starting with `lead` (a valid lead byte).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_known_values() {
        let cases = [
            ("", r#""""#),
            ("abc", r#""abc""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("\x07\x08\x0c\n\r\t\x0b", r#""\a\b\f\n\r\t\v""#),
            ("\0\x1f\x7f", r#""\x00\x1f\x7f""#),
            ("\u{a0}\u{ad}\u{a1}é", r#""\u00a0\u00ad¡é""#),
            ("\u{2028}\u{200b}\u{feff}", r#""\u2028\u200b\ufeff""#),
            ("\u{fffd}☺😀", "\"\u{fffd}☺😀\""),
            (
                "\u{e000}\u{10ffff}\u{e0001}",
                r#""\ue000\U0010ffff\U000e0001""#,
            ),
            ("e\u{301}", "\"e\u{301}\""),
            ("'", r#""'""#),
        ];
        for (input, want) in cases {
            assert_eq!(quote(input), want, "quote({input:?})");
        }
    }

    #[test]
    fn is_print_table_edges() {
        assert!(is_print(' '));
        assert!(!is_print('\u{85}'));
        assert!(is_print('\u{377}'));
        assert!(!is_print('\u{378}'));
        assert!(!is_print('\u{379}'));
        assert!(is_print('\u{37a}'));
        assert!(is_print('\u{38c}'));
        assert!(!is_print('\u{3000}'));
        assert!(is_print('\u{1f600}'));
        // Unicode 15.0 additions (absent from Go 1.19's Unicode 13 tables).
        assert!(is_print('\u{1fae8}'));
        assert!(is_print('\u{323af}'));
        assert!(!is_print('\u{323b0}'));
        assert!(is_print('\u{e0100}'));
        assert!(!is_print('\u{10ffff}'));
    }

    #[test]
    fn table_is_sorted_pairs() {
        let t = print_table::PRINTABLE_RANGES;
        assert_eq!(t.len() % 2, 0);
        for w in t.windows(2) {
            assert!(w[0] <= w[1], "{:x} > {:x}", w[0], w[1]);
        }
        for pair in t.chunks(2).collect::<Vec<_>>().windows(2) {
            assert!(
                pair[0][1] + 1 < pair[1][0],
                "ranges touch at {:x}",
                pair[0][1]
            );
        }
    }

    #[test]
    fn unquote_accepts() {
        let cases = [
            (r#""""#, ""),
            (r#""abc""#, "abc"),
            (r#""\a\b\f\n\r\t\v\\\"""#, "\x07\x08\x0c\n\r\t\x0b\\\""),
            (r#""\x41\101\u00e9\U0001F600""#, "AAé😀"),
            (r#""\xc3\xa9""#, "é"),
            ("\"tab\there\"", "tab\there"),
            ("`raw\\n\r\"x`", "raw\\n\"x"),
            ("``", ""),
            ("'a'", "a"),
            ("'\\''", "'"),
            ("'é'", "é"),
            ("''", ""),
        ];
        for (input, want) in cases {
            assert_eq!(unquote(input).as_deref(), Ok(want), "unquote({input:?})");
        }
    }

    #[test]
    fn unquote_rejects() {
        let syntax = [
            "",
            "\"",
            "abc",
            "\"abc",
            "abc\"",
            "\"a\"b\"",
            "\"a\nb\"",
            r#""\'""#,
            r#""\q""#,
            r#""\x4""#,
            r#""\xg0""#,
            r#""\400""#,
            r#""\08""#,
            r#""\ud800""#,
            r#""\U00110000""#,
            "'ab'",
            "'\\\"'",
            "`a`b`",
            "`a``",
            "\"\\\"",
            "'",
        ];
        for input in syntax {
            assert_eq!(
                unquote(input),
                Err(UnquoteError::Syntax(input.to_owned())),
                "unquote({input:?})"
            );
        }
        for input in [r#""\xff""#, r#""\377""#, r#""\xc3""#, r"'\x80'"] {
            assert_eq!(
                unquote(input),
                Err(UnquoteError::InvalidUtf8(input.to_owned())),
                "unquote({input:?})"
            );
        }
    }

    #[test]
    fn error_messages_quote_the_input() {
        let err = unquote("\"a\nb").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid syntax in quoted string "\"a\nb""#
        );
    }

    #[test]
    fn round_trip_all_scalar_values_in_chunks() {
        let all: Vec<char> = (0..=0x10ffffu32).filter_map(char::from_u32).collect();
        for chunk in all.chunks(4096) {
            let s: String = chunk.iter().collect();
            assert_eq!(unquote(&quote(&s)).as_deref(), Ok(s.as_str()));
        }
    }
}

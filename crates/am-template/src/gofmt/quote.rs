//! Go's `strconv` quoting as `fmt` uses it for `%q`, `%+q`, `%#q` and `%#U`: `Quote`,
//! `QuoteToASCII`, `QuoteRune`, `QuoteRuneToASCII`, `CanBackquote` and `IsPrint`
//! (Go's `strconv/quote.go`).
//!
//! `IsPrint` is Go's definition (Unicode categories L, M, N, P, S plus the ASCII space) over
//! Unicode 15.0, the version of Go 1.21–1.23 (Go 1.19 has Unicode 13, so characters added in
//! Unicode 14 and 15 quote differently there).

use std::sync::OnceLock;

use regex::Regex;

/// Go's `strconv.IsPrint` / `unicode.IsPrint`.
pub fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    static PRINTABLE: OnceLock<Option<Regex>> = OnceLock::new();
    let re =
        PRINTABLE.get_or_init(|| Regex::new(r"^[\p{L}\p{M}\p{N}\p{P}\p{S}&&\p{Age=15.0}]$").ok());
    let mut buf = [0u8; 4];
    re.as_ref()
        .is_some_and(|re| re.is_match(c.encode_utf8(&mut buf)))
}

/// Appends `r` escaped for a literal delimited by `quote` (Go's `appendEscapedRune`).
fn push_escaped(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    let printable = if ascii_only {
        r.is_ascii() && is_print(r)
    } else {
        is_print(r)
    };
    if printable {
        out.push(r);
        return;
    }
    match r {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
        c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
    }
}

/// `strconv.Quote(s)`.
pub fn quote(s: &str) -> String {
    quote_with(s, false)
}

/// `strconv.QuoteToASCII(s)`.
pub fn quote_ascii(s: &str) -> String {
    quote_with(s, true)
}

fn quote_with(s: &str, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', ascii_only);
    }
    out.push('"');
    out
}

/// `strconv.QuoteRune(r)` (or `QuoteRuneToASCII` when `ascii_only`) for a code point that may
/// be invalid: surrogates and values above U+10FFFF quote as U+FFFD.
pub fn quote_rune(code: u64, ascii_only: bool) -> String {
    let r = u32::try_from(code)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}');
    let mut out = String::with_capacity(8);
    out.push('\'');
    push_escaped(&mut out, r, '\'', ascii_only);
    out.push('\'');
    out
}

/// `strconv.CanBackquote(s)`: no control characters other than tab, no backquote, no DEL and no
/// byte order mark.
pub fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| !((c < ' ' && c != '\t') || c == '`' || c == '\u{7f}' || c == '\u{feff}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable() {
        for c in ['a', ' ', '~', 'é', '€', '日', '\u{301}', '😀', '\u{fffd}'] {
            assert!(is_print(c), "{c:?}");
        }
        for c in [
            '\u{7f}', '\u{a0}', '\u{ad}', '\u{200b}', '\u{2028}', '\u{e000}', '\u{feff}',
        ] {
            assert!(!is_print(c), "{c:?}");
        }
        // Unicode 15.0 (2022) additions are printable, Unicode 16.0 (2024) ones are not yet.
        assert!(is_print('\u{1F6DC}'));
        assert!(!is_print('\u{1CC00}'));
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b\\c\n\t\u{7}"), r#""a\"b\\c\n\t\a""#);
        assert_eq!(quote("é\u{0}\u{7f}\u{a0}😀"), r#""é\x00\x7f\u00a0😀""#);
        assert_eq!(quote_ascii("é😀'"), r#""\u00e9\U0001f600'""#);
        assert_eq!(quote_rune(u64::from('\''), false), r"'\''");
        assert_eq!(quote_rune(u64::from('"'), false), "'\"'");
        assert_eq!(quote_rune(0xD800, false), "'\u{fffd}'");
        assert_eq!(quote_rune(u64::MAX, true), r"'\ufffd'");
        assert!(can_backquote("a\tb\"é"));
        assert!(!can_backquote("a`b"));
        assert!(!can_backquote("\u{feff}"));
        assert!(!can_backquote("a\nb"));
    }
}

//! CSS helpers and escapers (Go's `html/template/css.go`, Go 1.23): keyword detection before
//! `url(`, CSS escape decoding, `_html_template_cssescaper` and `_html_template_cssvaluefilter`.

use super::attr::ContentType;
use super::funcs::FILTER_FAILSAFE;

/// Go's `endsWithCSSKeyword`: whether `b` ends with the case-insensitive keyword `kw` that is
/// not the tail of a longer name.
pub fn ends_with_css_keyword(b: &[u8], kw: &str) -> bool {
    let Some(i) = b.len().checked_sub(kw.len()) else {
        return false;
    };
    if i != 0 {
        let r = last_rune(&b[..i]);
        if is_css_nmchar(r) {
            return false;
        }
    }
    b[i..].to_ascii_lowercase() == kw.as_bytes()
}

/// `utf8.DecodeLastRune`, with `U+FFFD` for invalid encodings.
fn last_rune(b: &[u8]) -> char {
    for start in (b.len().saturating_sub(4)..b.len()).rev() {
        if let Ok(s) = std::str::from_utf8(&b[start..])
            && let Some(c) = s.chars().next()
            && c.len_utf8() == b.len() - start
        {
            return c;
        }
    }
    '\u{fffd}'
}

/// Go's `isCSSNmchar`.
pub fn is_css_nmchar(r: char) -> bool {
    let r = r as u32;
    (b'a' as u32..=b'z' as u32).contains(&r)
        || (b'A' as u32..=b'Z' as u32).contains(&r)
        || (b'0' as u32..=b'9' as u32).contains(&r)
        || r == b'-' as u32
        || r == b'_' as u32
        || (0x80..=0xd7ff).contains(&r)
        || (0xe000..=0xfffd).contains(&r)
        || (0x10000..=0x10ffff).contains(&r)
}

fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// Go's `decodeCSS`: decodes CSS escapes (`\26`, `\"`) in `s`.
pub fn decode_css(s: &[u8]) -> Vec<u8> {
    if !s.contains(&b'\\') {
        return s.to_vec();
    }
    let mut b = Vec::with_capacity(s.len());
    let mut s = s;
    while !s.is_empty() {
        let i = s.iter().position(|&c| c == b'\\').unwrap_or(s.len());
        b.extend_from_slice(&s[..i]);
        s = &s[i..];
        if s.len() < 2 {
            break;
        }
        if is_hex(s[1]) {
            let mut j = 2;
            while j < s.len() && j < 7 && is_hex(s[j]) {
                j += 1;
            }
            let mut r = s[1..j].iter().fold(0u32, |n, &c| {
                (n << 4) | (c as char).to_digit(16).unwrap_or(0)
            });
            if r > 0x10ffff {
                r /= 16;
                j -= 1;
            }
            let ch = char::from_u32(r).unwrap_or('\u{fffd}');
            let mut buf = [0u8; 4];
            b.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            s = skip_css_space(&s[j..]);
        } else {
            let n = utf8_len_at(&s[1..]);
            b.extend_from_slice(&s[1..1 + n]);
            s = &s[1 + n..];
        }
    }
    b
}

/// Width of the UTF-8 sequence at the start of `s` as `utf8.DecodeRune` reports it (1 for
/// invalid bytes).
fn utf8_len_at(s: &[u8]) -> usize {
    let want = match s.first() {
        None => return 0,
        Some(&c) if c < 0x80 => return 1,
        Some(&c) if c >= 0xf0 => 4,
        Some(&c) if c >= 0xe0 => 3,
        Some(&c) if c >= 0xc0 => 2,
        Some(_) => return 1,
    };
    if s.len() >= want && std::str::from_utf8(&s[..want]).is_ok() {
        want
    } else {
        1
    }
}

fn skip_css_space(c: &[u8]) -> &[u8] {
    match c.first() {
        Some(b'\t' | b'\n' | b'\x0c' | b' ') => &c[1..],
        Some(b'\r') => {
            if c.get(1) == Some(&b'\n') {
                &c[2..]
            } else {
                &c[1..]
            }
        }
        _ => c,
    }
}

fn is_css_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn css_replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "\\0",
        '\t' => "\\9",
        '\n' => "\\a",
        '\x0c' => "\\c",
        '\r' => "\\d",
        '"' => "\\22",
        '&' => "\\26",
        '\'' => "\\27",
        '(' => "\\28",
        ')' => "\\29",
        '+' => "\\2b",
        '/' => "\\2f",
        ':' => "\\3a",
        ';' => "\\3b",
        '<' => "\\3c",
        '>' => "\\3e",
        '\\' => "\\\\",
        '{' => "\\7b",
        '}' => "\\7d",
        _ => return None,
    })
}

/// Go's `cssEscaper` on an already stringified value.
pub fn css_escape(s: &str) -> String {
    let mut out = String::new();
    let mut written = 0;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        let Some(repl) = css_replacement(c) else {
            continue;
        };
        out.push_str(&s[written..i]);
        out.push_str(repl);
        written = i + c.len_utf8();
        if repl != "\\\\"
            && (written == s.len() || is_hex(bytes[written]) || is_css_space(bytes[written]))
        {
            out.push(' ');
        }
    }
    if written == 0 {
        return s.to_string();
    }
    out.push_str(&s[written..]);
    out
}

/// Go's `cssValueFilter` on an already stringified value.
pub fn css_value_filter(s: &str, t: ContentType) -> String {
    if t == ContentType::Css {
        return s.to_string();
    }
    let b = decode_css(s.as_bytes());
    let mut id = Vec::with_capacity(64);
    for (i, &c) in b.iter().enumerate() {
        match c {
            0 | b'"' | b'\'' | b'(' | b')' | b'/' | b';' | b'@' | b'[' | b'\\' | b']' | b'`'
            | b'{' | b'}' | b'<' | b'>' => return FILTER_FAILSAFE.to_string(),
            b'-' => {
                if i != 0 && b[i - 1] == b'-' {
                    return FILTER_FAILSAFE.to_string();
                }
            }
            _ => {
                if c < 0x80 && is_css_nmchar(c as char) {
                    id.push(c.to_ascii_lowercase());
                }
            }
        }
    }
    let contains = |needle: &[u8]| id.windows(needle.len()).any(|w| w == needle);
    if contains(b"expression") || contains(b"mozbinding") {
        return FILTER_FAILSAFE.to_string();
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_before_paren() {
        assert!(ends_with_css_keyword(b"background: url", "url"));
        assert!(ends_with_css_keyword(b"URL", "url"));
        assert!(!ends_with_css_keyword(b"myurl", "url"));
        assert!(!ends_with_css_keyword(b"ur", "url"));
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(decode_css(b"\\26 x"), b"&x");
        assert_eq!(decode_css(b"a\\\"b"), b"a\"b");
        assert_eq!(decode_css(b"\\1F600"), "\u{1f600}".as_bytes());
        assert_eq!(decode_css(b"\\110000"), "\u{11000}0".as_bytes());
        assert_eq!(decode_css(b"x\\"), b"x");
    }

    #[test]
    fn escaper_and_filter() {
        assert_eq!(css_escape("a\"b"), "a\\22 b");
        assert_eq!(css_escape("<x>"), "\\3cx\\3e ");
        assert_eq!(css_escape("<a>"), "\\3c a\\3e ");
        assert_eq!(css_escape("\\"), "\\\\");
        assert_eq!(css_escape("plain"), "plain");
        assert_eq!(css_value_filter("red", ContentType::Plain), "red");
        assert_eq!(
            css_value_filter("expression(x)", ContentType::Plain),
            "ZgotmplZ"
        );
        assert_eq!(
            css_value_filter("e\\78pression", ContentType::Plain),
            "ZgotmplZ"
        );
        assert_eq!(css_value_filter("a--b", ContentType::Plain), "ZgotmplZ");
        assert_eq!(css_value_filter("<b>", ContentType::Plain), "ZgotmplZ");
        assert_eq!(css_value_filter("x;y", ContentType::Css), "x;y");
    }
}

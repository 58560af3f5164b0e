//! Scanning helpers of the text state machine (Go's `eatAttrName`, `eatTagName`,
//! `eatWhiteSpace` and `indexTagEnd` in `html/template/transition.go`).

use super::context::Element;
use super::error::{ErrorCode, EscapeError, q, q32};

fn index_of(s: &[u8], needle: &[u8]) -> Option<usize> {
    s.windows(needle.len()).position(|w| w == needle)
}

/// Go's `indexTagEnd`: the index of `</tag` followed by a separator, case-insensitively.
pub fn index_tag_end(mut s: &[u8], tag: &[u8]) -> Option<usize> {
    let mut res = 0;
    while !s.is_empty() {
        let i = index_of(s, b"</")?;
        s = &s[i + 2..];
        if tag.len() <= s.len() && s[..tag.len()].eq_ignore_ascii_case(tag) {
            s = &s[tag.len()..];
            if !s.is_empty() && b"> \t\n\x0c/".contains(&s[0]) {
                return Some(res + i);
            }
            res += tag.len();
        }
        res += i + 2;
    }
    None
}

/// Go's `eatAttrName`: the end of the attribute name starting at `i`, or an error for quotes
/// and `<` in names.
pub fn eat_attr_name(s: &[u8], i: usize) -> Result<usize, EscapeError> {
    for j in i..s.len() {
        match s[j] {
            b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'=' | b'>' => return Ok(j),
            b'\'' | b'"' | b'<' => {
                return Err(EscapeError::new(
                    ErrorCode::BadHtml,
                    None,
                    0,
                    format!("{} in attribute name: {}", q(&s[j..j + 1]), q32(s)),
                ));
            }
            _ => {}
        }
    }
    Ok(s.len())
}

/// Go's `eatTagName`: the end of the tag name starting at `i` and its element kind.
pub fn eat_tag_name(s: &[u8], i: usize) -> (usize, Element) {
    if i == s.len() || !s[i].is_ascii_alphabetic() {
        return (i, Element::None);
    }
    let mut j = i + 1;
    while j < s.len() {
        let x = s[j];
        if x.is_ascii_alphanumeric() {
            j += 1;
            continue;
        }
        if (x == b':' || x == b'-') && j + 1 < s.len() && s[j + 1].is_ascii_alphanumeric() {
            j += 2;
            continue;
        }
        break;
    }
    let name = s[i..j].to_ascii_lowercase();
    let e = match name.as_slice() {
        b"script" => Element::Script,
        b"style" => Element::Style,
        b"textarea" => Element::Textarea,
        b"title" => Element::Title,
        _ => Element::None,
    };
    (j, e)
}

/// Go's `eatWhiteSpace`.
pub fn eat_white_space(s: &[u8], i: usize) -> usize {
    s[i..]
        .iter()
        .position(|b| !b" \t\n\x0c\r".contains(b))
        .map_or(s.len(), |p| i + p)
}

//! HTML character reference decoding for attribute values, as Go's `html.UnescapeString`
//! (`html/escape.go`) does before `html/template` runs its JS/CSS/URL state machine over a
//! quoted attribute value (`<button onclick="alert(&quot;Hi!&quot;)">`).
//!
//! Only the context computed from the decoded bytes matters, never the decoded text itself.
//! Numeric references follow Go exactly (Windows-1252 remapping, replacement character,
//! `int32` overflow). Named references are decoded for every entity whose value is ASCII or a
//! JS whitespace character, and for the legacy references that may omit the semicolon (which
//! also drive Go's longest-prefix matching). Any other `&name;` is taken to be one of the
//! remaining standard entities, all of which decode to non-ASCII, non-space characters, and is
//! decoded to a stand-in such character.

/// Named references decoding to ASCII or to white space (names include the `;` where the
/// standard requires it).
const SPECIAL: &[(&str, &str)] = &[
    ("AMP", "&"),
    ("AMP;", "&"),
    ("DiacriticalGrave;", "`"),
    ("GT", ">"),
    ("GT;", ">"),
    ("Hat;", "^"),
    ("LT", "<"),
    ("LT;", "<"),
    ("NewLine;", "\n"),
    ("QUOT", "\""),
    ("QUOT;", "\""),
    ("Tab;", "\t"),
    ("UnderBar;", "_"),
    ("VerticalLine;", "|"),
    ("amp", "&"),
    ("amp;", "&"),
    ("apos;", "'"),
    ("ast;", "*"),
    ("bsol;", "\\"),
    ("colon;", ":"),
    ("comma;", ","),
    ("commat;", "@"),
    ("dollar;", "$"),
    ("equals;", "="),
    ("excl;", "!"),
    ("fjlig;", "fj"),
    ("grave;", "`"),
    ("gt", ">"),
    ("gt;", ">"),
    ("lbrace;", "{"),
    ("lbrack;", "["),
    ("lcub;", "{"),
    ("lowbar;", "_"),
    ("lpar;", "("),
    ("lsqb;", "["),
    ("lt", "<"),
    ("lt;", "<"),
    ("midast;", "*"),
    ("num;", "#"),
    ("percnt;", "%"),
    ("period;", "."),
    ("plus;", "+"),
    ("quest;", "?"),
    ("quot", "\""),
    ("quot;", "\""),
    ("rbrace;", "}"),
    ("rbrack;", "]"),
    ("rcub;", "}"),
    ("rpar;", ")"),
    ("rsqb;", "]"),
    ("semi;", ";"),
    ("sol;", "/"),
    ("verbar;", "|"),
    ("vert;", "|"),
    ("MediumSpace;", "\u{205f}"),
    ("NonBreakingSpace;", "\u{a0}"),
    ("ThickSpace;", "\u{205f}\u{200a}"),
    ("ThinSpace;", "\u{2009}"),
    ("VeryThinSpace;", "\u{200a}"),
    ("emsp13;", "\u{2004}"),
    ("emsp14;", "\u{2005}"),
    ("emsp;", "\u{2003}"),
    ("ensp;", "\u{2002}"),
    ("hairsp;", "\u{200a}"),
    ("nbsp", "\u{a0}"),
    ("nbsp;", "\u{a0}"),
    ("numsp;", "\u{2007}"),
    ("puncsp;", "\u{2008}"),
    ("thinsp;", "\u{2009}"),
];

/// The legacy references that may appear without a semicolon and decode to Latin-1 characters
/// (their `;` forms decode to the same character).
const LEGACY: &[(&str, u32)] = &[
    ("AElig", 0xc6),
    ("Aacute", 0xc1),
    ("Acirc", 0xc2),
    ("Agrave", 0xc0),
    ("Aring", 0xc5),
    ("Atilde", 0xc3),
    ("Auml", 0xc4),
    ("COPY", 0xa9),
    ("Ccedil", 0xc7),
    ("ETH", 0xd0),
    ("Eacute", 0xc9),
    ("Ecirc", 0xca),
    ("Egrave", 0xc8),
    ("Euml", 0xcb),
    ("Iacute", 0xcd),
    ("Icirc", 0xce),
    ("Igrave", 0xcc),
    ("Iuml", 0xcf),
    ("Ntilde", 0xd1),
    ("Oacute", 0xd3),
    ("Ocirc", 0xd4),
    ("Ograve", 0xd2),
    ("Oslash", 0xd8),
    ("Otilde", 0xd5),
    ("Ouml", 0xd6),
    ("REG", 0xae),
    ("THORN", 0xde),
    ("Uacute", 0xda),
    ("Ucirc", 0xdb),
    ("Ugrave", 0xd9),
    ("Uuml", 0xdc),
    ("Yacute", 0xdd),
    ("aacute", 0xe1),
    ("acirc", 0xe2),
    ("acute", 0xb4),
    ("aelig", 0xe6),
    ("agrave", 0xe0),
    ("aring", 0xe5),
    ("atilde", 0xe3),
    ("auml", 0xe4),
    ("brvbar", 0xa6),
    ("ccedil", 0xe7),
    ("cedil", 0xb8),
    ("cent", 0xa2),
    ("copy", 0xa9),
    ("curren", 0xa4),
    ("deg", 0xb0),
    ("divide", 0xf7),
    ("eacute", 0xe9),
    ("ecirc", 0xea),
    ("egrave", 0xe8),
    ("eth", 0xf0),
    ("euml", 0xeb),
    ("frac12", 0xbd),
    ("frac14", 0xbc),
    ("frac34", 0xbe),
    ("iacute", 0xed),
    ("icirc", 0xee),
    ("iexcl", 0xa1),
    ("igrave", 0xec),
    ("iquest", 0xbf),
    ("iuml", 0xef),
    ("laquo", 0xab),
    ("macr", 0xaf),
    ("micro", 0xb5),
    ("middot", 0xb7),
    ("not", 0xac),
    ("ntilde", 0xf1),
    ("oacute", 0xf3),
    ("ocirc", 0xf4),
    ("ograve", 0xf2),
    ("ordf", 0xaa),
    ("ordm", 0xba),
    ("oslash", 0xf8),
    ("otilde", 0xf5),
    ("ouml", 0xf6),
    ("para", 0xb6),
    ("plusmn", 0xb1),
    ("pound", 0xa3),
    ("raquo", 0xbb),
    ("reg", 0xae),
    ("sect", 0xa7),
    ("shy", 0xad),
    ("sup1", 0xb9),
    ("sup2", 0xb2),
    ("sup3", 0xb3),
    ("szlig", 0xdf),
    ("thorn", 0xfe),
    ("times", 0xd7),
    ("uacute", 0xfa),
    ("ucirc", 0xfb),
    ("ugrave", 0xf9),
    ("uml", 0xa8),
    ("uuml", 0xfc),
    ("yacute", 0xfd),
    ("yen", 0xa5),
    ("yuml", 0xff),
];

/// Go's `longestEntityWithoutSemicolon`.
const LONGEST_WITHOUT_SEMICOLON: usize = 6;
/// The longest standard entity name, with its semicolon.
const LONGEST_ENTITY: usize = 32;
/// Stand-in for the entities not listed above: a non-ASCII letter.
const STAND_IN: char = '\u{e9}';

/// Windows-1252 characters for numeric references 0x80..=0x9F.
const WIN1252: [u32; 32] = [
    0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039,
    0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc,
    0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

fn lookup(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    if let Some((_, v)) = SPECIAL.iter().find(|(k, _)| *k == name) {
        return Some((*v).to_string());
    }
    let bare = name.strip_suffix(';').unwrap_or(name);
    let (_, cp) = LEGACY.iter().find(|(k, _)| *k == bare)?;
    char::from_u32(*cp).map(String::from)
}

/// Go's `html.UnescapeString` (for the purpose of context computation; see the module docs).
pub fn unescape(s: &[u8]) -> Vec<u8> {
    if !s.contains(&b'&') {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'&' {
            let (decoded, used) = entity_at(&s[i..]);
            out.extend_from_slice(&decoded);
            i += used;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// Decodes the reference at the start of `s` (which starts with `&`); returns the bytes and
/// how many input bytes were used.
fn entity_at(s: &[u8]) -> (Vec<u8>, usize) {
    if s.len() <= 1 {
        return (vec![b'&'], 1);
    }
    if s[1] == b'#' {
        return numeric(s);
    }
    let mut i = 1;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if c.is_ascii_alphanumeric() {
            continue;
        }
        if c != b';' {
            i -= 1;
        }
        break;
    }
    let name = &s[1..i];
    if name.is_empty() {
        return (s[..i].to_vec(), i);
    }
    if let Some(v) = lookup(name) {
        return (v.into_bytes(), i);
    }
    let ends_semi = name.last() == Some(&b';');
    if ends_semi && name.len() <= LONGEST_ENTITY && name.len() > 2 && name[0].is_ascii_alphabetic()
    {
        return (STAND_IN.to_string().into_bytes(), i);
    }
    let max_len = (name.len() - 1).min(LONGEST_WITHOUT_SEMICOLON);
    for j in (2..=max_len).rev() {
        if let Some(v) = lookup(&name[..j]) {
            return (v.into_bytes(), j + 1);
        }
    }
    (s[..i].to_vec(), i)
}

fn numeric(s: &[u8]) -> (Vec<u8>, usize) {
    if s.len() <= 3 {
        return (vec![b'&'], 1);
    }
    let mut i = 2;
    let mut hex = false;
    if s[i] == b'x' || s[i] == b'X' {
        hex = true;
        i += 1;
    }
    let mut x: i32 = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        let digit = if hex {
            (c as char).to_digit(16)
        } else {
            (c as char).to_digit(10)
        };
        if let Some(d) = digit {
            let base = if hex { 16 } else { 10 };
            x = x.wrapping_mul(base).wrapping_add(d as i32);
            continue;
        }
        if c != b';' {
            i -= 1;
        }
        break;
    }
    if i <= 3 {
        return (vec![b'&'], 1);
    }
    let cp = if (0x80..=0x9f).contains(&x) {
        WIN1252[(x - 0x80) as usize]
    } else {
        x as u32
    };
    let ch = char::from_u32(cp)
        .filter(|&c| c != '\0')
        .unwrap_or('\u{fffd}');
    (ch.to_string().into_bytes(), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> String {
        String::from_utf8(unescape(s.as_bytes())).unwrap()
    }

    #[test]
    fn named_and_numeric() {
        assert_eq!(u("alert(&quot;Hi!&quot;)"), "alert(\"Hi!\")");
        assert_eq!(u("a&amp;b&lt;&gt;&#39;&#x27;&apos;"), "a&b<>'''");
        assert_eq!(u("&sol;&grave;&num;"), "/`#");
        assert_eq!(u("&ampx &notx"), "&x \u{ac}x");
        assert_eq!(u("&nbsp;&copy"), "\u{a0}\u{a9}");
    }

    #[test]
    fn numeric_edge_cases_follow_go() {
        assert_eq!(u("&#;"), "&#;");
        assert_eq!(u("&#1x"), "&#1x");
        assert_eq!(u("&#12x"), "\u{c}x");
        assert_eq!(u("&#x;"), "\u{fffd}");
        assert_eq!(u("&#0;"), "\u{fffd}");
        assert_eq!(u("&#128;"), "\u{20ac}");
        assert_eq!(u("&#xD800;"), "\u{fffd}");
        assert_eq!(u("&#99999999999;"), "\u{fffd}");
        assert_eq!(u("&"), "&");
        assert_eq!(u("&;"), "&;");
    }

    #[test]
    fn unknown_entities() {
        assert_eq!(u("&hellip;"), "\u{e9}");
        assert_eq!(u("&x"), "&x");
    }
}

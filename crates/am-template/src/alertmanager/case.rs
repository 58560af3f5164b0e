//! Letter case for Alertmanager's `toUpper`, `toLower` and `title` template functions:
//! Go's `strings.ToUpper` / `strings.ToLower` (simple, one-to-one `unicode.ToUpper` /
//! `unicode.ToLower` mappings) and `cases.Title(language.AmericanEnglish).String` from
//! `golang.org/x/text/cases` (full title-case mapping of the first cased letter of each word,
//! full lower-case mapping of the rest, Greek final sigma).
//!
//! Rust's `char::to_uppercase` / `to_lowercase` give the full mappings of the Unicode Character
//! Database; where those have several characters (`ß` → `SS`) Go's simple mappings keep the
//! letter or map it to one character, which the small tables below encode. The word boundaries
//! of `x/text/cases` come from the Unicode properties `Cased`, `Case_Ignorable` and
//! `Word_Break`, looked up through the `regex` crate's Unicode tables (Unicode 16; Go's
//! `x/text` v0.21 uses Unicode 15, so letters added in Unicode 16 may differ).

use std::sync::LazyLock;

use regex::Regex;

/// Go's `strings.ToUpper`.
pub fn to_upper(s: &str) -> String {
    s.chars().map(simple_upper).collect()
}

/// Go's `strings.ToLower`.
pub fn to_lower(s: &str) -> String {
    s.chars().map(simple_lower).collect()
}

/// Go's `unicode.ToUpper`.
fn simple_upper(c: char) -> char {
    let mut full = c.to_uppercase();
    if full.len() == 1 {
        return full.next().unwrap_or(c);
    }
    // Letters whose full upper-case mapping has several characters: only the Greek letters
    // with ypogegrammeni have a one-character simple mapping (the title-case letter).
    greek_iota_title(c).unwrap_or(c)
}

/// Go's `unicode.ToLower`.
fn simple_lower(c: char) -> char {
    let mut full = c.to_lowercase();
    if full.len() == 1 {
        return full.next().unwrap_or(c);
    }
    // Only U+0130 (capital I with dot above) lower-cases to several characters.
    if c == '\u{130}' { 'i' } else { c }
}

/// The title-case letter of a Greek small letter with ypogegrammeni (`ᾀ` → `ᾈ`), or the
/// title-case letter itself.
fn greek_iota_title(c: char) -> Option<char> {
    let u = u32::from(c);
    let mapped = match u {
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => u + 8,
        0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF => u,
        0x1FB3 | 0x1FBC => 0x1FBC,
        0x1FC3 | 0x1FCC => 0x1FCC,
        0x1FF3 | 0x1FFC => 0x1FFC,
        _ => return None,
    };
    char::from_u32(mapped)
}

/// The full title-case mapping (`Titlecase_Mapping` with `SpecialCasing.txt`).
fn push_title(out: &mut String, c: char) {
    let u = u32::from(c);
    let special: Option<&str> = match u {
        0x01C4..=0x01C6 => Some("\u{1C5}"),
        0x01C7..=0x01C9 => Some("\u{1C8}"),
        0x01CA..=0x01CC => Some("\u{1CB}"),
        0x01F1..=0x01F3 => Some("\u{1F2}"),
        0x00DF => Some("Ss"),
        0xFB00 => Some("Ff"),
        0xFB01 => Some("Fi"),
        0xFB02 => Some("Fl"),
        0xFB03 => Some("Ffi"),
        0xFB04 => Some("Ffl"),
        0xFB05 | 0xFB06 => Some("St"),
        0x0587 => Some("\u{535}\u{582}"),
        0xFB13 => Some("\u{544}\u{576}"),
        0xFB14 => Some("\u{544}\u{565}"),
        0xFB15 => Some("\u{544}\u{56B}"),
        0xFB16 => Some("\u{54E}\u{576}"),
        0xFB17 => Some("\u{544}\u{56D}"),
        0x1FB2 => Some("\u{1FBA}\u{345}"),
        0x1FB4 => Some("\u{386}\u{345}"),
        0x1FB7 => Some("\u{391}\u{342}\u{345}"),
        0x1FC2 => Some("\u{1FCA}\u{345}"),
        0x1FC4 => Some("\u{389}\u{345}"),
        0x1FC7 => Some("\u{397}\u{342}\u{345}"),
        0x1FF2 => Some("\u{1FFA}\u{345}"),
        0x1FF4 => Some("\u{38F}\u{345}"),
        0x1FF7 => Some("\u{3A9}\u{342}\u{345}"),
        _ => None,
    };
    if let Some(s) = special {
        out.push_str(s);
    } else if let Some(t) = greek_iota_title(c) {
        out.push(t);
    } else if matches!(u, 0x10D0..=0x10FA | 0x10FD..=0x10FF) {
        // Georgian Mkhedruli letters are their own title case (upper case is Mtavruli).
        out.push(c);
    } else {
        out.extend(c.to_uppercase());
    }
}

/// The per-character properties `x/text/cases` works with.
#[derive(Clone, Copy)]
struct Info {
    cased: bool,
    ignorable: bool,
    /// `Word_Break` is `MidLetter`, `MidNumLet` or `Single_Quote` (and the letter is
    /// case-ignorable but not cased).
    mid: bool,
    /// A word break: `Word_Break` is none of the letter, number, extender, format or mid
    /// categories.
    brk: bool,
}

struct Props {
    cased: Regex,
    ignorable: Regex,
    mid: Regex,
    in_word: Regex,
}

static PROPS: LazyLock<Option<Props>> = LazyLock::new(|| {
    Some(Props {
        cased: Regex::new(r"^\p{Cased}$").ok()?,
        ignorable: Regex::new(r"^\p{Case_Ignorable}$").ok()?,
        mid: Regex::new(r"^[\p{WB=MidLetter}\p{WB=MidNumLet}\p{WB=Single_Quote}]$").ok()?,
        in_word: Regex::new(
            r"^[\p{WB=ALetter}\p{WB=Hebrew_Letter}\p{WB=Numeric}\p{WB=Extend}\p{WB=ExtendNumLet}\p{WB=Format}\p{WB=ZWJ}\p{WB=MidLetter}\p{WB=MidNumLet}\p{WB=Single_Quote}]$",
        )
        .ok()?,
    })
});

fn info(c: char) -> Info {
    if c.is_ascii() {
        let cased = c.is_ascii_alphabetic();
        let mid = matches!(c, '\'' | '.' | ':');
        return Info {
            cased,
            ignorable: matches!(c, '\'' | '.' | ':' | '^' | '`'),
            mid,
            brk: !(c.is_ascii_alphanumeric() || c == '_' || mid),
        };
    }
    let Some(props) = PROPS.as_ref() else {
        return Info {
            cased: c.is_alphabetic(),
            ignorable: false,
            mid: false,
            brk: !c.is_alphanumeric(),
        };
    };
    let mut buf = [0u8; 4];
    let s = c.encode_utf8(&mut buf);
    let cased = props.cased.is_match(s);
    let ignorable = props.ignorable.is_match(s);
    Info {
        cased,
        ignorable,
        mid: ignorable && !cased && props.mid.is_match(s),
        brk: !props.in_word.is_match(s),
    }
}

/// How many case-ignorable characters the final-sigma rule looks past (`maxIgnorable`).
const MAX_IGNORABLE: usize = 30;

/// `cases.Title(language.AmericanEnglish).String(s)`.
pub fn title(s: &str) -> String {
    let chars: Vec<(char, Info)> = s.chars().map(|c| (c, info(c))).collect();
    let mut out = String::with_capacity(s.len());
    let mut mid_word = false;
    let mut i = 0;
    while i < chars.len() {
        let (c, p) = chars[i];
        let was_mid = p.mid;
        if p.cased {
            if !mid_word {
                push_title(&mut out, c);
                mid_word = true;
            } else if c == '\u{3A3}' {
                i = final_sigma(&chars, i, &mut out, &mut mid_word);
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            out.push(c);
            if p.brk {
                mid_word = false;
            }
        }
        i += 1;
        if was_mid && chars.get(i).is_some_and(|(_, n)| n.mid) {
            mid_word = false;
        }
    }
    out
}

/// Lower-cases a capital sigma inside a word: `σ` when a cased letter follows after at most
/// [`MAX_IGNORABLE`] case-ignorable characters (which are copied), else `ς`. Returns the index
/// of the last character consumed.
fn final_sigma(chars: &[(char, Info)], at: usize, out: &mut String, mid_word: &mut bool) -> usize {
    let mut j = at + 1;
    let mut was_mid = false;
    let mut copied = String::new();
    let mut sigma = 'ς';
    for _ in 0..=MAX_IGNORABLE {
        let Some(&(c, p)) = chars.get(j) else {
            break;
        };
        if !p.ignorable {
            if p.cased {
                sigma = 'σ';
            }
            break;
        }
        if (was_mid && p.mid) || p.brk {
            *mid_word = false;
        }
        was_mid = p.mid;
        copied.push(c);
        j += 1;
    }
    out.push(sigma);
    out.push_str(&copied);
    j - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_and_lower_use_simple_mappings() {
        assert_eq!(to_upper("straße ǆ ᾳ ﬁ"), "STRAßE Ǆ ᾼ ﬁ");
        assert_eq!(to_lower("İSTANBUL ǅ"), "istanbul ǆ");
    }

    #[test]
    fn title_cases_words() {
        assert_eq!(title("hello wORLD"), "Hello World");
        assert_eq!(title("don't stop"), "Don't Stop");
        assert_eq!(title("foo_bar-baz.qux"), "Foo_bar-Baz.qux");
        assert_eq!(title("a..b"), "A..B");
        assert_eq!(title("1st ǆemal ßtraße"), "1St ǅemal Sstraße");
        assert_eq!(title("ΟΔΟΣ ΟΔΟΣΑ"), "Οδος Οδοσα");
    }
}

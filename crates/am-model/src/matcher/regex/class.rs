//! Character sets with Go's meaning: the ASCII Perl classes (`\d \s \w`), the POSIX classes
//! (`[:alpha:]`), and the Unicode tables Go's `regexp/syntax` knows by exact name (general
//! categories, scripts and `Any`). Mirrors `regexp/syntax/perl_groups.go` and `unicodeTable`.
//!
//! Sets are `regex-syntax` Unicode classes. Go allows surrogate code points in escapes and ranges;
//! they can never occur in a `&str`, so they are clipped away here.

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

/// A named ASCII group: its ranges and whether it is negated (`\D`, `[:^alpha:]`).
pub(super) struct Group {
    pub ranges: &'static [(u8, u8)],
    pub negated: bool,
}

const DIGIT: &[(u8, u8)] = &[(b'0', b'9')];
const SPACE_PERL: &[(u8, u8)] = &[(b'\t', b'\n'), (0x0c, b'\r'), (b' ', b' ')];
const WORD: &[(u8, u8)] = &[(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')];

/// The Perl class for the letter after a backslash (`d s w D S W`), if it is one.
pub(super) fn perl_group(letter: u8) -> Option<Group> {
    let (ranges, negated) = match letter {
        b'd' => (DIGIT, false),
        b'D' => (DIGIT, true),
        b's' => (SPACE_PERL, false),
        b'S' => (SPACE_PERL, true),
        b'w' => (WORD, false),
        b'W' => (WORD, true),
        _ => return None,
    };
    Some(Group { ranges, negated })
}

/// The POSIX class for a complete `[:name:]` or `[:^name:]` token, if Go knows the name.
pub(super) fn posix_group(token: &str) -> Option<Group> {
    let inner = token.strip_prefix("[:")?.strip_suffix(":]")?;
    let (name, negated) = match inner.strip_prefix('^') {
        Some(rest) => (rest, true),
        None => (inner, false),
    };
    let ranges: &'static [(u8, u8)] = match name {
        "alnum" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')],
        "alpha" => &[(b'A', b'Z'), (b'a', b'z')],
        "ascii" => &[(0, 0x7f)],
        "blank" => &[(b'\t', b'\t'), (b' ', b' ')],
        "cntrl" => &[(0, 0x1f), (0x7f, 0x7f)],
        "digit" => DIGIT,
        "graph" => &[(b'!', b'~')],
        "lower" => &[(b'a', b'z')],
        "print" => &[(b' ', b'~')],
        "punct" => &[(b'!', b'/'), (b':', b'@'), (b'[', b'`'), (b'{', b'~')],
        "space" => &[(b'\t', b'\r'), (b' ', b' ')],
        "upper" => &[(b'A', b'Z')],
        "word" => WORD,
        "xdigit" => &[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')],
        _ => return None,
    };
    Some(Group { ranges, negated })
}

/// The set of a group, case-folded first when `fold` is set, then negated if the group is.
pub(super) fn group_class(group: &Group, fold: bool) -> ClassUnicode {
    let mut class = ClassUnicode::new(
        group
            .ranges
            .iter()
            .map(|&(lo, hi)| ClassUnicodeRange::new(char::from(lo), char::from(hi))),
    );
    finish(&mut class, fold, group.negated);
    class
}

/// Applies Go's order of operations to a set: fold (if case-insensitive), then negate.
pub(super) fn finish(class: &mut ClassUnicode, fold: bool, negated: bool) {
    if fold {
        class.case_fold_simple();
    }
    if negated {
        class.negate();
    }
}

/// The code points `lo..=hi` (Go runes, possibly surrogates), folded when `fold` is set.
pub(super) fn range_class(lo: u32, hi: u32, fold: bool) -> ClassUnicode {
    let mut ranges = Vec::with_capacity(2);
    let mut push = |a: u32, b: u32| {
        if let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b))
            && a <= b
        {
            ranges.push(ClassUnicodeRange::new(a, b));
        }
    };
    // Split around the surrogate block, which no `char` can hold.
    push(lo, hi.min(0xd7ff));
    push(lo.max(0xe000), hi);
    let mut class = ClassUnicode::new(ranges);
    finish(&mut class, fold, false);
    class
}

/// Go's general category names (`unicode.Categories`).
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// Go's script names (`unicode.Scripts`, Unicode 15.0 as in the Go releases that build
/// Alertmanager 0.28).
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// The set Go's `\p{name}` denotes (before folding and negation), or `None` when Go does not
/// know the name. Names are exact and case-sensitive, as in Go.
pub(super) fn unicode_table(name: &str) -> Option<ClassUnicode> {
    match name {
        "Any" => {
            return Some(ClassUnicode::new([ClassUnicodeRange::new('\0', char::MAX)]));
        }
        // Surrogates never occur in a `&str`.
        "Cs" => return Some(ClassUnicode::empty()),
        // Go's "Other" is Cc, Cf, Co and Cs; unlike Unicode's C it leaves out unassigned Cn.
        "C" => return rust_class(r"[\p{gc=Cc}\p{gc=Cf}\p{gc=Co}]"),
        _ => {}
    }
    if CATEGORIES.contains(&name) {
        return rust_class(&format!(r"\p{{gc={name}}}"));
    }
    if SCRIPTS.contains(&name) {
        // `sc=`: Go uses the Script property, not Script_Extensions (Rust's default).
        return rust_class(&format!(r"\p{{sc={name}}}"));
    }
    None
}

/// Builds a set by letting `regex-syntax` (and its Unicode tables) parse a class expression.
fn rust_class(pattern: &str) -> Option<ClassUnicode> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    match hir.into_kind() {
        HirKind::Class(Class::Unicode(class)) => Some(class),
        // A one-character set (such as Zl) comes back as a literal.
        HirKind::Literal(lit) => {
            let c = std::str::from_utf8(&lit.0).ok()?.chars().next()?;
            Some(ClassUnicode::new([ClassUnicodeRange::new(c, c)]))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_go_name_resolves() {
        for name in CATEGORIES.iter().chain(SCRIPTS) {
            let class = unicode_table(name);
            assert!(class.is_some(), "{name} does not resolve");
            if *name != "Cs" {
                assert!(
                    class.is_some_and(|c| !c.ranges().is_empty()),
                    "{name} is empty"
                );
            }
        }
        assert!(unicode_table("greek").is_none());
        assert!(unicode_table("Letter").is_none());
        assert!(unicode_table("LC").is_none());
        assert!(unicode_table("").is_none());
    }

    #[test]
    fn scripts_use_script_not_extensions() {
        // U+0342 COMBINING GREEK PERISPOMENI: Script=Inherited, Script_Extensions=Greek.
        let greek = unicode_table("Greek").unwrap_or_else(ClassUnicode::empty);
        assert!(
            !greek
                .ranges()
                .iter()
                .any(|r| r.start() <= '\u{342}' && '\u{342}' <= r.end())
        );
        assert!(
            greek
                .ranges()
                .iter()
                .any(|r| r.start() <= 'α' && 'α' <= r.end())
        );
    }

    #[test]
    fn other_excludes_unassigned() {
        let other = unicode_table("C").unwrap_or_else(ClassUnicode::empty);
        let has = |c: char| {
            other
                .ranges()
                .iter()
                .any(|r| r.start() <= c && c <= r.end())
        };
        assert!(has('\u{0}'));
        assert!(has('\u{ad}'));
        assert!(has('\u{e000}'));
        assert!(!has('\u{378}'));
    }

    #[test]
    fn ranges_clip_surrogates_and_fold() {
        let c = range_class(0xd700, 0xe001, false);
        assert_eq!(c.ranges().len(), 2);
        assert!(range_class(0xd800, 0xdfff, false).ranges().is_empty());
        let k = range_class(u32::from('k'), u32::from('k'), true);
        let chars: Vec<char> = k
            .ranges()
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .collect();
        assert_eq!(chars, vec!['K', 'k', '\u{212a}']);
    }

    #[test]
    fn groups_fold_before_negating() {
        let w = perl_group(b'W').map(|g| group_class(&g, true));
        let w = w.unwrap_or_else(ClassUnicode::empty);
        let has = |c: char| w.ranges().iter().any(|r| r.start() <= c && c <= r.end());
        assert!(!has('\u{212a}'), "(?i)\\W must not match the Kelvin sign");
        assert!(!has('a'));
        assert!(has('-'));
        assert!(posix_group("[:^alpha:]").is_some_and(|g| g.negated));
        assert!(posix_group("[:alpha]").is_none());
        assert!(posix_group("[:foo:]").is_none());
    }
}

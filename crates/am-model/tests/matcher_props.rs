//! Property tests for matchers: what `Display` prints parses back to the same matchers, with the
//! UTF-8 parser for any non-empty name and any value, with the classic parser for classic names,
//! and in fallback mode for both; and an escaped literal regex matches exactly its text.

use am_model::matcher::parse::{
    ParseMode, parse_matchers, parse_matchers_classic, parse_matchers_utf8,
};
use am_model::matcher::{GoRegex, MatchType, Matcher, Matchers};
use proptest::prelude::*;

/// Characters that stress quoting and escaping in both parsers.
const SPECIAL: &[char] = &[
    '"', '\\', '=', '~', '!', '{', '}', ',', ' ', '\n', '\t', '\r', '\'', '`', '\u{b}', '\u{a0}',
    '\u{85}', '\u{2028}', '\0', '\u{7f}', 'é', '🙂', 'n', 'x', 'u',
];

fn text(min: usize, max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(SPECIAL),
            1 => any::<char>(),
            2 => prop::char::range('a', 'z'),
        ],
        min..=max,
    )
    .prop_map(|cs| cs.into_iter().collect())
    .boxed()
}

fn classic_name() -> BoxedStrategy<String> {
    "[a-zA-Z_:][a-zA-Z0-9_:]{0,6}".boxed()
}

fn match_type() -> impl Strategy<Value = MatchType> {
    prop::sample::select(
        &[
            MatchType::Equal,
            MatchType::NotEqual,
            MatchType::Regexp,
            MatchType::NotRegexp,
        ][..],
    )
}

/// Regex values: valid patterns, and random text (kept only where it compiles).
fn value_for(ty: MatchType) -> BoxedStrategy<String> {
    if ty.is_regex() {
        prop_oneof![
            prop::sample::select(
                &[
                    "",
                    ".*",
                    "a|b",
                    "[\"\\\\]+",
                    "\\d{2,3}",
                    "(?i)foo\\s\"bar\"",
                    "[^,]*,",
                    "\\n|\n",
                    "\\Q{}\\E",
                    "x{,2}",
                    "\\pL+\\.🙂",
                ][..]
            )
            .prop_map(str::to_owned),
            text(0, 8),
        ]
        .boxed()
    } else {
        text(0, 12).boxed()
    }
}

fn matcher_with(name: BoxedStrategy<String>) -> impl Strategy<Value = Option<Matcher>> {
    (name, match_type())
        .prop_flat_map(|(name, ty)| (Just(name), Just(ty), value_for(ty)))
        .prop_map(|(name, ty, value)| Matcher::new(ty, name, value).ok())
}

fn matchers_with(name: BoxedStrategy<String>) -> BoxedStrategy<Matchers> {
    prop::collection::vec(matcher_with(name), 1..4)
        .prop_map(|ms| Matchers(ms.into_iter().flatten().collect()))
        .boxed()
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn utf8_parser_reads_back_what_we_print(ms in matchers_with(text(1, 8))) {
        let rendered = ms.to_string();
        let parsed = parse_matchers_utf8(&rendered);
        prop_assert_eq!(parsed.as_ref().ok(), Some(&ms), "{} -> {:?}", rendered, parsed);
        // One by one, without braces, as `parse_matcher` sees API filters.
        for m in ms.iter() {
            let one = parse_matchers_utf8(&m.to_string()).map(Matchers::into_vec);
            prop_assert_eq!(one.ok(), Some(vec![m.clone()]));
        }
    }

    #[test]
    fn classic_parser_reads_back_what_we_print(ms in matchers_with(classic_name())) {
        let rendered = ms.to_string();
        let parsed = parse_matchers_classic(&rendered);
        prop_assert_eq!(parsed.as_ref().ok(), Some(&ms), "{} -> {:?}", rendered, parsed);
        // Without braces too, and with the list split across whitespace.
        let bare = ms.iter().map(|m| format!(" {m} ")).collect::<Vec<_>>().join(",");
        let parsed = parse_matchers_classic(&bare);
        prop_assert_eq!(parsed.as_ref().ok(), Some(&ms), "{} -> {:?}", bare, parsed);
    }

    #[test]
    fn fallback_reads_back_what_we_print(
        ms in prop_oneof![matchers_with(text(1, 8)), matchers_with(classic_name())]
    ) {
        let rendered = ms.to_string();
        let parsed = parse_matchers(&rendered, ParseMode::Fallback);
        prop_assert_eq!(parsed.as_ref().ok().map(|p| &p.matchers), Some(&ms), "{}", rendered);
    }

    #[test]
    fn quoted_literals_match_exactly_themselves(s in text(0, 12)) {
        let re = GoRegex::new_anchored(&quote_meta(&s));
        prop_assert!(re.is_ok(), "{:?}", re);
        if let Ok(re) = re {
            prop_assert!(re.is_match(&s));
            let longer = format!("{s}x");
            prop_assert!(!re.is_match(&longer));
            prop_assert!(s.is_empty() || !re.is_match(""));
        }
    }
}

//! The classic matcher parser (Alertmanager ≤ 0.26, still used in classic and fallback modes),
//! mirroring `pkg/labels/parse.go`: the input is split at commas outside double quotes, each
//! piece must look like `name op value` with a legacy-style name (`[a-zA-Z_:][a-zA-Z0-9_:]*`),
//! and the value may be double-quoted, with `\n`, `\"` and `\\` as its only escapes.

use super::parse::ParseError;
use super::{MatchType, Matcher, Matchers};

/// Go's `\s` in RE2: ASCII tab, newline, form feed, carriage return and space (no `\v`).
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// Parses a list of matchers, optionally in braces (upstream's `labels.ParseMatchers`).
pub(crate) fn parse_matchers(input: &str) -> Result<Matchers, ParseError> {
    let s = input.strip_prefix('{').unwrap_or(input);
    let s = s.strip_suffix('}').unwrap_or(s);

    let mut pieces = Vec::new();
    let mut inside_quotes = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            ',' if !inside_quotes => {
                pieces.push(&s[start..i]);
                start = i + 1;
                continue;
            }
            // A comma inside quotes leaves the escape state alone, as upstream's does.
            ',' => {}
            '"' => {
                if escaped {
                    escaped = false;
                } else {
                    inside_quotes = !inside_quotes;
                }
            }
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    // Only the last piece is trimmed (of Unicode whitespace) and dropped when empty, so a
    // trailing comma is fine but an empty piece in the middle is an error.
    let last = s[start..].trim();
    if !last.is_empty() {
        pieces.push(last);
    }
    pieces
        .into_iter()
        .map(parse_matcher)
        .collect::<Result<Vec<_>, _>>()
        .map(Matchers)
}

/// Parses one matcher (upstream's `labels.ParseMatcher`).
pub(crate) fn parse_matcher(input: &str) -> Result<Matcher, ParseError> {
    let bad_format = || ParseError::BadMatcherFormat(input.to_owned());
    // ^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$
    let rest = input.trim_start_matches(is_go_space);
    let name_len = rest
        .bytes()
        .enumerate()
        .take_while(|&(i, b)| {
            b.is_ascii_alphabetic() || b == b'_' || b == b':' || (i > 0 && b.is_ascii_digit())
        })
        .count();
    if name_len == 0 {
        return Err(bad_format());
    }
    let (name, rest) = rest.split_at(name_len);
    let rest = rest.trim_start_matches(is_go_space);
    let (ty, rest) = if let Some(r) = rest.strip_prefix("=~") {
        (MatchType::Regexp, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (MatchType::Equal, r)
    } else if let Some(r) = rest.strip_prefix("!=") {
        (MatchType::NotEqual, r)
    } else if let Some(r) = rest.strip_prefix("!~") {
        (MatchType::NotRegexp, r)
    } else {
        return Err(bad_format());
    };
    let raw = rest.trim_matches(is_go_space);
    let value = unescape_value(raw)?;
    Matcher::new(ty, name, value).map_err(ParseError::Matcher)
}

/// Interprets a raw classic value: an optional surrounding pair of double quotes, `\n`, `\"` and
/// `\\` escapes, any other backslash kept literally; an unescaped `"` elsewhere is an error.
fn unescape_value(raw: &str) -> Result<String, ParseError> {
    let unescaped_quote = || ParseError::UnescapedQuote(raw.to_owned());
    let (body, mut expect_trailing_quote) = match raw.strip_prefix('"') {
        Some(body) => (body, true),
        None => (raw, false),
    };
    let mut value = String::with_capacity(body.len());
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        // Whether `c` is the last byte of the body (upstream compares byte offsets).
        let is_last = i + 1 == body.len();
        if escaped {
            escaped = false;
            match c {
                'n' => value.push('\n'),
                '"' | '\\' => value.push(c),
                _ => {
                    value.push('\\');
                    value.push(c);
                }
            }
            continue;
        }
        match c {
            '\\' if !is_last => escaped = true,
            '"' => {
                if !expect_trailing_quote || !is_last {
                    return Err(unescaped_quote());
                }
                expect_trailing_quote = false;
            }
            _ => value.push(c),
        }
    }
    if expect_trailing_quote {
        return Err(unescaped_quote());
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(input: &str) -> Result<(String, MatchType, String), String> {
        parse_matcher(input)
            .map(|m| (m.name().to_owned(), m.match_type(), m.value().to_owned()))
            .map_err(|e| e.to_string())
    }

    fn list(input: &str) -> Result<String, String> {
        parse_matchers(input)
            .map(|m| m.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn operators_and_names() {
        let ok = |n: &str, t, v: &str| Ok((n.to_owned(), t, v.to_owned()));
        assert_eq!(one("a=b"), ok("a", MatchType::Equal, "b"));
        assert_eq!(one("a!=b"), ok("a", MatchType::NotEqual, "b"));
        assert_eq!(one("a=~b"), ok("a", MatchType::Regexp, "b"));
        assert_eq!(one("a!~b"), ok("a", MatchType::NotRegexp, "b"));
        assert_eq!(one(" \t_x:1 = \n"), ok("_x:1", MatchType::Equal, ""));
        assert_eq!(one("a=~=b"), ok("a", MatchType::Regexp, "=b"));
        assert_eq!(one("a==b"), ok("a", MatchType::Equal, "=b"));
        assert_eq!(one("1a=b"), Err("bad matcher format: 1a=b".to_owned()));
        assert_eq!(one("a b=c"), Err("bad matcher format: a b=c".to_owned()));
        assert_eq!(one("a~b"), Err("bad matcher format: a~b".to_owned()));
        assert_eq!(one("ä=b"), Err("bad matcher format: ä=b".to_owned()));
        assert_eq!(one(""), Err("bad matcher format: ".to_owned()));
    }

    #[test]
    fn values_unescape() {
        let v = |input: &str| one(input).map(|t| t.2);
        assert_eq!(v(r#"a="b""#), Ok("b".to_owned()));
        assert_eq!(v(r#"a="b\"c\\d\ne""#), Ok("b\"c\\d\ne".to_owned()));
        assert_eq!(v(r"a=b\x"), Ok(r"b\x".to_owned()));
        assert_eq!(v(r"a=b\"), Ok(r"b\".to_owned()));
        assert_eq!(v("a=  b c \t"), Ok("b c".to_owned()));
        // `\v` and non-ASCII spaces are not `\s` in Go.
        assert_eq!(v("a=b\x0b"), Ok("b\x0b".to_owned()));
        assert_eq!(v("a=\u{a0}b"), Ok("\u{a0}b".to_owned()));
        assert_eq!(
            v(r#"a=b""#),
            Err(r#"matcher value contains unescaped double quote: b""#.to_owned())
        );
        assert_eq!(
            v(r#"a=""#),
            Err(r#"matcher value contains unescaped double quote: ""#.to_owned())
        );
        assert_eq!(
            v(r#"a="b"c""#),
            Err(r#"matcher value contains unescaped double quote: "b"c""#.to_owned())
        );
        assert_eq!(
            v(r#"a="b\""#),
            Err(r#"matcher value contains unescaped double quote: "b\""#.to_owned())
        );
        assert_eq!(v(r#"a="""#), Ok(String::new()));
    }

    #[test]
    fn lists_split_outside_quotes() {
        assert_eq!(
            list("{a=b,c=~\"d,e\"}"),
            Ok(r#"{a="b",c=~"d,e"}"#.to_owned())
        );
        assert_eq!(list("a=b, c=d,"), Ok(r#"{a="b",c="d"}"#.to_owned()));
        assert_eq!(list("{}"), Ok("{}".to_owned()));
        assert_eq!(list(""), Ok("{}".to_owned()));
        assert_eq!(list(" , "), Err("bad matcher format:  ".to_owned()));
        assert_eq!(list("a=b,,c=d"), Err("bad matcher format: ".to_owned()));
        // Braces are trimmed independently, one each.
        assert_eq!(list("{a=b"), Ok(r#"{a="b"}"#.to_owned()));
        assert_eq!(list("a={b}}"), Ok(r#"{a="{b}"}"#.to_owned()));
        assert_eq!(
            list("a=\"b,c=d"),
            Err(r#"matcher value contains unescaped double quote: "b,c=d"#.to_owned())
        );
        // The last piece is trimmed of Unicode whitespace, the others are not.
        assert_eq!(list("a=b\x0b"), Ok(r#"{a="b"}"#.to_owned()));
        assert_eq!(list("a=b\x0b,c=d"), Ok("{a=\"b\x0b\",c=\"d\"}".to_owned()));
    }

    #[test]
    fn bad_regex_is_returned_unwrapped() {
        assert_eq!(
            list("a=~(").err().as_deref(),
            Some("error parsing regexp: missing closing ): `^(?:()$`")
        );
    }
}

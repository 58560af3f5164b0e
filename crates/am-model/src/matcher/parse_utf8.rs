//! The UTF-8 matcher parser of Alertmanager 0.27+, mirroring `matcher/parse/parse.go`: an
//! optional pair of braces around a comma-separated list (trailing comma allowed) of
//! `name op value`, where name and value are unquoted runs of non-reserved characters or
//! double-quoted Go strings. Errors carry upstream's wording and columns.

use super::lexer::{LexError, Lexer, Token, TokenKind};
use super::parse::{ParseError, TokenError};
use super::{MatchType, Matcher, Matchers};
use crate::go_quote::unquote;

/// Parses a list of matchers.
pub(crate) fn parse_matchers(input: &str) -> Result<Matchers, ParseError> {
    let mut p = Parser {
        lexer: Lexer::new(input),
        matchers: Vec::new(),
        has_open_brace: false,
    };
    p.run()?;
    Ok(Matchers(p.matchers))
}

/// Parses exactly one matcher (upstream's `parse.Matcher`).
pub(crate) fn parse_matcher(input: &str) -> Result<Matcher, ParseError> {
    let mut ms = parse_matchers(input)?.0;
    match ms.len() {
        1 => ms.pop().ok_or(ParseError::NoMatchers),
        0 => Err(ParseError::NoMatchers),
        n => Err(ParseError::TooManyMatchers(n)),
    }
}

/// The parser's states, upstream's chain of `parseFunc`s.
#[derive(Clone, Copy)]
enum State {
    OpenBrace,
    CloseBrace,
    Matcher,
    EndOfMatcher,
    Comma,
    Eof,
}

/// Why a peek for certain token kinds failed.
enum Want {
    /// End of input.
    Eof,
    /// Another error, already worded.
    Err(TokenError),
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    matchers: Vec<Matcher>,
    has_open_brace: bool,
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), ParseError> {
        let mut state = State::OpenBrace;
        loop {
            state = match state {
                State::OpenBrace => self.open_brace()?,
                State::CloseBrace => self.close_brace()?,
                State::Matcher => self.matcher()?,
                State::EndOfMatcher => self.end_of_matcher()?,
                State::Comma => self.comma()?,
                State::Eof => return self.eof(),
            };
        }
    }

    fn open_brace(&mut self) -> Result<State, ParseError> {
        match self.peek_kinds(&[TokenKind::OpenBrace]) {
            Ok(_) => {
                self.has_open_brace = true;
                self.consume();
            }
            Err(Want::Eof) => return Ok(State::Eof),
            Err(Want::Err(TokenError::Lex(e))) => return Err(ParseError::Lex(e)),
            Err(Want::Err(_)) => {}
        }
        match self.peek_kinds(&[TokenKind::CloseBrace]) {
            Ok(_) => Ok(State::CloseBrace),
            // With nothing after `{`, let close_brace report the missing `}`.
            Err(Want::Eof) => Ok(State::CloseBrace),
            Err(Want::Err(TokenError::Lex(e))) => Err(ParseError::Lex(e)),
            Err(Want::Err(_)) => Ok(State::Matcher),
        }
    }

    fn close_brace(&mut self) -> Result<State, ParseError> {
        let got = self.expect(&[TokenKind::CloseBrace]);
        let column = self.lexer.position().column_end;
        match (self.has_open_brace, got) {
            (true, Err(cause)) => Err(ParseError::NoCloseBrace { column, cause }),
            (false, Ok(_)) => Err(ParseError::NoOpenBrace { column }),
            _ => Ok(State::Eof),
        }
    }

    fn matcher(&mut self) -> Result<State, ParseError> {
        let t = self
            .expect(&[TokenKind::Quoted, TokenKind::Unquoted])
            .map_err(ParseError::NoLabelName)?;
        let name = unquote_token(&t)?;
        let op = self
            .expect(&[
                TokenKind::Equals,
                TokenKind::NotEquals,
                TokenKind::Matches,
                TokenKind::NotMatches,
            ])
            .map_err(ParseError::NoOperator)?;
        let ty = match op.kind {
            TokenKind::NotEquals => MatchType::NotEqual,
            TokenKind::Matches => MatchType::Regexp,
            TokenKind::NotMatches => MatchType::NotRegexp,
            _ => MatchType::Equal,
        };
        let t = self
            .expect(&[TokenKind::Unquoted, TokenKind::Quoted])
            .map_err(ParseError::NoLabelValue)?;
        let value = unquote_token(&t)?;
        let m = Matcher::new(ty, name, value).map_err(ParseError::CreateMatcher)?;
        self.matchers.push(m);
        Ok(State::EndOfMatcher)
    }

    fn end_of_matcher(&mut self) -> Result<State, ParseError> {
        match self.peek_kinds(&[TokenKind::Comma, TokenKind::CloseBrace]) {
            Ok(t) if t.kind == TokenKind::Comma => Ok(State::Comma),
            Ok(_) | Err(Want::Eof) => Ok(State::CloseBrace),
            Err(Want::Err(e)) => Err(ParseError::ExpectedCommaOrCloseBrace(e)),
        }
    }

    fn comma(&mut self) -> Result<State, ParseError> {
        // end_of_matcher peeked the comma.
        self.consume();
        let kinds = [
            TokenKind::CloseBrace,
            TokenKind::Unquoted,
            TokenKind::Quoted,
        ];
        match self.peek_kinds(&kinds) {
            Ok(t) if t.kind == TokenKind::CloseBrace => Ok(State::CloseBrace),
            Ok(_) => Ok(State::Matcher),
            Err(Want::Eof) => Ok(State::CloseBrace),
            Err(Want::Err(e)) => Err(ParseError::ExpectedMatcherOrCloseBrace(e)),
        }
    }

    fn eof(&mut self) -> Result<(), ParseError> {
        let t = self
            .lexer
            .scan()
            .map_err(|e| ParseError::ExpectedEof(TokenError::Lex(e)))?;
        if t.kind == TokenKind::Eof {
            return Ok(());
        }
        Err(ParseError::ExpectedEof(TokenError::Token {
            column_start: t.pos.column_start,
            column_end: t.pos.column_end,
            text: t.value,
        }))
    }

    /// Peeks the next token and checks it is one of `kinds` (upstream's `expectPeek`).
    fn peek_kinds(&mut self, kinds: &[TokenKind]) -> Result<Token, Want> {
        let t = self
            .lexer
            .peek()
            .map_err(|e| Want::Err(TokenError::Lex(e)))?;
        if t.kind == TokenKind::Eof {
            return Err(Want::Eof);
        }
        if !kinds.contains(&t.kind) {
            return Err(Want::Err(TokenError::Unexpected {
                column_start: t.pos.column_start,
                column_end: t.pos.column_end,
                text: t.value,
            }));
        }
        Ok(t)
    }

    /// Takes the next token if it is one of `kinds` (upstream's `expect`).
    fn expect(&mut self, kinds: &[TokenKind]) -> Result<Token, TokenError> {
        match self.peek_kinds(kinds) {
            Ok(t) => {
                self.consume();
                Ok(t)
            }
            Err(Want::Eof) => Err(TokenError::EndOfInput),
            Err(Want::Err(e)) => Err(e),
        }
    }

    /// Consumes a token that was just peeked successfully (so scanning cannot fail).
    fn consume(&mut self) {
        let _ = self.lexer.scan();
    }
}

/// The text of a name or value token: quoted strings are unquoted like Go's `strconv.Unquote`.
fn unquote_token(t: &Token) -> Result<String, ParseError> {
    if t.kind != TokenKind::Quoted {
        return Ok(t.value.clone());
    }
    unquote(&t.value).map_err(|_| {
        ParseError::Lex(LexError::InvalidInput {
            column_start: t.pos.column_start,
            column_end: t.pos.column_end,
            text: t.value.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and renders each matcher as `name|op|value` (raw, not Go-escaped).
    fn parse(input: &str) -> Result<Vec<String>, String> {
        parse_matchers(input)
            .map(|ms| {
                ms.iter()
                    .map(|m| format!("{}|{}|{}", m.name(), m.match_type(), m.value()))
                    .collect()
            })
            .map_err(|e| e.to_string())
    }

    fn ok(items: &[&str]) -> Result<Vec<String>, String> {
        Ok(items.iter().map(|s| (*s).to_owned()).collect())
    }

    fn fails(msg: &str) -> Result<Vec<String>, String> {
        Err(msg.to_owned())
    }

    #[test]
    fn accepts_lists_with_optional_braces() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("{}", &[]),
            ("{ }", &[]),
            ("foo=bar", &["foo|=|bar"]),
            ("{foo=bar}", &["foo|=|bar"]),
            ("{foo=bar,}", &["foo|=|bar"]),
            ("foo=bar,", &["foo|=|bar"]),
            (" { foo = bar , baz != qux } ", &["foo|=|bar", "baz|!=|qux"]),
            ("a=~[a-z]+,b!~x|y.*", &["a|=~|[a-z]+", "b|!~|x|y.*"]),
            ("a=1,a=2", &["a|=|1", "a|=|2"]),
            ("foo🙂=bar🙂", &["foo🙂|=|bar🙂"]),
            ("k8s.io/app:x=v1.2-3_4", &["k8s.io/app:x|=|v1.2-3_4"]),
            ("foo=\tbar\n", &["foo|=|bar"]),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), ok(want), "{input:?}");
        }
    }

    #[test]
    fn quoted_names_and_values_use_go_unquoting() {
        assert_eq!(parse(r#"foo="bar baz""#), ok(&["foo|=|bar baz"]));
        assert_eq!(parse(r#""foo bar"="baz""#), ok(&["foo bar|=|baz"]));
        assert_eq!(parse(r#"foo="""#), ok(&["foo|=|"]));
        assert_eq!(parse(r#"""=x"#), ok(&["|=|x"]));
        assert_eq!(parse(r#"foo="a,b}{=~""#), ok(&["foo|=|a,b}{=~"]));
        assert_eq!(
            parse(r#"foo="\u00e9\x41\101\n\t\"\\""#),
            ok(&["foo|=|éAA\n\t\"\\"])
        );
        assert_eq!(parse(r#"foo=~"\\d+""#), ok(&[r"foo|=~|\d+"]));
    }

    #[test]
    fn rejects_with_position_and_reason() {
        let cases = [
            (
                "foo",
                "end of input: expected an operator such as '=', '!=', '=~' or '!~'",
            ),
            ("foo=", "end of input: expected label value"),
            ("foo=~", "end of input: expected label value"),
            ("=bar", "0:1: unexpected =: expected label name"),
            (",", "0:1: unexpected ,: expected label name"),
            ("{,}", "1:2: unexpected ,: expected label name"),
            ("{foo=bar", "0:8: end of input: expected close brace"),
            ("{", "0:1: end of input: expected close brace"),
            ("foo=bar}", "0:8: }: expected opening brace"),
            ("}", "0:1: }: expected opening brace"),
            ("{foo=bar}}", "9:10: }: expected end of input"),
            ("{foo=bar},", "9:10: ,: expected end of input"),
            ("{}x", "2:3: x: expected end of input"),
            (
                "foo=bar baz=qux",
                "8:11: unexpected baz: expected a comma or close brace",
            ),
            (
                "foo=~a{2}",
                "6:7: unexpected {: expected a comma or close brace",
            ),
            (
                "foo=bar=baz",
                "7:8: unexpected =: expected a comma or close brace",
            ),
            ("foo==bar", "4:5: unexpected =: expected label value"),
            (
                "foo=bar,,",
                "8:9: unexpected ,: expected a matcher or close brace after comma",
            ),
            (
                "foo=bar,baz",
                "end of input: expected an operator such as '=', '!=', '=~' or '!~'",
            ),
            (
                "äö=ü ü",
                "5:6: unexpected ü: expected a comma or close brace",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), fails(want), "{input:?}");
        }
    }

    #[test]
    fn lexer_errors_keep_their_context() {
        let cases = [
            ("~", "0:1: ~: invalid input"),
            ("{~", "1:2: ~: invalid input"),
            (
                "foo!bar",
                "3:4: !: expected one of '=~': expected an operator such as '=', '!=', '=~' or '!~'",
            ),
            (
                "foo!",
                "3:4: unexpected end of input, expected one of '=~': expected an operator such as \
                 '=', '!=', '=~' or '!~'",
            ),
            ("foo='bar'", "4:5: ': invalid input: expected label value"),
            (
                "foo=bar\\",
                "7:8: \\: invalid input: expected a comma or close brace",
            ),
            (
                "foo=\"bar",
                "4:8: \"bar: missing end \": expected label value",
            ),
            ("\"foo=bar", "0:8: \"foo=bar: missing end \""),
            (
                "{foo=bar,\"baz",
                "9:13: \"baz: missing end \": expected a matcher or close brace after comma",
            ),
            (
                "{foo=bar}~",
                "9:10: ~: invalid input: expected end of input",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), fails(want), "{input:?}");
        }
    }

    #[test]
    fn bad_quoted_strings_and_regexes() {
        // `\xff` decodes to invalid UTF-8; `\q` is no Go escape; a raw newline is not allowed.
        assert_eq!(
            parse(r#"foo="\xff""#),
            fails(r#"4:10: "\xff": invalid input"#)
        );
        assert_eq!(parse(r#"foo="\q""#), fails(r#"4:8: "\q": invalid input"#));
        assert_eq!(parse("foo=\"a\nb\""), fails("4:9: \"a\nb\": invalid input"));
        assert_eq!(
            parse(r#""\ud800"=x"#),
            fails(r#"0:8: "\ud800": invalid input"#)
        );
        assert_eq!(
            parse(r#"foo=~"(""#),
            fails("failed to create matcher: error parsing regexp: missing closing ): `^(?:()$`")
        );
    }

    #[test]
    fn single_matcher_counts() {
        let one = |s: &str| {
            parse_matcher(s)
                .map(|m| m.to_string())
                .map_err(|e| e.to_string())
        };
        assert_eq!(one("a=b"), Ok("a=\"b\"".to_owned()));
        assert_eq!(one(""), Err("no matchers".to_owned()));
        assert_eq!(
            one("a=b,c=d"),
            Err("expected 1 matcher, found 2".to_owned())
        );
        assert_eq!(one("{a=b}"), Ok("a=\"b\"".to_owned()));
    }
}

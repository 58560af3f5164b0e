//! Parsing matchers the way Alertmanager 0.28 does (`matcher/compat/parse.go`): with the UTF-8
//! parser, the classic parser, or — the default — the UTF-8 parser falling back to the classic
//! one, with a warning whenever the fallback is used or the two disagree.
//!
//! Label names are validated per mode by [`is_valid_label_name`] (upstream's
//! `compat.IsValidLabelName`); the parsers themselves do not validate names beyond their grammar.

pub use super::lexer::LexError;
use super::{Matcher, MatcherError, Matchers, parse_classic, parse_utf8};
use crate::labels::{is_valid_legacy_label_name, is_valid_utf8_label_name};

/// Which parser to use (`--enable-feature=utf8-strict-mode` / `classic-mode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ParseMode {
    /// The default: the UTF-8 parser, falling back to the classic parser with a warning.
    #[default]
    Fallback,
    /// The UTF-8 parser only (`utf8-strict-mode`).
    Utf8Strict,
    /// The classic parser only (`classic-mode`).
    Classic,
}

/// The result of a successful parse: the matchers, and warnings for the operator (fallback
/// mode only: the input needed the classic parser, or the two parsers disagreed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The parsed matchers, in input order.
    pub matchers: Matchers,
    /// Messages to log at warning level.
    pub warnings: Vec<String>,
}

/// Which token a parse step could not find: the first part of a UTF-8 parser error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// The input ended.
    #[error("end of input")]
    EndOfInput,
    /// A token of the wrong kind.
    #[error("{column_start}:{column_end}: unexpected {text}")]
    Unexpected {
        /// First column of the token.
        column_start: usize,
        /// Column after it.
        column_end: usize,
        /// The token's text.
        text: String,
    },
    /// A token where the input should have ended.
    #[error("{column_start}:{column_end}: {text}")]
    Token {
        /// First column of the token.
        column_start: usize,
        /// Column after it.
        column_end: usize,
        /// The token's text.
        text: String,
    },
    /// The tokenizer failed.
    #[error(transparent)]
    Lex(LexError),
}

/// Why matcher input was rejected. Messages follow upstream's wording; UTF-8 parser errors
/// start with `column:column` (characters, end-exclusive) of the offending text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The tokenizer failed, or a quoted string is not a valid Go string.
    #[error(transparent)]
    Lex(LexError),
    /// No label name where one was expected.
    #[error("{0}: expected label name")]
    NoLabelName(TokenError),
    /// No operator after a label name.
    #[error("{0}: expected an operator such as '=', '!=', '=~' or '!~'")]
    NoOperator(TokenError),
    /// No value after an operator (`foo=` needs `foo=""`).
    #[error("{0}: expected label value")]
    NoLabelValue(TokenError),
    /// Something other than `,` or `}` after a matcher.
    #[error("{0}: expected a comma or close brace")]
    ExpectedCommaOrCloseBrace(TokenError),
    /// Something other than a matcher or `}` after a comma.
    #[error("{0}: expected a matcher or close brace after comma")]
    ExpectedMatcherOrCloseBrace(TokenError),
    /// Text after the end of the list.
    #[error("{0}: expected end of input")]
    ExpectedEof(TokenError),
    /// `{` without a matching `}`.
    #[error("0:{column}: {cause}: expected close brace")]
    NoCloseBrace {
        /// Column where the `}` was expected.
        column: usize,
        /// What was found instead.
        cause: TokenError,
    },
    /// `}` without a preceding `{`.
    #[error("0:{column}: }}: expected opening brace")]
    NoOpenBrace {
        /// Column after the `}`.
        column: usize,
    },
    /// The UTF-8 parser read a matcher whose regex does not compile.
    #[error("failed to create matcher: {0}")]
    CreateMatcher(MatcherError),
    /// A single matcher was expected but the input had none.
    #[error("no matchers")]
    NoMatchers,
    /// A single matcher was expected but the input had several.
    #[error("expected 1 matcher, found {0}")]
    TooManyMatchers(usize),
    /// A single matcher may not be wrapped in braces (UTF-8 and fallback modes).
    #[error("unexpected open or close brace: {0}")]
    UnexpectedBrace(String),
    /// Classic parser: the text is not `name op value` with a valid name.
    #[error("bad matcher format: {0}")]
    BadMatcherFormat(String),
    /// Classic parser: a `"` inside the value that is not escaped.
    #[error("matcher value contains unescaped double quote: {0}")]
    UnescapedQuote(String),
    /// Classic parser: the regex does not compile (reported without a prefix, as upstream).
    #[error(transparent)]
    Matcher(MatcherError),
}

/// Parses a list of matchers, optionally wrapped in `{…}`, in the given mode (upstream's
/// `compat.Matchers`). Empty input gives an empty list.
///
/// # Errors
/// The UTF-8 parser's error in UTF-8 strict mode; the classic parser's error in classic mode
/// and, when both parsers fail, in fallback mode.
pub fn parse_matchers(input: &str, mode: ParseMode) -> Result<Parsed, ParseError> {
    match mode {
        ParseMode::Classic => Ok(plain(parse_classic::parse_matchers(input)?)),
        ParseMode::Utf8Strict => Ok(plain(parse_utf8::parse_matchers(input)?)),
        ParseMode::Fallback => {
            let classic = parse_classic::parse_matchers(input);
            match (parse_utf8::parse_matchers(input), classic) {
                (Err(_), Err(e)) => Err(e),
                (Err(utf8_err), Ok(ms)) => {
                    let suggestion = ms.iter().map(ToString::to_string).collect::<Vec<_>>();
                    let warning = incompatible(input, &utf8_err, &suggestion.join(","));
                    Ok(warned(ms, warning))
                }
                // Upstream compares with reflect.DeepEqual, under which the UTF-8 parser's nil
                // list differs from the classic parser's empty one: empty input "disagrees".
                (Ok(utf8), Ok(ms)) if utf8 != ms || utf8.is_empty() => {
                    Ok(warned(ms, disagreement(input)))
                }
                (Ok(utf8), _) => Ok(plain(utf8)),
            }
        }
    }
}

/// Parses exactly one matcher in the given mode (upstream's `compat.Matcher`, used for API
/// filters and amtool arguments). Braces are not allowed around it in UTF-8 and fallback mode.
///
/// # Errors
/// As [`parse_matchers`], plus [`ParseError::UnexpectedBrace`], [`ParseError::NoMatchers`] and
/// [`ParseError::TooManyMatchers`].
pub fn parse_matcher(input: &str, mode: ParseMode) -> Result<Parsed, ParseError> {
    let single = |m: Matcher| Matchers(vec![m]);
    if mode != ParseMode::Classic && (input.starts_with('{') || input.ends_with('}')) {
        return Err(ParseError::UnexpectedBrace(input.to_owned()));
    }
    match mode {
        ParseMode::Classic => Ok(plain(single(parse_classic::parse_matcher(input)?))),
        ParseMode::Utf8Strict => Ok(plain(single(parse_utf8::parse_matcher(input)?))),
        ParseMode::Fallback => {
            let classic = parse_classic::parse_matcher(input);
            match (parse_utf8::parse_matcher(input), classic) {
                (Err(_), Err(e)) => Err(e),
                (Err(utf8_err), Ok(m)) => {
                    let warning = incompatible(input, &utf8_err, &m.to_string());
                    Ok(warned(single(m), warning))
                }
                (Ok(utf8), Ok(m)) if utf8 != m => Ok(warned(single(m), disagreement(input))),
                (Ok(utf8), _) => Ok(plain(single(utf8))),
            }
        }
    }
}

/// Parses a list of matchers with the UTF-8 parser only.
///
/// # Errors
/// The UTF-8 parser's error, with columns.
pub fn parse_matchers_utf8(input: &str) -> Result<Matchers, ParseError> {
    parse_utf8::parse_matchers(input)
}

/// Parses a list of matchers with the classic parser only.
///
/// # Errors
/// The classic parser's error.
pub fn parse_matchers_classic(input: &str) -> Result<Matchers, ParseError> {
    parse_classic::parse_matchers(input)
}

/// Whether `name` is an acceptable label name in `mode` (upstream's `compat.IsValidLabelName`):
/// any non-empty string in UTF-8 strict and fallback mode, `[a-zA-Z_][a-zA-Z0-9_]*` in classic
/// mode.
pub fn is_valid_label_name(name: &str, mode: ParseMode) -> bool {
    match mode {
        ParseMode::Classic => is_valid_legacy_label_name(name),
        ParseMode::Fallback | ParseMode::Utf8Strict => is_valid_utf8_label_name(name),
    }
}

fn plain(matchers: Matchers) -> Parsed {
    Parsed {
        matchers,
        warnings: Vec::new(),
    }
}

fn warned(matchers: Matchers, warning: String) -> Parsed {
    Parsed {
        matchers,
        warnings: vec![warning],
    }
}

fn incompatible(input: &str, err: &ParseError, suggestion: &str) -> String {
    format!(
        "matchers input is not compatible with the UTF-8 matchers parser and was parsed with the \
         classic parser instead; to make it compatible, double-quote all regular expressions and \
         values and escape backslashes (input={input:?} err={:?} suggestion={suggestion:?})",
        err.to_string()
    )
}

fn disagreement(input: &str) -> String {
    format!(
        "matchers input has disagreement between the UTF-8 and classic parsers; using the classic \
         parser's result (input={input:?})"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(input: &str, mode: ParseMode) -> Result<(String, usize), String> {
        parse_matchers(input, mode)
            .map(|p| (p.matchers.to_string(), p.warnings.len()))
            .map_err(|e| e.to_string())
    }

    fn one(input: &str, mode: ParseMode) -> Result<(String, usize), String> {
        parse_matcher(input, mode)
            .map(|p| (p.matchers.to_string(), p.warnings.len()))
            .map_err(|e| e.to_string())
    }

    fn ok(rendered: &str, warnings: usize) -> Result<(String, usize), String> {
        Ok((rendered.to_owned(), warnings))
    }

    #[test]
    fn fallback_prefers_utf8_when_both_agree_or_classic_fails() {
        let f = ParseMode::Fallback;
        assert_eq!(
            list("{foo=bar, baz=~\"x.*\"}", f),
            ok(r#"{foo="bar",baz=~"x.*"}"#, 0)
        );
        // Only the UTF-8 parser accepts these.
        assert_eq!(list("foo🙂=bar", f), ok(r#"{foo🙂="bar"}"#, 0));
        assert_eq!(list(r#""a b"="c""#, f), ok(r#"{"a b"="c"}"#, 0));
    }

    #[test]
    fn fallback_uses_classic_with_a_warning() {
        let f = ParseMode::Fallback;
        // Only the classic parser accepts an unquoted value with a space or a stray `!`.
        assert_eq!(list("foo=a b", f), ok(r#"{foo="a b"}"#, 1));
        assert_eq!(list("foo=!x,y=z\\n", f), ok("{foo=\"!x\",y=\"z\\n\"}", 1));
        let parsed = parse_matchers("foo=a b", f).ok();
        let warning = parsed.map(|p| p.warnings.join("")).unwrap_or_default();
        assert!(warning.contains("classic parser"), "{warning}");
        assert!(warning.contains(r#"suggestion="foo=\"a b\"""#), "{warning}");
        assert!(
            warning.contains("expected a comma or close brace"),
            "{warning}"
        );
        // Both accept `\u0041` in quotes but read it differently: the classic result wins.
        assert_eq!(list(r#"foo="\u0041""#, f), ok(r#"{foo="\\u0041"}"#, 1));
        let parsed = parse_matchers(r#"foo="\u0041""#, f).ok();
        let warning = parsed.map(|p| p.warnings.join("")).unwrap_or_default();
        assert!(warning.contains("disagreement"), "{warning}");
        // Upstream's DeepEqual sees nil and empty lists as different.
        assert_eq!(list("", f), ok("{}", 1));
        assert_eq!(list("{}", f), ok("{}", 1));
    }

    #[test]
    fn fallback_reports_the_classic_error_when_both_fail() {
        assert_eq!(
            list("foo!bar", ParseMode::Fallback),
            Err("bad matcher format: foo!bar".to_owned())
        );
        assert_eq!(
            list("a=~(", ParseMode::Fallback),
            Err("error parsing regexp: missing closing ): `^(?:()$`".to_owned())
        );
    }

    #[test]
    fn strict_modes_use_one_parser() {
        assert_eq!(
            list("foo=a b", ParseMode::Utf8Strict),
            Err("6:7: unexpected b: expected a comma or close brace".to_owned())
        );
        assert_eq!(list("foo=a b", ParseMode::Classic), ok(r#"{foo="a b"}"#, 0));
        assert_eq!(
            list("foo🙂=bar", ParseMode::Classic),
            Err("bad matcher format: foo🙂=bar".to_owned())
        );
        assert_eq!(list("", ParseMode::Utf8Strict), ok("{}", 0));
        assert_eq!(list("", ParseMode::Classic), ok("{}", 0));
        assert_eq!(
            list(r#"foo="\u0041""#, ParseMode::Utf8Strict),
            ok(r#"{foo="A"}"#, 0)
        );
    }

    #[test]
    fn single_matcher_rules() {
        let f = ParseMode::Fallback;
        assert_eq!(one("foo=bar", f), ok(r#"{foo="bar"}"#, 0));
        assert_eq!(
            one("{foo=bar}", f),
            Err("unexpected open or close brace: {foo=bar}".to_owned())
        );
        assert_eq!(
            one("foo=bar}", ParseMode::Utf8Strict),
            Err("unexpected open or close brace: foo=bar}".to_owned())
        );
        // Classic mode reads the braces as part of the value.
        assert_eq!(
            one("foo=bar}", ParseMode::Classic),
            ok(r#"{foo="bar}"}"#, 0)
        );
        assert_eq!(
            one("a=b,c=d", ParseMode::Utf8Strict),
            Err("expected 1 matcher, found 2".to_owned())
        );
        // The classic parser takes the comma into the value; fallback warns.
        assert_eq!(one("a=b,c=d", f), ok(r#"{a="b,c=d"}"#, 1));
        assert_eq!(
            one("", ParseMode::Utf8Strict),
            Err("no matchers".to_owned())
        );
        assert_eq!(one("", f), Err("bad matcher format: ".to_owned()));
        assert_eq!(one(r#"foo="\u0041""#, f), ok(r#"{foo="\\u0041"}"#, 1));
    }

    #[test]
    fn label_names_per_mode() {
        assert!(is_valid_label_name("foo_1", ParseMode::Classic));
        assert!(!is_valid_label_name("foo.bar", ParseMode::Classic));
        assert!(!is_valid_label_name("1foo", ParseMode::Classic));
        assert!(!is_valid_label_name("a:b", ParseMode::Classic));
        assert!(is_valid_label_name("foo.bar🙂", ParseMode::Utf8Strict));
        assert!(is_valid_label_name("1 foo", ParseMode::Fallback));
        assert!(!is_valid_label_name("", ParseMode::Fallback));
        assert!(!is_valid_label_name("", ParseMode::Classic));
    }
}

//! Go-compatible regular expressions for matchers, mirroring Go's `regexp` package (RE2 syntax,
//! `regexp/syntax/parse.go`) as used by Alertmanager's `pkg/labels.NewMatcher`, which compiles
//! `^(?:` + value + `)$`.
//!
//! The Rust `regex` crate accepts a different dialect: `\d`, `\w`, `\s` and `\b` are Unicode-aware,
//! `\Q…\E` is missing, `{,n}` is a repetition instead of literal text, `\p{Greek}` means the
//! script *extension*, and so on. Rather than patch the Rust syntax, [`GoRegex`] parses the
//! pattern with a parser that follows Go's grammar and error rules (`syntax` submodule), builds
//! the matching `regex-syntax` HIR with Go's semantics (ASCII Perl classes, Go's Unicode tables by
//! exact name, simple case folding applied before class negation) and hands the printed HIR to
//! the `regex` crate with a bounded compiled size.
//!
//! Differences that remain: Unicode tables follow the `regex-syntax` version (Unicode 16) rather
//! than Go's; capture group names are dropped (groups keep Go's numbering); patterns whose
//! compiled program is larger than [`SIZE_LIMIT`] are rejected with `expression too large`
//! even where Go would accept them; nesting depth is counted on our tree, which can differ from
//! Go's by a level or two near the 1000 limit.

mod class;
mod syntax;
mod translate;
mod tree;

use std::fmt;

/// The largest compiled program we accept, in bytes (the `regex` crate's `size_limit`).
/// Go's own cap is about 128 MiB; ours is lower so one hostile pattern cannot take much memory.
pub const SIZE_LIMIT: usize = 32 << 20;

/// Trees up to this height are built on the caller's stack.
const INLINE_HEIGHT: u32 = 100;

/// Stack size of the thread that builds deeper trees (only touched pages use memory).
const DEEP_STACK: usize = 256 << 20;

/// Why a pattern was rejected: Go's `regexp/syntax.ErrorCode`, with the same texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `invalid character class`
    InvalidCharClass,
    /// `invalid character class range`
    InvalidCharRange,
    /// `invalid escape sequence`
    InvalidEscape,
    /// `invalid named capture`
    InvalidNamedCapture,
    /// `invalid or unsupported Perl syntax`
    InvalidPerlOp,
    /// `invalid nested repetition operator`
    InvalidRepeatOp,
    /// `invalid repeat count`
    InvalidRepeatSize,
    /// `missing closing ]`
    MissingBracket,
    /// `missing closing )`
    MissingParen,
    /// `missing argument to repetition operator`
    MissingRepeatArgument,
    /// `trailing backslash at end of expression`
    TrailingBackslash,
    /// `unexpected )`
    UnexpectedParen,
    /// `expression nests too deeply`
    NestingDepth,
    /// `expression too large`
    Large,
    /// `regexp/syntax: internal error`
    Internal,
}

impl ErrorCode {
    /// The text Go prints for this code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidCharClass => "invalid character class",
            ErrorCode::InvalidCharRange => "invalid character class range",
            ErrorCode::InvalidEscape => "invalid escape sequence",
            ErrorCode::InvalidNamedCapture => "invalid named capture",
            ErrorCode::InvalidPerlOp => "invalid or unsupported Perl syntax",
            ErrorCode::InvalidRepeatOp => "invalid nested repetition operator",
            ErrorCode::InvalidRepeatSize => "invalid repeat count",
            ErrorCode::MissingBracket => "missing closing ]",
            ErrorCode::MissingParen => "missing closing )",
            ErrorCode::MissingRepeatArgument => "missing argument to repetition operator",
            ErrorCode::TrailingBackslash => "trailing backslash at end of expression",
            ErrorCode::UnexpectedParen => "unexpected )",
            ErrorCode::NestingDepth => "expression nests too deeply",
            ErrorCode::Large => "expression too large",
            ErrorCode::Internal => "regexp/syntax: internal error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pattern Go's `regexp.Compile` would reject (or that is too large for us). Displays like Go:
/// ``error parsing regexp: missing closing ): `^(?:(a)$` `` — `expr` is the offending part of
/// the pattern as compiled, which for matchers includes the `^(?:…)$` wrapper.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("error parsing regexp: {code}: `{expr}`")]
pub struct RegexError {
    /// What is wrong.
    pub code: ErrorCode,
    /// The offending text.
    pub expr: String,
}

impl RegexError {
    pub(crate) fn new(code: ErrorCode, expr: &str) -> Self {
        RegexError {
            code,
            expr: expr.to_owned(),
        }
    }
}

/// A compiled regular expression with Go `regexp` syntax and matching semantics.
#[derive(Clone)]
pub struct GoRegex {
    pattern: String,
    regex: ::regex::Regex,
}

impl GoRegex {
    /// Compiles `pattern` the way Alertmanager compiles matcher values and config regexes:
    /// as `^(?:pattern)$`, so it must match the whole input. Note that, as in Go, the wrapper is
    /// plain text: `a)|(b` yields `^(?:a)|(b)$`, which is valid and only half anchored.
    ///
    /// # Errors
    /// A [`RegexError`] with Go's message when Go would reject the pattern, or when the compiled
    /// program would exceed [`SIZE_LIMIT`].
    pub fn new_anchored(pattern: &str) -> Result<Self, RegexError> {
        let whole = format!("^(?:{pattern})$");
        Self::compile(pattern, &whole, SIZE_LIMIT)
    }

    /// Compiles `pattern` unanchored, like Go's `regexp.Compile(pattern)`.
    ///
    /// # Errors
    /// As for [`GoRegex::new_anchored`].
    pub fn new(pattern: &str) -> Result<Self, RegexError> {
        Self::compile(pattern, pattern, SIZE_LIMIT)
    }

    fn compile(pattern: &str, whole: &str, size_limit: usize) -> Result<Self, RegexError> {
        let tree = syntax::parse(whole)?;
        let height = tree.height;
        let build = move || {
            let printed = translate::to_hir(&tree).to_string();
            ::regex::RegexBuilder::new(&printed)
                .size_limit(size_limit)
                .nest_limit(translate::NEST_LIMIT)
                .build()
                .map_err(|e| match e {
                    ::regex::Error::CompiledTooBig(_) => RegexError::new(ErrorCode::Large, whole),
                    _ => RegexError::new(ErrorCode::Internal, whole),
                })
        };
        // Building recurses once per level of the tree (in our translation and in the `regex`
        // crate's compiler). Go accepts 1000 levels, more than a 2 MiB thread stack (tokio's,
        // the test harness's) survives, so deep patterns are built on a thread of their own.
        let regex = if height <= INLINE_HEIGHT {
            build()
        } else {
            let internal = |_| RegexError::new(ErrorCode::Internal, whole);
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .name("go-regex-build".to_owned())
                    .stack_size(DEEP_STACK)
                    .spawn_scoped(scope, build)
                    .map_err(|e| internal(e.to_string()))?
                    .join()
                    .map_err(|_| internal(String::new()))?
            })
        }?;
        Ok(GoRegex {
            pattern: pattern.to_owned(),
            regex,
        })
    }

    /// Whether the regex matches somewhere in `s` (for an anchored regex: matches all of `s`).
    pub fn is_match(&self, s: &str) -> bool {
        self.regex.is_match(s)
    }

    /// The pattern as the user wrote it (without the anchoring wrapper).
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The underlying Rust regex, for searching and replacing. Capture groups keep Go's numbering
    /// but not their names.
    pub fn regex(&self) -> &::regex::Regex {
        &self.regex
    }
}

impl fmt::Debug for GoRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GoRegex").field(&self.pattern).finish()
    }
}

impl PartialEq for GoRegex {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && self.regex.as_str() == other.regex.as_str()
    }
}

impl Eq for GoRegex {}

#[cfg(test)]
mod tests;

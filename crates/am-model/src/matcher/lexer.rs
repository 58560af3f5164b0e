//! The tokenizer of the UTF-8 matcher parser, mirroring Alertmanager's `matcher/parse/lexer.go`
//! and `token.go`: braces, commas, the four operators, double-quoted strings (escapes are kept
//! for `unquote`) and unquoted runs of non-reserved characters; whitespace between tokens is
//! skipped. Columns count characters, offsets count bytes, as upstream's error messages do.

use std::fmt;

use super::render::is_reserved;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Eof,
    OpenBrace,
    CloseBrace,
    Comma,
    Equals,
    NotEquals,
    Matches,
    NotMatches,
    Quoted,
    Unquoted,
}

/// Where a token (or an error) is: byte offsets and character columns, both end-exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Position {
    pub offset_start: usize,
    pub offset_end: usize,
    pub column_start: usize,
    pub column_end: usize,
}

/// A token: its kind, its text in the input and its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub value: String,
    pub pos: Position,
}

impl Token {
    fn eof() -> Token {
        Token {
            kind: TokenKind::Eof,
            value: String::new(),
            pos: Position::default(),
        }
    }
}

/// A tokenizing error, worded like upstream's lexer errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexError {
    /// A character that cannot start a token, such as `~` or `'`.
    #[error("{column_start}:{column_end}: {text}: invalid input")]
    InvalidInput {
        /// First column of the offending text.
        column_start: usize,
        /// Column after it.
        column_end: usize,
        /// The offending text.
        text: String,
    },
    /// `!` not followed by `=` or `~`.
    #[error("{column_start}:{column_end}: {}expected one of '{expected}'", found(.text))]
    Expected {
        /// First column of the offending text.
        column_start: usize,
        /// Column after it.
        column_end: usize,
        /// The offending text, or `None` at the end of the input.
        text: Option<String>,
        /// The characters that would have been accepted.
        expected: &'static str,
    },
    /// A double-quoted string without its closing quote.
    #[error("{column_start}:{column_end}: {text}: missing end \"")]
    Unterminated {
        /// First column of the string.
        column_start: usize,
        /// Column after the end of the input.
        column_end: usize,
        /// The string from its opening quote.
        text: String,
    },
}

fn found(text: &Option<String>) -> String {
    match text {
        None => "unexpected end of input, ".to_owned(),
        Some(t) => format!("{t}: "),
    }
}

/// The lexer state; `peek` saves and restores it, but an error sticks (as upstream's does).
#[derive(Clone)]
pub(crate) struct Lexer<'a> {
    input: &'a str,
    err: Option<LexError>,
    start: usize,
    pos: usize,
    width: usize,
    column: usize,
    cols: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(input: &'a str) -> Self {
        Lexer {
            input,
            err: None,
            start: 0,
            pos: 0,
            width: 0,
            column: 0,
            cols: 0,
        }
    }

    /// The next token, or the (sticky) error. At the end it returns EOF tokens forever.
    pub(crate) fn scan(&mut self) -> Result<Token, LexError> {
        if let Some(e) = &self.err {
            return Err(e.clone());
        }
        let result = self.scan_inner();
        if let Err(e) = &result {
            self.err = Some(e.clone());
        }
        result
    }

    fn scan_inner(&mut self) -> Result<Token, LexError> {
        while let Some(c) = self.next() {
            match c {
                '{' => return Ok(self.emit(TokenKind::OpenBrace)),
                '}' => return Ok(self.emit(TokenKind::CloseBrace)),
                ',' => return Ok(self.emit(TokenKind::Comma)),
                '=' | '!' => {
                    self.rewind();
                    return self.scan_operator();
                }
                '"' => {
                    self.rewind();
                    return self.scan_quoted();
                }
                c if !is_reserved(c) => {
                    self.rewind();
                    return Ok(self.scan_unquoted());
                }
                c if c.is_whitespace() => self.skip(),
                _ => {
                    let p = self.position();
                    return Err(LexError::InvalidInput {
                        column_start: p.column_start,
                        column_end: p.column_end,
                        text: self.input[p.offset_start..p.offset_end].to_owned(),
                    });
                }
            }
        }
        Ok(Token::eof())
    }

    /// The next token without consuming it. An error is remembered for the next `scan`.
    pub(crate) fn peek(&mut self) -> Result<Token, LexError> {
        let saved = (self.start, self.pos, self.width, self.column, self.cols);
        let result = self.scan();
        (self.start, self.pos, self.width, self.column, self.cols) = saved;
        result
    }

    fn scan_operator(&mut self) -> Result<Token, LexError> {
        if self.accept("!") {
            if self.accept("=") {
                return Ok(self.emit(TokenKind::NotEquals));
            }
            if self.accept("~") {
                return Ok(self.emit(TokenKind::NotMatches));
            }
            return Err(self.expected("=~"));
        }
        if self.accept("=") {
            if self.accept("~") {
                return Ok(self.emit(TokenKind::Matches));
            }
            return Ok(self.emit(TokenKind::Equals));
        }
        Err(self.expected("!="))
    }

    fn scan_quoted(&mut self) -> Result<Token, LexError> {
        // The caller saw the opening quote.
        self.next();
        let mut escaped = false;
        while let Some(c) = self.next() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                return Ok(self.emit(TokenKind::Quoted));
            }
        }
        let p = self.position();
        Err(LexError::Unterminated {
            column_start: p.column_start,
            column_end: p.column_end,
            text: self.input[p.offset_start..p.offset_end].to_owned(),
        })
    }

    fn scan_unquoted(&mut self) -> Token {
        while let Some(c) = self.next() {
            if is_reserved(c) {
                self.rewind();
                break;
            }
        }
        self.emit(TokenKind::Unquoted)
    }

    /// The position of the text scanned since the last token.
    pub(crate) fn position(&self) -> Position {
        Position {
            offset_start: self.start,
            offset_end: self.pos,
            column_start: self.column,
            column_end: self.cols,
        }
    }

    fn expected(&self, expected: &'static str) -> LexError {
        let p = self.position();
        let text = (p.offset_end < self.input.len())
            .then(|| self.input[p.offset_start..p.offset_end].to_owned());
        LexError::Expected {
            column_start: p.column_start,
            column_end: p.column_end,
            text,
            expected,
        }
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.rewind();
                false
            }
        }
    }

    fn emit(&mut self, kind: TokenKind) -> Token {
        let token = Token {
            kind,
            value: self.input[self.start..self.pos].to_owned(),
            pos: self.position(),
        };
        self.start = self.pos;
        self.column = self.cols;
        token
    }

    fn next(&mut self) -> Option<char> {
        let Some(c) = self.input.get(self.pos..).and_then(|s| s.chars().next()) else {
            self.width = 0;
            return None;
        };
        self.width = c.len_utf8();
        self.pos += self.width;
        self.cols += 1;
        Some(c)
    }

    /// Steps back over the last character read (nothing after reading the end).
    fn rewind(&mut self) {
        self.pos -= self.width;
        if self.width > 0 {
            self.cols -= 1;
        }
    }

    fn skip(&mut self) {
        self.start = self.pos;
        self.column = self.cols;
    }
}

impl fmt::Debug for Lexer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lexer")
            .field("pos", &self.pos)
            .field("err", &self.err)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(input: &str) -> Result<Vec<(TokenKind, String, usize, usize)>, String> {
        let mut l = Lexer::new(input);
        let mut out = Vec::new();
        loop {
            let t = l.scan().map_err(|e| e.to_string())?;
            if t.kind == TokenKind::Eof {
                return Ok(out);
            }
            out.push((t.kind, t.value, t.pos.column_start, t.pos.column_end));
        }
    }

    #[test]
    fn scans_all_token_kinds() {
        use TokenKind::*;
        let got = tokens("{ a=b, \"c d\"!=e,f=~g ,h!~\"i\\\"\" }").unwrap_or_default();
        let kinds: Vec<TokenKind> = got.iter().map(|t| t.0).collect();
        assert_eq!(
            kinds,
            [
                OpenBrace, Unquoted, Equals, Unquoted, Comma, Quoted, NotEquals, Unquoted, Comma,
                Unquoted, Matches, Unquoted, Comma, Unquoted, NotMatches, Quoted, CloseBrace
            ]
        );
        assert_eq!(got[5], (Quoted, "\"c d\"".to_owned(), 7, 12));
        assert_eq!(got[15].1, "\"i\\\"\"");
    }

    #[test]
    fn columns_count_characters() {
        let got = tokens("äö=ü").unwrap_or_default();
        assert_eq!(got[0], (TokenKind::Unquoted, "äö".to_owned(), 0, 2));
        assert_eq!(got[1], (TokenKind::Equals, "=".to_owned(), 2, 3));
        assert_eq!(got[2], (TokenKind::Unquoted, "ü".to_owned(), 3, 4));
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(
            tokens("a~b").err().as_deref(),
            Some("1:2: ~: invalid input")
        );
        assert_eq!(
            tokens(" 'x'").err().as_deref(),
            Some("1:2: ': invalid input")
        );
        assert_eq!(
            tokens("a!b").err().as_deref(),
            Some("1:2: !: expected one of '=~'")
        );
        assert_eq!(
            tokens("a!").err().as_deref(),
            Some("1:2: unexpected end of input, expected one of '=~'")
        );
        assert_eq!(
            tokens("a=\"bc").err().as_deref(),
            Some("2:5: \"bc: missing end \"")
        );
        assert_eq!(
            tokens("a=\"b\\\"").err().as_deref(),
            Some("2:6: \"b\\\": missing end \"")
        );
    }

    #[test]
    fn peek_does_not_consume_but_errors_stick() {
        let mut l = Lexer::new("a ~");
        assert_eq!(l.peek().map(|t| t.value), Ok("a".to_owned()));
        assert_eq!(l.scan().map(|t| t.value), Ok("a".to_owned()));
        assert!(l.peek().is_err());
        assert!(l.scan().is_err());
        assert!(l.scan().is_err());
    }
}

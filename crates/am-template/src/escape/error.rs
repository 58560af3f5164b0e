//! Escaping errors, displayed as Go's `html/template` `*Error` (`error.go`):
//! `html/template:NAME:LINE:COL: DESCRIPTION` when a node is known, else
//! `html/template:NAME:LINE: ...`, `html/template:NAME: ...` or `html/template: ...`.

use std::fmt;

/// Go's `ErrorCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `ErrAmbigContext`: an action in an ambiguous URL context.
    AmbigContext,
    /// `ErrBadHTML`: malformed HTML (quote in attribute name, ...).
    BadHtml,
    /// `ErrBranchEnd`: `{{if}}`/`{{range}}`/`{{with}}` branches end in different contexts.
    BranchEnd,
    /// `ErrEndContext`: a template ends in a non-text context.
    EndContext,
    /// `ErrNoSuchTemplate`: a called template does not exist.
    NoSuchTemplate,
    /// `ErrOutputContext`: the output context of a recursive template cannot be computed.
    OutputContext,
    /// `ErrPartialCharset`: unfinished JS regexp charset.
    PartialCharset,
    /// `ErrPartialEscape`: unfinished escape sequence.
    PartialEscape,
    /// `ErrRangeLoopReentry`: a range body ends in a different context than it starts in.
    RangeLoopReentry,
    /// `ErrSlashAmbig`: a `/` that could start a division or a regexp.
    SlashAmbig,
    /// `ErrPredefinedEscaper`: `html`/`urlquery` used where they are disallowed.
    PredefinedEscaper,
    /// `ErrJSTemplate` (Go 1.19–1.21 only; Go 1.22+ allows actions in JS template literals).
    JsTemplate,
}

/// An `html/template` escaping error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscapeError {
    /// The error kind.
    pub code: ErrorCode,
    /// `NAME:LINE:COL` of the node the error is about (Go's `ErrorContext` of `Node`).
    pub node_loc: Option<String>,
    /// Name of the template being escaped (set when the error reaches the top).
    pub name: String,
    /// Line number, used when no node is known.
    pub line: usize,
    /// The description.
    pub description: String,
}

impl EscapeError {
    /// Go's `errorf(code, node, line, ...)`.
    pub fn new(
        code: ErrorCode,
        node_loc: Option<String>,
        line: usize,
        description: impl Into<String>,
    ) -> EscapeError {
        EscapeError {
            code,
            node_loc,
            name: String::new(),
            line,
            description: description.into(),
        }
    }
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.node_loc {
            write!(f, "html/template:{loc}: {}", self.description)
        } else if self.line != 0 {
            write!(
                f,
                "html/template:{}:{}: {}",
                self.name, self.line, self.description
            )
        } else if !self.name.is_empty() {
            write!(f, "html/template:{}: {}", self.name, self.description)
        } else {
            write!(f, "html/template: {}", self.description)
        }
    }
}

impl std::error::Error for EscapeError {}

/// Go's `%q` of a byte string (`strconv.Quote`; bytes are valid UTF-8 here).
pub(crate) fn q(b: &[u8]) -> String {
    crate::gofmt::quote(&String::from_utf8_lossy(b))
}

/// Go's `%.32q`: quotes at most the first 32 characters.
pub(crate) fn q32(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    let end = s.char_indices().nth(32).map_or(s.len(), |(i, _)| i);
    crate::gofmt::quote(&s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_forms() {
        let mut e = EscapeError::new(ErrorCode::BadHtml, None, 0, "boom");
        assert_eq!(e.to_string(), "html/template: boom");
        e.name = "t".into();
        assert_eq!(e.to_string(), "html/template:t: boom");
        e.line = 3;
        assert_eq!(e.to_string(), "html/template:t:3: boom");
        e.node_loc = Some("x:1:2".into());
        assert_eq!(e.to_string(), "html/template:x:1:2: boom");
    }

    #[test]
    fn quoting_truncates_to_32_chars() {
        assert_eq!(q(b"a\"b"), "\"a\\\"b\"");
        let long = "é".repeat(40);
        assert_eq!(q32(long.as_bytes()), format!("\"{}\"", "é".repeat(32)));
    }
}

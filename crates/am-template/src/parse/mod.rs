//! Template lexer and parser producing Go's parse tree (`text/template/parse`).
//!
//! - `lex`: tokens (`lex.go`), including trim markers and comments.
//! - `parser`: the recursive-descent parser (`parse.go`) with Go's error texts.
//! - `node`: the public, mutable tree (`node.go`) that `exec` walks and `escape` rewrites.
//! - `number`, `quote`: numeric and string constants (`strconv` rules).
//!
//! Behaviour follows Go 1.23 (the Go version Alertmanager 0.28 is built with): `{{else with}}`,
//! `{{break}}`/`{{continue}}`, and a nesting limit ("max expression depth exceeded").

mod lex;
pub mod node;
mod number;
mod operand;
mod parser;
pub mod quote;
mod token;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

pub use node::{
    ActionNode, Arg, BoolNode, BranchNode, BreakNode, ChainNode, CommandNode, CommentNode,
    FieldNode, IdentifierNode, ListNode, Node, NumberNode, PipeNode, Pos, StringNode, TemplateNode,
    TextNode, VariableNode, is_empty_list,
};
pub use parser::MAX_NESTING_DEPTH;

/// One parsed template (Go's `parse.Tree`).
#[derive(Clone, Debug)]
pub struct Tree {
    /// Name of the template this tree represents.
    pub name: String,
    /// Name of the top-level template during parsing, used in error locations.
    pub parse_name: String,
    /// The top-level node list.
    pub root: ListNode,
    /// The full text that was parsed (node positions index into it).
    pub text: Arc<str>,
    /// Line start offsets of `text`, computed on first use and shared by clones and by the
    /// other trees of the same parse.
    lines: Arc<OnceLock<LineIndex>>,
}

impl Tree {
    /// A tree over `text` (node positions must index into it).
    pub fn new(name: &str, parse_name: &str, root: ListNode, text: Arc<str>) -> Tree {
        Tree::with_line_index(name, parse_name, root, text, Arc::default())
    }

    pub(crate) fn with_line_index(
        name: &str,
        parse_name: &str,
        root: ListNode,
        text: Arc<str>,
        lines: Arc<OnceLock<LineIndex>>,
    ) -> Tree {
        Tree {
            name: name.to_string(),
            parse_name: parse_name.to_string(),
            root,
            text,
            lines,
        }
    }

    /// Go's `Tree.ErrorContext`: `"PARSENAME:LINE:COL"` for a byte position (column is the
    /// 0-based byte offset within the line, as Go computes it).
    pub fn location(&self, pos: Pos) -> String {
        let pos = pos.min(self.text.len());
        let index = self.lines.get_or_init(|| LineIndex::new(&self.text));
        let (line, col) = if index.len == self.text.len() {
            // The last line start at or before `pos`.
            let i = index
                .starts
                .partition_point(|&s| s <= pos)
                .saturating_sub(1);
            (i + 1, pos - index.starts.get(i).copied().unwrap_or(0))
        } else {
            // `text` was replaced after the index was built: count directly.
            let before = &self.text.as_bytes()[..pos];
            let nl = before.iter().rposition(|&b| b == b'\n');
            let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
            (line, nl.map_or(pos, |nl| pos - (nl + 1)))
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }

    /// Whether the tree holds nothing but whitespace text and comments.
    pub fn is_empty(&self) -> bool {
        is_empty_list(&self.root)
    }
}

/// Offsets at which the lines of a text start, for error locations.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    /// Length of the indexed text (a replaced `Tree::text` is detected by its length).
    len: usize,
    /// Line start offsets, beginning with 0.
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let newlines = text.bytes().enumerate().filter(|(_, b)| *b == b'\n');
        LineIndex {
            len: text.len(),
            starts: std::iter::once(0)
                .chain(newlines.map(|(i, _)| i + 1))
                .collect(),
        }
    }
}

/// Parser mode flags (Go's `parse.Mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Keep comments as `CommentNode`s (`ParseComments`).
    pub parse_comments: bool,
    /// Do not check that functions are defined (`SkipFuncCheck`).
    pub skip_func_check: bool,
}

/// A parse error; displays as Go does: `template: NAME:LINE: MSG`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("template: {name}:{line}: {msg}")]
pub struct ParseError {
    /// The name given to the parse call.
    pub name: String,
    /// Line number Go reports.
    pub line: usize,
    /// Message without location.
    pub msg: String,
}

/// Stack size of the thread the parser runs on: enough for [`MAX_NESTING_DEPTH`] nested
/// control structures even in unoptimized builds.
const PARSE_STACK_BYTES: usize = 64 << 20;

/// Go's `parse.Parse`: parses `text` as template `name` and returns every tree it defines
/// (the top-level tree under `name` plus `{{define}}`/`{{block}}` trees). `left`/`right` are the
/// action delimiters (empty means `{{`/`}}`); `has_function` reports defined function names.
///
/// Parsing recurses once per nesting level, so it runs on a helper thread with a large stack.
pub fn parse(
    name: &str,
    text: &str,
    left: &str,
    right: &str,
    opts: ParseOptions,
    has_function: &(dyn Fn(&str) -> bool + Sync),
) -> Result<HashMap<String, Tree>, ParseError> {
    crate::exec::stack::with_stack(PARSE_STACK_BYTES, || {
        parser::parse_text(name, text, left, right, opts, has_function)
    })
}

#[cfg(test)]
mod tests;

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
use std::sync::Arc;

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
}

impl Tree {
    /// Go's `Tree.ErrorContext`: `"PARSENAME:LINE:COL"` for a byte position (column is the
    /// 0-based byte offset within the line, as Go computes it).
    pub fn location(&self, pos: Pos) -> String {
        let pos = pos.min(self.text.len());
        let before = &self.text.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        format!("{}:{}:{}", self.parse_name, line, col)
    }

    /// Whether the tree holds nothing but whitespace text and comments.
    pub fn is_empty(&self) -> bool {
        is_empty_list(&self.root)
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

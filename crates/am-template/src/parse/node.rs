//! Parse tree nodes, mirroring Go's `text/template/parse/node.go`.
//!
//! Nodes are plain owned data with public fields so that the `html/template` escaper can rewrite
//! pipelines, copy trees and rename template invocations. `Display` reproduces Go's
//! `Node.String()`, which execution errors print as context (`at <.Foo>`).

use std::fmt::{self, Display, Write as _};

use super::quote::go_quote;

/// Byte offset of a node in the text it was parsed from.
pub type Pos = usize;

/// A node of a list: text, actions and control structures.
#[derive(Clone, Debug)]
pub enum Node {
    /// Plain text.
    Text(TextNode),
    /// A non-control action such as `{{.Field}}`.
    Action(ActionNode),
    /// A comment (only kept when parsing with comments).
    Comment(CommentNode),
    /// `{{if}}`
    If(Box<BranchNode>),
    /// `{{range}}`
    Range(Box<BranchNode>),
    /// `{{with}}`
    With(Box<BranchNode>),
    /// `{{template "name" pipeline}}` (also produced by `{{block}}`).
    Template(TemplateNode),
    /// `{{break}}`
    Break(BreakNode),
    /// `{{continue}}`
    Continue(BreakNode),
}

impl Node {
    /// Byte position of the node.
    pub fn pos(&self) -> Pos {
        match self {
            Node::Text(n) => n.pos,
            Node::Action(n) => n.pos,
            Node::Comment(n) => n.pos,
            Node::If(n) | Node::Range(n) | Node::With(n) => n.pos,
            Node::Template(n) => n.pos,
            Node::Break(n) | Node::Continue(n) => n.pos,
        }
    }
}

/// A sequence of nodes.
#[derive(Clone, Debug, Default)]
pub struct ListNode {
    /// Position of the list start.
    pub pos: Pos,
    /// The nodes in lexical order.
    pub nodes: Vec<Node>,
}

/// Plain text.
#[derive(Clone, Debug)]
pub struct TextNode {
    /// Position.
    pub pos: Pos,
    /// The text; may span newlines.
    pub text: String,
}

/// A comment, including its `/*` and `*/` markers.
#[derive(Clone, Debug)]
pub struct CommentNode {
    /// Position.
    pub pos: Pos,
    /// Comment text.
    pub text: String,
}

/// A non-control action.
#[derive(Clone, Debug)]
pub struct ActionNode {
    /// Position (of the first token after the left delimiter).
    pub pos: Pos,
    /// Line number in the input.
    pub line: usize,
    /// The pipeline of the action.
    pub pipe: PipeNode,
}

/// A pipeline with optional declarations.
#[derive(Clone, Debug, Default)]
pub struct PipeNode {
    /// Position.
    pub pos: Pos,
    /// Line number in the input.
    pub line: usize,
    /// The variables are being assigned (`=`), not declared (`:=`).
    pub is_assign: bool,
    /// Declared or assigned variables in lexical order.
    pub decl: Vec<VariableNode>,
    /// The commands in lexical order.
    pub cmds: Vec<CommandNode>,
}

/// One command of a pipeline: an operand list.
#[derive(Clone, Debug, Default)]
pub struct CommandNode {
    /// Position.
    pub pos: Pos,
    /// Arguments in lexical order: identifier, field, or constant.
    pub args: Vec<Arg>,
}

/// An operand of a command.
#[derive(Clone, Debug)]
pub enum Arg {
    /// A function name.
    Identifier(IdentifierNode),
    /// `.A.B`
    Field(FieldNode),
    /// `$x.A`
    Variable(VariableNode),
    /// `(pipeline).A.B`
    Chain(ChainNode),
    /// `.`
    Dot(Pos),
    /// `nil`
    Nil(Pos),
    /// `true` / `false`
    Bool(BoolNode),
    /// A numeric or character constant.
    Number(NumberNode),
    /// A string constant.
    String(StringNode),
    /// A parenthesized pipeline.
    Pipe(Box<PipeNode>),
}

impl Arg {
    /// Byte position of the operand.
    pub fn pos(&self) -> Pos {
        match self {
            Arg::Identifier(n) => n.pos,
            Arg::Field(n) => n.pos,
            Arg::Variable(n) => n.pos,
            Arg::Chain(n) => n.pos,
            Arg::Dot(p) | Arg::Nil(p) => *p,
            Arg::Bool(n) => n.pos,
            Arg::Number(n) => n.pos,
            Arg::String(n) => n.pos,
            Arg::Pipe(n) => n.pos,
        }
    }
}

/// A function name.
#[derive(Clone, Debug)]
pub struct IdentifierNode {
    /// Position.
    pub pos: Pos,
    /// The identifier.
    pub ident: String,
}

/// A variable with optional field chain (`$x.A.B` is `["$x", "A", "B"]`).
#[derive(Clone, Debug)]
pub struct VariableNode {
    /// Position.
    pub pos: Pos,
    /// Variable name and fields in lexical order.
    pub ident: Vec<String>,
}

/// A field chain on dot (`.A.B` is `["A", "B"]`).
#[derive(Clone, Debug)]
pub struct FieldNode {
    /// Position.
    pub pos: Pos,
    /// The identifiers in lexical order (without dots).
    pub ident: Vec<String>,
}

/// Field accesses on a term (`(pipe).A.B`).
#[derive(Clone, Debug)]
pub struct ChainNode {
    /// Position (of the first field).
    pub pos: Pos,
    /// The term.
    pub node: Box<Arg>,
    /// The fields, without dots.
    pub field: Vec<String>,
}

/// A boolean constant.
#[derive(Clone, Debug)]
pub struct BoolNode {
    /// Position.
    pub pos: Pos,
    /// The value.
    pub value: bool,
}

/// A numeric constant with every interpretation Go's parser derives from it.
#[derive(Clone, Debug, Default)]
pub struct NumberNode {
    /// Position.
    pub pos: Pos,
    /// Has an integral value.
    pub is_int: bool,
    /// Has an unsigned integral value.
    pub is_uint: bool,
    /// Has a floating-point value.
    pub is_float: bool,
    /// Is complex.
    pub is_complex: bool,
    /// Signed value.
    pub int64: i64,
    /// Unsigned value.
    pub uint64: u64,
    /// Float value.
    pub float64: f64,
    /// Complex value (real, imaginary).
    pub complex128: (f64, f64),
    /// Original text.
    pub text: String,
}

/// A string constant.
#[derive(Clone, Debug)]
pub struct StringNode {
    /// Position.
    pub pos: Pos,
    /// Original text with quotes.
    pub quoted: String,
    /// The string after unquoting.
    pub text: String,
}

/// `if`, `range` and `with`.
#[derive(Clone, Debug)]
pub struct BranchNode {
    /// Position (of the pipeline).
    pub pos: Pos,
    /// Line number.
    pub line: usize,
    /// The pipeline to evaluate.
    pub pipe: PipeNode,
    /// What to execute if the value is non-empty.
    pub list: ListNode,
    /// What to execute otherwise.
    pub else_list: Option<ListNode>,
}

/// A template invocation.
#[derive(Clone, Debug)]
pub struct TemplateNode {
    /// Position (of the name).
    pub pos: Pos,
    /// Line number.
    pub line: usize,
    /// Name of the invoked template (unquoted).
    pub name: String,
    /// Pipeline evaluated as dot for the template.
    pub pipe: Option<PipeNode>,
}

/// `{{break}}` / `{{continue}}`.
#[derive(Clone, Debug)]
pub struct BreakNode {
    /// Position.
    pub pos: Pos,
    /// Line number.
    pub line: usize,
}

impl Display for ListNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for n in &self.nodes {
            Display::fmt(n, f)?;
        }
        Ok(())
    }
}

impl Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text(n) => f.write_str(&n.text),
            Node::Action(n) => write!(f, "{{{{{}}}}}", n.pipe),
            Node::Comment(n) => write!(f, "{{{{{}}}}}", n.text),
            Node::If(b) => fmt_branch(f, "if", b),
            Node::Range(b) => fmt_branch(f, "range", b),
            Node::With(b) => fmt_branch(f, "with", b),
            Node::Template(t) => Display::fmt(t, f),
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

fn fmt_branch(f: &mut fmt::Formatter<'_>, name: &str, b: &BranchNode) -> fmt::Result {
    write!(f, "{{{{{name} {}}}}}{}", b.pipe, b.list)?;
    if let Some(e) = &b.else_list {
        write!(f, "{{{{else}}}}{e}")?;
    }
    f.write_str("{{end}}")
}

impl Display for TemplateNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{template {}", go_quote(&self.name))?;
        if let Some(p) = &self.pipe {
            write!(f, " {p}")?;
        }
        f.write_str("}}")
    }
}

impl Display for PipeNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                Display::fmt(v, f)?;
            }
            f.write_str(" := ")?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            Display::fmt(c, f)?;
        }
        Ok(())
    }
}

impl Display for CommandNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(p) = a {
                write!(f, "({p})")?;
            } else {
                Display::fmt(a, f)?;
            }
        }
        Ok(())
    }
}

impl Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Identifier(n) => f.write_str(&n.ident),
            Arg::Field(n) => Display::fmt(n, f),
            Arg::Variable(n) => Display::fmt(n, f),
            Arg::Chain(n) => {
                if let Arg::Pipe(p) = n.node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    Display::fmt(&n.node, f)?;
                }
                for field in &n.field {
                    write!(f, ".{field}")?;
                }
                Ok(())
            }
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(b) => f.write_str(if b.value { "true" } else { "false" }),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String(s) => f.write_str(&s.quoted),
            Arg::Pipe(p) => Display::fmt(p, f),
        }
    }
}

impl Display for VariableNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ident.join("."))
    }
}

impl Display for FieldNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for id in &self.ident {
            write!(f, ".{id}")?;
        }
        Ok(())
    }
}

/// Go's `parse.IsEmptyTree`: whether the list holds nothing but whitespace text and comments.
pub fn is_empty_list(list: &ListNode) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.text.trim_matches(is_go_space).is_empty(),
        Node::Comment(_) => true,
        _ => false,
    })
}

/// `unicode.IsSpace` as `bytes.TrimSpace` uses it.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

//! Recursive-descent parser mirroring Go's `text/template/parse/parse.go` (Go 1.23: `else with`,
//! `break`/`continue`, a limit on nesting depth), including its exact error texts and the line
//! numbers Go reports (the line of the most recently lexed token).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::lex::{Item, ItemType, LexOptions, lex};
use super::node::{
    BranchNode, BreakNode, ListNode, Node, Pos, TemplateNode, TextNode, VariableNode, is_empty_list,
};
use super::quote::{go_quote, unquote};
use super::{LineIndex, ParseError, ParseOptions, Tree};

/// Maximum nesting of parenthesized pipelines and control structures. Go limits parentheses to
/// 10000; control nesting is unlimited in Go but bounded here to keep the parser's recursion
/// within the stack.
pub const MAX_NESTING_DEPTH: usize = 1000;

/// Shared lexer output, consumed by the tree parsers of one `parse` call.
struct Tokens {
    items: Vec<Item>,
    next: usize,
}

impl Tokens {
    fn next_item(&mut self) -> Item {
        if let Some(it) = self.items.get(self.next) {
            self.next += 1;
            return it.clone();
        }
        let (pos, line) = self.items.last().map(|i| (i.pos, i.line)).unwrap_or((0, 1));
        Item {
            typ: ItemType::Eof,
            pos,
            val: String::new(),
            line,
        }
    }
}

/// State shared by all trees produced by one parse call.
pub(super) struct Shared<'f> {
    tokens: Tokens,
    tree_set: HashMap<String, Tree>,
    pub(super) has_function: &'f dyn Fn(&str) -> bool,
    pub(super) opts: ParseOptions,
    parse_name: String,
    text: Arc<str>,
    lines: Arc<OnceLock<LineIndex>>,
}

/// Per-tree parser state (Go's `Tree` parsing fields).
pub(super) struct TreeParser {
    name: String,
    token: [Item; 3],
    peek_count: usize,
    pub(super) vars: Vec<String>,
    action_line: usize,
    range_depth: usize,
    pub(super) depth: usize,
}

pub(super) type PResult<T> = Result<T, ParseError>;

fn eof_item() -> Item {
    Item {
        typ: ItemType::Eof,
        pos: 0,
        val: String::new(),
        line: 1,
    }
}

/// Parses `text` as template `name`; returns all trees it defines (including `name` itself).
pub(crate) fn parse_text(
    name: &str,
    text: &str,
    left: &str,
    right: &str,
    opts: ParseOptions,
    has_function: &dyn Fn(&str) -> bool,
) -> PResult<HashMap<String, Tree>> {
    let lex_opts = LexOptions {
        emit_comment: opts.parse_comments,
        break_ok: !has_function("break"),
        continue_ok: !has_function("continue"),
    };
    let items = lex(text, left, right, lex_opts);
    let mut sh = Shared {
        tokens: Tokens { items, next: 0 },
        tree_set: HashMap::new(),
        has_function,
        opts,
        parse_name: name.to_string(),
        text: Arc::from(text),
        lines: Arc::default(),
    };
    let mut t = TreeParser::new(name);
    let root = t.parse(&mut sh)?;
    t.add(&mut sh, root)?;
    Ok(sh.tree_set)
}

impl TreeParser {
    fn new(name: &str) -> TreeParser {
        TreeParser {
            name: name.to_string(),
            token: [eof_item(), eof_item(), eof_item()],
            peek_count: 0,
            vars: vec!["$".to_string()],
            action_line: 0,
            range_depth: 0,
            depth: 0,
        }
    }

    pub(super) fn next(&mut self, sh: &mut Shared<'_>) -> Item {
        if self.peek_count > 0 {
            self.peek_count -= 1;
        } else {
            self.token[0] = sh.tokens.next_item();
        }
        self.token[self.peek_count].clone()
    }

    pub(super) fn backup(&mut self) {
        self.peek_count += 1;
    }

    pub(super) fn backup2(&mut self, t1: Item) {
        self.token[1] = t1;
        self.peek_count = 2;
    }

    pub(super) fn backup3(&mut self, t2: Item, t1: Item) {
        self.token[1] = t1;
        self.token[2] = t2;
        self.peek_count = 3;
    }

    pub(super) fn peek(&mut self, sh: &mut Shared<'_>) -> Item {
        if self.peek_count > 0 {
            return self.token[self.peek_count - 1].clone();
        }
        self.peek_count = 1;
        self.token[0] = sh.tokens.next_item();
        self.token[0].clone()
    }

    pub(super) fn next_non_space(&mut self, sh: &mut Shared<'_>) -> Item {
        loop {
            let t = self.next(sh);
            if t.typ != ItemType::Space {
                return t;
            }
        }
    }

    pub(super) fn peek_non_space(&mut self, sh: &mut Shared<'_>) -> Item {
        let t = self.next_non_space(sh);
        self.backup();
        t
    }

    pub(super) fn errorf<T>(&self, sh: &Shared<'_>, msg: impl Into<String>) -> PResult<T> {
        Err(ParseError {
            name: sh.parse_name.clone(),
            line: self.token[0].line,
            msg: msg.into(),
        })
    }

    fn expect(&mut self, sh: &mut Shared<'_>, expected: ItemType, context: &str) -> PResult<Item> {
        let t = self.next_non_space(sh);
        if t.typ != expected {
            return self.unexpected(sh, &t, context);
        }
        Ok(t)
    }

    fn expect_one_of(
        &mut self,
        sh: &mut Shared<'_>,
        e1: ItemType,
        e2: ItemType,
        context: &str,
    ) -> PResult<Item> {
        let t = self.next_non_space(sh);
        if t.typ != e1 && t.typ != e2 {
            return self.unexpected(sh, &t, context);
        }
        Ok(t)
    }

    pub(super) fn unexpected<T>(&self, sh: &Shared<'_>, token: &Item, context: &str) -> PResult<T> {
        if token.typ == ItemType::Error {
            let mut extra = String::new();
            if self.action_line != 0 && self.action_line != token.line {
                extra = format!(
                    " in action started at {}:{}",
                    sh.parse_name, self.action_line
                );
                if token.val.ends_with(" action") {
                    extra = extra[" in action".len()..].to_string();
                }
            }
            return self.errorf(sh, format!("{token}{extra}"));
        }
        self.errorf(sh, format!("unexpected {token} in {context}"))
    }

    /// Go's `Tree.add`: installs the tree unless a non-empty one of that name already exists.
    fn add(&self, sh: &mut Shared<'_>, root: ListNode) -> PResult<()> {
        if let Some(existing) = sh.tree_set.get(&self.name)
            && !is_empty_list(&existing.root)
        {
            if !is_empty_list(&root) {
                return self.errorf(
                    sh,
                    format!(
                        "template: multiple definition of template {}",
                        go_quote(&self.name)
                    ),
                );
            }
            return Ok(());
        }
        let tree = Tree::with_line_index(
            &self.name,
            &sh.parse_name,
            root,
            sh.text.clone(),
            sh.lines.clone(),
        );
        sh.tree_set.insert(self.name.clone(), tree);
        Ok(())
    }

    pub(super) fn enter(&mut self, sh: &Shared<'_>) -> PResult<()> {
        if self.depth >= MAX_NESTING_DEPTH {
            return self.errorf(sh, "max expression depth exceeded");
        }
        self.depth += 1;
        Ok(())
    }

    /// Top level: like `item_list` but also handles `{{define}}`; runs to EOF.
    fn parse(&mut self, sh: &mut Shared<'_>) -> PResult<ListNode> {
        let mut root = ListNode {
            pos: self.peek(sh).pos,
            nodes: Vec::new(),
        };
        while self.peek(sh).typ != ItemType::Eof {
            if self.peek(sh).typ == ItemType::LeftDelim {
                let delim = self.next(sh);
                if self.next_non_space(sh).typ == ItemType::Define {
                    let mut nt = TreeParser::new("definition");
                    nt.parse_definition(sh)?;
                    continue;
                }
                self.backup2(delim);
            }
            let n = self.text_or_action(sh)?;
            match n {
                Parsed::End => return self.errorf(sh, "unexpected {{end}}"),
                Parsed::Else(_) => return self.errorf(sh, "unexpected {{else}}"),
                Parsed::Node(n) => root.nodes.push(n),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self, sh: &mut Shared<'_>) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let name = self.expect_one_of(sh, ItemType::String, ItemType::RawString, CONTEXT)?;
        match unquote(&name.val) {
            Ok(n) => self.name = n,
            Err(e) => return self.errorf(sh, e.to_string()),
        }
        self.expect(sh, ItemType::RightDelim, CONTEXT)?;
        let (root, end) = self.item_list(sh)?;
        if let Parsed::Else(_) = end {
            return self.errorf(sh, format!("unexpected {{{{else}}}} in {CONTEXT}"));
        }
        self.add(sh, root)
    }

    /// `textOrAction*`, terminated by `{{end}}` or `{{else}}` (returned separately).
    fn item_list(&mut self, sh: &mut Shared<'_>) -> PResult<(ListNode, Parsed)> {
        let mut list = ListNode {
            pos: self.peek_non_space(sh).pos,
            nodes: Vec::new(),
        };
        while self.peek_non_space(sh).typ != ItemType::Eof {
            match self.text_or_action(sh)? {
                Parsed::Node(n) => list.nodes.push(n),
                other => return Ok((list, other)),
            }
        }
        self.errorf(sh, "unexpected EOF")
    }

    fn text_or_action(&mut self, sh: &mut Shared<'_>) -> PResult<Parsed> {
        let token = self.next_non_space(sh);
        match token.typ {
            ItemType::Text => Ok(Parsed::Node(Node::Text(TextNode {
                pos: token.pos,
                text: token.val,
            }))),
            ItemType::LeftDelim => {
                self.action_line = token.line;
                let r = self.action(sh);
                self.action_line = 0;
                r
            }
            ItemType::Comment => Ok(Parsed::Node(Node::Comment(super::node::CommentNode {
                pos: token.pos,
                text: token.val,
            }))),
            _ => self.unexpected(sh, &token, "input"),
        }
    }

    fn action(&mut self, sh: &mut Shared<'_>) -> PResult<Parsed> {
        let token = self.next_non_space(sh);
        match token.typ {
            ItemType::Block => return self.block_control(sh).map(Parsed::Node),
            ItemType::Break | ItemType::Continue => {
                let what = if token.typ == ItemType::Break {
                    "break"
                } else {
                    "continue"
                };
                let t = self.next_non_space(sh);
                if t.typ != ItemType::RightDelim {
                    return self.unexpected(sh, &t, &format!("{{{{{what}}}}}"));
                }
                if self.range_depth == 0 {
                    return self.errorf(sh, format!("{{{{{what}}}}} outside {{{{range}}}}"));
                }
                let b = BreakNode {
                    pos: token.pos,
                    line: token.line,
                };
                return Ok(Parsed::Node(if token.typ == ItemType::Break {
                    Node::Break(b)
                } else {
                    Node::Continue(b)
                }));
            }
            ItemType::Else => return self.else_control(sh),
            ItemType::End => {
                self.expect(sh, ItemType::RightDelim, "end")?;
                return Ok(Parsed::End);
            }
            ItemType::If => return self.if_control(sh).map(Parsed::Node),
            ItemType::Range => {
                let b = self.parse_control(sh, "range")?;
                return Ok(Parsed::Node(Node::Range(Box::new(b))));
            }
            ItemType::Template => return self.template_control(sh).map(Parsed::Node),
            ItemType::With => return self.with_control(sh).map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let token = self.peek(sh);
        let pipe = self.pipeline(sh, "command", ItemType::RightDelim)?;
        Ok(Parsed::Node(Node::Action(super::node::ActionNode {
            pos: token.pos,
            line: token.line,
            pipe,
        })))
    }

    fn if_control(&mut self, sh: &mut Shared<'_>) -> PResult<Node> {
        Ok(Node::If(Box::new(self.parse_control(sh, "if")?)))
    }

    fn with_control(&mut self, sh: &mut Shared<'_>) -> PResult<Node> {
        Ok(Node::With(Box::new(self.parse_control(sh, "with")?)))
    }

    fn else_control(&mut self, sh: &mut Shared<'_>) -> PResult<Parsed> {
        let peek = self.peek_non_space(sh);
        if peek.typ == ItemType::If || peek.typ == ItemType::With {
            return Ok(Parsed::Else(peek.pos));
        }
        let t = self.expect(sh, ItemType::RightDelim, "else")?;
        Ok(Parsed::Else(t.pos))
    }

    fn parse_control(&mut self, sh: &mut Shared<'_>, context: &str) -> PResult<BranchNode> {
        self.enter(sh)?;
        let mark = self.vars.len();
        let r = self.parse_control_inner(sh, context);
        self.vars.truncate(mark);
        self.depth -= 1;
        r
    }

    fn parse_control_inner(&mut self, sh: &mut Shared<'_>, context: &str) -> PResult<BranchNode> {
        let pipe = self.pipeline(sh, context, ItemType::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list(sh);
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        if let Parsed::Else(else_pos) = next {
            if context == "if" && self.peek(sh).typ == ItemType::If {
                self.next(sh);
                let inner = self.if_control(sh)?;
                else_list = Some(ListNode {
                    pos: else_pos,
                    nodes: vec![inner],
                });
            } else if context == "with" && self.peek(sh).typ == ItemType::With {
                self.next(sh);
                let inner = self.with_control(sh)?;
                else_list = Some(ListNode {
                    pos: else_pos,
                    nodes: vec![inner],
                });
            } else {
                let (l, next) = self.item_list(sh)?;
                if let Parsed::Else(_) = next {
                    return self.errorf(sh, "expected end; found {{else}}");
                }
                else_list = Some(l);
            }
        }
        Ok(BranchNode {
            pos: pipe.pos,
            line: pipe.line,
            pipe,
            list,
            else_list,
        })
    }

    fn block_control(&mut self, sh: &mut Shared<'_>) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let token = self.next_non_space(sh);
        let name = self.parse_template_name(sh, &token, CONTEXT)?;
        let pipe = self.pipeline(sh, CONTEXT, ItemType::RightDelim)?;
        let mut block = TreeParser::new(&name);
        block.depth = self.depth;
        let (root, end) = block.item_list(sh)?;
        if let Parsed::Else(_) = end {
            return self.errorf(sh, format!("unexpected {{{{else}}}} in {CONTEXT}"));
        }
        block.add(sh, root)?;
        Ok(Node::Template(TemplateNode {
            pos: token.pos,
            line: token.line,
            name,
            pipe: Some(pipe),
        }))
    }

    fn template_control(&mut self, sh: &mut Shared<'_>) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let token = self.next_non_space(sh);
        let name = self.parse_template_name(sh, &token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space(sh).typ != ItemType::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(sh, CONTEXT, ItemType::RightDelim)?);
        }
        Ok(Node::Template(TemplateNode {
            pos: token.pos,
            line: token.line,
            name,
            pipe,
        }))
    }

    fn parse_template_name(
        &mut self,
        sh: &mut Shared<'_>,
        token: &Item,
        context: &str,
    ) -> PResult<String> {
        match token.typ {
            ItemType::String | ItemType::RawString => match unquote(&token.val) {
                Ok(s) => Ok(s),
                Err(e) => self.errorf(sh, e.to_string()),
            },
            _ => self.unexpected(sh, token, context),
        }
    }
}

pub(super) fn new_variable(pos: Pos, ident: &str) -> VariableNode {
    VariableNode {
        pos,
        ident: ident.split('.').map(str::to_string).collect(),
    }
}

/// Result of `textOrAction`: a node, or an `{{end}}`/`{{else}}` marker with its position.
enum Parsed {
    Node(Node),
    End,
    Else(Pos),
}

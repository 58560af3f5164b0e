//! Execution state and tree walking, mirroring Go's `text/template/exec.go` (`state`, `walk*`,
//! `printValue`, error formatting) plus this crate's execution limits.

use crate::parse::quote::go_quote;
use crate::parse::{Arg, BranchNode, CommandNode, ListNode, Node, PipeNode, TemplateNode, Tree};
use crate::value::Value;

use super::{Limits, TemplateError, TemplateSet};

/// Stack size of the execution thread: [`MAX_NESTING`] levels fit in 64 MiB in unoptimized
/// builds (measured with the deepest constructs), much less when optimized.
pub(crate) const EXEC_STACK_BYTES: usize = 128 << 20;

/// Maximum recursion of the walker (nested control structures, pipelines and template calls
/// together); bounds stack use independently of `Limits::max_depth`.
pub(crate) const MAX_NESTING: usize = 10_000;

/// The node Go's `state.at` last recorded, used as error context.
#[derive(Clone, Copy)]
pub(crate) enum Ctx<'a> {
    Node(&'a Node),
    Arg(&'a Arg),
    Pipe(&'a PipeNode),
    Cmd(&'a CommandNode),
}

impl Ctx<'_> {
    fn pos(&self) -> usize {
        match self {
            Ctx::Node(n) => n.pos(),
            Ctx::Arg(a) => a.pos(),
            Ctx::Pipe(p) => p.pos,
            Ctx::Cmd(c) => c.pos,
        }
    }

    fn text(&self) -> String {
        match self {
            Ctx::Node(n) => n.to_string(),
            Ctx::Arg(a) => a.to_string(),
            Ctx::Pipe(p) => p.to_string(),
            Ctx::Cmd(c) => c.to_string(),
        }
    }
}

/// Non-local exits: `{{break}}`, `{{continue}}` and errors.
pub(crate) enum Flow {
    Break,
    Continue,
    Error(Box<TemplateError>),
}

pub(crate) type R<T> = Result<T, Flow>;

/// A variable; `iface` records that its static Go type is `interface {}`.
pub(crate) struct Var<'a> {
    pub name: &'a str,
    pub value: Value,
    pub iface: bool,
}

impl<'a> Var<'a> {
    pub(crate) fn new(name: &'a str, value: Value) -> Var<'a> {
        Var {
            name,
            value,
            iface: false,
        }
    }
}

/// Whether elements of this slice or map value have static type `interface {}`.
pub(crate) fn elems_are_iface(container: &Value) -> bool {
    match (container.as_slice(), container.as_map()) {
        (Some(s), _) => s.type_name.ends_with("]interface {}"),
        (_, Some(m)) => m.type_name.ends_with("]interface {}"),
        _ => false,
    }
}

pub(crate) struct State<'a> {
    pub set: &'a TemplateSet,
    pub tree: &'a Tree,
    pub name: &'a str,
    pub node: Option<Ctx<'a>>,
    pub vars: Vec<Var<'a>>,
    /// Whether dot has static type `interface {}` (a range element of an `interface {}`
    /// container), which changes some of Go's error texts.
    pub dot_iface: bool,
    pub depth: usize,
    pub nest: usize,
    pub steps: u64,
    pub out: String,
    pub limits: &'a Limits,
}

/// Runs `tree` (named `name`) with `data`.
pub(crate) fn execute(
    set: &TemplateSet,
    name: &str,
    tree: &Tree,
    data: &Value,
    limits: &Limits,
) -> Result<String, TemplateError> {
    let mut s = State {
        set,
        tree,
        name,
        node: None,
        vars: vec![Var::new("$", data.clone())],
        dot_iface: false,
        depth: 0,
        nest: 0,
        steps: 0,
        out: String::new(),
        limits,
    };
    match s.walk_list(data, &tree.root) {
        Ok(()) => Ok(s.out),
        Err(Flow::Error(e)) => Err(*e),
        // The parser rejects break/continue outside range.
        Err(Flow::Break | Flow::Continue) => Ok(s.out),
    }
}

impl<'a> State<'a> {
    pub(crate) fn at(&mut self, ctx: Ctx<'a>) {
        self.node = Some(ctx);
    }

    fn format_error(&self, msg: &str) -> String {
        match self.node {
            None => format!("template: {}: {}", self.name, msg),
            Some(ctx) => format!(
                "template: {}: executing {} at <{}>: {}",
                self.tree.location(ctx.pos()),
                go_quote(self.name),
                ctx.text(),
                msg
            ),
        }
    }

    /// Go's `state.errorf`: an execution error with location and node context.
    pub(crate) fn errorf(&self, msg: impl AsRef<str>) -> Flow {
        Flow::Error(Box::new(TemplateError::Exec {
            name: self.name.to_string(),
            message: self.format_error(msg.as_ref()),
        }))
    }

    pub(crate) fn limit_error(&self, msg: impl AsRef<str>) -> Flow {
        Flow::Error(Box::new(TemplateError::Limit {
            name: self.name.to_string(),
            message: self.format_error(msg.as_ref()),
        }))
    }

    pub(crate) fn step(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            return Err(self.limit_error(format!(
                "execution stopped after {} steps (limit exceeded)",
                self.limits.max_steps
            )));
        }
        Ok(())
    }

    pub(crate) fn enter(&mut self) -> R<()> {
        if self.nest >= MAX_NESTING {
            return Err(self.limit_error(format!("exceeded maximum nesting depth ({MAX_NESTING})")));
        }
        self.nest += 1;
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.nest = self.nest.saturating_sub(1);
    }

    /// Output budget left before `max_output_bytes`.
    pub(crate) fn output_budget(&self) -> usize {
        self.limits.max_output_bytes.saturating_sub(self.out.len())
    }

    pub(crate) fn write(&mut self, s: &str) -> R<()> {
        if s.len() > self.output_budget() {
            return Err(self.limit_error(format!(
                "output exceeds the limit of {} bytes",
                self.limits.max_output_bytes
            )));
        }
        self.out.push_str(s);
        Ok(())
    }

    /// The value of variable `name` and whether its static type is `interface {}`.
    pub(crate) fn var_value(&self, name: &str) -> R<(Value, bool)> {
        match self.vars.iter().rev().find(|v| v.name == name) {
            Some(v) => Ok((v.value.clone(), v.iface)),
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    pub(crate) fn set_var(&mut self, name: &str, value: Value, iface: bool) -> R<()> {
        match self.vars.iter_mut().rev().find(|v| v.name == name) {
            Some(slot) => {
                slot.value = value;
                slot.iface = iface;
                Ok(())
            }
            None => Err(self.errorf(format!("undefined variable: {name}"))),
        }
    }

    fn set_top_var(&mut self, n: usize, value: Value, iface: bool) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.value = value;
            slot.iface = iface;
        }
    }

    pub(crate) fn walk_list(&mut self, dot: &Value, list: &'a ListNode) -> R<()> {
        for n in &list.nodes {
            self.walk(dot, n)?;
        }
        Ok(())
    }

    fn walk(&mut self, dot: &Value, node: &'a Node) -> R<()> {
        self.step()?;
        self.at(Ctx::Node(node));
        match node {
            Node::Action(a) => {
                let val = self.eval_pipeline(dot, &a.pipe)?;
                if a.pipe.decl.is_empty() {
                    self.at(Ctx::Node(node));
                    let text = crate::gofmt::print_value(&val);
                    self.write(&text)?;
                }
                Ok(())
            }
            Node::Break(_) => Err(Flow::Break),
            Node::Continue(_) => Err(Flow::Continue),
            Node::Comment(_) => Ok(()),
            Node::If(b) => self.walk_if_or_with(false, dot, b),
            Node::With(b) => self.walk_if_or_with(true, dot, b),
            Node::Range(b) => self.walk_range(dot, node, b),
            Node::Template(t) => self.walk_template(dot, node, t),
            Node::Text(t) => self.write(&t.text),
        }
    }

    fn walk_if_or_with(&mut self, with: bool, dot: &Value, b: &'a BranchNode) -> R<()> {
        self.enter()?;
        let mark = self.vars.len();
        let r = self.if_or_with_body(with, dot, b);
        self.vars.truncate(mark);
        self.leave();
        r
    }

    fn if_or_with_body(&mut self, with: bool, dot: &Value, b: &'a BranchNode) -> R<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        if val.is_truthy() {
            if with {
                let saved = std::mem::replace(&mut self.dot_iface, false);
                let r = self.walk_list(&val, &b.list);
                self.dot_iface = saved;
                r
            } else {
                self.walk_list(dot, &b.list)
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e)
        } else {
            Ok(())
        }
    }

    fn walk_range(&mut self, dot: &Value, node: &'a Node, b: &'a BranchNode) -> R<()> {
        self.at(Ctx::Node(node));
        self.enter()?;
        let mark = self.vars.len();
        let r = self.range_body(dot, b);
        self.vars.truncate(mark);
        self.leave();
        match r {
            Err(Flow::Break) => Ok(()),
            other => other,
        }
    }

    fn range_body(&mut self, dot: &Value, b: &'a BranchNode) -> R<()> {
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let mark = self.vars.len();
        let iface = elems_are_iface(&val);
        let ran = match &val {
            Value::Int(_) | Value::Uint(_) | Value::Duration(_) => {
                if b.pipe.decl.len() > 1 {
                    let shown = crate::gofmt::sprint(std::slice::from_ref(&val));
                    return Err(self.errorf(format!(
                        "can't use {shown} to iterate over more than one variable"
                    )));
                }
                let count: u64 = match val {
                    Value::Int(n) | Value::Duration(n) => u64::try_from(n).unwrap_or(0),
                    Value::Uint(n) => n,
                    _ => 0,
                };
                for i in 0..count {
                    let elem = match val {
                        Value::Duration(_) => Value::Duration(i as i64),
                        Value::Uint(_) => Value::Uint(i),
                        _ => Value::Int(i as i64),
                    };
                    if self.one_iteration(b, mark, Value::Nil, elem, false)? {
                        break;
                    }
                }
                count > 0
            }
            Value::Nil => false,
            _ => {
                if let Some(sl) = val.as_slice() {
                    for (i, item) in sl.items.iter().enumerate() {
                        if self.one_iteration(b, mark, Value::from(i), item.clone(), iface)? {
                            break;
                        }
                    }
                    !sl.items.is_empty()
                } else if let Some(m) = val.as_map() {
                    for (k, v) in &m.entries {
                        if self.one_iteration(b, mark, Value::str(k), v.clone(), iface)? {
                            break;
                        }
                    }
                    !m.entries.is_empty()
                } else {
                    let shown = crate::gofmt::sprint(std::slice::from_ref(&val));
                    return Err(self.errorf(format!("range can't iterate over {shown}")));
                }
            }
        };
        if !ran && let Some(e) = &b.else_list {
            return self.walk_list(dot, e);
        }
        Ok(())
    }

    /// One loop iteration; returns whether `{{break}}` ended the loop.
    fn one_iteration(
        &mut self,
        b: &'a BranchNode,
        mark: usize,
        index: Value,
        elem: Value,
        iface: bool,
    ) -> R<bool> {
        self.step()?;
        let decl = &b.pipe.decl;
        if let Some(first) = decl.first() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&first.ident[0], index.clone(), false)?;
                } else {
                    self.set_var(&first.ident[0], elem.clone(), iface)?;
                }
            } else {
                self.set_top_var(1, elem.clone(), iface);
            }
        }
        if let Some(second) = decl.get(1) {
            if b.pipe.is_assign {
                self.set_var(&second.ident[0], elem.clone(), iface)?;
            } else {
                self.set_top_var(2, index, false);
            }
        }
        let saved = std::mem::replace(&mut self.dot_iface, iface);
        let r = self.walk_list(&elem, &b.list);
        self.dot_iface = saved;
        self.vars.truncate(mark);
        match r {
            Ok(()) | Err(Flow::Continue) => Ok(false),
            Err(Flow::Break) => Ok(true),
            Err(e) => Err(e),
        }
    }

    fn walk_template(&mut self, dot: &Value, node: &'a Node, t: &'a TemplateNode) -> R<()> {
        self.at(Ctx::Node(node));
        let set = self.set;
        let Some((name, tree)) = set.lookup(&t.name) else {
            return Err(self.errorf(format!("template {} not defined", go_quote(&t.name))));
        };
        if self.depth >= self.limits.max_depth {
            return Err(self.limit_error(format!(
                "exceeded maximum template depth ({})",
                self.limits.max_depth
            )));
        }
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::Nil,
        };
        self.enter()?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![Var::new("$", new_dot.clone())]);
        let saved = (self.tree, self.name, self.node, self.dot_iface);
        self.dot_iface = false;
        self.tree = tree;
        self.name = name;
        self.depth += 1;
        let r = self.walk_list(&new_dot, &tree.root);
        self.depth -= 1;
        (self.tree, self.name, self.node, self.dot_iface) = saved;
        self.vars = saved_vars;
        self.leave();
        r
    }
}

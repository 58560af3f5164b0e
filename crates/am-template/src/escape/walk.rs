//! The escaper's walk over parse trees (Go's `escaper` in `html/template/escape.go`, Go 1.23):
//! propagates contexts through text, actions, branches and template calls, records the edits
//! to make (escapers to append, callees to rename, text to rewrite) and derives copies of
//! templates called in non-text contexts.
//!
//! Go identifies nodes by pointer; here a node is identified by the name of the tree holding
//! it and its path of child indexes from the tree's root.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::context::{BreakSite, Context, Delim, State, UrlPart, nudge};
use super::error::{ErrorCode, EscapeError};
use super::join::{RangeContext, join, join_range};
use super::text::escape_text;
use crate::exec::TemplateSet;
use crate::parse::quote::go_quote;
use crate::parse::{ActionNode, BranchNode, ListNode, Node, TemplateNode, Tree};

/// Go's filter of `escapeListConditionally`: whether to keep a pass's results.
type Filter<'f> = dyn Fn(&Walker<'_, '_>, &Context) -> bool + 'f;

/// A node: the tree holding it and its path from the root list.
pub type NodeKey = (Arc<str>, Vec<u32>);

/// Changes to apply to trees when escaping succeeds (Go's `*NodeEdits` maps).
#[derive(Debug, Default)]
pub struct Edits {
    /// Escapers to append to action pipelines.
    pub actions: HashMap<NodeKey, Vec<&'static str>>,
    /// New callee names of `{{template}}` nodes.
    pub templates: HashMap<NodeKey, String>,
    /// New text of text nodes.
    pub texts: HashMap<NodeKey, String>,
}

/// A template's tree: borrowed from the set or derived during escaping.
#[derive(Clone)]
enum TreeRef<'s> {
    Set(&'s Tree),
    Derived(Arc<Tree>),
}

impl TreeRef<'_> {
    fn tree(&self) -> &Tree {
        match self {
            TreeRef::Set(t) => t,
            TreeRef::Derived(t) => t,
        }
    }
}

/// Position of the node being escaped.
struct At<'t> {
    tree: &'t Tree,
    name: &'t Arc<str>,
}

/// What the enclosing passes know: their output contexts and derived templates. Go copies
/// these maps into every nested pass; reading through the chain avoids the quadratic copying.
struct Known<'k> {
    output: &'k HashMap<String, Context>,
    derived: &'k HashMap<String, Arc<Tree>>,
    parent: Option<&'k Known<'k>>,
}

impl Known<'_> {
    fn output(&self, name: &str) -> Option<&Context> {
        self.output
            .get(name)
            .or_else(|| self.parent.and_then(|p| p.output(name)))
    }

    fn derived(&self, name: &str) -> Option<&Arc<Tree>> {
        self.derived
            .get(name)
            .or_else(|| self.parent.and_then(|p| p.derived(name)))
    }
}

/// One escaping pass (Go's `escaper`), reading templates from `set`.
pub struct Walker<'s, 'k> {
    set: &'s TemplateSet,
    known: Option<&'k Known<'k>>,
    /// Output contexts of mangled template names.
    pub output: HashMap<String, Context>,
    /// Templates derived for non-text start contexts, by mangled name.
    pub derived: HashMap<String, Arc<Tree>>,
    /// Mangled names called during the pass.
    pub called: HashSet<String>,
    /// Recorded edits.
    pub edits: Edits,
    range_ctx: Vec<RangeContext>,
    depth: usize,
    steps: Arc<AtomicU64>,
    /// Node visits allowed (shared by nested passes).
    pub max_steps: u64,
}

/// Maximum number of nodes visited while escaping one template (recursive templates whose
/// output contexts differ from their input may make Go's algorithm exponential).
pub const MAX_STEPS: u64 = 5_000_000;

/// Maximum nesting of template calls being escaped (Go has none; this bounds recursion, and
/// matches the executor's default call depth).
pub const MAX_CALL_DEPTH: usize = 1000;

impl<'s, 'k> Walker<'s, 'k> {
    /// A walker with the given known output contexts.
    pub fn new(set: &'s TemplateSet, output: HashMap<String, Context>) -> Walker<'s, 'k> {
        Walker {
            set,
            known: None,
            output,
            derived: HashMap::new(),
            called: HashSet::new(),
            edits: Edits::default(),
            range_ctx: Vec::new(),
            depth: 0,
            steps: Arc::new(AtomicU64::new(0)),
            max_steps: MAX_STEPS,
        }
    }

    /// Go's `escaper.template`: a template of the set, or a derived one.
    fn template(&self, name: &str) -> Option<TreeRef<'s>> {
        if let Some(t) = self.set.tree(name) {
            return Some(TreeRef::Set(t));
        }
        self.derived
            .get(name)
            .or_else(|| self.known.and_then(|k| k.derived(name)))
            .cloned()
            .map(TreeRef::Derived)
    }

    fn escape(&mut self, c: Context, n: &Node, at: &At<'_>, path: &mut Vec<u32>) -> Context {
        if self.steps.fetch_add(1, Ordering::Relaxed) >= self.max_steps {
            if c.state == State::Error {
                return c;
            }
            return Context::error(EscapeError::new(
                ErrorCode::OutputContext,
                Some(at.tree.location(n.pos())),
                0,
                format!(
                    "template too complex to escape (more than {} steps)",
                    self.max_steps
                ),
            ));
        }
        match n {
            Node::Action(a) => self.escape_action(c, a, at, path),
            Node::Break(b) | Node::Continue(b) => {
                let mut c = c;
                c.n = Some(Arc::new(BreakSite {
                    line: b.line,
                    loc: at.tree.location(b.pos),
                }));
                if let Some(rc) = self.range_ctx.last_mut() {
                    if matches!(n, Node::Break(_)) {
                        rc.breaks.push(c);
                    } else {
                        // Go 1.23 (fixed in 1.24) appends to a copy of the breaks.
                        let mut v = rc.breaks.clone();
                        v.push(c);
                        rc.continues = v;
                    }
                }
                Context::with_state(State::Dead)
            }
            Node::Comment(_) => c,
            Node::If(b) => self.escape_branch(c, b, "if", at, path),
            Node::Range(b) => self.escape_branch(c, b, "range", at, path),
            Node::With(b) => self.escape_branch(c, b, "with", at, path),
            Node::Template(t) => self.escape_template_call(c, t, at, path),
            Node::Text(t) => {
                let (c1, new_text) = escape_text(c, &t.text);
                if let Some(text) = new_text {
                    self.edits
                        .texts
                        .insert((at.name.clone(), path.clone()), text);
                }
                c1
            }
        }
    }

    fn escape_action(&mut self, c: Context, n: &ActionNode, at: &At<'_>, path: &[u32]) -> Context {
        if !n.pipe.decl.is_empty() {
            return c;
        }
        let mut c = nudge(c);
        let loc = || Some(at.tree.location(n.pos));
        let ncmds = n.pipe.cmds.len();
        for (pos, cmd) in n.pipe.cmds.iter().enumerate() {
            let Some(crate::parse::Arg::Identifier(id)) = cmd.args.first() else {
                continue;
            };
            if super::pipeline::is_predefined_escaper(&id.ident)
                && (pos < ncmds - 1
                    || (c.state == State::Attr
                        && c.delim == Delim::SpaceOrTagEnd
                        && id.ident == "html"))
            {
                return Context::error(EscapeError::new(
                    ErrorCode::PredefinedEscaper,
                    loc(),
                    n.line,
                    format!(
                        "predefined escaper {} disallowed in template",
                        go_quote(&id.ident)
                    ),
                ));
            }
        }
        let mut s: Vec<&'static str> = Vec::with_capacity(3);
        match c.state {
            State::Error => return c,
            State::Url
            | State::CssDqStr
            | State::CssSqStr
            | State::CssDqUrl
            | State::CssSqUrl
            | State::CssUrl => match c.url_part {
                UrlPart::None | UrlPart::PreQuery => {
                    if c.url_part == UrlPart::None {
                        s.push("_html_template_urlfilter");
                    }
                    if matches!(c.state, State::CssDqStr | State::CssSqStr) {
                        s.push("_html_template_cssescaper");
                    } else {
                        s.push("_html_template_urlnormalizer");
                    }
                }
                UrlPart::QueryOrFrag => s.push("_html_template_urlescaper"),
                UrlPart::Unknown => {
                    return Context::error(EscapeError::new(
                        ErrorCode::AmbigContext,
                        loc(),
                        n.line,
                        format!(
                            "{{{{{}}}}} appears in an ambiguous context within a URL",
                            n.pipe
                        ),
                    ));
                }
            },
            State::Js => {
                s.push("_html_template_jsvalescaper");
                c.js_ctx = super::context::JsCtx::DivOp;
            }
            State::JsDqStr | State::JsSqStr => s.push("_html_template_jsstrescaper"),
            State::JsTmplLit => s.push("_html_template_jstmpllitescaper"),
            State::JsRegexp => s.push("_html_template_jsregexpescaper"),
            State::Css => s.push("_html_template_cssvaluefilter"),
            State::Text => s.push("_html_template_htmlescaper"),
            State::Rcdata => s.push("_html_template_rcdataescaper"),
            State::Attr => {}
            State::AttrName | State::Tag => {
                c.state = State::AttrName;
                s.push("_html_template_htmlnamefilter");
            }
            State::Srcset => s.push("_html_template_srcsetescaper"),
            st if st.is_comment() => s.push("_html_template_commentescaper"),
            st => {
                return Context::error(EscapeError::new(
                    ErrorCode::BadHtml,
                    loc(),
                    n.line,
                    format!("unexpected state {}", st.go_name()),
                ));
            }
        }
        match c.delim {
            Delim::None => {}
            Delim::SpaceOrTagEnd => s.push("_html_template_nospaceescaper"),
            _ => s.push("_html_template_attrescaper"),
        }
        self.edits
            .actions
            .insert((at.name.clone(), path.to_vec()), s);
        c
    }

    fn escape_branch(
        &mut self,
        c: Context,
        n: &BranchNode,
        name: &str,
        at: &At<'_>,
        path: &mut Vec<u32>,
    ) -> Context {
        let loc = at.tree.location(n.pos);
        path.push(0);
        let mut c0;
        if name == "range" {
            self.range_ctx.push(RangeContext::default());
            c0 = self.escape_list(c.clone(), Some(&n.list), at, path);
            let rc = self.range_ctx.pop().unwrap_or_default();
            if c0.state != State::Error {
                c0 = join_range(c0, &rc);
            }
            if c0.state == State::Error {
                path.pop();
                return c0;
            }
            // The body may run again: it must end in the context it starts in.
            self.range_ctx.push(RangeContext::default());
            let (c1, _) = self.escape_list_conditionally(c0.clone(), &n.list, at, path, None);
            c0 = join(c0, c1, &loc, name);
            if c0.state == State::Error {
                self.range_ctx.pop();
                if let Some(e) = c0.err.as_mut() {
                    e.line = n.line;
                    e.description = format!("on range loop re-entry: {}", e.description);
                }
                path.pop();
                return c0;
            }
            let rc = self.range_ctx.pop().unwrap_or_default();
            c0 = join_range(c0, &rc);
            if c0.state == State::Error {
                path.pop();
                return c0;
            }
        } else {
            c0 = self.escape_list(c.clone(), Some(&n.list), at, path);
        }
        path.pop();
        path.push(1);
        let c1 = self.escape_list(c, n.else_list.as_ref(), at, path);
        path.pop();
        join(c0, c1, &loc, name)
    }

    /// Go's `escapeList`; `path` is the path of the list.
    fn escape_list(
        &mut self,
        mut c: Context,
        list: Option<&ListNode>,
        at: &At<'_>,
        path: &mut Vec<u32>,
    ) -> Context {
        let Some(list) = list else { return c };
        for (i, node) in list.nodes.iter().enumerate() {
            path.push(i as u32);
            c = self.escape(c, node, at, path);
            path.pop();
            if c.state == State::Dead {
                break;
            }
        }
        c
    }

    /// Go's `escapeListConditionally`: escapes `list` with a fresh pass that shares this pass's
    /// knowledge, and keeps its inferences and edits only when `filter` accepts the result.
    fn escape_list_conditionally(
        &mut self,
        c: Context,
        list: &ListNode,
        at: &At<'_>,
        path: &mut Vec<u32>,
        filter: Option<&Filter<'_>>,
    ) -> (Context, bool) {
        let known = Known {
            output: &self.output,
            derived: &self.derived,
            parent: self.known,
        };
        let mut e1 = Walker::new(self.set, HashMap::new());
        e1.known = Some(&known);
        e1.range_ctx = std::mem::take(&mut self.range_ctx);
        e1.depth = self.depth;
        e1.steps = self.steps.clone();
        e1.max_steps = self.max_steps;
        let c = e1.escape_list(c, Some(list), at, path);
        let ok = filter.is_some_and(|f| f(&e1, &c));
        let Walker {
            output,
            derived,
            called,
            edits,
            range_ctx,
            ..
        } = e1;
        self.range_ctx = range_ctx;
        if ok {
            merge(&mut self.output, output);
            merge(&mut self.derived, derived);
            merge_set(&mut self.called, called);
            merge(&mut self.edits.actions, edits.actions);
            merge(&mut self.edits.templates, edits.templates);
            merge(&mut self.edits.texts, edits.texts);
        }
        (c, ok)
    }

    fn escape_template_call(
        &mut self,
        c: Context,
        n: &TemplateNode,
        at: &At<'_>,
        path: &[u32],
    ) -> Context {
        let loc = at.tree.location(n.pos);
        let (c, name) = self.escape_tree(c, &loc, &n.name, n.line);
        if name != n.name {
            self.edits
                .templates
                .insert((at.name.clone(), path.to_vec()), name);
        }
        c
    }

    /// Go's `escapeTree`: escapes template `name` for start context `c` (deriving a copy for
    /// non-text contexts) and returns its output context and the (mangled) name to call.
    pub fn escape_tree(
        &mut self,
        c: Context,
        node_loc: &str,
        name: &str,
        line: usize,
    ) -> (Context, String) {
        let dname = c.mangle(name);
        self.called.insert(dname.clone());
        let known_out = self
            .output
            .get(&dname)
            .or_else(|| self.known.and_then(|k| k.output(&dname)));
        if let Some(out) = known_out {
            return (out.clone(), dname);
        }
        let Some(mut t) = self.template(name) else {
            let err = EscapeError::new(
                ErrorCode::NoSuchTemplate,
                Some(node_loc.to_string()),
                line,
                format!("no such template {}", go_quote(name)),
            );
            return (Context::error(err), dname);
        };
        if dname != name {
            t = match self.template(&dname) {
                Some(dt) => dt,
                None => {
                    let mut copy = t.tree().clone();
                    copy.name = dname.clone();
                    let dt = Arc::new(copy);
                    self.derived.insert(dname.clone(), dt.clone());
                    TreeRef::Derived(dt)
                }
            };
        }
        if self.depth >= MAX_CALL_DEPTH {
            let err = EscapeError::new(
                ErrorCode::OutputContext,
                Some(node_loc.to_string()),
                line,
                format!("template calls nested more than {MAX_CALL_DEPTH} deep"),
            );
            return (Context::error(err), dname);
        }
        self.depth += 1;
        let out = self.compute_out_ctx(c, t.tree(), &dname);
        self.depth -= 1;
        (out, dname)
    }

    /// Go's `computeOutCtx`.
    fn compute_out_ctx(&mut self, c: Context, t: &Tree, tname: &str) -> Context {
        let (mut c1, mut ok) = self.escape_template_body(c, t, tname);
        if !ok && c1.state == State::Error {
            // Go escapes the body again assuming the error context; errors are infectious, so
            // that pass cannot succeed and only leaves this assumption behind. Skipping it
            // avoids work exponential in the length of a chain of calls ending in an error.
            self.output.insert(tname.to_string(), c1.clone());
            return c1;
        }
        if !ok {
            let (c2, ok2) = self.escape_template_body(c1.clone(), t, tname);
            if ok2 {
                c1 = c2;
                ok = true;
            }
        }
        if !ok && c1.state != State::Error {
            return Context::error(EscapeError::new(
                ErrorCode::OutputContext,
                Some(t.location(t.root.pos)),
                0,
                format!("cannot compute output context for template {tname}"),
            ));
        }
        c1
    }

    /// Go's `escapeTemplateBody`: escapes `t` assuming its output context is `c`.
    fn escape_template_body(&mut self, c: Context, t: &Tree, tname: &str) -> (Context, bool) {
        self.output.insert(tname.to_string(), c.clone());
        let assumed = c.clone();
        let filter = move |e1: &Walker<'_, '_>, c1: &Context| {
            if c1.state == State::Error {
                return false;
            }
            if !e1.called.contains(tname) {
                return true;
            }
            assumed.same(c1)
        };
        let name: Arc<str> = Arc::from(tname);
        let at = At {
            tree: t,
            name: &name,
        };
        let mut path = Vec::new();
        self.escape_list_conditionally(c, &t.root, &at, &mut path, Some(&filter))
    }
}

/// Adds `child`'s entries to `parent`, replacing same-keyed ones, in time proportional to the
/// smaller map (chains of template calls merge ever larger maps upwards).
fn merge<K: std::hash::Hash + Eq, V>(parent: &mut HashMap<K, V>, mut child: HashMap<K, V>) {
    if child.len() > parent.len() {
        std::mem::swap(parent, &mut child);
        for (k, v) in child {
            parent.entry(k).or_insert(v);
        }
    } else {
        parent.extend(child);
    }
}

fn merge_set(parent: &mut HashSet<String>, mut child: HashSet<String>) {
    if child.len() > parent.len() {
        std::mem::swap(parent, &mut child);
    }
    parent.extend(child);
}

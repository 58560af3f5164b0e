//! `html/template` contextual auto-escaping (Go's `html/template`: `escape.go`, `context.go`,
//! `transition.go`, `html.go`, `attr.go`, `url.go`, `js.go`, `css.go`, `content.go`,
//! `error.go`), following Go 1.23, the toolchain of Alertmanager 0.28.
//!
//! Before a template runs as HTML, its parse trees are rewritten: a state machine runs over
//! the template text to find the HTML/CSS/JS/URL context of every action, and each action's
//! pipeline gets the escaper functions for its context appended (`{{.X}}` in text becomes
//! `{{.X | _html_template_htmlescaper}}`); templates called in non-text contexts are copied
//! under mangled names (`name$htmltemplate_stateAttr_...`); HTML comments are removed from the
//! text. The escapers themselves ([`escaper_funcs`]) are registered in the set's functions.
//!
//! - `context`, `transition`, `scan`, `text`: contexts and the text state machine.
//! - `walk`: the walk over trees (branches, ranges, template calls), `join`: joining branch
//!   contexts, `pipeline`: the rewrite of action pipelines.
//! - `funcs`, `html`, `url`, `js`, `css`, `attr`, `entity`: escapers and their helpers.
//!
//! Use [`escape_template`] (Go's `ExecuteTemplate`) or [`escape_set`] (Go's `Execute`) before
//! executing, or keep an [`HtmlEscaper`] with the set to escape lazily as Go does.

mod attr;
mod context;
mod css;
mod entity;
mod error;
mod funcs;
mod html;
mod join;
mod js;
mod pipeline;
mod scan;
mod text;
mod transition;
mod url;
mod walk;

use std::collections::HashMap;

pub use context::{Attr, Context, Delim, Element, JsCtx, State, UrlPart};
pub use error::{ErrorCode, EscapeError};
pub use funcs::{FILTER_FAILSAFE, escaper_funcs};
pub use walk::{MAX_CALL_DEPTH, MAX_STEPS};

use crate::exec::TemplateError;
use crate::exec::TemplateSet;
use crate::parse::quote::go_quote;
use crate::parse::{ListNode, Node, Tree};
use walk::{Edits, Walker};

/// Stack for escaping (deeply nested or long chains of template calls recurse).
const ESCAPE_STACK_BYTES: usize = 128 << 20;

/// The escaper state Go keeps per template namespace: output contexts inferred so far and
/// which templates were escaped (successfully or not). Keep one per [`TemplateSet`] when
/// executing several templates of the same set.
///
/// As in Go, inferences and edits made while escaping a template that then fails are kept and
/// applied by the next successful escape.
#[derive(Debug)]
pub struct HtmlEscaper {
    output: HashMap<String, Context>,
    derived: HashMap<String, std::sync::Arc<Tree>>,
    edits: Edits,
    status: HashMap<String, Result<(), EscapeError>>,
    max_steps: u64,
}

impl HtmlEscaper {
    /// A fresh escaper (as after Go's `Clone` or `New`).
    pub fn new() -> HtmlEscaper {
        HtmlEscaper {
            output: HashMap::new(),
            derived: HashMap::new(),
            edits: Edits::default(),
            status: HashMap::new(),
            max_steps: walk::MAX_STEPS,
        }
    }

    /// Limits the nodes visited per escaped template (default [`MAX_STEPS`]); beyond it
    /// escaping fails instead of running for very long on pathological recursive templates.
    pub fn set_max_steps(&mut self, steps: u64) {
        self.max_steps = steps;
    }

    /// Escapes template `name` of `set` and the templates it calls, as Go's
    /// `ExecuteTemplate` does before running it. Later calls for an already escaped name
    /// return the first result again.
    pub fn escape_template(
        &mut self,
        set: &mut TemplateSet,
        name: &str,
    ) -> Result<(), TemplateError> {
        if !set.has(name) {
            return Err(TemplateError::Other(format!(
                "html/template: {} is undefined",
                go_quote(name)
            )));
        }
        self.escape_named(set, name)
            .map_err(|e| TemplateError::Other(e.to_string()))
    }

    /// Escapes template `name` and returns Go's `*Error` on failure.
    pub fn escape_named(&mut self, set: &mut TemplateSet, name: &str) -> Result<(), EscapeError> {
        // The walk recurses through nested branches and template calls.
        crate::exec::stack::with_stack(ESCAPE_STACK_BYTES, || self.escape_on_stack(set, name))
    }

    fn escape_on_stack(&mut self, set: &mut TemplateSet, name: &str) -> Result<(), EscapeError> {
        if let Some(status) = self.status.get(name) {
            return status.clone();
        }
        let Some(tree) = set.tree(name) else {
            return Err(EscapeError::new(
                ErrorCode::NoSuchTemplate,
                None,
                0,
                format!("no such template {}", go_quote(name)),
            ));
        };
        let root_loc = tree.location(tree.root.pos);
        let mut walker = Walker::new(set, std::mem::take(&mut self.output));
        walker.derived = std::mem::take(&mut self.derived);
        walker.edits = std::mem::take(&mut self.edits);
        walker.max_steps = self.max_steps;
        let (c, _) = walker.escape_tree(Context::default(), &root_loc, name, 0);
        let err = if let Some(mut e) = c.err.clone() {
            e.name = name.to_string();
            Some(*e)
        } else if c.state != State::Text {
            let mut e = EscapeError::new(
                ErrorCode::EndContext,
                None,
                0,
                format!("ends in a non-text context: {c}"),
            );
            e.name = name.to_string();
            Some(e)
        } else {
            None
        };
        let Walker {
            output,
            derived,
            edits,
            ..
        } = walker;
        self.output = output;
        if let Some(e) = err {
            self.derived = derived;
            self.edits = edits;
            self.status.insert(name.to_string(), Err(e.clone()));
            return Err(e);
        }
        commit(set, derived, edits);
        self.status.insert(name.to_string(), Ok(()));
        Ok(())
    }
}

impl Default for HtmlEscaper {
    fn default() -> Self {
        HtmlEscaper::new()
    }
}

/// Escapes template `name` of `set` (and every template it calls) for execution as HTML,
/// as Go's `html/template` `ExecuteTemplate` does: `set` then executes `name` safely.
pub fn escape_template(set: &mut TemplateSet, name: &str) -> Result<(), TemplateError> {
    HtmlEscaper::new().escape_template(set, name)
}

/// Escapes the set's own template (named [`TemplateSet::name`]) and every template it calls,
/// as Go's `html/template` `Execute` does before running it.
pub fn escape_set(set: &mut TemplateSet) -> Result<(), TemplateError> {
    let name = set.name().to_string();
    if !set.has(&name) {
        return Err(TemplateError::Other(format!(
            "template: {} is an incomplete or empty template",
            go_quote(&name)
        )));
    }
    HtmlEscaper::new()
        .escape_named(set, &name)
        .map_err(|e| TemplateError::Other(e.to_string()))
}

/// Go's `escaper.commit`: registers the escapers, adds derived templates and applies edits.
fn commit(set: &mut TemplateSet, derived: HashMap<String, std::sync::Arc<Tree>>, edits: Edits) {
    set.add_funcs(escaper_funcs());
    let mut trees: HashMap<String, Tree> = derived
        .into_iter()
        .map(|(k, t)| (k, std::sync::Arc::unwrap_or_clone(t)))
        .collect();
    let names = edits
        .actions
        .keys()
        .chain(edits.templates.keys())
        .chain(edits.texts.keys())
        .map(|(n, _)| n.to_string());
    for name in names {
        if let std::collections::hash_map::Entry::Vacant(slot) = trees.entry(name)
            && let Some(t) = set.tree(slot.key())
        {
            slot.insert(t.clone());
        }
    }
    for ((name, path), s) in &edits.actions {
        if let Some(Node::Action(a)) = trees
            .get_mut(&**name)
            .and_then(|t| node_mut(&mut t.root, path))
        {
            pipeline::ensure_pipeline_contains(&mut a.pipe, s);
        }
    }
    for ((name, path), callee) in edits.templates {
        if let Some(Node::Template(t)) = trees
            .get_mut(&*name)
            .and_then(|t| node_mut(&mut t.root, &path))
        {
            t.name = callee;
        }
    }
    for ((name, path), text) in edits.texts {
        if let Some(Node::Text(t)) = trees
            .get_mut(&*name)
            .and_then(|t| node_mut(&mut t.root, &path))
        {
            t.text = text;
        }
    }
    for (name, tree) in trees {
        set.replace_tree(&name, tree);
    }
}

/// The node at `path` (list indexes, with 0/1 selecting a branch's list/else list).
fn node_mut<'a>(list: &'a mut ListNode, path: &[u32]) -> Option<&'a mut Node> {
    let (first, rest) = path.split_first()?;
    let node = list.nodes.get_mut(*first as usize)?;
    if rest.is_empty() {
        return Some(node);
    }
    match node {
        Node::If(b) | Node::Range(b) | Node::With(b) => {
            let (which, rest) = rest.split_first()?;
            let l = if *which == 0 {
                &mut b.list
            } else {
                b.else_list.as_mut()?
            };
            node_mut(l, rest)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;

//! Template execution: Go's `text/template` `Template` namespace (`template.go`, `option.go`)
//! and executor (`exec.go`, `funcs.go`), with execution limits.
//!
//! - [`TemplateSet`]: shared definitions, functions and options (Go's `*template.Template`).
//! - `state`: walking the tree (actions, `if`/`with`/`range`, `template`), with limits.
//! - `eval`: pipelines, commands, fields, method and function calls, argument conversion.
//! - `builtins`: `and`, `or`, `not`, `len`, `index`, `slice`, `print*`, comparisons, `call`.
//! - `escapers`: the `html`, `js` and `urlquery` builtins.
//! - `stack`: running on a large-stack helper thread.
//!
//! Semantics follow Go 1.23 (Alertmanager 0.28's toolchain): `range` over integers is accepted,
//! `range` over strings is an error, comparison errors are the untyped 1.23 texts.

mod builtins;
mod escapers;
mod eval;
pub(crate) mod stack;
mod state;

use std::collections::HashMap;
use std::sync::Arc;

use crate::func::FuncMap;
use crate::parse::quote::go_quote;
use crate::parse::{self, ParseError, ParseOptions, Tree};
use crate::value::Value;

pub use builtins::is_builtin;
pub use escapers::{html_escape_string, js_escape_string, url_query_escape};

/// Go's `missingkey` option: what a missing map key evaluates to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// `missingkey=default` / `invalid`: the invalid value (prints `<no value>`).
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type.
    Zero,
    /// `missingkey=error`: execution stops with an error.
    Error,
}

/// Execution limits protecting against hostile templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of the output in bytes.
    pub max_output_bytes: usize,
    /// Maximum number of execution steps (nodes walked, loop iterations, calls).
    pub max_steps: u64,
    /// Maximum depth of nested `{{template}}` calls (Go's `maxExecDepth`).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_output_bytes: 16 << 20,
            max_steps: 10_000_000,
            max_depth: 1000,
        }
    }
}

/// Errors of parsing and executing templates; `Display` matches Go's texts.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A parse error: `template: NAME:LINE: MSG`.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// An execution error: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MSG`.
    #[error("{message}")]
    Exec {
        /// Name of the template being executed when the error happened.
        name: String,
        /// The full Go error text.
        message: String,
    },
    /// An execution limit was exceeded (output size, steps, nesting); formatted like `Exec`.
    #[error("{message}")]
    Limit {
        /// Name of the template being executed.
        name: String,
        /// The full error text.
        message: String,
    },
    /// `ExecuteTemplate` with an unknown name.
    #[error("template: no template {} associated with template {}", go_quote(.name), go_quote(.set))]
    NoTemplate {
        /// The requested template.
        name: String,
        /// The name of the template set (Go's receiver template).
        set: String,
    },
    /// Any other error text (e.g. produced by the `html/template` escaper).
    #[error("{0}")]
    Other(String),
}

/// A set of associated templates: Go's `*template.Template` namespace with shared definitions,
/// functions and options. Cloning is cheap (trees are shared).
#[derive(Clone, Debug, Default)]
pub struct TemplateSet {
    name: String,
    trees: HashMap<String, Arc<Tree>>,
    funcs: FuncMap,
    missing_key: MissingKey,
    left_delim: String,
    right_delim: String,
    parse_options: ParseOptions,
}

impl TemplateSet {
    /// An empty set whose own name is `""` (as Alertmanager's `template.New("")`).
    pub fn new() -> Self {
        TemplateSet::default()
    }

    /// An empty set with the given receiver name (used in "no template ... associated with
    /// template NAME" errors).
    pub fn named(name: &str) -> Self {
        TemplateSet {
            name: name.to_string(),
            ..TemplateSet::default()
        }
    }

    /// The receiver name of the set.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds functions (Go's `Funcs`); later additions replace same-named ones.
    pub fn add_funcs(&mut self, funcs: FuncMap) {
        self.funcs.extend(funcs);
    }

    /// The functions added to the set (builtins not included).
    pub fn funcs(&self) -> &FuncMap {
        &self.funcs
    }

    /// Sets the `missingkey` option.
    pub fn set_missing_key(&mut self, mode: MissingKey) {
        self.missing_key = mode;
    }

    /// The `missingkey` option.
    pub fn missing_key(&self) -> MissingKey {
        self.missing_key
    }

    /// Go's `Option("missingkey=...")`; errors on unknown options as Go panics.
    pub fn set_option(&mut self, opt: &str) -> Result<(), TemplateError> {
        let mode = match opt.split_once('=') {
            Some(("missingkey", "invalid" | "default")) => MissingKey::Default,
            Some(("missingkey", "zero")) => MissingKey::Zero,
            Some(("missingkey", "error")) => MissingKey::Error,
            _ if opt.is_empty() => return Err(TemplateError::Other("empty option string".into())),
            _ => return Err(TemplateError::Other(format!("unrecognized option: {opt}"))),
        };
        self.missing_key = mode;
        Ok(())
    }

    /// Sets the action delimiters (empty strings mean `{{` and `}}`).
    pub fn set_delims(&mut self, left: &str, right: &str) {
        self.left_delim = left.to_string();
        self.right_delim = right.to_string();
    }

    /// Sets parser mode flags for subsequent `parse` calls.
    pub fn set_parse_options(&mut self, opts: ParseOptions) {
        self.parse_options = opts;
    }

    /// Whether `name` is a function known at parse time (added functions and builtins).
    pub fn has_function(&self, name: &str) -> bool {
        self.funcs.contains(name) || is_builtin(name)
    }

    /// Go's `t.New(name).Parse(text)`: parses `text` as template `name`; `{{define}}` and
    /// `{{block}}` add further templates. Redefinition follows Go: a non-empty tree replaces an
    /// existing one, an empty (whitespace/comment only) tree does not replace a non-empty one.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        let funcs = &self.funcs;
        let has = |n: &str| funcs.contains(n) || is_builtin(n);
        let trees = parse::parse(
            name,
            text,
            &self.left_delim,
            &self.right_delim,
            self.parse_options,
            &has,
        )?;
        let mut trees: Vec<(String, Tree)> = trees.into_iter().collect();
        trees.sort_by(|a, b| a.0.cmp(&b.0));
        for (n, tree) in trees {
            self.add_parse_tree(&n, tree);
        }
        Ok(())
    }

    /// Go's `AddParseTree` (associate rules): installs `tree` as `name` unless `tree` is empty
    /// and a tree of that name already exists.
    pub fn add_parse_tree(&mut self, name: &str, tree: Tree) {
        if tree.is_empty() && self.trees.contains_key(name) {
            return;
        }
        self.trees.insert(name.to_string(), Arc::new(tree));
    }

    /// Whether a template named `name` is defined.
    pub fn has(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// Names of all defined templates, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.trees.keys().cloned().collect();
        v.sort();
        v
    }

    /// The parse tree of `name`.
    pub fn tree(&self, name: &str) -> Option<&Tree> {
        self.trees.get(name).map(Arc::as_ref)
    }

    /// Installs `tree` as `name` unconditionally (the escaper's rewritten trees).
    pub fn replace_tree(&mut self, name: &str, tree: Tree) {
        self.trees.insert(name.to_string(), Arc::new(tree));
    }

    /// Removes the template `name`, returning its tree.
    pub fn remove(&mut self, name: &str) -> Option<Tree> {
        self.trees
            .remove(name)
            .map(|t| Arc::try_unwrap(t).unwrap_or_else(|shared| (*shared).clone()))
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<(&str, &Tree)> {
        self.trees
            .get_key_value(name)
            .map(|(k, v)| (k.as_str(), v.as_ref()))
    }

    /// Go's `ExecuteTemplate(name, data)`: runs template `name` with `data` as dot and `$`.
    /// Partial output is discarded on error.
    pub fn execute(
        &self,
        name: &str,
        data: &Value,
        limits: &Limits,
    ) -> Result<String, TemplateError> {
        let Some((key, tree)) = self.lookup(name) else {
            return Err(TemplateError::NoTemplate {
                name: name.to_string(),
                set: self.name.clone(),
            });
        };
        stack::with_stack(state::EXEC_STACK_BYTES, || {
            state::execute(self, key, tree, data, limits)
        })
    }
}

#[cfg(test)]
mod tests;

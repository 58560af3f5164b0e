//! Alertmanager's `template.Template` (upstream `template/template.go`, v0.28): the built-in
//! templates plus user template files, with the default functions and `missingkey=zero`,
//! executing ad-hoc template text as `text/template` ([`Template::execute_text_string`]) or
//! `html/template` ([`Template::execute_html_string`]).
//!
//! Upstream keeps two namespaces (text and HTML) that always receive the same definitions; here
//! one [`TemplateSet`] holds them and HTML execution escapes a copy, as `html/template` escapes
//! the clone `ExecuteHTMLString` makes.

use std::path::Path;

use super::data::{AlertData, Kv, TemplateData};
use super::funcs::{Clock, default_funcs};
use super::glob;
use super::{DEFAULT_TMPL, EMAIL_TMPL};
use crate::exec::{Limits, MissingKey, TemplateError, TemplateSet};
use crate::func::FuncMap;
use crate::value::Value;

/// How a [`Template`] is built.
#[derive(Clone)]
pub struct TemplateOptions {
    /// The clock the `since` function reads.
    pub clock: Clock,
    /// Execution limits for every execution.
    pub limits: Limits,
    /// Extra functions (upstream's `Option`s may add some); Alertmanager's default functions
    /// take precedence over same-named ones.
    pub extra_funcs: FuncMap,
    /// The Alertmanager's external URL, used by [`Template::data`].
    pub external_url: String,
}

impl TemplateOptions {
    /// Options with `clock`, default limits, no extra functions and no external URL.
    pub fn new(clock: Clock) -> TemplateOptions {
        TemplateOptions {
            clock,
            limits: Limits::default(),
            extra_funcs: FuncMap::new(),
            external_url: String::new(),
        }
    }
}

/// Alertmanager's `template.Template`.
#[derive(Clone)]
pub struct Template {
    set: TemplateSet,
    limits: Limits,
    external_url: String,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("templates", &self.set.names())
            .field("limits", &self.limits)
            .field("external_url", &self.external_url)
            .finish()
    }
}

impl Template {
    /// `template.New`: no templates yet, the default functions, `missingkey=zero`.
    pub fn new(options: TemplateOptions) -> Template {
        let mut set = TemplateSet::new();
        set.set_missing_key(MissingKey::Zero);
        set.add_funcs(options.extra_funcs);
        set.add_funcs(default_funcs(options.clock));
        Template {
            set,
            limits: options.limits,
            external_url: options.external_url,
        }
    }

    /// `template.FromGlobs`: the built-in templates, then every file matching each glob in
    /// order (a glob matching nothing is not an error).
    ///
    /// # Errors
    /// A malformed glob, an unreadable file, or a template that does not parse.
    pub fn from_globs<S: AsRef<str>>(
        globs: &[S],
        options: TemplateOptions,
    ) -> Result<Template, TemplateError> {
        let mut t = Template::new(options);
        t.parse(DEFAULT_TMPL)?;
        t.parse(EMAIL_TMPL)?;
        for pattern in globs {
            t.from_glob(pattern.as_ref())?;
        }
        Ok(t)
    }

    /// `Template.Parse`: adds the definitions in `text` (its top-level text becomes the unnamed
    /// root template).
    ///
    /// # Errors
    /// A parse error, worded as Go's.
    pub fn parse(&mut self, text: &str) -> Result<(), TemplateError> {
        self.set.parse("", text)
    }

    /// `Template.FromGlob`: parses every file matching `pattern`, each as a template named
    /// after the file's base name.
    ///
    /// # Errors
    /// A malformed pattern, an unreadable file, or a parse error.
    pub fn from_glob(&mut self, pattern: &str) -> Result<(), TemplateError> {
        let files = glob::glob(pattern).map_err(|e| TemplateError::Other(e.to_string()))?;
        for file in files {
            let text = read_file(&file)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            self.set.parse(&name, &text)?;
        }
        Ok(())
    }

    /// The names of all defined templates, sorted.
    pub fn names(&self) -> Vec<String> {
        self.set.names()
    }

    /// The external URL given in the options.
    pub fn external_url(&self) -> &str {
        &self.external_url
    }

    /// `Template.Data`: the data of a notification to `receiver` for a group of alerts.
    pub fn data(&self, receiver: &str, group_labels: Kv, alerts: Vec<AlertData>) -> TemplateData {
        TemplateData::build(receiver, group_labels, alerts, &self.external_url)
    }

    /// `ExecuteTextString`: runs `text` with `text/template` semantics against `data`.
    ///
    /// # Errors
    /// A parse or execution error, worded as Go's.
    pub fn execute_text_string(&self, text: &str, data: &Value) -> Result<String, TemplateError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        let set = self.with_root(text)?;
        set.execute("", data, &self.limits)
    }

    /// `ExecuteHTMLString`: runs `text` with `html/template` semantics (contextual escaping)
    /// against `data`.
    ///
    /// # Errors
    /// A parse, escaping or execution error, worded as Go's.
    pub fn execute_html_string(&self, text: &str, data: &Value) -> Result<String, TemplateError> {
        if text.is_empty() {
            return Ok(String::new());
        }
        let mut set = self.with_root(text)?;
        crate::escape::escape_set(&mut set)?;
        set.execute("", data, &self.limits)
    }

    /// A copy of the namespace with `text` as the unnamed root template (Go's
    /// `Clone().New("").Parse(text)`: the new root replaces the old one even when empty).
    fn with_root(&self, text: &str) -> Result<TemplateSet, TemplateError> {
        let mut set = self.set.clone();
        set.remove("");
        set.parse("", text)?;
        Ok(set)
    }
}

/// `os.ReadFile` with Go's error texts for the common failures.
fn read_file(path: &Path) -> Result<String, TemplateError> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        TemplateError::Other(match e.kind() {
            std::io::ErrorKind::NotFound => format!("open {shown}: no such file or directory"),
            std::io::ErrorKind::PermissionDenied => format!("open {shown}: permission denied"),
            std::io::ErrorKind::IsADirectory => format!("read {shown}: is a directory"),
            _ => format!("open {shown}: {e}"),
        })
    })?;
    // Go templates are byte strings; invalid UTF-8 is kept as U+FFFD here.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

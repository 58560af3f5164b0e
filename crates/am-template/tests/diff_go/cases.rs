//! The differential corpus: loading `tests/cases/*.json` (one file per group) and the data
//! fixtures in `tests/cases/data/` (no upstream counterpart: test infrastructure only).
//!
//! A group file is `{"about", "owner", "data"?, "type"?, "go_fails"?, "cases": [...]}`
//! (`owner`: which part of the implementation the group mostly exercises, for routing
//! failures); the optional top-level keys are defaults for its cases. A case is
//!
//! - `name`: unique within the group; reported as `group/name`;
//! - `type`: `text` (default, `ExecuteTextString`) or `html` (`ExecuteHTMLString`);
//! - `text`: the template text, a string or an array of lines joined with `\n`;
//! - `templates`: extra files `{relative path: content}` written to a fresh directory and
//!   loaded with `globs` (default `["*.tmpl"]`, relative to that directory);
//! - `data`: a fixture name (`tests/cases/data/NAME.json`), an inline object shaped like
//!   Alertmanager's `template.Data` JSON, or null;
//! - `error`: how error texts are compared when both sides fail: `exact` (default),
//!   `prefix` (only the `template: NAME:LINE[:COL]:` location), `message` (all but that
//!   location) or `any`;
//! - `go_fails`: asserts that the reference fails (true) or succeeds (false);
//! - `am028`: reason why Alertmanager 0.28 renders this differently from Debian's 0.25; the
//!   oracle's 0.28 run is then the reference, and the suite checks the two runs differ;
//! - `no_oracle`: `{reason, expect, local?}` for behaviour no local Go can produce (newer Go
//!   or 0.28-only code): `expect` is the reference, `local` documents what Go 1.19/0.25 does
//!   and is checked against it;
//! - `from_local`: `{reason, replace: [[from, to], ...]}`: the reference is the oracle's
//!   output with each `from` (which must occur exactly once) replaced by `to`;
//! - `note`: free text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use serde_json::Value as Json;

/// Text given either as one string or as lines.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Text {
    /// The text itself.
    One(String),
    /// Lines joined with `\n`.
    Lines(Vec<String>),
}

impl Text {
    /// The joined text.
    pub fn join(&self) -> String {
        match self {
            Text::One(s) => s.clone(),
            Text::Lines(lines) => lines.join("\n"),
        }
    }
}

/// How error texts are compared when both sides fail.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ErrorMode {
    /// The whole message.
    #[default]
    Exact,
    /// The `template: NAME:LINE[:COL]:` location (or, without one, the text before the
    /// first `{`).
    Prefix,
    /// The message after the location (for errors inside alertmesh's built-in templates,
    /// which are written independently of upstream's files, so lines and columns differ).
    Message,
    /// Only that both fail.
    Any,
}

/// `ExecuteTextString` or `ExecuteHTMLString`.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    /// text/template
    #[default]
    Text,
    /// html/template
    Html,
}

/// An expected outcome written in a case file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// Expected output (success).
    pub output: Option<Text>,
    /// Expected error text (failure), compared with the case's error mode.
    pub error: Option<String>,
}

/// Behaviour no local Go can produce.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoOracle {
    /// Why there is no local oracle.
    pub reason: String,
    /// The reference outcome.
    pub expect: Expect,
    /// What Go 1.19 / Debian's 0.25 does instead (error texts compared as prefixes).
    pub local: Option<Expect>,
}

/// The reference derived from the oracle's output by substitutions.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FromLocal {
    /// Why the output differs.
    pub reason: String,
    /// `[from, to]` pairs; each `from` must occur exactly once.
    pub replace: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    #[serde(rename = "type")]
    flavour: Option<Flavour>,
    text: Text,
    #[serde(default)]
    templates: BTreeMap<String, Text>,
    globs: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    data: Option<Json>,
    #[serde(default)]
    error: ErrorMode,
    go_fails: Option<bool>,
    am028: Option<String>,
    no_oracle: Option<NoOracle>,
    from_local: Option<FromLocal>,
    #[allow(dead_code)]
    note: Option<String>,
}

/// Deserializes a present key (even `null`) as `Some`, so an absent `data` key (`None`)
/// can take the group default while `"data": null` means no data.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Json>, D::Error> {
    Json::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    #[allow(dead_code)]
    about: String,
    owner: String,
    #[serde(default)]
    data: Json,
    #[serde(rename = "type")]
    flavour: Option<Flavour>,
    go_fails: Option<bool>,
    cases: Vec<RawCase>,
}

/// One resolved case.
#[derive(Clone, Debug)]
pub struct Case {
    /// Group (file stem).
    pub group: String,
    /// The group's owner hint.
    pub owner: String,
    /// `group/name`.
    pub id: String,
    /// text or html.
    pub flavour: Flavour,
    /// Template text.
    pub text: String,
    /// Extra template files (relative path, content).
    pub templates: Vec<(String, String)>,
    /// Globs relative to the extra files' directory (empty when there are no files).
    pub globs: Vec<String>,
    /// Template data JSON (null for none).
    pub data: Json,
    /// Error comparison mode.
    pub error: ErrorMode,
    /// Asserted reference success/failure.
    pub go_fails: Option<bool>,
    /// Reason the 0.28 rendering differs from 0.25.
    pub am028: Option<String>,
    /// Hand-written reference.
    pub no_oracle: Option<NoOracle>,
    /// Reference derived from the oracle's output.
    pub from_local: Option<FromLocal>,
}

/// Loads every group file in `dir` (sorted by file name), resolving data fixtures from
/// `dir/data`. Returns an error naming the file for malformed input or duplicate names.
pub fn load(dir: &Path) -> Result<Vec<Case>, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    let mut seen = BTreeSet::new();
    for file in files {
        let group = file
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("{}: bad file name", file.display()))?
            .to_owned();
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let raw: RawGroup =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        for c in raw.cases {
            let id = format!("{group}/{}", c.name);
            if !seen.insert(id.clone()) {
                return Err(format!(
                    "{}: duplicate case name {:?}",
                    file.display(),
                    c.name
                ));
            }
            let data = c.data.unwrap_or_else(|| raw.data.clone());
            let data = resolve_data(dir, data).map_err(|e| format!("{id}: {e}"))?;
            let globs = match (&c.globs, c.templates.is_empty()) {
                (Some(g), _) => g.clone(),
                (None, false) => vec!["*.tmpl".to_owned()],
                (None, true) => Vec::new(),
            };
            cases.push(Case {
                group: group.clone(),
                owner: raw.owner.clone(),
                id,
                flavour: c.flavour.or(raw.flavour).unwrap_or_default(),
                text: c.text.join(),
                templates: c
                    .templates
                    .iter()
                    .map(|(p, t)| (p.clone(), t.join()))
                    .collect(),
                globs,
                data,
                error: c.error,
                go_fails: c.go_fails.or(raw.go_fails),
                am028: c.am028,
                no_oracle: c.no_oracle,
                from_local: c.from_local,
            });
        }
    }
    Ok(cases)
}

/// Replaces a fixture name by the fixture's JSON.
fn resolve_data(dir: &Path, data: Json) -> Result<Json, String> {
    match data {
        Json::String(name) => {
            let path = dir.join("data").join(format!("{name}.json"));
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
        other => Ok(other),
    }
}

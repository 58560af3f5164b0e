//! Differential suite: Alertmanager templates rendered by `am_template::alertmanager` must match
//! Go byte for byte (upstream: Go's text/template + html/template and Alertmanager's `template`
//! package).
//!
//! The corpus is `tests/cases/*.json` (format in `diff_go/cases.rs`). One Go process
//! (`tests/go/diff`, built against Debian's Alertmanager 0.25 sources) renders every case
//! twice, as 0.25 and as 0.28 (see its doc comment); the 0.28 rendering is the reference,
//! except for the cases listed with `no_oracle` (behaviour of Go 1.22+/1.23 or 0.28-only code
//! that no local Go can produce) and `from_local` (0.28's email.tmpl). Cases listed with
//! `am028` are where the two versions are known to differ.
//!
//! - `oracle_agrees_with_corpus` checks the corpus annotations against Go (no Rust involved).
//! - `templates_match_go` runs every case through our implementation and prints every
//!   mismatch (it never stops at the first); the full report is also written to
//!   `$CARGO_TARGET_TMPDIR/diff_go_report.txt`.
//!
//! Environment: `AM_TMPLDIFF_FILTER=substr` runs only cases whose id contains `substr`;
//! `AM_TMPLDIFF_FULL=1` prints outputs in full instead of excerpts.

#[path = "diff_go/cases.rs"]
mod cases;
#[path = "diff_go/compare.rs"]
mod compare;
#[path = "diff_go/render.rs"]
mod render;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use am_testkit::oracle::GoOracle;
use serde::Serialize;

use cases::{Case, Flavour};
use compare::{GoReply, Kind, Mismatch, Outcome};

/// At least this many cases must exist (the issue asks for 250).
const MIN_CASES: usize = 250;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load_cases() -> Vec<Case> {
    let all = cases::load(&manifest_dir().join("tests/cases")).unwrap_or_else(|e| panic!("{e}"));
    match std::env::var("AM_TMPLDIFF_FILTER") {
        Ok(f) if !f.is_empty() => all.into_iter().filter(|c| c.id.contains(&f)).collect(),
        _ => all,
    }
}

/// One request line for the Go oracle.
#[derive(Serialize)]
struct Request<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    flavour: Flavour,
    text: &'a str,
    globs: &'a [String],
    data: &'a serde_json::Value,
}

/// The cases with their template files written out, and Go's replies.
struct Run {
    cases: Vec<Case>,
    globs: Vec<Vec<String>>,
    replies: Vec<GoReply>,
}

/// Writes every case's template files under `dir`, runs the oracle once over all cases, and
/// pairs the replies with the cases. `None` when Go is missing and that is allowed.
fn run_oracle(dir: &Path) -> Option<Run> {
    let oracle = GoOracle::build(&manifest_dir().join("tests/go/diff"), "tmpldiff")?;
    let cases = load_cases();
    let globs: Vec<Vec<String>> = cases
        .iter()
        .enumerate()
        .map(|(i, case)| write_templates(dir, i, case))
        .collect();
    let requests: Vec<Request<'_>> = cases
        .iter()
        .zip(&globs)
        .map(|(c, g)| Request {
            name: &c.id,
            flavour: c.flavour,
            text: &c.text,
            globs: g,
            data: &c.data,
        })
        .collect();
    let replies: Vec<GoReply> = oracle.run_json(&requests);
    assert_eq!(
        replies.len(),
        cases.len(),
        "the oracle answered a different number of cases"
    );
    for (c, r) in cases.iter().zip(&replies) {
        assert_eq!(c.id, r.name, "oracle replies out of order");
    }
    Some(Run {
        cases,
        globs,
        replies,
    })
}

/// Writes a case's extra template files under `base/<index>/` and returns its absolute globs.
fn write_templates(base: &Path, index: usize, case: &Case) -> Vec<String> {
    if case.templates.is_empty() {
        return Vec::new();
    }
    let dir: PathBuf = base.join(index.to_string());
    for (rel, content) in &case.templates {
        let path = dir.join(rel);
        let parent = path.parent().expect("a template file path has a parent");
        std::fs::create_dir_all(parent).expect("create a template directory");
        std::fs::write(&path, content).expect("write a template file");
    }
    case.globs
        .iter()
        .map(|g| dir.join(g).to_string_lossy().into_owned())
        .collect()
}

#[test]
fn corpus_is_well_formed() {
    let all = cases::load(&manifest_dir().join("tests/cases")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        all.len() >= MIN_CASES,
        "only {} cases, want at least {MIN_CASES}",
        all.len()
    );
    let mut problems = Vec::new();
    for c in &all {
        if c.am028.is_some() && (c.no_oracle.is_some() || c.from_local.is_some()) {
            problems.push(format!(
                "{}: am028 cannot be combined with no_oracle/from_local",
                c.id
            ));
        }
        if let Some(fl) = &c.from_local
            && (fl.reason.trim().is_empty() || fl.replace.is_empty())
        {
            problems.push(format!(
                "{}: from_local needs a reason and replacements",
                c.id
            ));
        }
        if c.globs
            .iter()
            .any(|g| Path::new(g).is_absolute() || g.contains(".."))
        {
            problems.push(format!(
                "{}: globs must stay inside the case directory",
                c.id
            ));
        }
    }
    // Every template Debian's defaults define is rendered by some case.
    let defaults = [
        "/usr/share/prometheus/alertmanager",
        "/usr/share/gocode/src/github.com/prometheus/alertmanager/template",
    ]
    .iter()
    .map(Path::new)
    .find(|d| d.join("default.tmpl").is_file());
    match defaults {
        Some(dir) => {
            for file in ["default.tmpl", "email.tmpl"] {
                let text =
                    std::fs::read_to_string(dir.join(file)).expect("read a default template");
                for name in text
                    .split("define \"")
                    .skip(1)
                    .filter_map(|s| s.split('"').next())
                {
                    let call = format!("template \"{name}\"");
                    if !all.iter().any(|c| c.text.contains(&call)) {
                        problems.push(format!(
                            "default template {name:?} ({file}) is not rendered by any case"
                        ));
                    }
                }
            }
        }
        None if std::env::var("AM_ALLOW_MISSING_GO").as_deref() == Ok("1") => {
            eprintln!(
                "skipping the default-template coverage check: Debian's templates are not installed"
            );
        }
        None => {
            panic!("Debian's Alertmanager default templates are not installed; run scripts/test.sh")
        }
    }
    assert!(
        problems.is_empty(),
        "corpus problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn oracle_agrees_with_corpus() {
    let dir = am_testkit::tempdir();
    let Some(run) = run_oracle(dir.path()) else {
        return;
    };
    let problems: Vec<String> = run
        .cases
        .iter()
        .zip(&run.replies)
        .filter_map(|(c, r)| {
            compare::reference(c, r)
                .err()
                .map(|p| format!("{}: {}", c.id, p.join("; ")))
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{} corpus problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Renders a case with our implementation, turning a panic into a failed outcome.
fn render_ours(renderer: &render::Renderer, case: &Case, globs: &[String]) -> (Outcome, bool) {
    match catch_unwind(AssertUnwindSafe(|| renderer.render(case, globs))) {
        Ok(o) => (o, false),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "non-string panic".to_owned());
            (Outcome::err(format!("panic: {msg}")), true)
        }
    }
}

#[test]
fn templates_match_go() {
    let dir = am_testkit::tempdir();
    let Some(run) = run_oracle(dir.path()) else {
        return;
    };
    let full = std::env::var("AM_TMPLDIFF_FULL").as_deref() == Ok("1");
    let mut total_by_group: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut corpus_problems = 0;
    // Panics are collected as outcomes; keep the default hook from printing hundreds of them.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let renderer = catch_unwind(render::Renderer::new);
    for ((case, reply), globs) in run.cases.iter().zip(&run.replies).zip(&run.globs) {
        total_by_group
            .entry(case.group.clone())
            .or_insert_with(|| (case.owner.clone(), 0))
            .1 += 1;
        let Ok(reference) = compare::reference(case, reply) else {
            corpus_problems += 1;
            continue;
        };
        let (ours, panicked) = match &renderer {
            Ok(r) => render_ours(r, case, globs),
            Err(_) => (
                Outcome::err("panic while loading the default templates".to_owned()),
                true,
            ),
        };
        let kind = if panicked {
            Some(Kind::Panic)
        } else {
            compare::compare(case.error, &reference, &ours)
        };
        if let Some(kind) = kind {
            mismatches.push(Mismatch {
                id: case.id.clone(),
                group: case.group.clone(),
                kind,
                reference,
                ours,
            });
        }
    }
    std::panic::set_hook(hook);
    let report = compare::report(&total_by_group, &mismatches, full);
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff_go_report.txt");
    let full_report = compare::report(&total_by_group, &mismatches, true);
    let written = std::fs::write(&path, full_report).is_ok();
    println!("{report}");
    if written {
        println!("full report: {}", path.display());
    }
    assert_eq!(
        corpus_problems, 0,
        "{corpus_problems} cases have corpus problems; see oracle_agrees_with_corpus"
    );
    assert!(
        mismatches.is_empty(),
        "{} of {} cases differ from Go (table above)",
        mismatches.len(),
        run.cases.len()
    );
}

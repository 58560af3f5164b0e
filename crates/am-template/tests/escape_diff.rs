//! Differential test of `html/template` escaping: every case (handwritten, a grid of contexts ×
//! values × action forms, and seeded random templates; see `escape_diff/`) is run by
//! one Go process (`tests/go/escape`) and by `am_template::escape` + the executor; outputs and
//! errors must match byte for byte.
//!
//! `AM_ESCAPE_FILTER=substr` runs only the cases whose id contains `substr`.

#[path = "escape_diff/cases.rs"]
mod cases;
#[path = "escape_diff/hand.rs"]
mod hand;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use am_template::escape::HtmlEscaper;
use am_template::exec::{Limits, MissingKey, TemplateSet};
use am_template::func::{Func, FuncMap, ParamType, Signature};
use am_template::value::{ContentKind, Value};
use am_testkit::GoOracle;
use serde::Deserialize;
use serde_json::Value as Json;

use cases::Case;

#[derive(Debug, Default, Deserialize)]
struct GoResult {
    out: String,
    err: String,
}

#[derive(Debug, Default, Deserialize)]
struct GoReply {
    parse_err: String,
    results: Option<Vec<GoResult>>,
}

/// JSON data as Go's `json.Unmarshal` into `interface{}` makes it, with typed-string markers.
fn to_value(j: &Json) -> Value {
    match j {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        Json::String(s) => Value::str(s),
        Json::Array(a) => Value::slice("[]interface {}", a.iter().map(to_value).collect()),
        Json::Object(m) => {
            if m.len() == 1 {
                let (k, v) = m.iter().next().expect("one entry");
                let kind = match k.as_str() {
                    "$html" => Some(ContentKind::Html),
                    "$url" => Some(ContentKind::Url),
                    "$js" => Some(ContentKind::Js),
                    "$jsstr" => Some(ContentKind::JsStr),
                    "$css" => Some(ContentKind::Css),
                    "$attr" => Some(ContentKind::HtmlAttr),
                    "$srcset" => Some(ContentKind::Srcset),
                    _ => None,
                };
                if let (Some(kind), Json::String(s)) = (kind, v) {
                    return Value::Typed(kind, Arc::from(s.as_str()));
                }
            }
            let entries: BTreeMap<String, Value> =
                m.iter().map(|(k, v)| (k.clone(), to_value(v))).collect();
            Value::map("map[string]interface {}", Value::Nil, entries)
        }
    }
}

fn test_funcs() -> FuncMap {
    let mut m = FuncMap::new();
    let typed = |name: &str, kind: ContentKind| {
        Func::new(name, Signature::new(vec![ParamType::String]), move |a| {
            Ok(Value::Typed(
                kind,
                Arc::from(a[0].as_str().unwrap_or_default()),
            ))
        })
    };
    m.insert("safeHtml", typed("safeHtml", ContentKind::Html));
    m.insert("safeUrl", typed("safeUrl", ContentKind::Url));
    m.insert("safeJs", typed("safeJs", ContentKind::Js));
    m.insert("safeAttr", typed("safeAttr", ContentKind::HtmlAttr));
    m.insert("safeCss", typed("safeCss", ContentKind::Css));
    m.insert(
        "toUpper",
        Func::new("toUpper", Signature::new(vec![ParamType::String]), |a| {
            Ok(Value::str(a[0].as_str().unwrap_or_default().to_uppercase()))
        }),
    );
    m
}

/// Our rendering of a case, in the oracle's reply shape.
fn render(case: &Case) -> GoReply {
    let mut set = TemplateSet::new();
    set.add_funcs(test_funcs());
    match case.missingkey.as_str() {
        "zero" => set.set_missing_key(MissingKey::Zero),
        "error" => set.set_missing_key(MissingKey::Error),
        _ => {}
    }
    for t in &case.templates {
        if let Err(e) = set.parse(&t.name, &t.text) {
            return GoReply {
                parse_err: e.to_string(),
                results: None,
            };
        }
    }
    let data = to_value(&case.data);
    let mut escaper = HtmlEscaper::new();
    let results = case
        .execs
        .iter()
        .map(|name| {
            let r = escaper
                .escape_template(&mut set, name)
                .and_then(|()| set.execute(name, &data, &Limits::default()));
            match r {
                Ok(out) => GoResult {
                    out,
                    err: String::new(),
                },
                Err(e) => GoResult {
                    out: String::new(),
                    err: e.to_string(),
                },
            }
        })
        .collect();
    GoReply {
        parse_err: String::new(),
        results: Some(results),
    }
}

/// Differences between Go's reply and ours (outputs are compared only without errors: Go
/// keeps partial output on execution errors).
fn compare(go: &GoReply, ours: &GoReply) -> Option<String> {
    if go.parse_err != ours.parse_err {
        return Some(format!(
            "parse error\n   go: {:?}\n  ours: {:?}",
            go.parse_err, ours.parse_err
        ));
    }
    let (g, o) = (
        go.results.as_deref().unwrap_or_default(),
        ours.results.as_deref().unwrap_or_default(),
    );
    if g.len() != o.len() {
        return Some(format!("{} results from go, {} from us", g.len(), o.len()));
    }
    for (i, (g, o)) in g.iter().zip(o).enumerate() {
        if g.err != o.err {
            return Some(format!(
                "exec #{i} error\n   go: {:?}\n  ours: {:?}\n  (our output {:?})",
                g.err, o.err, o.out
            ));
        }
        if g.err.is_empty() && g.out != o.out {
            return Some(format!(
                "exec #{i} output\n   go: {:?}\n  ours: {:?}",
                g.out, o.out
            ));
        }
    }
    None
}

#[test]
fn escaping_matches_go() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/go/escape");
    let Some(oracle) = GoOracle::build(&dir, "escape-oracle") else {
        return;
    };
    let mut all = cases::all();
    if let Ok(f) = std::env::var("AM_ESCAPE_FILTER") {
        all.retain(|c| c.id.contains(&f));
    }
    let replies: Vec<GoReply> = oracle.run_json(&all);
    if let Ok(path) = std::env::var("AM_ESCAPE_DUMP") {
        let dump: Vec<String> = all
            .iter()
            .zip(&replies)
            .map(|(c, r)| format!("{}\t{:?}\t{:?}", c.id, c.templates[0].text, r))
            .collect();
        std::fs::write(path, dump.join("\n")).expect("write the dump");
    }
    assert_eq!(replies.len(), all.len(), "one reply per case");

    let mut failures = Vec::new();
    let (mut outputs, mut errors) = (0, 0);
    for (case, go) in all.iter().zip(&replies) {
        for r in go.results.iter().flatten() {
            if r.err.is_empty() {
                outputs += 1;
            } else {
                errors += 1;
            }
        }
        let ours = render(case);
        if let Some(diff) = compare(go, &ours) {
            let texts: Vec<String> = case
                .templates
                .iter()
                .map(|t| format!("{:?}: {:?}", t.name, t.text))
                .collect();
            failures.push(format!("{}\n  {}\n  {diff}", case.id, texts.join("\n  ")));
        }
    }
    eprintln!(
        "escape_diff: {} cases, {outputs} outputs and {errors} errors from Go, {} mismatches",
        all.len(),
        failures.len()
    );
    if std::env::var("AM_ESCAPE_FILTER").is_err() {
        assert!(
            all.len() >= 600,
            "expected at least 600 cases, got {}",
            all.len()
        );
        assert!(
            outputs >= 400 && errors >= 50,
            "cases must cover both outcomes"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from Go:\n\n{}",
        failures.len(),
        all.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
